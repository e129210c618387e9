"""Reverse mode: a primal sweep and an adjoint sweep, rules inlined.

The adjoint of a name ``x`` is ``dx``. The sweep walks the normalized
function backwards; for each assignment it inlines the reverse rule of the
operation for every active operand. Whether an adjoint already holds a value
is tracked at transform time, so the first contribution is an assignment and
only later ones add. Values are saved only where they are overwritten: an
assignment inside a loop (or to a name assigned more than once) whose old
value the adjoint sweep reads is preceded by a push onto a per-name stack,
and the adjoint sweep pops it back right after that assignment's adjoint.
"""
import operator

import gast
import numpy as np

from .. import runtime
from ..runtime import transforms
from ..analysis.activity import (Classifier, activity, mutated_receiver, mutating_call_refusal,
                       writes_arguments, writing_call_refusal,
                       resizing_call, sequence_names, sharing_groups, subscript_writes,
                       walk_stmts)
from ..errors import SrcdiffError
from ..rules.support import cast_like
from ..backend.simplify import simplify
from ..analysis.shapes import ShapeClasses, sym_rank
from ..ir.syntax import (load, store, const, assign, call, attr, subscript, names_read, clone,
                     tuple_, walk, names_stored, rename)
from ..ir.templates import template, instantiate, result_parts, returns_tuple
from ..rules.registry import vjp_params

__all__ = ["ReverseTransform"]


_ARITHMETIC = {operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
               operator.mod, operator.neg, operator.pos, operator.matmul, operator.floordiv}
_SEQUENCE_FUNCS = {"split", "array_split", "hsplit", "vsplit", "dsplit", "eigh", "eig", "svd",
                   "qr", "slogdet", "lstsq", "nonzero", "meshgrid", "broadcast_arrays",
                   "histogram", "unique", "divmod", "modf", "frexp", "where", "atleast_1d",
                   "atleast_2d", "atleast_3d", "gradient", "unravel_index", "indices"}


_NOT_ALWAYS_SCALAR = (np.linalg.det, np.trace, np.linalg.slogdet)

# runtime helpers that change their first argument in place (and return it)
_IN_PLACE_HELPERS = runtime.WRITES_FIRST_ARGUMENT


class _Restore:
    """Placeholder in the adjoint sweep: where an overwritten value is popped back."""

    def __init__(self, stmt, target, kind):
        self.stmt, self.target, self.kind = stmt, target, kind


def _surely_real(norm, param_kinds):
    """Whether no value of the function can be complex: every parameter is a
    real scalar or array (as the call being served says) and the body makes
    no complex value (no complex literal, no FFT, no complex dtype)."""
    for p in norm.params:
        k = param_kinds.get(p)
        if not (k == "s" or (isinstance(k, tuple) and k[-1] == "f")):
            return False
    for n in walk(norm.node):
        if isinstance(n, gast.Constant) and isinstance(n.value, complex):
            return False
        if isinstance(n, (gast.Name, gast.Attribute)) and any(
                w in (n.id if isinstance(n, gast.Name) else n.attr) for w in ("fft", "complex")):
            return False
    return True


class ReverseTransform:
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
        self.surely_real = _surely_real(norm, param_kinds or {})
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
        self.assign_count = self._count_assignments(body)
        self._mark_iteration_locals(body)
        self.stacks = {}          # primal name -> stack name
        self.counters = []
        self.container_params = set(container_params)
        sequences = sequence_names(body, self.classifier, self.container_params)
        self.containers = self._containers(body, sequences)
        self.classifier.may_hold_sequences(sequences)
        self.arrays = self._arrays(body)

    # ---- helpers -----------------------------------------------------------
    def _mark_iteration_locals(self, body):
        """A name assigned once, at the top of a loop body, and not read before
        that in the body, lives for one iteration: it is pushed after it is
        computed and popped when its reverse iteration starts (no old value to
        keep, no placeholder)."""
        assigned_in = {}
        mutated_in = {}
        for loop in walk_stmts(body):
            if isinstance(loop, (gast.For, gast.While)):
                assigned_in[id(loop)] = {n.id for n in walk(loop) if isinstance(n, gast.Name)
                                         and isinstance(n.ctx, (gast.Store, gast.Del))} | \
                    {n.value.id for n in walk(loop) if isinstance(n, gast.Subscript)
                     and isinstance(n.ctx, gast.Store) and isinstance(n.value, gast.Name)} | \
                    {n.func.value.id for n in walk(loop) if isinstance(n, gast.Call)
                     and isinstance(n.func, gast.Attribute) and isinstance(n.func.value, gast.Name)}
                # values changed in place in the loop (never shared between iterations)
                mutated_in[id(loop)] = \
                    {n.value.id for n in walk(loop) if isinstance(n, gast.Subscript)
                     and isinstance(n.ctx, gast.Store) and isinstance(n.value, gast.Name)} | \
                    {n.func.value.id for n in walk(loop) if isinstance(n, gast.Call)
                     and isinstance(n.func, gast.Attribute) and isinstance(n.func.value, gast.Name)}
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
                for n in walk(loop):
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
                            st.srcdiff_iterlocal = loop
                            st.srcdiff_push_after = push_at
                            op = self.classifier.classify(st.value)
                            if op.kind in ("call", "copy", "const") and all(
                                    not (op.reads() & assigned_in[id(L)])
                                    and t not in assigned_in[id(L)] - {t} | mutated_in[id(L)]
                                    for L in around):
                                st.srcdiff_invariant = True   # the same value every iteration
                read_before |= names_read(st)
                for n in walk(st):
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
            if self._writes_into(body[k], t):
                last = k
        if last == j:
            return body[j]
        for st in body[j + 1:last + 1]:
            for n in walk(st):
                if isinstance(n, (gast.Break, gast.Continue, gast.Return)):
                    return None
        return body[last]

    def _writes_into(self, stmt, t):
        """May ``stmt`` change the value of the name ``t`` in place (an item or
        slice store, a mutating method call on it, a call that writes its
        arguments, a runtime helper that adds into its first argument)?"""
        from ..rules.methods import MUTATING_METHODS
        for n in walk(stmt):
            if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store) \
                    and isinstance(n.value, gast.Name) and n.value.id == t:
                return True
            if isinstance(n, gast.Call):
                if isinstance(n.func, gast.Attribute) and isinstance(n.func.value, gast.Name) \
                        and n.func.value.id == t and n.func.attr in MUTATING_METHODS:
                    return True
                if not any(isinstance(a, gast.Name) and a.id == t for a in n.args):
                    continue
                op = self.classifier.classify(n)
                if op.func in _IN_PLACE_HELPERS or writes_arguments(op):
                    return True
        return False

    def _refuse_pushed_then_written(self, body):
        """Generated code differentiated again: a stack entry is the array
        itself (``S.append(v)``), not a copy, and the derivative of this code
        reads it as the value ``v`` had at the push. So ``v`` must not be
        changed in place after the push while the name still holds that array
        (in its block, and around its loop to where it is bound again). The
        generator pushes after the last such write (_iterlocal_push_point),
        pushes a copy (_restore), or pushes ``stacked(v)`` (keep_pushed_arrays):
        anything else is refused, naming the line, rather than differentiated
        wrongly. (A user's function is checked where it runs, by protect_writes.)"""
        for push, bad, v in pushed_then_written(body, self._writes_into):
            raise self.error(
                bad, f"'{v}' is changed in place here after "
                f"{push.value.func.value.id}.append({v}) keeps its array: srcdiff "
                "cannot differentiate this generated code again",
                "please report this; a derivative of lower order works")

    def _copy_accumulations(self, body):
        """Generated code differentiated again: its ``dy = add_at(dy, i, g)``
        adds into dy's array in place, and that array may be another value's
        (``dy = dv`` before it, which the normalizer folds into ``add_at(dv, i,
        g)``) that this derivative reads afterwards (a rule's input kept for the
        adjoint). So here the addition is made on a copy (runtime.add_at_copied):
        the values are the same, and nothing read later changes under it."""
        copied = {runtime.add_at: runtime.add_at_copied,
                  runtime.add_at_owned: runtime.add_at_owned_copied}
        for n in walk(gast.Module(body=body, type_ignores=[])):
            if isinstance(n, gast.Call) and isinstance(n.func, gast.Name):
                func = self.classifier.classify(n).func
                if func in copied:
                    n.func = self.ref(copied[func], copied[func].__name__)

    def keep_pushed_arrays(self, stmts, resolve):
        """The finished gradient's statements, with every push of an array that
        later code may change in place while it is on the stack (what
        _refuse_pushed_then_written refuses in code differentiated again) made
        ``S.append(stacked(v))``, and that stack's pops ``unstacked(S.pop())``:
        the code still pops the array itself (views and other names that share
        it stay shared), and differentiating it again reads the entry as the
        copy taken at the push. The check can only be conservative (a name
        rebound in a loop that may not run), so this costs a copy where it
        fires, never a refusal. ``resolve``: the object a function expression of
        the generated code names (its helpers, ``add_at``)."""
        def writes_into(stmt, t):
            if self._writes_into(stmt, t):
                return True
            return any(isinstance(n, gast.Call) and any(
                isinstance(a, gast.Name) and a.id == t for a in n.args)
                and resolve(n.func) in _IN_PLACE_HELPERS for n in walk(stmt))

        # (the generator's stacks only: a list of the user's holds the array
        # itself, ``L.append(v); v[i] = e`` shows through ``L[-1]``)
        stacks = {push.value.func.value.id
                  for push, _, _ in pushed_then_written(stmts, writes_into)} \
            & set(self.stack_names)
        if not stacks:
            return stmts
        wrap = self.ref(runtime.stacked, "stacked")
        unwrap = self.ref(runtime.unstacked, "unstacked")

        class Keep(gast.NodeTransformer):
            def visit_Call(self, node):
                self.generic_visit(node)
                f = node.func
                if not (isinstance(f, gast.Attribute) and isinstance(f.value, gast.Name)
                        and f.value.id in stacks):
                    return node
                if f.attr == "append" and len(node.args) == 1 \
                        and isinstance(node.args[0], gast.Name):
                    node.args = [call(clone(wrap), node.args)]
                    return node
                # (every pop of the stack: unstacked gives a copy pushed as it is)
                if f.attr == "pop" and not node.args:
                    return call(clone(unwrap), [node])
                return node

        keep = Keep()
        return [keep.visit(st) for st in stmts]

    def _count_assignments(self, body):
        counts = {p: 1 for p in self.norm.params}
        self.first_def = {}
        for s in walk_stmts(body):
            targets = []
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
                targets = [s.targets[0].id]
            elif isinstance(s, gast.For):
                targets = [n.id for n in walk(s.target) if isinstance(n, gast.Name)]
            for t in targets:
                counts[t] = counts.get(t, 0) + 1
                if t not in self.first_def and t not in self.norm.params:
                    self.first_def[t] = s
        return counts

    def _containers(self, body, sequences=()):
        """Names that may hold tuples, lists or dicts (their cotangents are added
        element by element)."""
        out = set(self.container_params) | set(sequences)
        defs = []
        for s in walk_stmts(body):
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
                defs.append((s.targets[0].id, self.classifier.classify(s.value)))
        changed = True
        while changed:
            changed = False
            for t, op in defs:
                new = set()
                if op.kind in ("pack", "user", "unknown"):
                    new.add(t)
                elif op.kind == "copy" and op.node.id in out:
                    new.add(t)
                elif op.kind == "call" and op.func is runtime.as_sequence \
                        and isinstance(op.args[0], gast.Name) and op.args[0].id in out:
                    new.add(t)
                elif op.kind == "call" and op.func is operator.getitem:
                    base, idx = op.args
                    if isinstance(idx, gast.Constant) and isinstance(idx.value, (int, str)) \
                            and isinstance(base, gast.Name):
                        new.add(base.id)
                    if isinstance(base, gast.Name) and base.id in out:
                        new.add(t)
                if new - out:
                    out |= new
                    changed = True
        return out

    def _arrays(self, body):
        """Names that certainly hold arrays or numbers (never tuples, lists or
        dicts): their cotangents can be added with a plain ``+``."""
        import numpy as np
        defs = {}
        for s in walk_stmts(body):
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
                defs.setdefault(s.targets[0].id, []).append(self.classifier.classify(s.value))
            elif isinstance(s, gast.For):
                for n in walk(s.target):
                    if isinstance(n, gast.Name):
                        defs.setdefault(n.id, []).append(None)
        # greatest fixpoint: assume every name holds an array, drop the ones
        # with a definition that may produce something else
        arrays = {p for p in self.norm.params if p not in self.container_params} | set(defs)
        arrays -= self.containers

        def arrayish(op):
            if op is None:
                return False
            if op.kind == "copy":
                return op.node.id in arrays
            if op.kind == "const":
                return isinstance(op.node, gast.Constant) and isinstance(op.node.value,
                                                                           (int, float, complex))
            if op.kind != "call":
                return False
            f = op.func
            if f is operator.getitem:
                return isinstance(op.args[0], gast.Name) and op.args[0].id in arrays
            if f in _ARITHMETIC or isinstance(f, np.ufunc):
                return all(not isinstance(a, gast.Name) or a.id in arrays for a in op.args)
            mod = getattr(f, "__module__", "") or ""
            return mod.startswith("numpy") and getattr(f, "__name__", "") not in _SEQUENCE_FUNCS

        changed = True
        while changed:
            changed = False
            for name in sorted(arrays & set(defs)):
                if not all(arrayish(op) for op in defs[name]):
                    arrays.discard(name)
                    changed = True
        return arrays - self.containers

    def active(self, name):
        return name in self.varied and name in self.useful

    def adj(self, name):
        d = self.adj_names.get(name)
        if d is None:
            if name in self.norm.params and ("d" + name) in self.norm.reserved_adjoints:
                d = "d" + name
            else:
                d = self.names.adjoint(name)
            self.adj_names[name] = d
            self.shapes.adjoint_of[d] = name
        return d

    def ref(self, obj, name):
        return self.env.ref(obj, name)

    def error(self, node, message, hint=None):
        # (a statement inlined from another function points at its own file's line)
        return (getattr(node, "srcloc", None) or self.loc).error(node, message, hint)

    def accumulate(self, name, expr, line):
        """Emit ``dname = expr`` (first contribution) or ``dname = dname + expr``."""
        d = self.adj(name)
        expr = simplify(expr)
        if d in self.live:
            if name not in self.arrays or d in self.absent:
                expr = call(self.ref(runtime.add_cotangents, "add_cotangents"), [load(d), expr])
                self.owned.discard(d)
                self.absent.discard(d)
            elif d in self.owned and self.in_place_ok(name):
                # our own buffer: accumulate in place (no new array per contribution)
                node = gast.AugAssign(target=store(d), op=gast.Add(), value=expr)
                node.srcline = line
                if isinstance(expr, gast.UnaryOp) and isinstance(expr.op, gast.USub):
                    node.op, node.value = gast.Sub(), expr.operand
                return [node]
            else:
                expr = simplify(gast.BinOp(left=load(d), op=gast.Add(), right=expr))
                self.owned.add(d)
        else:
            self.live.add(d)
            if self._fresh(expr):
                self.owned.add(d)
            else:
                self.owned.discard(d)
        return [assign(d, expr, line)]

    def in_place_ok(self, name):
        """``d += e`` keeps d's shape: only where d's shape class is known to
        contain every contribution's (a scalar-class d could be a Python float)."""
        cls = self.shapes.classes.get(name)
        return cls is not None and cls != frozenset()

    def _fresh(self, expr):
        """Does ``expr`` certainly produce a new array (not an alias of another)?"""
        if isinstance(expr, (gast.BinOp, gast.UnaryOp)):
            return True
        if isinstance(expr, gast.Name):
            return expr.id in self._fresh_locals
        if isinstance(expr, gast.Call):
            f = self.shapes._callee(expr.func)
            from ..rules.indexing import scatter_add
            return f is not None and f in (scatter_add, runtime.zeros_like_value,
                                           runtime.complete_cotangent, runtime.zeros_like_list)
        return False

    def present(self, name, line):
        """Statements making an absent adjoint of ``name`` a zero shaped like
        ``name``'s value here, before the adjoint is read directly."""
        d = self.adj(name)
        if d not in self.absent:
            return []
        self.absent.discard(d)
        return [assign(d, call(self.ref(runtime.complete_cotangent, "complete_cotangent"),
                               [load(d), load(name)]), line)]

    def zero(self, name, line):
        """Materialize a zero adjoint for ``name`` (where control flow merges)."""
        self.live.add(self.adj(name))
        self.owned.add(self.adj(name))
        if name in self.containers:
            return assign(self.adj(name), call(
                self.ref(runtime.complete_cotangent, "complete_cotangent"),
                [const(None), load(name)]), line)
        return assign(self.adj(name), call(self.ref(runtime.zeros_like_value, "zeros_like_value"),
                                           [load(name)]), line)

    # ---- the sweep ---------------------------------------------------------
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
                    adjoint += self.accumulate(elt.id, s, last.srcline)
                elif isinstance(s, gast.Call):
                    adjoint.append(self._output_check(s, last))
        elif isinstance(out, gast.Name) and self.active(out.id):
            if self._surely_real_scalar(out.id, seed):
                seed = const(1.0)       # (scalar_seed's checks hold: tidy.py puts 1.0 in)
                self._unit_seed = True  # (nothing reads the output after the primal sweep)
            seed_stmt = assign(self.adj(out.id), seed, getattr(last, "srcline", None))
            seed_stmt.srcdiff_unit_seed = isinstance(seed, gast.Constant)
            seed_stmt.srcdiff_nofold = True
            seed_stmt.srcdiff_keep = True
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
        check.srcline = getattr(last, "srcline", None)
        return check

    def rev_block(self, stmts):
        out = []
        for s in reversed(stmts):
            new = self.rev_stmt(s)
            where = getattr(s, "srcloc", None)
            if where is not None:
                for st in new:
                    if not isinstance(st, _Restore) and not hasattr(st, "srcloc"):
                        st.srcloc = where
            out += new
        return out

    def rev_stmt(self, s):
        if isinstance(s, gast.Assign):
            t = s.targets[0]
            if hasattr(s, "srcdiff_split"):
                return self.rev_assign(s, s.srcdiff_split[0])
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

    # ---- assignments -----------------------------------------------------
    def overwrites(self, name, stmt=None):
        if self.loop_depth > 0:
            return True
        if self.assign_count.get(name, 0) <= 1:
            return False
        # the first assignment of a local overwrites nothing
        return not (stmt is not None and self.first_def.get(name) is stmt)

    def rev_list_add(self, s, lst, meth, node):
        """lst.append(v) / lst.extend(vs): the cotangents come back off dlst's end."""
        if lst in self.norm.params or lst not in self.local_names:
            raise self.error(s, f"{lst}.{meth}() changes a list that outlives the call",
                             "build a new list inside the function instead")
        if len(node.args) != 1 or node.keywords:
            raise self.error(s, f"unsupported call of .{meth}()")
        v = node.args[0]
        dl = self.adj(lst)
        out = []
        if self.active(lst) and dl in self.live:
            out += self.own_list(dl, s.srcline)
            if meth == "append":
                taken = call(attr(dl, "pop"))
            else:
                taken = call(self.ref(runtime.pop_tail, "pop_tail"),
                             [load(dl), call("len", [clone(v)])])
            if isinstance(v, gast.Name) and self.active(v.id):
                out += self.accumulate(v.id, taken, s.srcline)
            else:
                out.append(gast.Expr(value=taken))
        out.append(_Restore(s, lst, meth))
        return out

    def own_list(self, dl, line):
        """Before the list cotangent ``dl`` is changed in place (.pop(), .append()):
        a copy, where another cotangent may hold the same list (``dL = dP[0]``; a
        derivative of this code would not follow the change through ``dP``)."""
        if dl in self.owned:
            return []
        self.owned.add(dl)
        return [assign(dl, call("list", [load(dl)]), line)]

    def rev_list_pop(self, s, t, op):
        """x = lst.pop(): dx goes back onto dlst's end."""
        lst = op.args[0].id
        dl = self.adj(lst)
        d = self.adj(t)
        out = []
        if self.active(t) and d in self.live:
            if dl not in self.live:
                out.append(assign(dl, call(self.ref(runtime.zeros_like_list, "zeros_like_list"),
                                           [load(lst)]), s.srcline))
                self.live.add(dl)
                self.owned.add(dl)
            out += self.present(t, s.srcline)
            out += self.own_list(dl, s.srcline)
            out.append(gast.Expr(value=call(attr(dl, "append"), [load(d)])))
        elif dl in self.live:
            out += self.own_list(dl, s.srcline)
            out.append(gast.Expr(value=call(attr(dl, "append"), [
                call(self.ref(runtime.zeros_like_value, "zeros_like_value"), [load(t)])])))
        self.live.discard(d)
        self.owned.discard(d)
        self.absent.discard(d)
        out.append(_Restore(s, lst, "pop"))
        if self.overwrites(t, s):
            out.append(_Restore(s, t, "name"))
        return out

    def rev_assign(self, s, t):
        out = []
        op = s.srcdiff_split[1] if hasattr(s, "srcdiff_split") else \
            self.classifier.classify(s.value)
        if op.kind == "list_pop":
            return self.rev_list_pop(s, t, op)
        recv = mutated_receiver(s.value)
        if recv is not None and self.active(recv):
            raise self.error(s, *mutating_call_refusal(s.value.func.attr))
        d = self.adj(t)
        self.late_restores = []
        self._restored_early = False
        self._ans = None
        self_ref = op.kind not in ("const", "nondiff") and t in (
            {a.id for a in op.args if isinstance(a, gast.Name)}
            | {v.id for v in op.keywords.values() if isinstance(v, gast.Name)})
        if self.active(t) and d in self.live and op.kind not in ("const", "nondiff"):
            out += self.contributions(s, t, op)   # (x = f(x): dx is reset inside)
        if not (self_ref and self.active(t)):
            self.live.discard(d)
            self.owned.discard(d)
            self.absent.discard(d)
        refilled = self._refilled_argument(s, t, op)
        if getattr(s, "srcdiff_iterlocal", None) is not None and self.loop_depth > 0:
            if not getattr(s, "srcdiff_invariant", False):
                out.append(_Restore(s, t, "iterlocal"))
            return out + self.late_restores + refilled
        if self.late_restores and self.overwrites(t, s):
            out += self.late_restores
        if self.overwrites(t, s) and not self._restored_early:
            out.append(_Restore(s, t, "name"))
        return out + refilled

    def _refilled_argument(self, s, t, op):
        """``t = restore_contents(x, saved)`` (or another helper that writes into
        its first argument) with ``x`` a name other than ``t``, as generated code
        differentiated again has it once its names are versioned: x's array is
        changed in place, so the sweep puts its old contents back in place
        (views of it stay valid) before anything earlier reads x."""
        if op.kind != "call" or op.func not in _IN_PLACE_HELPERS or not op.args \
                or not isinstance(op.args[0], gast.Name) or op.args[0].id == t:
            return []
        return [_Restore(s, op.args[0].id, "contents")]

    def contributions(self, s, t, op):
        line = s.srcline
        d = self.adj(t)
        pre = self.present(t, line)
        arg_names = {a.id for a in op.args if isinstance(a, gast.Name)}
        g = load(d)
        self._ans = None
        if t in arg_names or t in {v.id for v in op.keywords.values() if isinstance(v, gast.Name)}:
            # x = f(x): the incoming cotangent must be read before dx is reset, and
            # the rule needs x's old value (the argument) as well as the new (ans)
            gname = self.names.fresh(d + "_in")
            self.shapes.adjoint_of[gname] = t
            pre.append(assign(gname, load(d), line))
            g = load(gname)
            self.live.discard(d)
            if self.overwrites(t, s) and op.kind not in ("copy", "pack"):
                ans = self.names.fresh(t + "_new")
                pre.append(assign(ans, load(t), line))
                pre.append(_Restore(s, t, "name"))
                self._ans = ans
                self._restored_early = True
        if op.kind == "copy":
            return pre + self.accumulate(op.node.id, g, line)
        if op.kind == "pack":
            for i, elt in enumerate(op.args):
                if isinstance(elt, gast.Starred):
                    raise self.error(s, "starred elements in a differentiated tuple/list")
                if isinstance(elt, gast.Name) and self.active(elt.id):
                    pre += self.accumulate(elt.id, subscript(clone(g), const(i)), line)
            return pre
        if op.kind == "pack_dict":
            for k, v in zip(op.node.keys, op.node.values):
                if isinstance(v, gast.Name) and self.active(v.id):
                    item = call(self.ref(runtime.cotangent_item, "cotangent_item"),
                                [clone(g), clone(k), load(v.id)])
                    pre += self.accumulate(v.id, item, line)
            return pre
        if op.kind == "call":
            return self._pass_through(pre + self.rule_contributions(s, t, op, g), d)
        if not any(self.active(n) for n in op.reads()):
            return pre   # a fresh value (np.zeros(5), ...): nothing flows back
        if op.kind == "user":
            return pre + self.user_call(s, t, op, g)
        what = op.what or (getattr(op.func, "__qualname__", None) or repr(op.func))
        from ..rules import qualified_name
        name = qualified_name(op.func) if op.func is not None else what
        from ..analysis.activity import unknown_refusal
        message, hint, object_read = unknown_refusal(op, name, "vjp_rule")
        error = self.error(s, message, hint)
        error.object_read = object_read
        raise error

    def _pass_through(self, stmts, d):
        """``x = x + e``: the statements start ``dx_in = dx`` and contain
        ``dx = dx_in``; drop both copies and read ``dx`` directly."""
        if not stmts or not (isinstance(stmts[0], gast.Assign) and
                             isinstance(stmts[0].value, gast.Name) and stmts[0].value.id == d):
            return stmts
        tmp = stmts[0].targets[0].id
        rest = stmts[1:]
        copies = [st for st in rest if isinstance(st, gast.Assign)
                  and isinstance(st.targets[0], gast.Name) and st.targets[0].id == d]
        if len(copies) != 1 or not (isinstance(copies[0].value, gast.Name)
                                    and copies[0].value.id == tmp):
            return stmts
        idx = rest.index(copies[0])
        # every other statement must not read dx_in after dx = dx_in ... it may: same value
        out = [st for st in rest if st is not copies[0]]
        for st in out:
            if isinstance(st, _Restore):
                continue
            for n in walk(st):
                if isinstance(n, gast.Name) and n.id == tmp:
                    n.id = d
        del idx
        return out

    def user_call(self, s, t, op, g):
        """A call srcdiff does not inline (recursion): the primal calls the callee's
        generated forward function, the adjoint its backward function."""
        import inspect
        func = op.func
        if isinstance(func, gast.FunctionDef) or func is None:
            raise self.error(s, "recursive nested functions cannot be differentiated",
                             "make the function a module-level function")
        func = func.__func__ if hasattr(func, "__func__") else func
        if hasattr(op.func, "__self__"):
            raise self.error(s, "recursive methods cannot be differentiated")
        params = [p.name for p in inspect.signature(func).parameters.values()]
        active = []
        for i, a in enumerate(op.args):
            if isinstance(a, gast.Name) and self.active(a.id):
                active.append((params[i], a.id))
        for k, v in op.keywords.items():
            if isinstance(v, gast.Name) and self.active(v.id):
                active.append((k, v.id))
        if not active:
            return []
        wrt = tuple(p for p, _ in active)
        fref = op.node.func
        if not hasattr(s, "srcdiff_split"):
            res = self.names.fresh(t + "_res")
            s.srcdiff_split = (t, op, res)
            s.value = call(self.ref(transforms.get("call_fwd"), "call_fwd"),
                           [clone(fref), const(wrt)] + [clone(a) for a in op.args],
                           [gast.keyword(arg=k, value=clone(v)) for k, v in op.keywords.items()])
            s.targets = [gast.Tuple(elts=[store(t), store(res)], ctx=gast.Store())]
        res = s.srcdiff_split[2]
        grads = self.names.fresh(t + "_grads")
        out = [assign(grads, call(self.ref(transforms.get("call_bwd"), "call_bwd"),
                                  [clone(fref), const(wrt), load(res), g]), s.srcline)]
        for i, (p, name) in enumerate(active):
            out += self.accumulate(name, subscript(load(grads), const(i)), s.srcline)
        self.late_restores.append(_Restore(s, res, "name"))
        return out

    def rule_contributions(self, s, t, op, g):
        rule = op.rule
        if op.func is operator.getitem and isinstance(op.args[0], gast.Name) \
                and self.active(op.args[0].id):
            base = op.args[0].id
            d = self.adj(base)
            if d in self.live and d in self.owned:
                # accumulate into our own buffer in place: loops over rows stay linear
                return [assign(d, call(self.ref(runtime.add_at, "add_at"),
                                       [load(d), clone(op.args[1]), g]), s.srcline)]
        if rule.vjp is None:
            raise self.error(s, f"{rule.name} has no reverse-mode rule",
                             f"register one with @srcdiff.vjp_rule({rule.name})")
        tpl = template(rule.vjp)
        params = tpl.params[2:]
        if len(op.args) > len(params) and not tpl.varargs:
            raise self.error(s, f"{rule.name} called with {len(op.args)} positional arguments; "
                             f"its rule takes {len(params)}")
        bind = {}
        active = []    # (position in the rule's result, primal name)
        for i, a in enumerate(op.args):
            if i < len(params):
                bind[params[i]] = a
            if isinstance(a, gast.Name) and self.active(a.id):
                active.append((i, a.id))
        if tpl.varargs:
            bind[tpl.varargs] = gast.Tuple(elts=list(op.args[len(params):]), ctx=gast.Load())
        for k, v in op.keywords.items():
            if k not in params and k not in tpl.kwonly and tpl.varkw is None:
                raise self.error(s, f"{rule.name}: its rule has no parameter {k!r}")
            if k in params or k in tpl.kwonly:
                bind[k] = v
            if isinstance(v, gast.Name) and self.active(v.id):
                if k not in params:
                    raise self.error(s, f"{rule.name}: cannot differentiate with respect to "
                                     f"the keyword-only argument {k!r}")
                active.append((params.index(k), v.id))
        if not active:
            return []
        if not tpl.inlinable:
            return self._called_rule(s, t, op, rule, tpl, g, active)
        if isinstance(op.func, np.ufunc):
            # a list or tuple a ufunc reads as an array: the rule reads it as one too
            # (its arithmetic on a list would repeat or fail)
            for p, v in bind.items():
                if isinstance(v, gast.Name) and v.id in self.containers:
                    bind[p] = call(self.ref(np.asarray, "asarray"), [load(v.id)])
        bind[tpl.params[0]] = g
        bind[tpl.params[1]] = load(self._ans or t)
        known = {name for _, name in active} | ({g.id} if isinstance(g, gast.Name) else set())
        stmts, result = instantiate(tpl, bind, self.names, self.env, hint=self.adj(t),
                                    not_none=known)     # values, never None
        count = max(k for k, _ in active) + 1
        if tpl.packed and not isinstance(result, (gast.Tuple, gast.IfExp)):
            # the rule's value is the tuple of every argument's cotangent: bound once
            cts = self.names.fresh(self.adj(t) + "_cts")
            stmts.append(assign(cts, result))
            results = [subscript(load(cts), const(k)) for k in range(count)]
        else:
            results = result_parts(tpl, result, count)
        for st in stmts:
            # the rule's locals: their shapes where known (unbroadcast of them pruned)
            n = st.targets[0].id
            cls = self.shapes.expr_class(st.value)
            if cls is not None:
                self.shapes.classes[n] = cls
            sym = self.shapes.expr_sym(st.value)
            if sym is not None:
                self.shapes.sym[n] = sym
        used = set()
        exprs = []
        for k, name in active:
            if k >= len(results) or (isinstance(results[k], gast.Constant)
                                     and results[k].value is None):
                continue
            e = self.shapes.prune(simplify(results[k]))
            if _may_be_none(e):
                # no cotangent on some path of the rule: zeros there, never None
                e = call(self.ref(runtime.complete_cotangent, "complete_cotangent"),
                         [e, load(name)])
            elif name in self.containers and _array_valued(e, self.shapes._callee):
                # a list or tuple given to a NumPy function (np.sum(L)): its
                # cotangent has the container's items, as its other uses give it
                e = call(self.ref(runtime.items_like, "items_like"), [e, load(name)])
            exprs.append((name, e))
            used |= names_read(e)
        # keep only the rule's local statements the chosen results need
        keep = []
        for st in reversed(stmts):
            if st.targets[0].id in used:
                keep.insert(0, st)
                used |= names_read(st.value)
        whole = [e.id for _, e in exprs if isinstance(e, gast.Name)]
        for st in keep:
            st.srcline = s.srcline
            n = st.targets[0].id
            if whole.count(n) == 1 and self._fresh(st.value):
                self._fresh_locals.add(n)
        out = keep
        for name, e in exprs:
            out += self.accumulate(name, e, s.srcline)
        return out

    def _called_rule(self, s, t, op, rule, tpl, g, active):
        """A rule that cannot be inlined: the generated code calls it and takes
        the cotangents it needs from its value (a tuple, or the first
        parameter's cotangent alone; see rules/registry.py)."""
        kind, length = returns_tuple(tpl)
        res = self.names.fresh(f"{t}_vjp")
        args = [g, load(self._ans or t)] + [clone(a) for a in op.args]
        kws = [gast.keyword(arg=k, value=clone(v)) for k, v in op.keywords.items()]
        value = call(self.ref(rule.vjp, rule.vjp.__name__), args, kws)
        if kind is None:
            # its source does not tell a tuple from a single cotangent: sorted where it runs
            count = max(len(op.args), max(k for k, _ in active) + 1)
            kind, length = True, count
            value = call(self.ref(runtime.rule_cotangents, "rule_cotangents"),
                         [value, const(count)])
        out = [assign(res, value, s.srcline)]
        for k, name in active:
            if kind and k < length:
                out += self.accumulate(name, subscript(load(res), const(k)), s.srcline)
            elif not kind and k == 0:
                out += self.accumulate(name, load(res), s.srcline)
        return out

    def _selects_once(self, index):
        """Does the index expression select each element at most once whatever it
        holds (integers, slices, None, ``...``, scalars)?"""
        if isinstance(index, gast.Tuple):
            return all(self._selects_once(e) for e in index.elts)
        if isinstance(index, gast.Constant):
            return index.value is None or index.value is Ellipsis or type(index.value) is int
        if isinstance(index, gast.Slice):
            return True
        if isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.USub):
            return self._selects_once(index.operand)
        if isinstance(index, gast.Call) and isinstance(index.func, gast.Name) \
                and index.func.id == "slice":
            return True
        return isinstance(index, gast.Name) and self.shapes.rank(index) == 0

    def rev_setitem(self, s, target):
        """y[i] = v: dv gets dy[i]; dy[i] is then zero (that element was overwritten)."""
        y = target.value.id
        out = []
        d = self.adj(y)
        if self.active(y) and d in self.live:
            out += self.present(y, s.srcline)
            v = s.value
            late = []
            if isinstance(v, gast.Name) and self.active(v.id):
                # an index that may repeat an element (an integer array): only the
                # last write of each element lasts, so only it gets the cotangent
                piece = subscript(load(d), clone(target.slice)) \
                    if self._selects_once(target.slice) else \
                    call(self.ref(runtime.written_piece, "written_piece"), [load(d), clone(target.slice)])
                e = self.shapes.prune(
                    call(self.ref(runtime.unbroadcast, "unbroadcast"), [piece, load(v.id)]))
                if v.id == y:
                    # y[i] = y: take the piece before the slot is zeroed
                    tmp = self.names.fresh(d + "_piece")
                    out.append(assign(tmp, e, s.srcline))
                    late = [(v.id, load(tmp))]
                else:
                    out += self.accumulate(v.id, e, s.srcline)
            out.append(assign(d, call(self.ref(runtime.zero_at, "zero_at"),
                                      [load(d), clone(target.slice)]), s.srcline))
            self.owned.add(d)
            for name, e in late:
                out += self.accumulate(name, e, s.srcline)
        out.append(_Restore(s, y, "item"))
        return out

    # ---- control flow ------------------------------------------------------
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
                    br[0].append(assign(d, const(None), s.srcline))
                    absent.add(d)
                    continue
                br[0].append(self.zero(inv[d], s.srcline))
                br[2] = br[2] | {d}
        self.live = merged
        self.absent = absent
        self.owned = (branches[0][2] & branches[1][2]) - absent
        body, orelse = branches[0][0], branches[1][0]
        if not _has_code(body) and not _has_code(orelse):
            return [_Restore(s, None, "block")]
        node = gast.If(test=clone(s.test), body=body or [gast.Pass()], orelse=orelse)
        node.srcline = s.srcline
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

    def _loop_body(self, s):
        """Reverse a loop body with a live set that is the same at both ends."""
        inv = lambda: {v: k for k, v in self.adj_names.items()}  # noqa: E731
        fresh = self._made_each_iteration(s)
        live_before = set(self.live)
        start = set(self.live)
        owned_start = set(self.owned)
        absent_start = set(self.absent)
        for _ in range(10):
            saved = (set(self.names.taken), dict(self.names.counters), dict(self.adj_names))
            self.live = set(start)
            self.owned = set(owned_start)
            self.absent = set(absent_start)
            self.loop_depth += 1
            self.rev_block(s.body)
            self.loop_depth -= 1
            self._kill_targets(s)
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
            pre.append(self.zero(m[d], s.srcline))
        self.live = set(start)
        self.absent = set(absent_start)
        # (a name first live in the loop is zeroed before it, so owned where the
        # loop starts; on later iterations only where the body leaves it owned:
        # owned_start says both)
        self.owned = (set(owned_start) & set(self.owned)) - absent_start
        owned_entry = set(self.owned)
        self.loop_depth += 1
        body = self.rev_block(s.body)
        self.loop_depth -= 1
        self._kill_targets(s)
        m = inv() if start - self.live or self.loop_depth == 0 else None
        for d in sorted(start - self.live):
            if m[d] in fresh:
                # the previous iteration's value: its shape is not known here
                body.append(assign(d, const(None), s.srcline))
                self.absent.add(d)
                self.owned.discard(d)
            else:
                body.append(self.zero(m[d], s.srcline))
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

    def _made_each_iteration(self, s):
        """Names loop ``s`` binds anew in each iteration before reading them (its
        targets, its iteration locals): where a reverse iteration ends they still
        hold that iteration's value, not the previous one's."""
        names = set()
        if isinstance(s, gast.For):
            names = {n.id for n in walk(s.target) if isinstance(n, gast.Name)}
        for st in s.body:
            if getattr(st, "srcdiff_iterlocal", None) is s \
                    and not getattr(st, "srcdiff_invariant", False):
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

    def rev_for(self, s):
        has_break = any(isinstance(n, gast.Break) for n in _loop_level(s.body))
        pre, body = self._loop_body(s)
        if not _has_code(body):
            return pre + [_Restore(s, None, "block")]
        it = s.iter
        seq = clone(it)
        pops = []
        if has_break:
            count, pops = self._trip_count(s)
            seq = gast.Subscript(value=seq, slice=gast.Slice(lower=None, upper=load(count),
                                                             step=None), ctx=gast.Load())
        s.srcdiff_sequence = True
        node = gast.For(target=clone(s.target), iter=call("reversed", [seq]), body=body,
                        orelse=[], type_comment=None)
        node.srcline = s.srcline
        node.srcdiff_primal_loop = s
        out = pre + pops + [node]
        if self.overwrites_target(s):
            out.append(_Restore(s, None, "target"))
        return out

    def overwrites_target(self, s):
        names = [n.id for n in walk(s.target) if isinstance(n, gast.Name)]
        return any(self.loop_depth > 0 or self.assign_count.get(n, 0) > 1 for n in names)

    def rev_while(self, s):
        pre, body = self._loop_body(s)
        if not _has_code(body):
            return pre + [_Restore(s, None, "block")]
        count, pops = self._trip_count(s)
        node = gast.For(target=store("_"), iter=call("range", [load(count)]), body=body,
                        orelse=[], type_comment=None)
        node.srcline = s.srcline
        node.srcdiff_primal_loop = s
        return pre + pops + [node]

    def _trip_count(self, s):
        """The name counting the iterations of loop ``s`` (a while loop, a for loop
        with a break), and the statements the adjoint needs before the reversed
        loop: inside another loop the count differs between outer iterations, so
        it is pushed after the loop and popped back here."""
        count = self.names.fresh("n_" + _loop_name(s))
        s.srcdiff_count = count
        s.srcdiff_count_stack = None
        if self.loop_depth == 0:
            return count, []
        stack = s.srcdiff_count_stack = self.names.fresh(count + "_stack")
        return count, [assign(count, call(attr(stack, "pop"), []), s.srcline)]

    # ---- saving overwritten values ---------------------------------------
    def finish(self, body, adjoint):
        """Insert pushes/pops where the adjoint sweep reads overwritten values,
        loop counters, and sequence conversions; return the primal statements."""
        self._rematerialize(adjoint, adjoint)
        _reuse_buffers(adjoint, self)
        _merge_replaced_adds(adjoint, self)
        self._shape_stand_ins(adjoint)
        self._scalar_broadcasts(adjoint)
        cotangents = set(self.adj_names.values())
        for st in _walk_adjoint(adjoint):
            for n in walk(st):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) \
                        and n.id in cotangents:
                    n.srcdiff_cotangent = True      # (optimize: exact sign folds)
        needed = set()
        for st in _walk_adjoint(adjoint):
            needed |= names_read(st)
        # putting back an item popped off a list (``L.append(t)`` for ``t =
        # L.pop()``) reads the item's name: kept where the list is
        for r in [x for x in adjoint if isinstance(x, _Restore)] + \
                [x for st in adjoint for x in _restores_in(st)]:
            if r.kind == "pop" and r.target in needed:
                needed.add(r.stmt.targets[0].id)
        self.needed = needed
        written = {t.value.id for st in walk_stmts(body) if isinstance(st, gast.Assign)
                   for t in st.targets if isinstance(t, gast.Subscript)
                   and isinstance(t.value, gast.Name)}
        self.shape_only = (self._shape_only(adjoint) & self.arrays) - written
        self.revisited_lists = _revisited_lists(body)
        needed |= self._restore_index_reads(adjoint, needed)
        # (an array a view the sweep reads looks into becomes needed here: its
        # put-back items, their indices and the restores of the name it is
        # rebound from are then decided with it, below)
        self._restore_view_bases(body, needed, written)
        # (after the views the sweep reads are made copies, saved_copy(w[i]):
        # such a read shares nothing, whatever w's rank)
        written_any = {x.value.id for st in walk_stmts(body) for x in walk(st)
                       if isinstance(x, gast.Subscript) and isinstance(x.ctx, gast.Store)
                       and isinstance(x.value, gast.Name)}
        uses = _statements_naming(body)
        self.own_arrays = {t for t in written if self._own_array(body, t, written_any, uses)}
        # putting back y[i]'s old elements reads i: an index the sweep reads only
        # there must be kept too (conservatively, after every restore)
        extra = self._restore_index_reads(adjoint, needed)
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
        inits += [("stack", st.srcdiff_count_stack) for st in walk_stmts(body)
                  if getattr(st, "srcdiff_count_stack", None)]
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

    def _own_array(self, body, t, written_any, uses):
        """Is the array bound to ``t`` never held by another name: every binding
        of ``t`` makes a new array (not a parameter, a view, a tuple or a swap,
        ``u, v = v, u``), and ``t`` is read only to make new arrays (``t * 2``,
        not ``t[1:]``, ``[t]`` or ``f(t)`` for a call that may return it)? Then
        putting back its old items in the sweep needs no other name to see them.
        ``written_any``: the names of ``body`` written into (``w[i] = e``);
        ``uses``: _statements_naming(body)."""
        from ..frontend.inline import _fresh_definition

        def makes_new(st):
            op = self.classifier.classify(st.value)
            if _fresh_definition(op) and op.kind not in ("pack", "pack_dict"):
                return True
            if isinstance(st.value, gast.Compare):
                return True     # (a comparison makes new booleans)
            # (an element read, ``w_item = w[i]`` of a vector: a number, not a view)
            v = st.value
            return isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) \
                and self.shapes.rank(v.value) == 1 and self.shapes.rank(v.slice) == 0 \
                and (not isinstance(v.slice, gast.Constant) or type(v.slice.value) is int)

        from ..frontend.inline import _memory_sources

        def quiet_view(st, name, seen):
            # ``v = w[:, None]`` (or ``v = w``) never written through, whose values
            # the sweep reads (if at all: a shape only needs none) as they were
            # made: no write into the array runs while v may share it (else
            # _restore_view_bases made v a copy, and v is new) -- so the items
            # put back into the popped copy need not show through it. The
            # same holds of the views made from v.
            n = st.targets[0].id if len(st.targets) == 1 and isinstance(
                st.targets[0], gast.Name) else None
            if n is None or n in self.norm.params or n in written_any:
                return False
            if n in self.needed and n not in self.shape_only and n in self.read_sharers:
                return False
            if not isinstance(st.value, gast.Name):
                op = self.classifier.classify(st.value)
                if op.kind != "call" or name not in _memory_sources(op) - {
                        x for a in op.args[1:] for x in names_read(a)}:
                    return False
            return n in seen or only_new(n, seen | {n}, bound_ok=True)

        def only_new(name, seen, bound_ok=False):
            for st in uses.get(name, ()):
                if isinstance(st, gast.Assign):
                    binds = {n.id for tg in st.targets for n in walk(tg)
                             if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
                    simple = len(st.targets) == 1 and isinstance(st.targets[0], gast.Name)
                    if name in binds and not bound_ok and not (simple and makes_new(st)):
                        return False
                    if name in names_read(st.value) and not makes_new(st) \
                            and not quiet_view(st, name, seen):
                        return False
                    continue
                parts = [st.target, st.iter] if isinstance(st, gast.For) else [st]
                if any(isinstance(n, gast.Name) and n.id == name for p in parts
                       for n in walk(p)):
                    return False
            return True

        if t in self.norm.params:
            return False
        return only_new(t, {t})

    def _restore_view_bases(self, body, needed, written):
        """A view (``t = v[1:-1]``) of an array written in place afterwards shows
        the new elements: where the adjoint reads the view's values, the array it
        looks into must have its old elements put back too (marked needed).
        Decided at each write by a forward may-alias analysis (liveness.py), so
        a view of an older binding of the name does not count."""
        from ..frontend.inline import alias_binds
        from ..analysis.liveness import points_to, sharers
        values = {t for t in needed if t not in self.shape_only}

        writes = subscript_writes(body)
        todo = sorted(y for y in written if writes.get(y))
        self.read_sharers = set()
        if not todo:
            return
        env_before = points_to(body, alias_binds(self.classifier, body, self.norm.params),
                               at={id(st) for y in todo for st in writes[y]})
        # names checked where a write runs not to share the array (inline.py,
        # _check_reads_after_writes): at that write they are not views of it
        checked = self._unshared_at_writes(body)
        # (only for a name the sweep reads as it is there: one the program rebinds
        # is read from its stack too, as it was before, and the check saw only
        # its value at the write: x2 = v1; for W in Ws: x2 = x2 @ W; v1[0] = c
        # pushes v1 itself on x2's stack)
        in_loops = {n.id for lp in walk_stmts(body) if isinstance(lp, (gast.For, gast.While))
                    for n in walk(lp) if isinstance(n, gast.Name)
                    and isinstance(n.ctx, gast.Store)}
        once = {n for n, c in self.assign_count.items() if c <= 1 and n not in in_loops}
        copied = set()
        for y in todo:
            seen = set()
            for st in writes[y]:
                seen |= (sharers(env_before.get(id(st), {}), y) - {y}
                         - (checked.get(id(st), set()) & once)) & values
            if seen:
                needed.add(y)
                copied |= seen
        # (names the sweep reads that may share an array where it is written)
        self.read_sharers = copied
        # the adjoint may read such a view after it has put back an earlier write
        # of the base, so the view's values are kept as they were made: a copy
        # (the alias checks guarantee the primal never reads it after a write).
        # A fresh array (an augmented assignment's new value) is not copied.
        from ..frontend.inline import _fresh_definition
        # (a part of a parameter checked where the program runs never to be written
        # through (runtime.owned_value) keeps its values: a copy would hide the
        # sharing from the check)
        kept = self._owned_value_params(body)
        wrap = [st for st in walk_stmts(body)
                if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name)
                and st.targets[0].id in copied
                and not isinstance(st.value, gast.Name)
                and not _fresh_definition(self.classifier.classify(st.value))
                and _part_of(st.value) not in kept]
        # the names whose values may be such copies, or parts of them: other names
        # for them, views, builtin min()/max() (which return an argument itself)
        copies = {st.targets[0].id for st in wrap}
        while True:
            more = {n for st in walk_stmts(body) if isinstance(st, gast.Assign)
                    and self._made_from(st) & copies for n in names_stored(st.targets[0])}
            if not more - copies:
                break
            copies |= more
        # a check where the program runs (inline.py) that reads one would not see
        # the sharing it looks for
        checks = [st for st in walk_stmts(body) if isinstance(st, gast.Expr)
                  and self.classifier.classify(st.value).func in (runtime.not_shared,
                                                                  runtime.unshared_at_write)
                  and names_read(st.value) & copies]
        if checks:
            self._check_before_copies(body, checks, wrap, copies)
        for st in wrap:
            st.value = call(self.ref(runtime.saved_copy, "saved_copy"), [st.value])

    def _selects(self, value):
        """Is ``value`` a name, or builtin min()/max() (which return one of their
        arguments itself)?"""
        import builtins
        return isinstance(value, gast.Name) or isinstance(value, gast.Call) \
            and self.classifier.classify(value).func in (builtins.min, builtins.max)

    def _made_from(self, st):
        """The names whose memory the value ``st`` binds is (part of), where it
        is another name, a view or builtin min()/max(), or holds (a list, tuple
        or dict literal of names: ``P = [v]`` holds v's array itself)."""
        if isinstance(st.value, gast.Name):
            return {st.value.id}
        if isinstance(st.value, (gast.List, gast.Tuple, gast.Dict)):
            items = st.value.values if isinstance(st.value, gast.Dict) else st.value.elts
            return {e.id for e in items if isinstance(e, gast.Name)}
        op = self.classifier.classify(st.value)
        if op.kind == "list_pop" and op.args and isinstance(op.args[0], gast.Name):
            return {op.args[0].id}      # (an item taken off a list is the one put there)
        if self._selects(st.value):
            return names_read(st.value)
        if self._is_view(st.value):
            return {self.classifier.classify(st.value).args[0].id}
        return set()

    def _is_view(self, value):
        """A subscript or a NumPy view function of a name (``s[0:2]``, ``s.T``)."""
        from ..frontend.inline import _VIEWS
        op = self.classifier.classify(value)
        return op.kind == "call" and bool(op.args) and isinstance(op.args[0], gast.Name) \
            and (op.func is operator.getitem or getattr(op.func, "__name__", "") in _VIEWS)

    def _check_before_copies(self, body, checks, wrap, copies):
        """Checks where the program runs (``not_shared(y, 'y', (('v', v), ...))``
        at ``y += ...``, ``unshared_at_write(y, 'y', (('v', v), ...))`` at ``y[i] =
        ...``; inline.py) that read names whose values the sweep keeps as copies
        (``v = saved_copy(...)``, made above), or views or min()/max() of them,
        would not see the sharing they look for: each such name gets a second
        name holding the value as the program made it (``v_held``), bound
        wherever the name is, and the checks read that. (``u = v[1:]``: ``u_held
        = v_held[1:]``; ``c = min(t, s)``: ``c_held = t_held if c is t else c``.)"""
        def binding(n):
            return [st for st in walk_stmts(body) if isinstance(st, gast.Assign)
                    and names_stored(st.targets[0]) & {n}]

        held, todo = set(), sorted({n for st in checks for n in names_read(st.value) & copies})
        while todo:         # (and the names those are made from)
            n = todo.pop()
            if n not in held:
                held.add(n)
                todo += sorted(set().union(*(self._made_from(st) & copies
                                             for st in binding(n))))
        shadow = {n: self.names.fresh(n + "_held") for n in sorted(held)}
        wrapped = {id(st) for st in wrap}

        def refuse(st):
            c = checks[0].value
            y, v = c.args[1].value, sorted(names_read(c.args[2]) & held)[:1] or ["?"]
            if self.classifier.classify(c).func is runtime.not_shared:
                raise self.loc.error(st, f"'{y}' is changed in place here, but a name that "
                                     "may share its array is used afterwards and written "
                                     "in place later", f"write {y} = {y} <op> ...")
            raise self.loc.error(st, *runtime.read_after_write(v[0], y))

        def selected(t, value):
            out = load(t)       # min(a, b): the argument it returned, as held
            for a in reversed(value.args):
                if isinstance(a, gast.Name) and a.id in shadow:
                    out = gast.IfExp(test=gast.Compare(left=load(t), ops=[gast.Is()],
                                                       comparators=[load(a.id)]),
                                     body=load(shadow[a.id]), orelse=out)
            return out

        def held_binding(st):
            """The statements binding t_held for ``t = value`` (st, changed)."""
            t, line, value = st.targets[0].id, getattr(st, "srcline", None), st.value
            h = shadow[t]
            if isinstance(value, gast.Name):
                return [st, assign(h, load(shadow.get(value.id, t)), line)]
            # (made from no copy: by another operation, a new array or one the
            # checks look at as it is)
            new = not self._made_from(st) & copies
            if id(st) in wrapped:       # t = saved_copy(t_held), made below
                st.value = load(h)
                if new:
                    return [assign(h, value, line), st]
                if self._selects(value):
                    return [assign(h, value, line), assign(h, selected(h, value), line), st]
                return [assign(h, rename(value, shadow), line), st]      # a view
            if new:
                return [st, assign(h, load(t), line)]
            if self._selects(value):
                return [st, assign(h, selected(t, value), line)]
            return [st, assign(h, rename(clone(value), shadow), line)]

        def block(stmts):
            out = []
            for st in stmts:
                for field in ("body", "orelse"):
                    sub = getattr(st, field, None)
                    if isinstance(sub, list) and sub and isinstance(sub[0], gast.stmt):
                        sub[:] = block(sub)
                bound = names_stored(st) & held if isinstance(st, gast.Assign) else set()
                if isinstance(st, gast.For):
                    t = names_stored(st.target) & held
                    st.body[:0] = [assign(shadow[n], load(n), getattr(st, "srcline", None))
                                   for n in sorted(t)]
                elif isinstance(st, (gast.With, gast.AugAssign, gast.AnnAssign)) \
                        and names_stored(st) & held:
                    refuse(st)
                if not bound:
                    out.append(st)
                elif len(st.targets) != 1 or not isinstance(st.targets[0], gast.Name):
                    refuse(st)
                else:
                    out += held_binding(st)
            return out

        body[:] = block(body)
        for st in checks:
            st.value = rename(st.value, shadow)

    def _owned_value_params(self, body):
        """The parameters named in the checks ``runtime.owned_value(t, 't', (('p',
        p), ...), ...)`` (inline.py): no array written in place is part of one."""
        out = set()
        for st in walk_stmts(body):
            if isinstance(st, gast.Expr) and isinstance(st.value, gast.Call) \
                    and len(st.value.args) > 2 \
                    and self.classifier.classify(st.value).func is runtime.owned_value:
                out |= {e.elts[1].id for e in getattr(st.value.args[2], "elts", ())
                        if isinstance(e, gast.Tuple) and isinstance(e.elts[1], gast.Name)
                        and e.elts[1].id in self.norm.params}
        return out

    def _unshared_at_writes(self, body):
        """{id(write y[i] = v): the names checked just before it not to share y}."""
        out = {}

        def block(stmts):
            for prev, st in zip([None] + stmts, stmts):
                for field in ("body", "orelse"):
                    sub = getattr(st, field, None)
                    if isinstance(sub, list) and isinstance(st, (gast.If, gast.For, gast.While)):
                        block(sub)
                if isinstance(prev, gast.Expr) and isinstance(st, gast.Assign) \
                        and self.classifier.classify(prev.value).func is runtime.unshared_at_write:
                    # (in generated code differentiated again the pairs may have been
                    # given names: none counts as checked then, which saves more)
                    pairs = prev.value.args[2]
                    out[id(st)] = {e.elts[1].id for e in getattr(pairs, "elts", ())
                                   if isinstance(e, gast.Tuple)
                                   and isinstance(e.elts[1], gast.Name)}
        block(body)
        return out

    # ---- recomputing cheap scalar temporaries --------------------------------
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
            if isinstance(st, _Restore):
                continue
            for field in ("body", "orelse"):
                sub = getattr(st, field, None)
                if isinstance(sub, list) and isinstance(st, (gast.For, gast.While, gast.If)):
                    self._rematerialize(sub, whole)
            loop = getattr(st, "srcdiff_primal_loop", None)
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
            total = _load_counts(whole)
            self._remat_total, self._remat_whole = total, whole

        def block_reads():
            return [{} if isinstance(x, _Restore) else _load_counts([x]) for x in block]

        reads = None
        for r in [x for x in block if isinstance(x, _Restore) and x.kind == "iterlocal"]:
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
                elif getattr(defs.get(a.id), "srcdiff_invariant", False):
                    ok = stores[a.id] == 1 and self._all_stores().get(a.id) == 1
                elif stores[a.id] == 1 and a.id in defs and pos[id(defs[a.id])] > pos[id(s)]:
                    q = defs[a.id]
                    ok = any(isinstance(x, _Restore) and x.kind == "name" and x.stmt is q
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
                if isinstance(x, _Restore):
                    continue
                for n in walk(x):
                    if isinstance(n, gast.Name) and n.id == t and isinstance(n.ctx, gast.Load):
                        n.id = new
            node = assign(new, clone(v), getattr(s, "srcline", None))
            block.insert(first, node)
            block.remove(r)
            total[new] = total.pop(t, 0)
            for a in operands:
                if isinstance(a, gast.Name):
                    total[a.id] = total.get(a.id, 0) + 1
            reads = None

    def _scalar_broadcasts(self, adjoint):
        """``D = expand_reduced(G, X, None, False)`` (a full reduction's scalar
        cotangent spread over X's shape) read in ``D * Y`` with Y of X's shape
        class: ``G * Y`` gives the same array without the broadcast view (a
        scalar operand is several times faster than a zero-stride one)."""
        assigned = {}
        for st in _walk_adjoint(adjoint):
            for n in walk(st):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                    assigned[n.id] = assigned.get(n.id, 0) + 1
                elif isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name):
                    assigned[n.target.id] = assigned.get(n.target.id, 0) + 2
        self._broadcasts_block(adjoint, assigned)
        if not self._swapped:
            return
        # the broadcasts nothing reads any more
        reads = {}
        for st in _walk_adjoint(adjoint):
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
            if isinstance(st, _Restore):
                for dname in [k for k, (g, _) in defs.items() if g == st.target]:
                    del defs[dname]
                continue
            for field in ("body", "orelse"):
                sub = getattr(st, field, None)
                if isinstance(sub, list) and isinstance(st, (gast.For, gast.While, gast.If)):
                    self._broadcasts_block(sub, assigned)
            if defs and not isinstance(st, (gast.For, gast.While, gast.If)):
                self._swap_broadcasts(st, defs)
                stored = {n.id for n in walk(st) if isinstance(n, gast.Name)
                          and isinstance(n.ctx, gast.Store)}
                for dname in [k for k, (g, _) in defs.items() if g in stored]:
                    del defs[dname]     # G changed: D is no longer a broadcast of it
            if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
                v = st.value
                d = st.targets[0].id
                if _full_broadcast(sc, v) \
                        and isinstance(v.args[0], gast.Name) and isinstance(v.args[1], gast.Name) \
                        and assigned.get(d) == 1 and assigned.get(v.args[0].id, 0) == 1:
                    cls = sc.classes.get(v.args[1].id)
                    if cls:
                        defs[d] = (v.args[0].id, cls)
                        continue
            if isinstance(st, (gast.For, gast.While, gast.If)):
                defs.clear()    # (a block in between: keep it simple)

    def _swap_broadcasts(self, st, defs):
        sc = self.shapes
        swapped = self._swapped

        def cls_of(e):
            return sc.expr_class(e)

        def strip(e):
            """(scalar expression, class) where e is a broadcast scalar (times
            scalars), else None."""
            if isinstance(e, gast.Name) and e.id in defs:
                g, cls = defs[e.id]
                return load(g), cls
            if _full_broadcast(sc, e) and isinstance(e.args[1], gast.Name):
                cls = sc.classes.get(e.args[1].id)
                if cls:
                    return e.args[0], cls
            if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Mult, gast.Div)):
                inner = strip(e.left)
                if inner is not None and cls_of(e.right) == frozenset():
                    return gast.BinOp(left=inner[0], op=e.op, right=e.right), inner[1]
                if isinstance(e.op, gast.Mult):
                    inner = strip(e.right)
                    if inner is not None and cls_of(e.left) == frozenset():
                        return gast.BinOp(left=e.left, op=e.op, right=inner[0]), inner[1]
            return None

        class Swap(gast.NodeTransformer):
            def visit_BinOp(self, node):
                self.generic_visit(node)
                if not isinstance(node.op, (gast.Add, gast.Sub, gast.Mult, gast.Div)):
                    return node
                for side, other in (("left", "right"), ("right", "left")):
                    e = getattr(node, side)
                    got = strip(e)
                    if got is not None and cls_of(getattr(node, other)) == got[1]:
                        swapped.update(n.id for n in walk(e) if isinstance(n, gast.Name)
                                       and n.id in defs)
                        setattr(node, side, got[0])
                        break
                return node

        Swap().visit(st)

    @staticmethod
    def _restore_index_reads(adjoint, needed):
        """Names read only by the index of a put-back ``y[i] = old`` (y needed)."""
        items = []

        def collect(stmts):
            for x in stmts:
                if isinstance(x, _Restore):
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
            if isinstance(st, _Restore):
                out[id(st)] = set(later)
                later |= self._put_back_into(st)
                continue
            for n in _walk_adjoint([st]):
                later |= names_read(n)
            later |= names_read(st) if not isinstance(st, (gast.For, gast.While, gast.If)) \
                else set()
            inner = list(_restores_in(st))
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
            written = {t.value.id for t in walk(st) if isinstance(t, gast.Subscript)
                       and isinstance(t.ctx, gast.Store) and isinstance(t.value, gast.Name)}
            rebound = {n.id for n in walk(st) if isinstance(n, gast.Name)
                       and isinstance(n.ctx, gast.Store)}
            return (written - rebound - _resized_lists(st)) & self.needed
        return set()

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
        for st in _walk_adjoint(adjoint):
            Swap().visit(st)

    def _shape_only(self, adjoint):
        """Primal names the adjoint sweep reads only for their shape."""
        from ..frontend.inline import shape_only_reads
        return shape_only_reads(_walk_adjoint(adjoint), self.shapes._callee)

    def _save(self, name):
        """The expression pushed to save ``name`` (only its shape where that suffices)."""
        if name in self.shape_only:
            return call(self.ref(runtime.shape_of, "shape_of"), [load(name)])
        if name in self.revisited_lists:
            # (the list with its items as they are now: later code may get the
            # list back out of a container and grow or shrink it, which a push
            # of the object alone sees; a copy would not be the list that other
            # names and containers hold, P = {'a': L})
            return call(self.ref(runtime.kept, "kept"), [load(name)])
        return load(name)

    def _popped(self, name, stack):
        """The expression that pops ``name``'s saved value off ``stack``."""
        popped = call(attr(stack, "pop"))
        if name in self.revisited_lists and name not in self.shape_only:
            return call(self.ref(runtime.refilled, "refilled"), [popped])
        return popped

    def stack(self, name, inits):
        st = self.stacks.get(name)
        if st is None:
            st = self.stacks[name] = self.names.fresh(name + "_stack")
            inits.append(("stack", st))
        return st

    def _place_restores(self, stmts, needed, pushes, inits):
        out = []
        for st in stmts:
            if isinstance(st, _Restore):
                if st.kind == "iterlocal":
                    if st.target in needed:
                        stack = self.stack(st.target, inits)
                        push = gast.Expr(value=call(attr(stack, "append"),
                                                    [self._save(st.target)]))
                        where = getattr(st.stmt, "srcdiff_push_after", st.stmt)
                        self.pushes_after.setdefault(id(where), []).append(push)
                        pops = self.iter_pops.setdefault(id(st.stmt.srcdiff_iterlocal), [])
                        pops.append(assign(st.target, self._popped(st.target, stack)))
                    continue
                out += self._restore(st, needed, pushes, inits)
                continue
            primal_loop = getattr(st, "srcdiff_primal_loop", None)
            for field in ("body", "orelse"):
                sub = getattr(st, field, None)
                if isinstance(sub, list) and sub:
                    setattr(st, field, self._place_restores(sub, needed, pushes, inits)
                            or [gast.Pass()])
            if isinstance(st, gast.If) and all(isinstance(x, gast.Pass) for x in st.body) \
                    and all(isinstance(x, gast.Pass) for x in st.orelse):
                continue
            if primal_loop is not None:
                pops = self.iter_pops.pop(id(primal_loop), [])
                if pops:
                    st.body = list(reversed(pops)) + [x for x in st.body
                                                      if not isinstance(x, gast.Pass)]
            out.append(st)
        return out

    def _restore(self, r, needed, pushes, inits):
        s = r.stmt
        if r.kind == "name":
            if r.target not in self._restore_reads.get(id(r), needed):
                return []
            st = self.stack(r.target, inits)
            if r.target not in self.norm.params:
                self._undefined.add(r.target)
            saved = self._save(r.target)
            if isinstance(saved, gast.Name) and self._writes_into(s, r.target):
                # ``d = add_at(d, i, g)`` rebinds d to its own array changed in
                # place: the stack keeps a copy of the old value (the array itself
                # would be changed under it)
                saved = call(self.ref(runtime.saved_copy, "saved_copy"), [saved])
            popped = self._popped(r.target, st)
            if r.target in self.own_arrays and isinstance(saved, gast.Name):
                # the sweep puts back the array's old items in place, into what it
                # pops: a copy pushed and a copy popped, so that no array is both on
                # the stack and written in place, and differentiating this code
                # again follows it (no other name holds the array: _own_array)
                copy = self.ref(runtime.saved_copy, "saved_copy")
                saved, popped = call(copy, [saved]), call(clone(copy), [popped])
            push = gast.Expr(value=call(attr(st, "append"), [saved]))
            pushes.setdefault(id(s), []).append(push)
            return [assign(r.target, popped)]
        if r.kind == "contents":
            x = r.target
            if x not in self._restore_reads.get(id(r), needed):
                return []
            st = self.stack(x + "_contents", inits)
            push = gast.Expr(value=call(attr(st, "append"), [
                call(self.ref(runtime.saved_copy, "saved_copy"), [load(x)])]))
            pushes.setdefault(id(s), []).append(push)
            return [assign(x, call(self.ref(runtime.restore_contents, "restore_contents"),
                                   [load(x), call(attr(st, "pop"))]))]
        if r.kind == "item":
            y = r.target
            if y not in needed:
                return []
            st = self.stack(y + "_items", inits)
            if y in self.arrays:
                saved = call(self.ref(runtime.saved_copy, "saved_copy"),
                             [subscript(load(y), clone(s.targets[0].slice))])
            else:     # (a dict may not have the key yet)
                saved = call(self.ref(runtime.saved_item, "saved_item"),
                             [load(y), clone(s.targets[0].slice)])
            push = gast.Expr(value=call(attr(st, "append"), [saved]))
            pushes.setdefault(id(s), []).append(push)
            tgt = gast.Subscript(value=load(y), slice=clone(s.targets[0].slice), ctx=gast.Store())
            node = gast.Assign(targets=[tgt], value=call(attr(st, "pop")), type_comment=None)
            node.srcline = None
            return [node]
        if r.kind in ("append", "extend", "pop"):
            lst = r.target
            if lst not in needed:
                return []
            node = s.value if r.kind != "pop" else None
            if r.kind == "append":
                return [gast.Expr(value=call(attr(lst, "pop")))]
            if r.kind == "extend":
                return [gast.Expr(value=call(self.ref(runtime.pop_tail, "pop_tail"),
                                             [load(lst), call("len", [clone(node.args[0])])]))]
            return [gast.Expr(value=call(attr(lst, "append"), [load(s.targets[0].id)]))]
        if r.kind in ("target", "block"):
            if r.kind == "target":
                names = [n.id for n in walk(s.target) if isinstance(n, gast.Name)]
            else:
                names = sorted({n.id for n in walk(s) if isinstance(n, gast.Name)
                                and isinstance(n.ctx, gast.Store)})
                names += sorted({t.value.id for t in walk(s) if isinstance(t, gast.Subscript)
                                 and isinstance(t.ctx, gast.Store)
                                 and isinstance(t.value, gast.Name)} - set(names))
            written_in = {t.value.id for t in walk(s) if isinstance(t, gast.Subscript)
                          and isinstance(t.ctx, gast.Store) and isinstance(t.value, gast.Name)}
            rebound = {n.id for n in walk(s) if isinstance(n, gast.Name)
                       and isinstance(n.ctx, gast.Store)}
            # lists the block grows or shrinks (.append/.extend/.pop()): the
            # restores of those calls are not placed either, so the block's
            # stands for them and puts back the items the list held before it
            resized = _resized_lists(s) if r.kind == "block" else set()
            names += sorted(resized - set(names))
            out = []
            for n in names:
                if n in needed:
                    refill = n in written_in and n not in rebound and n not in resized
                    # contents refilled in place go on a stack of their own (as items
                    # do): an iteration-local n pops its own stack when the reverse
                    # iteration starts, before this refill pops, so sharing one
                    # stack would hand each pop the other's value
                    st = self.stack(n + "_contents" if refill else n, inits)
                    self._undefined.add(n)
                    self._undefined_always.add(n)
                    if n in resized:
                        # its items (they stay unchanged)
                        saved = call(self.ref(runtime.saved_items, "saved_items"), [load(n)])
                    elif n in written_in:
                        # contents the block changes (of a list: its items, as later
                        # code may resize the list itself, a derivative's own
                        # backward popping what it appended)
                        helper = runtime.saved_copy if n in self.arrays \
                            else runtime.saved_contents
                        saved = call(self.ref(helper, helper.__name__), [load(n)])
                    else:
                        saved = self._save(n)
                    push = gast.Expr(value=call(attr(st, "append"), [saved]))
                    pushes.setdefault(id(s), []).append(push)
                    if refill:
                        # the same array gets its old contents back (views of it stay valid)
                        out.append(assign(n, call(self.ref(runtime.restore_contents,
                                                           "restore_contents"),
                                                  [load(n), call(attr(st, "pop"))])))
                    elif n in resized or n in written_in:
                        out.append(assign(n, call(attr(st, "pop"))))
                    else:
                        out.append(assign(n, self._popped(n, st)))
            return out
        return []

    def _rebuild(self, stmts, pushes):
        out = []
        for st in stmts:
            out += pushes.get(id(st), [])
            after = self.pushes_after.get(id(st), [])
            if isinstance(st, gast.For) and getattr(st, "srcdiff_sequence", False):
                if not _is_range_call_name(st.iter, stmts):
                    it = st.iter.id if isinstance(st.iter, gast.Name) else None
                    producer = _defining(stmts, it)
                    if producer is not None and producer in out:
                        # convert where it is made (before anything saves it)
                        producer.value = call(self.ref(runtime.as_sequence, "as_sequence"),
                                              [producer.value])
                    elif it is not None and it in self.local_names:
                        out.append(assign(it, call(self.ref(runtime.as_sequence, "as_sequence"),
                                                   [load(it)]), st.srcline))
                    elif it is not None:
                        # (a global or closure variable: converted into a local name)
                        seq = self.names.fresh(it + "_seq")
                        out.append(assign(seq, call(self.ref(runtime.as_sequence, "as_sequence"),
                                                    [load(it)]), st.srcline))
                        st.iter = load(seq)
            count = getattr(st, "srcdiff_count", None)
            if count:
                out.append(assign(count, const(0), st.srcline))
                inc = assign(count, gast.BinOp(left=load(count), op=gast.Add(),
                                               right=const(1)), st.srcline)
                st.body = [inc] + st.body
                stack = getattr(st, "srcdiff_count_stack", None)
                if stack:
                    after = [gast.Expr(value=call(attr(stack, "append"), [load(count)]))] + after
            for field in ("body", "orelse"):
                sub = getattr(st, field, None)
                if isinstance(sub, list) and not isinstance(st, gast.FunctionDef):
                    setattr(st, field, self._rebuild(sub, pushes))
            out.append(st)
            out += after
        return out



def _may_be_none(expr):
    """Is ``expr`` a conditional expression with a ``None`` branch?"""
    while isinstance(expr, gast.IfExp):
        if any(isinstance(b, gast.Constant) and b.value is None for b in (expr.body, expr.orelse)):
            return True
        expr = expr.orelse if isinstance(expr.orelse, gast.IfExp) else expr.body
    return False
def _defining(stmts, name):
    """The last statement of this block that assigns ``name``."""
    found = None
    for st in stmts:
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                and st.targets[0].id == name:
            found = st
    return found


def _is_range_call_name(it, stmts):
    if not isinstance(it, gast.Name):
        return False
    for st in stmts:
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                and st.targets[0].id == it.id:
            v = st.value
            return isinstance(v, gast.Call) and isinstance(v.func, gast.Name) \
                and v.func.id == "range"
    return False


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


def _statements_naming(body):
    """{name: the statements of ``body`` (not an ``if`` or ``while``, whose tests
    only read) in which the name appears}, in program order."""
    out = {}
    for st in walk_stmts(body):
        if isinstance(st, (gast.If, gast.While)):
            continue
        parts = [st.target, st.iter] if isinstance(st, gast.For) else [st]
        names = {n.id for p in parts for n in walk(p) if isinstance(n, gast.Name)}
        for n in names:
            out.setdefault(n, []).append(st)
    return out


def _revisited_lists(body):
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


def _resized_lists(s):
    """Names of the lists that ``.append(v)``, ``.extend(vs)`` or ``.pop()`` calls
    in ``s`` change (the calls whose restores put the list back, see _restore)."""
    return {got[0] for got in map(resizing_call, walk(s)) if got}


def _has_code(stmts):
    return any(not isinstance(s, _Restore) for s in stmts)


def _reuse_buffers(stmts, rt):
    """``D = scatter_add(G, ref, idx)``, later ``D = add_at(D, ...)``s, then
    ``D += E`` where E is a buffer the adjoint sweep owns (a ``zero_at`` copy)
    of D's shape, read nowhere else: start D from E instead,
    ``D = add_at_owned(E, idx, G)`` -- no zero array, no final full-size add,
    and ``ref`` (often an overwritten value) is no longer read."""
    from ..rules.indexing import scatter_add
    reads = {}
    fresh, other = set(), set()
    for st in _walk_adjoint(stmts):
        for n in walk(st):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                reads[n.id] = reads.get(n.id, 0) + 1
            elif isinstance(n, gast.Assign):
                for t in n.targets:
                    if isinstance(t, gast.Name) and rt._fresh(n.value):
                        fresh.add(t.id)
                    else:
                        other |= {x.id for x in walk(t) if isinstance(x, gast.Name)}
            elif isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load):
                if not isinstance(n.ctx, gast.Store):
                    other.add(n.id)
    # accumulators: bound only to new arrays, updated only in place, read only
    # when returned -- no other name ever shares their buffers
    rt.private_sums = {n for n in fresh - other if not reads.get(n)}
    _reuse_block(stmts, rt, scatter_add, reads)


_MUTATING = {runtime.add_at, runtime.add_at_owned, runtime.zero_at, runtime.pop_tail}


def _array_valued(e, callee):
    """Does a rule's cotangent expression certainly make an array (arithmetic,
    a reduction undone)?"""
    if isinstance(e, (gast.BinOp, gast.UnaryOp)):
        return True
    return isinstance(e, gast.Call) and callee(e.func) in (runtime.expand_reduced, np.where)


def _callee_is(rt, node, fn):
    return isinstance(node, gast.Call) and rt.shapes._callee(node.func) is fn


def _reuse_block(stmts, rt, scatter_add, reads):
    for st in stmts:
        for field in ("body", "orelse"):
            sub = getattr(st, field, None)
            if isinstance(sub, list) and isinstance(st, (gast.For, gast.While, gast.If)):
                _reuse_block(sub, rt, scatter_add, reads)
    fresh = {}      # E -> index of its zero_at definition in this block
    for i, st in enumerate(stmts):
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
            name = st.targets[0].id
            if _callee_is(rt, st.value, runtime.zero_at):
                fresh[name] = i
            else:
                fresh.pop(name, None)
                if _callee_is(rt, st.value, scatter_add) and len(st.value.args) == 3 \
                        and not st.value.keywords and isinstance(st.value.args[1], gast.Name):
                    _try_reuse(stmts, i, name, fresh, rt, reads)
        elif not isinstance(st, (gast.AugAssign, gast.Expr, _Restore)):
            fresh.clear()


def _try_reuse(stmts, i, d, fresh, rt, reads):
    call_ = stmts[i].value
    g, ref, idx = call_.args
    for j in range(i + 1, len(stmts)):
        st = stmts[j]
        if isinstance(st, _Restore):
            if st.target == d:
                return
            continue
        if isinstance(st, gast.AugAssign) and isinstance(st.target, gast.Name) \
                and st.target.id == d:
            if isinstance(st.op, gast.Add) and isinstance(st.value, gast.Name) \
                    and st.value.id in fresh and st.value.id != d:
                break
            if d in names_read(st.value):
                return
            continue
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                and st.targets[0].id == d and _callee_is(rt, st.value, runtime.add_at) \
                and isinstance(st.value.args[0], gast.Name) and st.value.args[0].id == d \
                and not any(d in names_read(a) for a in st.value.args[1:]):
            continue
        if not isinstance(st, (gast.Assign, gast.AugAssign)) or d in names_read(st) \
                or d in {n.id for n in walk(st) if isinstance(n, gast.Name)}:
            return
    else:
        return
    e = stmts[j].value.id
    # E: defined before the scatter, read only by the final add, same shape as ref;
    # the block assigns E before it reads it (no value carried between iterations)
    if fresh[e] > i:
        return
    before, first = 0, None
    for st in stmts[:fresh[e] + 1]:
        if isinstance(st, _Restore):
            continue
        r = e in names_read(st)
        w = isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
            and st.targets[0].id == e
        if first is None and (r or w):
            first = "read" if r else "write"
        before += sum(1 for n in walk(st) if isinstance(n, gast.Name) and n.id == e
                      and isinstance(n.ctx, gast.Load))
    if first != "write" or reads.get(e, 0) - before != 1:
        return
    for st in stmts[fresh[e] + 1:j]:
        if isinstance(st, _Restore):
            continue
        if e in {n.id for n in walk(st) if isinstance(n, gast.Name)}:
            return
    sc = rt.shapes
    prim = sc.adjoint_of.get(e)
    ce, cr = sc.classes.get(prim), sc.classes.get(ref.id)
    se, sr = sc.sym.get(prim), sc.sym.get(ref.id)
    if not ((ce is not None and ce == cr and ce != frozenset())
            or (se is not None and se == sr and se != ())):
        return
    stmts[i].value = call(rt.ref(runtime.add_at_owned, "add_at_owned"),
                          [load(e), clone(idx), g])
    del stmts[j]
    # E = zero_at(E0, idx) ... D = add_at_owned(E, idx, G): one copy with G written in
    k = fresh[e]
    zero = stmts[k].value
    if not (isinstance(zero.args[0], gast.Name) and zero.args[0].id == e
            and gast.dump(zero.args[1]) == gast.dump(idx)):
        return
    for st in stmts[k + 1:i]:
        if isinstance(st, _Restore):
            if st.kind not in ("name", "iterlocal") and not (
                    st.kind == "item" and reads.get(st.target, 0) == 0):
                return      # (an item restore nothing reads is dropped)
            continue
        if isinstance(st, gast.AugAssign) and isinstance(st.target, gast.Name):
            # in place into a scalar or private accumulator: not E0's buffer
            sc = rt.shapes
            if (sc.classes.get(sc.adjoint_of.get(st.target.id)) != frozenset()
                    and st.target.id not in rt.private_sums) \
                    or sc.classes.get(sc.adjoint_of.get(e)) in (None, frozenset()):
                return
        elif not (isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name)):
            return
        if any(isinstance(n, gast.Call) and rt.shapes._callee(n.func) in _MUTATING
               for n in walk(st)) or e in names_read(st.value):
            return
    stmts[i].value = call(rt.ref(runtime.replace_at, "replace_at"), [load(e), clone(idx), g])
    del stmts[k]


def _merge_replaced_adds(stmts, rt):
    """``D = replace_at(E, idx, V)``, then only ``D = add_at(D, ...)``s, one of
    them ``D = add_at(D, idx, G)``: that one goes into the first,
    ``D = replace_at(E, idx, G + V)`` (sums commute; G reads nothing the adds
    in between change, as they change only D's new buffer, nor a value
    restored in between)."""
    for st in stmts:
        for field in ("body", "orelse"):
            sub = getattr(st, field, None)
            if isinstance(sub, list) and isinstance(st, (gast.For, gast.While, gast.If)):
                _merge_replaced_adds(sub, rt)
    i = 0
    while i < len(stmts):
        st = stmts[i]
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                and _callee_is(rt, st.value, runtime.replace_at) and len(st.value.args) == 3:
            d = st.targets[0].id
            idx = gast.dump(st.value.args[1])
            restored = set()
            for j in range(i + 1, len(stmts)):
                u = stmts[j]
                if isinstance(u, _Restore):
                    if u.kind not in ("name", "iterlocal"):
                        break
                    restored.add(u.target)
                    continue
                bound = _binds_only(u, d, rt)
                if bound is not None:
                    restored |= bound
                    continue
                if not (isinstance(u, gast.Assign) and isinstance(u.targets[0], gast.Name)
                        and u.targets[0].id == d and _callee_is(rt, u.value, runtime.add_at)
                        and len(u.value.args) == 3 and isinstance(u.value.args[0], gast.Name)
                        and u.value.args[0].id == d
                        and not any(d in names_read(a) for a in u.value.args[1:])):
                    break
                if gast.dump(u.value.args[1]) == idx:
                    if names_read(u.value.args[2]) & restored:
                        break       # G reads a value bound or restored in between
                    v = st.value.args[2]
                    st.value.args[2] = gast.BinOp(left=u.value.args[2], op=gast.Add(), right=v)
                    del stmts[j]
                    break
        i += 1


def _binds_only(st, d, rt):
    """The names ``st`` binds, if that is all it does: an assignment to a name
    (or an in-place sum into a private accumulator) that neither reads D nor
    calls a helper that changes an array in place; else None."""
    if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
        t = st.targets[0].id
    elif isinstance(st, gast.AugAssign) and isinstance(st.target, gast.Name) \
            and st.target.id in getattr(rt, "private_sums", ()):
        t = st.target.id
    else:
        return None
    if t == d or d in names_read(st.value) or any(
            isinstance(n, gast.Call) and rt.shapes._callee(n.func) in _MUTATING
            for n in walk(st.value)):
        return None
    return {t}


def _full_broadcast(sc, v):
    """Is v ``expand_reduced(g, x, None, False)`` (a full reduction's cotangent
    spread over x's shape)?"""
    return isinstance(v, gast.Call) and sc._callee(v.func) is runtime.expand_reduced \
        and len(v.args) == 4 and not v.keywords \
        and isinstance(v.args[2], gast.Constant) and v.args[2].value is None \
        and isinstance(v.args[3], gast.Constant) and v.args[3].value is False


def _part_of(v):
    """The name whose part ``v`` reads (``p.a``, ``p[k]``, ``p.a[k]``), or None."""
    while isinstance(v, (gast.Attribute, gast.Subscript)):
        v = v.value
    return v.id if isinstance(v, gast.Name) else None


def pushed_then_written(body, writes_into):
    """(push, statement, name) for each push of a bare name onto a stack
    (``S.append(v)``) after which ``statement`` may change ``v``'s array in
    place while the name still holds it: later in the push's block (up to a
    statement that binds the name anew), or, in a loop's body, from the body's
    start to the push. ``writes_into(stmt, name)``: may stmt change name's
    value in place?"""
    def rebinds(st, v):
        return isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
            and st.targets[0].id == v and not writes_into(st, v)

    def window(stmts, start, v):
        for st in stmts[start:]:
            if rebinds(st, v):
                return None, True
            if writes_into(st, v):
                return st, True
        return None, False

    # (the names any statement could change in place at all -- an item store's
    # array, a method's object, a call's argument -- found in one walk: a push
    # of another name needs no window)
    touched = set()
    for n in walk(gast.Module(body=body, type_ignores=[])):
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store) \
                and isinstance(n.value, gast.Name):
            touched.add(n.value.id)
        elif isinstance(n, gast.Call):
            if isinstance(n.func, gast.Attribute) and isinstance(n.func.value, gast.Name):
                touched.add(n.func.value.id)
            touched |= {a.id for a in n.args if isinstance(a, gast.Name)}

    def block(stmts, loop):
        for i, st in enumerate(stmts):
            if isinstance(st, gast.Expr) and isinstance(st.value, gast.Call) \
                    and isinstance(st.value.func, gast.Attribute) \
                    and st.value.func.attr == "append" \
                    and isinstance(st.value.func.value, gast.Name) \
                    and len(st.value.args) == 1 and isinstance(st.value.args[0], gast.Name) \
                    and st.value.args[0].id in touched:
                v = st.value.args[0].id
                bad, ended = window(stmts, i + 1, v)
                if bad is None and not ended and loop:
                    bad, _ = window(stmts[:i], 0, v)
                if bad is not None:
                    yield st, bad, v
            for field in ("body", "orelse"):
                sub = getattr(st, field, None)
                if isinstance(sub, list) and sub and not isinstance(st, gast.FunctionDef):
                    yield from block(sub, isinstance(st, (gast.For, gast.While))
                                     and field == "body")
    return list(block(body, False))


def _restores_in(st):
    for field in ("body", "orelse"):
        for x in getattr(st, field, None) or []:
            if isinstance(x, _Restore):
                yield x
            else:
                yield from _restores_in(x)


def _load_counts(stmts):
    """How many times the adjoint statements ``stmts`` read each name."""
    counts = {}
    for x in _walk_adjoint(stmts):
        for n in walk(x):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                counts[n.id] = counts.get(n.id, 0) + 1
    return counts


def _walk_adjoint(stmts):
    for s in stmts:
        if isinstance(s, _Restore):
            continue
        if isinstance(s, (gast.If, gast.For, gast.While)):
            yield s.test if isinstance(s, (gast.If, gast.While)) else s.iter
            yield from _walk_adjoint(s.body)
            yield from _walk_adjoint(s.orelse)
        else:
            yield s


# ---- shift invariance -------------------------------------------------------

_EXTREMA = {np.max, np.amax, np.min, np.amin}
_ADD = {operator.add, np.add}
_SUB = {operator.sub, np.subtract}
_MUL = {operator.mul, np.multiply}
_DIV = {operator.truediv, np.divide}
_NEG = {operator.neg, np.negative}
_SUMS = {np.sum}


def shift_invariant(norm, classifier, shapes):
    """Names ``m = np.max(x, axis=a, keepdims=True)`` (or a full max/min) whose
    cotangent is exactly zero: every use of ``m`` reaches the output only through
    combinations that do not change when ``m`` is shifted by any ``d`` (one
    value per slice along ``a``), as in a logsumexp or a softmax:
    ``x - m`` (shifted by -d), ``exp`` of that (scaled by exp(-d)), sums of it
    along ``a`` with keepdims (scaled), ``log`` (shifted), a ratio of two equally
    scaled values or a difference of two equally shifted ones (unchanged).
    The output is then F(x, m) with dF/dm = 0 identically, so m's adjoint (and
    the extremum weights it would need) is skipped. Only straight-line code at
    the top level of the function is analysed; anything else keeps m active."""
    body = norm.node.body
    stores = {}
    for n in walk(norm.node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
            stores[n.id] = stores.get(n.id, 0) + 1
    for p in norm.params:
        stores[p] = stores.get(p, 0) + 1
    out = norm.output
    out_names = names_read(out) if out is not None else set()
    found = set()
    for i, s in enumerate(body):
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)):
            continue
        m = s.targets[0].id
        op = classifier.classify(s.value)
        if op.kind != "call" or op.func not in _EXTREMA or len(op.args) != 1 \
                or stores.get(m) != 1 or set(op.keywords) - {"axis", "keepdims"}:
            continue
        axis = op.keywords.get("axis")
        keep = op.keywords.get("keepdims")
        if axis is None or (isinstance(axis, gast.Constant) and axis.value is None):
            axis = None
        elif isinstance(axis, gast.Constant) and type(axis.value) is int:
            if not (isinstance(keep, gast.Constant) and keep.value is True):
                continue
            axis = axis.value
        else:
            continue
        if _invariant_after(m, axis, body[i + 1:], classifier, shapes, stores, out_names):
            found.add(m)
    return found


def _rank(shapes, name):
    r = sym_rank(shapes.sym.get(name))
    return r if r is not None else shapes.ndims.get(name)


def _invariant_after(m, axis, rest, classifier, shapes, stores, out_names):
    if axis is not None:
        r = _rank(shapes, m)
        if r is None or r == 0:
            return False
        axis = axis % r
    forms = {m: ("lin", 1)}      # name -> ("lin", a): v + a*d  |  ("exp", b): v * exp(b*d)
    for s in rest:
        reads = names_read(s)
        if not reads & set(forms):
            continue
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)):
            return False
        t = s.targets[0].id
        if stores.get(t) != 1:
            return False
        form = _transfer(classifier.classify(s.value), forms, axis, shapes)
        if form is None:
            return False
        if form != ("lin", 0) and axis is not None and _rank(shapes, t) != _rank(shapes, m):
            return False
        forms[t] = form
    return all(forms.get(n, ("lin", 0)) == ("lin", 0) for n in out_names)


def _transfer(op, forms, axis, shapes):
    """The form of an operation's result, or None where it cannot be told."""
    inv = ("lin", 0)
    if op.kind == "copy":
        return forms.get(op.node.id, inv)
    args = []
    for a in op.operands:
        if isinstance(a, gast.Constant):
            args.append(inv)
        elif isinstance(a, gast.Name):
            args.append(forms.get(a.id, inv))
        else:
            if names_read(a) & set(forms):
                return None
            args.append(inv)
    if all(a == inv for a in args):
        return inv          # whatever the operation: its operands do not change
    if op.kind != "call" or op.keywords and op.func not in _SUMS:
        return None
    f = op.func
    if len(args) == 2 and not op.keywords:
        (ka, va), (kb, vb) = args
        if f in _ADD or f in _SUB:
            sign = 1 if f in _ADD else -1
            if ka == "lin" and kb == "lin":
                return ("lin", va + sign * vb)
            return None
        if f in _MUL or f in _DIV:
            sign = 1 if f in _MUL else -1
            if args[0] == inv:
                ka, va = "exp", 0
            if args[1] == inv:
                kb, vb = "exp", 0
            if ka == "exp" and kb == "exp":
                b = va + sign * vb
                return ("exp", b) if b else inv
            return None
        return None
    if len(args) == 1 and not op.keywords:
        k, v = args[0]
        if f in _NEG:
            return ("lin", -v) if k == "lin" else ("exp", v)
        if f is np.exp and k == "lin":
            return ("exp", v)
        if f is np.log and k == "exp":
            return ("lin", v)
        return None
    if f in _SUMS and len(op.args) == 1 and args[0][0] == "exp" \
            and set(op.keywords) <= {"axis", "keepdims"}:
        if axis is None:
            return args[0]
        ax = op.keywords.get("axis")
        keep = op.keywords.get("keepdims")
        x = op.args[0]
        r = _rank(shapes, x.id) if isinstance(x, gast.Name) else None
        if isinstance(ax, gast.Constant) and type(ax.value) is int and r \
                and isinstance(keep, gast.Constant) and keep.value is True \
                and ax.value % r == axis:
            return args[0]
        return None
    return None
