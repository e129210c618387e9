"""``np.polyval`` (w.r.t. the coefficients and the points), ``np.polyfit``
(w.r.t. the sample values ``y``, in which it is linear) and ``np.interp``
(w.r.t. the query points ``x``, the sample values ``fp`` and ``left``/
``right``).

``np.interp`` is piecewise linear in ``x``: its derivative is the slope of
the segment ``x`` falls in, the right-hand one at an inner sample point (the
left-hand one at the last), and 0 outside ``[xp[0], xp[-1]]``. The
derivatives w.r.t. ``xp`` and ``np.polyfit``'s w.r.t. ``x`` or ``w`` are
refused, as are ``period`` and ``polyfit(full=True / cov=True)``.
"""
import numpy as np

from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, nondifferentiable


def _powers(p, x):
    """``x[..., None] ** k`` for the powers of ``p``'s terms, highest first."""
    return np.expand_dims(x, -1) ** np.arange(np.shape(p)[0] - 1, -1, -1)


def _derivative(p):
    """The coefficients of p' (np.polyder, written with differentiable operations)."""
    n = np.shape(p)[0]
    return p[:-1] * np.arange(n - 1, 0, -1) if n > 1 else 0.0 * p


@vjp_rule(np.polyval)
def polyval(g, ans, p, x):
    gp = np.reshape(np.expand_dims(g, -1) * _powers(p, x), (-1, np.shape(p)[0]))
    return np.sum(gp, axis=0), g * np.polyval(_derivative(p), x)


@jvp_rule(np.polyval)
def polyval_jvp(ans, p, x, *, dp, dx):
    return np.polyval(dp, x) + dx * np.polyval(_derivative(p), x)


def polyfit_check(full, cov):
    """Refuse the polyfit outputs srcdiff does not differentiate."""
    if full or cov:
        unsupported("the derivative of np.polyfit(full=True or cov=True)")
    return True


nondifferentiable(polyfit_check)


@vjp_rule(np.polyfit)
def polyfit(g, ans, x, y, deg, rcond=None, full=False, w=None, cov=False):
    """Linear in ``y``: ``c = pinv(W V) W y`` (V the Vandermonde matrix of x)."""
    weights = np.ones(np.shape(x)) if w is None else w
    A = np.vander(x, deg + 1) * np.expand_dims(weights, -1) if polyfit_check(full, cov) else None
    gy = np.linalg.pinv(A).T @ g
    return (unsupported("the derivative of np.polyfit w.r.t. x"),
            np.expand_dims(weights, -1) * gy if np.ndim(y) == 2 else weights * gy)


@jvp_rule(np.polyfit)
def polyfit_jvp(ans, x, y, deg, rcond=None, full=False, w=None, cov=False, *, dx, dy):
    return (np.polyfit(x, dy, deg, rcond, full, w, cov) if polyfit_check(full, cov) else None) + \
        unsupported("the derivative of np.polyfit w.r.t. x") * dx


def interp_segments(x, xp, period):
    """For each query point: the segment ``k`` (``xp[k] <= x <= xp[k + 1]``,
    clipped to the first/last one) and masks of the points inside, below and
    above ``[xp[0], xp[-1]]`` (all shaped like ``x``)."""
    if period is not None:
        unsupported("the derivative of np.interp(period=...)")
    xp = np.asarray(xp)
    k = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, max(len(xp) - 2, 0))
    below, above = np.asarray(x) < xp[0], np.asarray(x) > xp[-1]
    return k, ~(below | above), below, above


nondifferentiable(interp_segments)


def _hat(x, xp, k, inside):
    """The weights of each sample value in each (inside) query point: shape
    x.shape + (len(xp),)."""
    xp = np.asarray(xp)
    if len(xp) == 1:
        return np.expand_dims(inside * 1.0, -1) + 0.0 * np.expand_dims(x, -1)
    t = (x - xp[k]) / (xp[k + 1] - xp[k])
    cols = np.arange(len(xp))
    kk = np.expand_dims(k, -1)
    return (np.expand_dims(inside * (1 - t), -1) * (cols == kk)
            + np.expand_dims(inside * t, -1) * (cols == kk + 1))


def _slope(x, xp, fp, k, inside):
    xp, fp = np.asarray(xp), np.asarray(fp)
    if len(xp) == 1:
        return 0.0 * x
    return inside * (fp[k + 1] - fp[k]) / (xp[k + 1] - xp[k])


@vjp_rule(np.interp)
def interp(g, ans, x, xp, fp, left=None, right=None, period=None):
    k, inside, below, above = interp_segments(x, xp, period)
    gfp = np.reshape(np.expand_dims(g, -1) * _hat(x, xp, k, inside), (-1, len(xp)))
    ends = np.arange(len(xp))
    gfp = (np.sum(gfp, axis=0)
           + (np.sum(g * below) * (ends == 0) if left is None else 0.0)
           + (np.sum(g * above) * (ends == len(xp) - 1) if right is None else 0.0))
    return (np.real(g * _slope(x, xp, fp, k, inside)),
            unsupported("the derivative of np.interp w.r.t. xp"),
            gfp,
            np.sum(g * below) if left is not None else None,
            np.sum(g * above) if right is not None else None)


@jvp_rule(np.interp)
def interp_jvp(ans, x, xp, fp, left=None, right=None, period=None, *, dx, dxp, dfp, dleft, dright):
    k, inside, below, above = interp_segments(x, xp, period)
    return (dx * _slope(x, xp, fp, k, inside)
            + unsupported("the derivative of np.interp w.r.t. xp") * dxp
            + np.interp(x, xp, dfp, left=0.0 if left is not None else None,
                        right=0.0 if right is not None else None)
            + dleft * below + dright * above)
