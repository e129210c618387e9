"""Ranks: the number of dimensions of each name, where known, and of an
expression of generated code."""
import operator

import gast
import numpy as np

from .activity import walk_stmts
from .shape_ops import FULL_REDUCTIONS, SCALAR_FUNCS, elementwise


class RankInference:
    """Ranks of names (``self.ndims``): a mixin of ``ShapeClasses``."""

    def _infer_ndims(self, params, assigns, ops, body):
        """Ranks: every definition of a name must agree (optimistic fixpoint)."""
        unset = object()
        ranged = set()
        range_names = {t for t, op in ops if op.func is range}
        for s in walk_stmts(body):
            if isinstance(s, gast.For) and isinstance(s.target, gast.Name) \
                    and isinstance(s.iter, gast.Name) and s.iter.id in range_names:
                ranged.add(s.target.id)
        for t in ranged:
            self.ndims[t] = 0
        for t, _ in assigns:
            if t not in params and t not in ranged:
                self.ndims[t] = unset
        changed = True
        while changed:
            changed = False
            for t, op in ops:
                if self.ndims.get(t) is None or t in ranged:
                    continue
                n = self._rank(op, unset)
                if n is unset:
                    continue
                cur = self.ndims.get(t)
                if cur is unset:
                    self.ndims[t] = n
                    changed = True
                elif cur != n:
                    self.ndims[t] = None
                    changed = True
        for t in list(self.ndims):
            if self.ndims[t] is unset:
                self.ndims[t] = None

    def _rank_of(self, node):
        if isinstance(node, gast.Constant):
            return 0 if isinstance(node.value, (int, float, complex)) else None
        if isinstance(node, gast.Name):
            return self.ndims.get(node.id)
        return None

    def _rank(self, op, unset):
        if op.kind == "copy":
            return self.ndims.get(op.node.id)
        if op.kind == "const":
            return self._rank_of(op.node)
        if op.kind != "call":
            return None
        f = op.func
        ranks = [self._rank_of(a) if isinstance(a, (gast.Name, gast.Constant)) else None
                 for a in op.args]
        if any(r is unset for r in ranks):
            return unset
        if elementwise(f) and not op.keywords and f not in (operator.matmul,):
            return max(ranks) if ranks and all(r is not None for r in ranks) else None
        if f in (operator.matmul, np.matmul, np.dot) and len(ranks) == 2 \
                and all(r is not None and 1 <= r <= 2 for r in ranks):
            return {(2, 2): 2, (2, 1): 1, (1, 2): 1, (1, 1): 0}[tuple(ranks)]
        if f is operator.getitem and ranks and ranks[0] is not None:
            idx = op.args[1]
            if isinstance(idx, gast.Constant) and type(idx.value) is int:
                return ranks[0] - 1 if ranks[0] >= 1 else None
            if isinstance(idx, gast.Name) and self.ndims.get(idx.id) == 0 \
                    and self.classes.get(idx.id) is None and ranks[0] >= 1:
                return ranks[0] - 1      # a loop counter over a range
            return None
        if f in FULL_REDUCTIONS and len(op.args) == 1 and not op.keywords:
            return 0
        if f in SCALAR_FUNCS:
            return 0
        return None

    def rank(self, e):
        """The rank of a generated expression, where known."""
        if isinstance(e, gast.Name):
            if e.id in self.adjoint_of:
                return self.ndims.get(self.adjoint_of[e.id])
            return self.ndims.get(e.id)
        if isinstance(e, gast.Constant):
            return 0 if isinstance(e.value, (int, float)) else None
        return None
