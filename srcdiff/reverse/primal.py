"""The primal sweep's statements: the original ones with the pushes placed
before or after them, trip counters for loops whose count the adjoint needs,
and iterables converted to sequences where a loop is reversed.
"""
import gast

from .. import runtime
from ..ir import anno
from ..ir.syntax import load, const, assign, call, attr


class PrimalMixin:
    """Builds the primal sweep."""

    def _rebuild(self, stmts, pushes):
        out = []
        for st in stmts:
            out += pushes.get(id(st), [])
            after = self.pushes_after.get(id(st), [])
            if isinstance(st, gast.For) and anno.get(st, "sequence", False):
                if not _is_range_call_name(st.iter, stmts):
                    it = st.iter.id if isinstance(st.iter, gast.Name) else None
                    producer = _defining(stmts, it)
                    if producer is not None and producer in out:
                        # convert where it is made (before anything saves it)
                        producer.value = call(self.ref(runtime.as_sequence, "as_sequence"),
                                              [producer.value])
                    elif it is not None and it in self.local_names:
                        out.append(assign(it, call(self.ref(runtime.as_sequence, "as_sequence"),
                                                   [load(it)]), anno.get(st, "srcline")))
                    elif it is not None:
                        # (a global or closure variable: converted into a local name)
                        seq = self.names.fresh(it + "_seq")
                        out.append(assign(seq, call(self.ref(runtime.as_sequence, "as_sequence"),
                                                    [load(it)]), anno.get(st, "srcline")))
                        st.iter = load(seq)
            count = anno.get(st, "count")
            if count:
                out.append(assign(count, const(0), anno.get(st, "srcline")))
                inc = assign(count, gast.BinOp(left=load(count), op=gast.Add(),
                                               right=const(1)), anno.get(st, "srcline"))
                st.body = [inc] + st.body
                stack = anno.get(st, "count_stack")
                if stack:
                    after = [gast.Expr(value=call(attr(stack, "append"), [load(count)]))] + after
            for field in ("body", "orelse"):
                sub = getattr(st, field, None)
                if isinstance(sub, list) and not isinstance(st, gast.FunctionDef):
                    setattr(st, field, self._rebuild(sub, pushes))
            out.append(st)
            out += after
        return out


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
