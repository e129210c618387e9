"""Lists changed in place (``L.append(v)``, ``L.pop()``, ``L[k] = v``, ``L +=
vs``) must not be read under another name (``M = L``) or through a container
that may hold them: srcdiff follows the change under the list's own name."""

import gast

from ...analysis.activity import resizing_call, walk_stmts
from ...analysis.liveness import points_to, sharers
from ...ir import anno
from ...ir.syntax import names_read, names_stored


def _resized_list(st):
    """(L, method) for ``L.append(v)``, ``L.extend(vs)`` (statements) and ``L.pop()``
    (a statement or assigned)."""
    got = resizing_call(st.value) if isinstance(st, (gast.Expr, gast.Assign)) else None
    return got if got and (isinstance(st, gast.Expr) or got[1] == "pop") else None


def check_resized_list_aliases(norm):
    """``M = L; L.append(v)`` grows the list M names too, but srcdiff follows the
    change under the name L only: refused where another name for the same list
    is read (reading items out, ``a = L[0]``, is fine). So are the containers
    that may hold the list (``P = [L]``, ``t = grid[i]; t.append(v)``), which
    see the change too."""
    body = norm.node.body
    lists_made = list_valued_names(body)
    sites = [(st, _list_change(st, lists_made)) for st in walk_stmts(body)]
    sites = [(st, got) for st, got in sites if got]
    if not sites:
        return
    lists, holders = _resized_lists_and_holders(body, {lst for _, (lst, _) in sites})

    def binds(s):     # another name for the same list shares it, as does a container of it
        if isinstance(s, gast.Expr):
            got = resizing_call(s.value)
            if got and got[1] != "pop" and s.value.args \
                    and names_read(s.value.args[0]) & (lists | holders):
                return got[0], {got[0]} | (names_read(s.value.args[0]) & (lists | holders)), False
            return None
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)):
            return None
        t, v = s.targets[0].id, s.value
        if isinstance(v, gast.Name):
            return t, {v.id}, False
        aug = anno.get(s, "augassign")
        if aug in lists_made:
            return t, {aug}, False        # L += vs: the same list, grown
        if isinstance(v, (gast.List, gast.Tuple, gast.Dict)):
            return t, _literal_names(v) & (lists | holders), False
        base = _item_base(v)
        if base is not None and base in holders:
            return t, {base}, False       # an item of a container of the list may be it
        return t, set(), False
    env = points_to(norm.node.body, binds, at={id(st) for st, _ in sites},
                    track={lst for _, (lst, _) in sites}, rows=holders)
    # read before the change too (the adjoint sweep reads it after putting it
    # back); handing the list on (M = L) or growing it does not read its items
    read = set()
    for st in walk_stmts(norm.node.body):
        if isinstance(st, gast.Assign) and isinstance(st.value, gast.Name):
            continue
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                and isinstance(st.value, (gast.List, gast.Tuple, gast.Dict)):
            # (P = [L, x] holds L: P's reads are checked as P's)
            elts = st.value.values if isinstance(st.value, gast.Dict) else st.value.elts
            read |= names_read(st) - {e.id for e in elts if isinstance(e, gast.Name)}
            continue
        if _resized_list(st) and isinstance(st, gast.Expr):
            read |= names_read(st.value.args[0]) if st.value.args else set()
            continue
        read |= names_read(st) if not isinstance(st, (gast.If, gast.For, gast.While)) \
            else names_read(st.test if not isinstance(st, gast.For) else st.iter)
    grown = _grown_only(body, lists_made)
    shown = norm.names.user_name
    for st, (lst, how) in sites:
        # (a name the user wrote other than the list's first: L_1 = L + vs is L too)
        for m in sorted(sharers(env.get(id(st), {}), lst) - {lst},
                        key=lambda m: (shown(m) == shown(lst), m)):
            if _grown_into(grown, m, lst):
                continue
            if m in read and m in holders:
                raise norm.fs.loc.error(st, f"the list changed in place here ({how}) may "
                                        f"be held by '{m}', which is read; srcdiff does not "
                                        "follow a change of a list inside a container",
                                        "build the list on its own, and put it into the "
                                        "container after its last change")
            if m in read:
                raise norm.fs.loc.error(st, f"'{lst}' is changed in place here ({how}), "
                                        f"but '{m}' names the same list and is read; "
                                        "srcdiff follows the change under "
                                        f"'{lst}' only", f"copy it: {m} = list({lst})")


def _grown_only(body, lists_made):
    """{L: L_1} for a list L read only to be grown, ``L_1 = L + vs`` (``L += vs``
    normalized), L_1 bound there only: after it, the program reads the list as
    L_1 (the change of L_1 is followed under that name), and the generated code's
    ``+`` makes a new list, which L does not share."""
    reads, binds = {}, {}
    for st in walk_stmts(body):
        for t in names_stored(st) if not isinstance(st, (gast.If, gast.For, gast.While)) \
                else names_stored(st.target) if isinstance(st, gast.For) else ():
            binds[t] = binds.get(t, 0) + 1
        part = st if not isinstance(st, (gast.If, gast.For, gast.While)) \
            else st.iter if isinstance(st, gast.For) else st.test
        if isinstance(st, gast.Assign) and isinstance(st.value, gast.Name):
            continue        # handed on (M = L): M's reads are checked as M's
        aug = anno.get(st, "augassign")
        if aug in lists_made and isinstance(st.value, gast.BinOp) \
                and isinstance(st.value.left, gast.Name) and st.value.left.id == aug:
            reads.setdefault(aug, set()).add(st.targets[0].id)
            part = st.value.right
        for n in names_read(part):
            reads.setdefault(n, set()).add(None)
    return {m: next(iter(r)) for m, r in reads.items()
            if len(r) == 1 and None not in r and binds.get(next(iter(r))) == 1}


def _grown_into(grown, m, lst):
    """Whether ``m`` is read only to be grown, into a list read only to be
    grown, ..., into ``lst`` (``_grown_only``)."""
    seen = set()
    while m in grown and m not in seen:
        seen.add(m)
        m = grown[m]
        if m == lst:
            return True
    return False


def list_valued_names(body):
    """Names that may hold a list or dict made in the function (a literal,
    ``list(...)``/``dict(...)``, or lists joined or repeated): writing an item or
    ``L += vs`` changes it in place."""
    out = set()
    while True:
        size = len(out)
        for st in walk_stmts(body):
            if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
                t, v = st.targets[0].id, st.value
                if isinstance(v, (gast.List, gast.Dict)) \
                        or isinstance(v, gast.Call) and isinstance(v.func, gast.Name) \
                        and v.func.id in ("list", "dict") \
                        or isinstance(v, gast.Name) and v.id in out \
                        or isinstance(v, gast.BinOp) and isinstance(v.op, (gast.Add, gast.Mult)) \
                        and any(isinstance(a, gast.List) or isinstance(a, gast.Name)
                                and a.id in out for a in (v.left, v.right)):
                    out.add(t)
        if len(out) == size:
            return out


def _list_change(st, lists_made):
    """(L, how) for a statement that changes the list (or dict) L in place:
    ``L.append(v)``, ``L.extend(vs)``, ``L.pop()``, ``L[k] = v`` and ``L += vs``
    on a list made in the function."""
    got = _resized_list(st)
    if got:
        return got[0], f".{got[1]}()"
    if isinstance(st, gast.Assign):
        t = st.targets[0]
        if isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name) \
                and t.value.id in lists_made:
            return t.value.id, f"{t.value.id}[...] = ..."
        aug = anno.get(st, "augassign")
        if aug in lists_made:
            return aug, f"{aug} += ..."
    return None


def _literal_names(node):
    """The names a list, tuple or dict literal holds as elements (values)."""
    elts = node.values if isinstance(node, gast.Dict) else node.elts
    return {e.id for e in elts if isinstance(e, gast.Name)} \
        | {e.value.id for e in elts if isinstance(e, gast.Starred)
           and isinstance(e.value, gast.Name)}


def _item_base(node):
    """P for ``P[k]`` and ``P.pop()``: a value taken out of the container P."""
    if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name):
        return node.value.id
    got = resizing_call(node)
    return got[0] if got and got[1] == "pop" else None


def _resized_lists_and_holders(body, resized):
    """(names that may be a list resized somewhere, names that may hold one):
    ``P = [L]``, ``P.append(L)``, ``t = P[k]`` with t resized make P a holder,
    and an item taken out of a holder (``t = P[k]``, ``for t in P``) may be the
    list, or a holder itself."""
    lists, holders = set(resized), set()
    while True:
        size = len(lists) + len(holders)
        for st in walk_stmts(body):
            if isinstance(st, gast.For) and names_read(st.iter) & holders:
                lists |= names_stored(st.target)
                holders |= names_stored(st.target)
            elif isinstance(st, gast.Expr):
                got = resizing_call(st.value)
                if got and got[1] != "pop" and st.value.args \
                        and names_read(st.value.args[0]) & (lists | holders):
                    holders.add(got[0])
            elif isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
                t, v = st.targets[0].id, st.value
                if isinstance(v, gast.Name):
                    if v.id in lists:
                        lists.add(t)
                    if v.id in holders:
                        holders.add(t)
                elif isinstance(v, (gast.List, gast.Tuple, gast.Dict)):
                    if _literal_names(v) & (lists | holders):
                        holders.add(t)
                else:
                    base = _item_base(v)
                    if base is not None and t in lists:
                        holders.add(base)
                    if base is not None and base in holders:
                        lists.add(t)
                        holders.add(t)
        if len(lists) + len(holders) == size:
            return lists, holders
