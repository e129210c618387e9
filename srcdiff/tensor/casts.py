"""Tensor copies and dtype casts: ``clone``, ``contiguous``, ``to``, ``type``,
``double``, ``float``, ``long``, ``int``, ``bool``, ``cpu``."""
import numpy as np

from .core import _ndarray, _new, tensor_methods
from .grad_mode import _state
from .recording import _apply


@tensor_methods
class CopiesAndCasts:
    """Copies, and casts to another dtype."""

    def clone(self):
        if self._rg and _state.enabled:
            return _apply(np.positive, (self,))     # a copy; rule of np.positive
        return _new(self._data.copy())

    def contiguous(self):
        d = self._data
        if d.__class__ is not _ndarray or d.flags.c_contiguous:
            return self
        return self.clone()

    def to(self, dtype=None, *args, **kwargs):
        if dtype is None or isinstance(dtype, str) and dtype in ("cpu",):
            return self
        return self.type(dtype)

    def type(self, dtype=None):
        if dtype is None:
            return str(self._data.dtype)
        if np.dtype(dtype) == self._data.dtype:
            return self
        return _apply(np.astype, (self, np.dtype(dtype)))

    def double(self):
        return self.type(np.float64)

    def float(self):
        return self.type(np.float32)

    def long(self):
        return _new(self._data.astype(np.int64))

    def int(self):
        return _new(self._data.astype(np.int32))

    def bool(self):
        return _new(self._data.astype(bool))

    def cpu(self):
        return self
