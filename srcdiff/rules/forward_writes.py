"""Helpers that generated forward-mode code calls, with their own rules.

``set_item(x, idx, v)`` is the out-of-place ``x[idx] = v`` for the tangent
of an array, list or dict the generated code does not own (a user's tangent,
or a value that may be aliased); ``private_copy(x)`` gives the generated code
a buffer of its own before a loop writes into it element by element, so the
writes can be made in place. Both are linear, so forward code that calls them
can be differentiated again (forward-over-forward, reverse-over-forward).
"""
import numpy as np

from ..runtime import unbroadcast, array_copy, set_index
from .registry import vjp_rule, jvp_rule, register_linear

__all__ = ["set_item", "private_copy"]


def private_copy(x):
    """A copy of ``x`` that nothing else refers to (lists, dicts, arrays)."""
    if isinstance(x, list):
        return list(x)
    if isinstance(x, dict):
        return dict(x)
    if hasattr(x, "shape"):
        return array_copy(x)
    return x


def set_item(x, idx, v):
    """A copy of ``x`` with ``x[idx] = v`` (``x`` itself is left alone)."""
    out = private_copy(x)
    if isinstance(out, tuple):
        out = list(out)
        out[idx] = v
        return tuple(out)
    set_index(out, idx, v)
    return out


@jvp_rule(private_copy)
def private_copy_jvp(ans, x, *, dx):
    return private_copy(dx)


@vjp_rule(private_copy)
def private_copy_vjp(g, ans, x):
    return g


def _slot_cotangent(g, idx, v):
    gv = g[idx]
    if isinstance(g, (list, tuple, dict)):
        return gv
    if np.ndim(gv) < np.ndim(v):     # NumPy drops leading 1-dims of v on assignment
        gv = np.reshape(gv, np.shape(v))
    return unbroadcast(gv, v)


@jvp_rule(set_item)
def set_item_jvp(ans, x, idx, v, *, dx, dv):
    return set_item(dx, idx, dv)


@vjp_rule(set_item)
def set_item_vjp(g, ans, x, idx, v):
    return set_item(g, idx, 0.0), None, _slot_cotangent(g, idx, v)


register_linear((0,), private_copy)
