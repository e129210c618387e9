"""Applying an operation's reverse rule: its VJP template instantiated inline
with the call's arguments (or, where it cannot be inlined, called), and the
cotangent of each active argument accumulated into its adjoint.
"""
import operator

import gast
import numpy as np

from .. import runtime
from ..backend.simplify import simplify
from ..ir import anno
from ..ir.syntax import load, const, assign, call, subscript, names_read, clone
from ..ir.templates import template, instantiate, result_parts, returns_tuple


class VjpRulesMixin:
    """Reverses ``t = f(args)`` for an ``f`` with a rule (rules/registry.py)."""

    def rule_contributions(self, s, t, op, g):
        line = anno.get(s, "srcline")
        rule = op.rule
        if op.func is operator.getitem and isinstance(op.args[0], gast.Name) \
                and self.active(op.args[0].id):
            base = op.args[0].id
            d = self.adj(base)
            if d in self.live and d in self.owned:
                # accumulate into our own buffer in place: loops over rows stay linear
                return [assign(d, call(self.ref(runtime.add_at, "add_at"),
                                       [load(d), clone(op.args[1]), g]), line)]
        if rule.vjp is None:
            raise self.error(s, f"{rule.name} has no reverse-mode rule",
                             f"register one with @srcdiff.vjp_rule({rule.name})")
        tpl = template(rule.vjp)
        params = tpl.params[2:]
        if len(op.args) > len(params) and not tpl.varargs:
            raise self.error(s, f"{rule.name} called with {len(op.args)} positional arguments; "
                             f"its rule takes {len(params)}")
        bind = {}
        active = []    # (position in the rule's result, primal name)
        for i, a in enumerate(op.args):
            if i < len(params):
                bind[params[i]] = a
            if isinstance(a, gast.Name) and self.active(a.id):
                active.append((i, a.id))
        if tpl.varargs:
            bind[tpl.varargs] = gast.Tuple(elts=list(op.args[len(params):]), ctx=gast.Load())
        for k, v in op.keywords.items():
            if k not in params and k not in tpl.kwonly and tpl.varkw is None:
                raise self.error(s, f"{rule.name}: its rule has no parameter {k!r}")
            if k in params or k in tpl.kwonly:
                bind[k] = v
            if isinstance(v, gast.Name) and self.active(v.id):
                if k not in params:
                    raise self.error(s, f"{rule.name}: cannot differentiate with respect to "
                                     f"the keyword-only argument {k!r}")
                active.append((params.index(k), v.id))
        if not active:
            return []
        if not tpl.inlinable:
            return self._called_rule(s, t, op, rule, tpl, g, active)
        if isinstance(op.func, np.ufunc):
            # a list or tuple a ufunc reads as an array: the rule reads it as one too
            # (its arithmetic on a list would repeat or fail)
            for p, v in bind.items():
                if isinstance(v, gast.Name) and v.id in self.containers:
                    bind[p] = call(self.ref(np.asarray, "asarray"), [load(v.id)])
        bind[tpl.params[0]] = g
        bind[tpl.params[1]] = load(self._ans or t)
        known = {name for _, name in active} | ({g.id} if isinstance(g, gast.Name) else set())
        stmts, result = instantiate(tpl, bind, self.names, self.env, hint=self.adj(t),
                                    not_none=known)     # values, never None
        count = max(k for k, _ in active) + 1
        if tpl.packed and not isinstance(result, (gast.Tuple, gast.IfExp)):
            # the rule's value is the tuple of every argument's cotangent: bound once
            cts = self.names.fresh(self.adj(t) + "_cts")
            stmts.append(assign(cts, result))
            results = [subscript(load(cts), const(k)) for k in range(count)]
        else:
            results = result_parts(tpl, result, count)
        for st in stmts:
            # the rule's locals: their shapes where known (unbroadcast of them pruned)
            n = st.targets[0].id
            cls = self.shapes.expr_class(st.value)
            if cls is not None:
                self.shapes.classes[n] = cls
            sym = self.shapes.expr_sym(st.value)
            if sym is not None:
                self.shapes.sym[n] = sym
        used = set()
        exprs = []
        for k, name in active:
            if k >= len(results) or (isinstance(results[k], gast.Constant)
                                     and results[k].value is None):
                continue
            e = self.shapes.prune(simplify(results[k]))
            if _may_be_none(e):
                # no cotangent on some path of the rule: zeros there, never None
                e = call(self.ref(runtime.complete_cotangent, "complete_cotangent"),
                         [e, load(name)])
            elif name in self.containers and _array_valued(e, self.shapes._callee):
                # a list or tuple given to a NumPy function (np.sum(L)): its
                # cotangent has the container's items, as its other uses give it
                e = call(self.ref(runtime.items_like, "items_like"), [e, load(name)])
            exprs.append((name, e))
            used |= names_read(e)
        # keep only the rule's local statements the chosen results need
        keep = []
        for st in reversed(stmts):
            if st.targets[0].id in used:
                keep.insert(0, st)
                used |= names_read(st.value)
        whole = [e.id for _, e in exprs if isinstance(e, gast.Name)]
        for st in keep:
            anno.set(st, "srcline", line)
            n = st.targets[0].id
            if whole.count(n) == 1 and self._fresh(st.value):
                self._fresh_locals.add(n)
        out = keep
        for name, e in exprs:
            out += self.accumulate(name, e, line)
        return out

    def _called_rule(self, s, t, op, rule, tpl, g, active):
        """A rule that cannot be inlined: the generated code calls it and takes
        the cotangents it needs from its value (a tuple, or the first
        parameter's cotangent alone; see rules/registry.py)."""
        line = anno.get(s, "srcline")
        kind, length = returns_tuple(tpl)
        res = self.names.fresh(f"{t}_vjp")
        args = [g, load(self._ans or t)] + [clone(a) for a in op.args]
        kws = [gast.keyword(arg=k, value=clone(v)) for k, v in op.keywords.items()]
        value = call(self.ref(rule.vjp, rule.vjp.__name__), args, kws)
        if kind is None:
            # its source does not tell a tuple from a single cotangent: sorted where it runs
            count = max(len(op.args), max(k for k, _ in active) + 1)
            kind, length = True, count
            value = call(self.ref(runtime.rule_cotangents, "rule_cotangents"),
                         [value, const(count)])
        out = [assign(res, value, line)]
        for k, name in active:
            if kind and k < length:
                out += self.accumulate(name, subscript(load(res), const(k)), line)
            elif not kind and k == 0:
                out += self.accumulate(name, load(res), line)
        return out


def _may_be_none(expr):
    """Is ``expr`` a conditional expression with a ``None`` branch?"""
    while isinstance(expr, gast.IfExp):
        if any(isinstance(b, gast.Constant) and b.value is None for b in (expr.body, expr.orelse)):
            return True
        expr = expr.orelse if isinstance(expr.orelse, gast.IfExp) else expr.body
    return False


def _array_valued(e, callee):
    """Does a rule's cotangent expression certainly make an array (arithmetic,
    a reduction undone)?"""
    if isinstance(e, (gast.BinOp, gast.UnaryOp)):
        return True
    return isinstance(e, gast.Call) and callee(e.func) in (runtime.expand_reduced, np.where)
