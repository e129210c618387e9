"""``t = value``: the primal statement, then ``dt``'s (a rule's tangent, a list
pop's, a placeholder's), with the old value saved when the rule reads ``t``."""
import operator

import gast

from .. import runtime
from ..analysis.activity import mutated_receiver, mutating_call_refusal
from ..ir import anno
from ..ir.syntax import load, const, assign, call, attr, names_read, clone
from .aliasing import items_key
from .tangent_rules import Unsupported
from .zeros import zero, is_zero

__all__ = ["AssignmentsMixin"]


# Calls whose tangent is the same call on the tangents, so the tangent shares
# memory exactly where the primal does: an item (a view or the object itself),
# and the copies generated code saves before overwriting an item (a copy of an
# array, the object itself otherwise). Taking them as views keeps a buffer that
# a saved item was read from owned, so its later item writes stay in place, as
# the primal's do (a stack holding the buffer sees them in both).
_MIRRORS = (operator.getitem, runtime.saved_item, runtime.saved_copy,
            runtime.restore_contents,   # (the value's array refilled in place)
            runtime.as_sequence)        # (an array or tuple itself, a list's items shared)


class AssignmentsMixin:
    """``t = value`` statements (see the module docstring)."""

    def assign_stmt(self, s, t):
        recv = mutated_receiver(s.value)
        if recv is not None and self.active(recv):
            raise self.error(s, *mutating_call_refusal(s.value.func.attr))
        if self._pop_tail_of(s.value) is not None:
            return self.pop_tail_assign(s, t)
        if not self.active(t):
            return self._inactive_assign(s)
        op = self.classifier.classify(s.value)
        line = anno.required(s, "srcline")
        if op.kind == "const" and isinstance(s.value, gast.Constant) and s.value.value is None:
            return self._placeholder_assign(s, t, line)
        if op.kind == "list_pop":
            return self._list_pop_assign(s, t, op, line)
        pre = []
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
        except Unsupported as e:
            error = self.error(s, str(e.args[0]), e.args[1] if len(e.args) > 1 else None)
            error.object_read = e.object_read
            raise error from None
        out = pre + [s] + stmts
        mirror = op.kind == "copy" or (op.kind == "call" and any(op.func is m for m in _MIRRORS))
        return self.set_tangent(t, expr, line, out, mirror=mirror)

    def _inactive_assign(self, s):
        """``t = value`` where ``t`` has no tangent: still a list's pop, or an
        array's refill in place, has its effect on the tangents."""
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

    def _placeholder_assign(self, s, t, line):
        """``t = None``: a placeholder (generated code initializes names it saves this way)."""
        self.live.discard(t)
        self.owned.discard(t)
        if self.eager(t):
            self.live.add(t)
            # (None is no buffer another tangent shares: a path that binds t
            # to an array it owns still owns it after the paths meet)
            self.owned.add(t)
            return [s, assign(self.tan(t), const(None), line)]
        return [s]

    def _list_pop_assign(self, s, t, op, line):
        """``t = lst.pop()``: ``dt`` is popped from ``lst``'s list of tangents."""
        lst = op.args[0].id
        out = [s]
        if self.active(lst) and lst in self.live:
            out = self.set_tangent(t, call(attr(self.tan(lst), "pop")), line, out,
                                   mirror=True)
            if items_key(lst) in self.owned:
                # (every tangent pushed on lst was a buffer of its own, as the
                # primal pushed: writes into what is popped stay in place, seen
                # by the names that share it, as the primal's writes are --
                # ``choice = v; ...; v = S.pop(); v[i] = old`` restores choice too)
                self.owned.add(t)
            return out
        return self.set_tangent(t, zero(load(t)), line, out)

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
