"""Numeric checks of the code paths the speed work added: shift-invariant
extrema (no adjoint for a logsumexp's max), the fused division rule, negation
after unbroadcast, rule locals treated as fresh buffers."""
import numpy as np
import pytest

import srcdiff
from numeric import load_function, assert_grads


def _check(src, args, wrt, rtol=1e-5, atol=1e-6):
    f = load_function(src)
    df = srcdiff.grad(f, wrt=wrt)
    assert_grads(f, df, args, wrt, rtol=rtol, atol=atol)
    # unspecialised code (first generated, no argument kinds) must agree too
    return f, df


SHIFT_CASES = {
    "logsumexp_softmax": """
        def f(x, c):
            m = np.max(x, axis=1, keepdims=True)
            e = np.exp(x - m)
            s = np.sum(e, axis=1, keepdims=True)
            lse = m + np.log(s)
            p = e / s
            return np.sum(lse) + np.sum(p * c)
    """,
    "log_softmax_axis0": """
        def f(x, c):
            z = x - np.max(x, axis=0, keepdims=True)
            logp = z - np.log(np.sum(np.exp(z), axis=0, keepdims=True))
            return np.sum(c * logp)
    """,
    "full_max": """
        def f(x, c):
            m = np.max(x)
            e = np.exp(x - m)
            return np.log(np.sum(e)) + m + np.sum(c * e / np.sum(e))
    """,
    "min_shift_negative_axis": """
        def f(x, c):
            m = np.min(x, axis=-1, keepdims=True)
            e = np.exp(x - m)
            return np.sum(c * (e / np.sum(e, axis=-1, keepdims=True)))
    """,
    # NOT invariant: the max's derivative must flow
    "max_itself": """
        def f(x, c):
            m = np.max(x, axis=1, keepdims=True)
            e = np.exp(x - m)
            return np.sum(e) + np.sum(m * c[:, :1])
    """,
    "sum_over_other_axis": """
        def f(x, c):
            m = np.max(x, axis=1, keepdims=True)
            e = np.exp(x - m)
            s = np.sum(e, axis=0, keepdims=True)
            return np.sum(c * e / s)
    """,
    "unnormalised_exp": """
        def f(x, c):
            m = np.max(x, axis=1, keepdims=True)
            return np.sum(c * np.exp(x - m))
    """,
    "scaled_shift": """
        def f(x, c):
            m = np.max(x, axis=1, keepdims=True)
            z = 2.0 * (x - m)
            return np.sum(c * np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True))
    """,
    "mismatched_lse": """
        def f(x, c):
            m = np.max(x, axis=1, keepdims=True)
            s = np.sum(np.exp(x - m), axis=1, keepdims=True)
            return np.sum(2.0 * m + np.log(s))
    """,
    "used_in_loop": """
        def f(x, c):
            m = np.max(x, axis=1, keepdims=True)
            t = 0.0
            for i in range(2):
                t = t + np.sum(np.exp(x - m) * c)
            return t
    """,
}


@pytest.mark.parametrize("name", sorted(SHIFT_CASES))
@pytest.mark.parametrize("shape", [(4, 3), (3, 5)])
def test_shift_invariant_extrema(name, shape):
    rng = np.random.default_rng(hash(name) % 1000)
    x = rng.standard_normal(shape)
    c = rng.standard_normal(shape)
    _check(SHIFT_CASES[name], (x, c), 0)


def test_shift_invariant_max_has_no_adjoint():
    f = load_function(SHIFT_CASES["logsumexp_softmax"])
    df = srcdiff.grad(f)
    x = np.random.default_rng(0).standard_normal((5, 4))
    df(x, x)
    assert "extremum_weights" not in srcdiff.source(df)
    g = load_function(SHIFT_CASES["max_itself"])
    dg = srcdiff.grad(g)
    dg(x, x)
    assert "extremum_weights" in srcdiff.source(dg)


def test_shift_invariant_with_ties():
    # ties in the max: the exact gradient does not depend on how they are split
    f = load_function(SHIFT_CASES["logsumexp_softmax"])
    x = np.array([[1.0, 1.0, 0.5], [2.0, -1.0, 2.0]])
    c = np.array([[0.3, -0.2, 0.9], [1.1, 0.4, -0.7]])
    assert_grads(f, srcdiff.grad(f), (x, c), 0)


def test_shift_invariant_second_order():
    f = load_function("""
        def f(x):
            m = np.max(x, axis=1, keepdims=True)
            return np.sum(m + np.log(np.sum(np.exp(x - m), axis=1, keepdims=True)))
    """)
    x = np.random.default_rng(1).standard_normal((2, 3))
    h = srcdiff.hessian(f)(x)
    # logsumexp's Hessian per row: diag(p) - p p^T
    e = np.exp(x - x.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    want = np.zeros((2, 3, 2, 3))
    for r in range(2):
        want[r, :, r, :] = np.diag(p[r]) - np.outer(p[r], p[r])
    np.testing.assert_allclose(np.reshape(h, want.shape), want, atol=1e-7)


DIV_CASES = [((3, 4), (3, 4)), ((3, 4), (3, 1)), ((3, 1), (3, 4)), ((4,), (3, 4)), ((3, 4), ()),
             ((), (3, 4))]


@pytest.mark.parametrize("sx,sy", DIV_CASES)
@pytest.mark.parametrize("expr", ["x / y", "np.divide(x, y)", "x - y", "np.subtract(x, y)",
                                  "x / x + y / y", "(x - y) / (y - x * 2.0)", "x / (y * y)"])
def test_divide_subtract_broadcasting(sx, sy, expr):
    rng = np.random.default_rng(3)
    x = rng.uniform(0.5, 1.5, sx) if sx else 1.3
    y = rng.uniform(0.5, 1.5, sy) if sy else 0.7
    src = f"""
        def f(x, y):
            z = {expr}
            return np.sum(z * z) + np.sum(np.sin(z))
    """
    _check(src, (x, y), (0, 1))


@pytest.mark.parametrize("wrt", [0, 1, (0, 1)])
def test_divide_partial_wrt_and_reuse(wrt):
    rng = np.random.default_rng(4)
    x, y = rng.uniform(0.5, 1.5, (3, 4)), rng.uniform(0.5, 1.5, (3, 1))
    src = """
        def f(x, y):
            q = x / y
            r = q / y
            return np.sum(q * r) + np.sum(x / q)
    """
    _check(src, (x, y), wrt)


def test_divide_in_loop_accumulates():
    rng = np.random.default_rng(5)
    x, y = rng.uniform(0.5, 1.5, (3, 4)), rng.uniform(0.5, 1.5, 4)
    src = """
        def f(x, y):
            for i in range(3):
                x = x / y + y / x
            return np.sum(x)
    """
    _check(src, (x, y), (0, 1))


BCAST_CASES = [
    "np.sum(x * c)", "np.sum(c * x) * 3.0", "2.0 * np.sum(x / c)", "np.sum(x - c) + np.sum(x * x)",
    "np.sum((x * c) * 2.0 * c)", "np.sum(x * c) * np.sum(x)", "np.mean(x * c)",
]


@pytest.mark.parametrize("expr", BCAST_CASES)
@pytest.mark.parametrize("sc", [(3, 4), (4,), (1, 4), ()])
def test_full_reduction_cotangent_broadcast(expr, sc):
    rng = np.random.default_rng(6)
    x = rng.uniform(0.5, 1.5, (3, 4))
    c = rng.uniform(0.5, 1.5, sc) if sc else 0.7
    src = f"""
        def f(x, c):
            return {expr}
    """
    _check(src, (x, c), (0, 1))


def test_full_reduction_cotangent_float32():
    f = load_function("""
        def f(x, c):
            return np.sum(x * c)
    """)
    x = np.ones((2, 3), np.float32)
    c = np.full((2, 3), 2.0, np.float32)
    g = srcdiff.grad(f)(x, c)
    assert g.dtype == np.float32 and g.shape == (2, 3)
    np.testing.assert_array_equal(g, c)
    assert not np.shares_memory(g, c)


@pytest.mark.parametrize("sa,sx", [((3, 4), (3, 1)), ((3, 4), (1, 4)), ((3, 4), (4,)), ((3, 4), (1, 1)),
                                   ((2, 3, 4), (3, 1)), ((2, 3, 4), (2, 1, 4)), ((3, 1), (1, 1)),
                                   ((3, 4), ()), ((3, 4), (3, 4))])
def test_sum_product_helper_matches_unbroadcast(sa, sx):
    from srcdiff.runtime import sum_product, unbroadcast
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal(sa), rng.standard_normal(sa)
    x = np.zeros(sx)
    got, want = sum_product(a, b, x), unbroadcast(a * b, x)
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    a32 = a.astype(np.float32)
    assert sum_product(a32, a32, x).dtype == np.float32


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_row_sums_of_products(axis):
    rng = np.random.default_rng(8)
    x, c = rng.uniform(0.5, 1.5, (4, 3)), rng.uniform(0.5, 1.5, (4, 3))
    src = f"""
        def f(x, c):
            s = np.sum(x * c, axis={axis}, keepdims=True)
            q = (x * c) / s
            return np.sum(q * np.sin(x)) + np.sum(s * s)
    """
    _check(src, (x, c), (0, 1))


def test_constant_times_negated_cotangent_folds_only_cotangents():
    f = load_function("""
        def f(x, y, u):
            z = 3.0 * (x - y) + 2.0 * -u
            return np.sum(z * z) + np.sum(4.0 * -(y * x))
    """)
    rng = np.random.default_rng(9)
    x, y = rng.uniform(0.5, 1.5, 4), rng.uniform(0.5, 1.5, 4)
    u = np.array([1, 2, 3, 250], dtype=np.uint8)   # -u wraps: must stay as written
    df = srcdiff.grad(f, wrt=(0, 1))
    assert_grads(f, df, (x, y, u), (0, 1))


def test_replace_at_dtypes():
    from srcdiff.runtime import replace_at, zero_at, add_at
    idx = (slice(1, 3),)
    for g, v in [(np.ones(4), 2.5), (np.ones(4, np.float32), np.float32(2.0) * np.ones(2, np.float32)),
                 (np.ones(4, np.float32), np.ones(2)), (np.ones(4), np.ones(2) * 1j), (np.ones(4, int), 0.5)]:
        got = replace_at(g, idx, v)
        want = add_at(zero_at(g.astype(np.result_type(g, v)), idx), idx, v)
        assert got.dtype == want.dtype and not np.shares_memory(got, g)
        np.testing.assert_array_equal(got, want)


def test_scalar_output_seed_keeps_dtype():
    """A scalar output's cotangent keeps the input's dtype. (The gradient computes
    f's value even where the output is provably scalar: the seed checks that it
    is real, issue 17.)"""
    f = load_function("""
        def f(x, c):
            p = np.exp(x) / np.sum(np.exp(x))
            return np.sum(p * c)
    """)
    df = srcdiff.grad(f)
    text = srcdiff.source(df)
    code = [ln for ln in text.splitlines() if not ln.strip().startswith("#")]
    assert sum("scalar_seed(" in ln for ln in code) == 1, text
    x = np.array([0.3, -0.2, 0.5], dtype=np.float32)
    c = np.array([1.0, 2.0, -1.0], dtype=np.float32)
    g = df(x, c)
    assert g.dtype == np.float32
    p = np.exp(x) / np.sum(np.exp(x))
    np.testing.assert_allclose(g, p * (c - np.sum(p * c)), rtol=1e-5)
    # value_and_grad still computes the value
    v, g2 = srcdiff.value_and_grad(f)(x, c)
    np.testing.assert_allclose(v, np.sum(p * c), rtol=1e-5)
