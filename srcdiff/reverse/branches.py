"""``if`` statements: both branches reversed from the same adjoint state, the
adjoints live after either made live (a zero, or None where the value may be
unbound) after both.
"""
import gast

from ..ir import anno
from ..ir.syntax import const, assign, clone, walk
from .placeholders import Restore, has_code


class BranchesMixin:
    """Reverses ``if`` statements."""

    def rev_if(self, s):
        before, owned_before = set(self.live), set(self.owned)
        absent_before = set(self.absent)
        inv = {v: k for k, v in self.adj_names.items()}
        branches = []
        absent = set()
        for block in (s.body, s.orelse):
            self.live, self.owned = set(before), set(owned_before)
            self.absent = set(absent_before)
            code = self.rev_block(block)
            branches.append([code, set(self.live), set(self.owned)])
            absent |= self.absent
        merged = branches[0][1] | branches[1][1]
        inv = {v: k for k, v in self.adj_names.items()}
        for br, block in zip(branches, (s.body, s.orelse)):
            for d in sorted(merged - br[1]):
                if self._maybe_unbound(inv[d], s, block):
                    # (no value to shape a zero like on this path: None, made a zero
                    # shaped like the value where it is read, as after a loop)
                    br[0].append(assign(d, const(None), anno.get(s, "srcline")))
                    absent.add(d)
                    continue
                br[0].append(self.zero(inv[d], anno.get(s, "srcline")))
                br[2] = br[2] | {d}
        self.live = merged
        self.absent = absent
        self.owned = (branches[0][2] & branches[1][2]) - absent
        body, orelse = branches[0][0], branches[1][0]
        if not has_code(body) and not has_code(orelse):
            return [Restore(s, None, "block")]
        node = gast.If(test=clone(s.test), body=body or [gast.Pass()], orelse=orelse)
        anno.set(node, "srcline", anno.get(s, "srcline"))
        return [node]

    def _maybe_unbound(self, name, s, block):
        """May ``name`` be unbound after the primal branch ``block`` of ``if``
        statement ``s`` ran (not bound on every path to ``s``, nor in ``block``)?"""
        if name in self.norm.params:
            return False
        if getattr(self, "_bound_at", None) is None:
            from ..analysis.liveness import bound_before
            self._bound_at = bound_before(self.norm.node.body, self.norm.params)
        bound = self._bound_at.get(id(s))
        if bound is None or name in bound:
            return False
        return not any(isinstance(n, gast.Name) and n.id == name
                       and isinstance(n.ctx, gast.Store)
                       for st in block for n in walk(st))
