"""``y += v`` changes ``y``'s array in place but is differentiated as ``y = y +
v``: another name that may share the array and is read later is checked
where the write runs (runtime.not_shared), or made fresh where it is made
(runtime.fresh_value)."""

import gast

from ... import runtime
from ...analysis.activity import subscript_writes, walk_stmts
from ...analysis.liveness import bound_before, live_after, points_to, sharers
from ...ir import anno
from ...ir.syntax import const, load, names_stored, walk_fielded
from ..blocks import located, rewrite_blocks
from .checks import bind_none_first, insert_checks, named_values
from .memory import alias_binds, memory_sources


def check_augassign_aliases(norm, classifier, checked_writes, lists):
    """``y *= 2`` changes an array in place in Python, but is differentiated as
    ``y = y * 2``: where another name whose value may share memory with ``y``
    (a forward may-alias analysis) is used later, checked where it runs
    (runtime.not_shared), or where the value is made (_freshen)."""
    augs = [s for s in walk_stmts(norm.node.body) if anno.get(s, "augassign")]
    if not augs:
        return
    accepted = set()
    while True:
        got = _augassign_sharers(norm, classifier, checked_writes, augs, lists, accepted)
        if isinstance(got, dict):
            break
        # a sharer the generated code may copy is made fresh where it is made,
        # when it can be: checked there not to share its sources (an item y[k] of
        # a vector is a number), then the analysis is run again; else the check
        # where the write runs reads the values as the program made them
        # (reverse._check_before_copies). (Writes whose names are apart are
        # settled in one round; one naming a name settled in this round waits
        # for the analysis run again.)
        touched = set()
        for s, y, shared, bad in got:
            mine = {y} | set(shared) | set(bad)
            if mine & touched:
                continue
            touched |= mine
            if y in bad or not _freshen(norm, classifier, bad, s, y):
                accepted.add(id(s))
    checks = got
    if not checks:
        return
    # a check where it runs reads them all: a name not bound on every path there
    # is bound to None first
    bound = bound_before(norm.node.body, norm.params, at=set(checks))
    bind_none_first(norm, {v for k, (_, shared) in checks.items() for v in shared
                           if v not in bound[k]})
    # whether they do depends on the values (a number is never changed in place,
    # builtin min() may return either argument): checked where it happens
    insert_checks(norm, checks, runtime.not_shared)


def _augassign_sharers(norm, classifier, checked_writes, augs, lists, accepted=()):
    """{id(y += v): (y, names read later that may share y's array)}, or a list of
    (stmt, y, those names, the ones the reverse transform may copy) for each
    ``y += v`` (not in ``accepted``) whose sharing a check where it runs would
    see only through the values as the program made them (in program order)."""
    out = norm.output.id if isinstance(norm.output, gast.Name) else None
    live = live_after(norm.node.body, {out} if out else ())
    binds = alias_binds(classifier, norm.node.body, norm.params)
    writes = subscript_writes(norm.node.body)
    env_before = points_to(norm.node.body, binds,
                           at={id(s) for s in augs} | {id(st) for sts in writes.values()
                                                       for st in sts})
    # the names that may share an array written by subscript there: the generated
    # code may make such a name a copy (reverse.py, _restore_view_bases), which a
    # check where the program runs could not tell from the array -- except a name
    # read after such a write, checked where every write it may share runs and
    # never copied (check_reads_after_writes; the writes of list literals are not)
    near_writes, checked = set(), set()
    for w, sts in writes.items():
        for st in sts:
            shares = sharers(env_before.get(id(st), {}), w) - {w}
            near_writes |= shares
            if w in checked_writes:
                checked |= shares & live.get(id(st), set())
    near_writes -= checked
    # ... and only a name whose value may come from such a copy: one made by an
    # operation that may return a view (t = y[k]; reverse.py copies no fresh array,
    # parameter or loop target), another name for one, or one changed in place
    copyable = set()
    bound = []      # (stmt, target, sources, keeps) of the bindings that share
    for st in walk_stmts(norm.node.body):
        b = binds(st)
        if b and b[1]:
            bound.append((st,) + tuple(b))
    while True:
        more = {t for st, t, sources, keeps in bound if t not in copyable
                and (sources & copyable if isinstance(st.value, gast.Name)
                     or anno.get(st, "augassign") else not keeps)}
        if not more:
            break
        copyable |= more
    near_writes &= copyable
    checks = {}
    conflicts = []
    for s in augs:
        y = anno.get(s, "augassign")
        env = env_before.get(id(s), {})
        mine = env.get(y, frozenset({("name", y)}))
        # names whose current value is read again later and may be y's array
        shared = [v for v in sorted(live.get(id(s), ()))
                  if v not in (y, s.targets[0].id)
                  and env.get(v, frozenset({("name", v)})) & mine]
        if y in lists:
            # ``L += [v]`` extends the list object: what may see it is a name for
            # that list (M = L, P = {"a": L}, Q.append(L)), not the arrays its
            # items are views of (L = [B[0]] shares B's memory, but B is no list)
            holders = _list_holders(norm, y)
            shared = [v for v in shared if v in holders]
        bad = ({y} | set(shared)) & near_writes
        if shared and bad and id(s) not in accepted:
            conflicts.append((s, y, shared, bad))
        elif shared:
            checks[id(s)] = (y, shared)
    return conflicts or checks


def certain_lists(norm, classifier):
    """The names of the function that certainly hold lists: every binding is a
    list literal (or ``list(...)``) or an augmented ``L = L + T`` (``L += [v]``)
    whose operand ``T`` is such a name."""
    kinds = {}
    stores = {}
    for n in walk_fielded(norm.node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
            stores[n.id] = stores.get(n.id, 0) + 1
    for st in walk_stmts(norm.node.body):
        if isinstance(st, gast.Assign) and len(st.targets) == 1 \
                and isinstance(st.targets[0], gast.Name):
            kinds.setdefault(st.targets[0].id, []).append(st)
    # (a name bound any other way too, a loop target or an unpacked item, is not one)
    kinds = {n: sts for n, sts in kinds.items() if len(sts) == stores.get(n, 0)}

    seen = {}

    def literal(st):
        if id(st) not in seen:
            if isinstance(st.value, gast.List):
                seen[id(st)] = True
            else:
                op = classifier.classify(st.value)
                seen[id(st)] = op.kind == "call" and op.func is list
        return seen[id(st)]

    out = {n for n, sts in kinds.items() if all(literal(st) for st in sts)}
    grown = True
    while grown:
        grown = False
        for n, sts in kinds.items():
            if n in out:
                continue
            if all(literal(st) or (anno.get(st, "augassign") is not None
                                   and isinstance(st.value, gast.BinOp)
                                   and isinstance(st.value.op, gast.Add)
                                   and isinstance(st.value.right, gast.Name)
                                   and st.value.right.id in out
                                   and isinstance(st.value.left, gast.Name)
                                   and st.value.left.id in out | {n})
                   for st in sts):
                out.add(n)
                grown = True
    return out


def _list_holders(norm, y):
    """The names that may hold the list ``y`` itself: bound to it (``M = y``), to
    a literal holding it (``P = {"a": y}``), or grown with it (``Q.append(y)``),
    and so on. A conservative syntactic closure (any binding anywhere counts)."""
    held = {y}
    grown = True
    while grown:
        grown = False
        for st in walk_stmts(norm.node.body):
            target, values = None, ()
            if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
                target, v = st.targets[0].id, st.value
                values = [v] if isinstance(v, gast.Name) else \
                    list(getattr(v, "elts", None) or getattr(v, "values", None) or [])
            elif isinstance(st, gast.Expr) and isinstance(st.value, gast.Call) \
                    and isinstance(st.value.func, gast.Attribute) \
                    and isinstance(st.value.func.value, gast.Name):
                target, values = st.value.func.value.id, st.value.args
            elif isinstance(st, gast.For) and isinstance(st.iter, gast.Name):
                target, values = None, [st.iter]
                if st.iter.id in held:
                    for n in names_stored(st.target) - held:
                        held.add(n)
                        grown = True
                continue
            if target is not None and target not in held and any(
                    isinstance(v, gast.Name) and v.id in held for v in values):
                held.add(target)
                grown = True
    return held


def _freshen(norm, classifier, names, at, y):
    """Make every value the ``names`` get a fresh one, where it is made: after
    ``t = <op>`` (an item ``y[k]``, builtin ``min()``, ...), the check
    ``runtime.fresh_value`` refuses a value that shares memory with the op's
    sources, and the statement is marked ``srcdiff_fresh`` for the alias
    analyses. False when a name is bound otherwise (a parameter, a loop
    target, another name) or nothing is left to mark."""
    defs = {}
    for st in walk_stmts(norm.node.body):
        if isinstance(st, gast.FunctionDef):
            stored = {st.name}
        elif isinstance(st, gast.For):
            stored = names_stored(st.target)
        elif isinstance(st, gast.Assign):
            stored = set().union(*(names_stored(t) for t in st.targets))
        else:
            stored = set()
        for t in stored & names:
            ok = isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                and not isinstance(st.value, (gast.Name, gast.Lambda))
            defs.setdefault(t, []).append(st if ok else None)
    if names & set(norm.params) or any(None in defs.get(t, [None]) for t in names):
        return False
    todo = [st for t in sorted(names) for st in defs[t]
            if not anno.get(st, "augassign") and not anno.get(st, "fresh", 0)]
    if not todo:
        return False
    if any(classifier.classify(st.value).kind == "list_pop" for st in todo):
        # (an item popped off a list is the array put there, which the list no
        # longer holds where a check after the pop would look: not checkable)
        return False
    at_line = (anno.get(at, "srcloc") or norm.fs.loc).lineno(at)
    checks = {}
    for st in todo:
        anno.set(st, "fresh", True)
        t = st.targets[0].id
        sources = sorted(memory_sources(classifier.classify(st.value)) - {t})
        checks[id(st)] = (t, sources)

    def each(st):
        if id(st) not in checks:
            return [st]
        t, sources = checks[id(st)]
        where = anno.get(st, "srcloc") or norm.fs.loc
        shown = norm.names.user_name
        call = gast.Call(func=norm.env.ref(runtime.fresh_value, "fresh_value"),
                         args=[load(t), const(shown(t)), named_values(norm, sources),
                               const(shown(y)), const(at_line), const(where.filename),
                               const(where.lineno(st))], keywords=[])
        return [st, located(gast.Expr(value=call), st)]

    norm.node.body = rewrite_blocks(norm.node.body, each)
    return True
