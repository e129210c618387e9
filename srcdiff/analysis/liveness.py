"""Liveness of names in structured (A-normal form) code.

``live_after(body, exit_live)`` maps each statement (by ``id``) to the names
whose current values may still be read after it runs: along some path from
the statement to the end of the function a read of the name comes before any
rebinding of it. Loops are solved to a fixpoint; ``break``, ``continue`` and
``return`` jump to the loop exit, the loop head and the function exit.

A subscript store ``y[i] = v`` reads ``y`` (and does not rebind it). The
alias checks use this to ask "is this other name for the same array ever
read again?" instead of "does the name appear later in the text?". A
statement that reads a nested def or lambda (calls it or hands it on) reads
the names it reads: a closure reads them when it runs.
"""
from __future__ import annotations

import gast

from .activity import walk_stmts
from ..ir.syntax import names_read, names_stored, walk


def _reads(s):
    if isinstance(s, gast.Assign):
        # y[i] = v reads y and i (a store into y's elements, not a new y)
        return names_read(s.value) | {n.id for t in s.targets if not isinstance(t, gast.Name)
                                      for n in walk(t) if isinstance(n, gast.Name)}
    return names_read(s)


def _kills(s):
    if isinstance(s, gast.Assign):
        return {t.id for t in s.targets if isinstance(t, gast.Name)} | {
            n.id for t in s.targets if isinstance(t, (gast.Tuple, gast.List))
            for n in walk(t) if isinstance(n, gast.Name)}
    if isinstance(s, (gast.FunctionDef, gast.ClassDef)):
        return {s.name}
    if isinstance(s, (gast.Import, gast.ImportFrom)):
        return names_stored(s)
    return set()


def _closure_reads(body):
    """{name of a nested def or lambda: the names it reads when it runs}."""
    closures = {}
    for s in walk_stmts(body):
        if isinstance(s, gast.FunctionDef):
            closures.setdefault(s.name, set()).update(names_read(s))
        elif isinstance(s, gast.Assign) and isinstance(s.value, gast.Lambda):
            for t in s.targets:
                if isinstance(t, gast.Name):
                    closures.setdefault(t.id, set()).update(names_read(s.value))
    return closures


def live_after(body, exit_live=(), unread=None, extra=None):
    """{id(statement): the names live after it}; ``unread``: {id(statement):
    names it reads that do not count (read only for their shape)}; ``extra``:
    {id(statement): (names it reads besides, names it reads that do not count,
    names it rebinds besides)} (sharing.TupleItems: the items of a tuple as
    names of their own)."""
    out = {}
    exit_live = frozenset(exit_live)
    heads = {}      # a loop's last fixpoint: an enclosing loop's next pass starts from it
    reads = {}      # (a statement's reads and kills, computed once)
    closures = _closure_reads(body)

    def reads_of(node):
        # a nested function reads the variables it uses when it runs: a statement
        # that calls it (or hands it on) reads them too
        got = names_read(node)
        return _with_closures(got) if closures and got & closures.keys() else got

    def _with_closures(names):
        names, todo = set(names), [n for n in names if n in closures]
        while todo:
            for m in closures[todo.pop()] - names:
                names.add(m)
                if m in closures:
                    todo.append(m)
        return names

    def gen_kill(s):
        got = reads.get(id(s))
        if got is None:
            gen = _reads(s)
            kill = _kills(s)
            if unread and id(s) in unread:
                gen = gen - unread[id(s)]
            if extra and id(s) in extra:
                more, less, killed = extra[id(s)]
                gen, kill = (gen - less) | more, kill | killed
            if closures and gen & closures.keys():
                gen = _with_closures(gen)
            got = reads[id(s)] = (gen, kill)
        return got

    def block(stmts, live, loop):
        for s in reversed(stmts):
            live = stmt(s, live, loop)
        return live

    def stmt(s, live, loop):
        out[id(s)] = frozenset(live)
        if isinstance(s, gast.Break):
            return set(loop[1]) if loop else set(live)
        if isinstance(s, gast.Continue):
            return set(loop[0]) if loop else set(live)
        if isinstance(s, gast.Return):
            return set(exit_live) | (reads_of(s.value) if s.value is not None else set())
        if isinstance(s, gast.If):
            return block(s.body, live, loop) | block(s.orelse, live, loop) | reads_of(s.test)
        if isinstance(s, (gast.For, gast.While)):
            after = set(live)
            if s.orelse:
                after = block(s.orelse, after, loop)
            head = set(after) | heads.get(id(s), set())
            targets = names_stored(s.target) if isinstance(s, gast.For) else set()
            # a while test is read before every iteration; a for loop's iterator reads
            # the iterable's memory at every step (not only when the loop starts)
            test = reads_of(s.test) if isinstance(s, gast.While) else reads_of(s.iter)
            while True:
                inner = block(s.body, head, (frozenset(head), frozenset(live)))
                new = after | (inner - targets) | test
                if new == head:
                    break
                head = new
            heads[id(s)] = head
            out[id(s)] = frozenset(live)
            return head | (reads_of(s.iter) if isinstance(s, gast.For) else set())
        if isinstance(s, gast.FunctionDef):
            return (set(live) - {s.name}) | reads_of(s)
        gen, kill = gen_kill(s)
        return (set(live) - kill) | gen

    block(body, set(exit_live), None)
    return out


def sharers(env, root):
    """The names whose value may share memory with ``root``'s array in ``env``
    (one entry of ``points_to``), ``root`` included."""
    mine = env.get(root, frozenset({("name", root)}))
    return {n for n, sites in env.items() if sites & mine} | {root}


def points_to(body, binds, at=None, track=(), rows=True):
    """{id(stmt): {name: the arrays its value may be}} just before each statement
    (of the ids in ``at``, default all) runs: a forward may-alias analysis.

    ``binds(stmt)`` describes a simple statement: ``None`` when it binds no
    name, else ``(target, sources, keeps)``: the new value of ``target`` may
    share memory with the names in ``sources`` (empty for a fresh array; None
    for a value that holds no array: a number, which nothing changes in place), and
    ``keeps`` is true when the statement changes ``target``'s array in place
    (``y += 1``: the name keeps its memory). An array is named by the statement
    that made it; in a loop, the array a statement made in an earlier iteration
    is renamed when it makes a new one, so ``prev = cur; cur = np.exp(prev)``
    does not make ``cur`` and ``prev`` look alike.

    Only names that take part in some sharing binding (and those in ``track``)
    are followed; any other name holds arrays of its own and is left out, as
    are names not yet bound (parameters, globals): a name left out is its own
    array ``("name", n)``. ``rows``: a ``for`` loop's target may share its
    iterable's memory (the rows of an array); False for lists followed as lists,
    or the names of the iterables whose items may (lists holding lists).

    ``binds.item_binds(stmt)``, where ``binds`` has it: {name: sources (None for
    a number)} that the statement binds besides its target, the items of a
    literal list or tuple (sharing.LiteralItems).
    """
    item_binds = getattr(binds, "item_binds", None) or (lambda s: None)
    # ``y2 = y + v`` for ``y += v`` is y's array changed in place, but where y
    # holds a number (no array: a constant, np.mean(x)), a new value, an array
    # when v is one (``binds.augmented(stmt)``)
    augmented = getattr(binds, "augmented", None) or (lambda s: False)
    # ``L.append(v)``: L holds v's array besides what it held (``binds.puts(stmt)``:
    # (L, names) or None), so an item taken off L may be it
    puts = getattr(binds, "puts", None) or (lambda s: None)
    relevant = set(track)
    for s in walk_stmts(body):
        if isinstance(s, gast.For):
            relevant |= names_stored(s.target) | names_read(s.iter)
            continue
        bound = binds(s)
        if bound is not None and bound[1]:
            relevant |= {bound[0]} | set(bound[1])
        for n, sources in (item_binds(s) or {}).items():
            relevant |= {n} | set(sources or ())
        put = puts(s)
        if put is not None:
            relevant |= {put[0]} | put[1]
    before = {}
    heads = {}
    runs = loops_that_run(body)

    def join(a, b):
        if a is None:
            return b
        if b is None or a is b:
            return a
        # (a name missing on one side holds its own array there: a parameter, or
        # a name not bound yet on that path)
        out = dict(a)
        for n, sites in b.items():
            mine = out.get(n)
            if mine is None:
                out[n] = sites | {("name", n)}
            elif mine is not sites and not sites <= mine:
                out[n] = mine | sites
        for n in a:
            if n not in b:
                out[n] = a[n] | {("name", n)}
        return out

    def block(stmts, env, loop):
        for s in stmts:
            if env is None:
                break
            env = stmt(s, env, loop)
        return env

    def sites_of(env, names):
        out = frozenset()
        for n in names:
            out |= env.get(n, frozenset({("name", n)}))
        return out

    def stmt(s, env, loop):
        if at is None or id(s) in at:
            before[id(s)] = join(before.get(id(s)), env)
        if isinstance(s, gast.Break):
            loop["exit"] = join(loop["exit"], env)
            return None
        if isinstance(s, gast.Continue):
            loop["head"] = join(loop["head"], env)
            return None
        if isinstance(s, gast.Return):
            return None
        if isinstance(s, gast.If):
            return join(block(s.body, env, loop), block(s.orelse, env, loop))
        if isinstance(s, (gast.For, gast.While)):
            # (an inner loop starts from its last fixpoint: everything only grows,
            # so nested loops do not multiply their iterations)
            head = join(heads.get(id(s)), env)
            while True:
                ctx = {"head": None, "exit": None}
                entry = dict(head)
                if isinstance(s, gast.For):
                    # rows of an array are views (an item of a list is not the list)
                    over = names_read(s.iter) if rows is True else \
                        names_read(s.iter) & set(rows or ())
                    views = sites_of(head, over)
                    for t in names_stored(s.target):
                        entry[t] = views | {("row", id(s))}
                end = block(s.body, entry, ctx)
                new = join(join(head, end), ctx["head"])
                if new == head:
                    break
                head = new
            heads[id(s)] = head
            out = join(head, ctx["exit"])
            if id(s) in runs:
                # (its body runs at least once: what the names held before the loop
                # is left only where the body keeps it)
                out = join(join(end, ctx["head"]), ctx["exit"])
            if s.orelse:
                out = join(block(s.orelse, head, loop), ctx["exit"])
            return out
        if isinstance(s, gast.FunctionDef):
            return env
        bound = binds(s)
        if bound is None:
            put = puts(s)
            if put is not None and put[0] in relevant:
                lst, held = put
                env = dict(env)
                env[lst] = env.get(lst, frozenset({("name", lst)})) | sites_of(env, held)
            return env
        items = item_binds(s)
        if items:
            # (read before the holder is rebound: G = G would read the new items)
            got = {n: frozenset() if src is None else sites_of(env, src)
                   for n, src in items.items()}
            env = dict(env)
            env.update(got)
        target, sources, keeps = bound
        if keeps or target not in relevant:
            return env
        env = dict(env)
        got = sites_of(env, sources) if sources else frozenset()
        if sources is None:
            env[target] = frozenset()
        elif got or sources and not augmented(s):
            env[target] = got
        else:
            site = ("new", id(s))
            old = ("old", id(s))
            for n, sites in env.items():
                if site in sites:
                    env[n] = (sites - {site}) | {old}
            env[target] = frozenset({site})
        return env

    block(body, {}, {"head": None, "exit": None})
    return before


def loops_that_run(body):
    """The ids of the ``for`` loops of ``body`` (without an ``else``) certain to
    run their body at least once: over ``range()`` of integer constants that is
    not empty, or a list or tuple literal with items, written in the loop or
    bound to a name bound nowhere else."""
    stores = {}
    for s in walk_stmts(body):
        if isinstance(s, gast.Assign):
            for n in set().union(*(names_stored(t) for t in s.targets)):
                stores.setdefault(n, []).append(s.value if len(s.targets) == 1
                                                and isinstance(s.targets[0], gast.Name)
                                                else None)
        elif isinstance(s, (gast.For, gast.AugAssign, gast.AnnAssign, gast.With,
                            gast.FunctionDef)):
            for n in names_stored(s.target) if isinstance(s, (gast.For, gast.AugAssign,
                                                               gast.AnnAssign)) \
                    else (s.name,) if isinstance(s, gast.FunctionDef) else names_stored(s):
                stores.setdefault(n, []).append(None)

    def constant(e):
        if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
            v = constant(e.operand)
            return None if v is None else -v
        return e.value if isinstance(e, gast.Constant) and type(e.value) is int else None

    def nonempty(e, seen=()):
        if isinstance(e, gast.Name):
            got = stores.get(e.id, [])
            # (``x = x``: a name bound once to itself, or names bound to each
            # other, say nothing about the value)
            return len(got) == 1 and got[0] is not None and e.id not in seen \
                and nonempty(got[0], (*seen, e.id))
        if isinstance(e, (gast.List, gast.Tuple)):
            return bool(e.elts) and not any(isinstance(x, gast.Starred) for x in e.elts)
        if isinstance(e, gast.Call) and isinstance(e.func, gast.Name) \
                and e.func.id == "range" and "range" not in stores and not e.keywords \
                and 1 <= len(e.args) <= 3:
            args = [constant(a) for a in e.args]
            return None not in args and (args[-1] != 0 or len(args) < 3) \
                and len(range(*args)) > 0
        return False

    return {id(s) for s in walk_stmts(body)
            if isinstance(s, gast.For) and not s.orelse and nonempty(s.iter)}


def bound_before(body, bound=(), at=None):
    """{id(stmt): the names certainly bound when the statement runs} for the
    statements whose ids are in ``at`` (default all): bound on every path
    from the function's entry (``bound``: the parameters). A loop may run no
    times, so what its body binds is bound only inside it, after the binding."""
    out = {}

    def block(stmts, names):
        """The names bound after ``stmts``; None if their end cannot be reached."""
        for s in stmts:
            if at is None or id(s) in at:
                out[id(s)] = frozenset(names)
            if isinstance(s, (gast.Break, gast.Continue, gast.Return)):
                return None
            if isinstance(s, gast.If):
                a, b = block(s.body, set(names)), block(s.orelse, set(names))
                if a is None and b is None:
                    return None
                names = b if a is None else a if b is None else a & b
            elif isinstance(s, gast.For):
                block(s.body, names | names_stored(s.target))
                block(s.orelse, set(names))
            elif isinstance(s, gast.While):
                block(s.body, set(names))
                block(s.orelse, set(names))
            elif isinstance(s, gast.Delete):
                names = names - {n.id for t in s.targets for n in walk(t)
                                 if isinstance(n, gast.Name) and isinstance(t, gast.Name)}
            else:
                names = names | _kills(s)
        return names

    block(body, set(bound))
    return out
