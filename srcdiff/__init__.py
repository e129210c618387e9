"""srcdiff: source-transformation automatic differentiation for Python/NumPy.

``srcdiff.grad(f)`` reads ``f``'s source and generates a new Python function
computing its gradient; ``srcdiff.source(df)`` shows that code.
"""
from .errors import SrcdiffError
from .rules import vjp_rule, jvp_rule, nondifferentiable
from .api import grad, value_and_grad, vjp, source, show

__version__ = "0.1.0"

__all__ = ["SrcdiffError", "vjp_rule", "jvp_rule", "nondifferentiable", "grad",
           "value_and_grad", "vjp", "source", "show"]
