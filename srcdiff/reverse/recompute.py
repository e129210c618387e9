"""Recomputing cheap scalar temporaries in a reversed loop: ``t = a * b`` is
computed again where the adjoint first reads it instead of being pushed each
iteration and popped back.
"""
import gast

from ..ir import anno
from ..ir.syntax import assign, clone, walk
from .placeholders import Restore, load_counts


class RecomputeMixin:
    """Recomputes one-operation scalar temporaries instead of saving them."""

    _REMAT_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div)
    _remat_total = _remat_whole = None

    def _rematerialize(self, stmts, whole):
        """In a reversed loop, recompute a scalar temporary of one arithmetic
        operation (``t = a * b``) where the adjoint first reads it, instead of
        pushing it every iteration and popping it back: a float multiply costs
        less than an append and a pop, and nothing is kept per iteration. Its
        operands must hold the same values there as where it was computed:
        constants, names with one definition outside the loop, loop-invariant
        temporaries, or a name assigned once in the loop after the temporary
        whose restore comes before the recomputation."""
        for st in stmts:
            if isinstance(st, Restore):
                continue
            for field in ("body", "orelse"):
                sub = getattr(st, field, None)
                if isinstance(sub, list) and isinstance(st, (gast.For, gast.While, gast.If)):
                    self._rematerialize(sub, whole)
            loop = anno.get(st, "primal_loop")
            if loop is not None and isinstance(st, gast.For):
                self._remat_loop(st.body, loop, whole)

    def _all_stores(self):
        if getattr(self, "_store_counts", None) is None:
            counts = {}
            for n in walk(self.norm.node):
                if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
                    counts[n.id] = counts.get(n.id, 0) + 1
                elif isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store) \
                        and isinstance(n.value, gast.Name):
                    counts[n.value.id] = counts.get(n.value.id, 0) + 2
            self._store_counts = counts
        return self._store_counts

    def _remat_loop(self, block, loop, whole):
        pos = {id(x): i for i, x in enumerate(loop.body)}
        stores, mutated = {}, set()
        for n in walk(loop):
            if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
                stores[n.id] = stores.get(n.id, 0) + 1
            elif isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store) \
                    and isinstance(n.value, gast.Name):
                mutated.add(n.value.id)
            elif isinstance(n, (gast.AugAssign,)) and isinstance(n.target, gast.Name):
                mutated.add(n.target.id)
            elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                    and isinstance(n.func.value, gast.Name):
                mutated.add(n.func.value.id)
        defs = {x.targets[0].id: x for x in loop.body
                if isinstance(x, gast.Assign) and isinstance(x.targets[0], gast.Name)}
        total = self._remat_total
        if total is None or self._remat_whole is not whole:
            # reads of each name in the whole adjoint (kept up to date below)
            total = load_counts(whole)
            self._remat_total, self._remat_whole = total, whole

        def block_reads():
            return [{} if isinstance(x, Restore) else load_counts([x]) for x in block]

        reads = None
        for r in [x for x in block if isinstance(x, Restore) and x.kind == "iterlocal"]:
            s, t = r.stmt, r.target
            v = s.value
            if id(s) not in pos or stores.get(t) != 1 or t in mutated \
                    or self.shapes.classes.get(t) != frozenset():
                continue
            if isinstance(v, gast.BinOp) and isinstance(v.op, self._REMAT_OPS):
                operands = [v.left, v.right]
            elif isinstance(v, gast.UnaryOp) and isinstance(v.op, gast.USub):
                operands = [v.operand]
            else:
                continue
            if reads is None:
                reads = block_reads()
            readers = [i for i, c in enumerate(reads) if t in c]
            if not readers:
                continue
            first = readers[0]
            in_block = sum(c.get(t, 0) for c in reads)
            if in_block != total.get(t, 0):
                continue        # read outside this loop too
            ok = True
            for a in operands:
                if isinstance(a, gast.Constant):
                    ok = type(a.value) in (int, float)
                elif not isinstance(a, gast.Name) or a.id == t or a.id in mutated \
                        or self.shapes.classes.get(a.id) != frozenset():
                    ok = False
                elif a.id not in stores:
                    # one value for the whole call: a parameter never reassigned,
                    # or a name stored exactly once (outside the loop)
                    n_all = self._all_stores().get(a.id, 0)
                    ok = n_all == (0 if a.id in self.norm.params else 1)
                elif anno.get(defs.get(a.id), "invariant", False):
                    ok = stores[a.id] == 1 and self._all_stores().get(a.id) == 1
                elif stores[a.id] == 1 and a.id in defs and pos[id(defs[a.id])] > pos[id(s)]:
                    q = defs[a.id]
                    ok = any(isinstance(x, Restore) and x.kind == "name" and x.stmt is q
                             and x.target == a.id for x in block[:first])
                else:
                    ok = False
                if not ok:
                    break
            if not ok:
                continue
            # a name of its own (the primal's t and this one each have one use,
            # so both fold into the expressions that read them)
            new = self.names.fresh(t)
            for table in (self.shapes.classes, self.shapes.sym, self.shapes.ndims):
                if t in table:
                    table[new] = table[t]
            for x in block[first:]:
                if isinstance(x, Restore):
                    continue
                for n in walk(x):
                    if isinstance(n, gast.Name) and n.id == t and isinstance(n.ctx, gast.Load):
                        n.id = new
            node = assign(new, clone(v), anno.get(s, "srcline"))
            block.insert(first, node)
            block.remove(r)
            total[new] = total.pop(t, 0)
            for a in operands:
                if isinstance(a, gast.Name):
                    total[a.id] = total.get(a.id, 0) + 1
            reads = None
