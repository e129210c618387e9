"""A forward-mode call's arguments as generated forward code takes them: every
parameter's value (defaults filled in), objects as containers of their fields,
the user's tangents in the primals' form, the ``wrt`` parameters' positions."""
import inspect

import numpy as np

from ..errors import SrcdiffError
from ..frontend.parse import materialized
from ..frontend.records import record_kind, to_container, to_tangent
from ..frontend.values import function_kind
from .parameters import _signature_params, _vararg, _varargs_refusal, _wrt_names


def _source_function(func):
    while hasattr(materialized(func), "__srcdiff_wrapped__"):
        func = func.__srcdiff_wrapped__
    return func


def _full_args(func, bound, args, kwargs):
    """Every parameter's value, in order (defaults filled in)."""
    target = _source_function(func)
    sig = inspect.signature(target)
    call_args = ((bound,) + tuple(args)) if bound is not None else tuple(args)
    try:
        ba = sig.bind(*call_args, **kwargs)
    except TypeError as e:
        raise SrcdiffError(f"cannot call {getattr(target, '__qualname__', target)}: {e}") \
            from None
    ba.apply_defaults()
    values = []
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise _varargs_refusal(target)
        values.append(ba.arguments[p.name])
    return values


def _as_tangent(t, p):
    """A user tangent, given the primal's type (Python floats stay floats)."""
    if t is None:
        return None
    if isinstance(p, (list, tuple)) and isinstance(t, (list, tuple)):
        items = [_as_tangent(a, b) for a, b in zip(t, p)]
        return type(p)(*items) if hasattr(p, "_fields") else type(p)(items)
    if isinstance(p, dict) and isinstance(t, dict):
        return {k: _as_tangent(t[k], v) for k, v in p.items()}
    if hasattr(p, "shape") and not hasattr(t, "shape"):
        return t * np.ones_like(p, dtype=np.result_type(p, float))
    return t


def _record_kinds(values):
    """Per value: its RecordKind if it is an object argument (records.py), else None."""
    return [record_kind(v) or function_kind(v) if type(v) not in (list, tuple, dict)
            else record_kind(v)
            for v in values]


def _containers(values, kinds):
    """The values as generated code takes them (objects as containers of their fields)."""
    return [to_container(v, k) if k is not None else v for v, k in zip(values, kinds)]


def _tangent(t, value, kind):
    """The tangent ``t`` given by the user for ``value``, as generated code takes it."""
    return to_tangent(t, value, kind, _as_tangent) if kind is not None \
        else _as_tangent(t, value)


def _positions(func, bound, wrt):
    if _vararg(func) is not None:
        raise _varargs_refusal(func)
    params = _signature_params(func)
    offset = 1 if bound is not None else 0
    names, single = _wrt_names(wrt, params, offset, getattr(func, "__qualname__", repr(func)))
    return names, single, [params.index(n) for n in names], params


def _sequences(params, values):
    """The parameters given lists or tuples."""
    return [p for p, v in zip(params, values) if isinstance(v, (list, tuple))]
