"""Expressions lowered to one operation on atoms (names and constants), with
the statements that compute the operands before it; temporaries named
after the statement's target or, without one, after their operation."""

import types

import gast

from ...analysis.activity import resizing_call
from ...ir import anno
from ...ir.syntax import assign, clone, const, is_atom, load, rename, resolve_static
from ..names import expr_name


# the hint of a statement that names no target: its temporaries are named after
# their operations (temp_base), and those of its indices and callees too
ANON = "t"

ANONYMOUS = frozenset({ANON, ANON + "_i", ANON + "_fn"})


def negative_number(e):
    return isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub) \
        and isinstance(e.operand, gast.Constant) and type(e.operand.value) in (int, float)


def is_static_chain(fs, node, local_names):
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


class ExpressionLowering:
    """The normalizer's part that lowers expressions."""

    def ren(self, node):
        """Apply the current SSA versions to the names an expression reads."""
        return rename(node, self.env)

    def is_atomic(self, e):
        return is_atom(e) or is_static_chain(self.fs, e, self.local_names) or negative_number(e)

    def atom(self, e, hint):
        if negative_number(e):
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
        if hint not in ANONYMOUS:
            return hint
        return expr_name(simple, self.names.user_name,
                         lambda n: is_static_chain(self.fs, n, self.local_names))

    def atoms(self, exprs, hint):
        stmts, out = [], []
        for e in exprs:
            s, a = self.atom(e, hint)
            stmts += s
            out.append(a)
        return stmts, out

    def simple(self, e, hint):
        """Normalize ``e`` to one operation on atoms, with the statements before it."""
        if negative_number(e):
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
        from ...rules import lookup
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

    def boolop(self, e, hint):
        # `a and b` -> t = a; if t: t = b   (short-circuit kept)
        name = self.names.fresh(hint if hint not in ANONYMOUS else
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
        name = self.names.fresh(hint if hint not in ANONYMOUS else "choice")
        stmts, test = self.atom(e.test, "cond")
        self.depth += 1
        s1, a = self.simple(e.body, hint)
        s2, b = self.simple(e.orelse, hint)
        self.depth -= 1
        node = gast.If(test=test, body=s1 + [assign(name, a, self.line)],
                       orelse=s2 + [assign(name, b, self.line)])
        anno.set(node, "srcline", self.line)
        return stmts + [node], load(name)
