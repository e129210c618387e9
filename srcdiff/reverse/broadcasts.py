"""Scalar broadcasts in the adjoint sweep: a full reduction's cotangent spread
over a shape (``expand_reduced(g, x, None, False)``) that is only multiplied
or added to an array of that shape is replaced by the scalar ``g`` itself.
"""
import gast

from .. import runtime
from ..ir.syntax import Transformer, load, names_read, walk, walk_fielded
from .placeholders import Restore, walk_adjoint


class BroadcastsMixin:
    """Swaps broadcast scalar cotangents for the scalar."""

    def _scalar_broadcasts(self, adjoint):
        """``D = expand_reduced(G, X, None, False)`` (a full reduction's scalar
        cotangent spread over X's shape) read in ``D * Y`` with Y of X's shape
        class: ``G * Y`` gives the same array without the broadcast view (a
        scalar operand is several times faster than a zero-stride one)."""
        assigned = {}
        for st in walk_adjoint(adjoint):
            for n in walk_fielded(st):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                    assigned[n.id] = assigned.get(n.id, 0) + 1
                elif isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name):
                    assigned[n.target.id] = assigned.get(n.target.id, 0) + 2
        self._broadcasts_block(adjoint, assigned)
        if not self._swapped:
            return
        # the broadcasts nothing reads any more
        reads = {}
        for st in walk_adjoint(adjoint):
            for n in names_read(st):
                reads[n] = reads.get(n, 0) + 1
        keep = getattr(self, "_grad_reads", set()) | set(self.output_names)
        self._drop_broadcasts(adjoint, reads, keep)

    def _drop_broadcasts(self, stmts, reads, keep):
        for st in stmts:
            for field in ("body", "orelse"):
                sub = getattr(st, field, None)
                if isinstance(sub, list) and isinstance(st, (gast.For, gast.While, gast.If)):
                    self._drop_broadcasts(sub, reads, keep)
        stmts[:] = [st for st in stmts if not (
            isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name)
            and st.targets[0].id in self._swapped and st.targets[0].id not in keep
            and isinstance(st.value, gast.Call)
            and self.shapes._callee(st.value.func) is runtime.expand_reduced
            and not reads.get(st.targets[0].id))]

    def _broadcasts_block(self, stmts, assigned):
        sc = self.shapes
        defs = {}       # D -> (G, class of X) for D defined in this block
        for st in stmts:
            if isinstance(st, Restore):
                for dname in [k for k, (g, _) in defs.items() if g == st.target]:
                    del defs[dname]
                continue
            for field in ("body", "orelse"):
                sub = getattr(st, field, None)
                if isinstance(sub, list) and isinstance(st, (gast.For, gast.While, gast.If)):
                    self._broadcasts_block(sub, assigned)
            if defs and not isinstance(st, (gast.For, gast.While, gast.If)):
                named, stored, spelled = set(), set(), False
                for n in walk_fielded(st):
                    if n.__class__ is gast.Name:
                        named.add(n.id)
                        if isinstance(n.ctx, gast.Store):
                            stored.add(n.id)
                    elif n.__class__ is gast.Call and not spelled:
                        spelled = full_broadcast(sc, n)
                if spelled or not named.isdisjoint(defs):
                    # (what _Swap may change: a name of defs, a broadcast spelled out;
                    # it changes no name st binds)
                    self._swap_broadcasts(st, defs)
                for dname in [k for k, (g, _) in defs.items() if g in stored]:
                    del defs[dname]     # G changed: D is no longer a broadcast of it
            if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
                v = st.value
                d = st.targets[0].id
                if full_broadcast(sc, v) \
                        and isinstance(v.args[0], gast.Name) and isinstance(v.args[1], gast.Name) \
                        and assigned.get(d) == 1 and assigned.get(v.args[0].id, 0) == 1:
                    cls = sc.classes.get(v.args[1].id)
                    if cls:
                        defs[d] = (v.args[0].id, cls)
                        continue
            if isinstance(st, (gast.For, gast.While, gast.If)):
                defs.clear()    # (a block in between: keep it simple)

    def _swap_broadcasts(self, st, defs):
        _Swap(self.shapes, defs, self._swapped).visit(st)


class _Swap(Transformer):
    """A broadcast scalar (times scalars) of a shape class, added to or
    multiplied by a value of that class, as the scalar itself: the value's
    shape broadcasts it. ``swapped`` gets the names of ``defs`` (name ->
    (scalar name, class) of the broadcasts bound to names) it read."""

    def __init__(self, sc, defs, swapped):
        self.sc, self.defs, self.swapped = sc, defs, swapped

    def strip(self, e):
        """(scalar expression, class) where e is a broadcast scalar (times
        scalars), else None."""
        sc, defs = self.sc, self.defs
        if isinstance(e, gast.Name) and e.id in defs:
            g, cls = defs[e.id]
            return load(g), cls
        if full_broadcast(sc, e) and isinstance(e.args[1], gast.Name):
            cls = sc.classes.get(e.args[1].id)
            if cls:
                return e.args[0], cls
        if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Mult, gast.Div)):
            inner = self.strip(e.left)
            if inner is not None and sc.expr_class(e.right) == frozenset():
                return gast.BinOp(left=inner[0], op=e.op, right=e.right), inner[1]
            if isinstance(e.op, gast.Mult):
                inner = self.strip(e.right)
                if inner is not None and sc.expr_class(e.left) == frozenset():
                    return gast.BinOp(left=e.left, op=e.op, right=inner[0]), inner[1]
        return None

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if not isinstance(node.op, (gast.Add, gast.Sub, gast.Mult, gast.Div)):
            return node
        for side, other in (("left", "right"), ("right", "left")):
            e = getattr(node, side)
            got = self.strip(e)
            if got is not None and self.sc.expr_class(getattr(node, other)) == got[1]:
                self.swapped.update(n.id for n in walk(e) if isinstance(n, gast.Name)
                                    and n.id in self.defs)
                setattr(node, side, got[0])
                break
        return node


def full_broadcast(sc, v):
    """Is v ``expand_reduced(g, x, None, False)`` (a full reduction's cotangent
    spread over x's shape)?"""
    return isinstance(v, gast.Call) and sc._callee(v.func) is runtime.expand_reduced \
        and len(v.args) == 4 and not v.keywords \
        and isinstance(v.args[2], gast.Constant) and v.args[2].value is None \
        and isinstance(v.args[3], gast.Constant) and v.args[3].value is False
