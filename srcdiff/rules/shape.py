"""Shape and indexing functions. All are linear in their array arguments, so
each reverse rule is the transposed data movement and each forward rule is
the function applied to the tangent."""
import numpy as np

from ..runtime import unbroadcast, unbroadcast_each, broadcast_each, cast_like
from .registry import vjp_rule, jvp_rule, register_linear, lookup, nondifferentiable
from .shape_derivatives import (inverse_permutation, negate_shift, split_like, stack_split, unstack,
                                atleast_cotangents, atleast_tangent, tile_sum, repeat_sum,
                                rollaxis_undo, pad_cotangent, diag_cotangent, diagonal_cotangent,
                                take_cotangent, take_along_axis_cotangent, sort_cotangent,
                                sort_tangent, unpack_like, linspace_weights, trick_cotangent,
                                trick_tangent)
from .zero_fill import fill_zeros


@vjp_rule(np.reshape)
def reshape(g, ans, a, shape=None, order="C", *, copy=None):
    return np.reshape(g, np.shape(a), order=order)


@jvp_rule(np.reshape)
def reshape_jvp(ans, a, shape=None, order="C", *, copy=None, da):
    return np.reshape(da, np.shape(ans), order=order)


@vjp_rule(np.ravel)
def ravel(g, ans, a, order="C"):
    return np.reshape(g, np.shape(a), order=order)


@jvp_rule(np.ravel)
def ravel_jvp(ans, a, order="C", *, da):
    return np.ravel(da, order=order)


@vjp_rule(np.transpose, np.permute_dims)
def transpose(g, ans, a, axes=None):
    return np.transpose(g, inverse_permutation(axes, np.ndim(a)))


@jvp_rule(np.transpose, np.permute_dims)
def transpose_jvp(ans, a, axes=None, *, da):
    return np.transpose(da, axes)


@vjp_rule(np.matrix_transpose, np.linalg.matrix_transpose)
def matrix_transpose(g, ans, x):
    return np.swapaxes(g, -1, -2)


@jvp_rule(np.matrix_transpose, np.linalg.matrix_transpose)
def matrix_transpose_jvp(ans, x, *, dx):
    return np.swapaxes(dx, -1, -2)


@vjp_rule(np.swapaxes)
def swapaxes(g, ans, a, axis1, axis2):
    return np.swapaxes(g, axis1, axis2)


@jvp_rule(np.swapaxes)
def swapaxes_jvp(ans, a, axis1, axis2, *, da):
    return np.swapaxes(da, axis1, axis2)


@vjp_rule(np.moveaxis)
def moveaxis(g, ans, a, source, destination):
    return np.moveaxis(g, destination, source)


@jvp_rule(np.moveaxis)
def moveaxis_jvp(ans, a, source, destination, *, da):
    return np.moveaxis(da, source, destination)


@vjp_rule(np.rollaxis)
def rollaxis(g, ans, a, axis, start=0):
    return rollaxis_undo(g, a, axis, start)


@jvp_rule(np.rollaxis)
def rollaxis_jvp(ans, a, axis, start=0, *, da):
    return np.rollaxis(da, axis, start)


@vjp_rule(np.squeeze)
def squeeze(g, ans, a, axis=None):
    return np.reshape(g, np.shape(a))


@jvp_rule(np.squeeze)
def squeeze_jvp(ans, a, axis=None, *, da):
    return np.squeeze(da, axis)


@vjp_rule(np.expand_dims)
def expand_dims(g, ans, a, axis):
    return np.reshape(g, np.shape(a))


@jvp_rule(np.expand_dims)
def expand_dims_jvp(ans, a, axis, *, da):
    return np.expand_dims(da, axis)


@vjp_rule(np.broadcast_to)
def broadcast_to(g, ans, array, shape, subok=False):
    return unbroadcast(g, array)


@jvp_rule(np.broadcast_to)
def broadcast_to_jvp(ans, array, shape, subok=False, *, darray):
    return np.broadcast_to(darray, shape)


@vjp_rule(np.broadcast_arrays)
def broadcast_arrays(g, ans, *args, subok=False):
    """Cotangents of every array (``None`` for an unused output)."""
    return unbroadcast_each(g, args)


@jvp_rule(np.broadcast_arrays)
def broadcast_arrays_jvp(ans, *args, subok=False, dargs):
    return broadcast_each(dargs, ans)


@vjp_rule(np.atleast_1d)
def atleast_1d(g, ans, *arys):
    return atleast_cotangents(g, arys)


@jvp_rule(np.atleast_1d)
def atleast_1d_jvp(ans, *arys, darys):
    return atleast_tangent(1, darys, arys)


@vjp_rule(np.atleast_2d)
def atleast_2d(g, ans, *arys):
    return atleast_cotangents(g, arys)


@jvp_rule(np.atleast_2d)
def atleast_2d_jvp(ans, *arys, darys):
    return atleast_tangent(2, darys, arys)


@vjp_rule(np.atleast_3d)
def atleast_3d(g, ans, *arys):
    return atleast_cotangents(g, arys)


@jvp_rule(np.atleast_3d)
def atleast_3d_jvp(ans, *arys, darys):
    return atleast_tangent(3, darys, arys)


@vjp_rule(np.tile)
def tile(g, ans, A, reps):
    return tile_sum(g, A, reps)


@jvp_rule(np.tile)
def tile_jvp(ans, A, reps, *, dA):
    return np.tile(dA, reps)


@vjp_rule(np.repeat)
def repeat(g, ans, a, repeats, axis=None):
    return repeat_sum(g, a, repeats, axis)


@jvp_rule(np.repeat)
def repeat_jvp(ans, a, repeats, axis=None, *, da):
    return np.repeat(da, repeats, axis)


@vjp_rule(np.roll)
def roll(g, ans, a, shift, axis=None):
    return np.roll(g, negate_shift(shift), axis)


@jvp_rule(np.roll)
def roll_jvp(ans, a, shift, axis=None, *, da):
    return np.roll(da, shift, axis)


@vjp_rule(np.flip)
def flip(g, ans, m, axis=None):
    return np.flip(g, axis)


@jvp_rule(np.flip)
def flip_jvp(ans, m, axis=None, *, dm):
    return np.flip(dm, axis)


@vjp_rule(np.fliplr)
def fliplr(g, ans, m):
    return np.fliplr(g)


@jvp_rule(np.fliplr)
def fliplr_jvp(ans, m, *, dm):
    return np.fliplr(dm)


@vjp_rule(np.flipud)
def flipud(g, ans, m):
    return np.flipud(g)


@jvp_rule(np.flipud)
def flipud_jvp(ans, m, *, dm):
    return np.flipud(dm)


@vjp_rule(np.rot90)
def rot90(g, ans, m, k=1, axes=(0, 1)):
    return np.rot90(g, -k, axes)


@jvp_rule(np.rot90)
def rot90_jvp(ans, m, k=1, axes=(0, 1), *, dm):
    return np.rot90(dm, k, axes)


# np.r_[a, b, 0:3] and np.c_[a, b]: subscripting these objects joins arrays; srcdiff
# reads ``np.r_[key]`` as a call with the argument ``key`` (a tuple of the items).

@vjp_rule(np.r_)
def r_(g, ans, key):
    return (trick_cotangent(g, np.r_, key),)


@jvp_rule(np.r_)
def r_jvp(ans, key, *, dkey):
    return trick_tangent(np.r_, key, dkey)


@vjp_rule(np.c_)
def c_(g, ans, key):
    return (trick_cotangent(g, np.c_, key),)


@jvp_rule(np.c_)
def c_jvp(ans, key, *, dkey):
    return trick_tangent(np.c_, key, dkey)


lookup(np.r_).name = "numpy.r_"      # (objects: no __qualname__ to name them by)
lookup(np.c_).name = "numpy.c_"


@vjp_rule(np.concatenate)
def concatenate(g, ans, arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """The cotangent of the list ``arrays`` is a list (one piece each)."""
    return split_like(g, arrays, axis)


@jvp_rule(np.concatenate)
def concatenate_jvp(ans, arrays, axis=0, out=None, *, dtype=None, casting="same_kind", darrays):
    return np.concatenate(fill_zeros(darrays, arrays), axis=axis)


@vjp_rule(np.stack)
def stack(g, ans, arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    return unstack(g, axis)


@jvp_rule(np.stack)
def stack_jvp(ans, arrays, axis=0, out=None, *, dtype=None, casting="same_kind", darrays):
    return np.stack(fill_zeros(darrays, arrays), axis=axis)


@vjp_rule(np.hstack)
def hstack(g, ans, tup, *, dtype=None, casting="same_kind"):
    return stack_split(g, tup, "hstack")


@jvp_rule(np.hstack)
def hstack_jvp(ans, tup, *, dtype=None, casting="same_kind", dtup):
    return np.hstack(fill_zeros(dtup, tup))


@vjp_rule(np.vstack)
def vstack(g, ans, tup, *, dtype=None, casting="same_kind"):
    return stack_split(g, tup, "vstack")


@jvp_rule(np.vstack)
def vstack_jvp(ans, tup, *, dtype=None, casting="same_kind", dtup):
    return np.vstack(fill_zeros(dtup, tup))


@vjp_rule(np.dstack)
def dstack(g, ans, tup):
    return stack_split(g, tup, "dstack")


@jvp_rule(np.dstack)
def dstack_jvp(ans, tup, *, dtup):
    return np.dstack(fill_zeros(dtup, tup))


@vjp_rule(np.column_stack)
def column_stack(g, ans, tup):
    return stack_split(g, tup, "column_stack")


@jvp_rule(np.column_stack)
def column_stack_jvp(ans, tup, *, dtup):
    return np.column_stack(fill_zeros(dtup, tup))


@vjp_rule(np.split, np.array_split)
def split(g, ans, ary, indices_or_sections, axis=0):
    """``g`` is a list with one cotangent per piece (``None`` for unused pieces)."""
    return np.concatenate(fill_zeros(g, ans), axis=axis)


@jvp_rule(np.split, np.array_split)
def split_jvp(ans, ary, indices_or_sections, axis=0, *, dary):
    return np.array_split(dary, indices_or_sections, axis)


@vjp_rule(np.hsplit)
def hsplit(g, ans, ary, indices_or_sections):
    return np.hstack(fill_zeros(g, ans))


@jvp_rule(np.hsplit)
def hsplit_jvp(ans, ary, indices_or_sections, *, dary):
    return np.hsplit(dary, indices_or_sections)


@vjp_rule(np.vsplit)
def vsplit(g, ans, ary, indices_or_sections):
    return np.vstack(fill_zeros(g, ans))


@jvp_rule(np.vsplit)
def vsplit_jvp(ans, ary, indices_or_sections, *, dary):
    return np.vsplit(dary, indices_or_sections)


@vjp_rule(np.dsplit)
def dsplit(g, ans, ary, indices_or_sections):
    return np.dstack(fill_zeros(g, ans))


@jvp_rule(np.dsplit)
def dsplit_jvp(ans, ary, indices_or_sections, *, dary):
    return np.dsplit(dary, indices_or_sections)


@vjp_rule(np.unstack)
def unstack_(g, ans, x, *, axis=0):
    return np.stack(fill_zeros(g, ans), axis=axis)


@jvp_rule(np.unstack)
def unstack_jvp(ans, x, *, axis=0, dx):
    return np.unstack(dx, axis=axis)


@vjp_rule(np.pad)
def pad(g, ans, array, pad_width, mode="constant", **kwargs):
    """Modes constant (the pad value is a constant), edge, reflect, symmetric
    and wrap (padded copies are summed back onto their sources)."""
    return pad_cotangent(g, array, pad_width, mode)


@jvp_rule(np.pad)
def pad_jvp(ans, array, pad_width, mode="constant", *, darray, **kwargs):
    return np.pad(darray, pad_width, mode=mode)


@vjp_rule(np.diag)
def diag(g, ans, v, k=0):
    return diag_cotangent(g, v, k)


@jvp_rule(np.diag)
def diag_jvp(ans, v, k=0, *, dv):
    return np.diag(dv, k)


@vjp_rule(np.diagflat)
def diagflat(g, ans, v, k=0):
    return np.reshape(np.diag(g, k), np.shape(v))


@jvp_rule(np.diagflat)
def diagflat_jvp(ans, v, k=0, *, dv):
    return np.diagflat(dv, k)


@vjp_rule(np.diagonal)
def diagonal(g, ans, a, offset=0, axis1=0, axis2=1):
    return diagonal_cotangent(g, a, offset, axis1, axis2)


@jvp_rule(np.diagonal)
def diagonal_jvp(ans, a, offset=0, axis1=0, axis2=1, *, da):
    return np.diagonal(da, offset, axis1, axis2)


@vjp_rule(np.linalg.diagonal)
def linalg_diagonal(g, ans, x, *, offset=0):
    return diagonal_cotangent(g, x, offset, -2, -1)


@jvp_rule(np.linalg.diagonal)
def linalg_diagonal_jvp(ans, x, *, offset=0, dx):
    return np.linalg.diagonal(dx, offset=offset)


@vjp_rule(np.tril)
def tril(g, ans, m, k=0):
    return np.tril(g, k)


@jvp_rule(np.tril)
def tril_jvp(ans, m, k=0, *, dm):
    return np.tril(dm, k)


@vjp_rule(np.triu)
def triu(g, ans, m, k=0):
    return np.triu(g, k)


@jvp_rule(np.triu)
def triu_jvp(ans, m, k=0, *, dm):
    return np.triu(dm, k)


@vjp_rule(np.take)
def take(g, ans, a, indices, axis=None, out=None, mode="raise"):
    """Repeated indices accumulate (scatter-add)."""
    return take_cotangent(g, a, indices, axis, mode)


@jvp_rule(np.take)
def take_jvp(ans, a, indices, axis=None, out=None, mode="raise", *, da):
    return np.take(da, indices, axis=axis, mode=mode)


@vjp_rule(np.take_along_axis)
def take_along_axis(g, ans, arr, indices, axis=-1):
    return take_along_axis_cotangent(g, arr, indices, axis)


@jvp_rule(np.take_along_axis)
def take_along_axis_jvp(ans, arr, indices, axis=-1, *, darr):
    return np.take_along_axis(darr, indices, axis=axis)


@vjp_rule(np.sort)
def sort(g, ans, a, axis=-1, kind=None, order=None, *, stable=None):
    """Values only; ties are sorted stably (the derivative at a tie is one of
    the one-sided derivatives)."""
    return sort_cotangent(g, a, axis)


@jvp_rule(np.sort)
def sort_jvp(ans, a, axis=-1, kind=None, order=None, *, stable=None, da):
    return sort_tangent(da, a, axis)


@vjp_rule(np.array, np.asarray, np.asanyarray, np.ascontiguousarray)
def array(g, ans, object, dtype=None, *, copy=True, order="K", subok=False, ndmin=0, ndmax=0, like=None):
    """``np.array([a, b, ...])`` of (nested) lists: the cotangent is a list of the
    same structure; of an array: the cotangent itself."""
    return unpack_like(cast_like(g, object), object)


@jvp_rule(np.array, np.asarray, np.asanyarray, np.ascontiguousarray)
def array_jvp(ans, object, dtype=None, *, copy=True, order="K", subok=False, ndmin=0, ndmax=0, like=None,
              dobject):
    return np.array(fill_zeros(dobject, object), dtype=dtype, ndmin=ndmin)


@vjp_rule(np.copy)
def copy(g, ans, a, order="K", subok=False):
    return g


@jvp_rule(np.copy)
def copy_jvp(ans, a, order="K", subok=False, *, da):
    return da


def inexact_factor(value):
    """1.0 when ``value`` is float or complex, 0.0 when it is an integer or bool
    (an integer cast's derivative is zero)."""
    return 1.0 if np.issubdtype(np.asarray(value).dtype, np.inexact) else 0.0


nondifferentiable(inexact_factor)


@vjp_rule(np.astype)
def astype(g, ans, x, dtype, *, copy=True, device=None):
    """Between float (and complex) kinds: the cotangent in ``x``'s kind; zero
    for a cast to an integer or bool kind."""
    return np.astype(cast_like(g, x), np.result_type(x, 0.0)) * inexact_factor(ans)


@jvp_rule(np.astype)
def astype_jvp(ans, x, dtype, *, copy=True, device=None, dx):
    return np.astype(dx, np.result_type(ans, 0.0)) * inexact_factor(ans)


@vjp_rule(np.float64, np.float32, np.longdouble)
def float64(g, ans, x):
    return cast_like(g, x)


@jvp_rule(np.float64, np.float32, np.longdouble)
def float64_jvp(ans, x, *, dx):
    return cast_like(dx, ans)


@vjp_rule(np.complex128, np.complex64)
def complex128(g, ans, real):
    return cast_like(g, real)


@jvp_rule(np.complex128, np.complex64)
def complex128_jvp(ans, real, *, dreal):
    return dreal + 0j


@vjp_rule(np.append)
def append(g, ans, arr, values, axis=None):
    pieces = split_like(g, [np.ravel(arr) if axis is None else arr,
                            np.ravel(values) if axis is None else values], axis if axis is not None else 0)
    return np.reshape(pieces[0], np.shape(arr)), np.reshape(pieces[1], np.shape(values))


@jvp_rule(np.append)
def append_jvp(ans, arr, values, axis=None, *, darr, dvalues):
    return (np.append(darr, np.zeros_like(values), axis=axis)
            + np.append(np.zeros_like(arr), dvalues, axis=axis))


@vjp_rule(np.full)
def full(g, ans, shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    return None, unbroadcast(cast_like(g, fill_value), fill_value)


@jvp_rule(np.full)
def full_jvp(ans, shape, fill_value, dtype=None, order="C", *, device=None, like=None, dfill_value):
    return np.broadcast_to(dfill_value, np.shape(ans))


@vjp_rule(np.full_like)
def full_like(g, ans, a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """Depends on ``a`` only through its shape."""
    return None, unbroadcast(cast_like(g, fill_value), fill_value)


@jvp_rule(np.full_like)
def full_like_jvp(ans, a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None,
                  dfill_value):
    return np.broadcast_to(dfill_value, np.shape(ans))


@vjp_rule(np.arange)
def arange(g, ans, start_or_stop, stop=None, step=None, dtype=None, *, device=None, like=None):
    """arange(stop) / (start, stop) / (start, stop, step): the values are
    start + k * step (the length, set by stop, is piecewise constant)."""
    return (None if stop is None else np.sum(g),
            None,
            None if step is None else np.sum(g * np.arange(np.size(ans))))


@jvp_rule(np.arange)
def arange_jvp(ans, start_or_stop, stop=None, step=None, dtype=None, *, device=None, like=None,
               dstart_or_stop, dstop, dstep):
    return ((0.0 * ans if stop is None else dstart_or_stop + 0.0 * ans)
            + (0.0 if step is None else dstep * np.arange(np.size(ans))))


@vjp_rule(np.linspace)
def linspace(g, ans, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, device=None):
    t = linspace_weights(start, stop, num, endpoint, retstep, axis)
    return (unbroadcast(np.sum(g * (1 - t), axis=axis), start), unbroadcast(np.sum(g * t, axis=axis), stop))


@jvp_rule(np.linspace)
def linspace_jvp(ans, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, device=None,
                 dstart, dstop):
    t = linspace_weights(start, stop, num, endpoint, retstep, axis)
    return (np.expand_dims(np.broadcast_to(dstart, np.shape(np.sum(t, axis=axis))), axis) * (1 - t)
            + np.expand_dims(np.broadcast_to(dstop, np.shape(np.sum(t, axis=axis))), axis) * t)


register_linear((0,), np.reshape, np.ravel, np.transpose, np.permute_dims, np.swapaxes,
                np.moveaxis, np.rollaxis, np.squeeze, np.expand_dims, np.broadcast_to, np.tile,
                np.repeat, np.roll, np.flip, np.fliplr, np.flipud, np.rot90, np.concatenate,
                np.stack, np.hstack, np.vstack, np.dstack, np.column_stack, np.split,
                np.array_split, np.hsplit, np.vsplit, np.dsplit, np.diag, np.diagflat,
                np.diagonal, np.tril, np.triu, np.take, np.take_along_axis, np.copy,
                np.matrix_transpose, np.linalg.matrix_transpose, np.linalg.diagonal, np.unstack,
                np.array, np.asarray, np.asanyarray, np.ascontiguousarray)
