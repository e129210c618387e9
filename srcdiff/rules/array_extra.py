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
from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, nondifferentiable, register_linear
from .reduction_derivatives import unique_cotangent, unique_tangent
from .shape_derivatives import stack_split, linspace_weights, take_along_axis_cotangent
from .zero_fill import fill_zeros


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
    gf = _zero(f)
    dh = []
    for gk, ok, (a, sp) in zip(gs, outs, parts):
        if gk is not None:
            gf = gf + _along(gk, gradient_matrix(np.shape(f)[a], sp, edge_order), a) / _h(sp)
        dh.append(-np.sum(gk * ok) / _h(sp) if gk is not None else 0.0)
    return (gf,) + tuple(sum(dh) if len(varargs) == 1 else dh[k] for k in range(len(varargs)))


def gradient_tangent(ans, args, axis, edge_order, targs):
    """The tangent of np.gradient's output(s); ``targs``: the tangents of ``args``
    (named so that the tangent of ``args`` is ``dargs`` in its forward rule)."""
    f, varargs = args[0], args[1:]
    df, dhs = targs[0], list(targs[1:]) if len(targs) > 1 else [None] * len(varargs)
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


def _at(t, i):
    """Item ``i`` of the (co)tangent tuple ``t`` (None where it has none)."""
    return None if t is None or i is None or i >= len(t) else t[i]


def _per_part(v, n):
    """Per part of np.gradient's output (a tuple of ``n`` arrays when n > 1)."""
    return [None] * n if v is None else list(v) if n > 1 else [v]


def _whole(items):
    return tuple(items) if len(items) > 1 else items[0]


def gradient_parts(args, axis, edge_order):
    """Per part of np.gradient's output: (axis, spacing tuple, its spacing's
    position in ``args`` or None, h, D along that axis)."""
    f, varargs = args[0], args[1:]
    return [(a, sp, (1 if len(varargs) == 1 else 1 + k) if varargs else None, _h(sp),
             gradient_matrix(np.shape(f)[a], sp, edge_order))
            for k, (a, sp) in enumerate(gradient_axes(f, varargs, axis))]


def _dot(a, b):
    return 0.0 if a is None or b is None else np.sum(a * b)


def _zero(f):
    return np.zeros(np.shape(f), dtype=np.result_type(f, float))


@vjp_rule(gradient_cotangents)
def gradient_cotangents_vjp(gg, ans, g, ans_, args, axis, edge_order):
    """gf = sum_k along(g_k, D_k)/h_k and the spacings' -sum(g_k*o_k)/h_k,
    transposed: in g, in ans_ (the outputs o_k) and in the scalar spacings."""
    parts = gradient_parts(args, axis, edge_order)
    n = len(parts)
    gs, outs = _per_part(g, n), _per_part(ans_, n)
    g0 = _at(gg, 0)
    ct_args = [_zero(args[0])] + [0.0 * h for h in args[1:]]
    ct_g, ct_o = [], []
    for (a, sp, i, h, D), gk, ok in zip(parts, gs, outs):
        gd = _at(gg, i)
        cg = np.gradient(g0, axis=a, edge_order=edge_order) / h if g0 is not None \
            else 0.0 * ok
        co = 0.0 * ok
        if gd is not None:
            cg = cg - gd * ok / h
            co = co - gd * gk / h if gk is not None else co
        ct_g.append(cg)
        ct_o.append(co)
        if i is not None and gk is not None:
            ct_args[i] = ct_args[i] + (gd * np.sum(gk * ok) if gd is not None else 0.0) / h ** 2 \
                - _dot(g0, _along(gk, D, a)) / h ** 2
    return _whole(ct_g), _whole(ct_o), tuple(ct_args)


@jvp_rule(gradient_cotangents)
def gradient_cotangents_jvp(ans, g, ans_, args, axis, edge_order, *, dg, dans_, dargs):
    parts = gradient_parts(args, axis, edge_order)
    n = len(parts)
    gs, outs = _per_part(g, n), _per_part(ans_, n)
    dgs, douts = _per_part(dg, n), _per_part(dans_, n)
    dgf = _zero(args[0])
    dc = [0.0 for _ in args[1:]]
    for (a, sp, i, h, D), gk, ok, dgk, dok in zip(parts, gs, outs, dgs, douts):
        dh = _at(dargs, i)
        if dgk is not None:
            dgf = dgf + _along(dgk, D, a) / h
        if dh is not None and gk is not None:
            dgf = dgf - _along(gk, D, a) * dh / h ** 2
        if i is not None:
            dc[i - 1] = dc[i - 1] - (_dot(dgk, ok) + _dot(gk, dok)) / h
            if dh is not None:
                dc[i - 1] = dc[i - 1] + _dot(gk, ok) * dh / h ** 2
    return (dgf,) + (tuple(dc) if len(dc) != 1 else (dc[0],))


@vjp_rule(gradient_tangent)
def gradient_tangent_vjp(gg, ans, ans_, args, axis, edge_order, targs):
    """d_k = np.gradient(df, h_k) - o_k * ds_k / h_k, transposed: in ans_ (o_k),
    in the scalar spacings h_k and in the tangents targs (df, ds_k)."""
    parts = gradient_parts(args, axis, edge_order)
    n = len(parts)
    ggs, outs = _per_part(gg, n), _per_part(ans_, n)
    df = _at(targs, 0)
    ct_args = [_zero(args[0])] + [0.0 * h for h in args[1:]]
    ct_d = [_zero(args[0])] + [0.0 * h for h in args[1:]]
    ct_o = []
    for (a, sp, i, h, D), gk, ok in zip(parts, ggs, outs):
        ds = _at(targs, i)
        ct_o.append(0.0 * ok if gk is None or ds is None else -gk * ds / h)
        if gk is None:
            continue
        ct_d[0] = ct_d[0] + _along(gk, D, a) / h
        if i is not None:
            ct_d[i] = ct_d[i] - np.sum(gk * ok) / h
            ct_args[i] = ct_args[i] - _dot(gk, None if df is None else
                                           np.gradient(df, *sp, axis=a, edge_order=edge_order)) / h
            if ds is not None:
                ct_args[i] = ct_args[i] + np.sum(gk * ok) * ds / h ** 2
    return _whole(ct_o), tuple(ct_args), None, None, tuple(ct_d[:len(targs)])


@jvp_rule(gradient_tangent)
def gradient_tangent_jvp(ans, ans_, args, axis, edge_order, targs, *, dans_, dargs, dtargs):
    parts = gradient_parts(args, axis, edge_order)
    n = len(parts)
    outs, douts = _per_part(ans_, n), _per_part(dans_, n)
    df, ddf = _at(targs, 0), _at(dtargs, 0)
    res = []
    for (a, sp, i, h, D), ok, dok in zip(parts, outs, douts):
        ds, dds, dh = _at(targs, i), _at(dtargs, i), _at(dargs, i)
        d = 0.0 * ok
        if ddf is not None:
            d = d + np.gradient(ddf, *sp, axis=a, edge_order=edge_order)
        if df is not None and dh is not None:
            d = d - np.gradient(df, *sp, axis=a, edge_order=edge_order) * dh / h
        if ds is not None:
            d = d - (ok * dds if dds is not None else 0.0) / h
            d = d - (dok * ds if dok is not None else 0.0) / h
            d = d + (ok * ds * dh / h ** 2 if dh is not None else 0.0)
        elif dds is not None:
            d = d - ok * dds / h
        res.append(d)
    return _whole(res)


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


# ---- more array builders and piecewise-identity functions ----------------------------------

def meshgrid_shape(k, n, indexing):
    """The shape input ``k`` of ``n`` is reshaped to before broadcasting: -1 on its axis."""
    ax = (1 - k if k < 2 else k) if indexing == "xy" and n > 1 else k
    return tuple(-1 if i == ax else 1 for i in range(n))


nondifferentiable(meshgrid_shape)


def meshgrid_cotangents(g, xi, indexing):
    """Each output's cotangent summed back onto its input (``None`` for an unused output)."""
    n = len(xi)
    return tuple(None if g[k] is None else
                 np.reshape(unbroadcast(g[k], np.reshape(xi[k], meshgrid_shape(k, n, indexing))), np.shape(xi[k]))
                 for k in range(n))


@vjp_rule(np.meshgrid)
def meshgrid(g, ans, *xi, copy=True, sparse=False, indexing="xy"):
    """Each output is its (flattened) input broadcast along the other axes."""
    return meshgrid_cotangents(g, xi, indexing)


@jvp_rule(np.meshgrid)
def meshgrid_jvp(ans, *xi, copy=True, sparse=False, indexing="xy", dxi):
    return tuple(np.meshgrid(*fill_zeros(list(dxi), list(xi)), sparse=sparse, indexing=indexing))


@vjp_rule(np.unwrap)
def unwrap(g, ans, p, discont=None, axis=-1, period=6.283185307179586):
    """p plus k * period with k piecewise constant: the identity in p; (ans - p) / period
    in the period (a keyword-only argument of np.unwrap, a parameter here so that its
    derivative is taken, not dropped)."""
    return g, None, None, np.sum(g * (ans - p)) / period


@jvp_rule(np.unwrap)
def unwrap_jvp(ans, p, discont=None, axis=-1, period=6.283185307179586, *, dp, dperiod):
    return broadcast_like(dp, ans) + (ans - p) / period * fill_zeros(dperiod, period)


@vjp_rule(np.modf)
def modf(g, ans, x):
    """(fractional part, integral part): x - trunc(x) has derivative 1; the integral part 0."""
    return unbroadcast(g[0], x) if g[0] is not None else None


@jvp_rule(np.modf)
def modf_jvp(ans, x, *, dx):
    return broadcast_like(dx, ans[0]), 0.0 * ans[1]


@vjp_rule(np.frexp)
def frexp(g, ans, x):
    """(mantissa, exponent) with x = m * 2 ** e: m = x * 2 ** -e (e piecewise constant)."""
    return g[0] * np.ldexp(1.0, -ans[1]) if g[0] is not None else None


@jvp_rule(np.frexp)
def frexp_jvp(ans, x, *, dx):
    return dx * np.ldexp(1.0, -ans[1]), np.zeros(np.shape(ans[1]))


@vjp_rule(np.divmod)
def divmod_(g, ans, x1, x2):
    """(floor_divide, mod): the quotient is piecewise constant; mod = x1 - x2 * floor(x1 / x2)."""
    return ((unbroadcast(g[1], x1) if g[1] is not None else None),
            (unbroadcast(-g[1] * ans[0], x2) if g[1] is not None else None))


@jvp_rule(np.divmod)
def divmod_jvp(ans, x1, x2, *, dx1, dx2):
    return 0.0 * ans[0], broadcast_like(dx1, ans[1]) - broadcast_like(dx2 * ans[0], ans[1])


@vjp_rule(np.vander)
def vander(g, ans, x, N=None, increasing=False):
    """Columns x ** k: the cotangent of x is sum_k g[:, k] k x ** (k - 1)."""
    k = vander_powers(x, N, increasing)
    return np.sum(g * k * np.expand_dims(x, -1) ** np.maximum(k - 1, 0), axis=-1)


@jvp_rule(np.vander)
def vander_jvp(ans, x, N=None, increasing=False, *, dx):
    k = vander_powers(x, N, increasing)
    return np.expand_dims(dx, -1) * k * np.expand_dims(x, -1) ** np.maximum(k - 1, 0)


def vander_powers(x, N, increasing):
    n = np.shape(x)[0] if N is None else N
    return np.arange(n) if increasing else np.arange(n - 1, -1, -1)


nondifferentiable(vander_powers)


@vjp_rule(np.logspace)
def logspace(g, ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """y = linspace(start, stop), base ** y: the linspace weights times ans * log(base);
    d/dbase = ans * y / base."""
    t = linspace_weights(start, stop, num, endpoint, False, axis)
    gl = g * ans * np.log(base)
    return (unbroadcast(np.sum(gl * (1 - t), axis=axis), start), unbroadcast(np.sum(gl * t, axis=axis), stop),
            None, None,
            unbroadcast(np.sum(g * ans * np.linspace(start, stop, num, endpoint=endpoint, axis=axis), axis=axis) / base,
                        base))


@jvp_rule(np.logspace)
def logspace_jvp(ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0, *, dstart, dstop,
                 dbase):
    t = linspace_weights(start, stop, num, endpoint, False, axis)
    return (ans * np.log(base) * (np.expand_dims(np.broadcast_to(dstart, np.shape(np.sum(t, axis=axis))), axis) * (1 - t)
                                  + np.expand_dims(np.broadcast_to(dstop, np.shape(np.sum(t, axis=axis))), axis) * t)
            + ans * np.linspace(start, stop, num, endpoint=endpoint, axis=axis)
            * np.expand_dims(np.broadcast_to(fill_zeros(dbase, base) / base, np.shape(np.sum(t, axis=axis))), axis))


@vjp_rule(np.geomspace)
def geomspace(g, ans, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """start * (stop / start) ** t (start, stop > 0): d/dstart = ans (1 - t) / start,
    d/dstop = ans t / stop."""
    t = linspace_weights(start, stop, num, endpoint, False, axis)
    return (unbroadcast(np.sum(g * ans * (1 - t), axis=axis) / start, start),
            unbroadcast(np.sum(g * ans * t, axis=axis) / stop, stop))


@jvp_rule(np.geomspace)
def geomspace_jvp(ans, start, stop, num=50, endpoint=True, dtype=None, axis=0, *, dstart, dstop):
    t = linspace_weights(start, stop, num, endpoint, False, axis)
    return ans * (np.expand_dims(np.broadcast_to(dstart / start, np.shape(np.sum(t, axis=axis))), axis) * (1 - t)
                  + np.expand_dims(np.broadcast_to(dstop / stop, np.shape(np.sum(t, axis=axis))), axis) * t)


def selection_matrix(n, idx):
    """E with E[j, idx[j]] = 1: ``x[idx] == E @ x`` (and ``E.T @ g`` scatters back)."""
    return (np.reshape(idx, (-1, 1)) == np.arange(n)) * 1.0


def kept_indices(arr, obj, axis):
    """The indices along ``axis`` (of the flattened array for axis None) np.delete keeps."""
    n = np.size(arr) if axis is None else np.shape(arr)[axis]
    return np.delete(np.arange(n), obj)


def true_indices(condition, n):
    """The indices of the true entries of ``condition`` below ``n`` (np.compress)."""
    return np.nonzero(np.ravel(condition)[:n])[0]


nondifferentiable(selection_matrix, kept_indices, true_indices)


def select_along(g, arr, idx, axis):
    """The transpose of taking ``idx`` along ``axis`` (of the flattened ``arr`` for None)."""
    if axis is None:
        return np.reshape(np.reshape(g, (-1,)) @ selection_matrix(np.size(arr), idx), np.shape(arr))
    return np.moveaxis(np.moveaxis(g, axis, -1) @ selection_matrix(np.shape(arr)[axis], idx), -1, axis)


def select_along_transpose(gg, g, idx, axis):
    """Taking ``idx`` along ``axis`` (the transpose of select_along), shaped like ``g``."""
    return np.reshape(np.take(np.ravel(gg), idx), np.shape(g)) if axis is None else np.take(gg, idx, axis=axis)


@vjp_rule(select_along)
def select_along_vjp(gg, ans, g, arr, idx, axis):
    return select_along_transpose(gg, g, idx, axis), None


@jvp_rule(select_along)
def select_along_jvp(ans, g, arr, idx, axis, *, dg, darr, didx):
    return select_along(dg, arr, idx, axis)


@vjp_rule(select_along_transpose)
def select_along_transpose_vjp(ggg, ans, gg, g, idx, axis):
    return select_along(ggg, gg, idx, axis), None


@jvp_rule(select_along_transpose)
def select_along_transpose_jvp(ans, gg, g, idx, axis, *, dgg, dg, didx):
    return select_along_transpose(dgg, g, idx, axis)


register_linear((0,), select_along, select_along_transpose)


@vjp_rule(np.delete)
def delete(g, ans, arr, obj, axis=None):
    return select_along(g, arr, kept_indices(arr, obj, axis), axis)


@jvp_rule(np.delete)
def delete_jvp(ans, arr, obj, axis=None, *, darr):
    return np.delete(darr, obj, axis)


@vjp_rule(np.compress)
def compress(g, ans, condition, a, axis=None, out=None):
    return None, select_along(g, a, true_indices(condition, np.size(a) if axis is None else np.shape(a)[axis]), axis)


@jvp_rule(np.compress)
def compress_jvp(ans, condition, a, axis=None, out=None, *, da):
    return np.compress(condition, da, axis)


@vjp_rule(np.extract)
def extract(g, ans, condition, arr):
    return None, select_along(g, arr, true_indices(condition, np.size(arr)), None)


@jvp_rule(np.extract)
def extract_jvp(ans, condition, arr, *, darr):
    return np.extract(condition, darr)


@vjp_rule(np.resize)
def resize(g, ans, a, new_shape):
    """The flattened ``a`` repeated cyclically: each entry sums the cotangents of its copies."""
    return select_along(g, a, np.arange(np.size(ans)) % np.size(a), None)


@jvp_rule(np.resize)
def resize_jvp(ans, a, new_shape, *, da):
    return np.resize(da, new_shape)


def complex_order(a):
    """The order np.sort_complex sorts each last-axis row in (real part, then imaginary)."""
    return np.lexsort((np.imag(a), np.real(a)), axis=-1)


nondifferentiable(complex_order)


@vjp_rule(np.sort_complex)
def sort_complex(g, ans, a):
    """A permutation of each row of ``a`` (distinct values), as a complex array."""
    return unbroadcast(take_along_axis_cotangent(g, a, complex_order(a), -1), a)


@jvp_rule(np.sort_complex)
def sort_complex_jvp(ans, a, *, da):
    return np.take_along_axis(da, complex_order(a), -1) + 0j


try:
    from scipy.special import i1

    @vjp_rule(np.i0)
    def i0(g, ans, x):
        """d I0 / dx = I1 (scipy.special.i1)."""
        return g * i1(x)

    @jvp_rule(np.i0)
    def i0_jvp(ans, x, *, dx):
        return dx * i1(x)
except ImportError:  # pragma: no cover
    pass


# ---- the other unique_* and the set operations: unique values of (some of) the entries ------
# (as np.unique: each value's cotangent is shared evenly by the entries equal to it).
# np.intersect1d has no rule: each of its values is equal in both arrays, which a change of
# either breaks (no derivative), so srcdiff refuses it.

@vjp_rule(np.unique_counts, np.unique_inverse, np.unique_all)
def unique_counts(g, ans, x):
    """The values (the counts and indices are integers)."""
    return unique_cotangent(g[0], x, None)


@jvp_rule(np.unique_counts, np.unique_inverse, np.unique_all)
def unique_counts_jvp(ans, x, *, dx):
    return unique_tangent(dx, x, None, ans)


def set_entries(ar1, ar2, which):
    """The flat indices of the entries whose values the set operation keeps: of ar1 and ar2
    joined (union1d), of ar1 not in ar2 (setdiff1d), of either not in the other (setxor1d)."""
    a, b = np.ravel(ar1), np.ravel(ar2)
    if which == "union1d":
        return np.arange(np.size(a) + np.size(b))
    if which == "setdiff1d":
        return np.nonzero(~np.isin(a, b))[0]
    return np.nonzero(np.concatenate([~np.isin(a, b), ~np.isin(b, a)]))[0]


nondifferentiable(set_entries)


def set_cotangents(g, ar1, ar2, which, assume_unique):
    """The cotangents of ar1 and ar2 (joined, flat) from the cotangent ``g`` of the kept values."""
    j = np.concatenate([np.ravel(ar1), np.ravel(ar2)])
    idx = set_entries(ar1, ar2, which)
    return select_along(g if assume_unique else unique_cotangent(g, np.take(j, idx), None), j, idx, None)


def set_tangent(dj, ar1, ar2, which, assume_unique):
    """The tangent of the kept values from the joined, flat tangent ``dj``."""
    j = np.concatenate([np.ravel(ar1), np.ravel(ar2)])
    idx = set_entries(ar1, ar2, which)
    t = np.take(dj, idx)
    return t if assume_unique else unique_tangent(t, np.take(j, idx), None)


@vjp_rule(set_cotangents)
def set_cotangents_vjp(gg, ans, g, ar1, ar2, which, assume_unique):
    return set_tangent(gg, ar1, ar2, which, assume_unique), None, None


@jvp_rule(set_cotangents)
def set_cotangents_jvp(ans, g, ar1, ar2, which, assume_unique, *, dg, dar1, dar2):
    return set_cotangents(dg, ar1, ar2, which, assume_unique)


@vjp_rule(set_tangent)
def set_tangent_vjp(gg, ans, dj, ar1, ar2, which, assume_unique):
    return set_cotangents(gg, ar1, ar2, which, assume_unique), None, None


@jvp_rule(set_tangent)
def set_tangent_jvp(ans, dj, ar1, ar2, which, assume_unique, *, ddj, dar1, dar2):
    return set_tangent(ddj, ar1, ar2, which, assume_unique)


register_linear((0,), set_cotangents, set_tangent)


@vjp_rule(np.union1d)
def union1d(g, ans, ar1, ar2):
    ct = set_cotangents(g, ar1, ar2, "union1d", False)
    return np.reshape(ct[:np.size(ar1)], np.shape(ar1)), np.reshape(ct[np.size(ar1):], np.shape(ar2))


@jvp_rule(np.union1d)
def union1d_jvp(ans, ar1, ar2, *, dar1, dar2):
    return set_tangent(np.concatenate([np.ravel(fill_zeros(dar1, ar1)), np.ravel(fill_zeros(dar2, ar2))]), ar1, ar2,
                       "union1d", False)


@vjp_rule(np.setdiff1d)
def setdiff1d(g, ans, ar1, ar2, assume_unique=False):
    """The values of ar1 not in ar2 (ar2 only decides which: no cotangent)."""
    ct = set_cotangents(g, ar1, ar2, "setdiff1d", assume_unique)
    return np.reshape(ct[:np.size(ar1)], np.shape(ar1)), None


@jvp_rule(np.setdiff1d)
def setdiff1d_jvp(ans, ar1, ar2, assume_unique=False, *, dar1, dar2):
    return set_tangent(np.concatenate([np.ravel(fill_zeros(dar1, ar1)), 0.0 * np.ravel(ar2)]), ar1, ar2, "setdiff1d",
                       assume_unique)


@vjp_rule(np.setxor1d)
def setxor1d(g, ans, ar1, ar2, assume_unique=False):
    """The values in exactly one of ar1 and ar2 (each array's duplicates count once)."""
    ct = set_cotangents(g, ar1, ar2, "setxor1d", False)
    return np.reshape(ct[:np.size(ar1)], np.shape(ar1)), np.reshape(ct[np.size(ar1):], np.shape(ar2))


@jvp_rule(np.setxor1d)
def setxor1d_jvp(ans, ar1, ar2, assume_unique=False, *, dar1, dar2):
    return set_tangent(np.concatenate([np.ravel(fill_zeros(dar1, ar1)), np.ravel(fill_zeros(dar2, ar2))]), ar1, ar2,
                       "setxor1d", False)


# ---- np.ediff1d ---------------------------------------------------------------

@vjp_rule(np.ediff1d)
def ediff1d(g, ans, ary, to_end=None, to_begin=None):
    """[to_begin, diff(ravel(ary)), to_end]."""
    nb = np.size(to_begin) if to_begin is not None else 0
    nd = np.size(ary) - 1 if np.size(ary) > 0 else 0
    gd = g[nb:nb + nd]
    z = 0.0 * g[:1]
    return (np.reshape(np.concatenate([z, gd]) - np.concatenate([gd, z]), np.shape(ary)) if nd > 0
            else 0.0 * np.asarray(ary, dtype=float),
            np.reshape(g[nb + nd:], np.shape(to_end)) if to_end is not None else None,
            np.reshape(g[:nb], np.shape(to_begin)) if to_begin is not None else None)


@jvp_rule(np.ediff1d)
def ediff1d_jvp(ans, ary, to_end=None, to_begin=None, *, dary, dto_end, dto_begin):
    return (np.ediff1d(dary, to_end=0.0 * np.ravel(to_end) if to_end is not None else None,
                       to_begin=0.0 * np.ravel(to_begin) if to_begin is not None else None)
            + (np.concatenate([0.0 * np.ravel(to_begin) if to_begin is not None else np.zeros(0),
                               0.0 * np.diff(np.ravel(dary)), np.ravel(dto_end)]) if to_end is not None else 0.0)
            + (np.concatenate([np.ravel(dto_begin), 0.0 * np.diff(np.ravel(dary)),
                               0.0 * np.ravel(to_end) if to_end is not None else np.zeros(0)])
               if to_begin is not None else 0.0))




# ---- np.insert: linear; where each output entry comes from is read off the same
# call on markers (flat index + 1, 0 elsewhere), which follows NumPy's own broadcasting ----

def insert_sources(arr, obj, values, axis, which):
    """For each entry of np.insert's (flattened) output, the flat index in ``arr``
    (which 0) or in ``values`` (which 1) it comes from, -1 if neither."""
    ma = np.reshape(np.arange(1.0, np.size(arr) + 1.0), np.shape(arr))
    mv = np.reshape(np.arange(1.0, np.size(values) + 1.0), np.shape(values))
    m = np.insert(ma, obj, 0.0 * mv, axis) if which == 0 else np.insert(0.0 * ma, obj, mv, axis)
    return np.ravel(m).astype(np.intp) - 1


nondifferentiable(insert_sources)


@vjp_rule(np.insert)
def insert(g, ans, arr, obj, values, axis=None):
    gf = np.reshape(g, (-1,))
    return (np.reshape(gf @ selection_matrix(np.size(arr), insert_sources(arr, obj, values, axis, 0)), np.shape(arr)),
            None,
            np.reshape(gf @ selection_matrix(np.size(values), insert_sources(arr, obj, values, axis, 1)),
                       np.shape(values)))


@jvp_rule(np.insert)
def insert_jvp(ans, arr, obj, values, axis=None, *, darr, dvalues):
    return np.insert(fill_zeros(darr, arr), obj, fill_zeros(dvalues, values), axis)


