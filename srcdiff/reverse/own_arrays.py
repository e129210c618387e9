"""Arrays no other name holds: where the sweep puts back an array's old items
in place, a copy can be pushed and popped (so no array is both on a stack
and written in place) only if no other name could see the difference.
"""
import gast

from ..analysis.activity import walk_stmts
from ..ir.syntax import names_read, walk


class OwnArraysMixin:
    """Decides which written arrays no other name holds."""

    def _own_array(self, body, t, written_any, uses):
        """Is the array bound to ``t`` never held by another name: every binding
        of ``t`` makes a new array (not a parameter, a view, a tuple or a swap,
        ``u, v = v, u``), and ``t`` is read only to make new arrays (``t * 2``,
        not ``t[1:]``, ``[t]`` or ``f(t)`` for a call that may return it)? Then
        putting back its old items in the sweep needs no other name to see them.
        ``written_any``: the names of ``body`` written into (``w[i] = e``);
        ``uses``: statements_naming(body)."""
        from ..frontend.writes.memory import fresh_definition

        def makes_new(st):
            op = self.classifier.classify(st.value)
            if fresh_definition(op) and op.kind not in ("pack", "pack_dict"):
                return True
            if isinstance(st.value, gast.Compare):
                return True     # (a comparison makes new booleans)
            # (an element read, ``w_item = w[i]`` of a vector: a number, not a view)
            v = st.value
            return isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) \
                and self.shapes.rank(v.value) == 1 and self.shapes.rank(v.slice) == 0 \
                and (not isinstance(v.slice, gast.Constant) or type(v.slice.value) is int)

        from ..frontend.writes.memory import memory_sources

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
                if op.kind != "call" or name not in memory_sources(op) - {
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


def statements_naming(body):
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
