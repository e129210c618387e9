"""The public transforms: grad, value_and_grad, vjp, source, show; and the calls
generated code makes for a recursive call (call_fwd, call_bwd, vjp_caller).

Each transform is a _Dispatch (api.dispatch) of the function, whose variants
the reverse pipeline (api.generate) makes per kind of arguments."""
import numpy as np

from ..errors import SrcdiffError
from ..frontend.parse import deps_valid
from ..frontend.records import RecordKind
from ..frontend.values import FunctionKind
from .arguments import _drop_integer_grads, _explain_bad_arguments, _has_integer, arg_key
from .dispatch import _Dispatch, _ObjectCall, _generated_function
from .generate import _attach, _generate
from .parameters import _plain, _signature_params, _vararg, _varargs_refusal

__all__ = ["grad", "value_and_grad", "vjp", "source", "show"]


def grad(f=None, wrt=0, *, has_aux=False, checkpoint=None):
    """The gradient of scalar ``f`` w.r.t. the ``wrt`` argument(s); with
    ``checkpoint=K`` each loop of known trip count keeps at most K snapshots."""
    if f is None or not callable(f):
        if f is not None:
            wrt = f
        return lambda g: grad(g, wrt, has_aux=has_aux, checkpoint=checkpoint)
    disp = _Dispatch(f, wrt, "grad", has_aux, checkpoint=checkpoint)
    names, single, positions = disp.names, disp.single, disp.positions
    variants = disp.variants

    deps = disp.deps

    def df(*args, **kwargs):
        key = arg_key(args) if not kwargs else None
        core = variants.get(key) if key is not None else None
        if core is None or not deps_valid(deps[key]):
            core = disp.core(args, kwargs)
        try:
            res = core(*args, **kwargs)
        except (TypeError, ValueError) as e:
            _explain_bad_arguments(disp, args, kwargs, e)
            raise
        if _has_integer(args, positions):
            if has_aux:
                return _drop_integer_grads(args, kwargs, names, positions, res[0], single), res[1]
            return _drop_integer_grads(args, kwargs, names, positions, res, single)
        return res

    from .arity import regrad
    return regrad(_finish(df, f, disp, "grad"), f,
                  lambda g: grad(g, wrt, has_aux=has_aux, checkpoint=checkpoint))


def value_and_grad(f=None, wrt=0, *, has_aux=False, checkpoint=None):
    """``(f(*args), grad)`` computed in one pass (``checkpoint``: as for grad)."""
    if f is None or not callable(f):
        if f is not None:
            wrt = f
        return lambda g: value_and_grad(g, wrt, has_aux=has_aux, checkpoint=checkpoint)
    disp = _Dispatch(f, wrt, "value_and_grad", has_aux, checkpoint=checkpoint)
    names, single, positions = disp.names, disp.single, disp.positions

    def vf(*args, **kwargs):
        value, g = disp.core(args, kwargs)(*args, **kwargs)
        if _has_integer(args, positions):
            g = _drop_integer_grads(args, kwargs, names, positions, g, single)
        return value, g

    return _finish(vf, f, disp, "value_and_grad")


def specialised(f, args, kwargs=None):
    """The function a gradient transform's result runs for these arguments: its
    generated code for arguments of their kinds (a tuple's cotangent is a tuple,
    not an array), which a transform of the gradient must differentiate; any
    other ``f`` as it is."""
    disp = getattr(f, "__srcdiff_dispatch__", None)
    if disp is None or disp.bound is not None:
        return f
    return _generated_function(disp.core(tuple(args), kwargs or {}))


def vjp(f, *args, wrt=None, checkpoint=None):
    """``(out, f_vjp)``: f_vjp(dout) gives one cotangent per ``wrt`` argument
    (``checkpoint``: as for grad)."""
    from .arity import fixed_arity, takes_varargs
    if takes_varargs(f):
        f = fixed_arity(f, len(args))       # (named parameters for these arguments)
    gradient = getattr(f, "__srcdiff_dispatch__", None)
    f = specialised(f, args)
    if _vararg(_plain(f)[0]) is not None:
        raise _varargs_refusal(_plain(f)[0])
    if wrt is None:
        func, bound = _plain(f)
        nvisible = len(_signature_params(func)) - (1 if bound is not None else 0)
        wrt = tuple(range(min(len(args), nvisible)))
    # (called with its arguments: only the variant for them is generated)
    disp = _Dispatch(f, wrt if isinstance(wrt, (tuple, list)) else (wrt,), "vjp", False,
                     eager=False, checkpoint=checkpoint)
    fns = disp.core(args, {})
    fwd = [fn for n, fn in fns.items() if n.endswith("_fwd")][0]
    bwd = [fn for n, fn in fns.items() if n.endswith("_bwd")][0]
    kinds = [k if isinstance(k, (RecordKind, FunctionKind)) else None for k in arg_key(args)]
    objects = _ObjectCall(None, disp, kinds) \
        if any(isinstance(k, RecordKind) for k in kinds) or disp.bound_kind is not None else None
    call_args = objects.containers(args) if objects is not None \
        else ((disp.bound,) + args) if disp.bound is not None else args
    out, residuals = fwd(*call_args)
    if objects is not None and gradient is not None and gradient.mode == "grad" \
            and not gradient.has_aux and gradient.bound is None:
        # (a gradient w.r.t. objects: its value in the form it returns it)
        out = _ObjectCall(None, gradient, objects.kinds).gradients(out, args)
    names, positions = disp.names, disp.positions

    def f_vjp(dout):
        grads = bwd(residuals, dout)
        if objects is not None:
            grads = objects.gradients(grads, args)
        if _has_integer(args, positions):
            grads = _drop_integer_grads(args, {}, names, positions, grads, False)
        return grads

    f_vjp.__srcdiff_source__ = disp.gen.source
    f_vjp.__srcdiff_generated__ = disp.gen
    f_vjp.__srcdiff_vjp__ = (bwd, residuals, args, names, positions)     # (for srcdiff.jit)
    return out, f_vjp


def _finish(wrapper, f, disp, kind):
    gen = disp.gen
    wrapper.__srcdiff_dispatch__ = disp
    if disp.pending:
        # (the generated code is made when first needed: materialize)
        import weakref
        disp.wrapper = weakref.ref(wrapper)
        name = disp.name
    else:
        # (no code yet for a function that reads attributes of an object argument:
        # it is generated for the objects it is called with)
        core = next(iter(gen.fns.values())) if gen is not None else disp.func
        name = core.__name__ if gen is not None else f"{disp.func.__name__}_{kind}"
        if gen is not None:
            _attach(wrapper, gen)
        wrapper.__srcdiff_wrapped__ = core
    wrapper.__name__ = name
    wrapper.__qualname__ = name
    wrapper.__doc__ = f"srcdiff {kind} of {getattr(f, '__qualname__', f)}"
    return wrapper


def source(g):
    """The generated Python source of a function a transform returned (for a
    function called with containers, the variant generated last; for srcdiff.jit's
    result, the code it compiled last)."""
    compiled = getattr(g, "__srcdiff_jit__", None)
    if compiled is not None:
        return compiled.source()
    disp = getattr(g, "__srcdiff_dispatch__", None)
    if disp is not None:
        if disp.gen is None:
            disp.materialize()
        if disp.gen is None:
            raise SrcdiffError(f"{g.__name__} has no generated code yet: it is generated "
                               "for the objects it is first called with")
        return disp.gen.source
    text = getattr(g, "__srcdiff_source__", None)
    if text is None:
        raise SrcdiffError(f"{g!r} was not made by a srcdiff transform")
    return text


def show(g, file=None):
    """Print the original source beside the generated one."""
    import shutil
    import sys
    file = file or sys.stdout
    disp = getattr(g, "__srcdiff_dispatch__", None)
    generated = source(g).splitlines()
    gen = disp.gen if disp is not None else getattr(g, "__srcdiff_generated__", None)
    original = (gen.original if gen is not None else "").splitlines()
    width = shutil.get_terminal_size((160, 40)).columns
    left = max([len(x) for x in original] + [len("original")]) + 2
    if left + 40 > width or not original:
        print("# --- original ---", file=file)
        print("\n".join(original), file=file)
        print("# --- generated ---", file=file)
        print("\n".join(generated), file=file)
        return
    print(f"{'original':<{left}}| generated", file=file)
    print("-" * left + "+" + "-" * (width - left - 1), file=file)
    for i in range(max(len(original), len(generated))):
        a = original[i] if i < len(original) else ""
        b = generated[i] if i < len(generated) else ""
        print(f"{a:<{left}}| {b}", file=file)


# ---- calls the transformer cannot inline (recursion) ------------------------------

def call_fwd(func, wrt, *args, **kwargs):
    """Run the generated forward function of ``func`` (w.r.t. parameter names ``wrt``):
    returns (output, residuals)."""
    spec = frozenset((p, k) for p, k in zip(_signature_params(func), arg_key(args)) if k != "?")
    gen = _generate(func, list(wrt), "vjp", False, spec)
    fwd = [fn for n, fn in gen.fns.items() if n.endswith("_fwd")][0]
    out, res = fwd(*args, **kwargs)
    return out, (spec, res)


def call_bwd(func, wrt, residuals, dout):
    """The cotangents of the ``wrt`` arguments of a call made by call_fwd."""
    spec, res = residuals
    gen = _generate(func, list(wrt), "vjp", False, spec)
    bwd = [fn for n, fn in gen.fns.items() if n.endswith("_bwd")][0]
    return bwd(res, dout)


def vjp_caller(func, wrt):
    """``call(primals, cotangent) -> (func(*primals), cotangents of the wrt
    positions)``: srcdiff.vjp of ``func`` with its generated code looked up once
    per argument kinds rather than per call (the adjoint of an ODE solve, rules.integrate, calls it at every step)."""
    disp = _Dispatch(func, wrt, "vjp", False, eager=False)

    def call(primals, cotangent):
        fns = disp.core(primals, {})
        fwd = next(fn for name, fn in fns.items() if name.endswith("_fwd"))
        bwd = next(fn for name, fn in fns.items() if name.endswith("_bwd"))
        out, residuals = fwd(*(((disp.bound,) + primals) if disp.bound is not None else primals))
        return out, bwd(residuals, np.reshape(cotangent, np.shape(out)))
    return call
