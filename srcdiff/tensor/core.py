"""The ``Tensor`` class: its storage, metadata and conversions, and the
constructors every module of the package makes Tensors with.

Tensor's other methods are written in the modules that know how to do them
(operators, reductions, views, the backward pass, ...) as classes decorated
with ``tensor_methods``, which adds their methods to ``Tensor``. This module
imports none of those modules, so they can all import it; ``srcdiff.tensor``
imports them all.
"""
import operator

import numpy as np

from .errors import TensorError

_ndarray = np.ndarray
_generic = np.generic
_new_object = object.__new__


def _as_data(x, dtype=None):
    if x.__class__ is _ndarray:
        return x if dtype is None else x.astype(dtype, copy=False)
    if isinstance(x, Tensor):
        return _as_data(x._data, dtype)
    if isinstance(x, (_generic, list, tuple, int, float, complex, bool)) \
            or not hasattr(x, "__array_function__"):
        return np.asarray(x, dtype=dtype)
    return x if dtype is None else x.astype(dtype)   # a duck array (CuPy, Dask): kept


def _new(data):
    t = _new_object(Tensor)
    t._data = data
    t._rg = False
    t.grad = None
    t.grad_fn = None
    t._oi = 0
    t._view = None
    t._aux = None
    return t


def _new_out(data, node, oi=0):
    t = _new_object(Tensor)
    t._data = data
    t._rg = True
    t.grad = None
    t.grad_fn = node
    t._oi = oi
    t._view = None
    t._aux = None
    return t


def _wrap(out):
    """Wrap a raw result: arrays and NumPy scalars become Tensors, containers
    are wrapped element-wise, Python values (shapes, bools) are returned as is."""
    cls = out.__class__
    if cls is _ndarray:
        return _new(out)
    if isinstance(out, _generic):
        return _new(np.asarray(out))
    if cls is tuple or cls is list:
        return cls(_wrap(o) for o in out)
    if isinstance(out, tuple) and hasattr(out, "_fields"):
        return cls(*(_wrap(o) for o in out))
    if hasattr(out, "__array_function__") and hasattr(out, "shape"):
        return _new(out)
    return out


def _is_inexact(x):
    dt = getattr(x, "dtype", None)
    if dt is None:
        return isinstance(x, (float, complex))
    return dt.kind in "fc"


def _edge(t, pos, sub=None):
    """``(position, sub_index, target, output_index, shape, target_is_node)``"""
    fn = t.grad_fn
    if fn is None:
        return (pos, sub, t, 0, t._data.shape, False)
    return (pos, sub, fn, t._oi, t._data.shape, True)


class Tensor:
    """An ndarray with PyTorch-style autograd (see ``srcdiff.tensor``).

    ``Tensor(data, requires_grad=False, dtype=None)`` wraps ``data`` without a
    copy; ``srcdiff.tensor(...)`` copies.
    """

    __slots__ = ("_data", "_rg", "grad", "grad_fn", "_oi", "_view", "_aux", "__weakref__")
    __array_priority__ = 1000

    def __init__(self, data, requires_grad=False, dtype=None):
        self._data = _as_data(data, dtype)
        self._rg = False
        self.grad = None
        self.grad_fn = None
        self._oi = 0
        self._view = None
        self._aux = None
        if requires_grad:
            self.requires_grad = True      # the property is graph.py's

    @property
    def is_leaf(self):
        return self.grad_fn is None

    # ---- conversions ------------------------------------------------------
    def copy(self):
        """A NumPy copy of the values (for code written when ``.data`` was an ndarray)."""
        return self._data.copy()

    def numpy(self, force=False):
        if self._rg and not force:
            raise TensorError("can't call numpy() on a Tensor that requires grad",
                              hint="use t.detach().numpy()")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self._rg:
            raise TensorError("can't convert a Tensor that requires grad to a NumPy array "
                              "(its gradient would be lost)",
                              hint="use t.detach().numpy(), or a NumPy function that the "
                                   "Tensor dispatches (np.sin(t), np.sum(t), ...)")
        data = self._data
        if dtype is not None and data.dtype != dtype:
            return data.astype(dtype)
        if copy:
            return data.copy()
        return data

    def item(self):
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def __float__(self):
        return float(self._data)

    def __int__(self):
        return int(self._data)

    def __index__(self):
        return operator.index(self._data.item()) if self._data.size == 1 else \
            operator.index(self._data)

    def __bool__(self):
        return bool(self._data)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(len(self._data)):
            yield self[i]

    def __hash__(self):
        return id(self)

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return format(repr(self), spec)

    def __repr__(self):
        text = np.array_repr(self._data)
        if text.startswith("array("):
            text = "tensor(" + text[6:].replace("\n", "\n ")
        extra = ""
        if self.grad_fn is not None:
            extra = f", grad_fn=<{self.grad_fn.name()}>"
        elif self._rg:
            extra = ", requires_grad=True"
        if extra and text.endswith(")"):
            text = text[:-1] + extra + ")"
        return text

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise TensorError("only leaf Tensors (created by the user) support deepcopy",
                              hint="deepcopy t.detach()")
        t = type(self).__new__(type(self))
        t._data = self._data.copy()
        t._rg = self._rg
        t.grad = None if self.grad is None else self.grad.__deepcopy__(memo)
        t.grad_fn = None
        t._oi = 0
        t._view = None
        t._aux = None
        memo[id(self)] = t
        return t

    def __reduce_ex__(self, protocol):
        if self.grad_fn is not None:
            raise TensorError("only leaf Tensors can be pickled; pickle t.detach()")
        return (_rebuild, (type(self), self._data, self._rg))

    # ---- metadata ---------------------------------------------------------
    @property
    def shape(self):
        return self._data.shape

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def device(self):
        return "cpu"

    def size(self, dim=None):
        return self._data.shape if dim is None else self._data.shape[dim]

    def numel(self):
        return self._data.size

    def dim(self):
        return self._data.ndim

    def nelement(self):
        return self._data.size


def _rebuild(cls, data, rg):
    """A Tensor unpickled (see ``Tensor.__reduce_ex__``)."""
    t = cls.__new__(cls)
    Tensor.__init__(t, data, rg)
    return t


class Parameter(Tensor):
    """A Tensor that a ``srcdiff.nn.Module`` registers as a parameter
    (``requires_grad=True`` unless told otherwise)."""

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = np.empty(0)
        Tensor.__init__(self, _as_data(data), requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)


# attributes of every class, not methods of a group (Tensor's __hash__ is its own:
# a group defining __eq__ gets __hash__ = None)
_NOT_METHODS = frozenset(vars(type("Empty", (), {}))) | {"__hash__"}


def tensor_methods(group):
    """Class decorator: the methods, properties and attributes that ``group``
    defines become Tensor's (named ``Tensor.<name>``, as if written there)."""
    prefix = group.__qualname__ + "."
    for name, value in vars(group).items():
        if name in _NOT_METHODS:
            continue
        for func in (value.fget, value.fset) if isinstance(value, property) else (value,):
            qualname = getattr(func, "__qualname__", "")
            if qualname.startswith(prefix):
                func.__qualname__ = "Tensor." + qualname[len(prefix):]
        setattr(Tensor, name, value)
    return group
