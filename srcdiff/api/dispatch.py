"""The variants of a gradient transform's generated code, one per kind of
arguments it is called with (api.arguments), made when first needed (the one
for unknown kinds deferred: api.deferred); and the wrappers that give a
variant its arguments (objects as containers of their fields, a bound
method's object) and its gradients back in the user's form."""
import functools
import inspect

from ..errors import SrcdiffError
from ..frontend.parse import deps_valid
from ..frontend.records import RecordKind, from_cotangent, record_kind, to_container
from ..frontend.values import FunctionKind, function_kind
from .arguments import _CONTAINERS, _kind, arg_key
from .deferred import _DeferredVariant
from .generate import _generate
from .parameters import _plain, _signature_params, _vararg, _vararg_wrt, _wrt_names


class _Dispatch(_DeferredVariant):
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
