"""``forward_substitute``: a temporary used exactly once is folded back into the
expression that uses it (``e_1 = x - m; e = np.exp(e_1)`` becomes
``e = np.exp(x - m)``), so the code reads like the original and the
intermediate array is freed as soon as it has been used.
"""
import gast

from ...ir import anno
from ...ir.syntax import Transformer, clone, names_read, walk_fielded
from .effects import Purity, _binds_only, sub_blocks, _uses, _written, view_classes


def forward_substitute(stmts, resolve, return_width=None, also=()):
    """Fold single-use temporaries into their one use (same block, operands
    unchanged in between). ``resolve(func_node)`` gives the callee object.
    A value read by a return stays named, except with ``return_width``: then
    it goes into the function's final return (the last statement) while that
    line, indented once, stays within that many characters. ``also``: code run
    before these statements whose views count too (a vjp's forward function,
    for its backward)."""
    purity = Purity(resolve)
    # (a fold moves a value to its one use: no other name's count changes)
    counts = _uses(stmts)
    seen = Seen()
    seen.views = view_classes(list(also) + list(stmts))
    if return_width is not None and stmts and isinstance(stmts[-1], gast.Return):
        seen.final, seen.width = stmts[-1], return_width
    for _ in range(8):
        changed = _fold_block(stmts, counts, purity, seen)
        if not changed:
            break
    _neg_consts(stmts)
    return stmts


def _neg_consts(stmts):
    """``c * -dx`` -> ``-c * dx`` for a number c and a cotangent dx (marked by
    the reverse transform; cotangents are floating point, where negation is
    exact): one array operation less. Then ``a + -c * b`` -> ``a - c * b``.
    (Each operation after those inside it, as a bottom-up visit makes them:
    the operations in breadth-first order, taken from the last; not inside a
    nested def.)"""
    FunctionDef, BinOp = gast.FunctionDef, gast.BinOp
    binops = []
    for s in stmts:
        if s.__class__ is FunctionDef:
            continue
        for n in walk_fielded(s, skip=FunctionDef):
            if n.__class__ is BinOp:
                binops.append(n)
    for node in reversed(binops):
        _neg_const(node)


def _neg_const(node):
    r = node.right
    if isinstance(node.op, gast.Add) and isinstance(r, gast.BinOp) \
            and isinstance(r.op, gast.Mult) and isinstance(r.left, gast.Constant) \
            and type(r.left.value) in (int, float) and r.left.value < 0 \
            and isinstance(r.right, gast.Name) and anno.get(r.right, "cotangent", False):
        # a + -c * b -> a - c * b
        r.left = gast.Constant(value=-r.left.value, kind=None)
        node.op = gast.Sub()
        return node
    if not isinstance(node.op, gast.Mult):
        return node
    for const_side, neg_side in (("left", "right"), ("right", "left")):
        c, n = getattr(node, const_side), getattr(node, neg_side)
        if isinstance(c, gast.Constant) and type(c.value) in (int, float) \
                and isinstance(n, gast.UnaryOp) and isinstance(n.op, gast.USub) \
                and isinstance(n.operand, gast.Name) \
                and anno.get(n.operand, "cotangent", False):
            setattr(node, const_side, gast.Constant(value=-c.value, kind=None))
            setattr(node, neg_side, n.operand)
            return node
    return node


class Seen:
    """What each statement writes, and the names it may read (a superset once
    values are folded out of its block into it: kept up to date for the
    statement folded into), computed once per statement."""

    final = width = None    # (the final return values may fold into, and its width)
    views = {}              # (view_classes of the function)

    def sharing(self, names):
        """``names`` and the names that may share their arrays."""
        out = set(names)
        for n in names:
            out |= self.views.get(n, frozenset())
        return out

    def __init__(self):
        self.memo = {}      # id(stmt) -> (stmt, written, reads)
        self.mentions = {}  # id(stmt) -> (stmt, the names it reads or writes)

    def fits(self, u, t, value):
        """May ``value`` go into the final return ``u`` for its read of ``t``? Where
        the return gives t as it is (``return dx``, ``return dm, dn``), not into
        a call (``cast_like(dx, x)``), and the line stays within the width."""
        if u is not self.final or not any(isinstance(e, gast.Name) and e.id == t
                                           for e in return_items(u.value)):
            return False
        from ..codegen import render
        trial = clone(u)
        return _replace(trial, t, value) and all(
            4 + len(line) <= self.width for line in render(trial).splitlines())

    def _get(self, st):
        got = self.memo.get(id(st))
        if got is None or got[0] is not st:
            reads = set()
            got = self.memo[id(st)] = (st, _written(st, reads), reads)
        return got

    def written(self, st):
        return self._get(st)[1]

    def reads(self, st):
        return self._get(st)[2]

    def folded(self, st, reads):
        got = self._get(st)
        self.memo[id(st)] = (st, _written(st), got[2] | reads)

    def mentioned(self, st):
        """The names ``st`` reads or writes (a set made once)."""
        got = self.mentions.get(id(st))
        if got is None or got[0] is not st:
            got = self.mentions[id(st)] = (st, self.reads(st) | self.written(st))
        return got[1]

    def binds_only(self, st, purity):
        """``_binds_only(st, purity)``, once per statement (merge_accumulations
        replaces the statements it merges, and changes no other in place)."""
        memo = self.__dict__.setdefault("binds", {})
        got = memo.get(id(st))
        if got is None or got[0] is not st:
            got = memo[id(st)] = (st, _binds_only(st, purity))
        return got[1]


def return_items(e):
    """The items of a returned value: e itself, or those of a tuple's items."""
    if isinstance(e, gast.Tuple):
        return [i for elt in e.elts for i in return_items(elt)]
    return [e]


def _fold_block(block, counts, purity, seen):
    changed = False
    i = 0
    while i < len(block):
        s = block[i]
        for sub in sub_blocks(s):
            changed |= _fold_block(sub, counts, purity, seen)
        if isinstance(s, gast.Assign) and len(s.targets) == 1 \
                and isinstance(s.targets[0], gast.Name) and counts.get(s.targets[0].id) == 1 \
                and not isinstance(s.value, gast.Constant) \
                and not anno.get(s, "keep", False) and purity.pure(s.value):
            t = s.targets[0].id
            reads = names_read(s.value)
            shared = seen.sharing(reads)
            for j in range(i + 1, len(block)):
                u = block[j]
                here = use_site(u, t, seen.reads) if t in seen.reads(u) else None
                if here is not None and (isinstance(u, gast.Return)
                                         and not (here and seen.fits(u, t, s.value))
                                         or anno.get(u, "nofold", False)):
                    break
                if here is not None:
                    if here and _replace(u, t, s.value):
                        seen.folded(u, reads)
                        if u is seen.final and anno.get(u, "srcline") is None:
                            # (the return's comment: the source line of what went in)
                            for name in ("srcline", "srcloc"):
                                if anno.has(s, name):
                                    anno.set(u, name, anno.get(s, name))
                        counts[t] = 0
                        del block[i]
                        changed = True
                        i -= 1
                    break
                if seen.written(u) & (shared | {t}):
                    break
        i += 1
    return changed


def use_site(stmt, t, reads=names_read):
    """None: t is not used by stmt; True: used in stmt's own expressions (where a
    value computed just before may be put); False: used somewhere it cannot go.
    ``reads(sub)``: the names a nested statement reads (or a superset holding
    only names no longer read, Seen.reads)."""
    inside = False
    for field in ("body", "orelse"):
        for sub in getattr(stmt, field, None) or []:
            if isinstance(sub, gast.AST) and t in reads(sub):
                inside = True
                break
        if inside:
            break
    own = []
    if isinstance(stmt, (gast.Assign, gast.AugAssign, gast.Expr, gast.Return)):
        # (a simple statement's own expressions are all it reads: its value and
        # the subscripts it stores into)
        used_own = stmt.value is not None and t in reads(stmt)
    else:
        if isinstance(stmt, gast.If):
            own = [stmt.test]
        elif isinstance(stmt, gast.For):
            own = [stmt.iter]
        used_own = any(t in names_read(e) for e in own)
    if not used_own and not inside:
        return None
    if any(_written_base(tg) == t for tg in getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]):
        return False     # t[i] = v writes into t: its value cannot be put there
    return used_own and not inside


def _written_base(target):
    """The name a subscript target writes into (``y`` of ``y[i][j] = v``), or None."""
    while isinstance(target, gast.Subscript):
        target = target.value
    return target.id if isinstance(target, gast.Name) and target is not None else None


class _ReplaceFirst(Transformer):
    """Replaces the first read of ``name`` by a copy of ``value`` (not inside a
    nested def); ``done``: whether it did. (A class of the module's own, not
    one per call: ``Transformer`` keeps each class it meets.)"""

    def __init__(self, name, value):
        self.name, self.value, self.done = name, value, False

    def visit_Name(self, node):
        if node.id == self.name and isinstance(node.ctx, gast.Load) and not self.done:
            self.done = True
            return clone(self.value)
        return node

    def visit_FunctionDef(self, node):
        return node


def _replace(stmt, t, value):
    r = _ReplaceFirst(t, value)
    if isinstance(stmt, gast.If):
        stmt.test = r.visit(stmt.test)
    elif isinstance(stmt, gast.For):
        stmt.iter = r.visit(stmt.iter)
    else:
        r.visit(stmt)
    return r.done
