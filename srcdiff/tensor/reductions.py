"""Tensor's reductions (``sum``, ``mean``, ``var``, ``max``, ``argmax``,
``cumsum``, ``norm``, ``all``, ...), each the NumPy function whose rule
differentiates it."""
import collections

import numpy as np

from .core import Tensor, _ndarray, _new, tensor_methods
from .dims import _axis, _keep
from .recording import _apply


_MaxMin = collections.namedtuple("_MaxMin", ["values", "indices"])


@tensor_methods
class Reductions:
    """Reductions along dimensions, PyTorch's signatures."""

    def sum(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
        kw = {"axis": _axis(dim, axis, self)}
        if _keep(keepdim, keepdims):
            kw["keepdims"] = True
        if dtype is not None:
            kw["dtype"] = dtype
        return _apply(np.sum, (self,), kw)

    def mean(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
        kw = {"axis": _axis(dim, axis, self)}
        if _keep(keepdim, keepdims):
            kw["keepdims"] = True
        if dtype is not None:
            kw["dtype"] = dtype
        return _apply(np.mean, (self,), kw)

    def prod(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        kw = {"axis": _axis(dim, axis, self)}
        if _keep(keepdim, keepdims):
            kw["keepdims"] = True
        return _apply(np.prod, (self,), kw)

    def var(self, dim=None, unbiased=True, keepdim=False, *, correction=None, axis=None,
            keepdims=None):
        ddof = correction if correction is not None else (1 if unbiased else 0)
        kw = {"axis": _axis(dim, axis, self), "ddof": ddof}
        if _keep(keepdim, keepdims):
            kw["keepdims"] = True
        return _apply(np.var, (self,), kw)

    def std(self, dim=None, unbiased=True, keepdim=False, *, correction=None, axis=None,
            keepdims=None):
        ddof = correction if correction is not None else (1 if unbiased else 0)
        kw = {"axis": _axis(dim, axis, self), "ddof": ddof}
        if _keep(keepdim, keepdims):
            kw["keepdims"] = True
        return _apply(np.std, (self,), kw)

    def _extremum(self, reduce, elementwise, arg, dim, keepdim, axis, keepdims):
        if isinstance(dim, (Tensor, _ndarray)):
            return _apply(elementwise, (self, dim))
        ax = _axis(dim, axis, self)
        keep = _keep(keepdim, keepdims)
        if dim is None and axis is None or ax is None:
            values = _apply(reduce, (self,), {"axis": None})    # ties share the gradient
            if dim is None and axis is None:
                return values
            return _MaxMin(values, _new(np.asarray(0)))
        # the gradient goes to the index returned (PyTorch's max(dim)), ties or not
        idx = np.expand_dims(arg(self._data, axis=ax), ax)
        values = _apply(np.take_along_axis, (self, idx, ax))
        if not keep:
            values = _apply(np.squeeze, (values,), {"axis": ax})
            idx = np.squeeze(idx, axis=ax)
        return _MaxMin(values, _new(np.asarray(idx)))

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """``t.max()``: the largest element; ``t.max(dim)``: ``(values, indices)``;
        ``t.max(other)``: the elementwise maximum."""
        return self._extremum(np.max, np.maximum, np.argmax, dim, keepdim, axis, keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return self._extremum(np.min, np.minimum, np.argmin, dim, keepdim, axis, keepdims)

    def amax(self, dim=None, keepdim=False):
        return _apply(np.max, (self,), {"axis": _axis(dim, None, self),
                                          "keepdims": bool(keepdim)})

    def amin(self, dim=None, keepdim=False):
        return _apply(np.min, (self,), {"axis": _axis(dim, None, self),
                                          "keepdims": bool(keepdim)})

    def argmax(self, dim=None, keepdim=False):
        return _new(np.asarray(np.argmax(self._data, axis=_axis(dim, None, self),
                                         keepdims=bool(keepdim))))

    def argmin(self, dim=None, keepdim=False):
        return _new(np.asarray(np.argmin(self._data, axis=_axis(dim, None, self),
                                         keepdims=bool(keepdim))))

    def maximum(self, other):
        return _apply(np.maximum, (self, other))

    def minimum(self, other):
        return _apply(np.minimum, (self, other))

    def cumsum(self, dim=None, *, axis=None):
        out = _apply(np.cumsum, (self,), {"axis": _axis(dim, axis, self)})
        return out if self._data.ndim else _apply(np.reshape, (out, ()))

    def norm(self, p=2, dim=None, keepdim=False):
        dim = _axis(dim, None, self)
        return _apply(np.linalg.norm, (self,), {"ord": None if p == 2 and dim is None else p,
                                                 "axis": dim, "keepdims": bool(keepdim)})

    def all(self, *args, **kwargs):
        return _new(np.asarray(np.all(self._data, *args, **kwargs)))

    def any(self, *args, **kwargs):
        return _new(np.asarray(np.any(self._data, *args, **kwargs)))
