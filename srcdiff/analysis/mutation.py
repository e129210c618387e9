"""Names whose shape the symbolic shape analysis must not trust.

A symbolic shape is tied to a name for the whole function (every definition
must agree), so it is only sound for names bound by plain ``name = expr``
statements whose value never changes shape in place. NumPy arrays change
shape in place only by ``a.resize(...)`` and ``a.shape = ...``; lists by
slice assignment, ``del``, and methods (``append``, ``pop``, ...), also
through an alias or a call that receives them. ``unstable`` lists the names
where any of that may happen, closed over aliasing (``b = a``, ``b = a[i]``,
``b = [a]``, and the results of calls without a rule).
"""
import operator

import gast

from .activity import walk_stmts
from ..ir.syntax import walk

__all__ = ["unstable"]

_PURE_KINDS = {"call", "nondiff", "const", "copy"}
_ALIAS_KINDS = {"copy", "pack", "pack_dict", "user", "unknown", "list_pop"}


def _names(nodes):
    return {n.id for e in nodes for n in walk(e) if isinstance(n, gast.Name)}


def _keeps_shape(index):
    """A subscript store with this index changes no shape: a tuple index (no
    list takes one) or an integer (a list item replaced, its length kept)."""
    return isinstance(index, gast.Tuple) or (
        isinstance(index, gast.Constant) and type(index.value) is int)


def _own_nodes(s):
    """The nodes of statement s itself (the blocks of a loop or an if are
    statements of their own; other compound statements are walked whole)."""
    if isinstance(s, gast.For):
        parts = [s.target, s.iter]
    elif isinstance(s, (gast.While, gast.If)):
        parts = [s.test]
    else:
        parts = [s]
    for p in parts:
        yield from walk(p)


def unstable(body, classifier):
    bad = set()
    edges = []
    for s in walk_stmts(body):
        plain = isinstance(s, gast.Assign) and len(s.targets) == 1 \
            and isinstance(s.targets[0], gast.Name)
        for n in _own_nodes(s):
            if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)) \
                    and not (plain and n is s.targets[0]):
                bad.add(n.id)
            elif isinstance(n, gast.Subscript) and isinstance(n.ctx, (gast.Store, gast.Del)) \
                    and (isinstance(n.ctx, gast.Del) or not _keeps_shape(n.slice)):
                bad |= _names([n.value])
            elif isinstance(n, gast.Attribute) and isinstance(n.ctx, (gast.Store, gast.Del)):
                bad |= _names([n.value])
            elif isinstance(n, (gast.Global, gast.Nonlocal)):
                bad |= set(n.names)
            elif isinstance(n, (gast.FunctionDef, gast.Lambda)):
                bad |= _names([n])       # a closure may rebind or mutate anything it sees
        values = [s.value] if isinstance(s, (gast.Assign, gast.Expr)) else []
        for v in values:
            if not isinstance(v, gast.Call):
                continue
            op = classifier.classify(v)
            if op.kind not in _PURE_KINDS:
                bad |= _names(op.operands)      # may be changed by the call
        if plain:
            op = classifier.classify(s.value)
            if op.func is operator.getitem and op.args:
                edges.append((s.targets[0].id, _names(op.args[:1])))   # (not the index)
            elif op.kind in _ALIAS_KINDS:
                edges.append((s.targets[0].id, _names(op.operands)))
    changed = True
    while changed:
        changed = False
        for t, srcs in edges:
            group = srcs | {t}
            if group & bad and not group <= bad:
                bad |= group
                changed = True
    return bad
