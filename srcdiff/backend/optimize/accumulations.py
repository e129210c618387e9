"""Cotangent accumulations written as one expression: ``merge_twin_accumulations``
adds the two equal contributions the adjoint of ``y * y`` makes to ``dy`` in one
statement (``dy = 2 * g * y``); ``merge_accumulations`` writes a cotangent's
first value and what is then added to it as one expression
(``ds = -a; ds += b`` -> ``ds = b - a``), which ``forward_substitute`` may then
fold into its one reader.
"""
from bisect import bisect_left, bisect_right, insort

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
    body: nowhere else in it).

    The merges are made in passes (a merge may free the way for another: a
    cotangent's chain of additions merges one step a pass); each pass makes
    the merges of its pairs whose statements no other merge of the pass
    touches, pairs taken in the order of their first statement."""
    purity = Purity(resolve) if resolve is not None else None
    seen = Seen()
    seen.views = view_classes(list(also) + list(stmts))
    root = _Block(stmts, seen)
    while root.merge_pass(purity, True):
        pass
    return stmts


class _Block:
    """A block of statements merged pass after pass, and what a pass needs to
    know of it, kept up to date as merges change it (not found again in a
    sweep of the block each pass: a 1,000-statement gradient takes dozens).

    Each statement has a key, its position in the block when the merging
    began; a merged statement takes the key of the one it replaces, so keys
    stay in the order of the block. A pass looks only at the pairs (``d = A``,
    next statement mentioning d) that have a statement new since the last pass
    (merged, or the one after a statement the merge dropped) from the first to
    the second: any other pair is the same statements, with the same ones in
    between, as in the last pass, where it did not merge, and it would not now
    (the one exception, ``d = a; d += B``, also reads the rest of the block and
    is looked at every pass)."""

    def __init__(self, block, seen):
        self.block, self.seen = block, seen
        self.children = [_Block(sub, seen) for s in block for sub in sub_blocks(s)]
        self.keys = list(range(len(block)))
        self.occurs = {}        # name -> keys of the statements that mention it, in order
        self.binds = {}         # name -> keys of the statements ``name = ...``, in order
        self.nxt = {}           # key of ``d = ...`` -> key of the next statement mentioning d
        self.touched = None     # keys new since the last pass, in order (None: the first pass)
        self.name_valued = set()    # keys of the statements ``name = other_name``
        self.augmented = set()      # keys of the statements ``name op= ...``
        for k, s in enumerate(block):
            self._note(s, k)
            for n in seen.mentioned(s):
                self.occurs.setdefault(n, []).append(k)
            d = _bound(s)
            if d is not None:
                self.binds.setdefault(d, []).append(k)
        for d, ks in self.binds.items():
            for k in ks:
                self.nxt[k] = self._next(d, k)
        self.starts = sorted(self.nxt)  # keys of the statements ``name = ...``

    def _note(self, s, key):
        (self.name_valued.add if isinstance(s, gast.Assign) and isinstance(s.value, gast.Name)
         else self.name_valued.discard)(key)
        (self.augmented.add if isinstance(s, gast.AugAssign) else self.augmented.discard)(key)

    def _next(self, name, key):
        ks = self.occurs.get(name, ())
        i = bisect_right(ks, key)
        return ks[i] if i < len(ks) else None

    def merge_pass(self, purity, top):
        """One pass over the block and its blocks; did it merge anything?"""
        changed = False
        for child in self.children:
            changed |= child.merge_pass(purity, False)
        block, keys, touched, seen = self.block, self.keys, self.touched, self.seen
        used, replace, drop = set(), {}, []
        nxt, name_valued, augmented = self.nxt, self.name_valued, self.augmented
        for k in self.starts:
            j = nxt[k]
            if j is None:
                continue
            if touched is not None:
                t = bisect_left(touched, k)
                if (t == len(touched) or touched[t] > j) \
                        and not (k in name_valued and j in augmented):
                    continue        # (nothing new from k to j)
            if k in used or j in used:
                continue
            i, jp = bisect_left(keys, k), bisect_left(keys, j)
            new = _merged(block, i, jp, purity, top, seen)
            if new is not None:
                used.add(k)
                used.add(j)
                replace[j] = new
                drop.append(k)
        if not drop:
            self.touched = []
            return changed
        self._apply(replace, drop)
        return True

    def _apply(self, replace, drop):
        """Put the merged statements in place of the additions and drop the
        first statements; the keys new for the next pass."""
        block, keys, mentioned = self.block, self.keys, self.seen.mentioned
        changed = set()       # (name, key) whose mention came or went
        for j, new in replace.items():
            p = bisect_left(keys, j)
            old = block[p]
            block[p] = new
            for n in mentioned(old):
                self.occurs[n].remove(j)
                changed.add((n, j))
            for n in mentioned(new):
                insort(self.occurs.setdefault(n, []), j)
                changed.add((n, j))
            self._rebind(old, new, j)
            self._note(new, j)
        for k in sorted(drop, reverse=True):
            p = bisect_left(keys, k)
            old = block[p]
            del block[p]
            del keys[p]
            for n in mentioned(old):
                self.occurs[n].remove(k)
                changed.add((n, k))
            self._rebind(old, None, k)
            self.name_valued.discard(k)
            self.augmented.discard(k)
        for n, c in changed:
            # (only the last ``n = ...`` before c may have had c as its next mention,
            # or have it now)
            ks = self.binds.get(n, ())
            b = bisect_left(ks, c)
            if b:
                self.nxt[ks[b - 1]] = self._next(n, ks[b - 1])
            if b < len(ks) and ks[b] == c:
                self.nxt[c] = self._next(n, c)
        new_keys = set(replace)
        for k in drop:      # (the statement after one dropped)
            p = bisect_right(keys, k)
            if p < len(keys):
                new_keys.add(keys[p])
        self.touched = sorted(new_keys)

    def _rebind(self, old, new, key):
        d = _bound(old)
        if d is not None:
            self.binds[d].remove(key)
            del self.nxt[key]
            self.starts.remove(key)
        d = _bound(new) if new is not None else None
        if d is not None:
            insort(self.binds.setdefault(d, []), key)
            self.nxt[key] = None        # (set from the mentions by the caller)
            insort(self.starts, key)


def _bound(s):
    """The name of ``name = ...``, else None."""
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], gast.Name):
        return s.targets[0].id
    return None


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
