"""Adjoints and how cotangents add up in them.

The adjoint of ``x`` is ``dx``. The sweep tracks, at transform time, which
adjoints hold a value (``live``), which hold a buffer this code made and may
update in place (``owned``), and which may hold None standing for a zero
shaped like their value (``absent``): the first contribution is an
assignment, later ones add.
"""
import gast

from .. import runtime
from ..backend.simplify import simplify
from ..ir import anno
from ..ir.syntax import load, store, const, assign, call


class AdjointsMixin:
    """Adjoint names, zeros and accumulation (the live / owned / absent sets)."""

    def adj(self, name):
        d = self.adj_names.get(name)
        if d is None:
            if name in self.norm.params and ("d" + name) in self.norm.reserved_adjoints:
                d = "d" + name
            else:
                d = self.names.adjoint(name)
            self.adj_names[name] = d
            self.shapes.adjoint_of[d] = name
        return d

    def accumulate(self, name, expr, line):
        """Emit ``dname = expr`` (first contribution) or ``dname = dname + expr``."""
        d = self.adj(name)
        expr = simplify(expr)
        if d in self.live:
            if name not in self.arrays or d in self.absent:
                expr = call(self.ref(runtime.add_cotangents, "add_cotangents"), [load(d), expr])
                self.owned.discard(d)
                self.absent.discard(d)
            elif d in self.owned and self.in_place_ok(name):
                # our own buffer: accumulate in place (no new array per contribution)
                node = gast.AugAssign(target=store(d), op=gast.Add(), value=expr)
                anno.set(node, "srcline", line)
                if isinstance(expr, gast.UnaryOp) and isinstance(expr.op, gast.USub):
                    node.op, node.value = gast.Sub(), expr.operand
                return [node]
            else:
                expr = simplify(gast.BinOp(left=load(d), op=gast.Add(), right=expr))
                self.owned.add(d)
        else:
            self.live.add(d)
            if self._fresh(expr):
                self.owned.add(d)
            else:
                self.owned.discard(d)
        return [assign(d, expr, line)]

    def in_place_ok(self, name):
        """``d += e`` keeps d's shape: only where d's shape class is known to
        contain every contribution's (a scalar-class d could be a Python float)."""
        cls = self.shapes.classes.get(name)
        return cls is not None and cls != frozenset()

    def _fresh(self, expr):
        """Does ``expr`` certainly produce a new array (not an alias of another)?"""
        if isinstance(expr, (gast.BinOp, gast.UnaryOp)):
            return True
        if isinstance(expr, gast.Name):
            return expr.id in self._fresh_locals
        if isinstance(expr, gast.Call):
            f = self.shapes._callee(expr.func)
            from ..runtime import scatter_add
            return f is not None and f in (scatter_add, runtime.zeros_like_value,
                                           runtime.complete_cotangent, runtime.zeros_like_list)
        return False

    def present(self, name, line):
        """Statements making an absent adjoint of ``name`` a zero shaped like
        ``name``'s value here, before the adjoint is read directly."""
        d = self.adj(name)
        if d not in self.absent:
            return []
        self.absent.discard(d)
        return [assign(d, call(self.ref(runtime.complete_cotangent, "complete_cotangent"),
                               [load(d), load(name)]), line)]

    def zero(self, name, line):
        """Materialize a zero adjoint for ``name`` (where control flow merges)."""
        self.live.add(self.adj(name))
        self.owned.add(self.adj(name))
        if name in self.containers:
            return assign(self.adj(name), call(
                self.ref(runtime.complete_cotangent, "complete_cotangent"),
                [const(None), load(name)]), line)
        return assign(self.adj(name), call(self.ref(runtime.zeros_like_value, "zeros_like_value"),
                                           [load(name)]), line)
