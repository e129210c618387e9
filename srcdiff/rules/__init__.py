"""The rule table. Importing this package registers every built-in rule."""
from .registry import (Rule, vjp_rule, jvp_rule, nondifferentiable, lookup, all_rules,
                       qualified_name, register_linear)
from . import operators, elementwise, reductions, products, helpers, indexing, builtins, support, shape, linalg, forward_helpers, fft, special, mathmod, nondiff, integrate, scipy_linalg, linalg_eig, signal, polynomial, array_extra, special_extra, stats, stats_multivariate  # noqa: F401,E501  (registration)
from . import windows  # noqa: F401,E402  (registration)
from . import items  # noqa: F401,E402  (registration)
from . import ufunc_methods  # noqa: F401,E402  (registration)
