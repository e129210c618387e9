"""The rule table. Importing this package registers every built-in rule.

Complex numbers follow the JAX/autograd convention: the cotangent of a
complex value ``z`` is ``dL/dRe(z) - 1j * dL/dIm(z)``, i.e. the cotangent
``c`` pairs with a tangent ``t`` as ``Re(sum(c * t))`` (no conjugation),
so holomorphic functions have the rule ``g * f'(z)``.

Each family's rules (``elementwise``, ``reductions``, ``products``,
``shape``, ``linalg``, ``fft``...) read as a table of derivatives; the pieces
of those derivatives that need branching or shape logic are in the matching
``*_derivatives`` module, each with rules of its own so that derivative code
can be differentiated again.
"""
from .registry import (Rule, vjp_rule, jvp_rule, nondifferentiable, lookup, all_rules,
                       qualified_name, register_linear)
from . import operators, elementwise, reductions, products, runtime_rules, indexing, builtins, zero_fill, reduction_derivatives, shape_derivatives, product_derivatives, linalg_derivatives, fft_derivatives, shape, linalg, forward_writes, fft, special, mathmod, nondiff, integrate, scipy_linalg, linalg_eig, signal, polynomial, array_extra, special_extra, stats, stats_multivariate  # noqa: F401,E501  (registration)
from . import windows  # noqa: F401,E402  (registration)
from . import items  # noqa: F401,E402  (registration)
from . import ufunc_methods  # noqa: F401,E402  (registration)
