"""A value that may share memory with an array written in place must not be
read after that write: refused, or checked where the write runs
(runtime.unshared_at_write). Reads only for a shape do not count."""

import gast

from ... import runtime
from ...analysis.activity import subscript_writes, walk_stmts
from ...analysis.liveness import bound_before, live_after, points_to, sharers
from ...analysis.sharing import container_holds, may_share, partners
from ...ir.syntax import resolve_static
from .checks import bind_none_first, insert_checks
from .memory import alias_binds, tuple_items


def check_reads_after_writes(norm, classifier, written, lists=frozenset()):
    """A value that may share memory with an array written in place (a view,
    an alias, a row of it) must not be read after that write: at each write
    ``y[i] = v``, no other name whose value may share ``y``'s memory is live.

    Whether it does may depend on the values (``y[k]`` is a number of a 1-d
    array, a row view of a 2-d one; builtin min() returns either argument):
    such a name is checked where the write runs (runtime.unshared_at_write),
    at every write whose array it may share: the reverse transform keeps a copy
    of a name that shares a written array and is not read after the write
    (reverse.py, _restore_view_bases), which a check could not see through. A
    name not bound on every path to such a write is bound to None where the
    function starts."""
    out = norm.output.id if isinstance(norm.output, gast.Name) else None
    all_writes = subscript_writes(norm.node.body)
    writes = {y: sts for y, sts in all_writes.items() if y in written}
    if not writes:
        return

    def callee(func):
        try:
            return resolve_static(classifier.fs, func, classifier.local_names)
        except KeyError:
            return None

    # (a name read only for its shape, as generated code reads a view in
    # unbroadcast(g, v), sees nothing a write changes: such reads do not count)
    unread = {id(st): got for st in walk_stmts(norm.node.body)
              if isinstance(st, (gast.Assign, gast.Expr))
              for got in [shape_only_reads([st], callee)] if got}
    live = live_after(norm.node.body, {out} if out else (), unread,
                      tuple_items(classifier, norm.node.body, norm.params).liveness())
    binds = alias_binds(classifier, norm.node.body, norm.params)
    # (the names' values where each write runs, as pairs: buffers that trade
    # names stay apart; sharing.py)
    env_before = may_share(norm.node.body, binds,
                           at={id(st) for sts in all_writes.values() for st in sts},
                           holds=container_holds(lists))
    found = [(y, st, t) for y in sorted(all_writes) for st in all_writes[y]
             for t in sorted(partners(env_before.get(id(st), {}), y))]
    first = {}      # name -> the first write after which it is read
    for y, st, t in found:
        if y in writes and t in live.get(id(st), ()):
            first.setdefault(t, (y, st))
    if not first:
        return
    # such a name is checked at every write it may share (read after it or not:
    # the reverse transform would otherwise copy it), and must be bound there
    found = [(y, st, t) for y, st, t in found if t in first]
    # (the reverse transform asks liveness.points_to, which also joins the arrays
    # of paths that cannot meet, a loop run no times and a value of its last
    # iteration: at a write where that says a checked name may share the array,
    # the name is checked too, or the copy the reverse makes of it would hide it)
    pts = points_to(norm.node.body, binds, at={id(st) for sts in writes.values() for st in sts})
    pairs = {(id(st), t) for _, st, t in found}
    found += [(y, st, t) for y in sorted(writes) for st in writes[y]
              for t in sorted((sharers(pts.get(id(st), {}), y) & set(first)) - {y})
              if (id(st), t) not in pairs]
    bound = bound_before(norm.node.body, norm.params, at={id(st) for _, st, _ in found})
    checks = {}
    for y, st, t in found:
        if y not in writes:
            y, st = first[t]
            message, hint = runtime.read_after_write(t, y)
            raise norm.fs.loc.error(st, message, hint)
        checks.setdefault(id(st), (y, []))[1].append(t)
    bind_none_first(norm, {t for y, st, t in found if t not in bound[id(st)]})
    insert_checks(norm, checks, runtime.unshared_at_write)


def shape_only_reads(stmts, callee):
    """Names the statements read only for their shape (the shape argument of
    unbroadcast, expand_reduced, zeros_like_value, ...): a write into their
    array changes nothing they are read for. ``callee(func node)`` is the
    object called."""
    from ...runtime import scatter_add
    helpers = {runtime.unbroadcast: 1, runtime.broadcast_like: 1, runtime.expand_reduced: 1,
               runtime.zeros_like_value: 0, scatter_add: 1}
    shape_reads, other_reads = set(), set()

    def visit(node):
        if isinstance(node, gast.Call):
            f = callee(node.func)
            pos = helpers.get(f, -1) if f is not None else -1
            for i, a in enumerate(node.args):
                if i == pos and isinstance(a, gast.Name):
                    shape_reads.add(a.id)
                else:
                    visit(a)
            for k in node.keywords:
                visit(k.value)
            visit(node.func)
            return
        if isinstance(node, gast.Name):
            if isinstance(node.ctx, gast.Load):
                other_reads.add(node.id)
            return
        for child in gast.iter_child_nodes(node):
            visit(child)

    for st in stmts:
        visit(st)
    return shape_reads - other_reads
