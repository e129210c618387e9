"""The public transforms: grad, value_and_grad, vjp, source, show."""
import functools
import inspect
import types
import warnings

import gast
import numpy as np

from .. import runtime
from ..backend.optimize import dead_code
from ..backend.codegen import annotate, compile_functions, function_def, render, with_errstate
from ..errors import SrcdiffError, user_names
from ..frontend.parse import deps_valid, materialized
from ..frontend.prepare import prepare
from ..frontend.records import RecordKind, from_cotangent, record_kind, to_container
from ..frontend.values import FunctionKind, function_kind
from ..reverse.transform import ReverseTransform
from ..ir.syntax import load, store, assign, call, tuple_, clone, const, names_read, names_stored, walk
from ..ir import anno
from ..ir.templates import HelperEnv
from .cache import LRU, SIZE, generated, key_of, shared_deps

__all__ = ["grad", "value_and_grad", "vjp", "source", "show"]

_cache = LRU(SIZE)      # generated code of grad, value_and_grad, vjp (cache.py)
_prepared_early = LRU(SIZE)     # functions grad/value_and_grad prepared: (shared deps, name)


class Generated:
    """The functions generated for one (function, options) pair, and their source."""

    def __init__(self, fns, source, original, params, wrt, helpers=None):
        self.fns = fns
        self.source = source
        self.original = original
        self.params = params
        self.wrt = wrt
        self.helpers = helpers      # name -> object bound into fns (see cache.py)


# ---- options ----------------------------------------------------------------

def _options_decorator(transform, f, kwargs):
    """Support @t, @t(...), t(f, ...) uniformly."""
    if f is None:
        return lambda g: transform(g, **kwargs)
    return None


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
    import inspect
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
    import inspect
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


# ---- generation -------------------------------------------------------------

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


RETURN_WIDTH = 88     # (a gradient's return takes values while it fits in this many columns)


def _fold(stmts, env, fs, rt=None, params=(), also=()):
    """Propagate copies, fold single-use temporaries back into expressions
    (optimize.py); with the reverse transform ``rt`` of a gradient, also what its
    shape analysis allows (tidy.py), and fold again what that leaves single-use.
    ``also``: the code run before (a vjp's forward, for its backward), whose
    views of arrays count for what may move past a write."""
    from ..backend.optimize import (copy_propagate, forward_substitute, merge_accumulations,
                           merge_twin_accumulations, return_items)
    resolve = _resolver(env, fs)
    if rt is None:
        stmts = merge_twin_accumulations(forward_substitute(copy_propagate(stmts), resolve,
                                                            also=also))
        return forward_substitute(merge_accumulations(stmts, resolve, also=also), resolve,
                                  also=also)
    from ..reverse.tidy import (plain_returns, put_unit_seed, scalar_broadcasts, shape_stand_ins,
                       unit_divisions)
    stmts = dead_code(copy_propagate(plain_returns(put_unit_seed(stmts), rt, params)), resolve)
    for _ in range(3):
        for _ in range(4):  # (a value no longer read may free another's shape reads)
            stmts, stood_in = shape_stand_ins(stmts, rt, params)
            stmts = dead_code(stmts, resolve)
            if not stood_in:
                break
        stmts, swapped = scalar_broadcasts(forward_substitute(stmts, resolve), rt)
        stmts = dead_code(stmts, resolve)
        if not swapped:
            break
    stmts = merge_twin_accumulations(forward_substitute(stmts, resolve))
    # (a cotangent written once may then fold into its one reader)
    stmts = forward_substitute(merge_accumulations(stmts, resolve), resolve)
    stmts, swapped = scalar_broadcasts(stmts, rt)
    if swapped:
        stmts = dead_code(stmts, resolve)
    # (and a short gradient into the return, as one writes it by hand: where
    # the return gives a name as it is, the one place a value may go)
    if stmts and isinstance(stmts[-1], gast.Return) and any(
            isinstance(e, gast.Name) for e in return_items(stmts[-1].value)):
        stmts = forward_substitute(stmts, resolve, RETURN_WIDTH)
    return unit_divisions(stmts)


def _resolver(env, fs):
    """The object a function expression of generated code names."""
    def resolve(node):
        if isinstance(node, gast.Name):
            if node.id in env.objects:
                return env.objects[node.id]
            try:
                return fs.lookup(node.id)
            except KeyError:
                return None
        if isinstance(node, gast.Attribute):
            base = resolve(node.value)
            return getattr(base, node.attr, None) if base is not None else None
        return None

    return resolve


def _split(norm, rt, primal, adjoint, grads, dout, name):
    """Forward function (returns output and residuals) and backward function."""
    loc = norm.fs.loc
    defined = set(norm.params)
    for st in primal:
        for n in walk(st):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                defined.add(n.id)
    read = set()
    for st in adjoint:
        read |= names_read(st)
    for g in grads:
        read |= names_read(g)
    residuals = sorted((read & defined) - {dout})
    stacks = [s for s in rt.stack_names if s in residuals]
    res_name = norm.names.fresh("residuals")
    top_level = set(norm.params)
    for st in primal:
        if isinstance(st, gast.Assign):
            top_level |= {n.id for n in walk(st.targets[0]) if isinstance(n, gast.Name)}
    # residuals assigned only on some paths are None on the others
    maybe = [assign(r, const(None)) for r in residuals if r not in top_level]
    # the backward restores arrays written in place (and pops the stacks): keep a copy
    # of each such array as the forward leaves it, to refill it before every backward
    popped = set(stacks)
    for st in adjoint:
        for n in walk(st):
            if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                    and isinstance(n.func.value, gast.Name) and n.func.attr in ("pop", "append"):
                popped.add(n.func.value.id)
    written = {n.value.id for st in adjoint for n in walk(st)
               if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store)
               and isinstance(n.value, gast.Name)}
    # ``x = restore_contents(x, ...)`` (or a checkpoint's refill) refills x in place too
    from ..reverse.checkpoint import refill
    written |= {n.args[0].id for st in adjoint for n in walk(st)
                if isinstance(n, gast.Call) and isinstance(n.func, gast.Name)
                and norm.env.objects.get(n.func.id) in (runtime.restore_contents, refill)
                and n.args
                and isinstance(n.args[0], gast.Name)}
    # (with writes in place, the arrays the stacks and lists hold are refilled too)
    snapshots = {r: norm.names.fresh(r + "_final") for r in residuals
                 if r in written or (written and r in popped)}
    snap = [assign(s, call(norm.env.ref(runtime.copy_structure, "copy_structure"),
                           [load(r), const(True)]) if r in popped
                   else call(norm.env.ref(runtime.saved_copy, "saved_copy"), [load(r)]))
            for r, s in sorted(snapshots.items())]
    carried = residuals + [snapshots[r] for r in sorted(snapshots)]
    output = clone(norm.output)
    if snapshots:
        # the backward writes into arrays the output may be (or view): the caller's
        # output is a copy, which no call of the backward changes
        output = call(norm.env.ref(runtime.copy_structure, "copy_structure"),
                      [output, const(True)])
    ret = gast.Return(value=tuple_([output, tuple_([load(r) for r in carried])]))
    fwd_body = maybe + annotate(_fold(primal + snap + [ret], norm.env, norm.fs), loc)
    fwd = function_def(f"{name}_fwd", norm.params, dead_code(fwd_body),
                       defaults_from=clone(norm.node.args))
    unpack = []
    if residuals:
        target = gast.Tuple(elts=[gast.Name(id=r, ctx=gast.Store(), annotation=None,
                                            type_comment=None) for r in carried],
                            ctx=gast.Store())
        unpack.append(gast.Assign(targets=[target if len(residuals) > 1 else target],
                                  value=load(res_name), type_comment=None))
    # so that the backward can run again: copy the stacks (and lists) it pops, refill
    # the arrays it restores in place (views of them stay valid)
    copies = []
    aliases = _aliases_of(popped, primal) if residuals else ()
    # (every stack with them: an entry that keeps a list, kept(L), must hold the
    # copy that the names and containers P = {'a': L} on other stacks hold)
    keeps = any(isinstance(n, gast.Call) and isinstance(n.func, gast.Name)
                and norm.env.objects.get(n.func.id) is runtime.kept
                for st in primal for n in walk(st))
    together = [r for r in residuals if (r in aliases or keeps and r in popped)
                and r not in snapshots]
    if snapshots:
        # restored and copied at once, with every residual that may hold one of them:
        # a list two of them reach (a stack, a name, a container P = [L]) stays one list
        restored = list(residuals)
    if snapshots and len(restored) > 1:
        copies.append(assign(tuple_([store(r) for r in restored], gast.Store()), call(
            norm.env.ref(runtime.restore_together, "restore_together"),
            [tuple_([load(r) for r in restored]),
             tuple_([load(snapshots[r]) if r in snapshots else const(None) for r in restored])])))
        together, residuals_left = [], [r for r in residuals if r not in restored]
    else:
        residuals_left = residuals
    if len(together) > 1:
        copies.append(assign(tuple_([store(r) for r in together], gast.Store()), call(
            norm.env.ref(runtime.copy_together, "copy_together"), [tuple_([load(r) for r in together])])))
    for r in residuals_left:
        if r in together and len(together) > 1:
            continue
        if r in popped and r not in snapshots:
            copies.append(assign(r, call(norm.env.ref(runtime.copy_structure, "copy_structure"),
                                         [load(r)])))
        elif r in snapshots:
            copies.append(assign(r, call(norm.env.ref(runtime.restore_contents,
                                                      "restore_contents"),
                                         [load(r), load(snapshots[r])])))
    bwd_body = unpack + copies + annotate(_fold(adjoint + [gast.Return(value=tuple_(grads))],
                                                norm.env, norm.fs, also=primal), loc)
    bwd = function_def(f"{name}_bwd", [res_name, dout], dead_code(bwd_body))
    return [fwd, bwd], residuals




def _aliases_of(popped, primal):
    """Of the lists the backward pops from and restores, those the primal binds
    to another name or holds in a container (``P = {'a': L}``, ``f = P['a']``,
    ``P['b'] = L``), with those names: they must be copied together."""
    from ..analysis.activity import walk_stmts
    reads = {}
    for st in walk_stmts(primal):
        if isinstance(st, gast.Expr) and isinstance(st.value, gast.Call) \
                and isinstance(st.value.func, gast.Attribute) \
                and isinstance(st.value.func.value, gast.Name) \
                and st.value.func.attr in ("append", "extend", "insert"):
            # a stack that keeps a list the backward changes, ``L_stack.append(L)``
            # (in a loop too), holds that list itself
            held = set().union(*[names_read(a) for a in st.value.args]) & popped
            if held:
                reads.setdefault(st.value.func.value.id, set()).update(held)
            continue
        if not (isinstance(st, gast.Assign) and len(st.targets) == 1):
            continue
        target, value = st.targets[0], st.value
        if isinstance(target, gast.Name) and target.id in popped \
                and isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
                and value.func.attr == "pop" and isinstance(value.func.value, gast.Name):
            # (``L = L_stack.pop()``: the list the stack kept)
            reads.setdefault(target.id, set()).add(value.func.value.id)
            continue
        # (in a branch or a loop too: ``P = [L]; s = P[0]`` where only one path runs)
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            target = target.value
        if isinstance(target, gast.Name) and isinstance(value, (gast.Name, gast.Subscript, gast.List,
                                                                gast.Tuple, gast.Dict)):
            reads.setdefault(target.id, set()).update(names_read(value))
    out = set(popped)
    grown = True
    while grown:
        new = {name for name, r in reads.items() if name not in out and r & out}
        out |= new
        grown = bool(new)
    # a list nothing else binds or holds (srcdiff's own stacks) is copied on its own
    linked = set()
    for name, r in reads.items():
        if name in out and r & out:
            linked |= {name} | (r & out)
    return linked


# ---- wrappers -----------------------------------------------------------------

def _is_integer(a):
    t = type(a)
    if t is float or t is np.ndarray and a.dtype.kind in "fc":
        return False
    if t is int or t is bool or isinstance(a, (np.integer, np.bool_)):
        return True
    kind = getattr(getattr(a, "dtype", None), "kind", None)
    return kind is not None and kind in "iub"


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


class _Dispatch:
    """Generated code specialised on the kinds of the arguments: containers
    (tuples, lists, dicts; their cotangents add element by element), scalars,
    and which arrays share a shape (no unbroadcast between them)."""

    def __init__(self, f, wrt, mode, has_aux, eager=True, checkpoint=None):
        func, bound = _plain(f)
        self.func, self.bound = func, bound
        self.params = _signature_params(func)
        self.offset = 1 if bound is not None else 0
        self.vararg = _vararg(func)
        self.picks = None
        fname = getattr(func, "__qualname__", repr(func))
        if self.vararg is not None and mode != "vjp":
            # gradients w.r.t. items of *args: of the tuple, then picked (_VarargPick)
            visible = self.params[self.offset:]
            self.picks, self.positions, self.single = _vararg_wrt(wrt, visible, self.vararg,
                                                                  fname)
            self.gen_names = list(dict.fromkeys(n for n, _ in self.picks))
            self.names = [n if k is None else f"{n}[{k}]" for n, k in self.picks]
        else:
            self.names, self.single = _wrt_names(wrt, self.params, self.offset, fname)
            self.positions = [self.params.index(n) - self.offset for n in self.names]
            self.gen_names = self.names
        self.mode, self.has_aux = mode, has_aux
        from ..reverse.checkpoint import check_budget
        self.checkpoint = check_budget(checkpoint)
        self.variants = {}
        self.deps = {}
        self.bound_kind = record_kind(bound) if bound is not None else None
        self.gen = None
        self.gens = {}          # key -> the Generated code of that variant
        self.pending = False    # the variant for unknown kinds not made yet (materialize)
        self.wrapper = None     # (a weak reference to the function the transform returned)
        if eager and self._deferrable():
            # only the function's preparation now (its refusals; parse, normalize,
            # inline, cached for the first call): the reverse transform waits for
            # the first call, specialised on its arguments' kinds, or for whatever
            # first needs the code for unknown kinds (materialize)
            try:
                self.name = self._prepare_early()
                self.pending = True
            except SrcdiffError as e:
                if not getattr(e, "object_read", False):
                    raise
        elif eager:       # refusals when the transform is made, not when it is called
            try:
                self.variant(None)
            except SrcdiffError as e:
                # an attribute of a parameter: known when it is called with an object
                if not getattr(e, "object_read", False):
                    raise

    def _deferrable(self):
        """Can the variant for unknown kinds wait (a plain function, no aux)?"""
        return (self.mode in ("grad", "value_and_grad") and not self.has_aux
                and self.bound is None and self.vararg is None
                and type(self.func) is types.FunctionType
                and getattr(self.func, "__srcdiff_dispatch__", None) is None
                and not hasattr(self.func, "__srcdiff_wrapped__"))

    def _prepare_early(self):
        """Prepare the function as its first variant will (pipeline.prepare caches
        it); the name of the generated function. A fresh closure of a ``def``
        prepared before with the same kinds of closure values, globals and helpers
        is not prepared again (cache.py)."""
        from ..frontend.parse import record_lookups, stop_recording
        from ..frontend.prepare import paused_gc
        key = key_of(self.func, (tuple(self.gen_names), self.mode))
        hit = _prepared_early.get(key)
        if hit is not None and deps_valid(hit[0]):
            return hit[1]
        record_lookups()
        try:
            with paused_gc():
                norm = prepare(self.func, self.gen_names, ())
        finally:
            deps = stop_recording()
        name = f"{norm.fs.name}_{'grad' if self.mode == 'grad' else 'value_and_grad'}"
        _prepared_early.put(key, (shared_deps(deps, self.func), name))
        return name

    def materialize(self):
        """Make the variant for arguments of unknown kinds if it was deferred, and
        give the function the transform returned its attributes (``source``, the
        transforms of a gradient and srcdiff.jit read them). ``self.gen`` stays
        the variant generated last."""
        if not self.pending:
            return
        last = self.gen
        try:
            self.variant(None)
        except SrcdiffError as e:
            if not getattr(e, "object_read", False):
                raise
        self.pending = False
        gen = self.gens.get(None)
        if last is not None:
            self.gen = last
        wrapper = self.wrapper() if self.wrapper is not None else None
        if wrapper is not None and gen is not None:
            _attach(wrapper, gen)
        elif wrapper is not None:
            # (no code for unknown kinds: it reads attributes of an object argument;
            # its parameters are the function's, as _finish gives them)
            wrapper.__srcdiff_wrapped__ = self.func

    def variant(self, key, kwargs=None):
        core = self.variants.get(key)
        if core is not None:
            return core
        visible = self.params[self.offset:]
        spec = set()
        if key is not None:
            spec = {(p, k) for p, k in zip(visible, key) if k != "?"}
            if kwargs:
                kinds = {"sizes": {}}
                spec |= {(k, _kind(v, kinds)) for k, v in kwargs.items() if isinstance(
                    v, _CONTAINERS)}
                spec = {(p, k) for p, k in spec if not isinstance(k, tuple) or p in visible}
        # objects reach the generated code as containers of their fields; the code
        # is specialised on the functions given (values.py)
        records = {p: k for p, k in spec if isinstance(k, (RecordKind, FunctionKind))}
        spec = {(p, "c") if isinstance(k, RecordKind) else (p, k) for p, k in spec
                if not isinstance(k, FunctionKind)}
        if key is not None:
            # a parameter the call leaves to a function default (``_r=np.sum``): the
            # code is specialised on that function, as on one given (the key tells
            # the calls that give it apart)
            npos = len(key) - (1 if kwargs else 0)
            given = set(visible[:npos]) | set(kwargs or ())
            for p in visible[npos:]:
                d = self._defaults().get(p, inspect.Parameter.empty)
                if p not in given and p not in records and callable(d) \
                        and not isinstance(d, type) and function_kind(d) is not None:
                    records[p] = function_kind(d)
        if self.bound_kind is not None:
            records[self.params[0]] = self.bound_kind
        if self.vararg is not None:
            spec.add((self.vararg, "c"))
        tupled = self.mode != "vjp" and (self.picks is not None or (
            not self.single and len(self.names) == 1))
        func = self.func
        inner = getattr(func, "__srcdiff_dispatch__", None)
        if key is not None and inner is not None and inner.bound is None:
            # a transform of a gradient: of its code for arguments of these kinds
            func = _generated_function(inner.variant(key, kwargs))
        gen = _generate(func, self.gen_names, self.mode, self.has_aux, frozenset(spec), tupled,
                        self.checkpoint, tuple(records.items()))
        self.gen = gen
        self.gens[key] = gen
        fns = gen.fns
        core = fns if self.mode == "vjp" else next(iter(fns.values()))
        if any(isinstance(k, RecordKind) for k in records.values()) and self.mode != "vjp":
            core = _ObjectCall(core, self, [records.get(p) for p in visible])
        elif self.bound is not None and self.mode != "vjp":
            core = functools.partial(core, self.bound)
        if self.picks is not None:
            core = _VarargPick(core, self)
        self.variants[key] = core
        self.deps[key] = gen.deps
        return core

    def _defaults(self):
        try:
            return {p.name: p.default for p in inspect.signature(self.func).parameters.values()}
        except (TypeError, ValueError):
            return {}

    def checked(self, key, core):
        """``core`` if what it was generated from is unchanged, else a fresh variant."""
        if deps_valid(self.deps.get(key, ())):
            return core
        self.variants.pop(key, None)
        return self.variant(key)

    def core(self, args, kwargs):
        key = arg_key(args)
        if kwargs:
            key = None if any(isinstance(v, _CONTAINERS) for v in kwargs.values()) is False \
                else key + (tuple(sorted(kwargs)),)
            return self.variant(None if key is None else key, kwargs if key else None)
        core = self.variants.get(key)
        if core is None:
            return self.variant(key)
        return self.checked(key, core)


class _ObjectCall:
    """Generated code of a function with object arguments (records.py): it is
    given their containers, and their gradients come back as NamedTuples (for a
    NamedTuple) or dicts of field cotangents."""

    def __init__(self, fn, disp, kinds):
        self.fn = fn
        self.disp = disp
        self.kinds = kinds      # per visible parameter: its RecordKind or None

    def containers(self, args):
        """The arguments as the generated code takes them (the bound object first)."""
        out = [to_container(a, k) if k is not None else a
               for a, k in zip(args, self.kinds)] + list(args[len(self.kinds):])
        disp = self.disp
        if disp.bound is not None:
            bound = disp.bound
            out.insert(0, bound if disp.bound_kind is None
                       else to_container(bound, disp.bound_kind))
        return out

    def gradients(self, grads, args):
        """The user's form of the generated code's gradients."""
        disp = self.disp
        gs = [grads] if disp.single else list(grads)
        for k, p in enumerate(disp.positions):
            kind = self.kinds[p] if p < len(self.kinds) else None
            if kind is not None and p < len(args):
                gs[k] = from_cotangent(gs[k], args[p], kind)
        return gs[0] if disp.single else tuple(gs)

    def __call__(self, *args, **kwargs):
        res = self.fn(*self.containers(args), **kwargs)
        mode, aux = self.disp.mode, self.disp.has_aux
        if mode == "grad":
            return (self.gradients(res[0], args), res[1]) if aux else self.gradients(res, args)
        return res[0], self.gradients(res[1], args)


class _VarargPick:
    """Generated code of a function with ``*args``: it gives the gradient of the
    whole tuple; the items ``wrt`` names are picked from it."""

    def __init__(self, fn, disp):
        self.fn = fn
        self.disp = disp

    def pick(self, grads):
        disp = self.disp
        out = [grads[disp.gen_names.index(n)] if k is None
               else grads[disp.gen_names.index(n)][k] for n, k in disp.picks]
        return out[0] if disp.single else tuple(out)

    def __call__(self, *args, **kwargs):
        res = self.fn(*args, **kwargs)
        if self.disp.mode == "grad":
            return (self.pick(res[0]), res[1]) if self.disp.has_aux else self.pick(res)
        return res[0], self.pick(res[1])


def _generated_function(core):
    """The generated function itself of a variant (not its wrappers)."""
    while isinstance(core, (_ObjectCall, _VarargPick)):
        core = core.fn
    return core


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


def _attach(wrapper, gen):
    """The attributes of a transform's result that name its generated code."""
    wrapper.__srcdiff_source__ = gen.source
    wrapper.__srcdiff_generated__ = gen
    wrapper.__srcdiff_wrapped__ = next(iter(gen.fns.values()))


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
