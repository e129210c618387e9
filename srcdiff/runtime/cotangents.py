"""Cotangents as values: zeros shaped like a value, sums of two cotangents
(either may be absent), absent parts completed, the seed of a scalar output,
and the cotangents of a rule's result and of list items."""
import sys

import numpy as np

from .values import size_of, like_container, ShapeOf, cast_like
from .saving import Stacked


def items_like(g, x):
    """The cotangent ``g`` of the list or tuple ``x`` as ``x`` holds its items,
    where a NumPy function's rule gave it as one array (shaped like
    ``np.asarray(x)``: ``np.sum(L)``); anything else as it is."""
    if isinstance(x, (list, tuple)) and isinstance(g, np.ndarray):
        return like_container(x, [items_like(g[i], e) for i, e in enumerate(x)])
    return g


def items_array(g, x):
    """The transpose of ``items_like``: a list or tuple cotangent ``g`` of ``x``
    as one array shaped like ``np.asarray(x)``."""
    if isinstance(g, (list, tuple)) and isinstance(x, (list, tuple)):
        return np.asarray(complete_cotangent(g, x))
    return g


def zeros_like_value(x):
    """A zero with the shape and dtype of ``x`` (a Python 0.0 for Python scalars;
    lists, tuples and dicts of zeros for containers)."""
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return 0.0
    if type(x) is ShapeOf:
        return x.zeros()
    if type(x) is Stacked:      # (its value is the copy it holds)
        return zeros_like_value(x.value)
    if isinstance(x, (list, tuple)):      # a container's zero has its structure
        return like_container(x, [zeros_like_value(e) for e in x])
    if isinstance(x, dict):
        return {k: zeros_like_value(v) for k, v in x.items()}
    return np.zeros_like(x)


def rule_cotangents(result, n):
    """A VJP rule's value as a tuple of ``n`` cotangents: a single value is the
    first argument's, and the ones a short tuple leaves out are None (for a rule
    whose source srcdiff cannot read; see rules/registry.py)."""
    if not isinstance(result, tuple):
        result = (result,)
    return tuple(result[:n]) + (None,) * (n - len(result))


def rule_result_like(cts, result):
    """The cotangents ``cts`` (a tuple) arranged as ``result``, a VJP rule's value
    (the transpose of ``rule_cotangents``)."""
    if not isinstance(result, tuple):
        return cts[0]
    return tuple(cts[:len(result)]) + (None,) * (len(result) - len(cts))


def add_cotangents(a, b):
    """``a + b`` for cotangents that may be containers (tuples, lists, dicts,
    added element by element) or ``None`` (an absent cotangent)."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, (tuple, list)):
        return like_container(a, [add_cotangents(x, y) for x, y in zip(a, b)])
    if isinstance(a, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = add_cotangents(out.get(k), v)
        return out
    return a + b


def complete_cotangent(g, x):
    """``g`` with every absent (None) part replaced by zeros shaped like ``x``'s
    (and each part of the dtype kind of ``x``'s: see cast_like)."""
    if g is None:
        if isinstance(x, (tuple, list)):
            return like_container(x, [complete_cotangent(None, e) for e in x])
        if isinstance(x, dict):
            return {k: complete_cotangent(None, v) for k, v in x.items()}
        return zeros_like_value(x)
    if isinstance(g, (tuple, list)) and isinstance(x, (tuple, list)):
        return like_container(x, [complete_cotangent(a, e) for a, e in zip(g, x)])
    if isinstance(g, dict) and isinstance(x, dict):
        return {k: complete_cotangent(g.get(k), v) for k, v in x.items()}
    if isinstance(g, (tuple, list, dict)):
        return g
    return cast_like(g, x)      # real for a real x, complex for a complex x


def scalar_seed(out):
    """The cotangent 1.0 of a real output with one element (shape ``()``, ``(1,)``,
    ``(1, 1)``, ...), shaped like it; refuses any other output with a SrcdiffError
    naming the user's function (the origin of the generated code calling it)."""
    if type(out) is float:
        return 1.0
    kind = getattr(getattr(out, "dtype", None), "kind", None)
    if isinstance(out, (complex, bool, np.bool_)) or kind in ("c", "b"):
        adjective = "complex" if isinstance(out, complex) or kind == "c" else "boolean"
        raise _output_error(
            f"grad needs a real-valued output, but {{}} returned a {adjective} value",
            "differentiate a real function of it (np.real, np.abs, ...), or use "
            "srcdiff.vjp(f, *args) to pass a cotangent for the output yourself")
    if np.ndim(out) == 0:
        return np.ones_like(out) if hasattr(out, "dtype") else 1.0
    if size_of(out) == 1:
        return np.ones_like(out, dtype=np.result_type(out, float))
    raise _output_error(
        f"grad needs a function with a scalar output, but {{}} returned shape {np.shape(out)}",
        "use srcdiff.vjp(f, *args) for a vector-Jacobian product, or "
        "srcdiff.jacobian(f) for the whole Jacobian")


def _output_error(message, hint):
    """The SrcdiffError of scalar_seed, naming the function whose generated code
    called it (its file and line)."""
    from ..errors import SrcdiffError
    from .origins import origin_of
    name, filename, line = origin_of(sys._getframe(2).f_code.co_filename) or ("it", None, None)
    return SrcdiffError(message.format(name), filename, line, hint=hint)


def zeros_like_list(items):
    """A list of zero cotangents, one per element of ``items``."""
    return [zeros_like_value(v) for v in items]
