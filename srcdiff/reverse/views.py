"""Views of arrays written in place: where the adjoint reads a view (or
another name that may share the array) of an array the primal writes into
afterwards, the array's old elements must be put back too, and the view is
kept as a copy (``saved_copy``); the checks where the program runs that
would no longer see the sharing read a second name (``v_held``) instead.
"""
import builtins
import operator

import gast

from .. import runtime
from ..analysis.activity import subscript_writes, walk_stmts
from ..ir import anno
from ..ir.syntax import load, assign, call, names_read, clone, walk, names_stored, rename


class ViewsMixin:
    """Views the sweep reads of arrays written in place."""

    def _restore_view_bases(self, body, needed, written):
        """A view (``t = v[1:-1]``) of an array written in place afterwards shows
        the new elements: where the adjoint reads the view's values, the array it
        looks into must have its old elements put back too (marked needed).
        Decided at each write by a forward may-alias analysis (liveness.py), so
        a view of an older binding of the name does not count."""
        from ..frontend.writes.memory import alias_binds
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
        from ..frontend.writes.memory import fresh_definition
        # (a part of a parameter checked where the program runs never to be written
        # through (runtime.owned_value) keeps its values: a copy would hide the
        # sharing from the check)
        kept = self._owned_value_params(body)
        wrap = [st for st in walk_stmts(body)
                if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name)
                and st.targets[0].id in copied
                and not isinstance(st.value, gast.Name)
                and not fresh_definition(self.classifier.classify(st.value))
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

    def _selects(self, value):
        """Is ``value`` a name, or builtin min()/max() (which return one of their
        arguments itself)?"""
        return isinstance(value, gast.Name) or isinstance(value, gast.Call) \
            and self.classifier.classify(value).func in (builtins.min, builtins.max)

    def _is_view(self, value):
        """A subscript or a NumPy view function of a name (``s[0:2]``, ``s.T``)."""
        from ..frontend.writes.memory import VIEWS
        op = self.classifier.classify(value)
        return op.kind == "call" and bool(op.args) and isinstance(op.args[0], gast.Name) \
            and (op.func is operator.getitem or getattr(op.func, "__name__", "") in VIEWS)

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
            t, line, value = st.targets[0].id, anno.get(st, "srcline"), st.value
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
                    st.body[:0] = [assign(shadow[n], load(n), anno.get(st, "srcline"))
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


def _part_of(v):
    """The name whose part ``v`` reads (``p.a``, ``p[k]``, ``p.a[k]``), or None."""
    while isinstance(v, (gast.Attribute, gast.Subscript)):
        v = v.value
    return v.id if isinstance(v, gast.Name) else None
