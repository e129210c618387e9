"""Indexing: ``x[idx]`` (``operator.getitem``) and its out-of-place update.

The adjoint of ``x[idx]`` is ``runtime.scatter_add(g, x, idx)`` (zeros shaped
like ``x`` with ``g`` added at ``idx``, repeated indices accumulating);
``runtime.index_update(x, idx, v)`` (a copy of ``x`` with ``x[idx] = v``) is
how the Tensor shim records ``t[idx] = v``. Both have their rules here, so
derivatives that use them can be differentiated again, as have the dict,
``sorted`` and last-write helpers of the runtime.
"""
import operator

import numpy as np

from ..runtime import (written_piece, last_writes)  # noqa: E402
from ..runtime import (unbroadcast, zeros_like_value, dict_get, complete_cotangent,
                       scatter_add, index_update)
from .registry import vjp_rule, jvp_rule, register_linear, nondifferentiable


def _unbroadcast_into(gv, v):
    # the cotangent of ``v`` where ``x[idx] = v`` broadcast ``v`` into the slot
    if np.ndim(gv) < np.ndim(v):     # NumPy drops leading 1-dims of v on assignment
        gv = np.reshape(gv, np.shape(v))
    return unbroadcast(gv, v)


@vjp_rule(operator.getitem)
def getitem(g, ans, x, idx):
    return scatter_add(g, x, idx), None


@jvp_rule(operator.getitem)
def getitem_jvp(ans, x, idx, *, dx):
    return dx[idx]


@vjp_rule(scatter_add)
def scatter_add_vjp(gg, ans, g, x, idx):
    return gg[idx], None, None


@jvp_rule(scatter_add)
def scatter_add_jvp(ans, g, x, idx, *, dg):
    return scatter_add(dg, x, idx)


@vjp_rule(dict_get)
def dict_get_vjp(g, ans, d, key, default=None):
    """The cotangent goes to ``d[key]`` when the key is there, else to ``default``."""
    found = key in d
    return (scatter_add(g, d, key) if found else zeros_like_value(d)), None, \
        (zeros_like_value(default) if found else g)


@jvp_rule(dict_get)
def dict_get_jvp(ans, d, key, default=None, *, dd, ddefault):
    return complete_cotangent(dd[key] if key in d else ddefault, ans)


from ..runtime import (dict_items, dict_values, sorted_keys_only, items_cotangent,  # noqa: E402
                       items_tangent, values_cotangent, values_tangent)


@vjp_rule(dict_items)
def dict_items_vjp(g, ans, d):
    return items_cotangent(g, d)


@jvp_rule(dict_items)
def dict_items_jvp(ans, d, *, dd):
    return items_tangent(dd, d)


@vjp_rule(dict_values)
def dict_values_vjp(g, ans, d):
    return values_cotangent(g, d)


@jvp_rule(dict_values)
def dict_values_jvp(ans, d, *, dd):
    return values_tangent(dd, d)


# the four are linear in their first argument; each pair transposes the other
@vjp_rule(items_cotangent)
def items_cotangent_vjp(gg, ans, g, d):
    return items_tangent(gg, d), None


@jvp_rule(items_cotangent)
def items_cotangent_jvp(ans, g, d, *, dg, dd):
    return items_cotangent(dg, d)


@vjp_rule(items_tangent)
def items_tangent_vjp(gg, ans, t, d):
    return items_cotangent(gg, d), None


@jvp_rule(items_tangent)
def items_tangent_jvp(ans, t, d, *, dt, dd):
    return items_tangent(dt, d)


@vjp_rule(values_cotangent)
def values_cotangent_vjp(gg, ans, g, d):
    return values_tangent(gg, d), None


@jvp_rule(values_cotangent)
def values_cotangent_jvp(ans, g, d, *, dg, dd):
    return values_cotangent(dg, d)


@vjp_rule(values_tangent)
def values_tangent_vjp(gg, ans, t, d):
    return values_cotangent(gg, d), None


@jvp_rule(values_tangent)
def values_tangent_jvp(ans, t, d, *, dt, dd):
    return values_tangent(dt, d)


register_linear((0,), items_cotangent, items_tangent, values_cotangent, values_tangent)

from ..runtime import (sorted_cotangent, sorted_tangent, dict_source_cotangent,  # noqa: E402
                       dict_source_tangent, dict_items_like)


# dict(src) of a dict or of (key, value) pairs (normalize writes dict(a=x) as a
# literal, dict(zip(k, v)) as dict(list(zip(k, v))))
@vjp_rule(dict)
def dict_vjp(g, ans, src=()):
    return dict_source_cotangent(g, src)


@jvp_rule(dict)
def dict_jvp(ans, src=(), *, dsrc):
    return dict_source_tangent(dsrc, src)


@vjp_rule(dict_source_cotangent)
def dict_source_cotangent_vjp(gg, ans, g, src):
    # (shaped like g, the cotangent given: it may hold keys stored after dict(src))
    return dict_items_like(dict_source_tangent(gg, src), g), None


@jvp_rule(dict_source_cotangent)
def dict_source_cotangent_jvp(ans, g, src, *, dg, dsrc):
    return dict_source_cotangent(dg, src)


@vjp_rule(dict_source_tangent)
def dict_source_tangent_vjp(gg, ans, t, src):
    return dict_source_cotangent(gg, src), None


@jvp_rule(dict_source_tangent)
def dict_source_tangent_jvp(ans, t, src, *, dt, dsrc):
    return dict_source_tangent(dt, src)


register_linear((0,), dict_source_cotangent, dict_source_tangent)


# sorted(seq[, key=..., reverse=...]): a permutation of the items, constant where
# it is differentiable (sorted(d.items()), sorted(pairs, key=itemgetter(0)),
# sorted of numbers); sorted(d) of a dict: its keys, no derivative
@vjp_rule(sorted)
def sorted_vjp(g, ans, x, key=None, reverse=False):
    return sorted_cotangent(g, x, key, reverse)


@jvp_rule(sorted)
def sorted_jvp(ans, x, key=None, reverse=False, *, dx):
    return sorted_tangent(dx, x, key, reverse)


@vjp_rule(sorted_cotangent)
def sorted_cotangent_vjp(gg, ans, g, x, key=None, reverse=False):
    return sorted_tangent(gg, x, key, reverse), None


@jvp_rule(sorted_cotangent)
def sorted_cotangent_jvp(ans, g, x, key=None, reverse=False, *, dg, dx):
    return sorted_cotangent(dg, x, key, reverse)


@vjp_rule(sorted_tangent)
def sorted_tangent_vjp(gg, ans, t, x, key=None, reverse=False):
    return sorted_cotangent(gg, x, key, reverse), None


@jvp_rule(sorted_tangent)
def sorted_tangent_jvp(ans, t, x, key=None, reverse=False, *, dt, dx):
    return sorted_tangent(dt, x, key, reverse)
nondifferentiable(sorted_keys_only)


@vjp_rule(index_update)
def index_update_vjp(g, ans, x, idx, v):
    return index_update(g, idx, 0.0), None, _unbroadcast_into(written_piece(g, idx), v)


@jvp_rule(index_update)
def index_update_jvp(ans, x, idx, v, *, dx, dv):
    return index_update(dx, idx, dv)


@vjp_rule(written_piece)
def written_piece_vjp(gg, ans, g, index):
    return scatter_add(last_writes(gg, g, index), g, index), None


@jvp_rule(written_piece)
def written_piece_jvp(ans, g, index, *, dg):
    return written_piece(dg, index)


@vjp_rule(last_writes)
def last_writes_vjp(gg, ans, piece, g, index):
    return last_writes(gg, g, index), None, None


@jvp_rule(last_writes)
def last_writes_jvp(ans, piece, g, index, *, dpiece, dg):
    return last_writes(dpiece, g, index)


register_linear((0,), operator.getitem, scatter_add, written_piece, last_writes)
