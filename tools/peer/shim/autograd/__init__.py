"""A stand-in ``autograd`` package for running autograd's unchanged tests against
srcdiff. ``autograd.numpy``/``autograd.scipy.*`` ARE numpy/scipy (so srcdiff sees
the real functions); the differential operators are srcdiff's public transforms.
autograd internals (vspace, Box, primitive, defvjp, ...) cannot be expressed: using
one raises HarnessError, and the runner excludes such tests with that reason."""
import sys
import types

import numpy
import numpy.fft
import numpy.linalg
import numpy.random

import srcdiff
from srcdiff import SrcdiffError

from ._harness import HarnessError, Internal, internal_module

numpy_mod = numpy
sys.modules[__name__ + ".numpy"] = numpy
sys.modules[__name__ + ".numpy.random"] = numpy.random
sys.modules[__name__ + ".numpy.linalg"] = numpy.linalg
sys.modules[__name__ + ".numpy.fft"] = numpy.fft
for _sub in ("numpy_boxes", "numpy_vspaces", "numpy_wrapper", "numpy_vjps", "numpy_jvps"):
    sys.modules[__name__ + ".numpy." + _sub] = internal_module(__name__ + ".numpy." + _sub)
globals()["numpy"] = numpy

# --- differential operators: srcdiff's public transforms. autograd names the
# differentiated position ``argnum``; srcdiff names it ``wrt`` (passed on as it is,
# so that srcdiff differentiates these calls inside differentiated code).


def grad(fun, argnum=0):
    return srcdiff.grad(fun, argnum)


def value_and_grad(fun, argnum=0):
    return srcdiff.value_and_grad(fun, argnum)


def jacobian(fun, argnum=0):
    return srcdiff.jacobian(fun, argnum)


def hessian(fun, argnum=0):
    return srcdiff.hessian(fun, argnum)


def hessian_vector_product(fun, argnum=0):
    return srcdiff.hvp(fun, argnum)


def grad_named(fun, argname):
    return srcdiff.grad(fun, wrt=argname)


def _others(args, argnum):
    return tuple(a if i == argnum else None for i, a in enumerate(args))


def make_vjp(fun, argnum=0):
    """autograd: make_vjp(fun, argnum)(*args) -> (vjp, ans)."""
    def at(*args, **kwargs):
        if kwargs:
            raise HarnessError("make_vjp with keyword arguments")
        ans, pullback = srcdiff.vjp(fun, *args, wrt=(argnum,))
        return (lambda g: pullback(g)[0]), ans
    return at


def vector_jacobian_product(fun, argnum=0):
    """autograd: vjp(fun, argnum)(*args, v)."""
    def at(*args):
        *args, v = args
        out, pullback = srcdiff.vjp(fun, *args, wrt=(argnum,))
        if numpy.shape(v) != numpy.shape(out):
            raise HarnessError("tensor_jacobian_product contracting fewer axes than the output has")
        return pullback(v)[0]
    return at


tensor_jacobian_product = vector_jacobian_product


def make_jvp(fun, argnum=0):
    """autograd: make_jvp(fun, argnum)(*args)(v) -> (ans, jvp)."""
    def at(*args):
        def push(v):
            tangents = tuple(v if i == argnum else None for i in range(len(args)))
            return srcdiff.jvp(fun, tuple(args), tangents)
        return push
    return at


def elementwise_grad(fun, argnum=0):
    """autograd: the vjp of ones (for elementwise functions, the derivative)."""
    def at(*args):
        ans, pullback = srcdiff.vjp(fun, *args, wrt=(argnum,))
        return pullback(numpy.ones_like(ans))[0]
    return at


def deriv(fun, argnum=0):
    """autograd: the jvp along ones."""
    def at(*args):
        tangents = tuple(numpy.ones_like(a) if i == argnum else None
                         for i, a in enumerate(args))
        return srcdiff.jvp(fun, tuple(args), tangents)[1]
    return at


def holomorphic_grad(fun, argnum=0):
    """autograd: vjp of ones for a holomorphic function (its complex derivative)."""
    def at(*args):
        ans, pullback = srcdiff.vjp(fun, *args, wrt=(argnum,))
        return pullback(numpy.ones_like(ans))[0]
    return at


def grad_and_aux(fun, argnum=0):
    return srcdiff.grad(fun, wrt=argnum, has_aux=True)


def hessian_tensor_product(fun, argnum=0):
    """autograd: H(x) contracted with a tensor; srcdiff.hvp where it has x's shape."""
    def at(*args):
        *args, v = args
        if numpy.shape(v) != numpy.shape(args[argnum]):
            raise HarnessError("hessian_tensor_product with a tensor not shaped like x")
        return srcdiff.hvp(fun, argnum)(*args, v)
    return at


def make_hvp(fun, argnum=0):
    """autograd: make_hvp(fun)(x) -> (the vjp of grad(fun) at x, grad(fun)(x))."""
    def at(*args):
        ans, pullback = srcdiff.vjp(srcdiff.grad(fun, argnum), *args, wrt=(argnum,))
        return (lambda v: pullback(v)[0]), ans
    return at


for _name in ("checkpoint", "make_ggnvp", "multigrad_dict", "primitive"):
    globals()[_name] = Internal(_name)

# autograd.builtins: plain containers (srcdiff differentiates them directly)
import builtins as _builtins
tuple = _builtins.tuple
list = _builtins.list
dict = _builtins.dict
isinstance = _builtins.isinstance
type = _builtins.type

for _sub in ("tracer", "extend", "util", "differential_operators"):
    sys.modules[__name__ + "." + _sub] = internal_module(__name__ + "." + _sub)

from . import builtins as _ag_builtins  # noqa: E402
