"""Reductions: sums, means, products, extrema, moments, cumulative ops,
with ``axis`` (int, tuple, None) and ``keepdims``.

Element counts are read with ``size_of`` (from the shape), not ``np.size``,
which Dask does not implement (it would compute the array to count it)."""
import numpy as np

from ..runtime import expand_reduced, reduced_size, size_of
from .registry import vjp_rule, jvp_rule, register_linear
from .support import (extremum_weights, prod_others, cumprod_grad, cumprod_tangent,
                      diff_cotangents, trace_cotangent, average_weights, average_weights_vjp,
                      nan_count, diff_join, unique_cotangent, unique_tangent)


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
