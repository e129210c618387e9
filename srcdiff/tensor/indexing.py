"""Tensor indexing: ``t[idx]`` (the rule of ``operator.getitem``; a view for
basic indices, as in PyTorch) and ``t[idx] = value`` (the rule of
``index_update``)."""
import operator

import numpy as np

from .core import Tensor, _edge, _ndarray, _new, tensor_methods
from .grad_mode import _state
from .recording import _apply, _record
from .views import _with_ellipsis, make_view, set_values


def _unwrap_index(idx):
    if isinstance(idx, Tensor):
        return idx._data
    if idx.__class__ is tuple:
        return tuple(i._data if isinstance(i, Tensor) else i for i in idx)
    if idx.__class__ is list and any(isinstance(i, Tensor) for i in idx):
        return [i._data if isinstance(i, Tensor) else i for i in idx]
    return idx


def _is_basic_index(idx):
    """An index PyTorch answers with a view: ints, slices, None, Ellipsis."""
    if idx.__class__ is tuple:
        return all(_is_basic_item(i) for i in idx)
    return _is_basic_item(idx)


def _is_basic_item(i):
    return i is None or i is Ellipsis or i.__class__ is slice or \
        (isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_)))


@tensor_methods
class Indexing:
    """``t[idx]`` and ``t[idx] = value``."""

    def __getitem__(self, idx):
        idx = _unwrap_index(idx)
        sd = self._data
        out = sd[idx]
        basic = _is_basic_index(idx)
        if out.__class__ is not _ndarray:
            out = sd[_with_ellipsis(idx)] if basic and sd.__class__ is _ndarray \
                else np.asarray(out)
        if self._rg and _state.enabled:
            res = _record(operator.getitem, out, (sd, idx), {}, [_edge(self, 0)])
        else:
            res = _new(out)
        return make_view(res, self, (operator.getitem, (idx,))) if basic else res

    def __setitem__(self, idx, value):
        self._check_inplace()
        idx = _unwrap_index(idx)
        vrg = isinstance(value, Tensor) and value._rg
        if (self._rg or vrg) and _state.enabled:
            from ..runtime import index_update
            self._assign(_apply(index_update, (self, idx, value)))
            return
        new = self._data.copy()
        new[idx] = value._data if isinstance(value, Tensor) else value
        set_values(self, new)
