"""Broadcasting and its adjoint: a cotangent summed back to an input's shape
(``unbroadcast``), a tangent broadcast to an output's (``broadcast_like``), a
reduction's cotangent expanded again, and the cotangents of ``@``."""
import numpy as np

from .values import _CONTAINERS, in_library_of, ShapeOf
from .cotangents import zeros_like_value


def sum_to_shape(g, shape):
    """Sum ``g`` over the axes that broadcasting added to reach ``shape``.
    (``shape`` may have more axes than ``g``: a value with leading 1-axes
    written into a slot, ``y[1:] = v`` with ``v.shape == (1, n)``.)"""
    gshape = np.shape(g)
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    if lead < 0:
        g = np.reshape(g, (1,) * -lead + gshape)
        gshape = np.shape(g)
    elif lead > 0:
        g = np.sum(g, axis=tuple(range(lead)))
        gshape = gshape[lead:]
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and gshape[i] != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    return g


def unbroadcast(g, x):
    """The cotangent ``g`` of a broadcast result, summed back to ``x``'s shape
    (and to a real cotangent for a real ``x``)."""
    if type(g) is np.ndarray and g.dtype.kind != "c":
        tx = type(x)    # (the common case first: a real NumPy cotangent)
        shape = x.shape if tx is np.ndarray or tx is ShapeOf else np.shape(x)
        return g if g.shape == shape else sum_to_shape(g, shape)
    if isinstance(x, _CONTAINERS):
        return g        # (a tuple, list or dict is never broadcast)
    if getattr(getattr(g, "dtype", None), "kind", None) == "c" and not np.iscomplexobj(x):
        g = np.real(g)
    shape = np.shape(x)
    if np.shape(g) == shape:
        return g
    return sum_to_shape(g, shape)


def broadcast_like(t, ref):
    """``t`` broadcast to the shape of ``ref`` (a no-op when shapes agree, and for
    the tangent of a tuple, list or dict)."""
    if isinstance(ref, _CONTAINERS):
        return t
    shape = np.shape(ref)
    if np.shape(t) == shape:
        return t
    return np.broadcast_to(in_library_of(t, ref), shape)


def unbroadcast_each(gs, xs):
    """Each cotangent of ``gs`` summed back to the shape of its primal in ``xs``
    (None stays None): the cotangents of ``np.broadcast_arrays``."""
    return tuple(None if g is None else unbroadcast(g, x) for g, x in zip(gs, xs))


def broadcast_each(ts, refs):
    """Each tangent of ``ts`` broadcast to the shape of its value in ``refs``
    (None: zeros): the transpose of ``unbroadcast_each``."""
    return tuple(zeros_like_value(r) if t is None else broadcast_like(t, r)
                 for t, r in zip(ts, refs))


def expand_reduced(g, x, axis=None, keepdims=False):
    """Undo a reduction over ``axis``: broadcast ``g`` back to ``x``'s shape. A
    Python float ``g`` (the seed 1.0 of a real output) takes the floating-point
    type of ``x``, as in arithmetic with it."""
    shape = np.shape(x)
    if type(g) is float and getattr(getattr(x, "dtype", None), "kind", None) == "f":
        g = x.dtype.type(g)
    if not keepdims and axis is not None:
        ndim = len(shape)
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        axes = sorted(a % ndim for a in axes)
        for a in axes:
            g = np.expand_dims(g, a)
    return np.broadcast_to(in_library_of(g, x), shape)


def matmul_grad_x(g, x, y):
    """Cotangent of ``x`` in ``x @ y`` (1-D, 2-D and batched operands)."""
    if np.ndim(y) == 1:
        if np.ndim(x) == 1:
            return g * y
        return unbroadcast(np.expand_dims(g, -1) * y, x)
    if np.ndim(x) == 1:
        return unbroadcast(y @ np.expand_dims(g, -1), np.expand_dims(x, -1))[..., 0] \
            if np.ndim(y) > 2 else y @ g
    return unbroadcast(g @ np.swapaxes(y, -1, -2), x)


def matmul_grad_y(g, x, y):
    """Cotangent of ``y`` in ``x @ y`` (1-D, 2-D and batched operands)."""
    if np.ndim(x) == 1:
        if np.ndim(y) == 1:
            return g * x
        return unbroadcast(np.expand_dims(x, -1) * np.expand_dims(g, -2), y)
    if np.ndim(y) == 1:
        return unbroadcast(np.swapaxes(x, -1, -2) @ np.expand_dims(g, -1), np.expand_dims(y, -1))[..., 0] \
            if np.ndim(x) > 2 else g @ x
    return unbroadcast(np.swapaxes(x, -1, -2) @ g, y)


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def sum_product(a, b, x):
    """``unbroadcast(a * b, x)``: the elementwise product summed back to ``x``'s
    shape, without the product array where ``a`` and ``b`` are real NumPy
    arrays of one shape (``np.vdot`` for a scalar ``x``, else ``np.einsum``)."""
    if type(a) is np.ndarray and type(b) is np.ndarray and a.shape == b.shape \
            and a.dtype.kind == "f" and b.dtype.kind == "f":
        shape = () if type(x) is float else np.shape(x)
        if shape == ():
            return np.vdot(a, b)
        nd = a.ndim
        lead = nd - len(shape)
        if 0 <= lead and nd <= len(_LETTERS) and all(
                s == 1 or s == n for s, n in zip(shape, a.shape[lead:])):
            sub = _LETTERS[:nd]
            out = "".join(sub[lead + i] for i, s in enumerate(shape)
                          if s != 1 or a.shape[lead + i] == 1)
            return np.reshape(np.einsum(sub + "," + sub + "->" + out, a, b), shape)
    return unbroadcast(a * b, x)
