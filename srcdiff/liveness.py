"""Liveness of names in structured (A-normal form) code.

``live_after(body, exit_live)`` maps each statement (by ``id``) to the names
whose current values may still be read after it runs: along some path from
the statement to the end of the function a read of the name comes before any
rebinding of it. Loops are solved to a fixpoint; ``break``, ``continue`` and
``return`` jump to the loop exit, the loop head and the function exit.

A subscript store ``y[i] = v`` reads ``y`` (and does not rebind it). The
alias checks use this to ask "is this other name for the same array ever
read again?" instead of "does the name appear later in the text?".
"""
from __future__ import annotations

import gast

from .syntax import names_read, names_stored


def _reads(s):
    if isinstance(s, gast.Assign):
        # y[i] = v reads y and i (a store into y's elements, not a new y)
        return names_read(s.value) | {n.id for t in s.targets if not isinstance(t, gast.Name)
                                      for n in gast.walk(t) if isinstance(n, gast.Name)}
    return names_read(s)


def _kills(s):
    if isinstance(s, gast.Assign):
        return {t.id for t in s.targets if isinstance(t, gast.Name)} | {
            n.id for t in s.targets if isinstance(t, (gast.Tuple, gast.List))
            for n in gast.walk(t) if isinstance(n, gast.Name)}
    if isinstance(s, (gast.FunctionDef, gast.ClassDef)):
        return {s.name}
    if isinstance(s, (gast.Import, gast.ImportFrom)):
        return names_stored(s)
    return set()


def live_after(body, exit_live=()):
    out = {}
    exit_live = frozenset(exit_live)

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
            return set(exit_live) | (names_read(s.value) if s.value is not None else set())
        if isinstance(s, gast.If):
            return block(s.body, live, loop) | block(s.orelse, live, loop) | names_read(s.test)
        if isinstance(s, (gast.For, gast.While)):
            after = set(live)
            if s.orelse:
                after = block(s.orelse, after, loop)
            head = set(after)
            targets = names_stored(s.target) if isinstance(s, gast.For) else set()
            # a while test is read before every iteration; a for loop's iterator reads
            # the iterable's memory at every step (not only when the loop starts)
            test = names_read(s.test) if isinstance(s, gast.While) else names_read(s.iter)
            while True:
                inner = block(s.body, head, (frozenset(head), frozenset(live)))
                new = after | (inner - targets) | test
                if new == head:
                    break
                head = new
            out[id(s)] = frozenset(live)
            return head | (names_read(s.iter) if isinstance(s, gast.For) else set())
        if isinstance(s, gast.FunctionDef):
            return (set(live) - {s.name}) | names_read(s)
        return (set(live) - _kills(s)) | _reads(s)

    block(body, set(exit_live), None)
    return out


def sharers_before(body, root, binds):
    """{id(stmt): names whose current value may share memory with ``root``'s array
    just before the statement runs} (a forward may-alias analysis).

    ``binds(stmt)`` describes a simple statement: ``None`` when it binds no
    name, else ``(target, sources, keeps)``: the new value of ``target`` may
    share memory with the names in ``sources`` (empty for a fresh array), and
    ``keeps`` is true when the statement changes ``target``'s array in place
    (``y += 1``: the name keeps its memory). Rebinding ``root`` itself to a new
    array starts a new group.
    """
    before = {}

    def block(stmts, state, loop):
        for s in stmts:
            if state is None:
                break
            state = stmt(s, state, loop)
        return state

    def join(a, b):
        if a is None:
            return b
        if b is None:
            return a
        return a | b

    def stmt(s, state, loop):
        before[id(s)] = join(before.get(id(s)), frozenset(state))
        if isinstance(s, gast.Break):
            loop["exit"] = join(loop["exit"], frozenset(state))
            return None
        if isinstance(s, gast.Continue):
            loop["head"] = join(loop["head"], frozenset(state))
            return None
        if isinstance(s, gast.Return):
            return None
        if isinstance(s, gast.If):
            return join(block(s.body, state, loop), block(s.orelse, state, loop))
        if isinstance(s, (gast.For, gast.While)):
            head = frozenset(state)
            while True:
                ctx = {"head": None, "exit": None}
                entry = set(head)
                if isinstance(s, gast.For):
                    for t in names_stored(s.target):
                        if names_read(s.iter) & head:
                            entry.add(t)        # rows of a shared array are views
                        else:
                            entry.discard(t)
                end = block(s.body, frozenset(entry), ctx)
                new = frozenset(join(join(head, end), ctx["head"]))
                if new == head:
                    break
                head = new
            out = join(head, ctx["exit"])
            if s.orelse:
                out = join(block(s.orelse, head, loop), ctx["exit"])
            return out
        if isinstance(s, gast.FunctionDef):
            return state
        bound = binds(s)
        if bound is None:
            return state
        target, sources, keeps = bound
        state = set(state)
        if target == root and not keeps:
            return frozenset({root})
        if keeps:
            return frozenset(state)
        if set(sources) & state:
            state.add(target)
        else:
            state.discard(target)
        return frozenset(state)

    block(body, frozenset({root}), {"head": None, "exit": None})
    return before
