"""The tangent variable of a name: whether it has one, what it is called,
whether it must hold a materialized zero, and the zero values that fill it.

``TangentsMixin`` needs ``norm``, ``names``, ``shapes``, ``live``, ``containers``,
``counts``/``in_loop`` (from ``count_assignments``) and ``ref``.
"""
import gast

from .. import runtime
from ..ir.syntax import load, const, call, clone, walk
from .containers import grown_list
from .zeros import zero

__all__ = ["TangentsMixin", "count_assignments"]


def count_assignments(body, params):
    """(name -> how many times it is bound, the names bound inside a loop)."""
    counts = {p: 1 for p in params}
    in_loop = set()

    def visit(stmts, depth):
        for s in stmts:
            targets = []
            if isinstance(s, gast.Assign):
                t = s.targets[0]
                targets = [t.id] if isinstance(t, gast.Name) else \
                    [t.value.id] if isinstance(t, gast.Subscript) and \
                    isinstance(t.value, gast.Name) else []
            elif isinstance(s, gast.For):
                targets = [n.id for n in walk(s.target) if isinstance(n, gast.Name)]
            elif isinstance(s, gast.Expr) and depth:
                # a list a loop appends to: its tangent list must exist before
                # the loop, for the appends of every iteration (the list may be
                # bound outside the loop with a zero tangent)
                recv = grown_list(s.value)
                targets = [recv] if recv else []
            for t in targets:
                counts[t] = counts.get(t, 0) + 1
                if depth or isinstance(s, gast.For):
                    in_loop.add(t)
            if isinstance(s, (gast.For, gast.While)):
                visit(s.body, depth + 1)
                visit(s.orelse, depth)
            elif isinstance(s, gast.If):
                visit(s.body, depth)
                visit(s.orelse, depth)
    visit(body, 0)
    return counts, in_loop


class TangentsMixin:
    """Tangent names and zero tangents (see the module docstring)."""

    def active(self, name):
        return name in self.active_names

    def eager(self, name):
        """Must this name's tangent be materialized when it is zero?"""
        return self.active(name) and (self.counts.get(name, 0) > 1 or name in self.in_loop)

    def tan(self, name):
        d = self.tan_names.get(name)
        if d is None:
            if name in self.norm.params and ("d" + name) in \
                    getattr(self.norm, "reserved_adjoints", ()):
                d = "d" + name
            elif ("d" + name) not in self.names.taken and not name.startswith("_") \
                    and not self.dot_names:
                d = self.names.fresh("d" + name)
            else:
                d = self.names.fresh(name.lstrip("_") + "_dot")
            self.tan_names[name] = d
            self.shapes.adjoint_of[d] = name
        return d


    def zeros_expr(self, primal):
        if isinstance(primal, gast.Constant) and primal.value is None:
            return const(None)
        return call(self.ref(runtime.zeros_like_value, "zeros_like_value"), [primal])

    def zero_tangent_of(self, name):
        """A materialized zero tangent for ``name`` (containers element by element)."""
        return call(self.ref(runtime.complete_cotangent, "complete_cotangent"),
                    [const(None), load(name)])

    def tangent_atom(self, a):
        """The tangent of an operand: an expression or a Zero marker."""
        if isinstance(a, gast.Name) and self.active(a.id) and a.id in self.live:
            return load(self.tan(a.id))
        return zero(clone(a))

    def zero_value(self, name):
        return call(self.ref(runtime.zeros_like_value, "zeros_like_value"), [load(name)]) \
            if name not in self.containers else self.zero_tangent_of(name)
