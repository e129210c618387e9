"""Pieces of the reduction rules' derivatives (reductions.py, ufunc_methods.py,
array_extra.py): weights of extrema and averages, products of the other
entries and cumulative products, ``np.diff``, ``np.trace``, ``np.unique``.

Plain NumPy-API code (it never forces values through ``np.asarray`` or
``float()``, so Dask or CuPy arrays stay in their own library). A piece that
carries derivative information has its own vjp/jvp rules (after its section),
so derivative code that calls it can be differentiated again; one that only
computes constants (masks, axes, subscripts) is ``nondifferentiable``.
"""
import numpy as np

from ..runtime import unbroadcast, broadcast_like, expand_reduced
from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, nondifferentiable, register_linear
from .zero_fill import fill_zeros


def _norm_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if np.ndim(axis) == 0:
        return (int(axis) % ndim,) if ndim else ()
    return tuple(sorted(int(a) % ndim for a in axis))


def extremum_weights(a, ans, axis=None, keepdims=False):
    """Weights of the elements of ``a`` that attain the extremum ``ans`` (reduced
    over ``axis``): 1/k for each of k tied elements, 0 elsewhere."""
    full = expand_reduced(ans, a, axis, keepdims)
    mask = (a == full)
    count = np.sum(mask, axis=axis, keepdims=True)
    return mask / count


def prod_others(a, axis=None):
    """For each element, the product of the OTHER elements of its slice along
    ``axis`` (all elements when ``axis`` is None). Exact with zeros."""
    shape = np.shape(a)
    axes = _norm_axes(axis, len(shape))
    if not axes:
        return np.ones_like(a)
    rest = [i for i in range(len(shape)) if i not in axes]
    moved = np.transpose(a, rest + list(axes))
    lead = tuple(shape[i] for i in rest)
    n = 1
    for i in axes:
        n *= shape[i]
    flat = np.reshape(moved, lead + (n,))
    ones = np.ones_like(flat[..., :1])
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.flip(np.cumprod(np.concatenate([ones, np.flip(flat, -1)[..., :-1]], axis=-1), axis=-1), -1)
    out = np.reshape(left * right, tuple(np.shape(moved)))
    return np.transpose(out, np.argsort(rest + list(axes)))


def prod_others_mv(a, v, axis=None):
    """``H v`` where ``H[i, j] = d prod_others(a)[i] / d a[j]`` (symmetric):
    sum over j != i of v[j] * prod of a[k] for k not in {i, j}."""
    shape = np.shape(a)
    axes = _norm_axes(axis, len(shape))
    if not axes:
        return np.zeros_like(a * v)
    rest = [i for i in range(len(shape)) if i not in axes]
    perm = rest + list(axes)
    lead = tuple(shape[i] for i in rest)
    n = 1
    for i in axes:
        n *= shape[i]
    A = np.reshape(np.transpose(a, perm), lead + (n,))
    V = np.reshape(np.transpose(np.broadcast_to(v, shape), perm), lead + (n,))
    eye = np.eye(n, dtype=bool)
    # T[..., i, j, k] = a_k unless k in {i, j}
    Ak = A[..., None, None, :]
    k = np.arange(n)
    excl = (k[None, None, :] == k[:, None, None]) | (k[None, None, :] == k[None, :, None])
    T = np.where(excl, 1, Ak)
    P2 = np.prod(T, axis=-1)
    P2 = np.where(eye, 0, P2)
    out = np.sum(P2 * V[..., None, :], axis=-1)
    out = np.reshape(out, tuple(shape[i] for i in perm))
    return np.transpose(out, np.argsort(perm))


def cumprod_grad(g, a, axis=None):
    """Cotangent of ``a`` in ``np.cumprod(a, axis)`` given the cotangent ``g``.
    Exact with zeros: ct_j = L_j * s_j with L the exclusive cumulative product and
    s_j = g_j + a_{j+1} s_{j+1} (a reverse linear recurrence)."""
    shape = np.shape(a)
    if axis is None:
        af = np.reshape(a, (-1,))
        gf = np.reshape(g, (-1,))
        return np.reshape(cumprod_grad(gf, af, 0), shape)
    am = np.moveaxis(a, axis, -1)
    gm = np.moveaxis(g, axis, -1)
    n = np.shape(am)[-1]
    if n == 0:
        return np.zeros_like(g)
    ones = np.ones_like(am[..., :1])
    left = np.cumprod(np.concatenate([ones, am[..., :-1]], axis=-1), axis=-1)
    cols = [None] * n
    s = gm[..., n - 1]
    cols[n - 1] = s
    for j in range(n - 2, -1, -1):
        s = gm[..., j] + am[..., j + 1] * s
        cols[j] = s
    out = left * np.stack(cols, axis=-1)
    return np.moveaxis(out, -1, axis)


def cumprod_tangent(t, a, axis=None):
    """Tangent of ``np.cumprod(a, axis)`` along ``da`` (exact with zeros)."""
    shape = np.shape(a)
    if axis is None:
        return cumprod_tangent(np.reshape(t, (-1,)), np.reshape(a, (-1,)), 0)
    am = np.moveaxis(a, axis, -1)
    dm = np.moveaxis(np.broadcast_to(t, shape), axis, -1)
    n = np.shape(am)[-1]
    cols = []
    c = None
    tt = None
    for j in range(n):
        if j == 0:
            c = am[..., 0]
            tt = dm[..., 0]
        else:
            tt = tt * am[..., j] + c * dm[..., j]
            c = c * am[..., j]
        cols.append(tt)
    if not cols:
        return np.zeros_like(am * dm)
    return np.moveaxis(np.stack(cols, axis=-1), -1, axis)


def cumprod_tangent2(t, d, a, axis=None):
    """The second derivative of ``np.cumprod(a, axis)`` along ``t`` and ``d``
    (symmetric; exact with zeros). With y the cumulative product, T and D its
    tangents along t and d: S_j = S_{j-1} a_j + T_{j-1} d_j + D_{j-1} t_j."""
    shape = np.shape(a)
    if axis is None:
        return cumprod_tangent2(np.reshape(t, (-1,)), np.reshape(d, (-1,)), np.reshape(a, (-1,)), 0)
    am = np.moveaxis(a, axis, -1)
    tm = np.moveaxis(np.broadcast_to(t, shape), axis, -1)
    dm = np.moveaxis(np.broadcast_to(d, shape), axis, -1)
    n = np.shape(am)[-1]
    if n == 0:
        return np.zeros_like(am * tm * dm)
    y, T, D = am[..., 0], tm[..., 0], dm[..., 0]
    S = 0.0 * (y * T * D)
    cols = [S]
    for j in range(1, n):
        S = S * am[..., j] + T * dm[..., j] + D * tm[..., j]
        T, D = T * am[..., j] + y * tm[..., j], D * am[..., j] + y * dm[..., j]
        y = y * am[..., j]
        cols.append(S)
    return np.moveaxis(np.stack(cols, axis=-1), -1, axis)


def cumprod_hvp(g, d, a, axis=None):
    """``H_g d`` with ``H_g`` the Hessian of ``<g, np.cumprod(a, axis)>`` (exact
    with zeros): the transpose in ``t`` of cumprod_tangent2(t, d, a). Adjoints of
    its recurrence: sS_j = g_j + a_{j+1} sS_{j+1}, sT_j = a_{j+1} sT_{j+1} +
    d_{j+1} sS_{j+1}; then out_j = y_{j-1} sT_j + D_{j-1} sS_j."""
    shape = np.shape(a)
    if axis is None:
        return np.reshape(cumprod_hvp(np.reshape(g, (-1,)), np.reshape(d, (-1,)), np.reshape(a, (-1,)), 0),
                          shape)
    am = np.moveaxis(a, axis, -1)
    gm = np.moveaxis(g, axis, -1)
    dm = np.moveaxis(np.broadcast_to(d, shape), axis, -1)
    n = np.shape(am)[-1]
    if n == 0:
        return np.zeros_like(am * gm * dm)
    ys, Ds = [1.0 + 0.0 * am[..., 0]], [0.0 * dm[..., 0]]     # y_{j-1}, D_{j-1}
    for j in range(n - 1):
        Ds.append(Ds[j] * am[..., j] + ys[j] * dm[..., j])
        ys.append(ys[j] * am[..., j])
    cols = [None] * n
    sS = gm[..., n - 1]
    sT = 0.0 * sS
    cols[n - 1] = ys[n - 1] * sT + Ds[n - 1] * sS
    for j in range(n - 2, -1, -1):
        sT = am[..., j + 1] * sT + dm[..., j + 1] * sS
        sS = gm[..., j] + am[..., j + 1] * sS
        cols[j] = ys[j] * sT + Ds[j] * sS
    return np.moveaxis(np.stack(cols, axis=-1), -1, axis)


def diff_pad_width(ndim, axis, n):
    """``pad_width`` that pads ``n`` zeros on both sides of ``axis``."""
    axis = axis % ndim
    return tuple((n, n) if i == axis else (0, 0) for i in range(ndim))


def diff_cotangents(g, a, n, axis, prepend=None, append=None):
    """Cotangents of ``a``, ``prepend``, ``append`` in ``np.diff``: the transpose
    of the n-th difference is ``(-1)**n diff(pad(g, n), n)``."""
    full = (-1) ** n * np.diff(np.pad(g, diff_pad_width(np.ndim(g), axis, n)), n, axis=axis)
    ax = axis % np.ndim(full)
    pre = 0 if prepend is None else (1 if np.ndim(prepend) == 0 else np.shape(prepend)[ax])
    app = 0 if append is None else (1 if np.ndim(append) == 0 else np.shape(append)[ax])
    size = np.shape(full)[ax]
    ct_a = np.take(full, np.arange(pre, size - app), axis=ax)
    ct_pre = None if prepend is None else unbroadcast(np.take(full, np.arange(0, pre), axis=ax), prepend)
    ct_app = None if append is None else unbroadcast(np.take(full, np.arange(size - app, size), axis=ax), append)
    return ct_a, ct_pre, ct_app


def diff_transpose(gg, a, n, axis, prepend=None, append=None):
    """Transpose of ``diff_cotangents``: the n-th difference of the cotangents of
    (prepend, a, append) joined along ``axis``."""
    ga, gp, gq = gg
    ga = fill_zeros(ga, a)
    ax = axis % np.ndim(a)
    parts = []
    if prepend is not None:
        shp = list(np.shape(a))
        shp[ax] = 1 if np.ndim(prepend) == 0 else np.shape(prepend)[ax]
        parts.append(np.broadcast_to(fill_zeros(gp, prepend), tuple(shp)))
    parts.append(ga)
    if append is not None:
        shp = list(np.shape(a))
        shp[ax] = 1 if np.ndim(append) == 0 else np.shape(append)[ax]
        parts.append(np.broadcast_to(fill_zeros(gq, append), tuple(shp)))
    return np.diff(np.concatenate(parts, axis=ax), n, axis=ax)


def _diff_parts(a, prepend, append, axis):
    ax = axis % np.ndim(a)
    shapes = []
    for e in (prepend, append):
        if e is None:
            shapes.append(None)
        else:
            shp = list(np.shape(a))
            shp[ax] = 1 if np.ndim(e) == 0 else np.shape(e)[ax]
            shapes.append(tuple(shp))
    return ax, shapes[0], shapes[1]


def diff_join(t, a, prepend, append, axis, which):
    """The tangent of ``concatenate([prepend, a, append], axis)`` whose only
    non-zero part is ``t`` at part ``which`` (0: a, 1: prepend, 2: append)."""
    if prepend is None and append is None and which == 0:
        return broadcast_like(t, a) if t is not None else np.zeros_like(a)
    ax, sp, sq = _diff_parts(a, prepend, append, axis)
    dt = np.result_type(a, 0.0 if t is None else t)
    parts = []
    for k, shp in ((1, sp), (0, np.shape(a)), (2, sq)):
        if shp is None:
            continue
        if k == which and t is not None:
            parts.append(np.broadcast_to(t, shp))
        else:
            parts.append(np.zeros(shp, dtype=dt))
    return np.concatenate(parts, axis=ax)


def diff_unjoin(gg, a, prepend, append, axis, which):
    """Transpose of ``diff_join``: the part ``which`` of ``gg`` (summed back to
    a scalar prepend/append)."""
    if prepend is None and append is None and which == 0:
        return gg
    ax, sp, sq = _diff_parts(a, prepend, append, axis)
    p0 = 0 if sp is None else sp[ax]
    n = np.shape(a)[ax]
    q0 = 0 if sq is None else sq[ax]
    lo, hi = {1: (0, p0), 0: (p0, p0 + n), 2: (p0 + n, p0 + n + q0)}[which]
    piece = np.take(gg, np.arange(lo, hi), axis=ax)
    ref = {1: prepend, 0: a, 2: append}[which]
    return unbroadcast(piece, ref)


def trace_cotangent(g, a, offset=0, axis1=0, axis2=1):
    """Cotangent of ``a`` in ``np.trace(a, offset, axis1, axis2)``."""
    shape = np.shape(a)
    nd = len(shape)
    ax1, ax2 = axis1 % nd, axis2 % nd
    eye = np.eye(shape[ax1], shape[ax2], k=offset, dtype=np.result_type(g, float))
    # g has the shape of a without ax1, ax2 (in order); put them last.
    out = np.expand_dims(np.expand_dims(g, -1), -1) * eye
    rest = [i for i in range(nd) if i not in (ax1, ax2)]
    perm = rest + [ax1, ax2]
    return np.transpose(out, np.argsort(perm))


def average_weights(w, a, axis=None):
    """The weights of ``np.average`` broadcast to ``a``'s shape (1-D weights lie
    along ``axis``)."""
    if np.ndim(w) == np.ndim(a) or axis is None:
        return broadcast_like(w, a)
    shape = [1] * np.ndim(a)
    shape[axis % np.ndim(a)] = np.shape(w)[0]
    return broadcast_like(np.reshape(w, tuple(shape)), a)


def average_weights_vjp(gw, w, a, axis=None):
    """Transpose of ``average_weights``: sum back to the weights' shape."""
    if np.ndim(w) == np.ndim(a) or axis is None:
        return unbroadcast(gw, w)
    ax = axis % np.ndim(a)
    others = tuple(i for i in range(np.ndim(a)) if i != ax)
    return np.reshape(np.sum(gw, axis=others), np.shape(w))


def nan_count(a, axis=None, keepdims=False):
    """The number of non-NaN values along ``axis`` (a constant)."""
    return np.sum(~np.isnan(a), axis=axis, keepdims=keepdims)


@vjp_rule(prod_others)
def prod_others_vjp(gg, ans, a, axis=None):
    return prod_others_mv(a, gg, axis)


@jvp_rule(prod_others)
def prod_others_jvp(ans, a, axis=None, *, da):
    return prod_others_mv(a, da, axis)


@vjp_rule(prod_others_mv)
def prod_others_mv_vjp(gg, ans, a, v, axis=None):
    return unsupported("third derivatives of np.prod"), prod_others_mv(a, gg, axis)


@jvp_rule(prod_others_mv)
def prod_others_mv_jvp(ans, a, v, axis=None, *, da, dv):
    return unsupported("third derivatives of np.prod") + prod_others_mv(a, dv, axis)


@vjp_rule(cumprod_grad)
def cumprod_grad_vjp(gg, ans, g, a, axis=None):
    return cumprod_tangent(gg, a, axis), cumprod_hvp(g, gg, a, axis)


@jvp_rule(cumprod_grad)
def cumprod_grad_jvp(ans, g, a, axis=None, *, dg, da):
    return cumprod_grad(dg, a, axis) + cumprod_hvp(g, da, a, axis)


@vjp_rule(cumprod_tangent)
def cumprod_tangent_vjp(gg, ans, t, a, axis=None):
    return cumprod_grad(gg, a, axis), cumprod_hvp(gg, t, a, axis)


@jvp_rule(cumprod_tangent)
def cumprod_tangent_jvp(ans, t, a, axis=None, *, dt, da):
    return cumprod_tangent(dt, a, axis) + cumprod_tangent2(t, da, a, axis)


# cumprod_tangent2 and cumprod_hvp are linear in each of their first two arguments
# (H_g symmetric): third derivatives, in a, are refused.
@vjp_rule(cumprod_tangent2)
def cumprod_tangent2_vjp(gg, ans, t, d, a, axis=None):
    return (cumprod_hvp(gg, d, a, axis), cumprod_hvp(gg, t, a, axis),
            unsupported("third derivatives of np.cumprod"))


@jvp_rule(cumprod_tangent2)
def cumprod_tangent2_jvp(ans, t, d, a, axis=None, *, dt, dd, da):
    return (cumprod_tangent2(dt, d, a, axis) + cumprod_tangent2(t, dd, a, axis)
            + unsupported("third derivatives of np.cumprod") * da)


@vjp_rule(cumprod_hvp)
def cumprod_hvp_vjp(gg, ans, g, d, a, axis=None):
    return (cumprod_tangent2(gg, d, a, axis), cumprod_hvp(g, gg, a, axis),
            unsupported("third derivatives of np.cumprod"))


@jvp_rule(cumprod_hvp)
def cumprod_hvp_jvp(ans, g, d, a, axis=None, *, dg, dd, da):
    return (cumprod_hvp(dg, d, a, axis) + cumprod_hvp(g, dd, a, axis)
            + unsupported("third derivatives of np.cumprod") * da)


@vjp_rule(diff_cotangents)
def diff_cotangents_vjp(gg, ans, g, a, n, axis, prepend=None, append=None):
    return diff_transpose(gg, a, n, axis, prepend, append)


@jvp_rule(diff_cotangents)
def diff_cotangents_jvp(ans, g, a, n, axis, prepend=None, append=None, *, dg, da, dprepend, dappend):
    return diff_cotangents(dg, a, n, axis, prepend, append)


@vjp_rule(diff_transpose)
def diff_transpose_vjp(ggg, ans, gg, a, n, axis, prepend=None, append=None):
    return diff_cotangents(ggg, a, n, axis, prepend, append)


@jvp_rule(diff_transpose)
def diff_transpose_jvp(ans, gg, a, n, axis, prepend=None, append=None, *, dgg, da, dprepend, dappend):
    return diff_transpose(dgg, a, n, axis, prepend, append)


@vjp_rule(diff_join)
def diff_join_vjp(gg, ans, t, a, prepend, append, axis, which):
    return diff_unjoin(gg, a, prepend, append, axis, which)


@jvp_rule(diff_join)
def diff_join_jvp(ans, t, a, prepend, append, axis, which, *, dt, da, dprepend, dappend):
    return diff_join(dt, a, prepend, append, axis, which)


@vjp_rule(diff_unjoin)
def diff_unjoin_vjp(ggg, ans, gg, a, prepend, append, axis, which):
    return diff_join(ggg, a, prepend, append, axis, which)


@jvp_rule(diff_unjoin)
def diff_unjoin_jvp(ans, gg, a, prepend, append, axis, which, *, dgg, da, dprepend, dappend):
    return diff_unjoin(dgg, a, prepend, append, axis, which)


@vjp_rule(trace_cotangent)
def trace_cotangent_vjp(gg, ans, g, a, offset=0, axis1=0, axis2=1):
    return np.trace(gg, offset, axis1, axis2)


@jvp_rule(trace_cotangent)
def trace_cotangent_jvp(ans, g, a, offset=0, axis1=0, axis2=1, *, dg, da):
    return trace_cotangent(dg, a, offset, axis1, axis2)


@vjp_rule(average_weights)
def average_weights_vjp_rule(gg, ans, w, a, axis=None):
    return average_weights_vjp(gg, w, a, axis)


@jvp_rule(average_weights)
def average_weights_jvp(ans, w, a, axis=None, *, dw, da):
    return average_weights(dw, a, axis)


@vjp_rule(average_weights_vjp)
def average_weights_vjp_vjp(gg, ans, gw, w, a, axis=None):
    return average_weights(gg, a, axis)


@jvp_rule(average_weights_vjp)
def average_weights_vjp_jvp(ans, gw, w, a, axis=None, *, dgw, dw, da):
    return average_weights_vjp(dgw, w, a, axis)


register_linear((0,), trace_cotangent, average_weights, average_weights_vjp, cumprod_grad,
                      cumprod_tangent, diff_cotangents, diff_transpose, diff_join, diff_unjoin)


register_linear((1,), prod_others_mv)


register_linear((0, 1), cumprod_tangent2, cumprod_hvp)


nondifferentiable(extremum_weights, nan_count, diff_pad_width)


# ----------------------------------------------------------------------------
# np.unique: values of the input, shared evenly among equal entries
# ----------------------------------------------------------------------------
def _unique_groups(ar, axis):
    if axis is not None:
        unsupported("the derivative of np.unique with axis")
    _, inverse, counts = np.unique(ar, return_inverse=True, return_counts=True)
    return np.reshape(inverse, np.shape(ar)), counts


def unique_cotangent(g, ar, axis=None):
    """The cotangent of ``ar`` from the cotangent ``g`` of its unique values."""
    if g is None:
        return None
    inverse, counts = _unique_groups(ar, axis)
    return g[inverse] / counts[inverse]


def unique_tangent(t, ar, axis=None, result=None):
    """The tangent of the unique values of ``ar`` (tuple-shaped like ``result``
    when that is np.unique's tuple result): the mean tangent of each group."""
    inverse, counts = _unique_groups(ar, axis)
    values = np.bincount(np.ravel(inverse), weights=np.ravel(np.real(t)), minlength=len(counts)) \
        / counts
    if np.iscomplexobj(t):
        values = values + 1j * np.bincount(np.ravel(inverse), weights=np.ravel(np.imag(t)),
                                           minlength=len(counts)) / counts
    if isinstance(result, tuple):
        return (values,) + tuple(np.zeros(np.shape(r)) for r in result[1:])   # (integers)
    return values


@vjp_rule(unique_cotangent)
def unique_cotangent_vjp(gg, ans, g, ar, axis=None):
    return unique_tangent(gg, ar, axis), None


@jvp_rule(unique_cotangent)
def unique_cotangent_jvp(ans, g, ar, axis=None, *, dg, dar):
    return unique_cotangent(dg, ar, axis)


@vjp_rule(unique_tangent)
def unique_tangent_vjp(gg, ans, t, ar, axis=None, result=None):
    return unique_cotangent(gg[0] if isinstance(gg, tuple) else gg, ar, axis), None


@jvp_rule(unique_tangent)
def unique_tangent_jvp(ans, t, ar, axis=None, result=None, *, dt, dar):
    return unique_tangent(dt, ar, axis, result)


register_linear((0,), unique_cotangent, unique_tangent)
