"""Convolution, correlation, polynomials and interpolation through the public
transforms, beyond the sweep's cases: every mode and both length orders of
np.convolve/np.correlate and scipy.signal's (real and complex, order one and
two), and the refusals of np.polyfit / np.interp."""
import numpy as np
import pytest
import scipy.signal

import srcdiff
from srcdiff import SrcdiffError
from numeric import assert_orders_one_and_two, load_function, load_module

pytest.importorskip("scipy")
rng = np.random.default_rng(11)


def _fd(f, args, i, eps=1e-6):
    """Central differences in args[i]; complex entries give dL/dRe - 1j dL/dIm."""
    x = args[i]
    out = np.zeros(x.shape, dtype=x.dtype)
    for k in np.ndindex(x.shape):
        for d in ((1, 1j) if np.iscomplexobj(x) else (1,)):
            up, down = list(args), list(args)
            up[i], down[i] = x.copy(), x.copy()
            up[i][k] += eps * d
            down[i][k] -= eps * d
            val = (f(*up) - f(*down)) / (2 * eps)
            out[k] += val if d == 1 else -1j * val
    return out


@pytest.mark.parametrize("func", ["np.convolve", "np.correlate", "scipy.signal.convolve",
                                  "scipy.signal.correlate"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("sizes", [(5, 3), (4, 4), (3, 6)])
@pytest.mark.parametrize("kind", ["real", "complex"])
def test_convolution_modes(func, mode, sizes, kind):
    f = load_function(f"import scipy.signal\n\n\ndef f(a, v, u):\n    r = {func}(a, v, mode={mode!r})\n"
                      f"    return np.sum(np.real(r * u + r * r * u))\n", "f")
    a, v = (rng.standard_normal(n) + (1j * rng.standard_normal(n) if kind == "complex" else 0) for n in sizes)
    u = rng.standard_normal(np.size(eval(func, {"np": np, "scipy": scipy})(a, v, mode)))
    ga, gv = srcdiff.grad(f, wrt=(0, 1))(a, v, u)
    np.testing.assert_allclose(ga, _fd(f, [a, v, u], 0), atol=1e-7)
    np.testing.assert_allclose(gv, _fd(f, [a, v, u], 1), atol=1e-7)
    ta, tv = (t.real if kind == "real" else t for t in (a * 0 + rng.standard_normal(a.shape),
                                                         v * 0 + rng.standard_normal(v.shape)))
    _, d = srcdiff.jvp(f, (a, v, u), (ta, tv, None))
    assert np.isclose(d, np.real(np.sum(ga * ta) + np.sum(gv * tv)), atol=1e-9)
    if kind == "real":
        H = srcdiff.hessian(f, wrt=(0, 1))(a, v, u)
        g = srcdiff.grad(f, wrt=(0, 1))
        eps = 1e-5
        for j, x in enumerate((a, v)):
            for k in range(x.size):
                up, down = [a.copy(), v.copy()], [a.copy(), v.copy()]
                up[j][k] += eps
                down[j][k] -= eps
                col = [(p - m) / (2 * eps) for p, m in zip(g(*up, u), g(*down, u))]
                for i in range(2):
                    np.testing.assert_allclose(H[i][j][..., k], col[i], atol=1e-6)


def test_scipy_convolve_two_dimensional_same():
    f = load_function("import scipy.signal\n\n\ndef f(a, k):\n"
                      "    return np.sum(np.tanh(scipy.signal.correlate(a, k, mode='same')))\n", "f")
    a, k = rng.standard_normal((4, 5)), rng.standard_normal((3, 2))
    ga, gk = srcdiff.grad(f, wrt=(0, 1))(a, k)
    np.testing.assert_allclose(ga, _fd(f, [a, k], 0), atol=1e-8)
    np.testing.assert_allclose(gk, _fd(f, [a, k], 1), atol=1e-8)


@pytest.mark.parametrize("source, wrt, match", [
    ("np.sum(np.polyfit(a, b, 2))", (0, 1), "polyfit w.r.t. x"),
    ("np.sum(np.polyfit(b, a, 2, full=True)[0])", (0,), "full=True"),
    ("np.sum(np.interp(b, a, np.arange(7.0)))", (0, 1), "interp w.r.t. xp"),
    ("np.sum(np.interp(b, a, b, period=2.0))", (1,), "period"),
])
def test_refusals(source, wrt, match):
    f = load_function(f"def f(a, b):\n    return {source}\n", "f")
    a, b = np.linspace(0.0, 1.0, 7), rng.uniform(0.1, 0.9, 7)
    with pytest.raises(SrcdiffError, match=match):
        srcdiff.grad(f, wrt=wrt)(a, b)


def test_polyfit_gradient_wrt_y_when_x_is_constant():
    f = load_function("def f(y, x):\n    return np.sum(np.polyfit(x, y, 2) ** 2)\n", "f")
    x, y = np.linspace(-1.0, 1.0, 6), rng.standard_normal(6)
    np.testing.assert_allclose(srcdiff.grad(f)(y, x), _fd(f, [y, x], 0), atol=1e-8)
    np.testing.assert_allclose(srcdiff.hessian(f)(y, x),
                               np.stack([_fd(lambda yy, xx: srcdiff.grad(f)(yy, xx)[i], [y, x], 0)
                                         for i in range(6)]), atol=1e-6)


def test_interp_with_list_samples():
    f = load_function("def f(x):\n    return np.sum(np.interp(x, [0.0, 1.0], [0.0, 2.0]) ** 2)\n", "f")
    x = np.array([0.2, 0.7, 1.5])
    np.testing.assert_allclose(srcdiff.grad(f)(x), [1.6, 5.6, 0.0])
    np.testing.assert_allclose(srcdiff.hessian(f)(x), np.diag([8.0, 8.0, 0.0]))


LFILTER = """
import scipy.signal as sg

def smooth(x, b, a):
    return np.sum(sg.lfilter(b, a, x) ** 2 * np.arange(1.0, 8.0))

def along_rows(x):
    M = x.reshape(2, 3)
    return np.sum(sg.lfilter(np.array([0.5, 0.3]), np.array([1.0, -0.4]), M, axis=0) ** 3)

def with_zi(x):
    y, zf = sg.lfilter(np.array([0.5, 0.3]), np.array([1.0, -0.4]), x, zi=np.zeros(1))
    return np.sum(y)
"""


@pytest.mark.parametrize("i", [0, 1, 2])
def test_lfilter_every_argument_at_orders_one_and_two(i):
    """An IIR filter: in the signal, the numerator and the denominator (a_0 too)."""
    mod = load_module(LFILTER)
    rng = np.random.default_rng(9)
    args = (rng.normal(size=7), np.array([0.6, 0.3, -0.2]), np.array([1.3, -0.4, 0.1]))
    assert_orders_one_and_two(mod.smooth, args, i, rng.normal(size=np.shape(args[i])))


def test_lfilter_along_an_axis_and_initial_conditions_refused():
    mod = load_module(LFILTER)
    assert_orders_one_and_two(mod.along_rows, (np.linspace(-1.0, 1.0, 6),), 0, np.ones(6))
    with pytest.raises(SrcdiffError, match="initial conditions"):
        srcdiff.grad(mod.with_zi)(np.ones(4))
