"""Reading and writing at an index: cotangents added at ``d[index]`` (repeats
adding up, in place where generated code owns the buffer), ``scatter_add``,
out-of-place updates, the last of repeated writes, and ``np.add.at``-style
writes made on a copy. Arrays of other libraries (Dask, CuPy) are written by
item assignment, never converted to NumPy."""
import numpy as np

from .values import is_foreign, array_copy, ShapeOf
from .cotangents import zeros_like_value, add_cotangents, complete_cotangent


def zero_at(g, index):
    """A copy of the cotangent ``g`` with the elements at ``index`` zeroed
    (an in-place write's target has no derivative w.r.t. what it overwrote)."""
    if isinstance(g, (list, dict)):
        g = list(g) if isinstance(g, list) else dict(g)
        g[index] = zeros_like_value(g[index])
        return g
    g = array_copy(g)
    if is_foreign(g):
        index = drop_newaxes(index)
    g[index] = 0
    return g


def written_piece(g, index):
    """``g[index]``, the cotangent of the value ``y[index] = v`` wrote, where an
    integer-array index may name an element more than once: NumPy keeps the last
    write, so only each element's last occurrence gets its cotangent (the earlier
    writes are overwritten and reach nothing)."""
    return last_writes(g[index], g, index)


def last_writes(piece, g, index):
    """``piece`` (shaped like ``g[index]``) with the entries of every occurrence
    of an element but its last zeroed; as it is when ``index`` repeats nothing."""
    if isinstance(g, (list, tuple, dict)) or _plain_slices(index):
        return piece
    if is_basic_index(index):
        return piece
    ids = np.arange(int(np.prod(np.shape(g)))).reshape(np.shape(g))[index]
    flat = np.ravel(ids)
    if np.unique(flat).size == flat.size:
        return piece
    _, last = np.unique(flat[::-1], return_index=True)
    keep = np.zeros(flat.size, dtype=bool)
    keep[flat.size - 1 - last] = True
    return np.where(np.reshape(keep, np.shape(ids)), piece, 0)


def add_at(d, index, g):
    """``d[index] += g`` in place (repeated fancy indices accumulate); returns ``d``.

    Generated code uses it only on cotangent buffers it created itself, so the
    in-place update is never visible elsewhere. Arrays of other libraries
    (Dask, CuPy) are updated by item assignment, which they support; see
    ``index_add`` for the indices that cannot be expressed that way.
    """
    if type(d) is np.ndarray and not d.flags.writeable:
        # (a read-only broadcast of a seed or reduction reached here as the loop's
        # buffer after an earlier iteration rebound it: add on a copy)
        d = d.copy()
    if type(d) is np.ndarray and (type(g) is np.ndarray or type(g) is float) \
            and _plain_slices(index):
        d[index] += g          # the common case: a NumPy buffer, constant slices
        return d
    if isinstance(d, (list, dict)):
        d[index] = add_cotangents(d[index], g)
        return d
    if isinstance(d, tuple):      # (as a list: a negative index or a slice too)
        out = list(d)
        out[index] = add_cotangents(out[index], g)
        return tuple(out)
    if is_foreign(g) and not is_foreign(d):   # a NumPy buffer, a Dask/CuPy cotangent
        return d + scatter_add(g, d, index)
    index_add(d, index, g)
    return d


def add_at_copied(d, index, g):
    """``add_at`` on a copy of an array ``d`` (a list or dict is updated in
    place, as by add_at). Code that differentiates generated code again calls it
    for add_at: there the buffer may be another value's array (``dy = dv`` then
    ``dy = add_at(dy, i, g)``) that the derivative reads afterwards."""
    if isinstance(d, np.ndarray):
        d = np.array(d, copy=True)
    return add_at(d, index, g)


def add_at_owned_copied(d, index, g):
    """``add_at_owned`` on a copy of an array ``d`` (see add_at_copied)."""
    if isinstance(d, np.ndarray):
        d = np.array(d, copy=True)
    return add_at_owned(d, index, g)


def _plain_slices(index):
    t = type(index)
    if t is slice or t is int:
        return True
    if t is tuple:
        for i in index:
            if type(i) is not slice and type(i) is not int:
                return False
        return True
    return False


def replace_at(g, index, v):
    """A copy of the cotangent ``g`` with ``v`` written at ``index``: what
    ``add_at(zero_at(g, index), index, v)`` computes, in one write."""
    if type(g) is np.ndarray and _plain_slices(index):
        vt = getattr(v, "dtype", None)
        if vt == g.dtype or (vt is None and type(v) is float and g.dtype.kind in "fc"):
            out = g.copy()
        else:
            out = g.astype(np.result_type(g, v))
        out[index] = v
        return out
    return add_at_owned(zero_at(g, index), index, v)


def add_at_owned(d, index, g):
    """``d[index] += g`` into a cotangent buffer the generated code owns (no one
    else sees it); ``d`` is first converted where its dtype cannot hold the sum."""
    t = getattr(d, "dtype", None)
    if t is not None and np.result_type(d, g) != t:
        d = d.astype(np.result_type(d, g))
    return add_at(d, index, g)


def drop_newaxes(index):
    """``index`` without its ``None`` entries (they only add length-1 axes)."""
    if index is None:
        return ()
    if isinstance(index, tuple) and any(i is None for i in index):
        return tuple(i for i in index if i is not None)
    return index


def set_index(out, index, v):
    """``out[index] = v`` in place (for arrays of other libraries, ``None``
    entries of the index are dropped and ``v`` reshaped to match)."""
    if is_foreign(out):
        plain = drop_newaxes(index)
        if plain is not index:
            v = np.reshape(np.broadcast_to(v, np.shape(out[index])), np.shape(out[plain]))
            index = plain
    out[index] = v


def index_add(d, index, g):
    """``d[index] += g`` in place, repeated fancy indices accumulating.

    NumPy arrays use ``+=`` or ``np.add.at``. Other libraries' arrays use item
    assignment only: ``None`` entries of the index are dropped (``g`` reshaped
    to match), and a NumPy/list integer index with repeats is applied in rounds
    of distinct positions. What that cannot express (several integer arrays,
    an index that is itself a foreign array) raises ``SrcdiffError`` rather
    than converting ``d`` to NumPy or losing the repeats.
    """
    if not is_foreign(d):
        if is_basic_index(index):
            d[index] += g
        else:
            np.add.at(d, index, g)
        return
    plain = drop_newaxes(index)
    if plain is not index:
        g = np.reshape(np.broadcast_to(g, np.shape(d[index])), np.shape(d[plain]))
        index = plain
    if is_basic_index(index):
        d[index] += g
        return
    _index_add_rounds(d, index, g)


def _index_add_rounds(d, index, g):
    from ..errors import SrcdiffError
    parts = index if isinstance(index, tuple) else (index,)
    arrays = [k for k, i in enumerate(parts) if not isinstance(i, (slice, int, np.integer))]
    if (len(arrays) != 1 or any(i is Ellipsis for i in parts) or is_foreign(parts[arrays[0]])
            or any(isinstance(i, (int, np.integer)) for i in parts)):
        raise SrcdiffError(
            f"the cotangent of x[{index!r}] for a {type(d).__module__}.{type(d).__name__} "
            "needs a scatter-add (np.add.at), which only NumPy arrays support here",
            hint="index with one NumPy integer array (and slices), or convert to NumPy "
                 "explicitly")
    ax = arrays[0]
    idx = np.asarray(parts[ax])       # the index (not a value): concrete integers
    if idx.dtype.kind not in "iu":
        raise SrcdiffError(f"cannot scatter-add through an index of dtype {idx.dtype}",
                           hint="index with integers, slices or a boolean mask")
    rest = np.shape(d[parts[:ax] + (slice(None),) + parts[ax + 1:]])   # basic slicing only
    g = np.broadcast_to(g, rest[:ax] + idx.shape + rest[ax + 1:])
    g = np.reshape(g, rest[:ax] + (idx.size,) + rest[ax + 1:])
    flat = np.ravel(idx)
    flat = np.where(flat < 0, flat + np.shape(d)[ax], flat)
    order = np.argsort(flat, kind="stable")
    srt = flat[order]
    first = np.ones(len(srt), dtype=bool)
    first[1:] = srt[1:] != srt[:-1]
    pos = np.arange(len(srt))
    occurrence = np.empty(len(srt), dtype=np.intp)
    occurrence[order] = pos - np.maximum.accumulate(np.where(first, pos, 0))
    for k in range(int(occurrence.max()) + 1 if len(srt) else 0):
        sel = np.nonzero(occurrence == k)[0]
        d[parts[:ax] + (flat[sel],) + parts[ax + 1:]] += np.take(g, sel, axis=ax)


def is_basic_index(idx):
    """True when ``idx`` selects each element at most once (ints, slices,
    ``None``, ``...``, or a boolean mask): plain assignment then suffices."""
    if idx is None or idx is Ellipsis or isinstance(idx, (int, np.integer, slice)):
        return True
    if isinstance(idx, tuple):
        return all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice))
                   for i in idx) or (len(idx) == 1 and is_basic_index(idx[0]))
    return getattr(idx, "dtype", None) == np.bool_


def scatter_add(g, x, idx):
    """Zeros shaped like ``x`` with ``g`` added at ``x[idx]`` (repeats add up).

    For a Dask/CuPy ``x`` the zeros are made in ``x``'s library; an index that
    item assignment cannot express raises ``SrcdiffError`` (``runtime.index_add``)."""
    if isinstance(x, (list, tuple, dict)):
        return add_at(zeros_like_value(x), idx, g)     # (zeros of the same structure)
    if type(x) is ShapeOf:    # the adjoint sweep kept only x's shape
        out = x.zeros(np.result_type(x.dtype, g))
    else:
        out = np.zeros_like(x, dtype=np.result_type(x, g))
    if is_foreign(g) and not is_foreign(out):   # a NumPy x, a Dask/CuPy cotangent
        out = np.zeros(np.shape(out), out.dtype, like=g)
    if is_basic_index(idx) and not is_foreign(out):
        out[idx] = g
    else:
        index_add(out, idx, g)
    return out


def index_update(x, idx, v):
    """A copy of ``x`` with ``x[idx] = v`` (out of place)."""
    out = array_copy(x)
    set_index(out, idx, v)
    return out


def cotangent_item(g, key, like):
    """``g[key]`` of a container cotangent, or a zero shaped like ``like``."""
    try:
        v = g[key]
    except (KeyError, IndexError, TypeError):
        v = None
    return zeros_like_value(like) if v is None else v


def item_cotangent(gg, g, key):
    """The cotangent of ``g`` from the cotangent ``gg`` of ``cotangent_item(g, key,
    like)``: ``gg`` at ``key``, zeros elsewhere (all zeros where ``g`` has no
    item ``key``: the result did not read it; None for an absent ``g``)."""
    if g is None:
        return None
    try:
        g[key]
    except (KeyError, IndexError, TypeError):
        return complete_cotangent(None, g)
    return scatter_add(gg, g, key)


def added_at(array, index, values):
    """``np.add.at(array, index, values)`` (repeated indices add up) made on a copy
    of ``array``, returned; generated code writes it back with ``array[...] =
    ...`` (as for written_copy), and its derivative rules make a differentiated
    np.add.at followable."""
    out = np.array(array, copy=True)
    np.add.at(out, index, values)
    return out


def subtracted_at(array, index, values):
    """``np.subtract.at(array, index, values)`` made on a copy (see added_at)."""
    out = np.array(array, copy=True)
    np.subtract.at(out, index, values)
    return out


def written_copy(writer, array, *args, **kwargs):
    """``writer(array, *args, **kwargs)`` (np.add.at, np.put, a shuffle: a call that
    writes into its first argument) made on a copy of ``array``, returned: the
    generated code writes it back with ``array[...] = ...``, an item store that
    srcdiff's analyses of in-place writes see."""
    copy = np.array(array, copy=True)
    writer(copy, *args, **kwargs)
    return copy
