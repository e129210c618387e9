"""Tensor's shape methods (``reshape``, ``view``, ``flatten``, ``squeeze``,
``expand``, ``T``, ``permute``, ...): views of their input where NumPy makes
one, as in PyTorch."""
import numpy as np

from .core import _ndarray, tensor_methods
from .dims import _check_dims, _shape_arg
from .errors import TensorError
from .recording import _apply
from .views import view_step


@tensor_methods
class ShapeMethods:
    """Reshaping, transposing, expanding and flipping."""

    def reshape(self, *shape):
        shape = _shape_arg(shape)
        return view_step(_apply(np.reshape, (self, shape)), self, np.reshape, (shape,))

    def view(self, *shape):
        out = self.reshape(*shape)
        if out._view is None and out._data.size and self._data.__class__ is _ndarray:
            raise TensorError("view size is not compatible with input tensor's size and "
                              "stride", hint="use .reshape(...) instead")
        return out

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        shape = self._data.shape
        if not shape:
            return self.reshape(1)
        s, e = start_dim % len(shape), end_dim % len(shape)
        if s == e:
            return self
        return self.reshape(shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])

    def squeeze(self, dim=None):
        shape = self._data.shape
        if dim is None:
            return self.reshape(tuple(n for n in shape if n != 1))
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        if not shape:
            _check_dims(dims, 0)
            return self.reshape(())
        drop = {d % len(shape) for d in dims if shape[d] == 1}
        return self.reshape(tuple(n for k, n in enumerate(shape) if k not in drop))

    def unsqueeze(self, dim):
        return view_step(_apply(np.expand_dims, (self, dim)), self, np.expand_dims, (dim,))

    def expand(self, *sizes):
        sizes = _shape_arg(sizes)
        shape = self._data.shape
        lead = len(sizes) - len(shape)
        full_shape = tuple(s if n == -1 else n for n, s in
                           zip(sizes, (1,) * lead + shape))
        return self._view_op(np.broadcast_to, full_shape)

    def expand_as(self, other):
        return self._view_op(np.broadcast_to, tuple(other.shape))

    def _view_op(self, func, *args):
        return view_step(_apply(func, (self,) + args), self, func, args)

    @property
    def T(self):
        return self._view_op(np.transpose)

    @property
    def mT(self):
        return self._view_op(np.swapaxes, -1, -2)

    def t(self):
        if self._data.ndim > 2:
            raise TensorError(f"t() expects a Tensor with <= 2 dimensions, got {self._data.ndim}")
        return self._view_op(np.transpose)

    def transpose(self, dim0, dim1):
        return self._view_op(np.swapaxes, dim0, dim1)

    def permute(self, *dims):
        return self._view_op(np.transpose, _shape_arg(dims))

    def flip(self, dims):
        return _apply(np.flip, (self,), {"axis": dims})
