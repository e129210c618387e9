"""After the adjoint sweep: the adjoint clean-ups, then which overwritten
values the sweep reads (and so must be saved), then the pushes and pops
placed, giving the primal statements.
"""
import gast

from ..analysis.activity import resizing_call, walk_stmts
from ..ir import anno
from ..ir.syntax import assign, const, names_read, names_stored, walk, walk_fielded
from .broadcasts import BroadcastsMixin
from .buffers import merge_replaced_adds, reuse_buffers
from .in_place import resized_lists
from .own_arrays import OwnArraysMixin, statements_naming
from .placeholders import Restore, restores_in, walk_adjoint
from .primal import PrimalMixin
from .recompute import RecomputeMixin
from .restores import RestoresMixin
from .shape_reads import ShapeReadsMixin
from .views import ViewsMixin


class SavingMixin(RecomputeMixin, BroadcastsMixin, ShapeReadsMixin, ViewsMixin,
                  OwnArraysMixin, RestoresMixin, PrimalMixin):
    """The finishing pass: the adjoint clean-ups, then which values the sweep
    reads after they are overwritten, and the pushes and pops that keep them."""

    def finish(self, body, adjoint):
        """Insert pushes/pops where the adjoint sweep reads overwritten values,
        loop counters, and sequence conversions; return the primal statements."""
        self._rematerialize(adjoint, adjoint)
        reuse_buffers(adjoint, self)
        merge_replaced_adds(adjoint, self)
        self._shape_stand_ins(adjoint)
        self._scalar_broadcasts(adjoint)
        cotangents = set(self.adj_names.values())
        for st in walk_adjoint(adjoint):
            for n in walk_fielded(st):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) \
                        and n.id in cotangents:
                    anno.set(n, "cotangent", True)      # (optimize: exact sign folds)
        needed = set()
        for st in walk_adjoint(adjoint):
            needed |= names_read(st)
        # putting back an item popped off a list (``L.append(t)`` for ``t =
        # L.pop()``) reads the item's name: kept where the list is
        for r in [x for x in adjoint if isinstance(x, Restore)] + \
                [x for st in adjoint for x in restores_in(st)]:
            if r.kind == "pop" and r.target in needed:
                needed.add(r.stmt.targets[0].id)
        self.needed = needed
        written = {t.value.id for st in walk_stmts(body) if isinstance(st, gast.Assign)
                   for t in st.targets if isinstance(t, gast.Subscript)
                   and isinstance(t.value, gast.Name)}
        self.shape_only = (self._shape_only(adjoint) & self.arrays) - written
        self.revisited_lists = revisited_lists(body)
        needed |= restore_index_reads(adjoint, needed)
        # (an array a view the sweep reads looks into becomes needed here: its
        # put-back items, their indices and the restores of the name it is
        # rebound from are then decided with it, below)
        self._restore_view_bases(body, needed, written)
        # (after the views the sweep reads are made copies, saved_copy(w[i]):
        # such a read shares nothing, whatever w's rank)
        written_any = {x.value.id for st in walk_stmts(body) for x in walk_fielded(st)
                       if isinstance(x, gast.Subscript) and isinstance(x.ctx, gast.Store)
                       and isinstance(x.value, gast.Name)}
        uses = statements_naming(body)
        self.own_arrays = {t for t in written if self._own_array(body, t, written_any, uses)}
        # putting back y[i]'s old elements reads i: an index the sweep reads only
        # there must be kept too (conservatively, after every restore)
        extra = restore_index_reads(adjoint, needed)
        needed |= extra
        self._restore_reads = self._reads_after_restores(adjoint)
        if extra:
            for reads in self._restore_reads.values():
                reads |= extra
        pushes = {}     # id(primal stmt) -> statements to put before it
        self.pushes_after = {}
        self.iter_pops = {}
        inits = []
        self.adjoint_stmts = self._place_restores(adjoint, needed, pushes, inits)
        inits += [("stack", anno.get(st, "count_stack")) for st in walk_stmts(body)
                  if anno.get(st, "count_stack")]
        primal = self._rebuild(body, pushes)
        head = []
        for kind, name in inits:
            head.append(assign(name, gast.List(elts=[], ctx=gast.Load())))
        top = {id(st) for st in body}
        for name in sorted(self._undefined - set(self.norm.params)):
            first = self.first_def.get(name)
            if first is not None and id(first) in top and name not in self._undefined_always:
                continue   # defined at the top level before any loop can overwrite it
            head.append(assign(name, const(None)))
        self.stack_names = [name for _, name in inits]
        return head + primal

    def _reads_after_restores(self, adjoint):
        """id(restore placeholder) -> the names the sweep may read after it runs:
        everything read from the top-level adjoint statement that contains it
        on (or after a top-level placeholder). A value the sweep reads only
        before the loop that would restore it need not be saved."""
        out = {}
        later = set(getattr(self, "_grad_reads", set()))
        if not getattr(self, "_unit_seed", False):
            later |= set(self.output_names)
        for st in reversed(adjoint):
            if isinstance(st, Restore):
                out[id(st)] = set(later)
                later |= self._put_back_into(st)
                continue
            for n in walk_adjoint([st]):    # (st itself, if it is a simple statement)
                later |= names_read(n)
            inner = list(restores_in(st))
            for r in inner:
                later |= self._put_back_into(r)
            for r in inner:
                out[id(r)] = set(later)
        return out

    def _put_back_into(self, r):
        """The name a restore writes old items back through (``y[i] = old``): it must
        name the array written then, so an earlier rebinding of it is undone first
        (a name a nested def reads, or one bound in a branch or loop, is not
        versioned: ``y[0] = t; y = W0`` leaves y naming W0)."""
        if r.kind == "item" and r.target in self.needed:
            # (and the names its index reads: ``y[m] = old`` needs the mask m
            # of that write, so a rebound m is put back too)
            return {r.target} | names_read(r.stmt.targets[0].slice)
        if r.kind == "pop" and r.target in self.needed:
            return {r.target, r.stmt.targets[0].id}
        if r.kind == "contents" and r.target in self.needed:
            return {r.target}
        if r.kind == "block":
            # (a block's arrays written in place get their old contents back in
            # place, restore_contents(y, saved): into the array y named then)
            st = r.stmt
            written = {t.value.id for t in walk_fielded(st) if isinstance(t, gast.Subscript)
                       and isinstance(t.ctx, gast.Store) and isinstance(t.value, gast.Name)}
            rebound = {n.id for n in walk_fielded(st) if isinstance(n, gast.Name)
                       and isinstance(n.ctx, gast.Store)}
            return (written - rebound - resized_lists(st)) & self.needed
        return set()


def restore_index_reads(adjoint, needed):
    """Names read only by the index of a put-back ``y[i] = old`` (y needed)."""
    items = []

    def collect(stmts):
        for x in stmts:
            if isinstance(x, Restore):
                if x.kind == "item":
                    items.append(x)
                continue
            for field in ("body", "orelse"):
                collect(getattr(x, field, None) or [])

    collect(adjoint)
    extra, changed = set(), True
    while changed:
        changed = False
        for r in items:
            if r.target in needed or r.target in extra:
                new = names_read(r.stmt.targets[0].slice) - needed - extra
                if new:
                    extra |= new
                    changed = True
    return extra


def revisited_lists(body):
    """Names whose list later code may get back out of a container and resize:
    a name that some statement grows or shrinks (``L.append(v)``, ``L.pop()``)
    and that is bound to a value taken out of one (``L = S.pop()``, ``L = S[k]``,
    ``for L in S``), as the gradient's own backward does with the lists it
    pushed (``items = items_stack.pop()``, then ``items.pop()`` per item). A push
    of such a name keeps a copy of its lists, not the object those calls change."""
    resized = {got[0] for got in map(resizing_call, walk(gast.Module(body=body,
                                                                        type_ignores=[])))
               if got}
    if not resized:
        return set()
    out = set()
    for st in walk_stmts(body):
        if isinstance(st, gast.For):
            out |= names_stored(st.target) & resized
        elif isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                and st.targets[0].id in resized:
            v = st.value
            if isinstance(v, gast.Call) and isinstance(v.func, gast.Name) \
                    and v.func.id in ("refilled", "unstacked") and len(v.args) == 1:
                v = v.args[0]       # (a pop of a kept entry: generated code again)
            taken = isinstance(v, gast.Subscript) or isinstance(v, gast.Call) \
                and isinstance(v.func, gast.Attribute) and v.func.attr == "pop"
            if taken:
                out.add(st.targets[0].id)
    return out
