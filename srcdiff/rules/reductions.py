"""Reductions: sums, means, products, extrema, moments, cumulative ops,
with ``axis`` (int, tuple, None) and ``keepdims``.

Element counts are read with ``size_of`` (from the shape), not ``np.size``,
which Dask does not implement (it would compute the array to count it)."""
import numpy as np

from ..runtime import expand_reduced, reduced_size, size_of, unbroadcast
from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, register_linear, nondifferentiable
from .reduction_derivatives import (extremum_weights, prod_others, cumprod_grad, cumprod_tangent,
                                    diff_cotangents, trace_cotangent, average_weights,
                                    average_weights_vjp, nan_count, diff_join, unique_cotangent,
                                    unique_tangent)
from .zero_fill import fill_zeros


@vjp_rule(np.sum)
def sum(g, ans, a, axis=None, dtype=None, out=None, keepdims=False):
    return expand_reduced(g, a, axis, keepdims)


@jvp_rule(np.sum)
def sum_jvp(ans, a, axis=None, dtype=None, out=None, keepdims=False, *, da):
    return np.sum(da, axis=axis, keepdims=keepdims)


@vjp_rule(np.mean)
def mean(g, ans, a, axis=None, dtype=None, out=None, keepdims=False):
    """(Counts from ``a``'s shape: the generated code keeps no value of ``ans``
    only for its size.)"""
    return expand_reduced(g, a, axis, keepdims) / reduced_size(a, axis)


@jvp_rule(np.mean)
def mean_jvp(ans, a, axis=None, dtype=None, out=None, keepdims=False, *, da):
    return np.mean(da, axis=axis, keepdims=keepdims)


@vjp_rule(np.prod)
def prod(g, ans, a, axis=None, dtype=None, out=None, keepdims=False):
    """Cotangent ``g * (product of the other elements)``: exact when the input
    contains zeros (no division by the input)."""
    return expand_reduced(g, a, axis, keepdims) * prod_others(a, axis)


@jvp_rule(np.prod)
def prod_jvp(ans, a, axis=None, dtype=None, out=None, keepdims=False, *, da):
    return np.sum(da * prod_others(a, axis), axis=axis, keepdims=keepdims)


@vjp_rule(np.var)
def var(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    n = size_of(a) / size_of(ans)
    c = a - np.mean(a, axis=axis, keepdims=True)
    return expand_reduced(np.real(g), a, axis, keepdims) * np.conj(c) * (2.0 / (n - ddof))


@jvp_rule(np.var)
def var_jvp(ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, da):
    n = size_of(a) / size_of(ans)
    c = a - np.mean(a, axis=axis, keepdims=True)
    return np.real(np.sum(np.conj(c) * da, axis=axis, keepdims=keepdims)) * (2.0 / (n - ddof))


@vjp_rule(np.std)
def std(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    """0 where the deviation is 0 (every element equal: c = 0 there)."""
    n = size_of(a) / size_of(ans)
    c = a - np.mean(a, axis=axis, keepdims=True)
    return expand_reduced(np.real(g) / np.where(ans == 0, 1.0, ans), a, axis, keepdims) * np.conj(c) / (n - ddof)


@jvp_rule(np.std)
def std_jvp(ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, da):
    n = size_of(a) / size_of(ans)
    c = a - np.mean(a, axis=axis, keepdims=True)
    return (np.real(np.sum(np.conj(c) * da, axis=axis, keepdims=keepdims))
            / ((n - ddof) * np.where(ans == 0, 1.0, ans)))


@vjp_rule(np.max, np.amax, np.min, np.amin, np.nanmax, np.nanmin)
def max(g, ans, a, axis=None, out=None, keepdims=False):
    """Ties: the cotangent is split evenly among the elements that attain the
    extremum (each of k tied elements gets g / k)."""
    w = extremum_weights(a, ans, axis, keepdims)
    return np.where(w == 0, 0.0, expand_reduced(g, a, axis, keepdims) * w)


@jvp_rule(np.max, np.amax, np.min, np.amin, np.nanmax, np.nanmin)
def max_jvp(ans, a, axis=None, out=None, keepdims=False, *, da):
    """Ties: the mean of the tied elements' tangents."""
    return np.sum(da * extremum_weights(a, ans, axis, keepdims), axis=axis, keepdims=keepdims)


@vjp_rule(np.ptp)
def ptp(g, ans, a, axis=None, out=None, keepdims=False):
    """max - min; ties split evenly as for np.max/np.min."""
    w = (extremum_weights(a, np.max(a, axis=axis, keepdims=keepdims), axis, keepdims)
         - extremum_weights(a, np.min(a, axis=axis, keepdims=keepdims), axis, keepdims))
    return expand_reduced(g, a, axis, keepdims) * w


@jvp_rule(np.ptp)
def ptp_jvp(ans, a, axis=None, out=None, keepdims=False, *, da):
    w = (extremum_weights(a, np.max(a, axis=axis, keepdims=keepdims), axis, keepdims)
         - extremum_weights(a, np.min(a, axis=axis, keepdims=keepdims), axis, keepdims))
    return np.sum(da * w, axis=axis, keepdims=keepdims)


@vjp_rule(np.cumsum)
def cumsum(g, ans, a, axis=None, dtype=None, out=None):
    return np.reshape(np.flip(np.cumsum(np.flip(g, axis), axis), axis), np.shape(a))


@jvp_rule(np.cumsum)
def cumsum_jvp(ans, a, axis=None, dtype=None, out=None, *, da):
    return np.cumsum(da, axis)


@vjp_rule(np.nancumsum)
def nancumsum(g, ans, a, axis=None, dtype=None, out=None):
    return np.where(np.isnan(a), 0.0, np.reshape(np.flip(np.cumsum(np.flip(g, axis), axis), axis),
                                                 np.shape(a)))


@jvp_rule(np.nancumsum)
def nancumsum_jvp(ans, a, axis=None, dtype=None, out=None, *, da):
    return np.cumsum(np.where(np.isnan(a), 0.0, da), axis)


@vjp_rule(np.cumprod)
def cumprod(g, ans, a, axis=None, dtype=None, out=None):
    """Exact with zeros in the input (a reverse recurrence, no division)."""
    return cumprod_grad(g, a, axis)


@jvp_rule(np.cumprod)
def cumprod_jvp(ans, a, axis=None, dtype=None, out=None, *, da):
    return cumprod_tangent(da, a, axis)


@vjp_rule(np.diff)
def diff(g, ans, a, n=1, axis=-1, prepend=None, append=None):
    cts = diff_cotangents(g, a, n, axis, prepend, append)
    return cts[0], None, None, cts[1], cts[2]


@jvp_rule(np.diff)
def diff_jvp(ans, a, n=1, axis=-1, prepend=None, append=None, *, da, dprepend, dappend):
    return (np.diff(diff_join(da, a, prepend, append, axis, 0), n, axis=axis)
            + np.diff(diff_join(dprepend, a, prepend, append, axis, 1), n, axis=axis)
            + np.diff(diff_join(dappend, a, prepend, append, axis, 2), n, axis=axis))


@vjp_rule(np.trace)
def trace(g, ans, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    return trace_cotangent(g, a, offset, axis1, axis2)


@jvp_rule(np.trace)
def trace_jvp(ans, a, offset=0, axis1=0, axis2=1, dtype=None, out=None, *, da):
    return np.trace(da, offset, axis1, axis2)


@vjp_rule(np.average)
def average(g, ans, a, axis=None, weights=None, returned=False, *, keepdims=False):
    """avg = sum(a * w) / sum(w): cotangents of ``a`` and of ``weights``."""
    w = average_weights(weights, a, axis) if weights is not None else 1.0
    sw = np.sum(w * np.ones_like(a), axis=axis, keepdims=True)
    gb = expand_reduced(g, a, axis, keepdims) / sw
    return (gb * w, None,
            average_weights_vjp(gb * (a - expand_reduced(ans, a, axis, keepdims)), weights, a, axis)
            if weights is not None else None)


@jvp_rule(np.average)
def average_jvp(ans, a, axis=None, weights=None, returned=False, *, keepdims=False, da, dweights):
    w = average_weights(weights, a, axis) if weights is not None else 1.0
    sw = np.sum(w * np.ones_like(a), axis=axis, keepdims=keepdims)
    return (np.sum(da * w, axis=axis, keepdims=keepdims) / sw
            + (np.sum(average_weights(dweights, a, axis) * (a - expand_reduced(ans, a, axis, keepdims)),
                      axis=axis, keepdims=keepdims) / sw if weights is not None else 0.0))


@vjp_rule(np.nansum)
def nansum(g, ans, a, axis=None, dtype=None, out=None, keepdims=False):
    """NaN entries get a zero cotangent."""
    return np.where(np.isnan(a), 0.0, expand_reduced(g, a, axis, keepdims))


@jvp_rule(np.nansum)
def nansum_jvp(ans, a, axis=None, dtype=None, out=None, keepdims=False, *, da):
    return np.sum(np.where(np.isnan(a), 0.0, da), axis=axis, keepdims=keepdims)


@vjp_rule(np.nanmean)
def nanmean(g, ans, a, axis=None, dtype=None, out=None, keepdims=False):
    """Mean of the non-NaN entries; NaN entries get a zero cotangent."""
    return np.where(np.isnan(a), 0.0, expand_reduced(g / nan_count(a, axis, keepdims), a, axis, keepdims))


@jvp_rule(np.nanmean)
def nanmean_jvp(ans, a, axis=None, dtype=None, out=None, keepdims=False, *, da):
    return np.sum(np.where(np.isnan(a), 0.0, da), axis=axis, keepdims=keepdims) / nan_count(a, axis, keepdims)


@vjp_rule(np.nanprod)
def nanprod(g, ans, a, axis=None, dtype=None, out=None, keepdims=False):
    """Product of the non-NaN entries (NaN counts as 1); NaN entries get 0."""
    b = np.where(np.isnan(a), 1.0, a)
    return np.where(np.isnan(a), 0.0, expand_reduced(g, a, axis, keepdims) * prod_others(b, axis))


@jvp_rule(np.nanprod)
def nanprod_jvp(ans, a, axis=None, dtype=None, out=None, keepdims=False, *, da):
    b = np.where(np.isnan(a), 1.0, a)
    return np.sum(np.where(np.isnan(a), 0.0, da) * prod_others(b, axis), axis=axis, keepdims=keepdims)


@vjp_rule(np.nanvar)
def nanvar(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    n = nan_count(a, axis, True)
    c = np.where(np.isnan(a), 0.0, a - np.nanmean(a, axis=axis, keepdims=True))
    return expand_reduced(np.real(g), a, axis, keepdims) * np.conj(c) * (2.0 / (n - ddof))


@jvp_rule(np.nanvar)
def nanvar_jvp(ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, da):
    n = nan_count(a, axis, keepdims)
    c = np.where(np.isnan(a), 0.0, a - np.nanmean(a, axis=axis, keepdims=True))
    return (np.real(np.sum(np.conj(c) * np.where(np.isnan(a), 0.0, da), axis=axis, keepdims=keepdims))
            * (2.0 / (n - ddof)))


@vjp_rule(np.nanstd)
def nanstd(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    n = nan_count(a, axis, True)
    c = np.where(np.isnan(a), 0.0, a - np.nanmean(a, axis=axis, keepdims=True))
    return expand_reduced(np.real(g) / np.where(ans == 0, 1.0, ans), a, axis, keepdims) * np.conj(c) / (n - ddof)


@jvp_rule(np.nanstd)
def nanstd_jvp(ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, da):
    n = nan_count(a, axis, keepdims)
    c = np.where(np.isnan(a), 0.0, a - np.nanmean(a, axis=axis, keepdims=True))
    return (np.real(np.sum(np.conj(c) * np.where(np.isnan(a), 0.0, da), axis=axis, keepdims=keepdims))
            / ((n - ddof) * np.where(ans == 0, 1.0, ans)))


@vjp_rule(np.cumulative_sum)
def cumulative_sum(g, ans, x, *, axis=None, dtype=None, out=None, include_initial=False):
    ax = 0 if axis is None else axis
    gg = np.take(g, np.arange(1, np.shape(g)[ax]), axis=ax) if include_initial else g
    return np.flip(np.cumsum(np.flip(gg, ax), ax), ax)


@jvp_rule(np.cumulative_sum)
def cumulative_sum_jvp(ans, x, *, axis=None, dtype=None, out=None, include_initial=False, dx):
    return np.cumulative_sum(dx, axis=axis, include_initial=include_initial)


register_linear((0,), np.sum, np.mean, np.cumsum, np.trace, np.nansum, np.nanmean,
                np.cumulative_sum, np.nancumsum)


@vjp_rule(np.bincount)
def bincount(g, ans, x, weights=None, minlength=0):
    """The bins are counts (no derivative); with ``weights``, bin k sums the
    weights of the entries equal to k."""
    return None, g[x]


@jvp_rule(np.bincount)
def bincount_jvp(ans, x, weights=None, minlength=0, *, dweights):
    return np.bincount(x, weights=dweights, minlength=size_of(ans))


@vjp_rule(np.unique, np.unique_values)
def unique(g, ans, ar, return_index=False, return_inverse=False, return_counts=False, axis=None,
           *, equal_nan=True, sorted=True):
    """The unique values are values of ``ar``: each one's cotangent is shared
    evenly by the entries equal to it (like tied maxima)."""
    return unique_cotangent(g[0] if isinstance(ans, tuple) else g, ar, axis)


@jvp_rule(np.unique, np.unique_values)
def unique_jvp(ans, ar, return_index=False, return_inverse=False, return_counts=False, axis=None,
               *, equal_nan=True, sorted=True, dar):
    return unique_tangent(dar, ar, axis, ans)


# ---- order statistics: np.median, np.quantile, np.percentile and their nan* forms ----------
#
# Every method of np.quantile interpolates between two adjacent order statistics of a slice,
# q = (1 - t) s[k] + t s[k + 1], with k and t set by the slice's length and q alone (not by
# the values): the quantile is piecewise linear in ``a``, with constant weights between ties.
# The weights come from the quantile of the ranks: applied to the ranks r (0 .. n-1 along the
# slice, NaN where ``a`` is NaN for the nan* forms), np.quantile gives the virtual index
# v = k + t, and the weight of the entry of rank r is max(0, 1 - |r - v|). At a tie the
# function has no derivative; the weights then pick the tied entries in argsort order.

def quantile_weights(a, q, axis, method, weights, nan):
    """The weight of each entry of ``a`` in each quantile: shape ``q.shape + a.shape``."""
    a = np.asarray(a)
    nd = np.ndim(a)
    axes = tuple(range(nd)) if axis is None else tuple(
        x % nd for x in ((axis,) if np.ndim(axis) == 0 else axis))
    rest = [x for x in range(nd) if x not in axes]
    moved = np.transpose(a, rest + list(axes))
    flat = np.reshape(moved, np.shape(moved)[:len(rest)] + (-1,))
    ranks = np.argsort(np.argsort(flat, axis=-1, kind="stable"), axis=-1, kind="stable") * 1.0
    ranks = np.where(np.isnan(flat), np.nan, ranks)
    ranks = np.transpose(np.reshape(ranks, np.shape(moved)), np.argsort(rest + list(axes)))
    kw = {} if weights is None else {"weights": weights}
    find = np.nanquantile if nan else np.quantile
    v = find(ranks, q, axis=axes, method=method, keepdims=True, **kw)
    w = np.maximum(0.0, 1.0 - np.abs(ranks - v))
    return np.where(np.isnan(w), 0.0, w)


def quantile_shapes(a, q, axis):
    """(the shape of a quantile's output with the reduced axes kept, with q's axes in
    front; the axes of ``a`` within the weights' shape)."""
    nd, qn = np.ndim(a), np.ndim(q)
    axes = tuple(range(nd)) if axis is None else tuple(
        x % nd for x in ((axis,) if np.ndim(axis) == 0 else axis))
    kept = tuple(1 if i in axes else s for i, s in enumerate(np.shape(a)))
    return np.shape(q) + kept, tuple(x + qn for x in axes)


def quantile_q(q, percent):
    return np.true_divide(q, 100.0) if percent else q


nondifferentiable(quantile_weights, quantile_shapes, quantile_q)


def quantile_cotangent(g, a, q, axis, method, weights, nan):
    w = quantile_weights(a, q, axis, method, weights, nan)
    return np.sum(np.reshape(g, quantile_shapes(a, q, axis)[0]) * w, axis=tuple(range(np.ndim(q))))


def quantile_tangent(t, a, q, axis, keepdims, method, weights, nan):
    w = quantile_weights(a, q, axis, method, weights, nan)
    return np.sum(t * w, axis=quantile_shapes(a, q, axis)[1], keepdims=keepdims)


@vjp_rule(quantile_cotangent)
def quantile_cotangent_vjp(gg, ans, g, a, q, axis, method, weights, nan):
    """Linear in ``g`` with weights constant in ``a``."""
    return quantile_tangent(gg, a, q, axis, False, method, weights, nan), None


@jvp_rule(quantile_cotangent)
def quantile_cotangent_jvp(ans, g, a, q, axis, method, weights, nan, *, dg, da, dq, dweights):
    return quantile_cotangent(dg, a, q, axis, method, weights, nan)


@vjp_rule(quantile_tangent)
def quantile_tangent_vjp(gg, ans, t, a, q, axis, keepdims, method, weights, nan):
    return quantile_cotangent(gg, a, q, axis, method, weights, nan), None


@jvp_rule(quantile_tangent)
def quantile_tangent_jvp(ans, t, a, q, axis, keepdims, method, weights, nan, *, dt, da, dq,
                         dweights):
    return quantile_tangent(dt, a, q, axis, keepdims, method, weights, nan)


@vjp_rule(np.median)
def median(g, ans, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The middle order statistic, or the mean of the two middle ones."""
    return quantile_cotangent(g, a, 0.5, axis, "linear", None, False)


@jvp_rule(np.median)
def median_jvp(ans, a, axis=None, out=None, overwrite_input=False, keepdims=False, *, da):
    return quantile_tangent(da, a, 0.5, axis, keepdims, "linear", None, False)


@vjp_rule(np.nanmedian)
def nanmedian(g, ans, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median of the non-NaN entries; NaN entries get a zero cotangent."""
    return quantile_cotangent(g, a, 0.5, axis, "linear", None, True)


@jvp_rule(np.nanmedian)
def nanmedian_jvp(ans, a, axis=None, out=None, overwrite_input=False, keepdims=False, *, da):
    return quantile_tangent(da, a, 0.5, axis, keepdims, "linear", None, True)


@vjp_rule(np.quantile)
def quantile(g, ans, a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None):
    """Each method interpolates between two adjacent order statistics (``weights``, for the
    inverted_cdf method, pick which: constants). The derivative w.r.t. ``q`` is refused."""
    return (quantile_cotangent(g, a, q, axis, method, weights, False),
            unsupported("the derivative of np.quantile w.r.t. q"))


@jvp_rule(np.quantile)
def quantile_jvp(ans, a, q, axis=None, out=None, overwrite_input=False, method="linear",
                 keepdims=False, *, weights=None, da, dq):
    return (quantile_tangent(da, a, q, axis, keepdims, method, weights, False)
            + unsupported("the derivative of np.quantile w.r.t. q") * dq)


@vjp_rule(np.percentile)
def percentile(g, ans, a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None):
    """np.quantile at q / 100."""
    return (quantile_cotangent(g, a, quantile_q(q, True), axis, method, weights, False),
            unsupported("the derivative of np.percentile w.r.t. q"))


@jvp_rule(np.percentile)
def percentile_jvp(ans, a, q, axis=None, out=None, overwrite_input=False, method="linear",
                   keepdims=False, *, weights=None, da, dq):
    return (quantile_tangent(da, a, quantile_q(q, True), axis, keepdims, method, weights, False)
            + unsupported("the derivative of np.percentile w.r.t. q") * dq)


@vjp_rule(np.nanquantile)
def nanquantile(g, ans, a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False, *, weights=None):
    """np.quantile of the non-NaN entries; NaN entries get a zero cotangent."""
    return (quantile_cotangent(g, a, q, axis, method, weights, True),
            unsupported("the derivative of np.nanquantile w.r.t. q"))


@jvp_rule(np.nanquantile)
def nanquantile_jvp(ans, a, q, axis=None, out=None, overwrite_input=False, method="linear",
                    keepdims=False, *, weights=None, da, dq):
    return (quantile_tangent(da, a, q, axis, keepdims, method, weights, True)
            + unsupported("the derivative of np.nanquantile w.r.t. q") * dq)


@vjp_rule(np.nanpercentile)
def nanpercentile(g, ans, a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, weights=None):
    """np.nanquantile at q / 100."""
    return (quantile_cotangent(g, a, quantile_q(q, True), axis, method, weights, True),
            unsupported("the derivative of np.nanpercentile w.r.t. q"))


@jvp_rule(np.nanpercentile)
def nanpercentile_jvp(ans, a, q, axis=None, out=None, overwrite_input=False, method="linear",
                      keepdims=False, *, weights=None, da, dq):
    return (quantile_tangent(da, a, quantile_q(q, True), axis, keepdims, method, weights, True)
            + unsupported("the derivative of np.nanpercentile w.r.t. q") * dq)


register_linear((0,), quantile_cotangent, quantile_tangent)


# ---- np.cumulative_prod: np.cumprod with an optional leading 1 ------------------------------

@vjp_rule(np.cumulative_prod)
def cumulative_prod(g, ans, x, *, axis=None, dtype=None, out=None, include_initial=False):
    ax = 0 if axis is None else axis
    gg = np.take(g, np.arange(1, np.shape(g)[ax]), axis=ax) if include_initial else g
    return cumprod_grad(gg, x, ax)


@jvp_rule(np.cumulative_prod)
def cumulative_prod_jvp(ans, x, *, axis=None, dtype=None, out=None, include_initial=False, dx):
    ax = 0 if axis is None else axis
    t = cumprod_tangent(dx, x, ax)
    return np.concatenate([0.0 * np.take(t, [0], axis=ax), t], axis=ax) if include_initial else t


# ---- np.cov and np.corrcoef (the frequency and analytic weights are constants) -------------
#
# With X the variables as rows (m's, then y's), w the observation weights and f the
# normalisation, C = Xc diag(w) Xc^H / f, where Xc = X - (X w / sum w) 1^T: so
# dC = A + A^H with A = dX conj(Xc * w)^T / f, and the cotangent of X is
# (G + G^H) conj(Xc * w) / f.

def cov_weights(m, y, rowvar, bias, ddof, fweights, aweights):
    """(w, f): the observation weights (ones when none) and the normalisation np.cov
    divides by."""
    x = np.atleast_2d(m)
    n = np.shape(x)[1] if rowvar or np.shape(x)[0] == 1 else np.shape(x)[0]
    ddof = (0 if bias else 1) if ddof is None else ddof
    w = np.ones(n)
    if fweights is not None:
        w = w * np.asarray(fweights, dtype=float)
    if aweights is not None:
        w = w * np.asarray(aweights, dtype=float)
    sw = np.sum(w)
    if fweights is None and aweights is None:
        return w, n - ddof
    if ddof == 0:
        return w, sw
    if aweights is None:
        return w, sw - ddof
    return w, sw - ddof * np.sum(w * np.asarray(aweights, dtype=float)) / sw


def cov_rows(m, rowvar):
    """How many variables (rows of X) ``m`` holds."""
    return np.shape(np.atleast_2d(m))[0] if rowvar or np.ndim(m) < 2 or np.shape(m)[0] == 1 \
        else np.shape(m)[1]


nondifferentiable(cov_weights, cov_rows)


def cov_orient(v, rowvar):
    """``v`` as np.cov reads it: variables as rows."""
    v2 = np.atleast_2d(v)
    return v2 if rowvar or np.shape(v2)[0] == 1 else np.transpose(v2)


def cov_unorient(gx, v, rowvar):
    """The transpose of cov_orient: rows of X back to the shape of ``v``."""
    return np.reshape(gx if rowvar or np.shape(np.atleast_2d(v))[0] == 1 else np.transpose(gx),
                      np.shape(v))


def cov_x(m, y, rowvar):
    return (np.concatenate([cov_orient(m, rowvar), cov_orient(y, rowvar)], axis=0) if y is not None
            else cov_orient(m, rowvar))


def cov_centered(x, w):
    """(X - the weighted row means) * w."""
    return (x - np.expand_dims(x @ w, 1) / np.sum(w)) * w


def cov_cotangents(gc, m, y, rowvar, bias, ddof, fweights, aweights):
    """The cotangents of ``m`` and ``y`` for the cotangent ``gc`` of C (any shape C squeezes to)."""
    wf = cov_weights(m, y, rowvar, bias, ddof, fweights, aweights)
    x = cov_x(m, y, rowvar)
    k = np.shape(x)[0]
    gg = np.reshape(gc, (k, k))
    gx = (gg + np.conj(np.transpose(gg))) @ np.conj(cov_centered(x, wf[0])) / wf[1]
    km = cov_rows(m, rowvar)
    return cov_unorient(gx[:km], m, rowvar), (cov_unorient(gx[km:], y, rowvar) if y is not None else None)


def cov_tangent(dm, dy, m, y, rowvar, bias, ddof, fweights, aweights):
    """The tangent of C (as a (k, k) matrix)."""
    wf = cov_weights(m, y, rowvar, bias, ddof, fweights, aweights)
    x = cov_x(m, y, rowvar)
    dx = cov_x(dm, dy, rowvar)
    a = dx @ np.conj(np.transpose(cov_centered(x, wf[0]))) / wf[1]
    return a + np.conj(np.transpose(a))


@vjp_rule(np.cov)
def cov(g, ans, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    """The weights are constants: a differentiated ``aweights`` is refused (``fweights`` are
    integers)."""
    cts = cov_cotangents(g, m, y, rowvar, bias, ddof, fweights, aweights)
    return cts[0], cts[1], None, None, None, None, unsupported("the derivative of np.cov w.r.t. aweights")


@jvp_rule(np.cov)
def cov_jvp(ans, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
            dtype=None, dm, dy, daweights):
    return (np.reshape(cov_tangent(dm, fill_zeros(dy, y) if y is not None else None, m, y, rowvar,
                                   bias, ddof, fweights, aweights), np.shape(ans))
            + (unsupported("the derivative of np.cov w.r.t. aweights") * daweights if daweights is not None
               else 0.0))


def corrcoef_cov_cotangent(g, c):
    """R = C / (s s^T) with s = sqrt(Re diag C): the cotangent of C for R's cotangent ``g``."""
    s = np.sqrt(np.real(np.diagonal(c)))
    gr = g / np.outer(s, s)
    return gr - np.diag(np.real(np.sum(gr * c, axis=1) + np.sum(gr * c, axis=0)) / (2.0 * s * s))


@vjp_rule(np.corrcoef)
def corrcoef(g, ans, x, y=None, rowvar=True, *, dtype=None):
    """Through the covariance C: R = C / (s s^T), s = sqrt(diag C)."""
    c = np.atleast_2d(np.cov(x, y, rowvar))
    cts = cov_cotangents(corrcoef_cov_cotangent(np.reshape(g, np.shape(c)), c), x, y, rowvar,
                         False, None, None, None)
    return cts[0], cts[1]


@jvp_rule(np.corrcoef)
def corrcoef_jvp(ans, x, y=None, rowvar=True, *, dtype=None, dx, dy):
    c = np.atleast_2d(np.cov(x, y, rowvar))
    dc = cov_tangent(dx, fill_zeros(dy, y) if y is not None else None, x, y, rowvar, False, None,
                     None, None)
    s = np.sqrt(np.real(np.diagonal(c)))
    ds = np.real(np.diagonal(dc)) / (2.0 * s)
    r = c / np.outer(s, s)
    return np.reshape(dc / np.outer(s, s) - r * (np.outer(ds, s) + np.outer(s, ds)) / np.outer(s, s),
                      np.shape(ans))


# ---- np.trapezoid: linear in y; in the sample points x through the widths diff(x) ----------
#
# I = sum_i d_i (y_i + y_{i+1}) / 2 along the axis, d = dx or diff(x). The forward rule
# names x's tangent dx_ (dx is np.trapezoid's spacing), so x is x_ there (forward mode binds
# a keyword x= to a rule parameter x_).

def trapezoid_axis(y, axis):
    return axis % np.ndim(y)


nondifferentiable(trapezoid_axis)


def trapezoid_widths(y, x, spacing, ax):
    """The widths d along axis ``ax``, shaped to broadcast with y's neighbouring pairs."""
    if x is None:
        return spacing
    if np.ndim(x) == 1:
        return np.reshape(np.diff(x), tuple(-1 if i == ax else 1 for i in range(np.ndim(y))))
    return np.diff(x, axis=ax)


def trapezoid_mids(y, ax):
    """The sums of neighbouring samples along ``ax``, halved."""
    n = np.shape(y)[ax]
    return (np.take(y, np.arange(1, n), axis=ax) + np.take(y, np.arange(0, n - 1), axis=ax)) / 2.0


def trapezoid_pairs_transpose(gp, ax):
    """The transpose of trapezoid_mids (without the 1/2): each pair's value to both samples."""
    z = 0.0 * np.take(gp, [0], axis=ax)
    return np.concatenate([gp, z], axis=ax) + np.concatenate([z, gp], axis=ax)


def trapezoid_x_cotangent(gd, x, ax):
    """The cotangent of x from the cotangent ``gd`` of the widths (diff transposed)."""
    if np.ndim(x) == 1:
        cd = np.sum(np.reshape(np.moveaxis(gd, ax, -1), (-1, np.shape(x)[0] - 1)), axis=0)
        return np.concatenate([-cd, [0.0]]) + np.concatenate([[0.0], cd])
    cd = unbroadcast(gd, np.diff(x, axis=ax))
    z = 0.0 * np.take(cd, [0], axis=ax)
    return np.concatenate([-cd, z], axis=ax) + np.concatenate([z, cd], axis=ax)


@vjp_rule(np.trapezoid)
def trapezoid(g, ans, y, x=None, dx=1.0, axis=-1):
    ax = trapezoid_axis(y, axis)
    ge = np.expand_dims(g, ax)
    mids = trapezoid_mids(y, ax)
    gd = ge * mids
    return (unbroadcast(trapezoid_pairs_transpose(ge * trapezoid_widths(y, x, dx, ax) / 2.0 + 0.0 * mids, ax), y),
            trapezoid_x_cotangent(gd, x, ax) if x is not None else None,
            np.sum(gd) if x is None else None)


@jvp_rule(np.trapezoid)
def trapezoid_jvp(ans, y, x_=None, dx=1.0, axis=-1, *, dy, dx_, ddx):
    ax = trapezoid_axis(y, axis)
    return (np.sum(trapezoid_mids(dy, ax) * trapezoid_widths(y, x_, dx, ax), axis=ax)
            + (np.sum(trapezoid_mids(y, ax) * trapezoid_widths(y, dx_, dx, ax), axis=ax) if x_ is not None
               else 0.0)
            + (np.sum(trapezoid_mids(y, ax) * fill_zeros(ddx, dx), axis=ax) if x_ is None else 0.0))
