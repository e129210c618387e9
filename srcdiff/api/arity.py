"""Transforms other than ``grad`` of a function with ``*args``.

``jvp``, ``vjp``, ``hvp``, ``hessian`` and ``jacobian`` of ``def f(a, *xs)``
are taken of a function with named parameters made for the number of
arguments given, ``def f(a, xs_0, xs_1): return f(a, xs_0, xs_1)``, written to
a file of its own so that srcdiff can read its source; the call in it is
inlined like any call of a helper with ``*args``, so refusals and the
generated code's comments still name the user's file and lines. ``wrt``
positions past the named parameters are items of ``*args``, as for grad.
"""
import importlib.util
import inspect
import os
import sys
import tempfile
import threading
import weakref

from ..errors import SrcdiffError

__all__ = ["fixed_arity", "per_arity", "takes_varargs", "regrad"]

_made = weakref.WeakKeyDictionary()      # f -> {n: the function for n arguments}
_lock = threading.Lock()
_dir = None


def _import_wrapper(module, source, fname, namespace):
    """Write ``source`` to a file of its own (srcdiff reads a function's source from
    its file), import it as ``module`` with ``namespace`` in its globals, return
    its function ``fname``. Called with ``_lock`` held."""
    global _dir
    if _dir is None:
        _dir = tempfile.mkdtemp(prefix="srcdiff_arity_")
    path = os.path.join(_dir, module + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    spec = importlib.util.spec_from_file_location(module, path)
    mod = importlib.util.module_from_spec(spec)
    mod.__dict__.update(namespace)
    sys.modules[module] = mod
    spec.loader.exec_module(mod)
    return getattr(mod, fname)


def takes_varargs(f):
    """Is ``f`` a plain function with ``*args`` that can be given named
    parameters (no ``**kwargs``, no keyword-only parameters)?"""
    if getattr(f, "__srcdiff_arity__", None) is not None:
        return True     # grad of such a function (its transforms: per number of arguments)
    if not inspect.isfunction(f):
        return False
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        return False
    kinds = [p.kind for p in params]
    return inspect.Parameter.VAR_POSITIONAL in kinds and \
        inspect.Parameter.VAR_KEYWORD not in kinds and \
        inspect.Parameter.KEYWORD_ONLY not in kinds


def fixed_arity(f, n):
    """``f`` (a function with ``*args``) as a function of ``n`` named parameters
    (for ``grad(g)`` of such a function: ``grad`` of g's, with grad's options)."""
    remake = getattr(f, "__srcdiff_arity__", None)
    if remake is not None:
        return remake(n)
    with _lock:
        made = _made.setdefault(f, {})
        if n in made:
            return made[n]
        params = list(inspect.signature(f).parameters.values())
        named = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY,
                                                      p.POSITIONAL_OR_KEYWORD)]
        star = next(p.name for p in params if p.kind is p.VAR_POSITIONAL)
        if n < len(named):
            missing = [p.name for p in params[n:len(named)] if p.default is p.empty]
            if missing:
                raise SrcdiffError(f"cannot call {f.__qualname__}: missing argument(s) "
                                   f"{', '.join(missing)}")
            names = named[:n]
        else:
            taken = set(named)
            names = list(named)
            for k in range(n - len(named)):
                name = f"{star}_{k}"
                while name in taken:
                    name += "_"
                taken.add(name)
                names.append(name)
        fname = f.__name__ if f.__name__.isidentifier() else "f"
        target = "_srcdiff_target"
        source = (f"def {fname}({', '.join(names)}):\n"
                  f"    return {target}({', '.join(names)})\n")
        fn = _import_wrapper(f"srcdiff_arity_{id(f):x}_{n}", source, fname, {target: f})
        fn.__qualname__ = f.__qualname__
        made[n] = fn
        return fn


def per_arity(transform, f, wrt, trailing=0):
    """``transform(f, wrt)`` for a function with ``*args``: made, for each number
    of arguments it is called with, of ``fixed_arity(f, n)`` (``trailing``
    arguments after f's own, as ``hvp``'s vector, are not counted)."""
    made = {}

    def call(*args, **kwargs):
        n = len(args) - trailing
        t = made.get(n)
        if t is None:
            t = made[n] = transform(fixed_arity(f, n), wrt)
        return t(*args, **kwargs)

    call.__name__ = getattr(transform, "__name__", "transform") + "_of_" + f.__name__
    call.__qualname__ = call.__name__
    call.__doc__ = f"{getattr(transform, '__name__', 'transform')} of {f.__qualname__}, " \
        "for each number of arguments it is called with"
    return call


def regrad(wrapper, f, transform):
    """Mark ``wrapper`` (``grad(f, ...)`` of a function ``f`` with ``*args``) so
    that jvp, vjp, hvp, hessian and jacobian of it take, for ``n`` arguments,
    ``transform(fixed_arity(f, n))`` (grad with the same options) instead."""
    if not takes_varargs(f):
        return wrapper
    made = {}
    lock = threading.Lock()

    def remake(n):
        with lock:
            if n not in made:
                made[n] = transform(fixed_arity(f, n))
            return made[n]

    wrapper.__srcdiff_arity__ = remake
    return wrapper


_partials = weakref.WeakKeyDictionary()     # functools.partial -> its function


def partial_function(p):
    """``functools.partial(f, ...)`` given to a transform as a function of its
    remaining positional parameters, ``def f(x): return p(x)`` in a file of its
    own (the call of the partial is inlined as any partial's); None when the
    partial leaves ``*args``, ``**kwargs`` or a keyword-only parameter without
    a default, or is not of a Python function."""
    import functools
    if not isinstance(p, functools.partial) or not inspect.isfunction(p.func):
        return None
    with _lock:
        try:
            return _partials[p]
        except (KeyError, TypeError):
            pass
        try:
            params = list(inspect.signature(p).parameters.values())
        except (TypeError, ValueError):
            return None
        if any(q.kind in (q.VAR_POSITIONAL, q.VAR_KEYWORD) or
               (q.kind is q.KEYWORD_ONLY and q.default is q.empty) for q in params):
            return None
        named = [q for q in params if q.kind in (q.POSITIONAL_ONLY, q.POSITIONAL_OR_KEYWORD)]
        consts, header = {}, []
        for q in named:
            if q.default is q.empty:
                header.append(q.name)
            else:
                consts[f"_srcdiff_default_{q.name}"] = q.default
                header.append(f"{q.name}=_srcdiff_default_{q.name}")
        fname = p.func.__name__ if p.func.__name__.isidentifier() else "f"
        target = "_srcdiff_target"
        source = (f"def {fname}({', '.join(header)}):\n"
                  f"    return {target}({', '.join(q.name for q in named)})\n")
        fn = _import_wrapper(f"srcdiff_partial_{id(p):x}", source, fname, {target: p, **consts})
        fn.__qualname__ = f"partial({p.func.__qualname__})"
        try:
            _partials[p] = fn
        except TypeError:
            pass
        return fn
