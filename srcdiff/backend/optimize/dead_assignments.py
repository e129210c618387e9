"""``dead_code``: assignments nothing reads are removed.
"""
import gast

from ...ir.syntax import names_read
from .effects import Purity, pure_value, reads_and_updates


def dead_code(stmts, resolve=None):
    """Remove assignments to names nothing reads (pure right-hand sides only:
    operators, and with ``resolve`` calls of functions with a derivative rule),
    and comments left with no statement under them. (A count of the statements
    reading each name; removing one may free the names it read.)"""
    purity = Purity(resolve) if resolve is not None else None
    count, defs, unit_reads = {}, {}, {}
    _count_reads(stmts, count, defs, unit_reads)
    pure = {}

    def removable(st):
        if id(st) not in pure:
            pure[id(st)] = pure_value(st.value, purity)
        return pure[id(st)]

    removed = set()
    work = [n for n in defs if not count.get(n)]
    while work:
        name = work.pop()
        for st in defs.get(name, ()):
            if id(st) in removed or count.get(name) or not removable(st):
                continue
            removed.add(id(st))
            for n in unit_reads[id(st)]:
                count[n] -= 1
                if not count[n]:
                    work.append(n)
    return _drop(stmts, removed)


def _count_reads(block, count, defs, unit_reads):
    """Count the statements reading each name (``count``); list each name's
    assignments (``defs``) and what each assignment reads (``unit_reads``)."""
    for st in block:
        nested = not isinstance(st, gast.FunctionDef) and any(
            isinstance(getattr(st, f, None), list) and getattr(st, f)
            for f in ("body", "orelse"))
        if nested:
            reads = set()
            for field, value in gast.iter_fields(st):
                if field in ("body", "orelse"):
                    continue
                for v in (value if isinstance(value, list) else [value]):
                    if isinstance(v, gast.AST):
                        reads |= names_read(v)
        else:
            reads = reads_and_updates(st)
        for n in reads:
            count[n] = count.get(n, 0) + 1
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
            unit_reads[id(st)] = reads
            defs.setdefault(st.targets[0].id, []).append(st)
        if nested:
            for f in ("body", "orelse"):
                _count_reads(getattr(st, f, None) or [], count, defs, unit_reads)


def _drop(stmts, removed):
    from ...ir.syntax import is_comment
    out = []
    for s in stmts:
        if id(s) in removed:
            continue
        for field in ("body", "orelse"):
            sub = getattr(s, field, None)
            if isinstance(sub, list) and sub and not isinstance(s, gast.FunctionDef):
                setattr(s, field, _drop(sub, removed) or [gast.Pass()])
        out.append(s)
    return [s for i, s in enumerate(out)
            if not (is_comment(s) and (i + 1 == len(out) or is_comment(out[i + 1])))]
