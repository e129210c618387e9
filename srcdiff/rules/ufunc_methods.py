"""Methods of ufuncs: ``np.add.reduce``, ``np.maximum.accumulate``,
``np.multiply.outer``, ... (looked up by the bound method: ``np.maximum.accumulate``
compares equal to itself; the registry names it ``numpy.maximum.accumulate``).

``reduce`` and ``accumulate`` act along ``axis`` (0 by default, as NumPy's);
``reduce`` with ``initial=`` or ``where=`` is refused. ``outer(a, b)`` is the
ufunc applied to ``a`` reshaped to ``a.shape + (1,) * b.ndim`` and ``b``: its
rules are the elementwise ones with that broadcasting. ``np.add.at(y, i, v)`` and
``np.subtract.at`` write into ``y``: srcdiff makes them on a copy
(``runtime.added_at``/``subtracted_at``, ruled at the end) and writes it back,
so ``y``'s other readers are followed as for any item store. The other ``.at``
methods, with differentiated values, are refused with the line.
"""
import numpy as np

from ..runtime import (expand_reduced, unbroadcast, broadcast_like, add_cotangents, added_at,
                       subtracted_at, scatter_add)
from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, nondifferentiable, register_linear
from .reduction_derivatives import extremum_weights, prod_others, cumprod_grad, cumprod_tangent
from .shape_derivatives import take_along_axis_cotangent


# ---- reduce --------------------------------------------------------------------------------

def reduce_options(initial, where, name):
    """Refuse ``initial=`` and ``where=`` (0 when neither is given)."""
    if initial is not None or where is not True:
        unsupported(f"the derivative of {name} with initial= or where=")
    return 0.0


nondifferentiable(reduce_options)


@vjp_rule(np.add.reduce)
def add_reduce(g, ans, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """np.sum along ``axis``."""
    return expand_reduced(g, array, axis, keepdims) + reduce_options(initial, where, "np.add.reduce")


@jvp_rule(np.add.reduce)
def add_reduce_jvp(ans, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True, *,
                   darray):
    return np.sum(darray, axis=axis, keepdims=keepdims) + reduce_options(initial, where, "np.add.reduce")


@vjp_rule(np.multiply.reduce)
def multiply_reduce(g, ans, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """np.prod along ``axis``: g times the product of the other elements."""
    return (expand_reduced(g, array, axis, keepdims) * prod_others(array, axis)
            + reduce_options(initial, where, "np.multiply.reduce"))


@jvp_rule(np.multiply.reduce)
def multiply_reduce_jvp(ans, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True, *,
                        darray):
    return (np.sum(darray * prod_others(array, axis), axis=axis, keepdims=keepdims)
            + reduce_options(initial, where, "np.multiply.reduce"))


@vjp_rule(np.maximum.reduce, np.minimum.reduce, np.fmax.reduce, np.fmin.reduce)
def maximum_reduce(g, ans, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """np.max / np.min along ``axis``; ties split evenly."""
    w = extremum_weights(array, ans, axis, keepdims)
    return (np.where(w == 0, 0.0, expand_reduced(g, array, axis, keepdims) * w)
            + reduce_options(initial, where, "np.maximum.reduce / np.minimum.reduce"))


@jvp_rule(np.maximum.reduce, np.minimum.reduce, np.fmax.reduce, np.fmin.reduce)
def maximum_reduce_jvp(ans, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True, *,
                       darray):
    return (np.sum(darray * extremum_weights(array, ans, axis, keepdims), axis=axis, keepdims=keepdims)
            + reduce_options(initial, where, "np.maximum.reduce / np.minimum.reduce"))


@vjp_rule(np.logaddexp.reduce)
def logaddexp_reduce(g, ans, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """log(sum(exp(a))): the softmax weights."""
    w = np.exp(array - expand_reduced(ans, array, axis, keepdims))
    return expand_reduced(g, array, axis, keepdims) * w + reduce_options(initial, where, "np.logaddexp.reduce")


@jvp_rule(np.logaddexp.reduce)
def logaddexp_reduce_jvp(ans, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True,
                         *, darray):
    w = np.exp(array - expand_reduced(ans, array, axis, keepdims))
    return np.sum(darray * w, axis=axis, keepdims=keepdims) + reduce_options(initial, where, "np.logaddexp.reduce")


@vjp_rule(np.logaddexp2.reduce)
def logaddexp2_reduce(g, ans, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True):
    """log2(sum(2 ** a)): the weights 2 ** (a - ans)."""
    w = np.exp2(array - expand_reduced(ans, array, axis, keepdims))
    return expand_reduced(g, array, axis, keepdims) * w + reduce_options(initial, where, "np.logaddexp2.reduce")


@jvp_rule(np.logaddexp2.reduce)
def logaddexp2_reduce_jvp(ans, array, axis=0, dtype=None, out=None, keepdims=False, initial=None, where=True,
                          *, darray):
    w = np.exp2(array - expand_reduced(ans, array, axis, keepdims))
    return np.sum(darray * w, axis=axis, keepdims=keepdims) + reduce_options(initial, where, "np.logaddexp2.reduce")


# ---- accumulate ----------------------------------------------------------------------------

@vjp_rule(np.add.accumulate)
def add_accumulate(g, ans, array, axis=0, dtype=None, out=None):
    """np.cumsum along ``axis``: the reversed cumulative sum of g."""
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


@jvp_rule(np.add.accumulate)
def add_accumulate_jvp(ans, array, axis=0, dtype=None, out=None, *, darray):
    return np.cumsum(darray, axis)


@vjp_rule(np.multiply.accumulate)
def multiply_accumulate(g, ans, array, axis=0, dtype=None, out=None):
    """np.cumprod along ``axis``."""
    return cumprod_grad(g, array, axis)


@jvp_rule(np.multiply.accumulate)
def multiply_accumulate_jvp(ans, array, axis=0, dtype=None, out=None, *, darray):
    return cumprod_tangent(darray, array, axis)


def running_index(array, ans, axis):
    """For each entry of a running maximum/minimum, the index along ``axis`` of the
    entry of ``array`` it holds (the latest that attains it)."""
    shape = [1] * np.ndim(array)
    shape[axis] = -1
    pos = np.reshape(np.arange(np.shape(array)[axis]), shape)
    return np.maximum.accumulate(np.where(array == ans, pos, 0), axis=axis)


nondifferentiable(running_index)


@vjp_rule(np.maximum.accumulate, np.minimum.accumulate, np.fmax.accumulate, np.fmin.accumulate)
def maximum_accumulate(g, ans, array, axis=0, dtype=None, out=None):
    """Each running extremum is one entry of ``array``: its cotangent goes there."""
    return take_along_axis_cotangent(g, array, running_index(array, ans, axis), axis)


@jvp_rule(np.maximum.accumulate, np.minimum.accumulate, np.fmax.accumulate, np.fmin.accumulate)
def maximum_accumulate_jvp(ans, array, axis=0, dtype=None, out=None, *, darray):
    return np.take_along_axis(darray, running_index(array, ans, axis), axis)


register_linear((0,), np.add.reduce, np.add.accumulate)


# ---- outer: the elementwise rules with a's axes in front of b's -----------------------------

def outer_left(a, b):
    """``a`` reshaped to broadcast against ``b`` as ``ufunc.outer(a, b)`` does."""
    return np.reshape(a, np.shape(a) + (1,) * np.ndim(b))


def outer_ct(g, a, b):
    """A cotangent of the outer result summed back onto ``a``."""
    return np.reshape(unbroadcast(g, outer_left(a, b)), np.shape(a))


@vjp_rule(np.add.outer)
def add_outer(g, ans, A, B):
    return outer_ct(g, A, B), unbroadcast(g, B)


@jvp_rule(np.add.outer)
def add_outer_jvp(ans, A, B, *, dA, dB):
    return broadcast_like(outer_left(dA, B), ans) + broadcast_like(dB, ans)


@vjp_rule(np.subtract.outer)
def subtract_outer(g, ans, A, B):
    return outer_ct(g, A, B), unbroadcast(-g, B)


@jvp_rule(np.subtract.outer)
def subtract_outer_jvp(ans, A, B, *, dA, dB):
    return broadcast_like(outer_left(dA, B), ans) - broadcast_like(dB, ans)


@vjp_rule(np.multiply.outer)
def multiply_outer(g, ans, A, B):
    return outer_ct(g * B, A, B), unbroadcast(g * outer_left(A, B), B)


@jvp_rule(np.multiply.outer)
def multiply_outer_jvp(ans, A, B, *, dA, dB):
    return np.multiply.outer(dA, B) + np.multiply.outer(A, dB)


@vjp_rule(np.divide.outer)
def divide_outer(g, ans, A, B):
    return outer_ct(g / B, A, B), unbroadcast(-g * ans / B, B)


@jvp_rule(np.divide.outer)
def divide_outer_jvp(ans, A, B, *, dA, dB):
    return np.divide.outer(dA, B) - ans * dB / B


@vjp_rule(np.maximum.outer)
def maximum_outer(g, ans, A, B):
    """Ties (a == b) split the cotangent evenly, as np.maximum."""
    x = outer_left(A, B)
    return (outer_ct(np.where(x == B, 0.5 * g, np.where(x > B, g, 0.0)), A, B),
            unbroadcast(np.where(x == B, 0.5 * g, np.where(x < B, g, 0.0)), B))


@jvp_rule(np.maximum.outer)
def maximum_outer_jvp(ans, A, B, *, dA, dB):
    x = outer_left(A, B)
    return (broadcast_like(np.where(x == B, 0.5 * outer_left(dA, B), np.where(x > B, outer_left(dA, B), 0.0)), ans)
            + broadcast_like(np.where(x == B, 0.5 * dB, np.where(x < B, dB, 0.0)), ans))


@vjp_rule(np.minimum.outer)
def minimum_outer(g, ans, A, B):
    """Ties (a == b) split the cotangent evenly, as np.minimum."""
    x = outer_left(A, B)
    return (outer_ct(np.where(x == B, 0.5 * g, np.where(x < B, g, 0.0)), A, B),
            unbroadcast(np.where(x == B, 0.5 * g, np.where(x > B, g, 0.0)), B))


@jvp_rule(np.minimum.outer)
def minimum_outer_jvp(ans, A, B, *, dA, dB):
    x = outer_left(A, B)
    return (broadcast_like(np.where(x == B, 0.5 * outer_left(dA, B), np.where(x < B, outer_left(dA, B), 0.0)), ans)
            + broadcast_like(np.where(x == B, 0.5 * dB, np.where(x > B, dB, 0.0)), ans))


@vjp_rule(np.power.outer)
def power_outer(g, ans, A, B):
    """a ** b for a > 0 (the cotangent of b needs log a)."""
    x = outer_left(A, B)
    return outer_ct(g * B * x ** (B - 1), A, B), unbroadcast(g * ans * np.log(x), B)


@jvp_rule(np.power.outer)
def power_outer_jvp(ans, A, B, *, dA, dB):
    x = outer_left(A, B)
    return broadcast_like(outer_left(dA, B) * B * x ** (B - 1), ans) + broadcast_like(ans * np.log(x) * dB, ans)


register_linear((0, 1), np.add.outer, np.subtract.outer)


# ---- at: y[i] += v with repeated indices adding up (on a copy) ---------------------------

@vjp_rule(added_at)
def added_at_vjp(g, ans, array, index, values):
    """y's cotangent passes through; v's is g read at the indices (each repeat once)."""
    return g, None, unbroadcast(g[index], values)


@jvp_rule(added_at)
def added_at_jvp(ans, array, index, values, *, darray, dvalues):
    return add_cotangents(darray, scatter_add(dvalues, array, index))


@vjp_rule(subtracted_at)
def subtracted_at_vjp(g, ans, array, index, values):
    return g, None, -unbroadcast(g[index], values)


@jvp_rule(subtracted_at)
def subtracted_at_jvp(ans, array, index, values, *, darray, dvalues):
    return add_cotangents(darray, -scatter_add(dvalues, array, index))
