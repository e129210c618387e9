"""autograd.core: make_vjp/make_jvp of a unary function are srcdiff's vjp/jvp;
everything else (vspace, primitive, Box, ...) is an internal."""
import sys
import types

import srcdiff

from ._harness import Internal


def make_vjp(fun, x):
    ans, pullback = srcdiff.vjp(fun, x)
    return (lambda g: pullback(g)[0]), ans


def make_jvp(fun, x):
    return lambda v: srcdiff.jvp(fun, (x,), (v,))


class _Core(types.ModuleType):
    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return Internal(f"autograd.core.{attr}")


sys.modules[__name__].__class__ = _Core
