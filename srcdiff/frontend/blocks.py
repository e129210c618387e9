"""Rewriting the statement blocks of a normalized body, one statement at a time.

The passes after inlining replace a statement by a list (a check put before
it, the statement split in two) in every block, nested ones first, and give
the statements they add the source position of the one they stand by.
"""

import gast

from ..ir import anno


def all_blocks(body):
    """The statement list ``body`` and every block nested in it."""
    yield body
    for st in body:
        for field in ("body", "orelse"):
            sub = getattr(st, field, None)
            if isinstance(sub, list) and sub and isinstance(sub[0], gast.stmt):
                yield from all_blocks(sub)


def rewrite_blocks(stmts, each):
    """Every statement (nested blocks first) replaced by the list ``each`` gives."""
    out = []
    for st in stmts:
        for field in ("body", "orelse"):
            sub = getattr(st, field, None)
            if isinstance(sub, list) and not isinstance(st, gast.FunctionDef):
                setattr(st, field, rewrite_blocks(sub, each))
        out += each(st)
    return out


def located(new, st):
    """``new`` (a check put before ``st``) with ``st``'s source line."""
    anno.set(new, "srcline", anno.get(st, "srcline"))
    if anno.has(st, "srcloc"):
        anno.set(new, "srcloc", anno.get(st, "srcloc"))
    return new
