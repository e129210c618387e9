"""Forward mode: tangent statements interleaved with the primal ones.

The tangent of a name ``x`` is ``dx`` (``x_dot`` when ``dx`` is taken, and
always in generated gradient code, where ``dx`` is an adjoint). Each normalized statement is followed by the
statement that computes its target's tangent: the operation's JVP rule
inlined with the operands' names, a symbolic Zero in place of every tangent
that is known to be zero, folded away by ``zeros.Folder``. Whether a tangent
is zero is tracked at transform time (``self.live``: names whose tangent
variable holds a value), so no code is emitted for inactive values.

Control flow needs no tape: a loop-carried value's tangent follows the primal
through the iterations. Invariant that keeps merges simple: a name assigned
more than once (or inside a loop) always gets its tangent variable assigned
together with it, a materialized zero if need be; so where two paths meet,
a tangent is defined on every path on which its primal is.

In-place writes ``y[i] = v`` become ``dy[i] = dv`` on a tangent buffer the
generated code owns (made private before a loop if needed), and the
out-of-place ``dy = set_item(dy, i, dv)`` elsewhere. Lists used as stacks
(``s.append(v)``, ``v = s.pop()``) carry a list of tangents alongside.
"""
import builtins
import inspect
import operator

import gast
import numpy as np

from .. import runtime
from ..analysis.activity import (Classifier, activity, mutated_receiver, mutating_call_refusal,
                       writes_arguments, writing_call_refusal,
                       recursion_helper, sequence_names, sharing_groups, walk_stmts)
from ..errors import SrcdiffError
from ..rules import qualified_name
from ..rules.forward_writes import set_item, private_copy
from ..analysis.shapes import ShapeClasses
from ..backend.simplify import simplify
from ..ir.syntax import (load, store, const, assign, call, attr, names_read, clone, tuple_,
                     subscript, walk)
from ..ir import anno
from ..ir.templates import template, instantiate, literal_expr
from .zeros import Folder, zero, is_zero

__all__ = ["ForwardTransform"]

_FRESH_FUNCS = None


def _fresh_funcs():
    global _FRESH_FUNCS
    if _FRESH_FUNCS is None:
        from ..runtime import scatter_add, index_update
        _FRESH_FUNCS = {runtime.zeros_like_value, runtime.complete_cotangent, set_item,
                        private_copy, scatter_add, index_update, runtime.zeros_like_list,
                        np.copy, np.array, np.zeros_like, np.ones_like}
    return _FRESH_FUNCS


# Calls whose tangent is the same call on the tangents, so the tangent shares
# memory exactly where the primal does: an item (a view or the object itself),
# and the copies generated code saves before overwriting an item (a copy of an
# array, the object itself otherwise). Taking them as views keeps a buffer that
# a saved item was read from owned, so its later item writes stay in place, as
# the primal's do (a stack holding the buffer sees them in both).
_MIRRORS = (operator.getitem, runtime.saved_item, runtime.saved_copy,
            runtime.restore_contents,   # (the value's array refilled in place)
            runtime.as_sequence)        # (an array or tuple itself, a list's items shared)


def _items(lst):
    """The key in ForwardTransform.owned saying that every tangent in ``lst``'s
    list of tangents is a buffer of its own (not a name: it cannot clash)."""
    return lst + "[]"


def _owner(key):
    """The name an ``owned`` key speaks of: ``lst`` for ``_items(lst)``."""
    return key[:-2] if key.endswith("[]") else key


class _Unsupported(Exception):
    """A refusal (message, hint); ``object_read``: as analysis.unknown_refusal's
    (an attribute or method of a named value, which an object argument explains)."""
    object_read = False


class ForwardTransform:
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
        self.counts, self.in_loop = self._assignments(body)
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
        self._pushed_written = set()
        self.views = {}         # name -> names whose tangent buffers its tangent is a view of
        self.breaks = []
        self.folder = Folder(self.resolve, self.zeros_expr)

    # ---- bookkeeping ------------------------------------------------------
    def _assignments(self, body):
        counts = {p: 1 for p in self.norm.params}
        in_loop = set()

        def visit(stmts, depth):
            for s in stmts:
                targets = []
                if isinstance(s, gast.Assign):
                    t = s.targets[0]
                    targets = [t.id] if isinstance(t, gast.Name) else \
                        [t.value.id] if isinstance(t, gast.Subscript) and \
                        isinstance(t.value, gast.Name) else []
                elif isinstance(s, gast.For):
                    targets = [n.id for n in walk(s.target) if isinstance(n, gast.Name)]
                elif isinstance(s, gast.Expr) and depth:
                    # a list a loop appends to: its tangent list must exist before
                    # the loop, for the appends of every iteration (the list may be
                    # bound outside the loop with a zero tangent)
                    recv = _grown_list(s.value)
                    targets = [recv] if recv else []
                for t in targets:
                    counts[t] = counts.get(t, 0) + 1
                    if depth or isinstance(s, gast.For):
                        in_loop.add(t)
                if isinstance(s, (gast.For, gast.While)):
                    visit(s.body, depth + 1)
                    visit(s.orelse, depth)
                elif isinstance(s, gast.If):
                    visit(s.body, depth)
                    visit(s.orelse, depth)
        visit(body, 0)
        return counts, in_loop

    def active(self, name):
        return name in self.active_names

    def eager(self, name):
        """Must this name's tangent be materialized when it is zero?"""
        return self.active(name) and (self.counts.get(name, 0) > 1 or name in self.in_loop)

    def tan(self, name):
        d = self.tan_names.get(name)
        if d is None:
            if name in self.norm.params and ("d" + name) in \
                    getattr(self.norm, "reserved_adjoints", ()):
                d = "d" + name
            elif ("d" + name) not in self.names.taken and not name.startswith("_") \
                    and not self.dot_names:
                d = self.names.fresh("d" + name)
            else:
                d = self.names.fresh(name.lstrip("_") + "_dot")
            self.tan_names[name] = d
            self.shapes.adjoint_of[d] = name
        return d

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

    def zeros_expr(self, primal):
        if isinstance(primal, gast.Constant) and primal.value is None:
            return const(None)
        return call(self.ref(runtime.zeros_like_value, "zeros_like_value"), [primal])

    def zero_tangent_of(self, name):
        """A materialized zero tangent for ``name`` (containers element by element)."""
        return call(self.ref(runtime.complete_cotangent, "complete_cotangent"),
                    [const(None), load(name)])

    def tangent_atom(self, a):
        """The tangent of an operand: an expression or a Zero marker."""
        if isinstance(a, gast.Name) and self.active(a.id) and a.id in self.live:
            return load(self.tan(a.id))
        return zero(clone(a))

    def _fresh(self, expr):
        if isinstance(expr, (gast.BinOp, gast.UnaryOp)):
            return True
        if isinstance(expr, gast.Call):
            f = self.resolve(expr.func)
            try:
                return f is not None and (f in _fresh_funcs() or
                                          (isinstance(f, np.ufunc) and f.nout == 1))
            except TypeError:
                return False
        return False

    def _sharing(self, expr, operands):
        """The names among ``operands`` whose tangent buffers the value of
        ``expr`` may share, and the buffers those are views of: a name, an item
        or attribute of one, an argument of a call that may hand it back
        (``broadcast_like(x_dot, y)``); not an operand of arithmetic, which makes
        a new array (``broadcast_like(x_dot * 0.5, y)`` shares nothing)."""
        back = self.shapes.adjoint_of

        def may(e):
            if isinstance(e, (gast.BinOp, gast.UnaryOp, gast.Constant, gast.Compare)):
                return set()
            if isinstance(e, gast.Name):
                n = back.get(e.id)
                return {n} if n in operands else set()
            if isinstance(e, (gast.Subscript, gast.Attribute, gast.Starred)):
                return may(e.value)
            if isinstance(e, gast.IfExp):
                return may(e.body) | may(e.orelse)
            if isinstance(e, (gast.Tuple, gast.List)):
                return set().union(*map(may, e.elts))
            if isinstance(e, gast.Call) and self._fresh(e):
                return set()
            if isinstance(e, gast.Call):
                return set().union(*map(may, e.args), *(may(k.value) for k in e.keywords))
            return {back[n] for n in names_read(e) if back.get(n) in operands}

        out = may(expr)
        for n in list(out):
            out |= self.views.get(n, set())
        return out

    def set_tangent(self, name, expr, line, out, mirror=False):
        """Emit ``dname = expr`` (or the materialized zero of an eager name).

        ``mirror``: the tangent aliases its operands' tangents exactly where the
        primal aliases its operands (``y = x``, ``y = x[i]``, ``y = s.pop()``), so
        in-place writes stay consistent; otherwise a tangent that is not a new
        array while the primal is makes its operands' buffers shared.
        """
        self.owned.discard(_items(name))
        if is_zero(expr):
            self.live.discard(name)
            self.owned.discard(name)
            if self.eager(name):
                out.append(assign(self.tan(name), self._zero_value(name), line))
                self.live.add(name)
                self.owned.add(name)
            return out
        expr = simplify(self.shapes.prune(simplify(expr)))    # (pruning makes more foldable)
        # (the names whose tangents the expression reads: adjoint_of maps every
        # tangent name made back to its name, tan_names holds the current ones)
        back = self.shapes.adjoint_of
        operands = {back[n] for n in names_read(expr)
                    if n in back and self.tan_names.get(back[n]) == n}
        bases = set(operands)
        for n in operands:
            bases |= self.views.get(n, set())
        self.views.pop(name, None)
        if mirror:
            owned = all(n in self.owned for n in operands)
            self.views[name] = bases - {name}
        elif self._fresh(expr):
            owned = True
        elif name in self._pushed_written:
            # (an array of its own where it is bound, not where it is pushed: the
            # buffer pushed in a loop's first iteration stays the one that names
            # sharing the primal array share, and the sweep's put-back into it,
            # popped, reaches them)
            expr = call(self.ref(private_copy, "private_copy"), [expr])
            owned = True
        elif not (bases := self._sharing(expr, operands)):
            owned = False       # (a new array, or a read-only broadcast of one)
        elif any(n in self.owned and self._written_mirrors(n) for n in bases):
            # (an operand's tangent that another name's mirrors, their primal arrays
            # being one: its later writes must stay in place for both, so this
            # tangent, which the primal does not share, gets an array of its own)
            expr = call(self.ref(private_copy, "private_copy"), [expr])
            owned = True
        else:
            # (also the buffers the operands' tangents are views of: writing into
            # them in place would change this tangent too)
            owned = False
            self.owned -= bases
            for lst, names in self.pushed.items():
                if names & bases:       # (a stack holding one of those buffers)
                    self.owned.discard(_items(lst))
        out.append(assign(self.tan(name), expr, line))
        self.live.add(name)
        if owned:
            self.owned.add(name)
        else:
            self.owned.discard(name)
        if isinstance(expr, gast.List) and not expr.elts or isinstance(expr, gast.Call) \
                and self.resolve(expr.func) is runtime.zeros_like_list:
            self.owned.add(_items(name))    # (a new list of tangents: no items yet, or zeros)
        return out

    def _written_mirrors(self, n):
        """Does another name's tangent mirror ``n``'s (their primal arrays being
        one), with items of one of them written in place in the function?"""
        group = {m for m, b in self.views.items() if n in b} | self.views.get(n, set())
        group.discard(n)
        return bool(group) and bool((group | {n}) & self._item_written)

    def _zero_value(self, name):
        return call(self.ref(runtime.zeros_like_value, "zeros_like_value"), [load(name)]) \
            if name not in self._containers else self.zero_tangent_of(name)

    # ---- the transform ----------------------------------------------------------
    def run(self):
        """(statements, output tangent expression, tangent parameter names)."""
        body = self.norm.node.body
        sequences = sequence_names(body, self.classifier, self.sequence_params)
        self._containers = self._container_names(body, sequences)
        self._item_written = self._written_items(self.norm.node)
        # (buffers pushed on a list and written item by item: a put-back into one
        # popped must reach the names that share it, as in the primal)
        self._pushed_written = {
            st.value.args[0].id for st in walk_stmts(body)
            if isinstance(st, gast.Expr) and isinstance(st.value, gast.Call)
            and isinstance(st.value.func, gast.Attribute) and st.value.func.attr == "append"
            and len(st.value.args) == 1 and isinstance(st.value.args[0], gast.Name)} \
            & self._item_written
        self.classifier.may_hold_sequences(sequences)
        out_stmts = []
        for p in self.wrt:
            self.live.add(p)
        tparams = [self.tan(p) for p in self.wrt]
        for p in self.norm.params:
            if p not in self.wrt and self.eager(p):
                out_stmts.append(assign(self.tan(p), self._zero_value(p)))
                self.live.add(p)
                self.owned.add(p)
        out_stmts += self.block(body)
        out = self.norm.output
        if isinstance(out, gast.Name) and self.active(out.id) and out.id in self.live:
            dout = load(self.tan(out.id))
            if out.id not in self._containers:
                dout = self.shapes.prune(call(self.ref(runtime.broadcast_like,
                                                       "broadcast_like"), [dout, clone(out)]))
        else:
            dout = self.zero_tangent_of(out.id) if isinstance(out, gast.Name) \
                else call(self.ref(runtime.zeros_like_value, "zeros_like_value"), [clone(out)])
        return out_stmts, dout, tparams

    def _container_names(self, body, sequences=()):
        out = set(sequences)
        defs = []
        for s in walk_stmts(body):
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
                defs.append((s.targets[0].id, self.classifier.classify(s.value)))
        changed = True
        while changed:
            changed = False
            for t, op in defs:
                if t in out:
                    continue
                if op.kind in ("pack", "pack_dict", "user", "list_pop") or \
                        (op.kind == "unknown" and not _numpy_func(op.func)) or \
                        (op.kind == "copy" and op.node.id in out) or \
                        (op.kind == "call" and op.func is operator.getitem
                         and isinstance(op.args[0], gast.Name) and op.args[0].id in out):
                    out.add(t)
                    changed = True
        return out

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

    # ---- assignments ---------------------------------------------------------
    def assign_stmt(self, s, t):
        recv = mutated_receiver(s.value)
        if recv is not None and self.active(recv):
            raise self.error(s, *mutating_call_refusal(s.value.func.attr))
        if self._pop_tail_of(s.value) is not None:
            return self.pop_tail_assign(s, t)
        if not self.active(t):
            v = s.value
            if isinstance(v, gast.Call) and isinstance(v.func, gast.Attribute) \
                    and v.func.attr == "pop" and not v.args and not v.keywords \
                    and isinstance(v.func.value, gast.Name):
                # an unused popped value still shortens the list: so does its tangent list
                return self.expr_stmt(s)
            if isinstance(v, gast.Call) and len(v.args) == 2 and not v.keywords \
                    and isinstance(v.args[0], gast.Name) and self.active(v.args[0].id) \
                    and v.args[0].id in self.live \
                    and self.resolve(v.func) is runtime.restore_contents:
                # an unused refill still refills the value's array in place, which
                # names sharing it read: so is its tangent buffer (zeros where the
                # snapshot's tangent is zero)
                d = self.tangent_atom(v.args[1])
                snap = call(self.ref(runtime.zeros_like_value, "zeros_like_value"),
                            [clone(v.args[1])]) if is_zero(d) else self.folder.materialize(d)
                return [s, gast.Expr(value=call(
                    self.ref(runtime.restore_contents, "restore_contents"),
                    [load(self.tan(v.args[0].id)), snap]))]
            return [s]
        op = self.classifier.classify(s.value)
        line = anno.required(s, "srcline")
        pre, out = [], []
        if op.kind == "const" and isinstance(s.value, gast.Constant) and s.value.value is None:
            # a placeholder (generated code initializes names it saves this way)
            self.live.discard(t)
            self.owned.discard(t)
            if self.eager(t):
                self.live.add(t)
                # (None is no buffer another tangent shares: a path that binds t
                # to an array it owns still owns it after the paths meet)
                self.owned.add(t)
                return [s, assign(self.tan(t), const(None), line)]
            return [s]
        if op.kind == "list_pop":
            lst = op.args[0].id
            out.append(s)
            if self.active(lst) and lst in self.live:
                out = self.set_tangent(t, call(attr(self.tan(lst), "pop")), line, out,
                                       mirror=True)
                if _items(lst) in self.owned:
                    # (every tangent pushed on lst was a buffer of its own, as the
                    # primal pushed: writes into what is popped stay in place, seen
                    # by the names that share it, as the primal's writes are --
                    # ``choice = v; ...; v = S.pop(); v[i] = old`` restores choice too)
                    self.owned.add(t)
                return out
            return self.set_tangent(t, zero(load(t)), line, out)
        reads = set()
        for a in op.operands:
            reads |= names_read(a)
        renamed = {}
        if op.kind not in ("const", "nondiff", "copy") and t in reads:
            # x = f(x): the rule reads the operand's old value
            old = self.names.fresh(t + "_in")
            pre.append(assign(old, load(t), line))
            renamed[t] = old
        try:
            stmts, expr = self.tangent_expr(s, t, op, renamed)
        except _Unsupported as e:
            error = self.error(s, str(e.args[0]), e.args[1] if len(e.args) > 1 else None)
            error.object_read = e.object_read
            raise error from None
        out = pre + [s] + stmts
        mirror = op.kind == "copy" or (op.kind == "call" and any(op.func is m for m in _MIRRORS))
        return self.set_tangent(t, expr, line, out, mirror=mirror)

    def _pop_tail_of(self, v):
        """The list ``v`` = ``pop_tail(lst, n)`` shortens (generated code's adjoint of
        ``lst.extend(vs)``), or None."""
        if isinstance(v, gast.Call) and v.args and isinstance(v.args[0], gast.Name) \
                and not v.keywords and self.resolve(v.func) is runtime.pop_tail:
            return v.args[0].id
        return None

    def pop_tail_assign(self, s, t):
        """t = pop_tail(lst, n): the tangent list loses its tail too, which is dt."""
        lst = self._pop_tail_of(s.value)
        out = [s]
        if not (self.active(lst) and lst in self.live):
            return self.set_tangent(t, zero(load(t)), anno.required(s, "srcline"), out) \
                if self.active(t) else out
        popped = call(clone(s.value.func), [load(self.tan(lst))] +
                      [clone(a) for a in s.value.args[1:]])
        if not self.active(t):
            out.append(gast.Expr(value=popped))
            return out
        return self.set_tangent(t, popped, anno.required(s, "srcline"), out, mirror=True)

    def tangent_expr(self, s, t, op, renamed):
        """(rule statements, tangent expression or Zero) of ``t = op``."""
        kind = op.kind
        if kind in ("const", "nondiff"):
            return [], zero(load(t))
        if kind == "copy":
            return [], self.tangent_atom(op.node)
        if kind == "pack":
            return [], self.pack(op)
        if kind == "pack_dict":
            node = op.node
            values = [self.tangent_atom(v) for v in node.values]
            return [], gast.Dict(keys=[clone(k) for k in node.keys],
                                 values=[self.folder.materialize(v) for v in values])
        if kind == "call":
            return self.rule(s, t, op, renamed)
        if kind == "unknown":
            return self.structural(s, t, op)
        if kind == "user":
            args = list(op.args) + list(op.keywords.values())
            if all(not isinstance(a, gast.Starred) and is_zero(self.tangent_atom(a))
                   for a in args):
                return [], zero(load(t))    # a call on constants: its value has no tangent
            if recursion_helper(op.func):
                raise _Unsupported("second derivatives through a recursive call (srcdiff calls "
                                   "the recursive function's own generated code, at first "
                                   "order only)",
                                   "write the recursion as a loop to differentiate it twice")
            raise _Unsupported(f"a call of the user function {op.func.__qualname__} was not "
                               "inlined; forward mode cannot follow it",
                               "inline the function by hand")
        raise _Unsupported(f"unsupported operation {kind!r} in forward mode")

    def pack(self, op):
        node = op.node
        elts, any_live = [], False
        for e in op.args:
            if isinstance(e, gast.Starred):
                d = self.tangent_atom(e.value)
                if is_zero(d):
                    d = call(self.ref(runtime.zeros_like_list, "zeros_like_list"),
                             [clone(e.value)])
                else:
                    any_live = True
                elts.append(gast.Starred(value=d, ctx=gast.Load()))
                continue
            d = self.tangent_atom(e)
            if not is_zero(d):
                any_live = True
                elts.append(d)
            elif isinstance(e, gast.Name) and e.id in self._containers:
                elts.append(self.zero_tangent_of(e.id))
            else:
                elts.append(self.folder.materialize(d))
        if isinstance(node, gast.List):
            # a list may be appended to or written into later: it always has a tangent
            return gast.List(elts=elts, ctx=gast.Load())
        if not any_live:
            return zero(clone(node))
        return gast.Tuple(elts=elts, ctx=gast.Load())

    def structural(self, s, t, op):
        """Builtins that rearrange values: list(), tuple(), reversed(), zip()."""
        node = op.node
        f = self.resolve(node.func) if isinstance(node, gast.Call) else None
        if f in (list, tuple, reversed) and len(node.args) == 1 and not node.keywords:
            d = self.tangent_atom(node.args[0])
            if is_zero(d):
                return [], zero(load(t))
            return [], call(clone(node.func), [d])
        if f is zip and not node.keywords:
            ds = [self.tangent_atom(a) for a in node.args]
            if all(is_zero(d) for d in ds):
                return [], zero(load(t))
            ds = [d if not is_zero(d) else call(self.ref(runtime.zeros_like_list,
                                                         "zeros_like_list"), [clone(a)])
                  for d, a in zip(ds, node.args)]
            return [], call(clone(node.func), ds)
        if f is sorted and len(node.args) == 1 and not node.keywords:
            # sorted(d) of a dict: its keys, constants (checked where it runs)
            check = gast.Expr(value=call(self.ref(runtime.sorted_keys_only, "sorted_keys_only"),
                                         [clone(node.args[0])]))
            return [check], zero(load(t))
        if _in(f, _SHAPE_FUNCS) or _in(op.func, _SHAPE_FUNCS):
            return [], zero(load(t))     # sizes and shapes carry no derivative
        reads = set()
        for a in op.operands:
            reads |= names_read(a)
        if not any(self.active(n) and n in self.live for n in reads):
            return [], zero(load(t))
        what = op.what or (qualified_name(op.func) if op.func is not None else "this operation")
        name = qualified_name(op.func) if op.func is not None else what
        from ..analysis.activity import unknown_refusal
        message, hint, object_read = unknown_refusal(op, name, "jvp_rule")
        refusal = _Unsupported(message.replace("no derivative rule", "no forward-mode derivative"),
                               hint)
        refusal.object_read = object_read
        raise refusal

    def rule(self, s, t, op, renamed):
        rule = op.rule
        if rule.jvp is None:
            if not any(isinstance(a, gast.Name) and self.active(a.id) and a.id in self.live
                       for a in op.operands):
                return [], zero(load(t))
            raise _Unsupported(f"{rule.name} has no forward-mode rule",
                               f"register one with @srcdiff.jvp_rule({rule.name})")
        tpl = template(rule.jvp)
        if tpl.varargs and not tpl.inlinable:
            return self.varargs_rule(s, t, op, renamed, rule)
        params = tpl.params[1:]
        if len(op.args) > len(params) and not tpl.varargs:
            raise _Unsupported(f"{rule.name} called with {len(op.args)} positional arguments; "
                               f"its forward rule takes {len(params)}")
        bind = {}
        for i, a in enumerate(op.args[:len(params)]):
            bind[params[i]] = a
        for k, v in op.keywords.items():
            if k not in params and k + "_" in params:
                k = k + "_"     # a parameter the rule renamed (its tangent's name d<k> was taken)
            if k not in params and k not in tpl.kwonly and tpl.varkw is None:
                raise _Unsupported(f"{rule.name}: its forward rule has no parameter {k!r}")
            if k in params or k in tpl.kwonly:
                bind[k] = v
            elif isinstance(v, gast.Name) and self.active(v.id) and v.id in self.live:
                raise _Unsupported(f"{rule.name}: its forward rule has no tangent for the "
                                   f"keyword argument {k!r}")
        tangents = {}
        any_live = False
        for p in params:
            dname = "d" + p
            if dname not in tpl.kwonly:
                if dname in params and p in bind and not is_zero(self.tangent_atom(bind[p])):
                    # the tangent's name is another parameter's: never drop the tangent
                    raise _Unsupported(f"{rule.name}: its forward rule cannot take the tangent "
                                       f"of {p!r} ({dname!r} is a parameter; rename {p!r} to "
                                       f"{p + '_'!r} in the rule)")
                continue
            if p in bind:
                d = self.tangent_atom(bind[p])
                if not is_zero(d) and isinstance(op.func, np.ufunc) \
                        and isinstance(bind[p], gast.Name) and bind[p].id in self._containers:
                    # a list a ufunc reads as an array: so is its tangent (a rule may
                    # negate or transpose it)
                    d = call(self.ref(np.asarray, "asarray"), [self.folder.materialize(d)])
            else:
                d = zero(const(tpl.defaults.get(p)))
            any_live = any_live or not is_zero(d)
            tangents[dname] = d
        extra = op.args[len(params):] if tpl.varargs else []
        if tpl.varargs:
            # *args: its tangents as one tuple aligned with it (None where zero)
            tans = [self.tangent_atom(a) for a in extra]
            any_live = any_live or not all(is_zero(d) for d in tans)
            tangents["d" + tpl.varargs] = gast.Tuple(
                elts=[const(None) if is_zero(d) else d for d in tans], ctx=gast.Load())
        if not any_live:
            return [], zero(load(t))
        primal_bind = {k: rename_expr(v, renamed) for k, v in bind.items()}
        if isinstance(op.func, np.ufunc):
            # a list or tuple a ufunc reads as an array: the rule reads it as one too
            for k, v in primal_bind.items():
                if isinstance(v, gast.Name) and v.id in self._containers:
                    primal_bind[k] = call(self.ref(np.asarray, "asarray"), [v])
        if tpl.varargs:
            primal_bind[tpl.varargs] = gast.Tuple(elts=[rename_expr(a, renamed) for a in extra],
                                                  ctx=gast.Load())
        if not tpl.inlinable:
            args = [load(t)] + [rename_expr(a, renamed) for a in op.args]
            kws = [gast.keyword(arg=k, value=rename_expr(v, renamed))
                   for k, v in op.keywords.items()]
            kws += [gast.keyword(arg=k, value=self.folder.materialize(v))
                    for k, v in tangents.items()]
            return [], call(self.ref(rule.jvp, rule.jvp.__name__), args, kws)
        bindings = dict(primal_bind)
        for p in tpl.params[1:] + tpl.kwonly:
            if p not in bindings and p not in tangents and p in tpl.defaults:
                bindings[p] = _default_const(tpl.defaults[p])
        bindings.update(tangents)
        bindings[tpl.params[0]] = load(t)
        stmts, result = instantiate(tpl, bindings, self.names, self.env, hint=self.tan(t),
                                    not_none=self._not_none(bind, renamed))
        stmts, expr = self.folder.fold_block(stmts, result)
        if isinstance(expr, gast.Tuple):
            expr = self._complete_items(expr, t)
        expr = _DropDefaults(self.resolve).visit(expr)
        for st in stmts:
            st.value = _DropDefaults(self.resolve).visit(st.value)
        for st in stmts:
            st.value = simplify(st.value)
            anno.set(st, "srcline", anno.required(s, "srcline"))
        return stmts, expr

    def _complete_items(self, expr, t):
        """A tuple tangent whose items a rule may leave None (no tangent: the sign
        of slogdet, the rank of lstsq): zeros shaped like ``t``'s items, since
        later statements read the items as values."""
        elts = []
        for k, e in enumerate(expr.elts):
            item = subscript(load(t), const(k))
            if isinstance(e, gast.Constant) and e.value is None:
                e = call(self.ref(runtime.zeros_like_value, "zeros_like_value"), [item])
            elif isinstance(e, gast.IfExp) and any(isinstance(b, gast.Constant) and b.value is None
                                                   for b in (e.body, e.orelse)):
                e = call(self.ref(runtime.complete_cotangent, "complete_cotangent"), [e, item])
            elts.append(e)
        return gast.Tuple(elts=elts, ctx=gast.Load())

    def _not_none(self, bind, renamed):
        """The names bound to a rule's parameters known not to be None: active values."""
        return {renamed.get(v.id, v.id) for v in bind.values()
                if isinstance(v, gast.Name) and self.active(v.id)}

    def varargs_rule(self, s, t, op, renamed, rule):
        """A rule ``f_jvp(ans, *args, d<args>)``: the tangents come as one tuple
        aligned with the positional arguments (None where a tangent is zero)."""
        import inspect
        var = next(p.name for p in inspect.signature(rule.jvp).parameters.values()
                   if p.kind == p.VAR_POSITIONAL)
        tans = [self.tangent_atom(a) for a in op.args]
        if all(is_zero(d) for d in tans):
            return [], zero(load(t))
        elts = [const(None) if is_zero(d) else self.folder.materialize(d) for d in tans]
        args = [load(t)] + [rename_expr(a, renamed) for a in op.args]
        kws = [gast.keyword(arg=k, value=rename_expr(v, renamed)) for k, v in op.keywords.items()]
        kws.append(gast.keyword(arg="d" + var, value=gast.Tuple(elts=elts, ctx=gast.Load())))
        return [], call(self.ref(rule.jvp, rule.jvp.__name__), args, kws)

    def setitem(self, s, target):
        y = target.value.id
        if not self.active(y):
            return [s]
        self.owned.discard(_items(y))       # (a list's item replaced)
        line = anno.required(s, "srcline")
        out = [s]
        dv = self.tangent_atom(s.value)
        if y not in self.live:
            if is_zero(dv):
                return out
            out.append(assign(self.tan(y), self._zero_value(y), line))
            self.live.add(y)
            self.owned.add(y)
        value = self.folder.materialize(dv) if not is_zero(dv) else const(0.0)
        dy = self.tan(y)
        if y in self.owned:
            tgt = gast.Subscript(value=load(dy), slice=clone(target.slice), ctx=gast.Store())
            st = gast.Assign(targets=[tgt], value=value, type_comment=None)
            anno.set(st, "srcline", line)
            out.append(st)
        else:
            e = call(self.ref(set_item, "set_item"), [load(dy), clone(target.slice), value])
            out.append(assign(dy, e, line))
            self.owned.add(y)
        return out

    def expr_stmt(self, s):
        v = s.value
        if not isinstance(v, gast.Call):
            return [s]
        line = anno.required(s, "srcline")
        op = self.classifier.classify(v)
        if writes_arguments(op) and any(self.active(n) and n in self.live for n in op.reads()):
            raise self.error(s, *writing_call_refusal(op))
        func = v.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name):
            lst = func.value.id
            meth = func.attr
            if not self.active(lst):
                return [s]
            if meth in ("append", "extend") and len(v.args) == 1 and not v.keywords:
                before, after = self._list_add(lst, meth, v.args[0], line)
                return before + [s] + after
            if meth == "pop" and not v.args:
                if lst in self.live:
                    return [s, gast.Expr(value=call(attr(self.tan(lst), "pop")))]
                return [s]
            op = self.classifier.classify(v)
            if any(self.active(n) and n in self.live for n in op.reads()) \
                    and op.kind not in ("nondiff", "const"):
                raise self.error(s, *mutating_call_refusal(meth))
            return [s]
        f = self.resolve(func)
        if f is getattr(runtime, "pop_tail", None) and isinstance(v.args[0], gast.Name):
            lst = v.args[0].id
            if self.active(lst) and lst in self.live:
                args = [load(self.tan(lst))] + [clone(a) for a in v.args[1:]]
                return [s, gast.Expr(value=call(clone(func), args))]
        return [s]

    def _list_add(self, lst, meth, value, line):
        """(statements before the primal ``lst.append(value)``, statements after):
        a list with no tangent yet gets zeros for the items it has *before*
        the append, then the tangent of the appended value.

        A buffer the function writes into item by item is pushed with a tangent
        of its own (a materialized zero, or a private copy of a tangent it may
        share): its later writes are then made in place in both, so the list
        holds the written tangent exactly where it holds the written primal."""
        before = []
        if meth == "append" and isinstance(value, gast.Name) \
                and value.id in self._item_written:
            y = value.id
            if y not in self.live:
                before.append(assign(self.tan(y), self._zero_value(y), line))
                self.live.add(y)
                self.owned.add(y)
                self.views.pop(y, None)
            elif y not in self.owned:
                self.set_tangent(y, call(self.ref(private_copy, "private_copy"),
                                         [load(self.tan(y))]), line, before)
        if lst not in self.live:
            d = self.tangent_atom(value)
            if is_zero(d):
                return [], []
            before.append(assign(self.tan(lst), call(
                self.ref(runtime.zeros_like_list, "zeros_like_list"), [load(lst)]), line))
            self.live.add(lst)
        d = self.tangent_atom(value)
        if is_zero(d):
            if meth == "append":
                d = self._zero_value(value.id) if isinstance(value, gast.Name) \
                    else self.folder.materialize(d)
            else:
                d = call(self.ref(runtime.zeros_like_list, "zeros_like_list"), [clone(value)])
        if isinstance(value, gast.Name):
            self.pushed.setdefault(lst, set()).add(value.id)
        if not (meth == "append" and (not isinstance(value, gast.Name)
                                      or value.id in self.owned or is_zero(
                                          self.tangent_atom(value)))):
            self.owned.discard(_items(lst))     # (a tangent that may be shared)
        node = gast.Expr(value=call(attr(self.tan(lst), meth), [d]))
        anno.set(node, "srcline", line)
        return before, [node]

    # ---- control flow ----------------------------------------------------------
    def if_stmt(self, s):
        live0, owned0 = set(self.live), set(self.owned)
        self.live, self.owned = set(live0), set(owned0)
        body = self.block(s.body)
        live1, owned1 = self.live, self.owned
        self.live, self.owned = set(live0), set(owned0)
        orelse = self.block(s.orelse)
        live2, owned2 = self.live, self.owned

        def one_sided(owned, other_live):
            # (a tangent made on one path only, its name not bound before the if nor
            # on the other path: what that path owns it still owns after the if --
            # the sweep's ``else`` puts items back into the array the primal's
            # ``else`` made, which other names there share)
            return {n for n in owned if _owner(n) not in live0 | other_live}
        self.live = live1 | live2
        self.owned = (owned1 & owned2) | one_sided(owned1, live2) | one_sided(owned2, live1)
        node = gast.If(test=s.test, body=body or [gast.Pass()], orelse=orelse)
        anno.set(node, "srcline", anno.required(s, "srcline"))
        if anno.has(s, "srcloc"):
            anno.set(node, "srcloc", anno.get(s, "srcloc"))
        return [node]

    def _snapshot(self):
        return (set(self.names.taken), dict(self.names.counters), dict(self.tan_names))

    def _restore(self, snap):
        self.names.taken, self.names.counters = set(snap[0]), dict(snap[1])
        self.tan_names = dict(snap[2])

    def _loop_targets(self, s):
        if isinstance(s, gast.For):
            return [n.id for n in walk(s.target) if isinstance(n, gast.Name)]
        return []

    def _written_items(self, s):
        out = set()
        for st in walk_stmts(s.body):
            if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Subscript) \
                    and isinstance(st.targets[0].value, gast.Name):
                out.add(st.targets[0].value.id)
        return {y for y in out if self.active(y)}

    def _iter_tangent(self, s):
        """The tangent of a for loop's iterable (or None when it is zero)."""
        if not isinstance(s, gast.For):
            return None
        it = s.iter
        if isinstance(it, gast.Name) and self.active(it.id) and it.id in self.live:
            return load(self.tan(it.id))
        return None

    def _run_body(self, s, live, owned, diter):
        self.live, self.owned = set(live), set(owned)
        targets = self._loop_targets(s)
        pre = []
        if diter is not None:
            for n in targets:
                if self.active(n):
                    self.live.add(n)
                    self.owned.discard(n)
        else:
            for n in targets:
                self.live.discard(n)
                self.owned.discard(n)
                if self.eager(n):
                    pre.append(assign(self.tan(n), self._zero_value(n),
                                      anno.required(s, "srcline")))
                    self.live.add(n)
                    self.owned.add(n)
        self.breaks.append([])
        body = pre + self.block(s.body)
        brk = self.breaks.pop()
        return body, self.live, self.owned, brk

    def loop(self, s):
        live0, owned0 = set(self.live), set(self.owned)
        diter = self._iter_tangent(s)
        written = self._written_items(s)
        # a buffer the loop writes into element by element is made private once
        copies = {y for y in written if y in live0 and y not in owned0
                  and not _rebound_first(s.body, y)}
        start, owned_start = set(live0), owned0 | copies
        for _ in range(20):
            snap = self._snapshot()
            _, end, owned_end, _ = self._run_body(s, start, owned_start, diter)
            self._restore(snap)
            for d in self.tan_names.values():
                self.names.reserve(d)
            new_start = start | end
            new_owned = owned_start & owned_end
            if new_start == start and new_owned == owned_start:
                break
            start, owned_start = new_start, new_owned
        copies &= owned_start
        pre = []
        for y in sorted(copies):
            pre.append(assign(self.tan(y), call(self.ref(private_copy, "private_copy"),
                                                [load(self.tan(y))]),
                              anno.required(s, "srcline")))
        body, end, owned_end, brk = self._run_body(s, start, owned_start, diter)
        live_after = set(start)
        owned_after = set(owned_start)
        for bl, bo in brk:
            live_after |= bl
            owned_after &= bo
        self.live, self.owned = live_after, owned_after
        if isinstance(s, gast.For):
            target, it = s.target, s.iter
            if diter is not None:
                tt = self._tangent_target(s.target)
                target = gast.Tuple(elts=[s.target, tt], ctx=gast.Store())
                it = call("zip", [s.iter, diter])
            node = gast.For(target=target, iter=it, body=body or [gast.Pass()], orelse=[],
                            type_comment=None)
        else:
            node = gast.While(test=s.test, body=body or [gast.Pass()], orelse=[])
        anno.set(node, "srcline", anno.required(s, "srcline"))
        if anno.has(s, "srcloc"):
            anno.set(node, "srcloc", anno.get(s, "srcloc"))
        return pre + [node]

    def _tangent_target(self, t):
        if isinstance(t, gast.Name):
            return store(self.tan(t.id) if self.active(t.id) else "_")
        return gast.Tuple(elts=[self._tangent_target(e) for e in t.elts], ctx=gast.Store())


def _grown_list(v):
    """The name of the list ``L.append(x)`` / ``L.extend(xs)`` grows, or None."""
    if isinstance(v, gast.Call) and isinstance(v.func, gast.Attribute) \
            and isinstance(v.func.value, gast.Name) and v.func.attr in ("append", "extend"):
        return v.func.value.id
    return None


_SHAPE_FUNCS = {np.size, np.shape, np.ndim, len, np.result_type}


def _in(f, group):
    try:
        return f in group
    except TypeError:
        return False


def _numpy_func(f):
    mod = getattr(f, "__module__", None) or ""
    return mod == "numpy" or mod.startswith("numpy.")


def _default_const(value):
    c = literal_expr(value)
    anno.set(c, "default", True)
    return c


class _DropDefaults(gast.NodeTransformer):
    """``np.sum(da, axis=None)`` -> ``np.sum(da)`` where ``None`` is the rule's own
    default for a parameter the call did not pass, and the called function's
    default too (a rule's ``axis=0`` passed on to ``np.sum`` stays)."""

    def __init__(self, resolve):
        self.resolve = resolve

    def visit_Call(self, node):
        self.generic_visit(node)
        node.keywords = [k for k in node.keywords
                         if not (anno.get(k.value, "default", False)
                                 and self._callee_default(node.func, k))]
        return node

    def _callee_default(self, func, keyword):
        import inspect
        try:
            param = inspect.signature(self.resolve(func)).parameters.get(keyword.arg)
        except (TypeError, ValueError):
            return False
        if param is None or param.default is param.empty:
            return False
        value = keyword.value
        if param.default is getattr(np, "_NoValue", param.empty):
            # NumPy's "not given": keepdims=False and axis=None mean the same
            return isinstance(value, gast.Constant) and value.value in (False, None)
        return isinstance(value, gast.Constant) and type(value.value) is type(param.default) \
            and value.value == param.default


def rename_expr(node, mapping):
    if not mapping:
        return node
    node = clone(node)
    for n in walk(node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id in mapping:
            n.id = mapping[n.id]
    return node


def _rebound_first(body, y):
    """Does the loop body bind ``y`` anew before anything can write into it, on
    every path that goes on? (Then its tangent is the body's own every
    iteration: no copy at the loop.) 'none' at the end: ``y`` is written only
    in inner loops that bind it anew first."""
    return _first_touch(body, y) in ("rebound", "none")


def _first_touch(block, y):
    """'rebound', 'touched', 'exits' (break/continue/return first) or 'none'."""
    for k, st in enumerate(block):
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                and st.targets[0].id == y and y not in names_read(st.value):
            return "rebound"
        if isinstance(st, (gast.Break, gast.Continue, gast.Return)):
            return "exits"
        if isinstance(st, gast.If) and y not in names_read(st.test):
            ends = {_first_touch(st.body, y), _first_touch(st.orelse, y)}
            if "none" in ends:      # that branch goes on to the statements after the if
                ends = (ends - {"none"}) | {_first_touch(block[k + 1:], y)}
            if "touched" in ends:
                return "touched"
            if "rebound" in ends:
                return "rebound"
            return "exits" if ends == {"exits"} else "none"
        if isinstance(st, (gast.For, gast.While)) and y not in names_read(
                st.iter if isinstance(st, gast.For) else st.test) \
                and _first_touch(st.body, y) in ("rebound", "none", "exits"):
            continue    # an inner loop that binds y anew before writing it (or not at all)
        if any(isinstance(n, gast.Name) and n.id == y for n in walk(st)):
            return "touched"
    return "none"
