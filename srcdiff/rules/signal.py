"""Convolution and correlation: ``np.convolve``, ``np.correlate`` (1-D) and
``scipy.signal.convolve``, ``scipy.signal.correlate`` (N-d), every mode; the
IIR filter ``scipy.signal.lfilter`` (below).

Each mode's output is a window of the full result, at an offset each
function fixes its own way (``full_window``). With the output cotangent
``g`` padded back to the full shape (``G``), the cotangents are 'valid'
convolutions: ``ga = convolve(G, flip(v), 'valid')`` and
``gv = convolve(G, flip(a), 'valid')`` for a convolution; a correlation is
the convolution with ``flip(conj(v))``. Bilinear, so each rule is written
with the function it differentiates and is differentiable again. Complex
inputs follow the convention of ``srcdiff.rules`` (the correlation conjugates
``v``).
"""
import numpy as np

try:  # SciPy is an optional dependency
    from scipy import signal
except ImportError:  # pragma: no cover
    signal = None

from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, nondifferentiable


def full_window(kind, mode, shape_a, shape_v, shape_out):
    """The ``np.pad`` widths that put an output of ``mode`` back in the full
    result: per axis, (offset, full - offset - length). ``kind`` is 'numpy
    convolve', 'numpy correlate' or 'scipy'."""
    pads = []
    for n, m, length in zip(shape_a, shape_v, shape_out):
        full = n + m - 1
        if mode == "full":
            start = 0
        elif mode == "valid":
            start = min(n, m) - 1
        elif kind == "scipy":          # 'same': in1's length, centred
            start = (m - 1) // 2
        elif kind == "numpy correlate" and m > n:
            start = (full - length) - (n - 1) // 2
        else:                           # numpy 'same': the longer length, centred
            start = (min(n, m) - 1) // 2
        pads.append((start, full - start - length))
    return pads


nondifferentiable(full_window)


def _flip(x):
    return np.flip(x, axis=tuple(range(np.ndim(x))))


def _full(g, kind, mode, a, v, ans):
    return np.pad(g, full_window(kind, mode, np.shape(a), np.shape(v), np.shape(ans)))


@vjp_rule(np.convolve)
def convolve(g, ans, a, v, mode="full"):
    G = _full(g, "numpy convolve", mode, a, v, ans)
    return np.convolve(G, _flip(v), "valid"), np.convolve(G, _flip(a), "valid")


@jvp_rule(np.convolve)
def convolve_jvp(ans, a, v, mode="full", *, da, dv):
    return np.convolve(da, v, mode) + np.convolve(a, dv, mode)


@vjp_rule(np.correlate)
def correlate(g, ans, a, v, mode="valid"):
    G = _full(g, "numpy correlate", mode, a, v, ans)
    return np.convolve(G, np.conj(v), "valid"), np.conj(_flip(np.convolve(G, _flip(a), "valid")))


@jvp_rule(np.correlate)
def correlate_jvp(ans, a, v, mode="valid", *, da, dv):
    return np.correlate(da, v, mode) + np.correlate(a, dv, mode)


if signal is not None:

    @vjp_rule(signal.convolve)
    def sp_convolve(g, ans, in1, in2, mode="full", method="auto"):
        G = _full(g, "scipy", mode, in1, in2, ans)
        return signal.convolve(G, _flip(in2), "valid"), signal.convolve(G, _flip(in1), "valid")

    @jvp_rule(signal.convolve)
    def sp_convolve_jvp(ans, in1, in2, mode="full", method="auto", *, din1, din2):
        return signal.convolve(din1, in2, mode, method) + signal.convolve(in1, din2, mode, method)

    @vjp_rule(signal.correlate)
    def sp_correlate(g, ans, in1, in2, mode="full", method="auto"):
        G = _full(g, "scipy", mode, in1, in2, ans)
        return (signal.convolve(G, np.conj(in2), "valid"),
                np.conj(_flip(signal.convolve(G, _flip(in1), "valid"))))

    @jvp_rule(signal.correlate)
    def sp_correlate_jvp(ans, in1, in2, mode="full", method="auto", *, din1, din2):
        return signal.correlate(din1, in2, mode, method) + signal.correlate(in1, din2, mode, method)


# ---- scipy.signal.lfilter(b, a, x, axis): a_0 y[n] = sum_k b_k x[n-k] - sum_k>0 a_k y[n-k] ----
#
# Linear in x: its transpose filters the time-reversed cotangent. With
# u = flip(lfilter([1], a, flip(g))) (the cotangent of w = lfilter([1], a, x)):
# ct_b[k] = sum_n u[n] x[n-k] and ct_a[k] = -sum_n u[n] y[n-k]. Every term is
# again an lfilter or a correlation, so the rules are differentiable again.
# 1-D coefficients, no initial conditions (zi). Holomorphic: complex values
# take the same formulas (a cotangent pairs with a tangent as Re(sum(c * t))).

def lfilter_check(b, a, x, zi):
    """Refuse what the rules do not cover: initial conditions, coefficients that
    are not 1-D."""
    if zi is not None:
        unsupported("the derivative of scipy.signal.lfilter with initial conditions (zi)")
    if np.ndim(b) != 1 or np.ndim(a) != 1:
        unsupported("the derivative of scipy.signal.lfilter with coefficients that are not 1-D")
    return True


nondifferentiable(lfilter_check)


def lag_products(u, x, n, axis):
    """``[sum_t u[t] x[t-k] for k in range(n)]`` along ``axis`` (summed over the
    other axes)."""
    um = np.reshape(np.moveaxis(u, axis, -1), (-1, np.shape(u)[axis]))
    xm = np.reshape(np.moveaxis(x, axis, -1), (-1, np.shape(x)[axis]))
    m = np.shape(um)[-1]
    return np.sum(np.stack([np.sum(um[:, k:] * xm[:, :m - k], axis=-1) if k < m else 0.0 * um[:, 0]
                            for k in range(n)], axis=-1), axis=0)


if signal is not None:

    @vjp_rule(signal.lfilter)
    def lfilter(g, ans, b, a, x, axis=-1, zi=None):
        gr = np.flip(g, axis) if lfilter_check(b, a, x, zi) else None
        u = np.flip(signal.lfilter(np.ones(1), a, gr, axis), axis)
        return (lag_products(u, x, np.size(b), axis), -lag_products(u, ans, np.size(a), axis),
                np.flip(signal.lfilter(b, a, gr, axis), axis))

    @jvp_rule(signal.lfilter)
    def lfilter_jvp(ans, b, a, x, axis=-1, zi=None, *, db, da, dx):
        # d(a * y) = d(b * x): a * dy = db * x + b * dx - da * y
        return (signal.lfilter(b, a, dx, axis) if lfilter_check(b, a, x, zi) else None) \
            + signal.lfilter(db, a, x, axis) - signal.lfilter(da, a, ans, axis)
