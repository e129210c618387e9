"""Which parameters a transform differentiates: ``wrt`` (positions or names) as
parameter names, ``*args`` items, and a function's parameters as its signature
gives them (a bound method's object first, a ``functools.partial`` as a
function of its remaining parameters)."""
import functools
import inspect
import types

import numpy as np

from ..errors import SrcdiffError
from ..frontend.parse import materialized


def _wrt_names(wrt, params, offset, fname):
    single = not isinstance(wrt, (tuple, list))
    items = [wrt] if single else list(wrt)
    names = []
    visible = params[offset:]
    for w in items:
        if isinstance(w, (int, np.integer)) and not isinstance(w, bool):
            if not -len(visible) <= w < len(visible):
                raise SrcdiffError(f"wrt={w} is out of range: {fname} has {len(visible)} "
                                   f"parameters {tuple(visible)}")
            names.append(visible[w])
        elif isinstance(w, str):
            if w not in visible:
                raise SrcdiffError(f"wrt={w!r}: {fname} has no parameter {w!r} "
                                   f"(its parameters are {tuple(visible)})")
            names.append(w)
        else:
            raise SrcdiffError(f"wrt must be a parameter position, a parameter name or a "
                               f"tuple of those, not {w!r}")
    return names, single


def _vararg(f):
    """The name of ``f``'s ``*args`` parameter, or None."""
    fs_func = f.__func__ if hasattr(f, "__func__") else f
    while hasattr(materialized(fs_func), "__srcdiff_wrapped__"):
        fs_func = fs_func.__srcdiff_wrapped__
    try:
        sig = inspect.signature(fs_func)
    except (TypeError, ValueError):
        return None
    return next((p.name for p in sig.parameters.values() if p.kind is p.VAR_POSITIONAL), None)


def _varargs_refusal(func):
    return SrcdiffError(f"{getattr(func, '__qualname__', func)} has *args or **kwargs "
                        "parameters: grad and value_and_grad differentiate it (w.r.t. "
                        "positions), jvp, vjp, hvp, hessian and jacobian not yet",
                        hint="call it from a function with named parameters")


def _vararg_wrt(wrt, visible, vararg, fname):
    """For a function with ``*args``: the parameter names to generate the gradient
    for, and per ``wrt`` item (a position, or the name of a named parameter;
    positions past the named parameters are items of ``*args``) its
    (name, index into *args or None) and its position. Returns (picks, positions,
    single)."""
    single = not isinstance(wrt, (tuple, list))
    picks, positions = [], []
    for w in [wrt] if single else list(wrt):
        if isinstance(w, (int, np.integer)) and not isinstance(w, bool) and w >= len(visible):
            picks.append((vararg, int(w) - len(visible)))
            positions.append(int(w))
        elif isinstance(w, (int, np.integer)) and not isinstance(w, bool) and w < 0:
            raise SrcdiffError(f"wrt={w}: {fname} has *{vararg}, so positions count from "
                               "the start (0, 1, ...)")
        else:
            (name,), _ = _wrt_names(w, visible, 0, fname)
            picks.append((name, None))
            positions.append(visible.index(name))
    return picks, positions, single


def _signature_params(f):
    fs_func = f.__func__ if hasattr(f, "__func__") else f
    while hasattr(materialized(fs_func), "__srcdiff_wrapped__"):
        fs_func = fs_func.__srcdiff_wrapped__
    if type(fs_func) is types.FunctionType and not hasattr(fs_func, "__wrapped__") \
            and not hasattr(fs_func, "__signature__"):
        code = fs_func.__code__         # (the parameters in order, as inspect reads them)
        return list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    try:
        sig = inspect.signature(fs_func)
    except (TypeError, ValueError):
        raise SrcdiffError(f"cannot read the signature of {f!r}") from None
    return [p.name for p in sig.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def _plain(f):
    if hasattr(f, "__func__"):
        return f.__func__, f.__self__
    if isinstance(f, functools.partial):
        # (a partial of a Python function: a function of its remaining parameters)
        from .arity import partial_function
        made = partial_function(f)
        if made is not None:
            return made, None
    return f, None
