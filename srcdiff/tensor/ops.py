"""More Tensor methods, the ones PyTorch users reach for: ``softmax``,
``log_softmax``, ``logsumexp``, ``masked_fill``, ``gather``,
``index_select``, ``split``/``chunk``/``unbind``/``narrow``, ``tril``/``triu``,
``clamp_min``/``clamp_max`` and the comparison methods (``eq``, ``lt``, ...).

Each is differentiated by a rule of the table. ``sigmoid``, ``log_sigmoid``,
``logsumexp``, ``softmax`` and ``log_softmax`` are NumPy functions of this
module, written with the numerically stable formulas PyTorch uses, with rules
of their own (SciPy, which has such functions, is optional).
"""
import operator

import numpy as np

from ..rules import jvp_rule, vjp_rule
from .arithmetic import _compare
from .core import Tensor
from .dims import _axis
from .recording import _apply

__all__ = ["sigmoid", "log_sigmoid", "logsumexp", "softmax", "log_softmax"]


# --------------------------------------------------------------------------
# NumPy functions with rules


def sigmoid(x):
    """``1 / (1 + exp(-x))`` without overflow (``exp(-|x|)`` only)."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


@vjp_rule(sigmoid)
def sigmoid_vjp(g, ans, x):
    return g * ans * (1 - ans)


@jvp_rule(sigmoid)
def sigmoid_jvp(ans, x, *, dx):
    return dx * ans * (1 - ans)


def log_sigmoid(x):
    """``log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|))``."""
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


@vjp_rule(log_sigmoid)
def log_sigmoid_vjp(g, ans, x):
    return g * sigmoid(-x)


@jvp_rule(log_sigmoid)
def log_sigmoid_jvp(ans, x, *, dx):
    return dx * sigmoid(-x)


def _shift(x, axis):
    """The maximum along ``axis`` (kept), 0 where it is not finite."""
    m = np.max(x, axis=axis, keepdims=True)
    return np.where(np.isfinite(m), m, 0)


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x), axis))``, shifted by the maximum."""
    m = _shift(x, axis)
    s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    if keepdims:
        return s
    return s.reshape(()) if axis is None else np.squeeze(s, axis=axis)


def _keep_reduced(r, x, axis, keepdims):
    if keepdims or axis is None and np.ndim(r) == 0 and np.ndim(x) == 0:
        return r
    if axis is None:
        return np.reshape(r, (1,) * np.ndim(x))
    return np.expand_dims(r, axis)


@vjp_rule(logsumexp)
def logsumexp_vjp(g, ans, x, axis=None, keepdims=False):
    return _keep_reduced(g, x, axis, keepdims) * np.exp(x - _keep_reduced(ans, x, axis, keepdims))


@jvp_rule(logsumexp)
def logsumexp_jvp(ans, x, axis=None, keepdims=False, *, dx):
    w = np.exp(x - _keep_reduced(ans, x, axis, keepdims))
    return np.sum(w * dx, axis=axis, keepdims=keepdims)


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x), axis)``, shifted by the maximum."""
    e = np.exp(x - _shift(x, axis))
    return e / np.sum(e, axis=axis, keepdims=True)


@vjp_rule(softmax)
def softmax_vjp(g, ans, x, axis=-1):
    return ans * (g - np.sum(g * ans, axis=axis, keepdims=True))


@jvp_rule(softmax)
def softmax_jvp(ans, x, axis=-1, *, dx):
    return ans * (dx - np.sum(dx * ans, axis=axis, keepdims=True))


def log_softmax(x, axis=-1):
    """``x - logsumexp(x, axis)``."""
    return x - logsumexp(x, axis=axis, keepdims=True)


@vjp_rule(log_softmax)
def log_softmax_vjp(g, ans, x, axis=-1):
    return g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True)


@jvp_rule(log_softmax)
def log_softmax_jvp(ans, x, axis=-1, *, dx):
    return dx - np.sum(np.exp(ans) * dx, axis=axis, keepdims=True)


# --------------------------------------------------------------------------
# Tensor methods


def _dim(t, dim):
    """``dim`` as an axis (None on a 0-d Tensor, where PyTorch takes 0 and -1)."""
    return _axis(dim, None, t)


def _softmax(self, dim, dtype=None):
    x = self if dtype is None else self.type(dtype)
    return _apply(softmax, (x, _dim(self, dim)))


def _log_softmax(self, dim, dtype=None):
    x = self if dtype is None else self.type(dtype)
    return _apply(log_softmax, (x, _dim(self, dim)))


def _logsumexp(self, dim, keepdim=False):
    return _apply(logsumexp, (self, _dim(self, dim), bool(keepdim)))


def _sigmoid(self):
    return _apply(sigmoid, (self,))


def _masked_fill(self, mask, value):
    """``value`` where ``mask`` is true (no gradient reaches ``self`` there)."""
    mask = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"masked_fill expects a boolean mask, got {mask.dtype}")
    if not isinstance(value, Tensor):
        value = np.asarray(value, dtype=self._data.dtype)
    elif value._data.ndim:
        raise ValueError("masked_fill only supports a 0-dimensional value tensor")
    out = _apply(np.where, (mask, value, self))
    if out.shape != self.shape:
        raise ValueError(f"the mask of shape {mask.shape} does not broadcast to {self.shape}")
    return out


def _masked_fill_(self, mask, value):
    self._check_inplace()
    return self._assign(_masked_fill(self, mask, value))


def _gather(self, dim, index):
    """``out[..., i, ...] = self[..., index[..., i, ...], ...]`` along ``dim``."""
    index = index._data if isinstance(index, Tensor) else np.asarray(index)
    ndim = self._data.ndim
    if index.ndim != max(ndim, 1) and ndim:
        raise RuntimeError("index tensor must have the same number of dimensions as input")
    if ndim == 0:
        return _apply(np.take, (self.reshape(1), index.reshape(-1)[0]))
    dim = dim % ndim
    src = self
    if any(index.shape[d] < self._data.shape[d] for d in range(ndim) if d != dim):
        src = _apply(operator.getitem, (self, tuple(
            slice(None) if d == dim else slice(0, index.shape[d]) for d in range(ndim))))
    return _apply(np.take_along_axis, (src, index, dim))


def _index_select(self, dim, index):
    index = index._data if isinstance(index, Tensor) else np.asarray(index)
    if index.ndim > 1:
        raise IndexError("index_select(): index must be a vector")
    if self._data.ndim == 0:
        return _apply(np.take, (self.reshape(1), index.reshape(-1)[0]))
    return _apply(np.take, (self, index.reshape(-1)), {"axis": dim})


def _select(t, dim, start, stop):
    ndim = t._data.ndim
    dim = dim % ndim
    return (slice(None),) * dim + (slice(start, stop),)


def _split(self, split_size_or_sections, dim=0):
    n = self._data.shape[dim]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                               f"(input tensor's size at dimension {dim}), but got {sizes}")
    else:
        size = int(split_size_or_sections)
        if size <= 0:
            raise ValueError("split_size must be positive")
        sizes = [min(size, n - s) for s in range(0, n, size)] or [0]
    return _pieces(self, dim, sizes)


def _pieces(t, dim, sizes):
    out = []
    start = 0
    for s in sizes:
        out.append(_multi_view(t[_select(t, dim, start, start + s)]))
        start += s
    return tuple(out)


def _multi_view(v):
    if v._view is not None:
        v._view.multi = True
    return v


def _chunk(self, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0")
    n = self._data.shape[dim]
    size = -(-n // chunks)
    return _split(self, max(size, 1), dim) if n else _pieces(self, dim, [0] * chunks)


def _unbind(self, dim=0):
    ndim = self._data.ndim
    d = dim % ndim
    return tuple(_multi_view(self[(slice(None),) * d + (i,)])
                 for i in range(self._data.shape[d]))


def _narrow(self, dim, start, length):
    n = self._data.shape[dim]
    start = start + n if start < 0 else start
    if not 0 <= start <= n or length < 0 or start + length > n:
        raise IndexError(f"narrow(): start ({start}) + length ({length}) exceeds "
                         f"dimension size ({n})")
    return self[_select(self, dim, start, start + length)]


def _tril(self, diagonal=0):
    return _apply(np.tril, (self, diagonal))


def _triu(self, diagonal=0):
    return _apply(np.triu, (self, diagonal))


def _clamp_min(self, min):
    return self.clamp(min=min)


def _clamp_max(self, max):
    return self.clamp(max=max)


def _where(self, condition, other):
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    return _apply(np.where, (cond, self, other))


METHODS = {
    "softmax": _softmax, "log_softmax": _log_softmax, "logsumexp": _logsumexp,
    "sigmoid": _sigmoid, "masked_fill": _masked_fill, "masked_fill_": _masked_fill_,
    "gather": _gather, "index_select": _index_select, "split": _split, "chunk": _chunk,
    "unbind": _unbind, "narrow": _narrow, "tril": _tril, "triu": _triu,
    "clamp_min": _clamp_min, "clamp_max": _clamp_max, "where": _where,
    "eq": _compare(operator.eq), "ne": _compare(operator.ne), "lt": _compare(operator.lt),
    "le": _compare(operator.le), "gt": _compare(operator.gt), "ge": _compare(operator.ge),
}
METHODS.update(not_equal=METHODS["ne"], less=METHODS["lt"], less_equal=METHODS["le"],
               greater=METHODS["gt"], greater_equal=METHODS["ge"])

for _name, _method in METHODS.items():
    setattr(Tensor, _name, _method)
