"""The reverse pipeline: a function prepared (parse, normalize, inline), the
reverse transform, the clean-up passes (api.cleanup), code generation; the
Generated code, cached per (function, options) (api.cache)."""
import gast
import numpy as np

from .. import runtime
from ..backend.optimize import dead_code
from ..backend.codegen import annotate, compile_functions, function_def, with_errstate
from ..errors import user_names
from ..frontend.prepare import prepare
from ..reverse.transform import ReverseTransform
from ..ir.syntax import load, assign, call, tuple_, clone, const
from ..ir import anno
from .cache import LRU, SIZE, generated
from .cleanup import _fold, _resolver
from .vjp_split import _split

_cache = LRU(SIZE)      # generated code of grad, value_and_grad, vjp (cache.py)


class Generated:
    """The functions generated for one (function, options) pair, and their source."""

    def __init__(self, fns, source, original, params, wrt, helpers=None):
        self.fns = fns
        self.source = source
        self.original = original
        self.params = params
        self.wrt = wrt
        self.helpers = helpers      # name -> object bound into fns (see cache.py)


def _generate(func, wrt_names, mode, has_aux, spec=frozenset(), tupled=False, checkpoint=None,
              records=()):
    """Generate (or fetch from the cache) the derivative code of ``func``.

    ``spec`` describes the arguments of the call it will serve: pairs
    (parameter, kind) with kind "c" for a container, "s" for a scalar, or an
    int shared by array arguments of equal shape. The code is specialised on
    it (containers' cotangents add element by element; unbroadcast is dropped
    where shapes are then known to agree). ``tupled``: the gradient of one
    argument comes back as a 1-tuple (``wrt=(0,)``). ``checkpoint``: the
    snapshots each loop keeps (checkpoint.py), None to save every step.
    ``records``: pairs (parameter, RecordKind or FunctionKind) of the object and
    function parameters (records.py, values.py)."""
    records = tuple(sorted(records, key=lambda r: r[0]))
    containers = frozenset(p for p, k in spec if k == "c")
    return generated(_cache, func,
                     (tuple(wrt_names), mode, has_aux, spec, tupled, checkpoint, records),
                     lambda: _generate_uncached(func, wrt_names, mode, has_aux, spec,
                                                containers, tupled, checkpoint, records))


def _generate_uncached(func, wrt_names, mode, has_aux, spec, containers, tupled=False,
                       checkpoint=None, records=(), observe=None):
    """The Generated code of ``func`` (arguments as for _generate). ``observe``:
    None, or a function called with (stage, result) where a stage ends: "inline",
    the prepared function the transform starts from (frontend.normalize's
    Normalized), and for grad and value_and_grad "reverse", the FunctionDef the
    reverse transform made, before the clean-up passes (api.stages shows them;
    it must not change them)."""
    norm = prepare(func, wrt_names, records)
    if observe is not None:
        observe("inline", norm)
    fs = norm.fs
    env = norm.env
    name = fs.name if fs.name != "lambda_" else "lambda_"
    out = norm.output
    body = norm.node.body
    last = body[-1] if body else None
    pack = (isinstance(out, gast.Name) and isinstance(last, gast.Assign)
            and isinstance(last.targets[0], gast.Name) and last.targets[0].id == out.id
            and isinstance(last.value, (gast.Tuple, gast.List)))
    if has_aux and not (pack and len(last.value.elts) == 2):
        raise fs.loc.error(last if last is not None else fs.node,
                           "has_aux=True needs the function to end with `return value, aux`")
    seed_fn = env.ref(runtime.scalar_seed, "scalar_seed")
    if mode in ("grad", "value_and_grad"):
        # (the seed refuses an output that is not real with one element)
        if has_aux:
            value = last.value.elts[0]
            seed = [call(seed_fn, [clone(value)]), None]
        else:
            seed = call(seed_fn, [clone(out)])
    else:
        dout = norm.names.fresh("dout")
        seed = [gast.Subscript(value=load(dout), slice=const(i), ctx=gast.Load())
                for i in range(len(last.value.elts))] if pack else load(dout)
    rt = ReverseTransform(norm, wrt_names, env, containers, dict(spec))
    with user_names(norm.names):
        primal, adjoint, grads = rt.run(seed)
        if checkpoint is not None:
            from ..reverse.checkpoint import checkpoint_loops
            primal, adjoint = checkpoint_loops(rt, primal, adjoint, checkpoint, mode == "vjp",
                                               _resolver(env, fs))
    grads_expr = grads[0] if len(grads) == 1 and mode != "vjp" and not tupled \
        else tuple_(grads)
    loc = fs.loc
    params = norm.params
    if mode == "vjp":
        defs, residual_names = _split(norm, rt, primal, adjoint, grads, dout, name)
    else:
        aux_value = last.value.elts[1] if has_aux else None
        # the adjoint sweep restores overwritten names: keep the outputs aside first
        kept = []

        def keep(expr, base):
            if not isinstance(expr, gast.Name):
                return clone(expr)
            name_ = norm.names.fresh(base)
            st = assign(name_, clone(expr))
            anno.set(st, "keep", True)
            kept.append(st)
            return load(name_)

        if mode == "grad":
            result = tuple_([grads_expr, keep(aux_value, "aux")]) if has_aux else grads_expr
        else:
            value = tuple_([keep(last.value.elts[0], "value"), keep(aux_value, "aux")]) \
                if has_aux else keep(out, "value")
            result = tuple_([value, grads_expr])
        body_stmts = primal + kept + adjoint + [gast.Return(value=result)]
        fname = f"{name}_{'grad' if mode == 'grad' else 'value_and_grad'}"
        if observe is not None:
            observe("reverse", function_def(fname, params, body_stmts,
                                            defaults_from=_placeholder_defaults(norm.node.args)))
        body_stmts = _fold(body_stmts, env, fs, rt, params)
        body_stmts = rt.keep_pushed_arrays(body_stmts, _resolver(env, fs))
        body_stmts = annotate(body_stmts, loc)
        fn = function_def(fname, params, dead_code(body_stmts, _resolver(env, fs)),
                          defaults_from=_placeholder_defaults(norm.node.args))
        defs = [fn]
    title = f"srcdiff {mode} of {fs.func.__qualname__} ({loc.filename}:{fs.func.__code__.co_firstlineno})"
    defs = [with_errstate(d, norm.errstate, env.ref(np.errstate, "errstate")) for d in defs]
    fns, text = compile_functions(defs, env.objects, fs.globals, title, origin=fs.func)
    for fn in fns.values():
        fn.__defaults__ = fs.func.__defaults__
        fn.__kwdefaults__ = fs.func.__kwdefaults__
        if checkpoint is not None:
            fn.__srcdiff_checkpointed__ = checkpoint   # (parse.py refuses to transform it)
    return Generated(fns, text, fs.original_source(), params, wrt_names,
                     bound_helpers(fns, env.objects))


def bound_helpers(fns, objects):
    """The helpers (name -> object) compiled functions ``fns`` were made with."""
    compiled = next(iter(fns.values())).__srcdiff_compiled__
    return {n: objects[n] for n in compiled.names}


def _placeholder_defaults(args):
    """The parameters with each default that is not a constant written as None:
    the generated function gets the user's ``__defaults__`` after it is made
    (a default naming a variable of the user's scope, ``_r=red``, is not a
    name in the generated code's)."""
    args = clone(args)
    args.defaults = [d if isinstance(d, gast.Constant) else const(None) for d in args.defaults]
    args.kw_defaults = [d if d is None or isinstance(d, gast.Constant) else const(None)
                        for d in args.kw_defaults]
    return args


def _attach(wrapper, gen):
    """The attributes of a transform's result that name its generated code."""
    wrapper.__srcdiff_source__ = gen.source
    wrapper.__srcdiff_generated__ = gen
    wrapper.__srcdiff_wrapped__ = next(iter(gen.fns.values()))
