"""The protection of in-place writes: what the function writes in place must
not be seen through another name.

srcdiff follows an array written in place only while nothing else refers to
its memory. ``protect_writes`` runs the checks of the other modules of this
package in order, refuses a written name bound to memory that is not private
(with a message naming what it may share), inserts the checks made where the
program runs, and copies the parameters written in place on entry.
"""

import ast
import operator
import re

import gast

from ... import runtime
from ...analysis.activity import subscript_writes, walk_stmts
from ...analysis.liveness import live_after, points_to
from ...errors import SrcdiffError
from ...ir import anno
from ...ir.syntax import assign, clone, const, load, names_read
from ..blocks import rewrite_blocks
from ..list_names import propagate_list_names
from .augassign_aliases import certain_lists, check_augassign_aliases
from .checks import insert_owned_checks
from .item_augassign import check_item_augassigns
from .memory import field_position, tuple_items
from .private import OwnedUnshared, Private
from .reads_after_writes import check_reads_after_writes
from .resized_lists import check_resized_list_aliases, list_valued_names


def protect_writes(norm, classifier):
    """In-place writes (``y[i] = v``) must not be seen through other names.

    srcdiff follows an array written in place only while nothing else refers
    to its memory: ``y`` must come from a fresh array (np.zeros, .copy(),
    arithmetic, ...) or be a parameter (copied on entry, so the caller's array
    is never modified); a value read out of ``y`` (``t = y[i]``, ``v = y.T``)
    must be used before ``y`` is written again. Anything else is refused,
    because a derivative through an aliased write would be wrong.
    """
    try:
        check_resized_list_aliases(norm)
    except SrcdiffError:
        # a list changed under one name and read under another: read it under
        # one name where it certainly is the same list (programs accepted
        # without this keep their text)
        propagate_list_names(norm.node.body, list_valued_names(norm.node.body))
    body = norm.node.body
    written = {t.value.id for s in walk_stmts(body) if isinstance(s, gast.Assign)
               for t in s.targets if isinstance(t, gast.Subscript)
               and isinstance(t.value, gast.Name)}
    defs = _binding_kinds(body, classifier)
    lists = _literal_lists(defs)
    grown = certain_lists(norm, classifier)
    lists |= grown      # (and lists grown by L += [v])
    check_item_augassigns(norm, classifier, lists)
    check_augassign_aliases(norm, classifier, written - lists, grown)
    check_resized_list_aliases(norm)
    if not written:
        return
    packs = {n for n, kinds in defs.items() if "pack" in kinds}
    _insert_list_slice_checks(norm, lists, packs)
    owned_checks = _check_private_bindings(norm, classifier, written, lists)
    if owned_checks:
        insert_owned_checks(norm, owned_checks)
    check_reads_after_writes(norm, classifier, written - lists, lists)
    _copy_written_params(norm, written)


def _binding_kinds(body, classifier):
    """name -> the kinds of operation of its bindings (``("name", x)`` for ``t = x``)."""
    # names only ever bound to list/dict literals: writing an element rebinds a slot,
    # it does not change the element objects read out earlier
    # (``list(v)`` and ``dict(v)`` make a new list or dict too: its items are
    # shared, the container is not, so rebinding an item slot changes nothing the
    # caller holds; a write into an item, ``t = args[i]; t[0] = v``, is a write
    # into a value read out of the list and checked as such)
    defs = {}
    for st in walk_stmts(body):
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
            op = classifier.classify(st.value)
            kind = "pack" if op.kind == "call" and op.func in (list, dict) else op.kind
            if isinstance(st.value, gast.Name):
                kind = ("name", st.value.id)    # (L = acc: a comprehension's list)
            defs.setdefault(st.targets[0].id, []).append(kind)
    return defs


def _literal_lists(defs):
    """The names every binding of which (``_binding_kinds``) is a list, tuple or
    dict literal, or another such name."""
    lists = set()
    while True:
        more = {n for n, kinds in defs.items() if n not in lists and all(
            k in ("pack", "pack_dict") or isinstance(k, tuple) and k[1] in lists
            for k in kinds)}
        if not more:
            break
        lists |= more
    return lists


def _check_private_bindings(norm, classifier, written, lists):
    """Every binding of a name written in place that a write may see must give
    it a private array: refused otherwise, unless the array is someone else's
    only by way of a parameter, which is checked where the writes run. Returns
    those checks: {id(write t[i] = v): (t, the parameters checked before it)}."""
    body = norm.node.body
    out = norm.output.id if isinstance(norm.output, gast.Name) else None
    private = Private(body, classifier, live_after(body, {out} if out else ()))
    seen = _bindings_seen_by_writes(body)
    # (an item of a tuple of new arrays read later is no read of the other items)
    extra = tuple_items(classifier, body, norm.params).liveness()
    swapped = OwnedUnshared(norm, classifier, written,
                            live_after(body, {out} if out else (), extra=extra), lists)
    owned_checks = {}
    for s in walk_stmts(body):
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)):
            continue
        t = s.targets[0].id
        if isinstance(s.value, gast.Name) and s.value.id == t:
            continue        # t = t
        if t in written and t not in lists and id(s) in seen \
                and not anno.get(s, "private", False) \
                and not private.binding(s, t) and not swapped.binding(s, t):
            # someone else's array on some paths only, by way of a parameter
            # (``v = np.flip(x if c else p.w)``): checked where it runs
            params = swapped.checked_binding(s, t)
            if params:
                # (before each write into t: only a write that runs counts)
                for w in subscript_writes(body).get(t, ()):
                    got = owned_checks.setdefault(id(w), (t, set()))[1]
                    got |= params
                continue
            raise _shared_memory_error(norm, classifier, s, t, swapped)
    return owned_checks


def _shared_memory_error(norm, classifier, s, t, swapped):
    """The error for ``t = ...`` (``s``), written in place, that may share memory
    with another value: named by what it may share, with the copy to make."""
    shown = norm.names.user_name
    op = classifier.classify(s.value)
    # (a version of t the transform made, t_1, is shown as t: named by
    # what it may be instead)
    what = ", ".join(sorted({_as_written(norm, classifier, n) for n in op.reads()}
                            - {shown(t)}))
    source = what.split(",")[0] if what else "(...)"
    if classifier.user_written(source) and (field_position(op) is not None
                                            or op.func is operator.getitem):
        # (the item read, not its holder: w = res[0].copy(), w = p[0].copy()
        # for w = p.a of a named tuple, w = x[1:].copy())
        source = _expr_text(norm, s.value)
    elif not what or not classifier.user_written(source):
        source = t      # (a value the transform named: copy the item itself)
    what = what or swapped.foreign_origin(s) or "another value"
    return norm.fs.loc.error(s, f"'{t}' is written in place but may share memory with "
                             f"{what}; srcdiff cannot follow writes through views or "
                             "aliases", f"make a private copy first: {t} = "
                             f"{source}.copy() (or build a new array)")


def _copy_written_params(norm, written):
    """The parameters written in place are copied where the function starts
    (runtime.saved_copy): the caller's arrays are never changed."""
    copy_ref = lambda: norm.env.ref(runtime.saved_copy, "saved_copy")  # noqa: E731
    head = []
    for p in norm.params:
        if p in written:
            node = assign(p, gast.Call(func=copy_ref(), args=[load(p)], keywords=[]),
                          anno.get(norm.node.body[0], "srcline") if norm.node.body else None)
            anno.set(node, "private", True)
            head.append(node)
    norm.node.body = head + norm.node.body


def _as_written(norm, classifier, name):
    """``name`` for a message: the user's name (``y`` for its version ``y_2``),
    or, for a value the transform named (``eigh_G`` of ``w, V = np.linalg.eigh(G)``),
    the expression it holds, as written."""
    if classifier.user_written(name):
        return norm.names.user_name(name)
    values = _values_of(norm, name)
    if len(values) != 1 or not all(classifier.user_written(n) for n in names_read(values[0])):
        return "the value unpacked there"
    return _expr_text(norm, values[0])


def _values_of(norm, name):
    """The values the normalized function binds ``name`` to (``name = value``)."""
    return [st.value for st in walk_stmts(norm.node.body) if isinstance(st, gast.Assign)
            and isinstance(st.targets[0], gast.Name) and st.targets[0].id == name]


def _expr_text(norm, node):
    """The source text of an expression of the normalized function, with the
    user's names for the versions the transform made."""
    text = ast.unparse(ast.fix_missing_locations(gast.gast_to_ast(gast.Expression(
        body=clone(node)))))
    return re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: norm.names.user_name(m.group(0)), text)


def _bindings_seen_by_writes(body):
    """ids of the bindings ``t = ...`` whose value some write ``t[i] = v`` may
    change (reaching definitions: a view bound only after the last write, or
    in a branch no write follows, is never written through)."""
    def binds(s):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            return s.targets[0].id, (), False
        return None
    writes = subscript_writes(body)
    env_before = points_to(body, binds, at={id(st) for sts in writes.values() for st in sts},
                           track=set(writes))
    seen = set()
    for y, sts in writes.items():
        for st in sts:
            seen |= {site[1] for site in env_before.get(id(st), {}).get(y, ())}
    return seen


def _insert_list_slice_checks(norm, lists, packs):
    """``L[a:b] = v`` where ``L`` is a list literal or ``v`` one: check where it
    happens that the write keeps the list's length (runtime.same_length_slice)."""
    loc = norm.fs.loc

    def each(st):
        if not (isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Subscript)
                and isinstance(st.targets[0].value, gast.Name)
                and isinstance(st.targets[0].slice, gast.Slice)):
            return [st]
        y, v = st.targets[0].value.id, st.value
        if y not in lists and not (isinstance(v, gast.Name) and v.id in packs) \
                and not isinstance(v, (gast.List, gast.Tuple)):
            return [st]
        sl = st.targets[0].slice
        bounds = [clone(b) if b is not None else const(None) for b in (sl.lower, sl.upper, sl.step)]
        k = norm.names.fresh(y + "_slice")
        line = anno.get(st, "srcline")
        at = anno.get(st, "srcloc") or loc
        where = (at.filename, at.lineno(st))
        check = gast.Call(func=norm.env.ref(runtime.same_length_slice, "same_length_slice"),
                          args=[load(y), gast.Call(func=norm.env.ref(slice, "slice"),
                                                   args=bounds, keywords=[]),
                                clone(v), const(where[0]), const(where[1])], keywords=[])
        st.targets[0].slice = load(k)
        return [assign(k, check, line), st]

    norm.node.body = rewrite_blocks(norm.node.body, each)
