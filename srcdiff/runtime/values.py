"""What a value is: its library (NumPy or another, NEP-13/18), size, copy,
container kind, shape (``ShapeOf``: what the adjoint sweep keeps of an array
it needs only the shape of) and dtype kind (``cast_like``: the real part of a
complex cotangent of a real value, the JAX convention)."""
import math

import numpy as np


_CONTAINERS = (list, tuple, dict)


def is_foreign(x):
    """True for an array of another library (Dask, CuPy, ...) that takes part in
    NumPy calls through NEP-13/18: the few NumPy-only operations (``np.copy``
    where the library lacks it, ``np.add.at``, assignment through ``None``) are
    replaced or refused for it, never run by converting it to NumPy."""
    return not isinstance(x, np.ndarray) and hasattr(x, "__array_function__")


def size_of(x):
    """The number of elements of ``x`` (``np.size`` without making a library that
    lacks ``np.size`` convert ``x`` to NumPy)."""
    return x.size if isinstance(x, np.ndarray) else math.prod(np.shape(x))


def reduced_size(x, axis=None):
    """How many elements of ``x`` a reduction over ``axis`` combines into each
    of its results (read from ``x``'s shape alone)."""
    shape = np.shape(x)
    if axis is None:
        return math.prod(shape)
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return math.prod(shape[a % len(shape)] for a in axes) if shape else 1


def array_copy(x):
    """A copy of the array ``x`` in its own library (``np.copy`` for NumPy)."""
    return x.copy() if is_foreign(x) and hasattr(x, "copy") else np.copy(x)


def in_library_of(value, ref):
    """``value`` (a number or a small NumPy array: a seed, a reduced cotangent) as an
    array of ``ref``'s library when ``ref`` is a foreign array (Dask, CuPy, ...), so
    that broadcasting it to ``ref``'s shape stays in that library (for Dask: a lazy
    broadcast in the graph, not a NumPy array of the data's size built here)."""
    if is_foreign(ref) and not is_foreign(value):
        try:
            return np.asarray(value, like=ref)
        except TypeError:       # (a library without ``like=``: broadcast as before)
            return value
    return value


def like_container(x, items):
    """A list or tuple of ``items`` of the kind of ``x`` (a named tuple such as
    ``np.linalg.svd``'s result keeps its type; its fields are positional)."""
    if isinstance(x, tuple) and hasattr(type(x), "_fields"):
        return type(x)(*items)
    return type(x)(items)


def is_complex(x):
    dt = getattr(x, "dtype", None)
    if dt is not None:
        return np.issubdtype(dt, np.complexfloating)
    return isinstance(x, complex)


def cast_like(ct, x):
    """The cotangent/tangent ``ct`` given the dtype kind of ``x``: the real part
    when ``x`` is real and ``ct`` complex (the JAX convention), complex when
    ``x`` is complex and ``ct`` real, else ``ct``."""
    if ct is None:
        return None
    if isinstance(x, (list, tuple)) and type(ct) is np.ndarray and _shape_of(x) == ct.shape:
        # a list or tuple used as an array: its cotangent is a list or tuple again
        return _structured_like(cast_like(ct, np.asarray(x)), x)
    if type(x) is np.ndarray and isinstance(ct, (list, tuple)) and _shape_of(ct) == x.shape:
        return cast_like(np.asarray(ct), x)
    if type(ct) is np.ndarray and ct.ndim == 0 and type(x) is not np.ndarray:
        ct = ct[()]        # a number's, not a 0-d array (np.where gives those)
    if is_complex(ct):
        return ct if is_complex(x) else np.real(ct)
    if is_complex(x):
        return ct + 0j
    return ct


def _shape_of(x):
    """np.shape of a (nested) list or tuple, None when it is ragged."""
    try:
        return np.shape(x)
    except ValueError:
        return None


def _structured_like(g, x):
    """Array ``g`` split into the nesting of the list/tuple ``x`` (same shape)."""
    if isinstance(x, (list, tuple)):
        return type(x)(_structured_like(g[i], o) for i, o in enumerate(x))
    if isinstance(x, np.ndarray):
        return np.asarray(g)
    return g[()] if isinstance(g, np.ndarray) else g


class ShapeOf:
    """What the adjoint sweep keeps of a value it only needs the shape of:
    saving the array itself would keep it alive (and make every later
    allocation slower); its shape and dtype are all ``unbroadcast`` and
    friends read."""
    __slots__ = ("shape", "dtype", "ndim", "like")

    def __init__(self, value):
        self.shape = np.shape(value)
        self.dtype = getattr(value, "dtype", np.dtype(type(value)) if isinstance(
            value, (int, float, complex)) else None)
        self.ndim = len(self.shape)
        # an empty array of value's library (Dask, CuPy), so zeros made from the
        # shape stay in that library; None for NumPy
        self.like = np.zeros_like(value, shape=(0,)) if is_foreign(value) else None

    def zeros(self, dtype=None):
        """Zeros of this shape (and ``dtype``, default the value's) in the value's library."""
        dtype = self.dtype if dtype is None else dtype
        if self.like is None:
            return np.zeros(self.shape, dtype)
        return np.zeros(self.shape, dtype, like=self.like)

    def __repr__(self):
        return f"ShapeOf{self.shape}"


def shape_of(value):
    """``ShapeOf(value)`` for arrays; numbers are kept as they are (they are small)."""
    if type(value) is float or type(value) is int or value is None:
        return value
    if type(value) is np.ndarray:      # (the common case, without the generic look-ups)
        s = ShapeOf.__new__(ShapeOf)
        s.shape, s.dtype, s.ndim, s.like = value.shape, value.dtype, value.ndim, None
        return s
    return ShapeOf(value)
