"""Values the adjoint sweep reads only for their shape: a helper that needs a
shape reads a parameter of the same shape class instead, and a value read
only for its shape is saved as its shape.
"""
import gast

from .. import runtime
from ..ir.syntax import load
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
        sc = self.shapes

        class Swap(gast.NodeTransformer):
            def visit_Call(self, node):
                self.generic_visit(node)
                pos = helpers.get(sc._callee(node.func), -1)
                if 0 <= pos < len(node.args) and isinstance(node.args[pos], gast.Name):
                    c = sc.classes.get(node.args[pos].id)
                    if c in stand_in and node.args[pos].id not in self_params:
                        node.args[pos] = load(stand_in[c])
                return node

        self_params = set(self.norm.params)
        for st in walk_adjoint(adjoint):
            Swap().visit(st)

    def _shape_only(self, adjoint):
        """Primal names the adjoint sweep reads only for their shape."""
        from ..frontend.writes.reads_after_writes import shape_only_reads
        return shape_only_reads(walk_adjoint(adjoint), self.shapes._callee)
