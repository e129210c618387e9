"""Writes into a value: ``y[i] = v`` (the slot's cotangent goes to ``v``, then
is zero) and a list grown or shrunk (``L.append(v)``, ``L.extend(vs)``,
``x = L.pop()``: cotangents come back off, or go back onto, the end of
``dL``). Each leaves a Restore placeholder where the old contents are put
back (restores.py).
"""
import gast

from .. import runtime
from ..ir import anno
from ..ir.syntax import load, assign, call, attr, subscript, clone
from .placeholders import Restore


class WritesMixin:
    """Reverses subscript stores and list appends / extends / pops."""

    def rev_setitem(self, s, target):
        """y[i] = v: dv gets dy[i]; dy[i] is then zero (that element was overwritten)."""
        line = anno.get(s, "srcline")
        y = target.value.id
        out = []
        d = self.adj(y)
        if self.active(y) and d in self.live:
            out += self.present(y, line)
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
                    out.append(assign(tmp, e, line))
                    late = [(v.id, load(tmp))]
                else:
                    out += self.accumulate(v.id, e, line)
            out.append(assign(d, call(self.ref(runtime.zero_at, "zero_at"),
                                      [load(d), clone(target.slice)]), line))
            self.owned.add(d)
            for name, e in late:
                out += self.accumulate(name, e, line)
        out.append(Restore(s, y, "item"))
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

    def rev_list_add(self, s, lst, meth, node):
        """lst.append(v) / lst.extend(vs): the cotangents come back off dlst's end."""
        line = anno.get(s, "srcline")
        if lst in self.norm.params or lst not in self.local_names:
            raise self.error(s, f"{lst}.{meth}() changes a list that outlives the call",
                             "build a new list inside the function instead")
        if len(node.args) != 1 or node.keywords:
            raise self.error(s, f"unsupported call of .{meth}()")
        v = node.args[0]
        dl = self.adj(lst)
        out = []
        if self.active(lst) and dl in self.live:
            out += self.own_list(dl, line)
            if meth == "append":
                taken = call(attr(dl, "pop"))
            else:
                taken = call(self.ref(runtime.pop_tail, "pop_tail"),
                             [load(dl), call("len", [clone(v)])])
            if isinstance(v, gast.Name) and self.active(v.id):
                out += self.accumulate(v.id, taken, line)
            else:
                out.append(gast.Expr(value=taken))
        out.append(Restore(s, lst, meth))
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
        line = anno.get(s, "srcline")
        lst = op.args[0].id
        dl = self.adj(lst)
        d = self.adj(t)
        out = []
        if self.active(t) and d in self.live:
            if dl not in self.live:
                out.append(assign(dl, call(self.ref(runtime.zeros_like_list, "zeros_like_list"),
                                           [load(lst)]), line))
                self.live.add(dl)
                self.owned.add(dl)
            out += self.present(t, line)
            out += self.own_list(dl, line)
            out.append(gast.Expr(value=call(attr(dl, "append"), [load(d)])))
        elif dl in self.live:
            out += self.own_list(dl, line)
            out.append(gast.Expr(value=call(attr(dl, "append"), [
                call(self.ref(runtime.zeros_like_value, "zeros_like_value"), [load(t)])])))
        self.live.discard(d)
        self.owned.discard(d)
        self.absent.discard(d)
        out.append(Restore(s, lst, "pop"))
        if self.overwrites(t, s):
            out.append(Restore(s, t, "name"))
        return out
