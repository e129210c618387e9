"""Statements lowered one by one: the dispatch over statement kinds, refused
statements, ``with np.errstate(...)``, ``if`` and ``for``, versions of the
names assigned in straight-line code."""

import gast
import numpy as np

from ...analysis.activity import resizing_call
from ...ir import anno
from ...ir.syntax import assign, clone, const, resolve_static, store, walk
from .expressions import ANON
from .loops import lift_loop


REFUSED = {
    gast.Try: "try/except", gast.With: "with", gast.AsyncWith: "async with",
    gast.Global: "global", gast.Nonlocal: "nonlocal", gast.Import: "import",
    gast.ImportFrom: "import", gast.ClassDef: "class definition", gast.Delete: "del",
    gast.AsyncFor: "async for",
}


# `with np.errstate(...)`: the keys and the settings that do not change what runs
_ERRSTATE_KEYS = frozenset({"all", "divide", "over", "under", "invalid"})

_ERRSTATE_QUIET = frozenset({"ignore", "warn", "print", "log"})


class StatementLowering:
    """The normalizer's part that lowers statements."""

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
            stmts, simple = self.simple(s.value, ANON)
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
            node = gast.For(target=target, iter=it, body=lift_loop(body), orelse=[],
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
