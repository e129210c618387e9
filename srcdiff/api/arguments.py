"""The kinds of a call's arguments, which generated code is specialised on
(scalars, containers, arrays grouped by shape, objects and functions), and
what integer and non-numeric arguments get: a None gradient, a SrcdiffError
naming the argument."""
import warnings

import numpy as np

from ..errors import SrcdiffError
from ..frontend.records import record_kind
from ..frontend.values import function_kind


def _is_integer(a):
    t = type(a)
    if t is float or t is np.ndarray and a.dtype.kind in "fc":
        return False
    if t is int or t is bool or isinstance(a, (np.integer, np.bool_)):
        return True
    kind = getattr(getattr(a, "dtype", None), "kind", None)
    return kind is not None and kind in "iub"


_CONTAINERS = (list, tuple, dict)


def _array_kind(s, shapes, complex_=False):
    """Arrays of one shape share a group, unless one is complex and the other
    real: code that needs only a shape may read any array of its group (a
    stand-in), and ``unbroadcast(g, x)`` also takes x's dtype kind from it."""
    k = shapes.get((s, complex_))
    if k is None:
        sizes = shapes.setdefault("sizes", {})
        dims = tuple(-1 if n == 1 else sizes.setdefault(n, len(sizes)) for n in s)
        k = shapes[(s, complex_)] = (len(shapes) - 1, len(s), dims, "c" if complex_ else "f")
    return k


def _is_complex_array(a):
    return getattr(getattr(a, "dtype", None), "kind", None) == "c"


def _kind(a, shapes):
    """"s" for a real scalar ("sc" a complex NumPy one), "c" for a container,
    (group, ndim, dims, "f" or "c") for a real or complex array (arrays of equal
    shape and kind share a group; dims names each axis length so that equal
    lengths share a symbol, -1 for length 1), "?" for anything else."""
    t = type(a)
    if t is float or t is int:
        return "s"
    if t is np.ndarray:
        s = a.shape
        return _array_kind(s, shapes, a.dtype.kind == "c") if s else "s"
    if t not in _CONTAINERS:
        rk = record_kind(a) or function_kind(a)
        if rk is not None:
            return rk
    elif t in (list, tuple, dict):
        rk = record_kind(a)         # (a list or dict of objects: records.py)
        if rk is not None:
            return rk
    if isinstance(a, _CONTAINERS):
        return "c"
    if isinstance(a, (np.generic, bool)):
        return "sc" if _is_complex_array(a) else "s"
    s = getattr(a, "shape", None)
    if s is None:
        return "?"
    try:
        s = tuple(int(n) for n in s)
    except (TypeError, ValueError):      # unknown lengths (e.g. some lazy arrays)
        return "?"
    return _array_kind(s, shapes, _is_complex_array(a)) if s else "s"


def arg_key(args):
    """The specialisation key of a call's positional arguments."""
    shapes = {"sizes": {}}
    return tuple([_kind(a, shapes) for a in args])


def _numeric(a):
    if isinstance(a, (list, tuple)):
        return all(_numeric(v) for v in a)
    if isinstance(a, dict):
        return all(_numeric(v) for v in a.values())
    if isinstance(a, (bool, int, float, complex, np.number, np.bool_)):
        return True
    kind = getattr(getattr(a, "dtype", None), "kind", None)
    return kind is not None and kind in "biufc"


def _explain_bad_arguments(disp, args, kwargs, error):
    """Turn a failure caused by a non-numeric argument into a SrcdiffError."""
    for n, p in zip(disp.names, disp.positions):
        if p >= len(args) and n not in kwargs:
            return      # a missing argument: Python's own message names the gradient
        a = args[p] if p < len(args) else kwargs[n]
        if not _numeric(a):
            code = disp.func.__code__
            raise SrcdiffError(
                f"cannot differentiate {disp.func.__qualname__} with respect to {n!r}: "
                f"it is a {type(a).__name__} ({error})", code.co_filename, code.co_firstlineno,
                "pass numbers, NumPy arrays, or tuples/lists/dicts of them") from error


def _drop_integer_grads(args, kwargs, names, positions, grads, single):
    fixed = list(grads) if not single else [grads]
    hit = False
    for k, (n, p) in enumerate(zip(names, positions)):
        a = args[p] if p < len(args) else kwargs.get(n)
        if _is_integer(a):
            warnings.warn(f"srcdiff: argument {n!r} is an integer or boolean; its gradient is None",
                          stacklevel=3)
            fixed[k] = None
            hit = True
    if not hit:
        return grads
    return fixed[0] if single else tuple(fixed)


def _has_integer(args, positions):
    for p in positions:
        a = args[p] if p < len(args) else None
        if a is not None and type(a) is not float and _is_integer(a):
            return True
    return False
