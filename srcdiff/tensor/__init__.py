"""A PyTorch-style runtime ``Tensor`` on top of NumPy and srcdiff's rule table.

Every differentiable operation a ``Tensor`` records is differentiated by the
rule the source transformer uses (``srcdiff.rules.lookup(func).vjp``):
``t * u`` uses the rule of ``operator.mul``, ``np.sin(t)`` the rule of
``np.sin``, ``t.sum(0)`` the rule of ``np.sum``, ``t[i]`` the rule of
``operator.getitem``. Nothing here knows a derivative of its own.

Graph semantics follow PyTorch: a DAG of nodes from leaves to roots;
``backward()`` runs it in reverse topological order, accumulates into the
``.grad`` of leaves, and frees the graph unless ``retain_graph=True``.

Arrays are never modified in place: an "in-place" operation on a Tensor
(``t += 1``, ``t[i] = v``, ``t.zero_()``) computes a new array and gives it to
the Tensor (recording a node when gradients flow), so values saved by earlier
nodes stay valid. Views (``t[0]``, ``t.T``, ``t.detach()``, ``t.data``, ...)
follow their base as in PyTorch (``srcdiff.tensor.views``); NumPy arrays taken
from a Tensor earlier (``t.numpy()``) do not see the update.

The submodules, each importing only those listed before it:
errors (TensorError) | grad_mode (no_grad, enable_grad, ...) | nodes (graph
nodes) | specialize (rules cut to the cotangents needed) | core (the Tensor
class: storage, metadata, conversions; Parameter) | dims (dim -> axis) |
recording (run a NumPy function on Tensors, record its node) | views (views
and in-place bookkeeping) | backward (the backward pass, hooks) | graph
(requires_grad, backward, detach) | interop (NumPy protocols) | arithmetic
(operators) | inplace (add_, fill_, ...) | indexing (t[i], t[i] = v) |
reductions (sum, max, ...) | maths (exp, clamp, matmul, ...) | shapes
(reshape, T, ...) | casts (clone, type, ...) | ops (softmax, gather, split,
...) | function (custom Functions) | compiled (compile) | factories (tensor,
zeros, randn, ...). The method modules add their methods to ``Tensor``
when this package imports them.
"""
from .errors import TensorError
from .grad_mode import no_grad, enable_grad, set_grad_enabled, is_grad_enabled
from .core import Tensor, Parameter, _rebuild  # noqa: F401  (named by pickles)
from . import graph, interop, arithmetic, inplace, indexing  # noqa: F401  (Tensor's methods)
from . import reductions, maths, shapes, casts, ops  # noqa: F401  (Tensor's methods)
from .function import Function, FunctionCtx
from .compiled import compile
from .factories import (tensor, as_tensor, from_numpy, zeros, ones, full, empty, rand, randn,
                        linspace, arange, zeros_like, ones_like, full_like, rand_like,
                        randn_like, manual_seed)

__all__ = [
    "Tensor", "Parameter", "tensor", "as_tensor", "from_numpy",
    "zeros", "ones", "full", "empty", "rand", "randn", "linspace", "arange",
    "zeros_like", "ones_like", "full_like", "rand_like", "randn_like", "manual_seed",
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "Function", "FunctionCtx", "compile", "TensorError",
]

# The public names (and ``_rebuild``, which pickles of Tensors call) keep the
# module they had before the split: class reprs, pickles and the import lines
# of generated code say ``srcdiff.tensor``.
for _name in __all__ + ["_rebuild"]:
    globals()[_name].__module__ = __name__
del _name
