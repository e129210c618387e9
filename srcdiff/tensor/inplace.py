"""Tensor's in-place operations (``+=``, ``add_``, ``copy_``, ``fill_``,
``zero_``, ...): each computes its new values out of place and hands them to
the Tensor (see ``views``)."""
import numpy as np

from .core import Tensor, tensor_methods
from .grad_mode import _state
from .recording import _apply
from .views import check_inplace, check_overlap, commit, set_values


@tensor_methods
class InPlaceMethods:
    """In-place operators and methods (named with a trailing ``_``)."""

    def _check_inplace(self):
        check_inplace(self)

    def _assign(self, result):
        """Make ``self`` hold ``result`` (an in-place update done out of place)."""
        return commit(self, result)

    def _inplace(self, func, other):
        self._check_inplace()
        check_overlap(self, other)
        return self._assign(func(self, other))

    def __iadd__(self, other):
        return self._inplace(Tensor.__add__, other)

    def __isub__(self, other):
        return self._inplace(Tensor.__sub__, other)

    def __imul__(self, other):
        return self._inplace(Tensor.__mul__, other)

    def __itruediv__(self, other):
        return self._inplace(Tensor.__truediv__, other)

    def __ipow__(self, other):
        return self._inplace(Tensor.__pow__, other)

    def __imatmul__(self, other):
        return self._inplace(Tensor.__matmul__, other)

    def add_(self, other, alpha=1):
        return self._inplace(Tensor.__add__, other if alpha == 1 else other * alpha)

    def sub_(self, other, alpha=1):
        return self._inplace(Tensor.__sub__, other if alpha == 1 else other * alpha)

    def mul_(self, other):
        return self._inplace(Tensor.__mul__, other)

    def div_(self, other):
        return self._inplace(Tensor.__truediv__, other)

    def clamp_(self, min=None, max=None):
        self._check_inplace()
        return self._assign(self.clamp(min, max))

    def copy_(self, src):
        self._check_inplace()
        check_overlap(self, src)
        self[...] = src
        return self

    def fill_(self, value):
        """Set every element to ``value`` (a constant: no gradient flows back)."""
        self._check_inplace()
        if _state.enabled and (self._rg or isinstance(value, Tensor) and value._rg):
            from ..runtime import index_update    # recorded: no gradient to the old values
            return commit(self, _apply(index_update, (self, Ellipsis, value)), fill=True)
        return set_values(self, np.full_like(
            self._data, value._data if isinstance(value, Tensor) else value), fill=True)

    def zero_(self):
        return self.fill_(0)

    def uniform_(self, a=0.0, b=1.0):
        self._check_inplace()
        return set_values(self, np.random.uniform(a, b, self._data.shape))

    def normal_(self, mean=0.0, std=1.0):
        self._check_inplace()
        return set_values(self, np.random.normal(mean, std, self._data.shape))
