"""Forward mode: tangent statements interleaved with the primal ones.

The tangent of a name ``x`` is ``dx`` (``x_dot`` when ``dx`` is taken, and
always in generated gradient code, where ``dx`` is an adjoint). Each normalized
statement is followed by the statement that computes its target's tangent: the
operation's JVP rule inlined with the operands' names, a symbolic Zero in
place of every tangent that is known to be zero, folded away by
``zeros.Folder``. Whether a tangent is zero is tracked at transform time
(``self.live``: names whose tangent variable holds a value), so no code is
emitted for inactive values.

Control flow needs no tape: a loop-carried value's tangent follows the primal
through the iterations. Invariant that keeps merges simple: a name assigned
more than once (or inside a loop) always gets its tangent variable assigned
together with it, a materialized zero if need be; so where two paths meet,
a tangent is defined on every path on which its primal is.

In-place writes ``y[i] = v`` become ``dy[i] = dv`` on a tangent buffer the
generated code owns (made private before a loop if needed), and the
out-of-place ``dy = set_item(dy, i, dv)`` elsewhere. Lists used as stacks
(``s.append(v)``, ``v = s.pop()``) carry a list of tangents alongside.

Modules (each a mixin of ``ForwardTransform`` sharing its state, or plain functions):

- ``transform``: this coordinator, the state, ``run`` and the statement dispatch;
- ``tangents``: a name's tangent variable, whether it is live or eager, zero values;
- ``aliasing``: ``set_tangent``, which tangent buffers are shared or owned;
- ``assignments``: ``t = value`` statements;
- ``tangent_rules``: the tangent of a right-hand side (JVP rules, packs, builtins);
- ``rule_defaults``: keywords an inlined rule passes with the callee's default;
- ``containers``: container names, item writes, lists used as stacks;
- ``control_flow``: ``if``, ``for`` and ``while``;
- ``zeros``: symbolic Zero tangents and their folding.
"""
import builtins

import gast

from .. import runtime
from ..analysis.activity import Classifier, activity, sequence_names, sharing_groups, walk_stmts
from ..analysis.shapes import ShapeClasses
from ..ir import anno
from ..ir.syntax import load, assign, call, clone, walk
from .aliasing import AliasingMixin
from .assignments import AssignmentsMixin
from .containers import ContainersMixin, container_names
from .control_flow import ControlFlowMixin
from .tangent_rules import TangentRulesMixin
from .tangents import TangentsMixin, count_assignments
from .zeros import Folder

__all__ = ["ForwardTransform"]


class ForwardTransform(AssignmentsMixin, TangentRulesMixin, ContainersMixin, ControlFlowMixin,
                       AliasingMixin, TangentsMixin):
    """Forward-mode transform of one normalized function: ``run()`` once.

    State the mixins share: ``live`` (names whose tangent variable holds a
    value), ``owned``/``views``/``pushed``/``pushed_written`` (see aliasing),
    ``breaks`` (the live/owned sets at each ``break`` of the loops being
    transformed), ``containers`` and ``item_written`` (names holding containers,
    names written item by item; set by ``run``).
    """

    def __init__(self, norm, wrt, env, sequence_params=()):
        self.norm = norm
        self.sequence_params = set(sequence_params)     # parameters holding lists/tuples
        self.fs = norm.fs
        self.loc = norm.fs.loc
        self.names = norm.names
        self.env = env
        self.wrt = list(wrt)
        body = norm.node.body
        self.local_names = {n.id for n in walk(norm.node) if isinstance(n, gast.Name)
                            and not isinstance(n.ctx, gast.Load)} | set(norm.params)
        self.classifier = Classifier(self.fs, self.local_names, {})
        out = norm.output
        self.output_names = [out.id] if isinstance(out, gast.Name) else []
        varied, useful = activity(body, self.wrt, self.output_names, self.classifier,
                                  sharing_groups(body))
        self.active_names = (varied & useful) | set(self.wrt)
        self.shapes = ShapeClasses(body, norm.params, self.classifier)
        self.shapes.env = env
        self.counts, self.in_loop = count_assignments(body, norm.params)
        # a name assigned more than once may change shape between assignments:
        # never drop a broadcast on its account
        for n, c in self.counts.items():
            if c > 1:
                self.shapes.classes.pop(n, None)
        self.tan_names = {}
        # in code srcdiff generated (a gradient, differentiated for an hvp) dx is
        # x's adjoint: every tangent there is x_dot, not dx for some and x_dot for others
        self.dot_names = self.loc.filename.startswith("<srcdiff-")
        self.live = set()
        self.owned = set()
        self.pushed = {}          # list -> the names whose tangents were appended to it
        self.pushed_written = set()
        self.views = {}         # name -> names whose tangent buffers its tangent is a view of
        self.breaks = []
        self.folder = Folder(self.resolve, self.zeros_expr)

    def ref(self, obj, name):
        return self.env.ref(obj, name)

    def error(self, node, message, hint=None):
        # (a statement inlined from another function points at its own file's line)
        return (anno.get(node, "srcloc") or self.loc).error(node, message, hint)

    def resolve(self, func):
        if isinstance(func, gast.Name):
            if func.id in self.env.objects:
                return self.env.objects[func.id]
            if func.id in self.local_names:
                return None
            if func.id in self.env.user_globals:
                return self.env.user_globals[func.id]
            return getattr(builtins, func.id, None)
        if isinstance(func, gast.Attribute):
            base = self.resolve(func.value)
            return getattr(base, func.attr, None) if base is not None else None
        return None

    # ---- the transform ----------------------------------------------------------
    def run(self):
        """(statements, output tangent expression, tangent parameter names)."""
        body = self.norm.node.body
        sequences = sequence_names(body, self.classifier, self.sequence_params)
        self.containers = container_names(body, self.classifier, sequences)
        self.item_written = self.written_items(self.norm.node)
        # (buffers pushed on a list and written item by item: a put-back into one
        # popped must reach the names that share it, as in the primal)
        self.pushed_written = {
            st.value.args[0].id for st in walk_stmts(body)
            if isinstance(st, gast.Expr) and isinstance(st.value, gast.Call)
            and isinstance(st.value.func, gast.Attribute) and st.value.func.attr == "append"
            and len(st.value.args) == 1 and isinstance(st.value.args[0], gast.Name)} \
            & self.item_written
        self.classifier.may_hold_sequences(sequences)
        out_stmts = []
        for p in self.wrt:
            self.live.add(p)
        tparams = [self.tan(p) for p in self.wrt]
        for p in self.norm.params:
            if p not in self.wrt and self.eager(p):
                out_stmts.append(assign(self.tan(p), self.zero_value(p)))
                self.live.add(p)
                self.owned.add(p)
        out_stmts += self.block(body)
        out = self.norm.output
        if isinstance(out, gast.Name) and self.active(out.id) and out.id in self.live:
            dout = load(self.tan(out.id))
            if out.id not in self.containers:
                dout = self.shapes.prune(call(self.ref(runtime.broadcast_like,
                                                       "broadcast_like"), [dout, clone(out)]))
        else:
            dout = self.zero_tangent_of(out.id) if isinstance(out, gast.Name) \
                else call(self.ref(runtime.zeros_like_value, "zeros_like_value"), [clone(out)])
        return out_stmts, dout, tparams

    def block(self, stmts):
        out = []
        for s in stmts:
            new = self.stmt(s)
            where = anno.get(s, "srcloc")
            for st in new:
                if anno.get(st, "srcline") is None:
                    anno.set(st, "srcline", anno.get(s, "srcline"))
                if where is not None and not anno.has(st, "srcloc"):
                    anno.set(st, "srcloc", where)
            out += new
        return out

    def stmt(self, s):
        if isinstance(s, gast.Assign):
            t = s.targets[0]
            if isinstance(t, gast.Name):
                return self.assign_stmt(s, t.id)
            if isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name):
                return self.setitem(s, t)
            raise self.error(s, "unsupported assignment target")
        if isinstance(s, gast.If):
            return self.if_stmt(s)
        if isinstance(s, (gast.For, gast.While)):
            return self.loop(s)
        if isinstance(s, gast.Break):
            if self.breaks:
                self.breaks[-1].append((set(self.live), set(self.owned)))
            return [s]
        if isinstance(s, gast.Expr):
            return self.expr_stmt(s)
        if isinstance(s, (gast.Assert, gast.Raise, gast.Pass, gast.FunctionDef)):
            return [s]
        raise self.error(s, f"unsupported statement {type(s).__name__} in forward mode")

