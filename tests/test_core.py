"""Reverse mode on straight-line code: every operator and core rule against
central differences, over scalar, vector, matrix and broadcast shape pairs."""
import math

import numpy as np
import pytest

import srcdiff
from numeric import load_function, load_module, assert_grads, numeric_grad

SHAPE_PAIRS = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((3,), (2, 3)), ((2, 1), (1, 3)),
               ((), (2, 3)), ((2, 3), ()), ((2, 3), (2, 3))]


def _arg(rng, shape, low=0.5, high=1.5):
    if shape == ():
        return float(rng.uniform(low, high))
    return rng.uniform(low, high, size=shape)


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "**", "%"])
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_binary_operator_broadcasting(op, shapes, rng):
    f = load_function(f"""
        def f(x, y):
            return np.sum(np.sin(x {op} y) * 1.3)
    """)
    x, y = _arg(rng, shapes[0]), _arg(rng, shapes[1])
    if op == "%":
        x, y = x + 2.0, y + 0.3 if np.ndim(y) else y + 0.3  # away from the jumps
    assert_grads(f, srcdiff.grad(f, wrt=(0, 1)), (x, y), (0, 1))


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)),
                                    ((2, 3), (3, 4)), ((4, 2, 3), (3, 2)), ((2, 3), (4, 3, 2))],
                         ids=str)
def test_matmul_operator(shapes, rng):
    f = load_function("""
        def f(a, b):
            return np.sum(np.tanh(a @ b))
    """)
    a, b = _arg(rng, shapes[0], -1, 1), _arg(rng, shapes[1], -1, 1)
    assert_grads(f, srcdiff.grad(f, wrt=(0, 1)), (a, b), (0, 1))


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)),
                                    ((2, 3), (3, 4))], ids=str)
def test_np_dot(shapes, rng):
    f = load_function("""
        def f(a, b):
            return np.sum(np.cos(np.dot(a, b)))
    """)
    a, b = _arg(rng, shapes[0], -1, 1), _arg(rng, shapes[1], -1, 1)
    assert_grads(f, srcdiff.grad(f, wrt=(0, 1)), (a, b), (0, 1))


def test_unary_operators(rng):
    f = load_function("""
        def f(x):
            y = -x
            z = +y
            return np.sum(z * x ** 2)
    """)
    assert_grads(f, srcdiff.grad(f), (rng.normal(size=4),), 0)


def test_floordiv_has_zero_gradient(rng):
    f = load_function("""
        def f(x):
            return np.sum(x // 0.7 + x)
    """)
    x = rng.uniform(0.1, 3, size=5)
    np.testing.assert_allclose(srcdiff.grad(f)(x), np.ones(5))


def test_augmented_assignment(rng):
    f = load_function("""
        def f(x, y):
            z = x * 1.0
            z += y
            z *= x
            z -= 2.0
            z /= y
            z **= 2
            return np.sum(z)
    """)
    x, y = rng.uniform(0.5, 1.5, 3), rng.uniform(0.5, 1.5, 3)
    assert_grads(f, srcdiff.grad(f, wrt=(0, 1)), (x, y), (0, 1))


def test_reassignment_in_straight_line_code(rng):
    f = load_function("""
        def f(x, w):
            h = np.tanh(x * w)
            h = np.tanh(h * w)
            h = h * h
            return np.sum(h)
    """)
    args = (rng.normal(size=3), rng.normal(size=3))
    assert_grads(f, srcdiff.grad(f, wrt=(0, 1)), args, (0, 1))


def test_tuple_packing_and_unpacking(rng):
    f = load_function("""
        def f(x, y):
            a, b = y, x
            a, b = b * 2.0, a * 3.0
            t = (a, b)
            u, v = t
            return np.sum(u * v)
    """)
    args = (rng.normal(size=3), rng.normal(size=3))
    assert_grads(f, srcdiff.grad(f, wrt=(0, 1)), args, (0, 1))


def test_constants_and_comparisons_are_not_differentiated(rng):
    f = load_function("""
        def f(x):
            big = x > 0.5
            k = 2
            return np.sum(np.where(big, x * k, x ** 3))
    """)
    x = np.array([0.1, 0.7, 0.3, 0.9])
    assert_grads(f, srcdiff.grad(f), (x,), 0)


def test_python_floats_and_numpy_scalars():
    f = load_function("""
        def f(x, y):
            return x * y + math.sin(x) * 3.0 + y ** 2
    """)
    for x, y in [(0.3, 1.2), (np.float64(0.3), np.float64(1.2))]:
        gx, gy = srcdiff.grad(f, wrt=(0, 1))(x, y)
        assert np.isclose(gx, y + 3 * math.cos(x))
        assert np.isclose(gy, x + 2 * y)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("red", ["sum", "mean"])
def test_sum_mean_axis_keepdims(axis, keepdims, red, rng):
    f = load_function(f"""
        def f(x):
            return np.sum(np.sin(np.{red}(x * x, axis={axis!r}, keepdims={keepdims})))
    """)
    assert_grads(f, srcdiff.grad(f), (rng.normal(size=(2, 3)),), 0)


def test_grad_wrt_names_and_positions(rng):
    f = load_function("""
        def f(x, y, z=2.0):
            return np.sum(x * y * z)
    """)
    x, y = rng.normal(size=3), rng.normal(size=3)
    np.testing.assert_allclose(srcdiff.grad(f, wrt="y")(x, y), x * 2.0)
    gx, gz = srcdiff.grad(f, wrt=(0, "z"))(x, y, 3.0)
    np.testing.assert_allclose(gx, y * 3.0)
    assert np.isclose(gz, np.sum(x * y))
    (g,) = srcdiff.grad(f, wrt=(1,))(x, y)
    np.testing.assert_allclose(g, x * 2.0)


def test_decorator_forms(rng):
    mod = load_module("""
import srcdiff

@srcdiff.grad
def g1(x):
    return np.sum(x ** 2)

@srcdiff.grad(wrt=("x", "y"))
def g2(x, y):
    return np.sum(3 * x ** 3 - y ** 2)
""")
    x = rng.normal(size=3)
    np.testing.assert_allclose(mod.g1(x), 2 * x)
    dx, dy = mod.g2(x, x)
    np.testing.assert_allclose(dx, 9 * x ** 2)
    np.testing.assert_allclose(dy, -2 * x)


def test_value_and_grad_and_has_aux(rng):
    f = load_function("""
        def f(x):
            loss = np.sum(x ** 2)
            return loss, {"norm": np.sqrt(loss)}
    """)
    x = rng.normal(size=3)
    g, aux = srcdiff.grad(f, has_aux=True)(x)
    np.testing.assert_allclose(g, 2 * x)
    assert np.isclose(aux["norm"], np.linalg.norm(x))
    (value, aux), g = srcdiff.value_and_grad(f, has_aux=True)(x)
    assert np.isclose(value, np.sum(x ** 2))
    h = load_function("""
        def h(x):
            return np.sum(np.exp(x))
    """)
    v, g = srcdiff.value_and_grad(h)(x)
    assert np.isclose(v, np.sum(np.exp(x)))
    np.testing.assert_allclose(g, np.exp(x))


def test_vjp_runs_forward_once_and_backward_many_times(rng):
    f = load_function("""
        def f(x, w):
            y = np.tanh(x * w)
            for i in range(3):
                y = np.sin(y) * w
            return y
    """)
    x, w = rng.normal(size=4), rng.normal(size=4)
    out, f_vjp = srcdiff.vjp(f, x, w)
    np.testing.assert_allclose(out, f(x, w))
    for _ in range(3):
        u = rng.normal(size=4)
        dx, dw = f_vjp(u)
        want_x = numeric_grad(lambda x_: np.dot(u, f(x_, w)), (x,), 0)
        want_w = numeric_grad(lambda w_: np.dot(u, f(x, w_)), (w,), 0)
        np.testing.assert_allclose(dx, want_x, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(dw, want_w, rtol=1e-5, atol=1e-7)
    assert "def f_bwd" in srcdiff.source(f_vjp)


def test_vjp_of_tuple_output(rng):
    f = load_function("""
        def f(x):
            return x * 2.0, np.sin(x)
    """)
    x = rng.normal(size=3)
    (a, b), f_vjp = srcdiff.vjp(f, x)
    u, v = rng.normal(size=3), rng.normal(size=3)
    (dx,) = f_vjp((u, v))
    np.testing.assert_allclose(dx, 2 * u + np.cos(x) * v)


def test_output_independent_of_input_gives_zeros(rng):
    f = load_function("""
        def f(x, y):
            return np.sum(y ** 2)
    """)
    x = rng.normal(size=(2, 2))
    g = srcdiff.grad(f)(x, 1.0)
    assert g.shape == (2, 2) and not g.any()


def test_gradient_shape_and_dtype_kind(rng):
    f = load_function("""
        def f(x):
            return np.sum(x * x)
    """)
    x = rng.normal(size=(2, 3)).astype(np.float32)
    g = srcdiff.grad(f)(x)
    assert g.shape == x.shape and g.dtype == np.float32


def test_integer_input_gradient_is_none_with_warning():
    f = load_function("""
        def f(x, y):
            return np.sum(x * y)
    """)
    with pytest.warns(UserWarning, match="integer"):
        gx, gy = srcdiff.grad(f, wrt=(0, 1))(np.arange(3), np.ones(3))
    assert gx is None
    np.testing.assert_allclose(gy, np.arange(3))


def test_methods_and_lambdas(rng):
    class Model:
        def __init__(self, w):
            self.w = w

    f = load_function("""
        class Model:
            def __init__(self, w):
                self.w = w

            def loss(self, x):
                return np.sum(np.tanh(x * self.w))

        square = lambda x: np.sum(x ** 2)
    """, "Model")
    import sys
    mod = sys.modules[f.__module__]
    m = mod.Model(rng.normal(size=3))
    x = rng.normal(size=3)
    np.testing.assert_allclose(srcdiff.grad(m.loss)(x), m.w * (1 - np.tanh(x * m.w) ** 2))
    np.testing.assert_allclose(srcdiff.grad(mod.square)(x), 2 * x)


def test_nested_function_and_closure(rng):
    outer = load_function("""
        def outer(scale):
            def inner(x):
                return np.sum(np.sin(x) * scale)
            return inner
    """)
    inner = outer(2.5)
    x = rng.normal(size=3)
    np.testing.assert_allclose(srcdiff.grad(inner)(x), 2.5 * np.cos(x))


def test_numpy_under_any_alias(rng):
    f = load_function("""
        import numpy as xp
        def f(x):
            return xp.sum(xp.exp(x) * xp.sin(x))
    """)
    x = rng.normal(size=3)
    np.testing.assert_allclose(srcdiff.grad(f)(x), np.exp(x) * (np.sin(x) + np.cos(x)))


def test_generated_source_is_deterministic():
    src = """
        def f(x, y):
            t = np.sin(x) * y
            return np.sum(3 * x ** 3 - y ** 2 + t)
    """
    a = srcdiff.source(srcdiff.grad(load_function(src), wrt=(0, 1)))
    b = srcdiff.source(srcdiff.grad(load_function(src), wrt=(0, 1)))
    strip = lambda s: "\n".join(l for l in s.splitlines() if not l.startswith("# srcdiff")
                                and "[gen_" not in l)
    assert strip(a) == strip(b)
    assert "def f_grad(x, y):" in a
    assert "dx = " in a and "dy = " in a
    assert "# t = np.sin(x) * y" in a


def test_generated_source_runs_on_its_own(rng):
    f = load_function("""
        def f(x, y):
            return np.sum(np.sin(x) * y ** 2)
    """)
    df = srcdiff.grad(f, wrt=(0, 1))
    ns = {}
    exec(srcdiff.source(df), ns)
    x, y = rng.normal(size=3), rng.normal(size=3)
    for a, b in zip(ns["f_grad"](x, y), df(x, y)):
        np.testing.assert_allclose(a, b)


def test_tracebacks_and_inspect_show_generated_code(rng):
    import inspect
    f = load_function("""
        def f(x):
            return np.sum(np.log(x))
    """)
    df = srcdiff.grad(f)
    srcdiff.source(df)      # (the code for unknown argument kinds is made when first needed)
    text = inspect.getsource(df.__srcdiff_wrapped__)
    assert text.startswith("def f_grad(x):")
    assert "dx = " in text


def test_transform_is_cached():
    f = load_function("""
        def f(x):
            return np.sum(x ** 2)
    """)
    from srcdiff.frontend.parse import materialized
    assert materialized(srcdiff.grad(f)).__srcdiff_wrapped__ \
        is materialized(srcdiff.grad(f)).__srcdiff_wrapped__


def test_changed_globals_and_closure_variables_are_noticed():
    mod = load_module("""
SCALE = 2.0

def helper(x):
    return np.sin(x) * SCALE

def f(x):
    return np.sum(helper(x) * 3.0)

def make():
    k = 1.5
    def g(x):
        return np.sum(x * k)
    def set_k(v):
        nonlocal k
        k = v
    return g, set_k
""")
    df = srcdiff.grad(mod.f)
    x = np.array([0.1, 0.2])
    u = np.array([1.0, -2.0])
    np.testing.assert_allclose(df(x), 6 * np.cos(x))
    np.testing.assert_allclose(srcdiff.jvp(mod.f, (x,), (u,))[1], 6 * np.cos(x) @ u)
    mod.SCALE = 10.0                       # a global the (inlined) helper reads
    np.testing.assert_allclose(df(x), 30 * np.cos(x))
    np.testing.assert_allclose(srcdiff.jvp(mod.f, (x,), (u,))[1], 30 * np.cos(x) @ u)
    mod.helper = lambda x: x ** 2          # a rebound global function
    np.testing.assert_allclose(df(x), 6 * x)
    # forward mode's generated code (and the prepared function all transforms
    # share) are made again too: this jvp gave the old helper's derivative
    np.testing.assert_allclose(srcdiff.jvp(mod.f, (x,), (u,))[1], 6 * x @ u)
    np.testing.assert_allclose(srcdiff.value_and_grad(mod.f)(x)[1], 6 * x)
    g, set_k = mod.make()
    dg = srcdiff.grad(g)
    np.testing.assert_allclose(dg(x), [1.5, 1.5])
    set_k(4.0)                             # a closure variable rebound with nonlocal
    np.testing.assert_allclose(dg(x), [4.0, 4.0])


def test_command_line_prints_derivative_source_and_rules(tmp_path):
    import subprocess
    import sys
    src = tmp_path / "model.py"
    src.write_text("import numpy as np\n\ndef loss(w, x):\n    return np.sum(np.tanh(w * x))\n")
    r = subprocess.run([sys.executable, "-m", "srcdiff", f"{src}::loss", "--wrt", "w,x"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "def loss_grad(w, x):" in r.stdout and "dw" in r.stdout and "dx" in r.stdout
    r = subprocess.run([sys.executable, "-m", "srcdiff", f"{src}::loss", "--mode", "forward"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "def " in r.stdout
    r = subprocess.run([sys.executable, "-m", "srcdiff", "rules"], capture_output=True, text=True)
    lines = r.stdout.splitlines()
    assert len([ln for ln in lines if "vjp" in ln and "jvp" in ln]) >= 200
    assert any(ln.startswith("numpy.sin") for ln in lines)


def test_errors_name_the_file_line_and_a_remedy():
    f = load_function("""
        import scipy.linalg
        def f(x):
            y = np.sin(x)
            return np.sum(scipy.linalg.coshm(np.diag(y) + 2.0))
    """)
    with pytest.raises(srcdiff.SrcdiffError) as e:
        srcdiff.grad(f)(np.ones(2))
    msg = str(e.value)
    lines = open(f.__code__.co_filename).read().splitlines()
    lineno = next(i + 1 for i, ln in enumerate(lines) if "coshm" in ln and "return" in ln)
    assert f"{f.__code__.co_filename}:{lineno}:" in msg
    assert "scipy.linalg.coshm" in msg and "vjp_rule" in msg
    g = load_function("""
        def g(x):
            return x * 2.0
    """)
    with pytest.raises(srcdiff.SrcdiffError, match="vjp"):
        srcdiff.grad(g)(np.ones(3))
    with pytest.raises(srcdiff.SrcdiffError, match="no parameter"):
        srcdiff.grad(g, wrt="y")
