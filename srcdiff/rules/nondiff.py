"""Callables whose outputs are constants for differentiation: indices,
predicates, piecewise-constant functions, shapes, array constructors from
shapes, and random draws."""
import numpy as np

from .registry import nondifferentiable

_NUMPY = [
    # indices and orderings
    "argmax", "argmin", "argsort", "argpartition", "argwhere", "nonzero", "flatnonzero",
    "searchsorted", "digitize", "unravel_index", "ravel_multi_index", "lexsort", "nanargmax",
    "nanargmin", "indices", "diag_indices", "tril_indices", "triu_indices", "diag_indices_from",
    "tril_indices_from", "triu_indices_from", "mask_indices",
    # piecewise constant (np.sign has rules in elementwise.py: on complex input it is x / |x|)
    "floor", "ceil", "round", "around", "rint", "trunc", "fix", "heaviside", "signbit",
    "floor_divide", "spacing",
    # predicates and comparisons
    "isnan", "isinf", "isfinite", "isneginf", "isposinf", "isreal", "iscomplex", "isrealobj",
    "iscomplexobj", "isscalar", "isclose", "allclose", "array_equal", "array_equiv", "all", "any",
    "logical_and", "logical_or", "logical_not", "logical_xor", "greater", "greater_equal", "less",
    "less_equal", "equal", "not_equal", "isin", "count_nonzero", "bitwise_and", "bitwise_or",
    "bitwise_xor", "invert", "left_shift", "right_shift", "gcd", "lcm", "bitwise_count",
    # shapes and metadata
    "shape", "ndim", "size", "result_type", "promote_types", "can_cast", "min_scalar_type",
    "broadcast_shapes", "iterable", "issubdtype",
    # constructors from shapes / constants
    # (full, full_like, arange and linspace have rules in shape.py: their values can depend
    # differentiably on fill values / endpoints)
    "zeros", "ones", "empty", "zeros_like", "ones_like", "empty_like", "eye", "identity", "tri",
    # (bincount, unique and unique_values have rules in reductions.py: their values are
    # the weights' sums and the input's values. The histograms have none, so srcdiff
    # refuses them: their counts are piecewise constant, but the bin edges move with the
    # data (linspace(min, max) when bins is a number) and weighted/density histograms are
    # differentiable in the weights, so "constant outputs" would be silently wrong.
    # JAX differentiates jnp.histogram through the edges and the weights; autograd has none.)
]

_RANDOM = [
    "rand", "randn", "randint", "random", "random_sample", "ranf", "sample", "uniform", "normal",
    "standard_normal", "choice", "permutation", "shuffle", "seed", "binomial", "poisson",
    "exponential", "gamma", "beta", "multivariate_normal", "dirichlet", "laplace", "logistic",
    "lognormal", "chisquare", "standard_cauchy", "standard_exponential", "standard_gamma",
    "standard_t", "geometric", "bytes", "default_rng", "get_state", "set_state",
]

_LINALG = ["matrix_rank"]

_FFT = ["fftfreq", "rfftfreq"]


def _collect():
    funcs = []
    for name in _NUMPY:
        f = getattr(np, name, None)
        if f is not None and callable(f):
            funcs.append(f)
    for name in _RANDOM:
        f = getattr(np.random, name, None)
        if f is not None and callable(f):
            funcs.append(f)
    for cls in (np.random.Generator,):
        for name in _RANDOM + ["integers", "standard_normal", "random"]:
            f = getattr(cls, name, None)
            if f is not None and callable(f):
                funcs.append(f)
    for name in _LINALG:
        funcs.append(getattr(np.linalg, name))
    for name in _FFT:
        funcs.append(getattr(np.fft, name))
    return funcs


NONDIFFERENTIABLE = _collect()
nondifferentiable(*NONDIFFERENTIABLE)

from ..runtime import (array_target, fresh_value, int_index, item_alone, same_items,  # noqa: E402
                       not_shared, owned_value, same_length_slice,
                       unshared_at_write)   # (checks generated code makes)

nondifferentiable(int_index)
nondifferentiable(array_target)
nondifferentiable(not_shared)
nondifferentiable(item_alone)
nondifferentiable(same_items)
nondifferentiable(fresh_value)
nondifferentiable(unshared_at_write)
nondifferentiable(owned_value)
nondifferentiable(same_length_slice)
