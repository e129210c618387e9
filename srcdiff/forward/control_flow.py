"""Branches and loops. Paths through an ``if`` meet with the union of their live
tangents; a loop's live and owned sets are iterated to a fixed point first
(names reserved, nothing emitted), then the body is transformed once. A buffer
the loop writes item by item is made private before it, unless the body binds
it anew first (``_rebound_first``). A for loop over a live iterable zips it
with its tangent."""
import gast

from ..analysis.activity import walk_stmts
from ..ir import anno
from ..ir.syntax import load, store, assign, call, names_read, walk
from ..rules.forward_writes import private_copy
from .aliasing import key_owner

__all__ = ["ControlFlowMixin"]


class ControlFlowMixin:
    """``if``, ``for`` and ``while`` statements (see the module docstring)."""

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
            return {n for n in owned if key_owner(n) not in live0 | other_live}
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

    def written_items(self, s):
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
                    pre.append(assign(self.tan(n), self.zero_value(n),
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
        written = self.written_items(s)
        # a buffer the loop writes into element by element is made private once
        copies = {y for y in written if y in live0 and y not in owned0
                  and not _rebound_first(s.body, y)}
        start, owned_start = self._loop_entry_state(s, set(live0), owned0 | copies, diter)
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

    def _loop_entry_state(self, s, start, owned_start, diter):
        """(live, owned) at the top of every iteration: the sets before the loop
        widened by what the body ends with, to a fixed point (trial runs of the
        body emit nothing; the tangent names they made stay reserved)."""
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
        return start, owned_start

    def _tangent_target(self, t):
        if isinstance(t, gast.Name):
            return store(self.tan(t.id) if self.active(t.id) else "_")
        return gast.Tuple(elts=[self._tangent_target(e) for e in t.elts], ctx=gast.Store())


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
