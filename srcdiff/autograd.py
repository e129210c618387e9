"""PyTorch's functional autograd API for the Tensor shim:
``srcdiff.autograd.grad(outputs, inputs, grad_outputs=None, retain_graph=False)``
(the backward pass itself is ``srcdiff.tensor.backward.run_backward``).
"""
import numpy as np

from .errors import SrcdiffError
from .tensor.backward import run_backward
from .tensor.core import Tensor, _as_data, _new
from .tensor.errors import TensorError

__all__ = ["grad", "run_backward"]


def _as_list(x):
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """The gradients of ``outputs`` with respect to ``inputs`` (a tuple of
    Tensors, one per input), as ``torch.autograd.grad``: nothing is
    accumulated into ``.grad``. ``grad_outputs`` defaults to ones for
    single-element outputs; an input the outputs do not depend on raises
    unless ``allow_unused=True`` (then its gradient is ``None``)."""
    if create_graph:
        raise SrcdiffError("autograd.grad(create_graph=True) is not supported by the Tensor shim",
                           hint="use srcdiff.grad / srcdiff.hessian for higher derivatives")
    outputs = _as_list(outputs)
    inputs = _as_list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    grad_outputs = _as_list(grad_outputs) if not isinstance(grad_outputs, (list, tuple)) \
        else list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise TensorError(f"grad_outputs has {len(grad_outputs)} items for "
                          f"{len(outputs)} outputs")
    roots = []
    for out, g in zip(outputs, grad_outputs):
        if not out._rg:
            raise TensorError("element 0 of tensors does not require grad and does not have "
                              "a grad_fn")
        roots.append((out, _root_cotangent(out, g)))
    keys = []
    for t in inputs:
        if not t._rg:
            raise TensorError("one of the differentiated Tensors does not require grad")
        keys.append(t if t.grad_fn is None else (t.grad_fn, t._oi))
    capture = dict.fromkeys(keys)
    run_backward(roots, bool(retain_graph), capture)
    result = []
    for t, key in zip(inputs, keys):
        g = capture[key]
        if g is None and not allow_unused:
            raise TensorError("one of the differentiated Tensors appears to not have been "
                              "used in the graph", hint="set allow_unused=True if this is "
                                                        "the desired behavior")
        result.append(None if g is None else _new(np.array(g, dtype=t._data.dtype)))
    return tuple(result)


def _root_cotangent(out, g):
    data = out._data
    if g is None:
        if data.size != 1:
            raise TensorError(
                f"grad can be implicitly created only for scalar outputs; this Tensor "
                f"has shape {data.shape}", hint="pass grad_outputs= (or gradient=)")
        return np.ones(data.shape, data.dtype)
    g = _as_data(g)
    if np.shape(g) != data.shape:
        raise TensorError(f"mismatch in shape: gradient has shape {np.shape(g)} but "
                          f"the output has shape {data.shape}")
    return g
