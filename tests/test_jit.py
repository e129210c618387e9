"""srcdiff.jit: generated derivatives compiled by Numba give the NumPy path's numbers."""
import os
import sys
import textwrap
import warnings

import numpy as np
import pytest

import srcdiff
from benchmarks.workloads import WORKLOADS, sin_loop
from numeric import load_function, load_module, numeric_grad

numba = pytest.importorskip("numba")


def _close(a, b, rtol=1e-9, atol=1e-12):
    a = a if isinstance(a, tuple) else (a,)
    b = b if isinstance(b, tuple) else (b,)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert np.shape(x) == np.shape(y)
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


@pytest.mark.parametrize("w", WORKLOADS, ids=[w.name for w in WORKLOADS])
def test_benchmark_workloads_compiled_equal_numpy(w):
    args = w.make_args(True, np.random.default_rng(1))
    g = srcdiff.grad(w.f, wrt=w.wrt)
    jg = srcdiff.jit(g)
    _close(jg(*args), g(*args))
    _close(jg(*args), g(*args))          # (the compiled specialisation, again)
    _close(jg(*args), w.hand(*args), rtol=1e-7, atol=1e-9)


def test_compiled_gradient_matches_central_differences():
    f = load_function("""
        def f(x, w, steps):
            for i in range(steps):
                x = np.tanh(x * w) + 0.5 * x
            return np.sum(x ** 2)
    """)
    x, w = np.array([0.3, -0.7, 1.1]), np.array([0.9, 1.2, -0.4])
    dx, dw = srcdiff.jit(srcdiff.grad(f, wrt=(0, 1)))(x, w, 6)
    np.testing.assert_allclose(dx, numeric_grad(f, (x, w, 6), 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dw, numeric_grad(f, (x, w, 6), 1), rtol=1e-6, atol=1e-8)


def test_decorator_forms_and_composition():
    mod = load_module(textwrap.dedent("""
        import srcdiff

        @srcdiff.jit
        @srcdiff.grad
        def f(x):
            return np.sum(np.sin(x) * x)

        @srcdiff.jit(fallback=True)
        def g(x):
            return np.sum(np.cos(x))
    """))
    x = np.linspace(0.1, 1.0, 5)
    _close(mod.f(x), np.cos(x) * x + np.sin(x))
    _close(mod.g(x), np.sum(np.cos(x)))
    assert srcdiff.jit(mod.f) is mod.f


def test_value_and_grad_and_scalar_loops():
    f = load_function("""
        def ode(k, y0, steps):
            y = y0
            dt = 1.0 / steps
            for i in range(steps):
                y = y + dt * k * y * (1.0 - y)
            return y
    """)
    vg = srcdiff.value_and_grad(f, wrt=(0, 1))
    value, grads = srcdiff.jit(vg)(1.3, 0.2, 40)
    ref_value, ref_grads = vg(1.3, 0.2, 40)
    assert value == pytest.approx(ref_value, rel=1e-12)
    _close(grads, ref_grads)
    assert all(type(gr) is float for gr in grads)


def test_hvp_vjp_and_jvp_compiled():
    x, w, v = np.array([0.5, 1.0, 1.5]), np.array([1.1, 0.9, 1.0]), np.array([1.0, -1.0, 2.0])
    h = srcdiff.hvp(sin_loop)
    _close(srcdiff.jit(h)(x, w, 7, v), h(x, w, 7, v))
    out, f_vjp = srcdiff.vjp(sin_loop, x, w, 7, wrt=(0, 1))
    jf = srcdiff.jit(f_vjp)
    _close(jf(2.0), f_vjp(2.0))
    _close(jf(2.0), f_vjp(2.0))          # (the saved stacks are not used up)
    fwd = srcdiff.jvp_source(sin_loop)
    _close(srcdiff.jit(fwd)(x, w, 7, v), fwd(x, w, 7, v))


def test_examples_functions():
    examples = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "examples")
    sys.path.insert(0, examples)
    try:
        import rnn
        import sine_fit
    finally:
        sys.path.remove(examples)
    rng = np.random.default_rng(0)
    W, U = rng.normal(size=(4, 4)) * 0.5, rng.normal(size=(4, 3)) * 0.5
    b, xs, target = np.zeros(4), rng.normal(size=(6, 3)), rng.normal(size=4)
    g = srcdiff.grad(rnn.loss, wrt=("W", "U", "b"))
    _close(srcdiff.jit(g)(W, U, b, xs, target), g(W, U, b, xs, target))
    a = np.linspace(-3, 3, 50)
    vg = srcdiff.value_and_grad(sine_fit.loss, wrt=(0, 1, 2, 3))
    _close(srcdiff.jit(vg)(0.1, 0.2, 0.3, 0.4, a, np.sin(a))[1],
           vg(0.1, 0.2, 0.3, 0.4, a, np.sin(a))[1])
    rosen = load_function("""
        def rosenbrock(p):
            x, y = p[0], p[1]
            return (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2
    """)
    p = np.array([0.5, -0.3])
    _close(srcdiff.jit(srcdiff.grad(rosen))(p), srcdiff.grad(rosen)(p))
    _close(srcdiff.jit(srcdiff.hvp(rosen))(p, np.array([1.0, 2.0])),
           srcdiff.hvp(rosen)(p, np.array([1.0, 2.0])))


def test_float32():
    x = np.array([0.5, 1.0, 1.5], np.float32)
    w = np.array([1.1, 0.9, 1.0], np.float32)
    g = srcdiff.grad(sin_loop, wrt=(0, 1))
    got, ref = srcdiff.jit(g)(x, w, 9), g(x, w, 9)
    assert [a.dtype for a in got] == [np.float32, np.float32]
    _close(got, ref, rtol=1e-5, atol=1e-6)
    mlp = [wl for wl in WORKLOADS if wl.name == "mlp"][0]
    args = [a.astype(np.float32) for a in mlp.make_args(True, np.random.default_rng(2))]
    g = srcdiff.grad(mlp.f, wrt=mlp.wrt)
    got, ref = srcdiff.jit(g)(*args), g(*args)
    assert all(a.dtype == np.float32 for a in got)
    _close(got, ref, rtol=1e-4, atol=1e-5)


def test_source_shows_compiled_code():
    g = srcdiff.jit(srcdiff.grad(sin_loop, wrt=(0, 1)))
    g(np.ones(3), np.ones(3), 4)
    text = srcdiff.source(g)
    assert "def sin_loop_grad(x, w, steps):" in text and "x_stack.pop()" in text


_EINSUM = """
def f(x):
    y = np.sin(x)
    return np.einsum("i,i->", y, x)
"""


def test_refusal_names_the_users_line_and_construct():
    f = load_function(_EINSUM)
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.jit(srcdiff.grad(f))(np.array([0.1, 0.2]))
    err = info.value
    assert err.filename == f.__code__.co_filename and err.lineno == 6
    text = str(err)
    assert "einsum" in text and "fallback=True" in text
    assert "Traceback" not in text and "\x1b[" not in text


def test_fallback_runs_uncompiled_with_one_warning():
    f = load_function(_EINSUM)
    jg = srcdiff.jit(srcdiff.grad(f), fallback=True)
    x = np.array([0.1, 0.2])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first, second = jg(x), jg(x)
    ours = [w for w in caught if "srcdiff.jit" in str(w.message)]
    assert len(ours) == 1 and "einsum" in str(ours[0].message)
    _close(first, np.cos(x) * x + np.sin(x))
    _close(second, first)


def test_without_numba_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)
    with pytest.raises(srcdiff.SrcdiffError, match=r"pip install 'srcdiff\[jit\]'"):
        srcdiff.jit(srcdiff.grad(sin_loop))


def test_repeated_indices_and_broadcasting_cotangents():
    f = load_function("""
        def f(x, b, idx):
            y = x[idx] * 2.0 + b
            return np.sum(np.sin(y) * y)
    """)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 4))
    idx = np.array([0, 3, 0, -1, 3, 3])
    g = srcdiff.grad(f, wrt=(0, 1))
    jg = srcdiff.jit(g)
    for b in (rng.standard_normal(4), rng.standard_normal((1, 4)),
              rng.standard_normal((6, 1)), 0.7):
        _close(jg(x, b, idx), g(x, b, idx))
    np.testing.assert_allclose(jg(x, 0.7, idx)[0], numeric_grad(f, (x, 0.7, idx), 0),
                               rtol=1e-6, atol=1e-8)
