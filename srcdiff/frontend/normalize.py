"""A-normal form: one operation per statement, operands are names or constants.

The normalized function keeps the user's names. Temporaries are named after
the variable they help compute (``W = 3 * x ** 3`` gives ``W_1 = x ** 3;
W = 3 * W_1``). A name re-assigned in straight-line code gets a new version
(``h = f(h)`` becomes ``h_1 = f(h)``), so only names assigned inside branches
and loops, and names a nested def or lambda reads, are ever overwritten. Every
statement remembers the source line it came from (``stmt.srcline``). ``return``
is lifted so that the function has a single exit at its end.
"""
import dataclasses
import types

import gast
import numpy as np

from ..errors import SrcdiffError
from ..analysis.activity import resizing_call
from .names import NameGen, all_names, expr_name
from ..ir.syntax import resolve_static
from ..ir.syntax import load, store, const, assign, is_atom, rename, clone, names_stored, walk
from ..ir import syntax as S
from ..ir import anno

_ITERATOR_BUILTINS = ("reversed", "zip", "map", "enumerate", "iter", "filter")

# the hint of a statement that names no target: its temporaries are named after
# their operations (temp_base), and those of its indices and callees too
_ANON = "t"
_ANONYMOUS = frozenset({_ANON, _ANON + "_i", _ANON + "_fn"})

__all__ = ["normalize", "Normalized"]

REFUSED = {
    gast.Try: "try/except", gast.With: "with", gast.AsyncWith: "async with",
    gast.Global: "global", gast.Nonlocal: "nonlocal", gast.Import: "import",
    gast.ImportFrom: "import", gast.ClassDef: "class definition", gast.Delete: "del",
    gast.AsyncFor: "async for",
}


# `with np.errstate(...)`: the keys and the settings that do not change what runs
_ERRSTATE_KEYS = frozenset({"all", "divide", "over", "under", "invalid"})
_ERRSTATE_QUIET = frozenset({"ignore", "warn", "print", "log"})


class Normalized:
    """The normalized function and what later passes need to know about it."""

    def __init__(self, node, params, output, names, fs):
        self.node = node          # gast.FunctionDef in A-normal form, ending in `return output`
        self.params = params      # parameter names in order
        self.output = output      # name (or constant) the function returns
        self.names = names        # NameGen shared with the transforms
        self.fs = fs


def _negative_number(e):
    return isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub) \
        and isinstance(e.operand, gast.Constant) and type(e.operand.value) in (int, float)


def _is_static_chain(fs, node, local_names):
    if not isinstance(node, gast.Attribute):
        return False
    try:
        resolve_static(fs, node, local_names)
    except KeyError:
        return False
    root = node
    while isinstance(root, gast.Attribute):
        root = root.value
    return isinstance(root, gast.Name)


class _Normalizer:
    out_hint = "out"
    int_names = frozenset()

    def __init__(self, fs, names):
        self.fs = fs
        self.loc = fs.loc
        self.names = names
        self.env = {}            # user name -> current SSA version
        self.depth = 0           # > 0 inside branches and loops: no new versions there
        self.line = None
        self.assigned = set()    # names assigned so far (to detect re-assignment)
        self.local_names = set()
        self.record_of = {}      # name -> RecordKind of the object literal it holds (records.py)
        self.closed = set()      # read by nested defs and lambdas: never versioned
        # (a nested def inlined into its caller) the caller's names it may write
        # into or rebind (nonlocal)
        self.outer = frozenset()
        self.errstate = {}       # np.errstate keywords of the `with` blocks read

    def error(self, node, what, hint=None):
        return self.loc.error(node, what, hint)

    def errstate_items(self, s):
        """The keywords of ``with np.errstate(k=v, ...):`` when every item is one and
        each ``v`` only silences or reports ('ignore', 'warn', 'print', 'log'), else
        None (``'raise'`` and ``'call'`` change what runs: refused)."""
        items = {}
        for item in s.items:
            c = item.context_expr
            if item.optional_vars is not None or not isinstance(c, gast.Call) or c.args:
                return None
            try:
                fn = resolve_static(self.fs, c.func, self.local_names)
            except KeyError:
                return None
            if fn is not np.errstate:
                return None
            for k in c.keywords:
                if k.arg not in _ERRSTATE_KEYS or not (
                        isinstance(k.value, gast.Constant) and k.value.value in _ERRSTATE_QUIET):
                    return None
                items[k.arg] = k.value.value
        return items

    # ---- expressions -------------------------------------------------
    def ren(self, node):
        """Apply the current SSA versions to the names an expression reads."""
        return rename(node, self.env)

    def is_atomic(self, e):
        return is_atom(e) or _is_static_chain(self.fs, e, self.local_names) or _negative_number(e)

    def atom(self, e, hint):
        if _negative_number(e):
            return [], const(-e.operand.value)
        if self.is_atomic(e):
            return [], self.ren(e)
        stmts, simple = self.effect_only(*self.simple(e, hint))
        if isinstance(simple, gast.Name) or self.is_atomic(simple):
            return stmts, simple
        name = self.names.fresh(self.temp_base(hint, simple))
        stmts.append(assign(name, simple, self.line))
        if anno.has(simple, "record"):
            self.record_of[name] = anno.get(simple, "record")     # (an object inside another)
        return stmts, load(name)

    def temp_base(self, hint, simple):
        """A temporary is named after the statement's target (``pred_3``) or, in a
        statement without one (``x[i] = ...``, a call as a statement), after the
        operation it holds (``tanh_x``)."""
        if hint not in _ANONYMOUS:
            return hint
        return expr_name(simple, self.names.user_name,
                         lambda n: _is_static_chain(self.fs, n, self.local_names))

    def atoms(self, exprs, hint):
        stmts, out = [], []
        for e in exprs:
            s, a = self.atom(e, hint)
            stmts += s
            out.append(a)
        return stmts, out

    def simple(self, e, hint):
        """Normalize ``e`` to one operation on atoms, with the statements before it."""
        if _negative_number(e):
            return [], const(-e.operand.value)
        if self.is_atomic(e):
            return [], self.ren(e)
        if isinstance(e, gast.BinOp):
            s1, l = self.atom(e.left, hint)
            s2, r = self.atom(e.right, hint)
            return s1 + s2, gast.BinOp(left=l, op=e.op, right=r)
        if isinstance(e, gast.UnaryOp):
            s, a = self.atom(e.operand, hint)
            return s, gast.UnaryOp(op=e.op, operand=a)
        if isinstance(e, gast.Compare):
            s, xs = self.atoms([e.left] + e.comparators, hint)
            return s, gast.Compare(left=xs[0], ops=e.ops, comparators=xs[1:])
        if isinstance(e, gast.BoolOp):
            return self.boolop(e, hint)
        if isinstance(e, gast.IfExp):
            return self.ifexp(e, hint)
        if isinstance(e, gast.Call):
            return self.call(e, hint)
        if isinstance(e, gast.Attribute):
            s, a = self.atom(e.value, hint)
            return s, gast.Attribute(value=a, attr=e.attr, ctx=gast.Load())
        if isinstance(e, gast.Subscript) and self.is_index_call(e.value):
            return self.index_call(e, hint)
        if isinstance(e, gast.Subscript):
            s1, v = self.atom(e.value, hint)
            s2, idx = self.index(e.slice, hint)
            return s1 + s2, gast.Subscript(value=v, slice=idx, ctx=gast.Load())
        if isinstance(e, (gast.Tuple, gast.List, gast.Set)):
            stmts, elts = [], []
            for x in e.elts:
                if isinstance(x, gast.Starred):
                    s, a = self.atom(x.value, hint)
                    elts.append(gast.Starred(value=a, ctx=gast.Load()))
                else:
                    s, a = self.atom(x, hint)
                    elts.append(a)
                stmts += s
            node = type(e)(elts=elts, ctx=gast.Load()) if not isinstance(e, gast.Set) \
                else gast.Set(elts=elts)
            return stmts, node
        if isinstance(e, gast.Dict):
            stmts, keys, values = [], [], []
            for k, v in zip(e.keys, e.values):
                if k is None:
                    s, a = self.atom(v, hint)
                    keys.append(None)
                    values.append(a)
                    stmts += s
                    continue
                s1, ka = self.atom(k, hint)
                s2, va = self.atom(v, hint)
                stmts += s1 + s2
                keys.append(ka)
                values.append(va)
            return stmts, gast.Dict(keys=keys, values=values)
        if isinstance(e, gast.NamedExpr):
            s, a = self.simple(e.value, e.target.id)
            target = self.target_name(e.target.id)
            return s + [assign(target, a, self.line)], load(target)
        if isinstance(e, (gast.ListComp, gast.GeneratorExp, gast.DictComp)):
            return self.comprehension(e, hint)
        if isinstance(e, (gast.Lambda, gast.SetComp, gast.JoinedStr)):
            # Kept whole; analysis refuses them where they would carry a derivative.
            node = self.ren(clone(e))
            if isinstance(e, gast.Lambda):
                # a call of it is inlined with the names current at the call (Python
                # binds a closure's free names late): keep the names as written
                anno.set(node, "original", clone(e))
            return [], node
        if isinstance(e, (gast.Yield, gast.YieldFrom)):
            raise self.error(e, "generators (yield) cannot be differentiated",
                             "return a list or an array instead")
        if isinstance(e, gast.Await):
            raise self.error(e, "await cannot be differentiated")
        if isinstance(e, gast.Starred):
            raise self.error(e, "a starred expression is supported only in calls and literals")
        raise self.error(e, f"unsupported expression {type(e).__name__}")

    def effect_only(self, stmts, simple):
        """``L.append(v)`` / ``L.extend(vs)`` used as a value (``r = L.append(v)``,
        a lambda's body): the call as a statement (which both modes follow),
        then its value, None."""
        got = resizing_call(simple)
        if got and got[1] in ("append", "extend") and not self.is_module(simple.func.value):
            return stmts + [gast.Expr(value=simple)], const(None)
        return stmts, simple

    def is_module(self, base):
        """Is ``base`` a module the function reads (``np`` in ``np.append(x, v)``,
        a function call, not a list growing)?"""
        try:
            return isinstance(resolve_static(self.fs, base, self.local_names), types.ModuleType)
        except KeyError:
            return False

    def is_index_call(self, base):
        """Is ``base[...]`` a function call written as indexing (``np.r_[a, b]``):
        ``base`` a fixed object that has a rule but cannot be called?"""
        try:
            obj = resolve_static(self.fs, base, self.local_names)
        except KeyError:
            return False
        from ..rules import lookup
        rule = lookup(obj)
        return rule is not None and not rule.nondiff and not callable(obj)

    def index_call(self, e, hint):
        """``np.r_[a, 0:3]`` -> ``t = (a, slice(0, 3, None)); np.r_[t]``: the key (a
        tuple for several items, as Python passes it) is one value, the argument
        of the object's rule."""
        def item(x):
            if not isinstance(x, gast.Slice):
                return x
            return gast.Call(func=load("slice"), args=[p if p is not None else const(None)
                                                       for p in (x.lower, x.upper, x.step)],
                             keywords=[])
        key = gast.Tuple(elts=[item(x) for x in e.slice.elts], ctx=gast.Load()) \
            if isinstance(e.slice, gast.Tuple) else item(e.slice)
        s, key = self.atom(key, hint)
        return s, gast.Subscript(value=self.ren(e.value), slice=key, ctx=gast.Load())

    def index(self, sl, hint):
        if isinstance(sl, gast.Slice):
            stmts, parts = [], []
            for p in (sl.lower, sl.upper, sl.step):
                if p is None:
                    parts.append(None)
                else:
                    s, a = self.atom(p, hint + "_i")
                    stmts += s
                    parts.append(a)
            return stmts, gast.Slice(lower=parts[0], upper=parts[1], step=parts[2])
        if isinstance(sl, gast.Tuple):
            stmts, elts = [], []
            for x in sl.elts:
                s, a = self.index(x, hint)
                stmts += s
                elts.append(a)
            return stmts, gast.Tuple(elts=elts, ctx=gast.Load())
        return self.atom(sl, hint + "_i")

    def call(self, e, hint):
        if self._builtin(e.func, "dict") and len(e.args) <= 1 and not any(
                isinstance(a, gast.Starred) for a in e.args) \
                and all(k.arg is not None for k in e.keywords):
            return self.dict_call(e, hint)
        made = self.record_literal(e)
        if made is not None:
            stmts, node = self.simple(made, hint)
            kind = anno.get(made, "record")
            items = node.elts if isinstance(node, gast.Tuple) else node.values
            subs = tuple(self.record_of.get(v.id) if isinstance(v, gast.Name) else None
                         for v in items)
            if any(subs):       # objects made in the function held in its fields
                kind = dataclasses.replace(kind, subs=subs)
            anno.set(node, "record", kind)
            return stmts, node
        stmts = []
        func = e.func
        if isinstance(func, gast.Name) and func.id in ("eval", "exec", "compile") \
                and func.id not in self.local_names:
            import builtins
            if self.fs.lookup_or_none(func.id) is getattr(builtins, func.id):
                raise self.error(e, f"{func.id}() runs code srcdiff cannot see, so it cannot be "
                                 "differentiated", "write the expression directly")
        if isinstance(func, gast.Attribute) and not _is_static_chain(self.fs, func, self.local_names):
            s, recv = self.atom(func.value, hint)
            stmts += s
            func = gast.Attribute(value=recv, attr=func.attr, ctx=gast.Load())
        elif not (isinstance(func, gast.Name) or self.is_atomic(func)):
            s, func = self.atom(func, hint + "_fn")
            stmts += s
        else:
            func = self.ren(func)
        args = []
        for a in e.args:
            if isinstance(a, gast.Starred):
                s, v = self.atom(a.value, hint)
                args.append(gast.Starred(value=v, ctx=gast.Load()))
            else:
                s, v = self.atom(a, hint)
                args.append(v)
            stmts += s
        keywords = []
        for k in e.keywords:
            s, v = self.atom(k.value, hint)
            stmts += s
            keywords.append(gast.keyword(arg=k.arg, value=v))
        node = gast.Call(func=func, args=args, keywords=keywords)
        anno.set(node, "ssa_env", dict(self.env))
        return stmts, node

    def record_literal(self, e):
        """``P(w=a, b=c)`` of a NamedTuple class (or collections.namedtuple) or a
        dataclass is the container of its fields the generated code holds for an
        object (records.py): the tuple ``(a, c)`` or the dict ``{"w": a, "b": c}``,
        marked ``srcdiff_record``; so is ``p._replace(b=c)`` of such a local
        NamedTuple. None for any other call."""
        from .records import constructed_kind
        func = e.func
        if isinstance(func, gast.Attribute) and func.attr == "_replace" \
                and isinstance(func.value, gast.Name) and not e.args:
            kind = self.record_of.get(self.env.get(func.value.id, func.value.id))
            if kind is None or not kind.named:
                return None
            given = {k.arg: k.value for k in e.keywords}
            if None in given or not set(given) <= set(kind.fields):
                raise self.error(e, "_replace() is given a name that is not a field of "
                                 f"{kind.cls.__name__}")
            if kind.subs and any(kind.subs[kind.fields.index(f)] for f in given):
                raise self.error(e, "_replace() of a field that holds an object cannot be "
                                 "differentiated", f"make a new {kind.cls.__name__} instead")
            values = [given.get(f) or gast.Attribute(value=load(func.value.id), attr=f,
                                                     ctx=gast.Load()) for f in kind.fields]
            made = gast.Tuple(elts=values, ctx=gast.Load())
            anno.set(made, "record", kind)
            return made
        if not isinstance(func, (gast.Name, gast.Attribute)):
            return None
        try:
            cls = resolve_static(self.fs, func, self.local_names)
        except KeyError:
            return None
        return constructed_kind(cls, e, self.error)

    def _builtin(self, func, name):
        import builtins
        # (also under another name: from autograd import dict as ag_dict)
        return isinstance(func, gast.Name) and func.id not in self.local_names \
            and self.fs.lookup_or_none(func.id) is getattr(builtins, name)

    def dict_call(self, e, hint):
        """``dict(a=x, b=y)`` is the literal ``{"a": x, "b": y}``; ``dict(src)`` (a
        dict, or pairs: an iterator such as ``zip(keys, values)`` is made a list
        first) a call of its rule; ``dict(src, b=y)`` that, then ``d["b"] = y``."""
        kw = gast.Dict(keys=[const(k.arg) for k in e.keywords],
                       values=[k.value for k in e.keywords])
        if not e.args:
            return self.simple(kw, hint)
        src = e.args[0]
        if self.iterator_call(src):
            # dict(zip(keys, values)): {k: v for k, v in zip(keys, values)}
            k, v = self.names.fresh("key"), self.names.fresh("value")
            name = lambda n, ctx: gast.Name(id=n, ctx=ctx, annotation=None,  # noqa: E731
                                            type_comment=None)
            comp = gast.DictComp(key=name(k, gast.Load()), value=name(v, gast.Load()),
                                 generators=[gast.comprehension(
                                     target=gast.Tuple(elts=[name(k, gast.Store()),
                                                             name(v, gast.Store())],
                                                       ctx=gast.Store()),
                                     iter=src, ifs=[], is_async=0)])
            if not e.keywords:
                return self.simple(comp, hint)
            stmts, made = self.atom(comp, hint)
            t = made.id
        else:
            stmts, s_atom = self.atom(src, hint)
            node = gast.Call(func=self.ren(e.func), args=[s_atom], keywords=[])
            anno.set(node, "ssa_env", dict(self.env))
            if not e.keywords:
                return stmts, node
            t = self.names.fresh(hint if hint not in _ANONYMOUS else "d")
            stmts.append(assign(t, node, self.line))
        for k in e.keywords:
            s2, v = self.atom(k.value, hint)
            stmts += s2
            st = gast.Assign(targets=[gast.Subscript(value=load(t), slice=const(k.arg),
                                                     ctx=gast.Store())],
                             value=v, type_comment=None)
            anno.set(st, "srcline", self.line)
            stmts.append(st)
        return stmts, load(t)

    def comprehension(self, e, hint):
        """[elt for x in xs if c] -> acc = []; for x in xs: if c: acc.append(elt)
        (a dict comprehension fills a dict by subscript writes)."""
        acc = self.names.fresh(hint if hint not in _ANONYMOUS else "items")
        is_dict = isinstance(e, gast.DictComp)
        init = gast.Dict(keys=[], values=[]) if is_dict else gast.List(elts=[], ctx=gast.Load())
        stmts = [assign(acc, init, self.line)]
        # comprehension variables get names of their own (they do not leak)
        saved_env = dict(self.env)
        saved_assigned = set(self.assigned)
        for gen in e.generators:
            for n in walk(gen.target):
                if isinstance(n, gast.Name):
                    fresh = self.names.fresh(n.id)
                    self.env[n.id] = fresh
        self.depth += 1

        def build(gens):
            gen = gens[0]
            pre, it = self.atom(gen.iter, "it")
            target = self.loop_target(gen.target)
            inner = []
            conds = list(gen.ifs)
            if len(gens) > 1:
                body = build(gens[1:])
            elif is_dict:
                s1, k = self.atom(e.key, acc + "_key")
                s2, v = self.atom(e.value, acc)
                tgt = gast.Subscript(value=load(acc), slice=k, ctx=gast.Store())
                body = s1 + s2 + [gast.Assign(targets=[tgt], value=v, type_comment=None)]
            else:
                s1, v = self.atom(e.elt, acc)
                body = s1 + [gast.Expr(value=gast.Call(func=gast.Attribute(
                    value=load(acc), attr="append", ctx=gast.Load()), args=[v], keywords=[]))]
            for c in reversed(conds):
                cs, ca = self.atom(c, "cond")
                body = cs + [gast.If(test=ca, body=body, orelse=[])]
            for st in body:
                for n in walk(st):
                    if isinstance(n, gast.stmt) and anno.get(n, "srcline") is None:
                        anno.set(n, "srcline", self.line)
            loop = gast.For(target=target, iter=it, body=body, orelse=[], type_comment=None)
            anno.set(loop, "srcline", self.line)
            return pre + [loop]

        stmts += build(e.generators)
        self.depth -= 1
        self.env = saved_env
        self.assigned = saved_assigned | {acc}
        return stmts, load(acc)

    def boolop(self, e, hint):
        # `a and b` -> t = a; if t: t = b   (short-circuit kept)
        name = self.names.fresh(hint if hint not in _ANONYMOUS else
                                ("both" if isinstance(e.op, gast.And) else "either"))
        stmts, first = self.atom(e.values[0], hint)
        stmts.append(assign(name, first, self.line))
        for v in e.values[1:]:
            self.depth += 1
            s, a = self.atom(v, hint)
            self.depth -= 1
            test = load(name) if isinstance(e.op, gast.And) else \
                gast.UnaryOp(op=gast.Not(), operand=load(name))
            cond_stmts, cond = self.atom(test, "cond") if isinstance(e.op, gast.Or) \
                else ([], load(name))
            node = gast.If(test=cond, body=s + [assign(name, a, self.line)], orelse=[])
            anno.set(node, "srcline", self.line)
            stmts += cond_stmts + [node]
        return stmts, load(name)

    def ifexp(self, e, hint):
        name = self.names.fresh(hint if hint not in _ANONYMOUS else "choice")
        stmts, test = self.atom(e.test, "cond")
        self.depth += 1
        s1, a = self.simple(e.body, hint)
        s2, b = self.simple(e.orelse, hint)
        self.depth -= 1
        node = gast.If(test=test, body=s1 + [assign(name, a, self.line)],
                       orelse=s2 + [assign(name, b, self.line)])
        anno.set(node, "srcline", self.line)
        return stmts + [node], load(name)

    # ---- statements ----------------------------------------------------
    def target_name(self, name):
        """The name an assignment to user variable ``name`` writes."""
        if self.depth == 0 and name in self.assigned and name not in self.closed:
            version = self.names.fresh(name)
            self.env[name] = version
            self.assigned.add(version)
            return version
        self.assigned.add(name)
        return self.env.get(name, name)

    def block(self, stmts):
        out = []
        for s in stmts:
            out += self.stmt(s)
        return out

    def stmt(self, s):
        self.line = getattr(s, "lineno", self.line)
        line = self.line
        if isinstance(s, gast.Nonlocal) and set(s.names) <= self.outer:
            return []    # the caller's names: the inliner keeps them as they are
        if isinstance(s, gast.With) and self.errstate_items(s) is not None:
            # np.errstate that only silences or reports: values are those without it
            for key, value in self.errstate_items(s).items():
                self.errstate.setdefault(key, value)
            return self.block(s.body)
        for kind, what in REFUSED.items():
            if isinstance(s, kind):
                raise self.error(s, f"'{what}' statements cannot be differentiated",
                                 "move this code out of the differentiated function")
        if isinstance(s, gast.Assign):
            out = self.assign_stmt(s.targets, s.value)
        elif isinstance(s, gast.AnnAssign):
            out = self.assign_stmt([s.target], s.value) if s.value is not None else []
        elif isinstance(s, gast.AugAssign):
            out = self.augassign(s)
        elif isinstance(s, gast.Expr):
            if isinstance(s.value, gast.Constant):
                return []  # docstring or bare constant
            stmts, simple = self.simple(s.value, _ANON)
            got = resizing_call(simple)
            if got and got[1] == "pop":
                # L.pop() whose item is dropped: both modes follow t = L.pop()
                out = stmts + [assign(self.names.fresh(got[0] + "_item"), simple)]
            else:
                out = stmts + ([gast.Expr(value=simple)] if not self.is_atomic(simple) else [])
        elif isinstance(s, gast.Return):
            value = s.value if s.value is not None else const(None)
            stmts, a = self.atom(value, self.out_hint)
            out = stmts + [gast.Return(value=a)]
        elif isinstance(s, gast.If):
            stmts, test = self.atom(s.test, "cond")
            self.depth += 1
            body, orelse = self.block(s.body), self.block(s.orelse)
            self.depth -= 1
            out = stmts + [gast.If(test=test, body=body, orelse=orelse)]
        elif isinstance(s, gast.For):
            s = self._own_loop_target(s)
            stmts, it = self.atom(s.iter, "it")
            self.depth += 1
            target = self.loop_target(s.target)
            body, orelse = self.block(s.body), self.block(s.orelse)
            self.depth -= 1
            node = gast.For(target=target, iter=it, body=_lift_loop(body), orelse=[],
                            type_comment=None)
            post = self.loop_else(node, orelse)
            out = stmts + anno.get(node, "pre", []) + [node] + post
        elif isinstance(s, gast.While):
            out = self.while_stmt(s)
        elif isinstance(s, (gast.Break, gast.Continue)):
            out = [type(s)()]
        elif isinstance(s, gast.Pass):
            out = []
        elif isinstance(s, (gast.Assert, gast.Raise)):
            out = [self.ren(clone(s))]
        elif isinstance(s, gast.FunctionDef):
            out = [self.nested_def(s)]
        else:
            raise self.error(s, f"unsupported statement {type(s).__name__}")
        for o in out:
            if anno.get(o, "srcline") is None:
                anno.set(o, "srcline", line)
        return out

    def _own_loop_target(self, s):
        """``for x in xs:`` whose body assigns ``x`` again becomes ``for x_item in
        xs: x = x_item; ...``: the adjoint's reversed loop binds the loop variable
        at each iteration, which must not hide the value the body left in ``x``."""
        names = {n.id for n in walk(s.target) if isinstance(n, gast.Name)}
        stored = {n.id for st in s.body for n in walk(st)
                  if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
        if not names & stored:
            return s
        item = {n: self.names.fresh(n + "_item") for n in sorted(names)}
        new_target = clone(s.target)
        value = clone(s.target)
        for n in walk(new_target):
            if isinstance(n, gast.Name):
                n.id = item[n.id]
        for n in walk(value):
            if isinstance(n, gast.Name):
                n.id, n.ctx = item[n.id], gast.Load()
        for n in walk(value):
            if isinstance(n, (gast.Tuple, gast.List)):
                n.ctx = gast.Load()
        first = gast.Assign(targets=[clone(s.target)], value=value, type_comment=None)
        gast.copy_location(first, s)
        gast.fix_missing_locations(first)
        return gast.For(target=new_target, iter=s.iter, body=[first] + list(s.body),
                        orelse=s.orelse, type_comment=None, lineno=s.lineno,
                        col_offset=s.col_offset, end_lineno=getattr(s, "end_lineno", None),
                        end_col_offset=getattr(s, "end_col_offset", None))

    def loop_target(self, t):
        if isinstance(t, gast.Name):
            self.assigned.add(t.id)
            return store(self.env.get(t.id, t.id))
        if isinstance(t, (gast.Tuple, gast.List)):
            return gast.Tuple(elts=[self.loop_target(x) for x in t.elts], ctx=gast.Store())
        raise self.error(t, "a loop variable must be a name or a tuple of names")

    def nested_def(self, s):
        # A nested function is kept as a value; calls to it are transformed
        # like calls to any user function (its source is this def).
        node = clone(s)
        self.assigned.add(s.name)
        return node

    def assign_stmt(self, targets, value):
        if len(targets) == 1 and isinstance(targets[0], gast.Name):
            stmts, simple = self.effect_only(*self.simple(value, targets[0].id))
            target = self.target_name(targets[0].id)
            if self.depth == 0 and anno.has(simple, "record"):
                self.record_of[target] = anno.get(simple, "record")
            return stmts + [assign(target, simple, self.line)]
        if len(targets) == 1 and isinstance(targets[0], (gast.Tuple, gast.List)) \
                and isinstance(value, (gast.Tuple, gast.List)) \
                and len(value.elts) == len(targets[0].elts) \
                and not any(isinstance(x, gast.Starred) for x in value.elts + targets[0].elts):
            # a, b = b, a: evaluate every value first, then assign
            stmts, vals = [], []
            for t, v in zip(targets[0].elts, value.elts):
                s, a = self.atom(v, t.id if isinstance(t, gast.Name) else _ANON)
                stmts += s
                if isinstance(a, gast.Name) and any(
                        isinstance(t2, gast.Name) and self.env.get(t2.id, t2.id) == a.id
                        for t2 in targets[0].elts):
                    tmp = self.names.fresh(a.id)
                    stmts.append(assign(tmp, a, self.line))
                    a = load(tmp)
                vals.append(a)
            for t, a in zip(targets[0].elts, vals):
                stmts += self.assign_to(t, a)
            return stmts
        hint = targets[0].id if isinstance(targets[0], gast.Name) else _ANON
        if any(isinstance(t, (gast.Tuple, gast.List)) for t in targets) and self.iterator_call(value):
            # a, b = reversed(x): unpacking reads the items by index, which an
            # iterator has not; unpack the tuple of its items
            value = gast.Call(func=load("tuple"), args=[value], keywords=[])
            names = [e.id for t in targets if isinstance(t, (gast.Tuple, gast.List))
                     for e in t.elts if isinstance(e, gast.Name)]
            hint = "_".join(names) if hint == _ANON and names else hint   # (not "tuple")
        stmts, a = self.atom(value, hint)
        for t in targets:
            stmts += self.assign_to(t, a)
        return stmts

    def iterator_call(self, value):
        """Is ``value`` a call of a builtin that returns an iterator (reversed, zip, ...)
        or of a dict view method (``d.values()``)?"""
        import builtins
        func = value.func if isinstance(value, gast.Call) else None
        if isinstance(func, gast.Attribute) and func.attr in ("items", "values", "keys") \
                and not value.args and not value.keywords:
            return True     # a dict view (unpacking iterates it, as tuple() does)
        return (isinstance(func, gast.Name) and func.id in _ITERATOR_BUILTINS
                and func.id not in self.local_names
                and self.fs.lookup_or_none(func.id) is getattr(builtins, func.id))

    def assign_to(self, t, a):
        if isinstance(t, gast.Name):
            return [assign(self.target_name(t.id), a, self.line)]
        if isinstance(t, (gast.Tuple, gast.List)):
            if any(isinstance(x, gast.Starred) for x in t.elts):
                raise self.error(t, "starred assignment targets (a, *b = ...) are not supported",
                                 "index the sequence explicitly")
            out = []
            for i, elt in enumerate(t.elts):
                item = gast.Subscript(value=clone(a), slice=const(i), ctx=gast.Load())
                if isinstance(elt, gast.Name):
                    out.append(assign(self.target_name(elt.id), item, self.line))
                else:
                    name = self.names.fresh("item")
                    out.append(assign(name, item, self.line))
                    out += self.assign_to(elt, load(name))
            return out
        if isinstance(t, gast.Subscript):
            checked = False
            merged_from = None
            if isinstance(t.value, gast.Subscript):
                merged_from = t
                merged = self.merge_index(t)
                if merged is None:
                    raise self.error(t, "nested subscript assignment (a[i][j] = v) writes "
                                     "through a view", "write a[i, j] = v")
                checked = anno.get(merged, "int_check", False)
                t = merged
            if not isinstance(t.value, gast.Name):
                raise self.error(t, "assignment into an attribute's element (obj.a[i] = v) "
                                 "mutates an object that outlives the call",
                                 "copy it into a local array first")
            if t.value.id not in self.local_names and t.value.id not in self.outer:
                raise self.error(t, f"assignment into an element of the global '{t.value.id}' "
                                 "mutates an object that outlives the call",
                                 "copy it into a local variable first")
            stmts, idx = self.index(t.slice, t.value.id)
            base = self.ren(load(t.value.id))
            target = gast.Subscript(value=base, slice=idx, ctx=gast.Store())
            node = gast.Assign(targets=[target], value=a, type_comment=None)
            if checked:
                anno.set(node, "int_check", (self.fs.loc.filename, self.fs.loc.lineno(t)))
            if merged_from is not None:     # a[i][j] = v: a must be an array
                anno.set(node, "merged", (self.fs.loc.filename, self.fs.loc.lineno(merged_from)))
            return stmts + [node]
        if isinstance(t, gast.Attribute):
            raise self.error(t, "assignment to an attribute mutates an object that outlives "
                             "the call", "return the new value instead")
        raise self.error(t, f"unsupported assignment target {type(t).__name__}")

    def merge_index(self, t):
        """a[i][j] = v with an integer i (a constant, or a variable of a loop over
        range()) writes the same elements as a[i, j] = v on an array."""
        inner = t.value
        if not isinstance(inner.value, gast.Name):
            return None
        i = inner.slice
        if isinstance(i, (gast.Slice, gast.Tuple, gast.List, gast.Starred)) or (
                isinstance(i, gast.Constant) and type(i.value) is not int):
            return None
        check = not self._int_expr(i)   # an integer only at run time: checked there
        j = t.slice
        rest = list(j.elts) if isinstance(j, gast.Tuple) else [j]
        merged = gast.Subscript(value=inner.value, slice=gast.Tuple(elts=[i] + rest,
                                                                  ctx=gast.Load()),
                                ctx=gast.Store())
        gast.copy_location(merged, t)
        anno.set(merged, "int_check", check)
        return merged

    def _int_expr(self, e):
        """Certainly a Python int: int constants, variables of loops over range(),
        and +, -, *, //, % of those."""
        if isinstance(e, gast.Constant):
            return type(e.value) is int
        if isinstance(e, gast.Name):
            return e.id in self.int_names
        if isinstance(e, gast.UnaryOp) and isinstance(e.op, (gast.USub, gast.UAdd)):
            return self._int_expr(e.operand)
        if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Add, gast.Sub, gast.Mult,
                                                           gast.FloorDiv, gast.Mod)):
            return self._int_expr(e.left) and self._int_expr(e.right)
        return False

    def augassign(self, s):
        t = s.target
        if isinstance(t, gast.Name):
            stmts, v = self.atom(s.value, t.id)
            old = self.ren(load(t.id))
            simple = gast.BinOp(left=old, op=s.op, right=v)
            node = assign(self.target_name(t.id), simple, self.line)
            anno.set(node, "augassign", old.id)    # an array is changed in place by Python
            return stmts + [node]
        if isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name):
            base = t.value.id
            stmts, idx = self.index(t.slice, base)
            old = self.names.fresh(base + "_old")
            stmts.append(assign(old, gast.Subscript(value=self.ren(load(base)), slice=clone(idx),
                                                    ctx=gast.Load()), self.line))
            s2, v = self.atom(s.value, base)
            stmts += s2
            new = self.names.fresh(base + "_new")
            stmts.append(assign(new, gast.BinOp(left=load(old), op=s.op, right=v), self.line))
            # (an item of a list or dict that is an array is changed in place by
            # Python: inline.protect_writes reads this as ``old += v`` there)
            anno.set(stmts[-1], "aug_item", True)
            target = gast.Subscript(value=self.ren(load(base)), slice=clone(idx), ctx=gast.Store())
            stmts.append(gast.Assign(targets=[target], value=load(new), type_comment=None))
            return stmts
        raise self.error(s, "augmented assignment to an attribute mutates an object that "
                         "outlives the call", "return the new value instead")

    def while_stmt(self, s):
        # while test: body   ->   cond = test; while cond: body; cond = test
        pre, test = self.atom(s.test, "cond")
        self.depth += 1
        if pre or not is_atom(test):
            # re-evaluate the condition at the end of every iteration
            cond = test.id if isinstance(test, gast.Name) and pre else self.names.fresh("cond")
            while_line = self.line
            body = self.block(s.body)
            self.line = while_line      # (commented as the while line, not the body's last)
            again, t2 = self.atom(clone(s.test), "cond")
            if not (isinstance(t2, gast.Name) and t2.id == cond):
                again.append(assign(cond, t2, self.line))
            orelse = self.block(s.orelse)
            self.depth -= 1
            if not (isinstance(test, gast.Name) and pre):
                pre.append(assign(cond, test, self.line))
            node = gast.While(test=load(cond), body=_lift_loop(body, again), orelse=[])
            post = self.loop_else(node, orelse)
            return pre + anno.get(node, "pre", []) + [node] + post
        body, orelse = self.block(s.body), self.block(s.orelse)
        self.depth -= 1
        node = gast.While(test=test, body=_lift_loop(body), orelse=[])
        post = self.loop_else(node, orelse)
        return pre + anno.get(node, "pre", []) + [node] + post

    def loop_else(self, loop, orelse):
        """`for ... else: E` runs E when the loop did not break."""
        if not orelse:
            return []
        if not any(isinstance(n, gast.Break) for n in _loop_level(loop.body)):
            return orelse
        flag = self.names.fresh("broke")
        _mark_breaks(loop.body, flag, self.line)
        anno.set(loop, "pre", [assign(flag, const(False), self.line)])
        test = self.names.fresh("no_break")
        check = assign(test, gast.UnaryOp(op=gast.Not(), operand=load(flag)), self.line)
        return [check, gast.If(test=load(test), body=orelse, orelse=[])]


def _loop_level(stmts):
    """Statements of a loop body, not descending into nested loops."""
    for s in stmts:
        yield s
        if isinstance(s, gast.If):
            yield from _loop_level(s.body)
            yield from _loop_level(s.orelse)


def _mark_breaks(stmts, flag, line):
    for i, s in enumerate(list(stmts)):
        if isinstance(s, gast.Break):
            stmts.insert(stmts.index(s), assign(flag, const(True), line))
        elif isinstance(s, gast.If):
            _mark_breaks(s.body, flag, line)
            _mark_breaks(s.orelse, flag, line)


def _lift_jumps(stmts, rest, again):
    """Move what follows a branch that may break/continue into its other paths,
    so that every `break` ends its path and `continue` disappears (its path
    runs only ``again``, the loop's end-of-iteration statements)."""
    out = []
    for i, s in enumerate(stmts):
        if isinstance(s, gast.Continue):
            return out + clone(again)
        if isinstance(s, (gast.Break, gast.Return, gast.Raise)):
            return out + [s]
        if isinstance(s, gast.If) and any(isinstance(n, (gast.Break, gast.Continue))
                                          for n in _loop_level([s])):
            tail = stmts[i + 1:] + rest
            other = clone(tail)     # (before lifting: _lift_jumps rewrites ifs in place)
            s.body = _lift_jumps(s.body + tail, [], again)
            s.orelse = _lift_jumps(s.orelse + other, [], again)
            return out + [s]
        out.append(s)
    return out + rest


def _lift_loop(body, again=()):
    again = list(again)
    if any(isinstance(n, (gast.Break, gast.Continue)) for n in _loop_level(body)):
        return _lift_jumps(body, again, again)
    return body + again


# ---- return lifting: one exit at the end ---------------------------------

def _has_return(stmts):
    """Does a return stand in these statements (not in nested functions)?"""
    for s in stmts:
        if isinstance(s, gast.Return):
            return True
        if isinstance(s, (gast.FunctionDef, gast.ClassDef)):
            continue
        for field in ("body", "orelse"):
            sub = getattr(s, field, None)
            if isinstance(sub, list) and _has_return(sub):
                return True
    return False


def _always_returns(stmts):
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (gast.Return, gast.Raise)):
        return True
    if isinstance(last, gast.If):
        return _always_returns(last.body) and _always_returns(last.orelse)
    return False


def _lift(stmts, rest, loc, names=None, made=None):
    """Append the continuation ``rest`` to every path of ``stmts`` that falls through
    (``made`` collects the names that hold a value returned inside a loop)."""
    out = []
    for i, s in enumerate(stmts):
        if isinstance(s, (gast.Return, gast.Raise)):
            return out + [s]
        if isinstance(s, gast.If) and _has_return([s]):
            tail = stmts[i + 1:] + rest
            other = clone(tail)     # (before lifting: _lift rewrites loops in place)
            s.body = _lift(s.body + tail, [], loc, names, made)
            s.orelse = _lift(s.orelse + other, [], loc, names, made)
            return out + [s]
        if isinstance(s, (gast.For, gast.While)) and _has_return(s.body):
            # return inside a loop: remember the value, leave the loop, return after it
            flag, value = names.fresh("returned"), names.fresh("retval")
            line = anno.get(s, "srcline")
            if made is not None:
                made.append((value, line))
            _returns_to_breaks(s, flag, value, line)
            init = assign(flag, const(False), line)
            after = gast.If(test=load(flag), body=[_ret(load(value), line)], orelse=[])
            anno.set(after, "srcline", line)
            tail = [after] + stmts[i + 1:] + rest
            return _lift(out + [init, s] + tail, [], loc, names, made)
        out.append(s)
    return out + rest


def _ret(value, line):
    r = gast.Return(value=value)
    anno.set(r, "srcline", line)
    return r


def _returns_to_breaks(loop, flag, value, line):
    """`return v` anywhere in the loop -> `value = v; flag = True; break`; a nested
    loop that may return is followed by `if flag: break`."""
    def block(stmts):
        out = []
        for st in stmts:
            if isinstance(st, gast.Return):
                out += [assign(value, st.value, anno.get(st, "srcline", line)),
                        assign(flag, const(True), anno.get(st, "srcline", line)), gast.Break()]
                break
            if isinstance(st, gast.If):
                st.body, st.orelse = block(st.body), block(st.orelse)
                out.append(st)
            elif isinstance(st, (gast.For, gast.While)) and _has_return(st.body):
                st.body = _lift_loop(block(st.body))
                out.append(st)
                stop = gast.If(test=load(flag), body=[gast.Break()], orelse=[])
                anno.set(stop, "srcline", line)
                out.append(stop)
            else:
                out.append(st)
        return out

    loop.body = _lift_loop(block(loop.body))


def _single_exit(stmts, out_name, line):
    """Replace every `return v` at a path's end by `out = v`."""
    res = []
    for s in stmts:
        if isinstance(s, gast.Return):
            node = assign(out_name, s.value, anno.get(s, "srcline"))
            res.append(node)
        elif isinstance(s, gast.If):
            s.body = _single_exit(s.body, out_name, line)
            s.orelse = _single_exit(s.orelse, out_name, line)
            res.append(s)
        else:
            res.append(s)
    return res


def _returns(stmts):
    found = []
    for s in stmts:
        if isinstance(s, gast.Return):
            found.append(s)
        elif isinstance(s, gast.If):
            found += _returns(s.body) + _returns(s.orelse)
    return found


def _closed_over(node):
    """Names the defs and lambdas nested in ``node`` read from outside themselves
    (or rebind, nonlocal). Python binds them late: a call (not inlined, or made by
    code srcdiff does not see, ``map(g, xs)``) reads the value current where it
    runs, so a new version of such a name would leave the old value behind for
    the call to read."""
    free = set()
    for n in walk(node):
        if n is node or not isinstance(n, (gast.Lambda, gast.FunctionDef)):
            continue
        own = {m.id for m in walk(n) if isinstance(m, gast.Name)
               and not isinstance(m.ctx, gast.Load)} - nonlocal_names(n)
        free |= {m.id for m in walk(n) if isinstance(m, gast.Name)} - own
    return free


def nonlocal_names(fn):
    """The names a def declares nonlocal (in its own body, not in defs inside it)."""
    out = set()
    todo = list(fn.body) if isinstance(fn, gast.FunctionDef) else []
    while todo:
        st = todo.pop()
        if isinstance(st, gast.Nonlocal):
            out |= set(st.names)
        elif not isinstance(st, (gast.FunctionDef, gast.Lambda)):
            todo.extend(x for x in gast.iter_child_nodes(st) if isinstance(x, gast.stmt))
    return out


def normalize(fs, outer=frozenset(), varargs=False, records=None):
    """Normalize ``fs`` (a FunctionSource) to A-normal form with a single exit.
    ``outer``: for a nested def inlined into its caller, the caller's names it
    may write into (``acc[0] = v``, ``acc.append(v)``) or rebind (nonlocal).
    ``varargs``: a function inlined into its caller may have ``*args`` and
    ``**kwargs`` parameters (bound to a tuple and a dict literal there).
    ``records``: parameter -> RecordKind of the object parameters (records.py),
    whose ``_replace`` makes a new NamedTuple."""
    node = fs.node
    args = node.args
    if not varargs and (args.vararg is not None or args.kwarg is not None):
        raise fs.loc.error(node, "functions with *args or **kwargs parameters cannot be "
                           "differentiated directly", "give the parameters names")
    params = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
    params += [a.id for a in (args.vararg, args.kwarg) if a is not None]
    names = NameGen(all_names(node) | set(params))
    reserved = set()
    for p in params:
        if "d" + p not in names.taken:
            names.reserve("d" + p)
            reserved.add("d" + p)
    norm = _Normalizer(fs, names)
    # variables that only ever loop over range(), or count in enumerate(): integers
    targets = {}
    target_nodes = set()
    for n in walk(node):
        if not isinstance(n, gast.For):
            continue
        it = n.iter
        called = it.func.id if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) \
            else None
        if isinstance(n.target, gast.Name):
            targets[n.target.id] = targets.get(n.target.id, True) and called == "range"
            target_nodes.add(id(n.target))
        elif isinstance(n.target, gast.Tuple) and n.target.elts \
                and isinstance(n.target.elts[0], gast.Name):
            first = n.target.elts[0]
            targets[first.id] = targets.get(first.id, True) and called == "enumerate" \
                and len(it.args) == 1 and not it.keywords
            target_nodes.add(id(first))
    assigned_elsewhere = {n.id for n in walk(node) if isinstance(n, gast.Name)
                          and isinstance(n.ctx, gast.Store) and id(n) not in target_nodes}
    norm.int_names = {k for k, v in targets.items() if v} - assigned_elsewhere
    norm.local_names = {n.id for n in walk(node) if isinstance(n, gast.Name)
                        and isinstance(n.ctx, (gast.Store, gast.Param, gast.Del))} | set(params)
    norm.outer = frozenset(outer)
    norm.record_of = {p: k for p, k in (records or {}).items()
                      if p in params and p not in assigned_elsewhere
                      and getattr(k, "named", False) and k.cls is not tuple}
    nonlocals = nonlocal_names(node)
    if not nonlocals <= norm.outer:
        st = next(x for x in walk(node) if isinstance(x, gast.Nonlocal))
        raise norm.error(st, "'nonlocal' statements cannot be differentiated here",
                         "call the nested function directly inside the function "
                         "srcdiff differentiates (so it can be inlined there)")
    # a nonlocal name is the caller's: never versioned, never renamed
    norm.closed = (_closed_over(node) & norm.local_names) | nonlocals
    norm.assigned = set(params)
    norm.out_hint = node.name if node.name not in ("lambda_",) and node.name not in params \
        else "out"
    body = norm.block(node.body)
    if not _always_returns(body):
        ret = gast.Return(value=const(None))
        anno.set(ret, "srcline", getattr(node, "lineno", 1))
        body.append(ret)
    made = []
    body = _lift(body, [], fs.loc, names, made)
    # bound on every path (the adjoint reads its shape where branches join)
    body = [assign(value, const(None), line) for value, line in made] + body
    rets = _returns(body)
    if len(rets) == 1 and body and body[-1] is rets[0]:
        out = rets[0].value
        body = body[:-1]
    else:
        out_name = names.fresh("out")
        body = _single_exit(body, out_name, node.lineno)
        out = load(out_name)
    fn = gast.FunctionDef(name=node.name, args=args, body=body, decorator_list=[],
                          returns=None, type_comment=None, type_params=[])
    result = Normalized(fn, params, out, names, fs)
    result.errstate = norm.errstate
    result.reserved_adjoints = reserved
    result.nonlocals = nonlocals
    return result
