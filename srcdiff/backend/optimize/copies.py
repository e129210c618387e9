"""``copy_propagate``: the reads of ``x`` after ``x = y`` read ``y``, so the copy
(``dx_1 = dx`` after a pruned ``unbroadcast``) goes away.
"""
import gast

from ...ir import anno
from ...ir.syntax import walk_fielded
from .effects import sub_blocks, _uses, _written
from .substitution import use_site


def _bindings(stmts):
    counts = {}
    for s in stmts:
        for n in walk_fielded(s):
            if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load):
                counts[n.id] = counts.get(n.id, 0) + 1
    return counts


def copy_propagate(stmts):
    """``x = y`` of two names, where x is bound nowhere else and read only by
    later statements of the same block, before y is bound again: those reads
    read y, and the copy is dropped."""
    bound = _bindings(stmts)
    _copy_block(stmts, bound, _uses(stmts))
    return stmts


def _copy_block(block, bound, counts):
    i = 0
    while i < len(block):
        s = block[i]
        for sub in sub_blocks(s):
            _copy_block(sub, bound, counts)
        if isinstance(s, gast.Assign) and len(s.targets) == 1 \
                and isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Name) \
                and bound.get(s.targets[0].id) == 1 and s.targets[0].id != s.value.id \
                and not anno.get(s, "keep", False) \
                and _propagate(block, i, s.targets[0].id, s.value, counts):
            del block[i]
            continue
        i += 1


def _propagate(block, i, x, y, counts):
    """Rewrite the reads of x after block[i] to y, if they are all there
    (``counts``: the reads of each name in the whole function)."""
    need = counts.get(x, 0)
    sites, seen = [], 0
    for u in block[i + 1:]:
        if seen == need:
            break
        here = use_site(u, x)
        if here is False:
            return False
        if here:
            sites.append(u)
            seen += sum(1 for n in walk_fielded(u) if isinstance(n, gast.Name) and n.id == x
                        and isinstance(n.ctx, gast.Load))
        if _written(u) & {x, y.id} and not (
                here and isinstance(u, gast.Assign) and isinstance(u.targets[0], gast.Name)
                and seen == need and _written(u) == {u.targets[0].id}):
            return False     # (a plain assignment reads its value before it binds)
    if seen != need:
        return False
    counts[y.id] = counts.get(y.id, 0) + need
    counts[x] = 0
    for u in sites:
        for n in walk_fielded(u):
            if isinstance(n, gast.Name) and n.id == x and isinstance(n.ctx, gast.Load):
                n.id = y.id
                anno.set(n, "cotangent", anno.get(n, "cotangent", False)
                         and anno.get(y, "cotangent", False))
    return True
