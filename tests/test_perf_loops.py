"""Numeric checks of the loop-gradient optimisations: slice writes into
copies (the cotangent buffer reused, ``replace_at``), values read by the
adjoint sweep only before the loop not saved, cheap scalar temporaries
recomputed instead of saved, sums of products (``sum_product``)."""
import numpy as np
import pytest

import srcdiff
from numeric import load_function, assert_grads


def _check(src, args, wrt, rtol=1e-5, atol=1e-6):
    f = load_function(src)
    df = srcdiff.grad(f, wrt=wrt)
    assert_grads(f, df, args, wrt, rtol=rtol, atol=atol)
    return df


HEAT = """
    def f(u, k, steps):
        for step in range(steps):
            u_new = u.copy()
            u_new[1:-1, 1:-1] = u[1:-1, 1:-1] + k * (
                u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2]
                - 4.0 * u[1:-1, 1:-1])
            u = u_new
        return np.sum(u ** 2)
"""


@pytest.mark.parametrize("steps", [1, 3])
def test_heat_stencil(steps):
    rng = np.random.default_rng(0)
    u = rng.uniform(0, 1, (6, 5))
    df = _check(HEAT, (u, 0.2, steps), (0, 1))
    src = srcdiff.source(df)
    assert "replace_at" in src and "u_stack" not in src


SLICE_CASES = {
    # the written slice also read afterwards through the original
    "read_after_write": """
        def f(u, k, steps):
            for i in range(steps):
                v = u.copy()
                v[1:] = k * u[:-1] + u[1:]
                u = v * u
            return np.sum(u * np.sin(u))
    """,
    # the copy's written region differs from the region read
    "different_regions": """
        def f(u, k, steps):
            for i in range(steps):
                v = u.copy()
                v[:2] = u[1:3] * k
                u = v + 0.5 * u
            return np.sum(u ** 3)
    """,
    # the value saved per step is read after the loop too
    "read_after_loop": """
        def f(u, k, steps):
            w = u
            for i in range(steps):
                v = w.copy()
                v[1:-1] = w[2:] * k + w[:-2]
                w = v
            return np.sum(w * u) + np.sum(u ** 2)
    """,
    # two slice writes into one copy
    "two_writes": """
        def f(u, k, steps):
            for i in range(steps):
                v = u.copy()
                v[1:] = u[:-1] * k
                v[:1] = u[-1:] + k
                u = v
            return np.sum(u * u)
    """,
    # straight-line (no loop)
    "no_loop": """
        def f(u, k, steps):
            v = u.copy()
            v[1:-1] = (u[2:] - u[:-2]) * k
            return np.sum(v * v) + np.sum(u)
    """,
    # cotangent reaches the copy only via the write
    "write_whole_inner": """
        def f(u, k, steps):
            for i in range(steps):
                v = u.copy()
                v[1:-1] = k * v[1:-1] + u[:-2] * u[2:]
                u = v
            return np.sum(np.cos(u))
    """,
    # (the adjoint reads a view of v taken before v is written: v's old elements
    # must be put back even where nothing else reads v)
    "write_reads_own_slice_top_level": """
        def f(u, k, steps):
            v = u.copy()
            v[1:-1] = k * v[1:-1] + u[:-2] * u[2:]
            w = v.reshape(2, 3).copy()
            w[0] = w[1] * k
            return np.sum(v * 2.0) + np.sum(w ** 2)
    """,
}


@pytest.mark.parametrize("name", sorted(SLICE_CASES))
def test_slice_writes_into_copies(name):
    rng = np.random.default_rng(1)
    u = rng.uniform(0.2, 1.0, 6)
    _check(SLICE_CASES[name], (u, 0.3, 3), (0, 1))


EULER = """
    def f(k, y0, steps):
        y = y0
        dt = 10.0 / steps
        for i in range(steps):
            y = y + dt * k * y * (1.0 - y)
        return y
"""

SCALAR_LOOPS = {
    "euler": EULER,
    "two_updates": """
        def f(k, y0, steps):
            y = y0
            z = 1.0
            for i in range(steps):
                a = k * y
                b = z - a
                z = z * 0.5 + a
                y = y + b * a
            return y + z
    """,
    "temporary_after_update": """
        def f(k, y0, steps):
            y = y0
            for i in range(steps):
                a = y * k
                y = y - 0.1 * a
                b = y * a
                y = y + 0.05 * b
            return y
    """,
    "division": """
        def f(k, y0, steps):
            y = y0
            for i in range(steps):
                q = y / k
                y = y - 0.1 * q * q
            return y
    """,
    "temporary_read_after_loop": """
        def f(k, y0, steps):
            y = y0
            a = 0.0
            for i in range(steps):
                a = k * y
                y = y + 0.1 * a * y
            return y * a
    """,
    "math_call": """
        def f(k, y0, steps):
            y = y0
            for i in range(steps):
                s = math.sin(y)
                t = s * k
                y = y + 0.1 * t
            return y
    """,
    "while_loop": """
        def f(k, y0, steps):
            y = y0
            i = 0
            while i < steps:
                a = k * y
                y = y + 0.1 * a * (1.0 - y)
                i += 1
            return y
    """,
}


@pytest.mark.parametrize("name", sorted(SCALAR_LOOPS))
def test_scalar_loops(name):
    _check(SCALAR_LOOPS[name], (0.9, 0.3, 7), (0, 1))


def test_euler_recomputes_instead_of_saving():
    f = load_function(EULER)
    df = srcdiff.grad(f, wrt=(0, 1))
    df(0.9, 0.01, 5)
    src = srcdiff.source(df)
    assert src.count("_stack = []") == 1, src


def test_scalar_loops_numpy_arrays():
    # the same loop on 1-element arrays (not scalars): nothing recomputed wrongly
    f = load_function(EULER.replace("return y", "return np.sum(y)"))
    df = srcdiff.grad(f, wrt=(0, 1))
    k, y0 = np.array([0.9]), np.array([0.3])
    assert_grads(f, df, (k, y0, 6), (0, 1))


@pytest.mark.parametrize("shape_b", [(3, 4), (4,), (1, 4)])
def test_sum_product(shape_b):
    rng = np.random.default_rng(2)
    a = rng.standard_normal((3, 4))
    b = rng.standard_normal(shape_b)
    src = """
        def f(a, b, k):
            return np.sum(np.sin(k * a * b)) + np.sum(k * (a * b))
    """
    _check(src, (a, b, 0.7), (0, 1, 2))


def test_sum_product_second_order():
    f = load_function("""
        def f(a, k):
            return np.sum(np.sin(k * a))
    """)
    a = np.random.default_rng(3).standard_normal((2, 3))
    ddk = srcdiff.grad(srcdiff.grad(f, wrt=1), wrt=1)(a, 0.7)
    np.testing.assert_allclose(ddk, -np.sum(a * a * np.sin(0.7 * a)), rtol=1e-8)
    hv = srcdiff.hvp(f)(a, 0.7, np.ones_like(a)) if hasattr(srcdiff, "hvp") else None
    if hv is not None:
        hv = hv[0] if isinstance(hv, tuple) else hv
        np.testing.assert_allclose(hv, -0.49 * np.sin(0.7 * a), rtol=1e-8)


def test_heat_second_order():
    f = load_function(HEAT)
    u = np.random.default_rng(4).uniform(0, 1, (5, 5))
    g = srcdiff.grad(srcdiff.grad(f, wrt=1), wrt=1)(u, 0.2, 2)
    eps = 1e-4
    d1 = srcdiff.grad(f, wrt=1)
    num = (d1(u, 0.2 + eps, 2) - d1(u, 0.2 - eps, 2)) / (2 * eps)
    np.testing.assert_allclose(g, num, rtol=1e-5)
