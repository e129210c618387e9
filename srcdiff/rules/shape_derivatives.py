"""Pieces of the shape rules' derivatives (shape.py, array_extra.py): the
cotangents of splitting, stacking, tiling, repeating, padding, diagonals,
``take``, sorting, ``np.array`` of nested lists and ``np.r_``/``np.c_``.

Plain NumPy-API code (it never forces values through ``np.asarray`` or
``float()``, so Dask or CuPy arrays stay in their own library). A piece that
carries derivative information has its own vjp/jvp rules (after its section),
so derivative code that calls it can be differentiated again; one that only
computes constants (masks, axes, subscripts) is ``nondifferentiable``.
"""
import numpy as np

from ..runtime import (unbroadcast, broadcast_like, size_of, is_foreign, index_add,
                       complete_cotangent, cast_like, is_complex)
from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, nondifferentiable, register_linear
from .zero_fill import fill_zeros


def unpack_like(g, obj):
    """Cotangent of ``np.array(obj)`` for a (nested) list ``obj``: ``g`` split into
    the same nested structure."""
    if isinstance(obj, (list, tuple)):
        shape = np.shape(obj)
        if np.ndim(g) > len(shape):  # np.array(..., ndmin=k) added leading axes
            g = np.reshape(g, shape)
        return [unpack_like(g[i], o) for i, o in enumerate(obj)]
    return unbroadcast(g, obj)


def inverse_permutation(axes, ndim):
    """The ``axes`` argument that undoes ``np.transpose(x, axes)``."""
    if axes is None:
        return None
    axes = [int(a) % ndim for a in axes]
    return tuple(int(i) for i in np.argsort(axes))


def negate_shift(shift):
    if isinstance(shift, (tuple, list)):
        return tuple(-s for s in shift)
    return -shift


def split_like(g, arrays, axis=0):
    """Split ``g`` along ``axis`` into pieces shaped like ``arrays`` (the cotangent
    of ``np.concatenate(arrays, axis)``); ``axis=None`` means flattened."""
    if axis is None:
        sizes = [size_of(x) for x in arrays]
        pieces = split_sizes(g, sizes, 0)
        return [np.reshape(p, np.shape(x)) for p, x in zip(pieces, arrays)]
    nd = np.ndim(g)
    ax = axis % nd
    sizes = [np.shape(x)[ax] for x in arrays]
    return split_sizes(g, sizes, ax)


def split_sizes(g, sizes, ax):
    """``g`` cut along axis ``ax`` into consecutive pieces of the given lengths
    (``np.split`` written as slicing, which every array library supports)."""
    lead = (slice(None),) * ax
    out, start = [], 0
    for n in sizes:
        out.append(g[lead + (slice(start, start + n),)])
        start += n
    return out


def stack_split(g, arrays, kind):
    """Cotangents of the arrays of ``np.hstack``/``vstack``/``dstack``/
    ``column_stack``: split ``g`` along the joining axis and reshape."""
    if kind == "hstack":
        prom = [np.atleast_1d(x) for x in arrays]
        ax = 0 if np.ndim(prom[0]) == 1 else 1
    elif kind == "vstack":
        prom = [np.atleast_2d(x) for x in arrays]
        ax = 0
    elif kind == "dstack":
        prom = [np.atleast_3d(x) for x in arrays]
        ax = 2
    else:  # column_stack
        prom = [x if np.ndim(x) >= 2 else np.reshape(x, (-1, 1)) for x in arrays]
        ax = 1
    sizes = [np.shape(x)[ax] for x in prom]
    pieces = split_sizes(g, sizes, ax)
    return [np.reshape(p, np.shape(x)) for p, x in zip(pieces, arrays)]


def stack_vjp_transpose(gs, arrays, kind):
    """Transpose of ``stack_split``: the tangents joined as the stack does."""
    ts = fill_zeros(gs, arrays)
    if kind == "hstack":
        return np.hstack(ts)
    if kind == "vstack":
        return np.vstack(ts)
    if kind == "dstack":
        return np.dstack(ts)
    return np.column_stack(ts)


def unstack(g, axis=0):
    """``g`` split into a list of slices along ``axis`` (cotangent of np.stack)."""
    n = np.shape(g)[axis]
    return [np.take(g, i, axis=axis) for i in range(n)]


def reshape_each(gs, xs):
    """Each cotangent reshaped to its primal (cotangents of ``np.atleast_*d``)."""
    if not isinstance(xs, (list, tuple)):
        return np.reshape(gs, np.shape(xs))
    return tuple(None if g is None else np.reshape(g, np.shape(x)) for g, x in zip(gs, xs))


def atleast_cotangents(g, arys):
    """Cotangents (a tuple, one per array) of ``np.atleast_Nd(*arys)``."""
    if len(arys) == 1:
        return (np.reshape(g, np.shape(arys[0])),)
    return tuple(None if gi is None else np.reshape(gi, np.shape(x)) for gi, x in zip(g, arys))


def atleast_tangent(kind, ts, arys):
    """Tangent of ``np.atleast_Nd(*arys)``."""
    f = {1: np.atleast_1d, 2: np.atleast_2d, 3: np.atleast_3d}[kind]
    ts = fill_zeros(list(ts), list(arys))
    return f(*ts)   # several arrays give what NumPy gives (a tuple in NumPy 2)


def tile_sum(g, A, reps):
    """Cotangent of ``A`` in ``np.tile(A, reps)``: sum the tiles."""
    shape = np.shape(A)
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    nd = max(len(shape), len(reps))
    ashape = (1,) * (nd - len(shape)) + tuple(shape)
    reps = (1,) * (nd - len(reps)) + reps
    inter = []
    for r, s in zip(reps, ashape):
        inter += [r, s]
    g = np.reshape(g, tuple(inter))
    g = np.sum(g, axis=tuple(range(0, 2 * nd, 2)))
    return np.reshape(g, shape)


def repeat_sum(g, a, repeats, axis=None):
    """Cotangent of ``a`` in ``np.repeat(a, repeats, axis)``."""
    shape = np.shape(a)
    if axis is None:
        n = int(np.prod(shape))
        ax = 0
    else:
        ax = axis % len(shape)
        n = shape[ax]
    if np.ndim(repeats) == 0 or np.size(repeats) == 1:
        r = int(np.reshape(repeats, ())) if np.ndim(repeats) else int(repeats)
        gs = np.shape(g)
        g2 = np.reshape(g, gs[:ax] + (n, r) + gs[ax + 1:])
        out = np.sum(g2, axis=ax + 1)
    else:
        starts = np.concatenate([[0], np.cumsum(repeats)[:-1]])
        gm = np.moveaxis(g, ax, 0)
        # empty groups (repeat 0) get zero
        parts = [np.sum(gm[s:s + r], axis=0) for s, r in zip(starts.tolist(), np.ravel(repeats).tolist())]
        out = np.moveaxis(np.stack(parts, axis=0), 0, ax)
    return np.reshape(out, shape)


def rollaxis_undo(g, a, axis, start=0):
    """Cotangent of ``a`` in ``np.rollaxis(a, axis, start)``."""
    nd = np.ndim(a)
    axes = list(range(nd))
    ax = axis % nd
    st = start + nd + 1 if start < 0 else start
    axes.pop(ax)
    axes.insert(st if st <= ax else st - 1, ax)
    return np.transpose(g, tuple(int(i) for i in np.argsort(axes)))


def pad_cotangent(g, array, pad_width, mode="constant"):
    """Cotangent of ``array`` in ``np.pad(array, pad_width, mode)``: for
    ``constant`` the inner block; for the copying modes (edge, reflect,
    symmetric, wrap) the padded copies summed back onto their sources."""
    shape = np.shape(array)
    nd = len(shape)
    pw = np.broadcast_to(np.reshape(np.array(pad_width, dtype=int), (-1,) if np.ndim(pad_width) < 2 else np.shape(pad_width)), (nd, 2))
    if mode == "constant" or mode == "empty":
        index = tuple(slice(int(lo), int(lo) + n) for (lo, hi), n in zip(pw.tolist(), shape))
        return g[index]
    if mode not in ("edge", "reflect", "symmetric", "wrap"):
        unsupported(f"the derivative of np.pad with mode={mode!r}")
    src = np.pad(np.reshape(np.arange(int(np.prod(shape))), shape), pad_width, mode=mode)
    flat = np.ravel(src)
    gr = np.reshape(g, (-1,))
    size = int(np.prod(shape))
    if is_complex(g):
        out = np.bincount(flat, weights=np.real(gr), minlength=size) \
            + 1j * np.bincount(flat, weights=np.imag(gr), minlength=size)
    else:
        out = np.bincount(flat, weights=gr, minlength=size)
    return np.reshape(out, shape)


def diag_cotangent(g, v, k=0):
    """Cotangent of ``v`` in ``np.diag(v, k)`` (both the 1-D and the 2-D case)."""
    if np.ndim(v) == 1:
        return np.diag(g, k)
    n, m = np.shape(v)
    return _place_diag(g, n, m, k)


def _place_diag(d, n, m, k):
    if is_foreign(d):   # Dask/CuPy: np.diag of the vector, cut/padded to (n, m)
        full = np.diag(d, k)
        s = np.shape(full)[0]
        full = full[:min(s, n), :min(s, m)]
        return np.pad(full, ((0, n - min(s, n)), (0, m - min(s, m))))
    out = np.zeros((n, m), dtype=np.result_type(d, float))
    i = np.arange(len(d))
    r = i - min(k, 0)
    c = i + max(k, 0)
    out[r, c] = d
    return out


def diagonal_cotangent(g, a, offset=0, axis1=0, axis2=1):
    """Cotangent of ``a`` in ``np.diagonal(a, offset, axis1, axis2)``."""
    shape = np.shape(a)
    nd = len(shape)
    ax1, ax2 = axis1 % nd, axis2 % nd
    n, m = shape[ax1], shape[ax2]
    eye = np.eye(n, m, k=offset, dtype=bool)
    L = np.shape(g)[-1]
    # scatter g[..., i] to position (r_i, c_i)
    r = np.arange(L) - min(offset, 0)
    c = np.arange(L) + max(offset, 0)
    sel = np.zeros((L, n, m), dtype=np.result_type(g, float))
    sel[np.arange(L), r, c] = 1
    out = np.tensordot(g, sel, axes=([-1], [0]))  # rest + (n, m)
    del eye
    rest = [i for i in range(nd) if i not in (ax1, ax2)]
    perm = rest + [ax1, ax2]
    return np.transpose(out, np.argsort(perm))


def take_cotangent(g, a, indices, axis=None, mode="raise"):
    """Cotangent of ``a`` in ``np.take(a, indices, axis)``: scatter-add.

    A Dask/CuPy ``g`` is scattered by item assignment in its own library
    (``runtime.index_add``: a NumPy index, repeats in rounds; SrcdiffError for
    an index that is itself a foreign array)."""
    shape = np.shape(a)
    if is_foreign(g):
        dt = np.result_type(g, float)
        if axis is None:
            n = int(np.prod(shape))
            out = np.zeros((n,), dtype=dt, like=g)
            index_add(out, np.ravel(_wrap_index(indices, n, mode)), np.ravel(g))
            return np.reshape(out, shape)
        ax = axis % len(shape)
        out = np.zeros(shape, dtype=dt, like=g)
        index_add(out, (slice(None),) * ax + (_wrap_index(indices, shape[ax], mode),), g)
        return out
    if axis is None:
        n = int(np.prod(shape))
        idx = np.ravel(_wrap_index(indices, n, mode))
        out = np.zeros((n,) + (), dtype=np.result_type(g, float))
        np.add.at(out, idx, np.ravel(g))
        return np.reshape(out, shape)
    ax = axis % len(shape)
    n = shape[ax]
    idx = _wrap_index(indices, n, mode)
    out = np.zeros(shape, dtype=np.result_type(g, float))
    outm = np.moveaxis(out, ax, 0)
    ni = np.ndim(idx)
    # g has shape a[:ax] + idx.shape + a[ax+1:]; bring idx dims first
    gm = np.moveaxis(g, list(range(ax, ax + ni)), list(range(ni)))
    np.add.at(outm, idx, gm)
    return out


def _wrap_index(indices, n, mode):
    if mode == "wrap":
        return np.mod(indices, n)
    if mode == "clip":
        return np.clip(indices, 0, n - 1)
    return np.where(np.less(indices, 0), np.add(indices, n), indices)


def take_along_axis_cotangent(g, arr, indices, axis=-1):
    """Cotangent of ``arr`` in ``np.take_along_axis(arr, indices, axis)`` (and of
    ``np.sort``): a scatter-add through several index arrays, which only NumPy
    arrays support here; SrcdiffError for a Dask/CuPy ``g``."""
    if is_foreign(g):
        unsupported(f"the cotangent of np.take_along_axis / np.sort for a "
                    f"{type(g).__module__}.{type(g).__name__} (needs np.add.at)")
    shape = np.shape(arr)
    out = np.zeros(shape, dtype=np.result_type(g, float))
    if axis is None:
        np.add.at(out.reshape(-1), np.ravel(indices), np.ravel(g))
        return out
    ax = axis % len(shape)
    gshape = np.shape(g)
    grids = np.indices(gshape, sparse=True)
    idx = list(grids)
    ind = np.broadcast_to(indices, gshape)
    idx[ax] = np.where(ind < 0, ind + shape[ax], ind)
    np.add.at(out, tuple(idx), g)
    return out


def sort_cotangent(g, a, axis=-1):
    """Cotangent of ``a`` in ``np.sort(a, axis)``: ``g`` scattered back through the
    sorting permutation."""
    if axis is None:
        perm = np.argsort(a, axis=None, kind="stable")
        out = take_cotangent(g, a, perm, axis=None)
        return out
    perm = np.argsort(a, axis=axis, kind="stable")
    return take_along_axis_cotangent(g, a, perm, axis)


def sort_tangent(t, a, axis=-1):
    """Tangent of ``np.sort(a, axis)``."""
    if axis is None:
        return np.take(np.ravel(broadcast_like(t, a)), np.argsort(a, axis=None, kind="stable"))
    return np.take_along_axis(broadcast_like(t, a), np.argsort(a, axis=axis, kind="stable"), axis=axis)


def linspace_weights(start, stop, num, endpoint=True, retstep=False, axis=0):
    """The interpolation weights t of ``np.linspace`` (values are
    start + (stop - start) * t), shaped to broadcast along ``axis``."""
    if retstep:
        unsupported("np.linspace(..., retstep=True)")
    shape = np.broadcast_shapes(np.shape(start), np.shape(stop))
    return np.linspace(np.zeros(shape), np.ones(shape), num, endpoint=endpoint, axis=axis)


@vjp_rule(unpack_like)
def unpack_like_vjp(gg, ans, g, obj):
    return np.array(fill_zeros(gg, ans)), None


@jvp_rule(unpack_like)
def unpack_like_jvp(ans, g, obj, *, dg, dobj):
    return unpack_like(dg, obj)


@vjp_rule(split_like)
def split_like_vjp(gg, ans, g, arrays, axis=0):
    # (one cotangent per argument: ``arrays`` gives only shapes, its cotangent is zeros)
    joined = (np.reshape(np.concatenate([np.ravel(t) for t in fill_zeros(gg, ans)]), np.shape(g))
              if axis is None else np.concatenate(fill_zeros(gg, ans), axis=axis))
    return joined, complete_cotangent(None, arrays), None


@jvp_rule(split_like)
def split_like_jvp(ans, g, arrays, axis=0, *, dg, darrays):
    return split_like(dg, arrays, axis)


@vjp_rule(stack_split)
def stack_split_vjp(gg, ans, g, arrays, kind):
    return stack_vjp_transpose(gg, arrays, kind)


@jvp_rule(stack_split)
def stack_split_jvp(ans, g, arrays, kind, *, dg, darrays):
    return stack_split(dg, arrays, kind)


@vjp_rule(stack_vjp_transpose)
def stack_vjp_transpose_vjp(gg, ans, gs, arrays, kind):
    return stack_split(gg, arrays, kind)


@jvp_rule(stack_vjp_transpose)
def stack_vjp_transpose_jvp(ans, gs, arrays, kind, *, dgs, darrays):
    return stack_vjp_transpose(dgs, arrays, kind)


@vjp_rule(unstack)
def unstack_vjp(gg, ans, g, axis=0):
    return np.stack(fill_zeros(gg, ans), axis=axis), None


@jvp_rule(unstack)
def unstack_jvp(ans, g, axis=0, *, dg):
    return unstack(dg, axis)


@vjp_rule(atleast_cotangents)
def atleast_cotangents_vjp(gg, ans, g, arys):
    return (reshape_each(fill_zeros(gg[0], arys[0]), g) if len(arys) == 1
            else [np.reshape(t, np.shape(x)) for t, x in zip(fill_zeros(list(gg), list(arys)), g)])


@jvp_rule(atleast_cotangents)
def atleast_cotangents_jvp(ans, g, arys, *, dg, darys):
    return atleast_cotangents(dg, arys)


@vjp_rule(atleast_tangent)
def atleast_tangent_vjp(gg, ans, kind, ts, arys):
    return None, atleast_cotangents(gg, arys)


@jvp_rule(atleast_tangent)
def atleast_tangent_jvp(ans, kind, ts, arys, *, dts, darys):
    return atleast_tangent(kind, dts, arys)


@vjp_rule(reshape_each)
def reshape_each_vjp(gg, ans, gs, xs):
    return reshape_each(gg, gs) if not isinstance(xs, (list, tuple)) else \
        tuple(None if t is None else np.reshape(t, np.shape(s)) for t, s in zip(gg, gs))


@jvp_rule(reshape_each)
def reshape_each_jvp(ans, gs, xs, *, dgs, dxs):
    return reshape_each(dgs, xs)


@vjp_rule(tile_sum)
def tile_sum_vjp(gg, ans, g, A, reps):
    return np.reshape(np.tile(gg, reps), np.shape(g))


@jvp_rule(tile_sum)
def tile_sum_jvp(ans, g, A, reps, *, dg, dA):
    return tile_sum(dg, A, reps)


@vjp_rule(repeat_sum)
def repeat_sum_vjp(gg, ans, g, a, repeats, axis=None):
    return np.reshape(np.repeat(gg, repeats, axis=axis), np.shape(g))


@jvp_rule(repeat_sum)
def repeat_sum_jvp(ans, g, a, repeats, axis=None, *, dg, da):
    return repeat_sum(dg, a, repeats, axis)


@vjp_rule(rollaxis_undo)
def rollaxis_undo_vjp(gg, ans, g, a, axis, start=0):
    return np.rollaxis(gg, axis, start)


@jvp_rule(rollaxis_undo)
def rollaxis_undo_jvp(ans, g, a, axis, start=0, *, dg, da):
    return rollaxis_undo(dg, a, axis, start)


@vjp_rule(pad_cotangent)
def pad_cotangent_vjp(gg, ans, g, array, pad_width, mode="constant"):
    return np.pad(gg, pad_width, mode=mode if mode != "empty" else "constant")


@jvp_rule(pad_cotangent)
def pad_cotangent_jvp(ans, g, array, pad_width, mode="constant", *, dg, darray):
    return pad_cotangent(dg, array, pad_width, mode)


@vjp_rule(diag_cotangent)
def diag_cotangent_vjp(gg, ans, g, v, k=0):
    return np.diag(gg, k)


@jvp_rule(diag_cotangent)
def diag_cotangent_jvp(ans, g, v, k=0, *, dg, dv):
    return diag_cotangent(dg, v, k)


@vjp_rule(diagonal_cotangent)
def diagonal_cotangent_vjp(gg, ans, g, a, offset=0, axis1=0, axis2=1):
    return np.diagonal(gg, offset, axis1, axis2)


@jvp_rule(diagonal_cotangent)
def diagonal_cotangent_jvp(ans, g, a, offset=0, axis1=0, axis2=1, *, dg, da):
    return diagonal_cotangent(dg, a, offset, axis1, axis2)


@vjp_rule(take_cotangent)
def take_cotangent_vjp(gg, ans, g, a, indices, axis=None, mode="raise"):
    return np.take(gg, indices, axis=axis, mode=mode)


@jvp_rule(take_cotangent)
def take_cotangent_jvp(ans, g, a, indices, axis=None, mode="raise", *, dg, da):
    return take_cotangent(dg, a, indices, axis, mode)


@vjp_rule(take_along_axis_cotangent)
def take_along_axis_cotangent_vjp(gg, ans, g, arr, indices, axis=-1):
    return np.take_along_axis(gg, indices, axis=axis)


@jvp_rule(take_along_axis_cotangent)
def take_along_axis_cotangent_jvp(ans, g, arr, indices, axis=-1, *, dg, darr):
    return take_along_axis_cotangent(dg, arr, indices, axis)


@vjp_rule(sort_cotangent)
def sort_cotangent_vjp(gg, ans, g, a, axis=-1):
    return sort_tangent(gg, a, axis), None


@jvp_rule(sort_cotangent)
def sort_cotangent_jvp(ans, g, a, axis=-1, *, dg, da):
    return sort_cotangent(dg, a, axis)


@vjp_rule(sort_tangent)
def sort_tangent_vjp(gg, ans, t, a, axis=-1):
    return sort_cotangent(gg, a, axis), None


@jvp_rule(sort_tangent)
def sort_tangent_jvp(ans, t, a, axis=-1, *, dt, da):
    return sort_tangent(dt, a, axis)


register_linear((0,), unpack_like, split_like, stack_split, stack_vjp_transpose, unstack,
                      atleast_cotangents, reshape_each, tile_sum, repeat_sum, rollaxis_undo,
                      pad_cotangent, diag_cotangent, diagonal_cotangent, take_cotangent,
                      take_along_axis_cotangent, sort_cotangent, sort_tangent)


nondifferentiable(inverse_permutation, negate_shift, linspace_weights)


# ----------------------------------------------------------------------------
# np.r_ / np.c_: concatenation by indexing
# ----------------------------------------------------------------------------
def _trick_items(key):
    return key if isinstance(key, tuple) else (key,)


def _is_trick_data(item):
    """An item of an ``np.r_``/``np.c_`` key that is data (not a slice or a
    string directive): its values end up in the result."""
    return not isinstance(item, (slice, str))


def trick_positions(trick, key, k):
    """Where the elements of item ``k`` of ``key`` land in ``trick[key]``:
    (flat positions in the result, flat element numbers in the item). Found by
    building the result with item k's elements tagged 1j, 2j, ... and every
    other data item zero (slices give real ranges)."""
    items = _trick_items(key)
    tagged = []
    for j, item in enumerate(items):
        if not _is_trick_data(item):
            tagged.append(item)
        elif j == k:
            tagged.append(1j * np.reshape(np.arange(1, np.size(item) + 1), np.shape(item)))
        else:
            tagged.append(np.zeros(np.shape(item)))
    tags = np.ravel(np.imag(trick[tuple(tagged)]))
    where = np.flatnonzero(tags)
    return where, np.rint(tags[where]).astype(int) - 1


def trick_cotangent(g, trick, key):
    """The cotangent of ``key`` in ``trick[key]`` (``np.r_[...]``, ``np.c_[...]``): a
    tuple aligned with the key's items (None for slices and directives), or the
    one item's cotangent when the key is not a tuple."""
    out = []
    flat = np.ravel(g)
    for k, item in enumerate(_trick_items(key)):
        if not _is_trick_data(item):
            out.append(None)
            continue
        where, elems = trick_positions(trick, key, k)
        ct = np.zeros(np.size(item), dtype=np.result_type(flat, float))
        ct[elems] = flat[where]
        out.append(cast_like(np.reshape(ct, np.shape(item)), item))
    return tuple(out) if isinstance(key, tuple) else out[0]


def trick_tangent(trick, key, dkey):
    """The tangent of ``trick[key]`` given the tangents ``dkey`` of the key's
    items (None or missing where zero)."""
    items = _trick_items(key)
    dkey = (dkey if isinstance(key, tuple) else (dkey,)) if dkey is not None else (None,) * len(items)
    ans = trick[key]
    dts = [d for item, d in zip(items, dkey) if d is not None and _is_trick_data(item)]
    out = np.zeros(np.size(ans), dtype=np.result_type(ans, *dts, float))
    for k, (item, d) in enumerate(zip(items, dkey)):
        if d is None or not _is_trick_data(item):
            continue
        where, elems = trick_positions(trick, key, k)
        out[where] = np.ravel(np.broadcast_to(d, np.shape(item)))[elems]
    return np.reshape(out, np.shape(ans))


@vjp_rule(trick_cotangent)
def trick_cotangent_vjp(gg, ans, g, trick, key):
    return trick_tangent(trick, key, gg), None, None


@jvp_rule(trick_cotangent)
def trick_cotangent_jvp(ans, g, trick, key, *, dg):
    return trick_cotangent(dg, trick, key)


@vjp_rule(trick_tangent)
def trick_tangent_vjp(gg, ans, trick, key, dkey):
    return None, None, trick_cotangent(gg, trick, key)


@jvp_rule(trick_tangent)
def trick_tangent_jvp(ans, trick, key, dkey, *, ddkey):
    return trick_tangent(trick, key, ddkey)


register_linear((0,), trick_cotangent)


register_linear((2,), trick_tangent)


nondifferentiable(trick_positions)
