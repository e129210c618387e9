"""A srcdiff transform called inside differentiated code.

``df = srcdiff.grad(g)`` in a function being differentiated is replaced, at
transform time, by a reference to the code ``grad(g)`` generates, which is
then inlined where ``df`` is called, so its derivatives are taken too
(gradients of gradients, hvp and jacobian inside a loss). ``frontend.values``
finds such calls and asks for this through ``runtime.transforms``.
"""
import functools

import gast

from . import forward_generate, forward_mode, parameters, reverse_mode
from ..frontend import functional
from ..frontend.parse import materialized
from ..frontend.values import NOT_CONSTANT, Refused
from ..ir.syntax import load


def transform_made(call, function_of, static, env, constant, lift=None):
    """For ``srcdiff.grad(g, ...)``, ``value_and_grad`` or ``hvp`` in the code: the
    generated function the transform makes (a reference to it), which is then
    inlined where it is called, so its derivatives are taken too; else None.
    A nested def or lambda ``g`` (``lift``): its transform as a function of the
    caller's names it reads, given to it by keyword where it is made."""
    transform = static(call.func)
    others = (forward_mode.hessian, forward_mode.jvp, reverse_mode.vjp)
    if any(transform is t for t in others) or transform is forward_mode.jacobian and (
            len(call.args) > 2 or any(k.arg != "wrt" for k in call.keywords)):
        # (else its own source would be inlined, and refused at a line of srcdiff's)
        return Refused(f"srcdiff.{transform.__name__} in differentiated code is not "
                        "differentiated yet (grad, value_and_grad, hvp and jacobian w.r.t. "
                        "the first argument are)",
                        "compute it outside the differentiated function, or use grad/hvp")
    if transform not in (reverse_mode.grad, reverse_mode.value_and_grad, forward_mode.hvp, forward_mode.jacobian) \
            or not call.args or any(isinstance(a, gast.Starred) for a in call.args):
        return None
    fn = function_of(call.args[0])
    if fn is None and isinstance(call.args[0], gast.Lambda):
        fn = call.args[0]       # grad(lambda z: ...)
    extra = []
    options = [constant(a) for a in call.args[1:]]
    keywords = {k.arg: constant(k.value) for k in call.keywords}
    if isinstance(fn, (gast.Name, gast.Lambda)) and lift is not None \
            and transform not in (forward_mode.hvp, forward_mode.jacobian) \
            and not (NOT_CONSTANT in options or NOT_CONSTANT in keywords.values()):
        lifted = lift(fn.id if isinstance(fn, gast.Name) else fn)
        if isinstance(lifted, Refused):
            return lifted
        if lifted is not None:
            fn, extra = lifted
            made = transform(fn, *options, **keywords)
            gen = materialized(made).__srcdiff_dispatch__.gen
            if gen is None:
                return None
            core = next(iter(gen.fns.values()))
            return gast.Call(func=env.ref(functools.partial, "partial"),
                             args=[env.ref(core, core.__name__)],
                             keywords=[gast.keyword(arg=n, value=load(n)) for n in extra])
    fn = static(fn) if fn is not None else None
    if fn is None or NOT_CONSTANT in options or NOT_CONSTANT in keywords.values() \
            or None in keywords:
        return Refused("a srcdiff transform in differentiated code is differentiated only "
                        "for a function it can name (a module-level function, one passed in) "
                        "with constant options",
                        "define the function at module level and pass wrt as a constant")
    if parameters._vararg(fn) is not None:
        return Refused("a srcdiff transform of a function with *args in differentiated code "
                        "is not differentiated yet",
                        "give the function named parameters")
    if transform is forward_mode.jacobian:
        # (one jvp per element of the first argument: f's generated jvp function)
        params = parameters._signature_params(fn)
        wrt = options[0] if options else keywords.get("wrt", 0)
        if not params or wrt not in (0, params[0]) or isinstance(wrt, bool) \
                or getattr(fn, "__srcdiff_dispatch__", None) is not None \
                or getattr(fn, "__srcdiff_jacobian__", None) is not None:
            return Refused("srcdiff.jacobian in differentiated code is differentiated for a "
                            "plain function, w.r.t. its first argument",
                            "define the function at module level; put the argument first")
        gen = forward_generate.generate_forward(fn, [params[0]])
        forward = env.ref(next(iter(gen.fns.values())), "forward")
        return gast.Call(func=env.ref(functools.partial, "partial"),
                         args=[env.ref(functional.jacobian_call, "jacobian_call"), forward],
                         keywords=[])
    made = transform(fn, *options, **keywords)
    if transform is forward_mode.hvp:
        gen = getattr(made, "__srcdiff_generated__", None)
        if gen is None:
            return None
        forward = env.ref(next(iter(gen.fns.values())), "forward")
        return gast.Call(func=env.ref(functools.partial, "partial"),
                         args=[env.ref(functional.hvp_call, "hvp_call"), forward], keywords=[])
    gen = materialized(made).__srcdiff_dispatch__.gen
    if gen is None:
        return None
    core = next(iter(gen.fns.values()))
    return env.ref(core, core.__name__)
