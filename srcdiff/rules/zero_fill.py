"""``fill_zeros``: tangents or cotangents with the absent (``None``) entries
replaced by zeros shaped like the primal's, for rules of functions of lists
(products, shapes, reductions, linear algebra).

Plain NumPy-API code (it never forces values through ``np.asarray`` or
``float()``, so Dask or CuPy arrays stay in their own library). A piece that
carries derivative information has its own vjp/jvp rules (after its section),
so derivative code that calls it can be differentiated again; one that only
computes constants (masks, axes, subscripts) is ``nondifferentiable``.
"""
import numpy as np

from ..runtime import broadcast_like
from .registry import vjp_rule, jvp_rule, register_linear


def _zeros_of(p):
    if isinstance(p, (list, tuple)):
        return [_zeros_of(q) for q in p]
    if isinstance(p, (float, int, complex)) and not isinstance(p, bool):
        return 0.0 * p
    return np.zeros_like(p)


def fill_zeros(ts, ps):
    """A list of tangents/cotangents where ``None`` (or a scalar zero standing for a
    whole array) entries are replaced by zeros shaped like the matching primal."""
    if isinstance(ps, (list, tuple)):
        if ts is None:
            return [_zeros_of(p) for p in ps]
        return [fill_zeros(t, p) for t, p in zip(ts, ps)]
    if ts is None:
        return _zeros_of(ps)
    if np.shape(ts) != np.shape(ps):
        return broadcast_like(ts, ps) + _zeros_of(ps)
    return ts


@vjp_rule(fill_zeros)
def fill_zeros_vjp(gg, ans, ts, ps):
    return gg, None


@jvp_rule(fill_zeros)
def fill_zeros_jvp(ans, ts, ps, *, dts, dps):
    return fill_zeros(dts, ps)


register_linear((0,), fill_zeros)
