"""Reverse mode: a primal sweep and an adjoint sweep, rules inlined.

The adjoint of a name ``x`` is ``dx``. The sweep walks the normalized
function backwards; for each assignment it inlines the reverse rule of the
operation for every active operand. Whether an adjoint already holds a value
is tracked at transform time, so the first contribution is an assignment and
only later ones add. Values are saved only where they are overwritten: an
assignment inside a loop (or to a name assigned more than once) whose old
value the adjoint sweep reads is preceded by a push onto a per-name stack,
and the adjoint sweep pops it back right after that assignment's adjoint.

This module is the coordinator: ReverseTransform gathers what it knows of
the function's names, drives the adjoint sweep statement by statement, and
hands the result to the finishing pass. Each concern has a module of its own:

- adjoints.py: adjoint names, zeros, accumulating cotangents
- assignments.py: ``x = f(...)``, the cotangents flowing back from it
- vjp_rules.py: a rule's reverse function, inlined or called
- calls.py: calls of user functions not inlined (recursion)
- writes.py: ``y[i] = v`` and ``L.append(v)`` / ``L.pop()``
- branches.py, loops.py: ``if``; ``for`` / ``while`` (trip counts, iteration locals)
- saving.py: after the sweep, what is saved on stacks and put back where
  (restores.py, views.py, own_arrays.py, primal.py), with the adjoint
  clean-ups it runs first (recompute.py, buffers.py, broadcasts.py,
  shape_reads.py)
- higher_order.py: generated code differentiated again
- facts.py, shift_invariance.py, in_place.py, placeholders.py: analyses and
  the Restore placeholder the others share
"""
import gast
import numpy as np

from .. import runtime
from ..analysis.activity import (Classifier, activity, mutating_call_refusal, writes_arguments,
                                 writing_call_refusal, sequence_names, sharing_groups)
from ..errors import SrcdiffError
from ..runtime import cast_like
from ..analysis.shapes import ShapeClasses
from ..ir import anno
from ..ir.syntax import load, const, assign, call, names_read, walk
from .adjoints import AdjointsMixin
from .assignments import AssignmentsMixin
from .branches import BranchesMixin
from .calls import UserCallsMixin
from .facts import array_names, container_names, count_assignments, surely_real_values
from .higher_order import HigherOrderMixin
from .loops import LoopsMixin
from .placeholders import Restore
from .saving import SavingMixin
from .shift_invariance import shift_invariant
from .vjp_rules import VjpRulesMixin
from .writes import WritesMixin


_NOT_ALWAYS_SCALAR = (np.linalg.det, np.trace, np.linalg.slogdet)


class ReverseTransform(AdjointsMixin, AssignmentsMixin, VjpRulesMixin, UserCallsMixin,
                       WritesMixin, BranchesMixin, LoopsMixin, HigherOrderMixin, SavingMixin):
    """The reverse transform of one normalized function: ``run(seed)`` gives
    its primal statements, adjoint statements and gradient expressions."""

    def __init__(self, norm, wrt, env, container_params=(), param_kinds=None):
        self.norm = norm
        self.fs = norm.fs
        self.loc = norm.fs.loc
        self.names = norm.names
        self.env = env
        self.wrt = list(wrt)
        body = norm.node.body
        local_defs = {}
        self.local_names = {n.id for n in walk(norm.node) if isinstance(n, gast.Name)
                            and not isinstance(n.ctx, gast.Load)} | set(norm.params)
        self.classifier = Classifier(self.fs, self.local_names, local_defs)
        if self.loc.filename.startswith("<srcdiff"):
            self._refuse_pushed_then_written(body)
            self._copy_accumulations(body)
        out = norm.output
        self.output_names = [out.id] if isinstance(out, gast.Name) else []
        self.varied, self.useful = activity(body, self.wrt, self.output_names, self.classifier,
                                             sharing_groups(body))
        self.shapes = ShapeClasses(body, norm.params, self.classifier, param_kinds or {})
        self.surely_real = surely_real_values(norm, param_kinds or {})
        # a max/min the output is exactly invariant to (a logsumexp shift): no adjoint
        self.useful -= shift_invariant(norm, self.classifier, self.shapes)
        self.shapes.env = env
        self._undefined = set()
        self._undefined_always = set()
        self.adj_names = {}
        self.live = set()
        self.owned = set()   # adjoints holding a buffer this code created (safe to update in place)
        # live adjoints that may hold None (absent: zero, shaped like the value they
        # meet); a reversed loop leaves the adjoint of a value made anew in each
        # iteration absent, since the shape of the previous iteration's value is
        # not known where the reverse iteration ends
        self.absent = set()
        self.late_restores = []
        self._fresh_locals = set()   # rule locals holding a new array only one adjoint takes
        self._swapped = set()        # broadcast cotangents replaced by their scalar somewhere
        self.loop_depth = 0
        self.assign_count, self.first_def = count_assignments(body, norm.params)
        self._mark_iteration_locals(body)
        self.stacks = {}          # primal name -> stack name
        self.container_params = set(container_params)
        sequences = sequence_names(body, self.classifier, self.container_params)
        self.containers = container_names(body, self.classifier, self.container_params,
                                          sequences)
        self.classifier.may_hold_sequences(sequences)
        self.arrays = array_names(body, self.classifier, norm.params, self.container_params,
                                  self.containers)

    def active(self, name):
        return name in self.varied and name in self.useful

    def ref(self, obj, name):
        return self.env.ref(obj, name)

    def error(self, node, message, hint=None):
        # (a statement inlined from another function points at its own file's line)
        return (anno.get(node, "srcloc") or self.loc).error(node, message, hint)

    def run(self, seed):
        """Build (primal statements, adjoint statements, gradient expressions).

        ``seed``: expression of the output's cotangent (or a list of expressions
        for a tuple output built at the end of the function).
        """
        body = self.norm.node.body
        adjoint = []
        out = self.norm.output
        last = body[-1] if body else None
        seeded_pack = None
        if isinstance(seed, list):
            # the output is a tuple literal: seed its elements directly
            if not (isinstance(out, gast.Name) and isinstance(last, gast.Assign)
                    and isinstance(last.targets[0], gast.Name) and last.targets[0].id == out.id
                    and isinstance(last.value, (gast.Tuple, gast.List))):
                raise SrcdiffError("internal: tuple seed without a tuple output")
            seeded_pack = last
            for elt, s in zip(last.value.elts, seed):
                if s is not None and isinstance(elt, gast.Name) and self.active(elt.id):
                    adjoint += self.accumulate(elt.id, s, anno.get(last, "srcline"))
                elif isinstance(s, gast.Call):
                    adjoint.append(self._output_check(s, last))
        elif isinstance(out, gast.Name) and self.active(out.id):
            if self._surely_real_scalar(out.id, seed):
                seed = const(1.0)       # (scalar_seed's checks hold: tidy.py puts 1.0 in)
                self._unit_seed = True  # (nothing reads the output after the primal sweep)
            seed_stmt = assign(self.adj(out.id), seed, anno.get(last, "srcline"))
            anno.set(seed_stmt, "unit_seed", isinstance(seed, gast.Constant))
            anno.set(seed_stmt, "nofold", True)
            anno.set(seed_stmt, "keep", True)
            adjoint.append(seed_stmt)
            self.live.add(self.adj(out.id))
        elif isinstance(seed, gast.Call):
            adjoint.append(self._output_check(seed, last))
        stmts = body[:-1] if seeded_pack is not None else body
        adjoint += self.rev_block(stmts)
        grads = []
        # a parameter the body rebinds: its cotangent's structure comes from the
        # argument as it was passed (the adjoint sweep restores it only if a rule reads it)
        rebound = {n.id for n in walk(self.norm.node) if isinstance(n, gast.Name)
                   and isinstance(n.ctx, gast.Store)}
        passed = {}
        for p in self.wrt:
            if p in rebound:
                passed[p] = self.names.fresh(p + "_arg")
        for p in self.wrt:
            d = self.adj(p)
            if d in self.live and p not in self.arrays:
                grads.append(call(self.ref(runtime.complete_cotangent, "complete_cotangent"),
                                  [load(d), load(p)]))
            elif d in self.live and d not in self.absent:
                # a real input's cotangent is real (rules may leave an imaginary part
                # where a real value met a complex one), a complex input's complex
                grads.append(call(self.ref(cast_like, "cast_like"), [load(d), load(p)]))
            elif d in self.live:
                grads.append(call(self.ref(runtime.complete_cotangent, "complete_cotangent"),
                                  [load(d), load(p)]))
            elif p not in self.arrays:
                grads.append(call(self.ref(runtime.complete_cotangent, "complete_cotangent"),
                                  [const(None), load(p)]))
            else:
                grads.append(call(self.ref(runtime.zeros_like_value, "zeros_like_value"),
                                  [load(p)]))
        for g in grads:
            if isinstance(g, gast.Call):
                for a in g.args[1:]:
                    if isinstance(a, gast.Name) and a.id in passed:
                        a.id = passed[a.id]
        self._grad_reads = set().union(*[names_read(g) for g in grads]) if grads else set()
        primal = self.finish(body, adjoint)
        keep = [assign(passed[p], load(p)) for p in self.wrt if p in passed
                and passed[p] in self._grad_reads]
        return keep + primal, self.adjoint_stmts, grads

    def _surely_real_scalar(self, out, seed):
        """Is ``seed`` ``scalar_seed(out)`` of an output the analysis knows is a
        real number of shape () (every value real, out of a full reduction or of
        numbers)? Its seed is then 1.0, and the output need not be computed for
        scalar_seed to check it."""
        if not (isinstance(seed, gast.Call) and self.shapes._callee(seed.func)
                is runtime.scalar_seed and self.surely_real):
            return False
        if self.shapes.classes.get(out) != frozenset() or self.shapes.sym.get(out) != ():
            return False
        # (np.linalg.det / np.trace of a stack of matrices is not one number)
        for n in walk(self.norm.node):
            if isinstance(n, gast.Call) and (
                    self.shapes._callee(n.func) in _NOT_ALWAYS_SCALAR
                    or getattr(n.func, "attr", None) in ("det", "trace", "slogdet")):
                return False
        return True

    @staticmethod
    def _output_check(seed, last):
        """The seed of a constant output, as a statement: it is not needed, its
        check of the output (real, one element) is."""
        check = gast.Expr(value=seed)
        anno.set(check, "srcline", anno.get(last, "srcline"))
        return check

    def rev_block(self, stmts):
        out = []
        for s in reversed(stmts):
            new = self.rev_stmt(s)
            where = anno.get(s, "srcloc")
            if where is not None:
                for st in new:
                    if not isinstance(st, Restore) and not anno.has(st, "srcloc"):
                        anno.set(st, "srcloc", where)
            out += new
        return out

    def rev_stmt(self, s):
        if isinstance(s, gast.Assign):
            t = s.targets[0]
            if anno.has(s, "split"):
                return self.rev_assign(s, anno.get(s, "split")[0])
            if isinstance(t, gast.Name):
                return self.rev_assign(s, t.id)
            if isinstance(t, gast.Subscript):
                return self.rev_setitem(s, t)
        if isinstance(s, gast.If):
            return self.rev_if(s)
        if isinstance(s, gast.For):
            return self.rev_for(s)
        if isinstance(s, gast.While):
            return self.rev_while(s)
        if isinstance(s, gast.Expr) and isinstance(s.value, gast.Call) \
                and isinstance(s.value.func, gast.Attribute) \
                and isinstance(s.value.func.value, gast.Name) \
                and s.value.func.attr in ("append", "extend"):
            return self.rev_list_add(s, s.value.func.value.id, s.value.func.attr, s.value)
        if isinstance(s, gast.Expr):
            op = self.classifier.classify(s.value)
            reads = op.reads()
            if any(self.active(n) for n in reads) and writes_arguments(op):
                raise self.error(s, *writing_call_refusal(op))
            if any(self.active(n) for n in reads) and op.kind not in ("nondiff", "const"):
                if isinstance(s.value.func, gast.Attribute) and \
                        isinstance(s.value.func.value, gast.Name) and \
                        self.active(s.value.func.value.id):
                    raise self.error(s, *mutating_call_refusal(s.value.func.attr))
            return []
        if isinstance(s, (gast.Break, gast.Assert, gast.Raise, gast.Pass, gast.FunctionDef)):
            return []
        raise self.error(s, f"unsupported statement {type(s).__name__}")
