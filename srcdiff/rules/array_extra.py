"""More NumPy array functions: ``np.gradient``, ``np.partition``,
``np.real_if_close``, ``np.row_stack``, ``np.select``, and the integer casts
(``np.int64(x)`` and friends: constants, zero derivatives).

``np.gradient`` is linear in ``f``: its transpose along an axis is the
matrix ``np.gradient`` makes of the identity. Scalar spacings are
differentiated (the result scales as ``1 / h``); coordinate-array spacings
are refused in reverse mode (and in forward mode when differentiated).
"""
import numpy as np

from ..runtime import unbroadcast, broadcast_like
from .registry import vjp_rule, jvp_rule, nondifferentiable
from .support import fill_zeros, stack_split, unsupported


def gradient_axes(f, varargs, axis):
    """The axes ``np.gradient`` differentiates along and, for each, its
    spacing arguments (a tuple of zero or one spacing)."""
    nd = np.ndim(f)
    axes = tuple(range(nd)) if axis is None else ((axis,) if np.ndim(axis) == 0 else tuple(axis))
    axes = tuple(a % nd for a in axes)
    if len(varargs) == 0:
        return [(a, ()) for a in axes]
    if len(varargs) == 1:
        return [(a, (varargs[0],)) for a in axes]
    return [(a, (h,)) for a, h in zip(axes, varargs)]


def gradient_matrix(n, spacing, edge_order):
    """``D`` with ``np.gradient(y, *spacing) == D @ y`` for 1-D ``y`` of length n."""
    if any(np.ndim(h) > 0 for h in spacing):
        unsupported("the reverse-mode derivative of np.gradient with coordinate arrays "
                    "(scalar spacings are supported)")
    return np.gradient(np.eye(n), *[1.0 for h in spacing], axis=0, edge_order=edge_order)


nondifferentiable(gradient_axes, gradient_matrix)


def _along(g, D, axis):
    """``D^T`` applied along ``axis`` of ``g``."""
    return np.moveaxis(np.moveaxis(g, axis, -1) @ D, -1, axis)


def _h(spacing):
    return spacing[0] if spacing else 1.0


def gradient_cotangents(g, ans, args, axis, edge_order):
    """The cotangents of np.gradient's positional arguments (f, then each
    spacing): the outputs' (one per axis) transposed back onto ``f``; a scalar
    spacing ``h`` gets ``-sum(g * out) / h``."""
    f, varargs = args[0], args[1:]
    parts = gradient_axes(f, varargs, axis)
    gs = g if len(parts) > 1 else [g]
    outs = ans if len(parts) > 1 else [ans]
    gf = 0.0 * np.asarray(f, dtype=float)
    dh = []
    for gk, ok, (a, sp) in zip(gs, outs, parts):
        if gk is not None:
            gf = gf + _along(gk, gradient_matrix(np.shape(f)[a], sp, edge_order), a) / _h(sp)
        dh.append(-np.sum(gk * ok) / _h(sp) if gk is not None else 0.0)
    return (gf,) + tuple(sum(dh) if len(varargs) == 1 else dh[k] for k in range(len(varargs)))


def gradient_tangent(ans, args, axis, edge_order, dargs):
    """The tangent of np.gradient's output(s)."""
    f, varargs = args[0], args[1:]
    df, dhs = dargs[0], list(dargs[1:]) if len(dargs) > 1 else [None] * len(varargs)
    if any(dh is not None and np.ndim(h) > 0 for h, dh in zip(varargs, dhs)):
        unsupported("the derivative of np.gradient w.r.t. coordinate arrays")
    parts = gradient_axes(f, varargs, axis)
    outs = ans if len(parts) > 1 else [ans]
    douts = []
    for k, ((a, sp), o) in enumerate(zip(parts, outs)):
        ds = (dhs[0] if len(varargs) == 1 else dhs[k]) if varargs else None
        d = np.gradient(df, *sp, axis=a, edge_order=edge_order) if df is not None else 0.0 * o
        douts.append(d - o * ds / _h(sp) if ds is not None else d)
    return tuple(douts) if len(parts) > 1 else douts[0]


@vjp_rule(gradient_cotangents)
def gradient_cotangents_vjp(gg, ans, g, ans_, args, axis, edge_order):
    return unsupported("second derivatives of np.gradient")


@jvp_rule(gradient_cotangents)
def gradient_cotangents_jvp(ans, g, ans_, args, axis, edge_order, *, dg, dans_, dargs):
    return unsupported("second derivatives of np.gradient")


@vjp_rule(gradient_tangent)
def gradient_tangent_vjp(gg, ans, ans_, args, axis, edge_order, dargs):
    return unsupported("second derivatives of np.gradient")


@jvp_rule(gradient_tangent)
def gradient_tangent_jvp(ans, ans_, args, axis, edge_order, dargs, *, dans_, dargs_, ddargs):
    return unsupported("second derivatives of np.gradient")


@vjp_rule(np.gradient)
def gradient(g, ans, *args, axis=None, edge_order=1):
    """``args``: f, then the spacings."""
    return gradient_cotangents(g, ans, args, axis, edge_order)


@jvp_rule(np.gradient)
def gradient_jvp(ans, *args, axis=None, edge_order=1, dargs):
    return gradient_tangent(ans, args, axis, edge_order, dargs)


def partition_order(a, ans, axis):
    """``idx`` with ``take_along_axis(a, idx, axis) == ans`` (``a`` flattened
    when axis is None)."""
    a = np.ravel(a) if axis is None else np.asarray(a)
    ax = -1 if axis is None else axis
    idx = np.empty(np.shape(ans), dtype=np.intp)
    np.put_along_axis(idx, np.argsort(ans, axis=ax), np.argsort(a, axis=ax), axis=ax)
    return idx


nondifferentiable(partition_order)


@vjp_rule(np.partition)
def partition(g, ans, a, kth, axis=-1, kind="introselect", order=None):
    """A permutation of ``a`` (distinct values)."""
    idx = partition_order(a, ans, axis)
    back = np.argsort(idx, axis=-1 if axis is None else axis)
    return np.reshape(np.take_along_axis(g, back, -1 if axis is None else axis), np.shape(a))


@jvp_rule(np.partition)
def partition_jvp(ans, a, kth, axis=-1, kind="introselect", order=None, *, da):
    idx = partition_order(a, ans, axis)
    return np.take_along_axis(np.ravel(da) if axis is None else da, idx, -1 if axis is None else axis)


@vjp_rule(np.real_if_close)
def real_if_close(g, ans, a, tol=100):
    """The identity, or the real part (whose cotangent is ``g``)."""
    return g


@jvp_rule(np.real_if_close)
def real_if_close_jvp(ans, a, tol=100, *, da):
    return da if np.iscomplexobj(ans) else np.real(da)


if hasattr(np, "row_stack"):

    @vjp_rule(np.row_stack)
    def row_stack(g, ans, tup, *, dtype=None, casting="same_kind"):
        return stack_split(g, tup, "vstack")

    @jvp_rule(np.row_stack)
    def row_stack_jvp(ans, tup, *, dtype=None, casting="same_kind", dtup):
        return np.vstack(fill_zeros(dtup, tup))


nondifferentiable(np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
                  np.intp, np.bool_)


# ---- np.select: linear in the choices and the default; the first true condition wins ----------

def select_masks(condlist):
    """The mask where each choice is taken, and the default's mask."""
    masks, taken = [], np.zeros(np.shape(condlist[0]), bool) if len(condlist) else False
    for c in condlist:
        masks.append(np.logical_and(c, np.logical_not(taken)))
        taken = np.logical_or(taken, c)
    return masks, np.logical_not(taken)


def select_cotangents(g, condlist, choicelist):
    """The cotangent of each choice of ``np.select(condlist, choicelist, ...)``."""
    masks = select_masks(condlist)[0]
    return [unbroadcast(np.where(m, g, 0.0), c) for m, c in zip(masks, choicelist)]


nondifferentiable(select_masks)


@vjp_rule(np.select)
def select(g, ans, condlist, choicelist, default=0):
    return None, select_cotangents(g, condlist, choicelist), unbroadcast(np.where(select_masks(condlist)[1], g, 0.0), default)


@jvp_rule(np.select)
def select_jvp(ans, condlist, choicelist, default=0, *, dchoicelist, ddefault):
    return broadcast_like(np.select(condlist, fill_zeros(dchoicelist, choicelist), ddefault), ans)


@vjp_rule(select_cotangents)
def select_cotangents_vjp(gg, ans, g, condlist, choicelist):
    """Linear in ``g``: its transpose selects the choices' cotangents back."""
    return broadcast_like(np.select(condlist, fill_zeros(gg, choicelist), 0.0), g), None, None


@jvp_rule(select_cotangents)
def select_cotangents_jvp(ans, g, condlist, choicelist, *, dg):
    return select_cotangents(dg, condlist, choicelist)
