"""Bad inputs: every case either works correctly or raises srcdiff.SrcdiffError
whose message names the user's file and line. None may crash with another
exception, hang, or return a wrong number.

Refused constructs, wrong argument types, integer/boolean inputs, NaN/inf,
empty, 0-d and very large arrays, functions without source, functions whose
globals change between calls, and concurrent calls from threads.
"""
import gc
import math
import re
import sys
import threading
import time
import types
import warnings

import numpy as np
import pytest

import srcdiff
from numeric import load_function, load_module, numeric_grad

X3 = np.array([0.3, -0.7, 1.1])


def marked_line(f, marker="# <-"):
    """The file line of the statement marked with ``# <-`` in f's module source."""
    with open(f.__code__.co_filename) as fh:
        for k, line in enumerate(fh, 1):
            if marker in line:
                return k
    raise AssertionError("no marker")


def assert_refused(call, f, line=None):
    """``call()`` raises SrcdiffError naming f's file (and the line, when given)."""
    with pytest.raises(srcdiff.SrcdiffError) as e:
        call()
    msg = str(e.value)
    path = f.__code__.co_filename
    assert path in msg, msg
    if line is not None:
        assert f"{path}:{line}" in msg, (line, msg)
    return msg


def works_or_refused(call, expected, f=None):
    """Either the right answer, or a SrcdiffError (naming f's file when f is given)."""
    try:
        got = call()
    except srcdiff.SrcdiffError as e:
        if f is not None:
            assert f.__code__.co_filename in str(e), str(e)
        return None
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)
    return got


# ---- refused constructs: SrcdiffError at transform time, with file:line ------------

REFUSED = {
    "try": """
def f(x):
    try:  # <-
        y = x * 2.0
    except ValueError:
        y = x
    return np.sum(y)
""",
    "with": """
import contextlib
def f(x):
    with contextlib.suppress(ValueError):  # <-
        y = x * 2.0
    return np.sum(y)
""",
    "global": """
G = 0.0
def f(x):
    global G  # <-
    G = np.sum(x)
    return np.sum(x) * 2.0
""",
    "nonlocal": """
def outer(x):
    total = 0.0
    def f(x):
        nonlocal total  # <-
        total = np.sum(x)
        return np.sum(x ** 2)
    return f
f = outer(None)
""",
    "yield": """
def f(x):
    yield np.sum(x)  # <-
""",
    "eval": """
def f(x):
    return eval("np.sum(x ** 2)")  # <-
""",
    "exec": """
def f(x):
    exec("y = 1")  # <-
    return np.sum(x ** 2)
""",
    "module-list": """
HISTORY = []
def f(x):
    HISTORY.append(x)  # <-
    return np.sum(x ** 2)
""",
    "module-list-item": """
CACHE = [0.0]
def f(x):
    CACHE[0] = np.sum(x)  # <-
    return np.sum(x ** 2)
""",
    "argument-attribute": """
def f(x, obj):
    obj.last = np.sum(x)  # <-
    return np.sum(x ** 2)
""",
    "argument-attribute-item": """
def f(x, obj):
    obj.buf[0] = np.sum(x)  # <-
    return np.sum(x ** 2)
""",
    "argument-list": """
def f(x, log):
    log.append(np.sum(x))  # <-
    return np.sum(x ** 2)
""",
    "sort-in-place": """
def f(x):
    x.sort()  # <-
    return np.sum(x ** 2)
""",
    "list-slice-write-changing-length": """
def f(x):
    zs = [x, x * 2.0, x * 3.0]
    zs[1:2] = [x * x, x]  # <-
    return np.sum(zs[0] * zs[1] + zs[3])
""",
    # the popped value is unused, but the list is still shorter afterwards
    "list-pop-at-an-index-value-unused": """
def f(x):
    zs = [np.sin(x), x * 2.0, x * 3.0]
    first = zs.pop(0)  # <-
    return np.sum(zs[0] * zs[1])
""",
    "list-insert-result-assigned": """
def f(x):
    zs = [np.sin(x), x * 2.0]
    r = zs.insert(0, x)  # <-
    return np.sum(zs[0] * zs[1])
""",
}


class Box:
    def __init__(self):
        self.buf = np.zeros(2)


# Open bugs (strict xfails: they flip when fixed).
REFUSED_OPEN = {}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=REFUSED_OPEN[n]))
    if n in REFUSED_OPEN else n for n in sorted(REFUSED)])
def test_refused_construct_names_file_and_line(name):
    f = load_function(REFUSED[name], "f")
    args = (X3.copy(),)
    if "obj" in f.__code__.co_varnames[:f.__code__.co_argcount]:
        args = (X3.copy(), Box())
    elif "log" in f.__code__.co_varnames[:f.__code__.co_argcount]:
        args = (X3.copy(), [])
    saved = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    assert_refused(lambda: srcdiff.grad(f)(*args), f, marked_line(f))
    np.testing.assert_array_equal(args[0], saved[0])       # nothing ran half-way


def test_sort_of_a_local_copy_works_or_is_refused():
    f = load_function("""
        def f(x):
            y = x * 1.0
            y.sort()  # <-
            return y[0] * 1.0 + y[-1] * 3.0
    """)
    x = np.array([0.3, -0.7, 1.1])
    works_or_refused(lambda: srcdiff.grad(f)(x), numeric_grad(f, (x,), 0), f)


# ---- wrong argument types -------------------------------------------------------------

@pytest.mark.parametrize("bad", ["abc", None, object(), [1, "a"], {"a": "b"}],
                         ids=["str", "None", "object", "list-with-str", "dict-of-str"])
def test_differentiating_a_non_numeric_argument_is_refused(bad):
    f = load_function("""
        def f(x):
            return np.sum(x ** 2)  # <-
    """)
    with pytest.raises(srcdiff.SrcdiffError) as e:
        srcdiff.grad(f)(bad)
    assert f.__code__.co_filename in str(e.value)


def test_non_numeric_arguments_that_are_not_differentiated_work():
    f = load_function("""
        def f(x, mode, bias=None, cfg=None):
            y = x * cfg.scale if cfg is not None else x
            if bias is not None:
                y = y + bias
            if mode == "sum":
                return np.sum(y ** 2)
            return np.mean(y ** 2)
    """)
    cfg = types.SimpleNamespace(scale=3.0)
    for args in [(X3, "sum"), (X3, "mean"), (X3, "sum", 0.5), (X3, "mean", None, cfg)]:
        g = srcdiff.grad(f)(*args)
        np.testing.assert_allclose(g, numeric_grad(f, args, 0), rtol=1e-6, atol=1e-9)


def test_wrt_that_names_no_parameter_is_refused():
    f = load_function("def f(x):\n    return np.sum(x)\n")
    for wrt in ("y", 3, 1.5, None, ("x", "z")):
        with pytest.raises(srcdiff.SrcdiffError):
            srcdiff.grad(f, wrt=wrt)(X3)


def test_non_scalar_output_is_refused_with_a_pointer_to_vjp():
    f = load_function("""
        def f(x):
            return x * 2.0  # <-
    """)
    with pytest.raises(srcdiff.SrcdiffError) as e:
        srcdiff.grad(f)(X3)
    assert "vjp" in str(e.value)


# ---- integer and boolean inputs -------------------------------------------------------

@pytest.mark.parametrize("value", [3, True, np.int64(2), np.array([1, 2, 3]),
                                   np.array([True, False, True])],
                         ids=["int", "bool", "np.int64", "int-array", "bool-array"])
def test_integer_and_boolean_inputs_have_no_gradient(value):
    f = load_function("""
        def f(n, x):
            return np.sum(x * n) + np.sum(x ** 2)
    """)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        gn, gx = srcdiff.grad(f, wrt=(0, 1))(value, X3)
    assert gn is None
    assert any("integer" in str(m.message) or "boolean" in str(m.message) for m in w)
    np.testing.assert_allclose(gx, numeric_grad(f, (value, X3), 1), rtol=1e-6)


def test_integer_loop_count_and_index_arguments():
    f = load_function("""
        def f(x, n, i):
            for k in range(n):
                x = np.sin(x) * 1.5
            return x[i] * 2.0
    """)
    g = srcdiff.grad(f)(X3, 3, 1)
    np.testing.assert_allclose(g, numeric_grad(f, (X3, 3, 1), 0), rtol=1e-6, atol=1e-9)


def test_float_argument_given_as_int_gets_no_float_gradient_silently_wrong():
    """An int passed where floats are expected: None with a warning (not a truncated
    integer gradient)."""
    f = load_function("def f(x):\n    return x ** 3\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = srcdiff.grad(f)(2)
    assert g is None or (np.isclose(g, 12.0) and np.asarray(g).dtype.kind == "f")


# ---- NaN and inf ---------------------------------------------------------------------

def test_nan_and_inf_propagate_like_numpy():
    f = load_function("""
        def f(x):
            return np.sum(np.sin(x) * x)
    """)
    x = np.array([0.5, np.nan, 1.5, np.inf, -np.inf])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = srcdiff.grad(f)(x)
        want = np.cos(x) * x + np.sin(x)
    assert g.shape == x.shape
    np.testing.assert_allclose(g, want, equal_nan=True)


def test_nan_in_a_branch_condition_and_a_loop():
    f = load_function("""
        def f(x):
            s = 0.0
            for v in x:
                if v > 0:
                    s = s + v * v
                else:
                    s = s - v
            return s
    """)
    x = np.array([0.5, np.nan, -1.5])
    with np.errstate(all="ignore"):
        g = srcdiff.grad(f)(x)
    np.testing.assert_allclose(g, [1.0, -1.0, -1.0])    # nan > 0 is False: the else branch
    y = np.array([np.inf, 2.0])
    with np.errstate(all="ignore"):
        g = srcdiff.grad(f)(y)
    np.testing.assert_allclose(g, [np.inf, 4.0])


def test_nan_scalar_input():
    f = load_function("def f(x):\n    return x * x + 1.0\n")
    with np.errstate(all="ignore"):
        assert math.isnan(srcdiff.grad(f)(float("nan")))
        assert srcdiff.grad(f)(float("inf")) == float("inf")


# ---- empty, 0-d and very large arrays ------------------------------------------------

def test_empty_arrays():
    f = load_function("""
        def f(x, W):
            s = np.sum(x ** 2) + np.sum(np.tanh(W))
            for row in W:
                s = s + np.sum(row * 2.0)
            return s
    """)
    x, W = np.zeros(0), np.zeros((0, 3))
    gx, gW = srcdiff.grad(f, wrt=(0, 1))(x, W)
    assert gx.shape == (0,) and gW.shape == (0, 3)
    assert gx.dtype.kind == "f" and gW.dtype.kind == "f"


def test_empty_list_argument():
    f = load_function("""
        def f(x, xs):
            s = np.sum(x)
            for v in xs:
                s = s + np.sum(v * x)
            return s
    """)
    gx, gxs = srcdiff.grad(f, wrt=(0, 1))(X3, [])
    np.testing.assert_allclose(gx, np.ones(3))
    assert gxs == [] or (isinstance(gxs, list) and len(gxs) == 0)


def test_zero_dimensional_arrays():
    f = load_function("""
        def f(x, w):
            y = np.sin(x) * w
            for i in range(3):
                y = y * x + w
            return y
    """)
    x, w = np.array(0.3), np.array(-1.2)
    gx, gw = srcdiff.grad(f, wrt=(0, 1))(x, w)
    assert np.shape(gx) == () and np.shape(gw) == ()
    assert np.isclose(gx, numeric_grad(f, (x, w), 0), rtol=1e-6)
    assert np.isclose(gw, numeric_grad(f, (x, w), 1), rtol=1e-6)
    assert x == 0.3 and w == -1.2


def test_zero_dimensional_array_written_in_place():
    f = load_function("""
        def f(x):
            y = np.zeros(())
            y[()] = x * 2.0
            return y * x
    """)
    g = srcdiff.grad(f)(np.array(0.7))
    assert np.isclose(g, 4 * 0.7)


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def test_large_array_loop_over_rows_is_not_quadratic():
    """A Python loop over the 20,000 rows of an array, with an in-place write per
    iteration: the gradient must cost a small multiple of the function (a per-
    iteration copy of the whole array would take minutes)."""
    f = load_function("""
        def f(X, w):
            out = np.zeros(X.shape[0])
            s = 0.0
            for i, row in enumerate(X):
                h = np.tanh(row * w)
                out[i] = np.sum(h)
                s = s + h[0] * 0.5
            return np.sum(out ** 2) + s
    """)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 4))
    w = rng.normal(size=4)
    df = srcdiff.grad(f, wrt=(0, 1))
    df(X[:10], w)                                   # transform once
    _, t_f = _timed(f, X, w)
    (gX, gw), t_g = _timed(df, X, w)
    assert t_g < 20.0, t_g
    assert t_g < 40 * t_f + 1.0, (t_g, t_f)
    # spot-check a few rows against central differences
    for i in (0, 12_345, 19_999):
        def fi(r, i=i):
            Y = X.copy()
            Y[i] = r
            return f(Y, w)
        np.testing.assert_allclose(gX[i], numeric_grad(fi, (X[i],), 0), rtol=1e-5, atol=1e-6)


def test_large_while_loop_with_list_is_not_quadratic():
    f = load_function("""
        def f(x):
            hs = []
            h = x
            k = 0
            while k < 20000:
                h = np.sin(h) * 0.5 + x
                hs.append(h)
                k += 1
            return np.sum(hs[-1]) + np.sum(hs[0])
    """)
    df = srcdiff.grad(f)
    df(X3)
    _, t_f = _timed(f, X3)
    g, t_g = _timed(df, X3)
    assert t_g < 20.0 and t_g < 40 * t_f + 1.0, (t_g, t_f)
    np.testing.assert_allclose(g, numeric_grad(f, (X3,), 0), rtol=1e-5)


# ---- functions without source -----------------------------------------------------------

def test_function_defined_by_exec_has_no_source():
    ns = {"np": np}
    exec("def f(x):\n    return np.sum(x ** 2)\n", ns)
    with pytest.raises(srcdiff.SrcdiffError) as e:
        srcdiff.grad(ns["f"])(X3)
    assert "<string>" in str(e.value) and "source" in str(e.value)


def test_lambda_defined_by_exec_has_no_source():
    ns = {"np": np}
    exec("g = lambda x: np.sum(x ** 2)\n", ns)
    with pytest.raises(srcdiff.SrcdiffError):
        srcdiff.grad(ns["g"])(X3)


def test_function_whose_file_was_deleted():
    import os
    f = load_function("def f(x):\n    return np.sum(x ** 3)\n")
    path = f.__code__.co_filename
    os.remove(path)
    import linecache
    linecache.clearcache()
    try:
        works_or_refused(lambda: srcdiff.grad(f)(X3), 3 * X3 ** 2, f)
    finally:
        with open(path, "w") as fh:
            fh.write("")


@pytest.mark.parametrize("func", [len, print, sum, math.factorial], ids=lambda f: f.__name__)
def test_builtins_without_source_are_refused(func):
    with pytest.raises(srcdiff.SrcdiffError):
        srcdiff.grad(func)(X3)


@pytest.mark.parametrize("func, deriv", [(np.sin, np.cos), (math.exp, math.exp),
                                         (np.tanh, lambda x: 1 - np.tanh(x) ** 2)],
                         ids=["np.sin", "math.exp", "np.tanh"])
def test_differentiable_builtins_work_or_are_refused(func, deriv):
    try:
        g = srcdiff.grad(func)(0.4)
    except srcdiff.SrcdiffError:
        return
    assert np.isclose(g, deriv(0.4))


def test_callable_object_and_partial_work_or_are_refused():
    import functools
    mod = load_module("""
def power(x, p):
    return np.sum(x ** p)

class Model:
    def __init__(self, w):
        self.w = w
    def __call__(self, x):
        return np.sum(np.sin(x * self.w))
    def loss(self, x):
        return np.sum((x - self.w) ** 2)
""")
    part = functools.partial(mod.power, p=3)
    works_or_refused(lambda: srcdiff.grad(part)(X3), 3 * X3 ** 2)
    m = mod.Model(2.0)
    works_or_refused(lambda: srcdiff.grad(m)(X3), 2.0 * np.cos(2.0 * X3))
    np.testing.assert_allclose(srcdiff.grad(m.loss)(X3), 2 * (X3 - 2.0))


# ---- functions whose globals change between calls ----------------------------------------

def test_rebinding_a_global_helper_changes_the_gradient():
    mod = load_module("""
def helper(x):
    return x ** 2

def f(x):
    return np.sum(helper(x))
""")
    df = srcdiff.grad(mod.f)
    np.testing.assert_allclose(df(X3), 2 * X3)
    mod.helper = load_function("def cube(x):\n    return x ** 3\n")
    np.testing.assert_allclose(df(X3), 3 * X3 ** 2)                       # same df object
    np.testing.assert_allclose(srcdiff.grad(mod.f)(X3), 3 * X3 ** 2)      # a new transform


def test_rebinding_a_global_constant_changes_the_gradient():
    mod = load_module("""
SCALE = 2.0

def f(x):
    return np.sum(SCALE * x ** 2)
""")
    df = srcdiff.grad(mod.f)
    np.testing.assert_allclose(df(X3), 4 * X3)
    mod.SCALE = 5.0
    np.testing.assert_allclose(df(X3), 10 * X3)
    np.testing.assert_allclose(srcdiff.grad(mod.f)(X3), 10 * X3)


def test_global_array_modified_in_place_changes_the_gradient():
    mod = load_module("""
W = np.array([1.0, 2.0, 3.0])

def f(x):
    return np.sum(W * x ** 2)
""")
    df = srcdiff.grad(mod.f)
    np.testing.assert_allclose(df(X3), 2 * mod.W * X3)
    mod.W[1] = -4.0
    np.testing.assert_allclose(df(X3), 2 * np.array([1.0, -4.0, 3.0]) * X3)


def test_rebinding_a_global_used_by_a_helper_and_by_a_lambda():
    mod = load_module("""
K = 1.0
sq = lambda z: K * z * z

def inner(x):
    return np.sin(x) * K

def f(x):
    return np.sum(inner(x) + sq(x))
""")
    df = srcdiff.grad(mod.f)
    np.testing.assert_allclose(df(X3), np.cos(X3) + 2 * X3)
    mod.K = 3.0
    np.testing.assert_allclose(df(X3), 3 * np.cos(X3) + 6 * X3)


def test_global_helper_rebound_to_a_nondifferentiable_callable():
    mod = load_module("""
def helper(x):
    return x * 2.0

def f(x):
    return np.sum(helper(x) * x)
""")
    df = srcdiff.grad(mod.f)
    np.testing.assert_allclose(df(X3), 4 * X3)
    mod.helper = np.floor            # a registered nondifferentiable: d/dx floor(x)*x = floor(x)
    works_or_refused(lambda: df(X3), np.floor(X3), mod.f)


def test_closure_variable_rebound_changes_the_gradient():
    mod = load_module("""
def make():
    scale = 1.0
    def f(x):
        return np.sum(scale * x ** 2)
    def set_scale(v):
        nonlocal scale
        scale = v
    return f, set_scale
""")
    f, set_scale = mod.make()
    df = srcdiff.grad(f)
    np.testing.assert_allclose(df(X3), 2 * X3)
    set_scale(4.0)
    np.testing.assert_allclose(df(X3), 8 * X3)


def test_default_argument_changed_on_the_function_object():
    f = load_function("""
        def f(x, p=2.0):
            return np.sum(x ** p)
    """)
    df = srcdiff.grad(f)
    np.testing.assert_allclose(df(np.abs(X3)), 2 * np.abs(X3))
    f.__defaults__ = (3.0,)
    np.testing.assert_allclose(df(np.abs(X3)), 3 * np.abs(X3) ** 2)


# ---- threads -----------------------------------------------------------------------------

def test_concurrent_calls_from_threads():
    """8 threads at once: each transforms fresh functions (its own and a shared one),
    and calls a shared gradient (with loops, stacks and in-place writes) many times."""
    mod = load_module("""
def shared(x, w):
    y = np.zeros(x.shape[0])
    h = x
    for i in range(x.shape[0]):
        h = np.tanh(h * w + i * 0.1)
        y[i] = np.sum(h)
    if np.sum(y) > 0:
        y = y * 2.0
    return np.sum(y ** 2)
""")
    shared_grad = srcdiff.grad(mod.shared, wrt=(0, 1))
    rng = np.random.default_rng(1)
    inputs = [(rng.normal(size=5), rng.normal(size=5)) for _ in range(8)]
    want = [(numeric_grad(mod.shared, a, 0), numeric_grad(mod.shared, a, 1)) for a in inputs]
    sources = [load_module(f"""
def own(x):
    s = 0.0
    for k in range({n + 1}):
        s = s + np.sum(np.sin(x * (k + 1.0)))
    return s
""").own for n in range(8)]
    barrier = threading.Barrier(8)
    errors = []

    def work(t):
        try:
            barrier.wait()
            own = sources[t]
            for rep in range(30):
                a = inputs[(t + rep) % 8]
                gx, gw = shared_grad(*a)
                np.testing.assert_allclose(gx, want[(t + rep) % 8][0], rtol=1e-5, atol=1e-7)
                np.testing.assert_allclose(gw, want[(t + rep) % 8][1], rtol=1e-5, atol=1e-7)
                if rep % 10 == 0:   # fresh transforms of shared and own functions, concurrently
                    g2 = srcdiff.grad(mod.shared)(*a)
                    np.testing.assert_allclose(g2, want[(t + rep) % 8][0], rtol=1e-5, atol=1e-7)
                    x = a[0]
                    n = t + 1
                    gown = srcdiff.grad(own)(x)
                    exp = sum((k + 1) * np.cos(x * (k + 1)) for k in range(n))
                    np.testing.assert_allclose(gown, exp, rtol=1e-6, atol=1e-9)
                    out, fv = srcdiff.vjp(mod.shared, *a)
                    np.testing.assert_allclose(fv(1.0)[0], want[(t + rep) % 8][0],
                                               rtol=1e-5, atol=1e-7)
        except BaseException as e:  # noqa: BLE001
            errors.append((t, repr(e)))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)           # switch threads often
    try:
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=300)
    finally:
        sys.setswitchinterval(old)
    assert not any(th.is_alive() for th in threads)
    assert not errors, errors[:3]


def test_concurrent_first_transform_of_the_same_function():
    """Many threads ask for the same never-seen transform at the same moment."""
    for trial in range(3):
        f = load_function(f"""
            def f(x):
                y = x
                for i in range({trial + 2}):
                    y = np.sin(y) * x
                return np.sum(y)
        """)
        want = numeric_grad(f, (X3,), 0)
        barrier = threading.Barrier(8)
        results, errors = [None] * 8, []

        def work(t):
            try:
                barrier.wait()
                results[t] = srcdiff.grad(f)(X3)
            except BaseException as e:  # noqa: BLE001
                errors.append(repr(e))
        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=120)
        assert not errors, errors
        for r in results:
            np.testing.assert_allclose(r, want, rtol=1e-5)
    gc.collect()
