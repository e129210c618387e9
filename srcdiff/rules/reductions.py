"""Reductions: sums, means, products, extrema, with ``axis`` and ``keepdims``."""
import numpy as np

from ..runtime import expand_reduced
from .registry import vjp_rule, jvp_rule, register_linear


@vjp_rule(np.sum)
def sum(g, ans, a, axis=None, dtype=None, out=None, keepdims=False):
    return expand_reduced(g, a, axis, keepdims)


@jvp_rule(np.sum)
def sum_jvp(ans, a, axis=None, dtype=None, out=None, keepdims=False, *, da):
    return np.sum(da, axis=axis, keepdims=keepdims)


@vjp_rule(np.mean)
def mean(g, ans, a, axis=None, dtype=None, out=None, keepdims=False):
    return expand_reduced(g, a, axis, keepdims) * (np.size(ans) / np.size(a))


@jvp_rule(np.mean)
def mean_jvp(ans, a, axis=None, dtype=None, out=None, keepdims=False, *, da):
    return np.mean(da, axis=axis, keepdims=keepdims)


register_linear((0,), np.sum, np.mean)
