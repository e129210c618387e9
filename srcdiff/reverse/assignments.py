"""The adjoint of an assignment ``t = f(...)``: the cotangent of ``t`` flows
back into the operands (copies, tuples, dicts, rule calls, user calls), then
``t``'s old value is put back where it was overwritten.
"""
import gast

from .. import runtime
from ..analysis.activity import mutated_receiver, mutating_call_refusal
from ..ir import anno
from ..ir.syntax import load, const, assign, call, subscript, clone, walk
from .in_place import IN_PLACE_HELPERS
from .placeholders import Restore


class AssignmentsMixin:
    """Reverses ``t = value`` statements."""

    def overwrites(self, name, stmt=None):
        if self.loop_depth > 0:
            return True
        if self.assign_count.get(name, 0) <= 1:
            return False
        # the first assignment of a local overwrites nothing
        return not (stmt is not None and self.first_def.get(name) is stmt)

    def rev_assign(self, s, t):
        out = []
        op = anno.get(s, "split")[1] if anno.has(s, "split") else \
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
        if anno.get(s, "iterlocal") is not None and self.loop_depth > 0:
            if not anno.get(s, "invariant", False):
                out.append(Restore(s, t, "iterlocal"))
            return out + self.late_restores + refilled
        if self.late_restores and self.overwrites(t, s):
            out += self.late_restores
        if self.overwrites(t, s) and not self._restored_early:
            out.append(Restore(s, t, "name"))
        return out + refilled

    def _refilled_argument(self, s, t, op):
        """``t = restore_contents(x, saved)`` (or another helper that writes into
        its first argument) with ``x`` a name other than ``t``, as generated code
        differentiated again has it once its names are versioned: x's array is
        changed in place, so the sweep puts its old contents back in place
        (views of it stay valid) before anything earlier reads x."""
        if op.kind != "call" or op.func not in IN_PLACE_HELPERS or not op.args \
                or not isinstance(op.args[0], gast.Name) or op.args[0].id == t:
            return []
        return [Restore(s, op.args[0].id, "contents")]

    def contributions(self, s, t, op):
        line = anno.get(s, "srcline")
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
                pre.append(Restore(s, t, "name"))
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
            if isinstance(st, Restore):
                continue
            for n in walk(st):
                if isinstance(n, gast.Name) and n.id == tmp:
                    n.id = d
        del idx
        return out
