"""Loops: ``for`` over a sequence is reversed as ``for`` over ``reversed(...)``
of it, ``while`` (and ``for`` with a break) as ``for _ in range(n)`` with a
trip count kept in the primal sweep (pushed on a stack inside an outer loop).
The body's adjoint state is iterated to a fixpoint so that the live adjoints
are the same at both ends of an iteration.

Iteration locals, names bound once at the top of a loop body, are pushed
after they are computed and popped when their reverse iteration starts.
"""
import gast

from ..analysis.activity import walk_stmts
from ..ir import anno
from ..ir.syntax import load, store, const, assign, call, attr, names_read, clone, walk, walk_fielded
from .in_place import writes_into
from .placeholders import Restore, has_code


class LoopsMixin:
    """Reverses ``for`` and ``while`` loops; finds iteration locals."""

    def rev_for(self, s):
        has_break = any(isinstance(n, gast.Break) for n in _loop_level(s.body))
        pre, body = self._loop_body(s)
        if not has_code(body):
            return pre + [Restore(s, None, "block")]
        it = s.iter
        seq = clone(it)
        pops = []
        if has_break:
            count, pops = self._trip_count(s)
            seq = gast.Subscript(value=seq, slice=gast.Slice(lower=None, upper=load(count),
                                                             step=None), ctx=gast.Load())
        anno.set(s, "sequence", True)
        node = gast.For(target=clone(s.target), iter=call("reversed", [seq]), body=body,
                        orelse=[], type_comment=None)
        anno.set(node, "srcline", anno.get(s, "srcline"))
        anno.set(node, "primal_loop", s)
        out = pre + pops + [node]
        if self.overwrites_target(s):
            out.append(Restore(s, None, "target"))
        return out

    def rev_while(self, s):
        pre, body = self._loop_body(s)
        if not has_code(body):
            return pre + [Restore(s, None, "block")]
        count, pops = self._trip_count(s)
        node = gast.For(target=store("_"), iter=call("range", [load(count)]), body=body,
                        orelse=[], type_comment=None)
        anno.set(node, "srcline", anno.get(s, "srcline"))
        anno.set(node, "primal_loop", s)
        return pre + pops + [node]

    def _loop_body(self, s):
        """Reverse a loop body with a live set that is the same at both ends."""
        inv = lambda: {v: k for k, v in self.adj_names.items()}  # noqa: E731
        fresh = self._made_each_iteration(s)
        live_before = set(self.live)
        start = set(self.live)
        owned_start = set(self.owned)
        absent_start = set(self.absent)
        last = None     # (the last pass over the body: see _reuse_last_pass)
        for _ in range(10):
            saved = (set(self.names.taken), dict(self.names.counters), dict(self.adj_names))
            self.live = set(start)
            self.owned = set(owned_start)
            self.absent = set(absent_start)
            last = self._reversed_body(s)
            end = self.live
            gone = start - end
            m = inv() if gone else None     # (the inverse map: made only when read)
            absent_end = self.absent | {d for d in gone if m[d] in fresh}
            owned_end = self.owned | (start - end)   # re-materialized at the end of the body
            owned_end -= absent_end
            owned_start = owned_start & owned_end
            self.names.taken, self.names.counters = saved[0], saved[1]
            for d in self.adj_names.values():
                self.names.reserve(d)
            if end <= start and owned_start <= owned_end and absent_end <= absent_start:
                break
            start = start | end
            absent_start = absent_start | absent_end
            owned_start = (owned_start | (end - live_before)) - absent_start
        pre = []
        m = inv() if start - live_before else None
        for d in sorted(start - live_before):
            pre.append(self.zero(m[d], anno.get(s, "srcline")))
        self.live = set(start)
        self.absent = set(absent_start)
        # (a name first live in the loop is zeroed before it, so owned where the
        # loop starts; on later iterations only where the body leaves it owned:
        # owned_start says both)
        self.owned = (set(owned_start) & set(self.owned)) - absent_start
        owned_entry = set(self.owned)
        body = self._reuse_last_pass(s, last)
        if body is None:
            self.loop_depth += 1
            body = self.rev_block(s.body)
            self.loop_depth -= 1
            self._kill_targets(s)
        m = inv() if start - self.live or self.loop_depth == 0 else None
        for d in sorted(start - self.live):
            if m[d] in fresh:
                # the previous iteration's value: its shape is not known here
                body.append(assign(d, const(None), anno.get(s, "srcline")))
                self.absent.add(d)
                self.owned.discard(d)
            else:
                body.append(self.zero(m[d], anno.get(s, "srcline")))
        self.live = start
        self.absent = absent_start
        self.owned = (owned_entry & self.owned) - absent_start
        if self.loop_depth == 0:
            # names bound once, in this loop: no value before it, nothing flows back
            inside = {id(st) for st in walk_stmts([s])}
            for d in sorted(self.live):
                name = m[d]
                if self.assign_count.get(name) == 1 and name not in self.norm.params \
                        and id(self.first_def.get(name)) in inside:
                    self.live.discard(d)
                    self.absent.discard(d)
                    self.owned.discard(d)
        return pre, body

    def _reversed_body(self, s):
        """One pass of _loop_body's fixpoint over loop ``s``'s body; what
        _reuse_last_pass needs of it: the state it started from, the body it
        made, the state it left, the names it handed out (None where a loop
        inside made passes of its own, putting names back in between), and the
        names of the helpers and cotangents it bound."""
        entry = (set(self.live), set(self.owned), set(self.absent), _splits(s))
        objects, adjoints = set(self.env.objects), set(self.adj_names.values())
        outer_log = self.names.log
        if outer_log is not None:
            outer_log.append(("nested", None, None))   # (its passes cannot be replayed)
        self.names.log = log = []
        self.loop_depth += 1
        try:
            body = self.rev_block(s.body)
        finally:
            self.loop_depth -= 1
            self.names.log = outer_log
        if outer_log is not None:
            outer_log.extend(log)
        self._kill_targets(s)
        if any(kind == "nested" for kind, _, _ in log):
            log = None
        after = (set(self.live), set(self.owned), set(self.absent), _splits(s))
        bound = (set(self.env.objects) - objects) | (set(self.adj_names.values()) - adjoints)
        return entry, body, after, log, bound

    def _reuse_last_pass(self, s, last):
        """The body the last pass of the fixpoint made, where a pass now would
        make the same (its state then and now the same; the names it handed out
        handed out alike: only those of the helpers and cotangents it bound,
        which a pass now finds bound, are not made again; no call split anew);
        the transform's state then set as that pass leaves it. Else None."""
        entry, body, after, log, bound = last
        if log is None or (set(self.live), set(self.owned), set(self.absent), _splits(s)) \
                != entry or after[3] != entry[3] or not self.names.replay(log, bound):
            return None
        self.live, self.owned, self.absent = set(after[0]), set(after[1]), set(after[2])
        return body

    def _made_each_iteration(self, s):
        """Names loop ``s`` binds anew in each iteration before reading them (its
        targets, its iteration locals): where a reverse iteration ends they still
        hold that iteration's value, not the previous one's."""
        names = set()
        if isinstance(s, gast.For):
            names = {n.id for n in walk(s.target) if isinstance(n, gast.Name)}
        for st in s.body:
            if anno.get(st, "iterlocal") is s \
                    and not anno.get(st, "invariant", False):
                names.add(st.targets[0].id)
        return names

    def _kill_targets(self, s):
        """Each iteration assigns the loop variables afresh: their cotangents do not
        carry over to the previous iteration."""
        if isinstance(s, gast.For):
            for n in walk(s.target):
                if isinstance(n, gast.Name):
                    self.live.discard(self.adj(n.id))
                    self.owned.discard(self.adj(n.id))
                    self.absent.discard(self.adj(n.id))

    def overwrites_target(self, s):
        names = [n.id for n in walk(s.target) if isinstance(n, gast.Name)]
        return any(self.loop_depth > 0 or self.assign_count.get(n, 0) > 1 for n in names)

    def _trip_count(self, s):
        """The name counting the iterations of loop ``s`` (a while loop, a for loop
        with a break), and the statements the adjoint needs before the reversed
        loop: inside another loop the count differs between outer iterations, so
        it is pushed after the loop and popped back here."""
        count = self.names.fresh("n_" + _loop_name(s))
        anno.set(s, "count", count)
        anno.set(s, "count_stack", None)
        if self.loop_depth == 0:
            return count, []
        stack = self.names.fresh(count + "_stack")
        anno.set(s, "count_stack", stack)
        return count, [assign(count, call(attr(stack, "pop"), []), anno.get(s, "srcline"))]

    def _mark_iteration_locals(self, body):
        """A name assigned once, at the top of a loop body, and not read before
        that in the body, lives for one iteration: it is pushed after it is
        computed and popped when its reverse iteration starts (no old value to
        keep, no placeholder)."""
        assigned_in = {}
        mutated_in = {}
        for loop in walk_stmts(body):
            if isinstance(loop, (gast.For, gast.While)):
                bound, written, receivers = set(), set(), set()
                for n in walk_fielded(loop):
                    if isinstance(n, gast.Name):
                        if isinstance(n.ctx, (gast.Store, gast.Del)):
                            bound.add(n.id)
                    elif isinstance(n, gast.Subscript):
                        if isinstance(n.ctx, gast.Store) and isinstance(n.value, gast.Name):
                            written.add(n.value.id)
                    elif isinstance(n, gast.Call):
                        if isinstance(n.func, gast.Attribute) \
                                and isinstance(n.func.value, gast.Name):
                            receivers.add(n.func.value.id)
                # (values changed in place in the loop: never shared between iterations)
                mutated_in[id(loop)] = written | receivers
                assigned_in[id(loop)] = bound | mutated_in[id(loop)]
        # the loops around each loop: a value the same in every iteration of its own
        # loop may still change between executions of that loop inside an outer one
        outer = {}

        def nest(stmts, around):
            for st in stmts:
                inner = around
                if isinstance(st, (gast.For, gast.While)):
                    outer[id(st)] = around
                    inner = around + (st,)
                for field in ("body", "orelse"):
                    sub = getattr(st, field, None)
                    if isinstance(sub, list) and not isinstance(st, gast.FunctionDef):
                        nest(sub, inner)

        nest(body, ())
        reads = {}      # id(loop) -> {name: how many times the loop reads it}

        def reads_in(loop):
            if id(loop) not in reads:
                counts = {}
                for n in walk_fielded(loop):
                    if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                        counts[n.id] = counts.get(n.id, 0) + 1
                reads[id(loop)] = counts
            return reads[id(loop)]

        for loop in walk_stmts(body):
            if not isinstance(loop, (gast.For, gast.While)):
                continue
            around = (loop,) + outer.get(id(loop), ())
            # read in an enclosing loop after this one: the adjoint of that read
            # (in an earlier outer iteration) needs the value put back (the
            # outermost loop's reads but those inside this one)
            read_outside = set()
            if outer.get(id(loop)):
                mine = reads_in(loop)
                read_outside = {n for n, k in reads_in(outer[id(loop)][0]).items()
                                if k > mine.get(n, 0)}
            read_before = set()
            for j, st in enumerate(loop.body):
                if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
                    t = st.targets[0].id
                    if self.assign_count.get(t) == 1 and t not in read_before \
                            and t not in self.norm.params and t not in read_outside:
                        # (None: written in place past a break or continue, so
                        # saved as any rebound name is, before it is rebound)
                        push_at = self._iterlocal_push_point(loop.body, j, t)
                        if push_at is not None:
                            anno.set(st, "iterlocal", loop)
                            anno.set(st, "push_after", push_at)
                            op = self.classifier.classify(st.value)
                            if op.kind in ("call", "copy", "const") and all(
                                    not (op.reads() & assigned_in[id(L)])
                                    and t not in assigned_in[id(L)] - {t} | mutated_in[id(L)]
                                    for L in around):
                                anno.set(st, "invariant", True)   # the same value every iteration
                read_before |= names_read(st)
                for n in walk_fielded(st):
                    if isinstance(n, gast.Name):
                        read_before.add(n.id)

    def _iterlocal_push_point(self, body, j, t):
        """After which statement of the loop body the iteration local ``t``
        (bound by ``body[j]``) is pushed: its reverse iteration pops it when it
        starts, which stands for the end of the iteration, so the pushed array
        must not change after the push. That is right after the binding, or
        after the last statement that writes into it in place (``t[i] = v``,
        ``t.append(v)``: the stack holds the array itself, and a later write
        would reach the stack entry unseen by a derivative of this code, such
        as reverse over reverse). None where a ``break`` or ``continue`` could
        skip that push."""
        last = j
        for k in range(j + 1, len(body)):
            if writes_into(self.classifier, body[k], t):
                last = k
        if last == j:
            return body[j]
        for st in body[j + 1:last + 1]:
            for n in walk(st):
                if isinstance(n, (gast.Break, gast.Continue, gast.Return)):
                    return None
        return body[last]


def _loop_name(s):
    t = s.target if isinstance(s, gast.For) else None
    if isinstance(t, gast.Name):
        return t.id
    return "iter"


def _loop_level(stmts):
    for s in stmts:
        yield s
        if isinstance(s, gast.If):
            yield from _loop_level(s.body)
            yield from _loop_level(s.orelse)


def _splits(loop):
    """How many statements of the loop are calls split into call_fwd and
    call_bwd (calls.py: the first reversal of such a call rewrites it)."""
    return sum(anno.has(st, "split") for st in walk_stmts(loop.body))
