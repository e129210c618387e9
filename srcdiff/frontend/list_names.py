"""One name for a list read under two: ``M = L`` and ``P = (L, x)`` followed.

In the user's program ``M = L`` makes M another name of the list L, and
``P = (L, x)`` (or ``[L, ...]``, ``{'a': L}``) holds it, so ``P[0]`` is L too.
srcdiff follows a list changed in place (``L[k] = v``, ``L.append(v)``,
``L += vs``) under one name only and refuses a change seen through another.
Where neither name has been rebound since (on every path to the read), a read
of M, or of ``P[0]``, is a read of L: :func:`propagate_list_names` rewrites
it to L, so the program changes and reads the list under one name, which the
checks after it follow. Only lists changed in place somewhere are rewritten
(other programs keep their text).

Facts flow forward through a block; an ``if`` keeps those that no branch
rebinds; a loop starts its body (and its test) with the facts nothing inside
it rebinds, so they hold on the back edge too. ``L_1 = L + vs`` (``L += vs``
normalized) grows the same list: its names continue under ``L_1``. A list or
dict holding L stops counting as soon as it is used other than by reading
an item at a constant key (it may have been changed); a tuple cannot be.
"""
import gast

from ..analysis.activity import resizing_call
from ..ir.syntax import clone, names_stored, walk
from ..ir import anno

__all__ = ["propagate_list_names"]

_BLOCKS = (gast.If, gast.For, gast.While)
# (names inside these may be their own: not rewritten)
_SCOPES = (gast.Lambda, gast.FunctionDef, gast.ListComp, gast.SetComp, gast.DictComp,
           gast.GeneratorExp)


def propagate_list_names(body, lists):
    """Rewrite, in place, reads of other names of a list in ``lists`` (names
    bound to lists or dicts made in the function) that is changed in place."""
    flow = _Flow(lists)
    flow.block(body, {}, {})
    changed = {flow.find(r) for r in flow.changed}
    for node, field, index, new, roots in flow.rewrites:
        if any(flow.find(r) in changed for r in roots):
            if index is None:
                setattr(node, field, new)
            else:
                getattr(node, field)[index] = new


class _Flow:
    def __init__(self, lists):
        self.lists = lists
        self.rewrites = []      # (parent, field, index or None, new node, the lists)
        self.changed = set()    # roots changed in place
        self.same = {}          # root -> the root it continues (L_1 = L + vs)

    def find(self, r):
        while r in self.same:
            r = self.same[r]
        return r

    # -- statements
    def block(self, stmts, alias, held):
        for st in stmts:
            self.statement(st, alias, held)

    def statement(self, st, alias, held):
        if isinstance(st, _BLOCKS):
            self.compound(st, alias, held)
            return
        if isinstance(st, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef,
                           gast.Try, gast.With, gast.AsyncWith, gast.AsyncFor)) \
                or _binds_inside(st):
            self.forget(st, alias, held)
            return
        self.drop_used_containers(st, held, alias)
        aug = anno.get(st, "augassign")
        target = st.targets[0].id if isinstance(st, gast.Assign) and len(st.targets) == 1 \
            and isinstance(st.targets[0], gast.Name) else None
        grown = aug is not None and aug not in alias and aug in self.lists \
            and target not in (None, aug) and isinstance(st.value, gast.BinOp) \
            and isinstance(st.value.left, gast.Name) and st.value.left.id == aug
        self.note_change(st, alias, aug)
        # (the list grown, L in L_1 = L + vs, keeps its name: read before it grows)
        self.rewrite(st, alias, held, skip=st.value.left if grown else None)
        for name in names_stored(st):
            self.kill(name, alias, held)
        if target is None:
            return
        v = st.value
        if grown:
            # L_1 = L + vs: the same list, grown; L's names continue as L_1
            for k, r in list(alias.items()):
                if r == aug:
                    alias[k] = target
            for _, items in held.values():
                for k, (r, is_list) in list(items.items()):
                    if is_list and r == aug:
                        items[k] = (target, True)
            alias[aug] = target
            old, new = self.find(aug), self.find(target)
            if old != new:
                self.same[new] = old
            return
        root = self.root(v, alias, held)
        if root is not None and root != target:
            alias[target] = root
        elif isinstance(v, (gast.Tuple, gast.List, gast.Dict)):
            items = _literal_items(v, lambda e: self.root(e, alias, held))
            if any(is_list for _, is_list in items.values()):
                held[target] = (isinstance(v, gast.Tuple), items)

    def compound(self, st, alias, held):
        head = st.iter if isinstance(st, gast.For) else st.test
        if _binds_inside(head):
            self.forget(st, alias, held)
            return
        if isinstance(st, gast.If):
            self.rewrite(st.test, alias, held)
            for sub in (st.body, st.orelse):
                self.block(sub, dict(alias), _copy_held(held))
            self.forget(st, alias, held)
            return
        if isinstance(st, gast.For):
            self.rewrite(st.iter, alias, held)
        self.forget(st, alias, held)        # what holds on the back edge too
        if isinstance(st, gast.While):
            self.rewrite(st.test, alias, held)
        for sub in (st.body, st.orelse):
            self.block(sub, dict(alias), _copy_held(held))

    def forget(self, st, alias, held):
        """Drop the facts a statement (and the blocks in it) may undo."""
        self.drop_used_containers(st, held, alias)
        for name in names_stored(st):
            self.kill(name, alias, held)

    def kill(self, name, alias, held):
        alias.pop(name, None)
        held.pop(name, None)
        for k in [k for k, r in alias.items() if r == name]:
            del alias[k]
        for _, items in held.values():
            for k in [k for k, (r, _) in items.items() if r == name]:
                del items[k]

    def drop_used_containers(self, st, held, alias):
        """A list or dict holding a list, used (under any of its names) other
        than by ``P[k]`` (read) or as an item of a literal that then holds it,
        may have been changed; so may the lists it holds (``g(P)`` may write
        into ``P[0]``), a tuple's too."""
        if not held:
            return
        items_read = set()
        for n in walk(st):
            if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Load) \
                    and isinstance(n.value, gast.Name) and isinstance(n.slice, gast.Constant):
                items_read.add(id(n.value))
        if isinstance(st, gast.Assign) and len(st.targets) == 1 \
                and isinstance(st.targets[0], gast.Name) \
                and isinstance(st.value, (gast.List, gast.Tuple, gast.Dict)):
            # (P = [Q, x]: P holds Q, followed as P's item; a use of P drops Q)
            items = _literal_items(st.value, lambda e: self.root(e, alias, held))
            kept = {r for r, is_list in items.values() if is_list}
            elts = st.value.values if isinstance(st.value, gast.Dict) else st.value.elts
            items_read |= {id(e) for e in elts if isinstance(e, gast.Name)
                           and alias.get(e.id, e.id) in kept}
        for n in walk(st):
            if isinstance(n, gast.Name) and id(n) not in items_read:
                self.drop(alias.get(n.id, n.id), held)

    def drop(self, name, held, seen=()):
        """``name`` may have been changed: so may every list it holds."""
        if name not in held or name in seen:
            return
        is_tuple, items = held[name]
        if not is_tuple:
            del held[name]
        for r, is_list in list(items.values()):
            if is_list:
                self.drop(r, held, (*seen, name))

    def note_change(self, st, alias, aug):
        name = None
        got = resizing_call(st.value) if isinstance(st, gast.Expr) else None
        if got:
            name = got[0]
        elif isinstance(st, gast.Assign):
            t = st.targets[0]
            if isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name):
                name = t.value.id
            elif aug is not None:
                name = aug
        if name is not None:
            self.changed.add(alias.get(name, name))

    # -- expressions
    def root(self, node, alias, held):
        """The list made in the function that ``node`` (a name, or an item of a
        literal holding it) certainly is, or None."""
        got = self.same_list(node, alias, held)
        if got is None:
            return node.id if isinstance(node, gast.Name) and node.id in self.lists else None
        new, roots = got
        return new.id if isinstance(new, gast.Name) and new.id in roots else None

    def rewrite(self, node, alias, held, skip=None):
        """Record the rewrites of the names (and container items) in ``node``
        that are other names of a list."""
        if node is skip or isinstance(node, _SCOPES):
            return
        for field, value in gast.iter_fields(node):
            children = value if isinstance(value, list) else [value]
            for i, child in enumerate(children):
                if not isinstance(child, gast.AST):
                    continue
                got = None if child is skip else self.same_list(child, alias, held)
                if got is not None:
                    new, roots = got
                    gast.copy_location(new, child)
                    self.rewrites.append((node, field, i if isinstance(value, list) else None,
                                          new, roots))
                else:
                    self.rewrite(child, alias, held, skip)

    def same_list(self, node, alias, held):
        """(what ``node`` certainly is, the lists it stands for) for another
        name of a list, or an item of a literal holding one (``P[1]`` in
        ``P = (L, x)`` is x, read in place of P when L is changed), or None."""
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            return (_name(alias[node.id]), (alias[node.id],)) if node.id in alias else None
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load) \
                and isinstance(node.value, gast.Name) and isinstance(node.slice, gast.Constant):
            # (the container under another of its names: Q = P[0] with P = [[..]])
            base = alias.get(node.value.id, node.value.id)
            if base not in held:
                return None
            items = held[base][1]
            got = items.get(node.slice.value)
            if got is None:
                return None
            item, is_list = got
            # read in place of the container whenever one of its lists changes, so
            # that a change of P[0] leaves no read of P (P[1] is M)
            return (_name(item) if isinstance(item, str) else clone(item)), \
                tuple(sorted(self.lists_held(base, held)))
        return None

    def lists_held(self, name, held, seen=()):
        """The lists ``name`` holds, and those they hold."""
        out = set()
        if name in held and name not in seen:
            for r, is_list in held[name][1].values():
                if is_list:
                    out |= {r} | self.lists_held(r, held, (*seen, name))
        return out


def _binds_inside(node):
    """An expression binding a name (``(M := v)``, a comprehension's variable):
    what the statement reads may then not be what the facts say."""
    return any(isinstance(n, (gast.NamedExpr, gast.comprehension)) for n in walk(node))


def _name(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def _literal_items(node, root):
    """{key: (item, is a list)} for the items of a literal: the list an item
    certainly is (``root`` finds it), else its name or constant."""
    if isinstance(node, gast.Dict):
        pairs = [(k.value, v) for k, v in zip(node.keys, node.values)
                 if isinstance(k, gast.Constant)]
        if len(pairs) < len(node.keys):
            return {}
    else:
        if any(isinstance(e, gast.Starred) for e in node.elts):
            return {}
        n = len(node.elts)
        pairs = [(k, e) for i, e in enumerate(node.elts) for k in (i, i - n)]
    out = {}
    for k, v in pairs:
        r = root(v)
        if r is not None:
            out[k] = (r, True)
        elif isinstance(v, gast.Name):
            out[k] = (v.id, False)
        elif isinstance(v, gast.Constant):
            out[k] = (v, False)
    return out


def _copy_held(held):
    return {k: (t, dict(items)) for k, (t, items) in held.items()}
