"""srcdiff: source-transformation automatic differentiation for Python/NumPy.

``srcdiff.grad(f)`` reads ``f``'s source and generates a new Python function
computing its gradient; ``srcdiff.source(df)`` shows that code.
"""
from .errors import SrcdiffError
from .rules import vjp_rule, jvp_rule, nondifferentiable
from .api.reverse_mode import grad, value_and_grad, vjp, source, show
from .api.check import gradcheck
from .api.forward_mode import jvp, jacobian, hessian, hvp, jvp_source
from .tensor import (Tensor, Parameter, tensor, as_tensor, from_numpy, zeros, ones, full, empty,
                     rand, randn, linspace, arange, zeros_like, ones_like, full_like, rand_like,
                     randn_like, manual_seed, no_grad, enable_grad, set_grad_enabled,
                     is_grad_enabled, Function, compile)
from . import nn, optim, autograd
from .api.jit import jit

__version__ = "0.1.0"

__all__ = ["SrcdiffError", "vjp_rule", "jvp_rule", "nondifferentiable", "grad",
           "value_and_grad", "vjp", "source", "show", "gradcheck", "jvp", "jacobian", "hessian",
           "hvp", "jvp_source",
           "Tensor", "Parameter", "tensor", "as_tensor", "from_numpy", "zeros", "ones", "full",
           "empty", "rand", "randn", "linspace", "arange", "zeros_like", "ones_like",
           "full_like", "rand_like", "randn_like", "manual_seed", "no_grad", "enable_grad",
           "set_grad_enabled", "is_grad_enabled", "Function", "compile", "nn", "optim", "autograd", "jit"]
