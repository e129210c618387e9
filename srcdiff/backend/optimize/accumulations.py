"""Cotangent accumulations written as one expression: ``merge_twin_accumulations``
adds the two equal contributions the adjoint of ``y * y`` makes to ``dy`` in one
statement (``dy = 2 * g * y``); ``merge_accumulations`` writes a cotangent's
first value and what is then added to it as one expression
(``ds = -a; ds += b`` -> ``ds = b - a``), which ``forward_substitute`` may then
fold into its one reader.
"""
import gast

from ...ir import anno
from ...ir.syntax import names_read
from ..simplify import same_product, twice
from .effects import Purity, pure_value, sub_blocks, view_classes
from .substitution import Seen


def merge_twin_accumulations(stmts):
    """Two statements in a row that add the same product to an adjoint
    (``dy = g * y; dy += y * g``, the adjoint of ``y * y``) become one that adds
    it twice (``dy = 2 * g * y``): the same number, one array less."""
    i = 0
    while i < len(stmts):
        for sub in sub_blocks(stmts[i]):
            merge_twin_accumulations(sub)
        if i + 1 < len(stmts):
            first, second = _contribution(stmts[i], True), _contribution(stmts[i + 1], False)
            if first and second and first[0] == second[0] \
                    and same_product(first[1], second[1]) \
                    and first[0] not in names_read(first[1]):
                first[2](twice(first[1]))
                del stmts[i + 1]
                continue
        i += 1
    i = 0
    while i + 1 < len(stmts):
        if _copy_then_add(stmts[i], stmts[i + 1]):
            del stmts[i]
            continue
        i += 1
    return stmts


def _copy_then_add(copy, add):
    """``d = a`` followed by ``d = d + e`` (or ``d = add_cotangents(d, e)``),
    ``e`` not reading ``d``: the second becomes ``d = a + e``, the same
    operations without the copy. (Not ``d += e``: it would write into ``a``.)"""
    if not (isinstance(copy, gast.Assign) and len(copy.targets) == 1
            and isinstance(copy.targets[0], gast.Name) and isinstance(copy.value, gast.Name)
            and not anno.get(copy, "keep", False) and not isinstance(add, gast.AugAssign)):
        return False
    got = _contribution(add, False)
    d = copy.targets[0].id
    if not got or got[0] != d or d in names_read(got[1]) or copy.value.id == d:
        return False
    v = add.value
    if isinstance(v, gast.BinOp):
        v.left = copy.value
    else:
        v.args[0] = copy.value
    return True


def _contribution(st, first):
    """``(d, e, set_e)`` when ``st`` adds the value ``e`` to the adjoint ``d``:
    ``d += e``, ``d = d + e``, ``d = add_cotangents(d, e)``, or (``first``, the
    first contribution) ``d = e``; ``set_e`` puts another value in its place."""
    if isinstance(st, gast.AugAssign) and isinstance(st.op, gast.Add) \
            and isinstance(st.target, gast.Name):
        return st.target.id, st.value, lambda e: setattr(st, "value", e)
    if not (isinstance(st, gast.Assign) and len(st.targets) == 1
            and isinstance(st.targets[0], gast.Name)):
        return None
    d, v = st.targets[0].id, st.value
    if isinstance(v, gast.BinOp) and isinstance(v.op, gast.Add) \
            and isinstance(v.left, gast.Name) and v.left.id == d:
        return d, v.right, lambda e: setattr(v, "right", e)
    if isinstance(v, gast.Call) and isinstance(v.func, gast.Name) \
            and v.func.id == "add_cotangents" and len(v.args) == 2 \
            and isinstance(v.args[0], gast.Name) and v.args[0].id == d:
        return d, v.args[1], lambda e: v.args.__setitem__(1, e)
    if first:
        return d, v, lambda e: setattr(st, "value", e)
    return None


def merge_accumulations(stmts, resolve=None, also=()):
    """``d = A`` and, at the next statement of the block that mentions d, an
    addition to it (``d += B``, ``d -= B``, ``d = d + B``, ``d = d - B``,
    ``d = add_cotangents(d, B)``; B not reading d) become one statement there:
    ``d = A + B`` (``d = B - a`` for ``A = -a``: the same floating-point
    number). Written once, the cotangent may then fold into its one reader.

    A moves down past the statements in between only when it is pure and they
    change none of its operands. ``d = A; d += B`` added into A's array: A is
    an operator's fresh result, or a name nothing reads afterwards (a loop
    body: nowhere else in it)."""
    purity = Purity(resolve) if resolve is not None else None
    seen = Seen()
    seen.views = view_classes(list(also) + list(stmts))
    seen.passes, seen.fails, seen.next_touched = 0, {}, {}
    while True:         # (a merge may free the way for another)
        seen.passes += 1
        seen.touched, seen.next_touched = seen.next_touched, {}
        if not _merge_block(stmts, purity, True, seen):
            return stmts


def _merge_block(block, purity, top, seen):
    """One pass over ``block`` (and its blocks): the merges whose statements no
    other merge of the pass touches. (The next statement mentioning each
    name, found in one sweep from the end.)"""
    changed = False
    for s in block:
        for sub in sub_blocks(s):
            changed |= _merge_block(sub, purity, False, seen)
    nxt, last = {}, {}
    mentioned = seen.mentioned
    for k in range(len(block) - 1, -1, -1):
        s = block[k]
        if isinstance(s, gast.Assign) and len(s.targets) == 1 \
                and isinstance(s.targets[0], gast.Name):
            nxt[k] = last.get(s.targets[0].id)
        for n in mentioned(s):
            last[n] = k
    marks = [0]         # statements new since the last pass, or after one it dropped
    for s in block:
        marks.append(marks[-1] + (id(s) in seen.touched))
    used, replace, drop = set(), {}, set()
    for i, j in sorted(nxt.items()):
        if j is None or i in used or j in used:
            continue
        s, u = block[i], block[j]
        fail = seen.fails.get((id(s), id(u)))
        if fail is not None and fail[0] is s and fail[1] is u \
                and fail[2] == seen.passes - 1 and marks[j + 1] == marks[i + 1]:
            fail[2] = seen.passes   # (nothing from s to u changed: fails again)
            continue
        new = _merged(block, i, j, purity, top, seen)
        if new is not None:
            used |= {i, j}
            replace[j] = new
            drop.add(i)
        elif not (isinstance(u, gast.AugAssign) and isinstance(s.value, gast.Name)):
            seen.fails[id(s), id(u)] = [s, u, seen.passes]   # (not hanging on later reads)
    if drop:
        kept, after_drop = [], False
        for k, s in enumerate(block):
            if k in drop:
                after_drop = True
                continue
            s = replace.get(k, s)
            if after_drop or k in replace:
                seen.next_touched[id(s)] = s
            after_drop = False
            kept.append(s)
        block[:] = kept
        changed = True
    return changed


def _merged(block, i, j, purity, top, seen):
    """The one statement for ``block[i]`` (``d = A``) and ``block[j]`` (the next
    statement mentioning d, an addition to it), or None."""
    s = block[i]
    if any(anno.get(s, k, False) for k in ("keep", "nofold", "unit_seed")):
        return None
    d, a = s.targets[0].id, s.value
    u = block[j]
    got = _addition(u, d)
    if got is None:
        return None
    kind, b = got
    if _sum_length(a) >= MAX_MERGED_TERMS:
        return None     # a long accumulation stays several statements (deep trees recurse)
    reads_a = seen.sharing(seen.reads(s))
    if j > i + 1:
        if not pure_value(a, purity) or any(
                seen.written(w) & (reads_a | {d}) or not seen.binds_only(w, purity)
                for w in block[i + 1:j]):
            return None
    if isinstance(u, gast.AugAssign):
        # ``d += B`` wrote into A's array: merged, nothing else sees that write
        if isinstance(a, gast.Name):
            later = block[j + 1:] if top else block[:i] + block[j + 1:]
            if any(a.id in seen.reads(w) for w in later):
                return None
        elif not isinstance(a, (gast.BinOp, gast.UnaryOp)):
            return None
    if kind == "call":
        u.value.args[0] = a
        seen.__dict__.get("binds", {}).pop(id(u), None)     # (it reads A now)
        merged = u.value
    elif kind is gast.Add and isinstance(a, gast.UnaryOp) and isinstance(a.op, gast.USub):
        merged = gast.BinOp(left=b, op=gast.Sub(), right=a.operand)
    else:
        merged = gast.BinOp(left=a, op=kind(), right=b)
    new = gast.Assign(targets=[s.targets[0]], value=merged, type_comment=None)
    for k, v in vars(u).items():
        if k not in u._fields and k not in ("lineno", "col_offset", "end_lineno",
                                            "end_col_offset"):
            setattr(new, k, v)
    return new


# The most terms merge_accumulations writes into one sum: a gradient that collects
# hundreds of contributions (a 1,000-statement function) stays a few statements,
# not one expression nested too deep for recursive tree walks and compile().
MAX_MERGED_TERMS = 32


def _sum_length(e):
    """How many terms the left spine of a sum (or of add_cotangents calls) holds."""
    n = 1
    while True:
        if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Add, gast.Sub)):
            e = e.left
        elif isinstance(e, gast.Call) and e.args and getattr(e.func, "id", None) == "add_cotangents":
            e = e.args[0]
        else:
            return n
        n += 1


def _addition(st, d):
    """(gast.Add or gast.Sub, B) where ``st`` adds B to d or takes it away
    (``d += B``, ``d = d + B``, ...), ("call", B) for ``d = add_cotangents(d, B)``;
    B not reading d. Else None."""
    if isinstance(st, gast.AugAssign):
        if isinstance(st.target, gast.Name) and st.target.id == d \
                and isinstance(st.op, (gast.Add, gast.Sub)) and d not in names_read(st.value):
            return type(st.op), st.value
        return None
    if not (isinstance(st, gast.Assign) and len(st.targets) == 1
            and isinstance(st.targets[0], gast.Name) and st.targets[0].id == d):
        return None
    v = st.value
    if isinstance(v, gast.BinOp) and isinstance(v.op, (gast.Add, gast.Sub)) \
            and isinstance(v.left, gast.Name) and v.left.id == d \
            and d not in names_read(v.right):
        return type(v.op), v.right
    if isinstance(v, gast.Call) and isinstance(v.func, gast.Name) \
            and v.func.id == "add_cotangents" and len(v.args) == 2 and not v.keywords \
            and isinstance(v.args[0], gast.Name) and v.args[0].id == d \
            and d not in names_read(v.args[1]):
        return "call", v.args[1]
    return None
