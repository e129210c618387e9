"""autograd.wrap_util.unary_to_nary: the differentiated argument(s) become the
parameters of a wrapper written to a real file (test_util._wrapper), the others
constants, so srcdiff can read the function it differentiates."""
import functools

from ._harness import Internal


def unary_to_nary(unary_operator):
    @functools.wraps(unary_operator)
    def nary_operator(fun, argnum=0, *op_args, **op_kwargs):
        def nary_f(*args, **kwargs):
            from .test_util import _wrapper
            if not isinstance(argnum, int):
                raise __import__("autograd._harness", fromlist=["HarnessError"]).HarnessError(
                    "unary_to_nary with several argnums packs them in a tuple")
            unary_f = _wrapper(fun, (argnum,), args, kwargs)
            return unary_operator(unary_f, args[argnum], *op_args, **op_kwargs)
        return nary_f
    return nary_operator


wraps = Internal("wrap_util.wraps")
