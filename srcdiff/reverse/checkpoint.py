"""Binomial checkpointing of loops (``grad(f, checkpoint=K)``).

Without checkpointing, the primal sweep of a loop pushes every value its
adjoint sweep will need, in every iteration: memory grows with the trip
count. With ``checkpoint=K`` each loop whose trip count is known when it
starts keeps at most ``K`` snapshots of its loop-carried state; the adjoint
sweep restores a snapshot, recomputes forward to the step it reverses, runs
that one step again pushing its values, and reverses it.

Two parts:

- ``Checkpoints``: the runtime schedule (Griewank's binomial schedule, the one
  revolve follows). Generated code asks it for actions and hands it
  snapshots; it never sees the loop's code.
- ``checkpoint_loops``: rewrites the statements ``ReverseTransform.run``
  produced, so that the checkpointed loop reads as plain code in
  ``srcdiff.source``.

Cost of the schedule. With ``c`` snapshots a segment of ``l`` steps is
reversed by recomputing each step at most ``r`` times, ``r`` the smallest
number with ``binomial(c + r, c) >= l``; the number of forward steps the sweep
recomputes is ``r * l - binomial(c + 1, r - 1)``, the minimum any schedule with
``c`` snapshots can reach (Griewank 1992). Here the primal sweep has already
run the loop to its end, so the first reversed step is recomputed from the
last snapshot: at most ``r`` more steps.
"""
import copy
from math import comb

import gast
import numpy as np

from .. import runtime
from ..analysis.activity import mutated_receiver, resizing_call, walk_stmts, writes_arguments
from ..errors import SrcdiffError
from ..backend.optimize.effects import Purity, pure_value
from ..ir import anno
from ..ir.syntax import assign, attr, call, clone, const, load, store, subscript, walk

__all__ = ["Checkpoints", "checkpoint_loops", "recomputations", "check_budget", "refill"]


# ---- the schedule -------------------------------------------------------------

def _beta(c, r):
    """How many steps ``c`` snapshots reverse recomputing each step at most ``r`` times."""
    return comb(c + r, c) if r >= 0 else 0


def _repetitions(length, c):
    r = 0
    while _beta(c, r) < length:
        r += 1
    return r


def _split(length, c):
    """Where a segment of ``length`` steps whose first state is held, with ``c``
    snapshots (that one included), takes its next snapshot: an advance ``m`` that
    keeps both parts reversible with ``r`` repetitions and reaches the minimal
    number of recomputed steps."""
    if c == 1:
        return length - 1
    r = _repetitions(length, c)
    low = max(1, length - _beta(c - 1, r))
    high = min(length - 1, _beta(c, r - 1))
    return max(low, min(high, _beta(c, r - 2)))


def recomputations(length, c):
    """The minimal number of forward steps reversing ``length`` steps with ``c``
    snapshots recomputes (the first snapshot holding the first state)."""
    if length <= 1:
        return 0
    r = _repetitions(length, c)
    return r * length - _beta(c + 1, r - 1)


def check_budget(k):
    """``checkpoint=`` as a transform option: ``None`` or a positive int."""
    if k is None:
        return None
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise SrcdiffError(f"checkpoint={k!r}: give the number of snapshots a loop may keep "
                           "(an int >= 1), or None to save every step")
    return k


class Checkpoints:
    """The snapshots of one execution of a loop of ``n`` steps, at most ``budget``
    held at a time, and the order of the adjoint sweep.

    The primal sweep saves the state before the steps in ``first_saves`` (the
    snapshots the binomial schedule takes on its way to the last step) and runs
    on to the end. ``reverse_sweep()`` then yields ``(action, step)``:
    ``"restore"`` (load the state before ``step``), ``"save"`` (hand the current
    state, before ``step``, to ``save``), ``"advance"`` (run ``step`` without
    saving anything) and ``"reverse"`` (run ``step`` pushing what its adjoint
    reads, then its adjoint). Steps are reversed from ``n - 1`` down to 0.

    ``reusable``: the sweep may run again (a ``vjp``'s backward function), so it
    keeps the primal sweep's snapshots and takes its own beside them."""

    def __init__(self, n, budget, reusable=False):
        self.n = n
        self.budget = budget
        self.reusable = reusable
        self.first_saves = self._descent()
        self.saved = {}

    def _descent(self):
        points, lo, c = ({0} if self.n else set()), 0, self.budget
        while self.n - lo > 1:
            lo += _split(self.n - lo, c)
            c -= 1
            if self.n - lo > 1:
                points.add(lo)
        return points

    def save(self, step, *state):
        self.saved[step] = state

    def load(self, step):
        return self.saved[step]

    def reverse_sweep(self):
        primal = self.saved
        if self.reusable:
            self.saved = dict(primal)
        try:
            yield from self._sweep()
        finally:
            self.saved = primal if self.reusable else {}

    def _sweep(self):
        # (lo, hi, c, owns): reverse steps lo..hi-1 with c snapshots, the state
        # before lo being held (freed at the end when this task owns it)
        tasks = [("reverse", 0, self.n, self.budget, True)] if self.n else []
        pos = None        # the step the live state is before (None: after the last)
        while tasks:
            task = tasks.pop()
            if task[0] == "free":
                self.saved.pop(task[1], None)
                continue
            _, lo, hi, c, owns = task
            if owns:
                tasks.append(("free", lo))
            if pos != lo:
                yield from self._go_to(lo)
            if hi - lo == 1:
                yield "reverse", lo
                pos = None
                continue
            m = lo + _split(hi - lo, c)
            if m not in self.saved:      # (else the primal sweep saved it on its way)
                for step in range(lo, m):
                    yield "advance", step
                if hi - m > 1:
                    yield "save", m
                pos = m
            tasks.append(("reverse", lo, m, c, False))
            tasks.append(("reverse", m, hi, c - 1, hi - m > 1))

    def _go_to(self, step):
        """Bring the live state to before ``step``: restore the nearest snapshot
        at or before it and advance."""
        start = max(k for k in self.saved if k <= step)
        yield "restore", start
        for k in range(start, step):
            yield "advance", k


def refill(value, saved):
    """The loop state ``value`` as it was when ``saved`` (a deep copy) was taken.
    An array the loop writes into is refilled in place (views of it stay valid);
    anything else (a list whose items the loop replaces) is a fresh copy, so no
    array the list holds now, which may be another name's value, is written."""
    if isinstance(value, np.ndarray) and isinstance(saved, np.ndarray) \
            and value.shape == saved.shape and value.dtype == saved.dtype \
            and value.flags.writeable:
        np.copyto(value, saved)
        return value
    return runtime.copy_structure(saved, True)


# ---- rewriting the generated loops -----------------------------------------------

def checkpoint_loops(rt, primal, adjoint, budget, reusable, resolve):
    """Checkpoint each outermost ``for`` loop of ``primal`` (the statements
    ``rt.run`` returned) whose trip count is known when it starts, with its
    reversed loop in ``adjoint``. Returns the new (primal, adjoint).
    ``resolve(func_node)``: the object a call's function expression names."""
    reversed_of = {id(anno.get(st, "primal_loop")): st for st in walk_stmts(adjoint)
                   if anno.get(st, "primal_loop") is not None}
    stacks = set(rt.stack_names)
    new_primal, new_adjoint, head = {}, {}, []
    for loop in _outer_loops(primal):
        rev = reversed_of.get(id(loop))
        if rev is None or not _known_trip_count(loop):
            continue
        _refuse_impure(rt, loop, resolve)
        outside = _reads_outside(primal, loop) | _reads_outside(adjoint, rev)
        rewrite = _LoopRewrite(rt, loop, rev, stacks, budget, reusable, outside, resolve)
        new_primal[id(loop)] = rewrite.primal()
        new_adjoint[id(rev)] = rewrite.adjoint()
        head += rewrite.unbound_state(primal)
    if not new_primal:
        return primal, adjoint
    return head + _replace(primal, new_primal), _replace(adjoint, new_adjoint)


def _outer_loops(stmts):
    """The loops of ``stmts`` no other loop holds."""
    for st in stmts:
        if isinstance(st, (gast.For, gast.While)):
            yield st
        elif isinstance(st, gast.If):
            yield from _outer_loops(st.body)
            yield from _outer_loops(st.orelse)


def _known_trip_count(loop):
    """A for loop over a sequence it converted beforehand (range, array, list),
    without a break: its trip count is the sequence's length when it starts."""
    return isinstance(loop, gast.For) and isinstance(loop.iter, gast.Name) and not loop.orelse \
        and anno.get(loop, "count") is None \
        and anno.get(loop, "sequence", False)


def _replace(stmts, new):
    out = []
    for st in stmts:
        if id(st) in new:
            out += new[id(st)]
            continue
        if isinstance(st, gast.If):
            st.body = _replace(st.body, new)
            st.orelse = _replace(st.orelse, new)
        out.append(st)
    return out


def _refuse_impure(rt, loop, resolve):
    """A checkpointed loop runs its steps again: a step that draws random numbers
    would draw others the second time."""
    for node in walk(loop):
        if not isinstance(node, gast.Call):
            continue
        fn = resolve(node.func)
        module = getattr(fn, "__module__", None) or ""
        owner = type(getattr(fn, "__self__", None)).__module__ or ""
        if module.startswith(("numpy.random", "random")) or owner.startswith("numpy.random") \
                or owner == "random":
            raise rt.error(node, "checkpoint=K recomputes the steps of this loop, and this call "
                           "draws random numbers: the recomputed steps would differ",
                           "draw the numbers before the loop and index them in it, or "
                           "use checkpoint=None")


class _LoopRewrite:
    """One checkpointed loop: its primal sweep (snapshots, no pushes) and its
    adjoint sweep (the schedule's actions as plain code)."""

    def __init__(self, rt, loop, rev, stacks, budget, reusable, outside, resolve):
        self.rt, self.loop, self.rev, self.resolve = rt, loop, rev, resolve
        self.outside = outside      # names read outside the loop and its reversal
        self.stacks, self.budget, self.reusable = stacks, budget, reusable
        first = [n.id for n in walk(loop.target) if isinstance(n, gast.Name)]
        base = first[0] if first else "loop"
        self.cp = rt.names.fresh(base + "_checkpoints")
        self.step = rt.names.fresh(base + "_step")
        self.action = rt.names.fresh("action")
        self.state, self.in_place, self.rebound = self._state()
        self.locals = _step_locals(loop.body) - set(self.state)

    # ---- what a snapshot holds ----------------------------------------------
    def _state(self):
        """The names a step reads that the loop changes (its targets, set at the
        start of each step, and the stacks aside), in a fixed order; which of
        them the loop changes in place, and which of those it also rebinds."""
        loop, rev = self.loop, self.rev
        targets = {n.id for n in walk(loop.target) if isinstance(n, gast.Name)}
        rebound = {n.id for n in walk(loop) if isinstance(n, gast.Name)
                   and isinstance(n.ctx, (gast.Store, gast.Del))}
        in_place = {n.value.id for n in walk(loop) if isinstance(n, gast.Subscript)
                    and isinstance(n.ctx, gast.Store) and isinstance(n.value, gast.Name)}
        in_place |= self._written_by_calls()
        changed = (rebound | in_place) - targets - self.stacks - _step_locals(loop.body)
        reads = {n.id for st in loop.body + rev.body for n in walk(st)
                 if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
        state = sorted(changed & reads)
        in_place &= set(state)
        return state, in_place, rebound & in_place

    def _written_by_calls(self):
        """Names the calls of the loop may change in place: a list's
        ``.append``/``.pop()``, a mutating method (``.sort()``, ``.fill(0)``),
        a NumPy call with ``out=`` or that writes an argument (``np.copyto``)."""
        names = set()
        for node in walk(self.loop):
            if not isinstance(node, gast.Call):
                continue
            got = resizing_call(node)
            receiver = mutated_receiver(node)
            names |= {got[0]} if got else set()
            names |= {receiver} if receiver else set()
            op = self.rt.classifier.classify(node)
            if writes_arguments(op):
                names |= {n.id for e in op.operands for n in walk(e)
                          if isinstance(n, gast.Name)}
        return names

    def unbound_state(self, primal):
        """``name = None`` for the state names that may be unbound when the loop
        starts (bound first in the loop): the first snapshot holds them too."""
        bound = set(self.rt.norm.params)
        for st in primal:
            if st is self.loop or any(s is self.loop for s in walk_stmts([st])):
                break
            if isinstance(st, gast.Assign):
                bound |= {n.id for n in walk(st.targets[0]) if isinstance(n, gast.Name)}
        return [assign(n, const(None)) for n in self.state if n not in bound]

    def _snapshot(self):
        """``cp.save(step, a, copy_structure(b, True), ...)``: arrays and lists the
        loop changes in place are copied."""
        copier = self.rt.env.ref(runtime.copy_structure, "copy_structure")
        args = [load(self.step)]
        for n in self.state:
            args.append(call(clone(copier), [load(n), const(True)]) if n in self.in_place
                        else load(n))
        return gast.Expr(value=call(attr(self.cp, "save"), args))

    def _restore(self):
        """``(a, b_saved) = cp.load(step)`` and the copies back of what changes in place."""
        held = {n: self.rt.names.fresh(n + "_saved") for n in self.state if n in self.in_place}
        target = gast.Tuple(elts=[store(held.get(n, n)) for n in self.state], ctx=gast.Store())
        out = [assign(target, call(attr(self.cp, "load"), [load(self.step)]))]
        for n in self.state:
            if n not in held:
                continue
            if n in self.rebound:
                fn = self.rt.env.ref(runtime.copy_structure, "copy_structure")
                out.append(assign(n, call(fn, [load(held[n]), const(True)])))
            else:     # an array refilled in place: views of it stay valid
                out.append(assign(n, call(self.rt.env.ref(refill, "refill"),
                                          [load(n), load(held[n])])))
        return out

    def _overwritten_dropped(self, stmts):
        purity = Purity(self.resolve)
        dead = _overwritten(stmts, lambda value: pure_value(value, purity))
        stmts = [st for st in stmts if id(st) not in dead]
        dead = _pushed_and_popped(stmts, self.stacks)
        return [st for st in stmts if id(st) not in dead]

    # ---- the two sweeps -------------------------------------------------------
    def _set_targets(self):
        return assign(clone(self.loop.target), subscript(clone(self.loop.iter), load(self.step)),
                      anno.get(self.loop, "srcline"))

    def _advance(self, private):
        """The loop body without its pushes (a fresh copy), its step locals
        ``private`` renamed (nothing reads them after the step: each copy of the
        body then binds its own names, which later passes fold into expressions)."""
        # (one copy of the whole body; the marks its statements keep pointing at the
        # loop and its reversal stay pointing at them instead of copying them)
        keep = {id(self.loop): self.loop, id(self.rev): self.rev}
        body = _drop_pushes(copy.deepcopy(list(self.loop.body), keep), self.stacks)
        mapping = {n: self.rt.names.fresh(n) for n in sorted(private)}
        for node in walk(gast.Module(body=body, type_ignores=[])):
            if isinstance(node, gast.Name) and node.id in mapping:
                node.id = mapping[node.id]
        return body or [gast.Pass()]

    def primal(self):
        loop = self.loop
        args = [call("len", [clone(loop.iter)]), const(self.budget)]
        kws = [gast.keyword(arg="reusable", value=const(True))] if self.reusable else []
        fn = self.rt.env.ref(Checkpoints, "Checkpoints")
        make = assign(self.cp, gast.Call(func=fn, args=args, keywords=kws),
                      anno.get(loop, "srcline"))
        take = gast.If(test=gast.Compare(left=load(self.step), ops=[gast.In()],
                                         comparators=[attr(self.cp, "first_saves")]),
                       body=[self._snapshot()], orelse=[])
        node = gast.For(target=store(self.step),
                        iter=call("range", [call("len", [clone(loop.iter)])]),
                        body=[take, self._set_targets()] + self._advance(
                            self.locals - self.outside), orelse=[],
                        type_comment=None)
        anno.set(node, "srcline", anno.get(loop, "srcline"))
        return [make, node]

    def adjoint(self):
        rev = self.rev

        def is_(name):
            return gast.Compare(left=load(self.action), ops=[gast.Eq()],
                                comparators=[const(name)])

        step = gast.If(test=is_("advance"), body=self._advance(self.locals),
                       orelse=self._overwritten_dropped(list(self.loop.body) + list(rev.body)))
        run = [self._set_targets(), step]
        chain = gast.If(test=is_("restore"), body=self._restore(),
                        orelse=[gast.If(test=is_("save"), body=[self._snapshot()], orelse=run)])
        node = gast.For(target=gast.Tuple(elts=[store(self.action), store(self.step)],
                                          ctx=gast.Store()),
                        iter=call(attr(self.cp, "reverse_sweep")), body=[chain], orelse=[],
                        type_comment=None)
        anno.set(node, "srcline", anno.get(rev, "srcline"))
        return [node]


def _overwritten(stmts, pure):
    """The ids of the assignments ``n = v`` (``v`` pure) of the block ``stmts``
    whose value nothing reads: the next statement naming ``n`` binds it anew
    without reading it (in a recomputed step, the new state its adjoint pops
    back at once)."""
    dead = set()
    for i, st in enumerate(stmts):
        if not (isinstance(st, gast.Assign) and len(st.targets) == 1
                and isinstance(st.targets[0], gast.Name) and pure(st.value)):
            continue
        name = st.targets[0].id
        for later in stmts[i + 1:]:
            if not any(isinstance(n, gast.Name) and n.id == name for n in walk(later)):
                continue
            if isinstance(later, gast.Assign) and len(later.targets) == 1 \
                    and isinstance(later.targets[0], gast.Name) \
                    and later.targets[0].id == name and not any(
                        isinstance(n, gast.Name) and n.id == name for n in walk(later.value)):
                dead.add(id(st))
            break
    return dead


def _pushed_and_popped(stmts, stacks):
    """The ids of the pairs ``stack.append(n)`` ... ``n = stack.pop()`` of the
    block ``stmts`` with nothing naming ``n`` or the stack in between: the pop
    puts back the value ``n`` still has."""
    def mentions(st, names):
        return any(isinstance(x, gast.Name) and x.id in names for x in walk(st))

    dead = set()
    for i, st in enumerate(stmts):
        if not (isinstance(st, gast.Expr) and isinstance(st.value, gast.Call)
                and isinstance(st.value.func, gast.Attribute) and st.value.func.attr == "append"
                and isinstance(st.value.func.value, gast.Name)
                and st.value.func.value.id in stacks and len(st.value.args) == 1
                and isinstance(st.value.args[0], gast.Name)):
            continue
        stack, name = st.value.func.value.id, st.value.args[0].id
        for later in stmts[i + 1:]:
            if not mentions(later, {stack, name}):
                continue
            if isinstance(later, gast.Assign) and isinstance(later.targets[0], gast.Name) \
                    and later.targets[0].id == name and isinstance(later.value, gast.Call) \
                    and isinstance(later.value.func, gast.Attribute) \
                    and later.value.func.attr == "pop" and not later.value.args \
                    and isinstance(later.value.func.value, gast.Name) \
                    and later.value.func.value.id == stack:
                dead |= {id(st), id(later)}
            break
    return dead


def _reads_outside(stmts, skip):
    """Names ``stmts`` read, the statement ``skip`` (a loop) aside."""
    out = set()
    for st in stmts:
        if st is skip:
            continue
        if isinstance(st, (gast.If, gast.For, gast.While)):
            head = st.iter if isinstance(st, gast.For) else st.test
            out |= {n.id for n in walk(head) if isinstance(n, gast.Name)
                    and isinstance(n.ctx, gast.Load)}
            out |= _reads_outside(st.body, skip) | _reads_outside(st.orelse, skip)
        else:
            out |= {n.id for n in walk(st) if isinstance(n, gast.Name)
                    and isinstance(n.ctx, gast.Load)}
    return out


def _step_locals(body):
    """Names each step assigns (unconditionally, at the top of its body) before
    anything reads them: nothing carries them from one step to the next."""
    seen, local = set(), set()
    for st in body:
        reads = {n.id for n in walk(st) if isinstance(n, gast.Name)
                 and isinstance(n.ctx, gast.Load)}
        if isinstance(st, gast.Assign) and len(st.targets) == 1:
            for n in walk(st.targets[0]):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store) \
                        and n.id not in seen and n.id not in reads:
                    local.add(n.id)
        seen |= reads | {n.id for n in walk(st) if isinstance(n, gast.Name)}
    return local


def _drop_pushes(stmts, stacks):
    out = []
    for st in stmts:
        if isinstance(st, gast.Expr) and isinstance(st.value, gast.Call) \
                and isinstance(st.value.func, gast.Attribute) \
                and isinstance(st.value.func.value, gast.Name) \
                and st.value.func.value.id in stacks and st.value.func.attr == "append":
            continue
        for field in ("body", "orelse"):
            sub = getattr(st, field, None)
            if isinstance(sub, list) and sub and not isinstance(st, gast.FunctionDef):
                kept = _drop_pushes(sub, stacks)
                setattr(st, field, kept or ([gast.Pass()] if field == "body" else []))
        out.append(st)
    return out
