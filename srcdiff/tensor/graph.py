"""A Tensor's place in the graph: ``requires_grad``, ``backward``, hooks,
``retain_grad``, and the Tensors outside it (``detach``, ``.data``)."""
import numpy as np

from ..errors import SrcdiffError
from .backward import register_hook, retain_grad, retains_grad, run_backward
from .core import Tensor, _as_data, _is_inexact, _new, tensor_methods
from .errors import TensorError
from .views import follow_requires_grad, is_diff_view, make_view, own_requires_grad, unlink_views


@tensor_methods
class GraphMethods:
    """Autograd attributes, backward, and detaching."""

    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        flag = bool(flag)
        if self.grad_fn is not None and not flag:
            raise TensorError(
                "you can only change requires_grad flags of leaf Tensors",
                hint="use t.detach() for a Tensor that does not require grad")
        if flag and not _is_inexact(self._data):
            raise TensorError(f"only Tensors of floating point or complex dtype can require "
                              f"gradients (this one is {self._data.dtype})")
        self._rg = flag
        if self._view is not None:
            own_requires_grad(self)
        if self._aux or self._view is not None:
            follow_requires_grad(self)

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    def retain_grad(self):
        """Keep ``.grad`` of a non-leaf Tensor after backward()."""
        retain_grad(self)

    @property
    def retains_grad(self):
        return retains_grad(self)

    def register_hook(self, hook):
        """``hook(grad)`` runs when this Tensor's gradient is computed; a Tensor
        it returns replaces the gradient. Returns a handle with ``.remove()``."""
        return register_hook(self, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``."""
        if create_graph:
            raise SrcdiffError("backward(create_graph=True) is not supported by the Tensor shim",
                               hint="use srcdiff.grad / srcdiff.hessian for higher derivatives")
        if inputs is not None:
            raise SrcdiffError("backward(inputs=...) is not supported by the Tensor shim")
        if not self._rg or self.grad_fn is None and is_diff_view(self):
            raise TensorError("element 0 of tensors does not require grad and does not have "
                              "a grad_fn: nothing to differentiate",
                              hint="create the inputs with requires_grad=True, outside no_grad()")
        data = self._data
        if gradient is None:
            if data.size != 1:
                raise TensorError(
                    f"grad can be implicitly created only for scalar outputs; this Tensor "
                    f"has shape {data.shape}",
                    hint="pass gradient= (a Tensor of the same shape), or reduce it with .sum()")
            g = np.ones(data.shape, data.dtype)
        else:
            g = _as_data(gradient)
            if np.shape(g) != data.shape:
                raise TensorError(f"mismatch in shape: gradient has shape {np.shape(g)} but "
                                  f"the output has shape {data.shape}")
        run_backward([(self, g)], bool(retain_graph))

    def detach(self):
        """A Tensor sharing this one's memory, outside the graph."""
        return make_view(_new(self._data), self, diff=False)

    @property
    def data(self):
        """As in PyTorch: a detached Tensor sharing this one's memory (in-place ops
        on it, ``p.grad.data.zero_()``, change this Tensor's values, untracked).
        It is array-like: ``np.asarray(t.data)`` is the array itself."""
        return make_view(_new(self._data), self, diff=False, own_counter=True)

    @data.setter
    def data(self, value):
        unlink_views(self)
        self._data = value._data if isinstance(value, Tensor) else _as_data(value)

    def detach_(self):
        if self.grad_fn is not None:
            self.grad_fn = None
        self._rg = False
        return self
