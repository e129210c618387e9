"""Values the adjoint sweep reads only for their shape: a helper that needs a
shape reads a parameter of the same shape class instead, and a value read
only for its shape is saved as its shape.
"""
import gast

from .. import runtime
from ..ir.syntax import Transformer, load, walk_fielded
from .placeholders import walk_adjoint


class ShapeReadsMixin:
    """Shape-only reads of the adjoint sweep."""

    def _shape_stand_ins(self, adjoint):
        """Where a helper needs only a value's shape, name a parameter of the same
        shape class instead: the value need not be kept (or saved) for it."""
        helpers = {runtime.broadcast_like: 1, runtime.expand_reduced: 1}
        if self.surely_real:    # (unbroadcast(g, x) also takes x's dtype kind: real or complex)
            helpers[runtime.unbroadcast] = 1
        stand_in = {}
        for p in self.norm.params:
            c = self.shapes.classes.get(p)
            if c and self.assign_count.get(p, 1) == 1 and p in self.arrays:
                stand_in.setdefault(c, p)
        if not stand_in:
            return
        swap = _StandIns(self.shapes, helpers, stand_in, set(self.norm.params))
        callee = self.shapes._callee
        for st in walk_adjoint(adjoint):
            if any(n.__class__ is gast.Call and callee(n.func) in helpers
                   for n in walk_fielded(st)):      # (what swap may change)
                swap.visit(st)

    def _shape_only(self, adjoint):
        """Primal names the adjoint sweep reads only for their shape."""
        from ..frontend.writes.reads_after_writes import shape_only_reads
        return shape_only_reads(walk_adjoint(adjoint), self.shapes._callee)


class _StandIns(Transformer):
    """A shape helper's read (``helpers``: helper -> position of the argument
    read for its shape) of a name of a shape class in ``stand_in`` (class ->
    parameter), not a parameter itself, reads the class's parameter instead."""

    def __init__(self, sc, helpers, stand_in, params):
        self.sc, self.helpers, self.stand_in, self.params = sc, helpers, stand_in, params

    def visit_Call(self, node):
        self.generic_visit(node)
        pos = self.helpers.get(self.sc._callee(node.func), -1)
        if 0 <= pos < len(node.args) and isinstance(node.args[pos], gast.Name):
            c = self.sc.classes.get(node.args[pos].id)
            if c in self.stand_in and node.args[pos].id not in self.params:
                node.args[pos] = load(self.stand_in[c])
        return node
