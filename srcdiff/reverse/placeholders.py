"""The Restore placeholder the adjoint sweep leaves where an overwritten value
is put back, and walks over adjoint statement lists that hold them.
"""
import gast

from ..ir.syntax import walk_fielded


class Restore:
    """Placeholder in the adjoint sweep: where an overwritten value is popped back.

    ``stmt``: the primal statement that overwrites it; ``target``: the name;
    ``kind``: what is put back -- "name" (a rebound name), "iterlocal" (an
    iteration local), "item" (``y[i]``'s old elements), "contents" (an array a
    helper wrote into), "append" / "extend" / "pop" (a list's end), "target"
    (a for loop's targets), "block" (what a block without adjoint code changed).
    restores.py turns each into its push and pop."""

    def __init__(self, stmt, target, kind):
        self.stmt, self.target, self.kind = stmt, target, kind


def has_code(stmts):
    """Does the adjoint block ``stmts`` hold a statement, not only placeholders?"""
    return any(not isinstance(s, Restore) for s in stmts)


def restores_in(st):
    """The placeholders in the blocks nested in adjoint statement ``st``."""
    for field in ("body", "orelse"):
        for x in getattr(st, field, None) or []:
            if isinstance(x, Restore):
                yield x
            else:
                yield from restores_in(x)


def walk_adjoint(stmts):
    """The simple statements of an adjoint block, and its compound statements'
    tests and iterables, skipping placeholders."""
    for s in stmts:
        if isinstance(s, Restore):
            continue
        if isinstance(s, (gast.If, gast.For, gast.While)):
            yield s.test if isinstance(s, (gast.If, gast.While)) else s.iter
            yield from walk_adjoint(s.body)
            yield from walk_adjoint(s.orelse)
        else:
            yield s


def load_counts(stmts):
    """How many times the adjoint statements ``stmts`` read each name."""
    counts = {}
    for x in walk_adjoint(stmts):
        for n in walk_fielded(x):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                counts[n.id] = counts.get(n.id, 0) + 1
    return counts
