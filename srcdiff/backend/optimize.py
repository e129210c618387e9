"""Clean-up passes over generated code.

``forward_substitute`` folds a temporary that is used exactly once back into
the expression that uses it (``e_1 = x - m; e = np.exp(e_1)`` becomes
``e = np.exp(x - m)``): the code reads like the original, and the
intermediate array is freed as soon as it has been used (keeping
temporaries alive makes every later allocation touch fresh memory).
``copy_propagate`` lets the reads of ``x`` after ``x = y`` read ``y`` (so
the copy, ``dx_1 = dx`` after a pruned ``unbroadcast``, goes away).
``dead_code`` removes assignments nothing reads.
``merge_twin_accumulations`` adds the two equal contributions the adjoint of
``y * y`` makes to ``dy`` in one statement (``dy = 2 * g * y``).
``merge_accumulations`` writes a cotangent's first value and what is then
added to it as one expression (``ds = -a; ds += b`` -> ``ds = b - a``), which
``forward_substitute`` may then fold into its one reader.
"""
import gast

from .. import runtime
from ..rules import lookup
from .simplify import same_product, twice
from ..ir import anno
from ..ir.syntax import Transformer, clone, names_read, walk

__all__ = ["forward_substitute", "copy_propagate", "dead_code", "merge_twin_accumulations",
           "merge_accumulations"]

_PURE_HELPERS = {"scalar_seed", "zeros_like_value", "shape_of", "broadcast_like", "unbroadcast",
                 "expand_reduced", "matmul_grad_x", "matmul_grad_y", "sum_to_shape"}
# builtins that only wrap their arguments (an iterator made and not consumed is no
# effect): the ``it = enumerate(X)`` a loop rewritten to index X leaves unread
_PURE_BUILTINS = (enumerate, zip, reversed, range, len)


def _uses(stmts):
    counts = {}
    for s in stmts:
        for n in walk(s):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                counts[n.id] = counts.get(n.id, 0) + 1
            elif isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name):
                counts[n.target.id] = counts.get(n.target.id, 0) + 2
    return counts


def _written(stmt, reads=None):
    """Names a statement (re)binds or may change in place (and, given a set
    ``reads``, the names it loads are added to it, in the same walk)."""
    out = set()
    Name, Load = gast.Name, gast.Load
    for n in walk(stmt):
        if n.__class__ is Name and reads is not None and n.ctx.__class__ is Load:
            reads.add(n.id)
        elif isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
            out.add(n.id)
        elif isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store) \
                and isinstance(n.value, gast.Name):
            out.add(n.value.id)
        elif isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name):
            out.add(n.target.id)
        elif isinstance(n, gast.Call):
            for a in n.args:          # helpers like add_at update their first argument
                if isinstance(a, gast.Name):
                    out.add(a.id) if _mutating(n) else None
            if isinstance(n.func, gast.Attribute) and isinstance(n.func.value, gast.Name):
                out.add(n.func.value.id)   # lst.append(...), lst.pop()
    return out


# helpers of generated code that change their first argument in place (and
# zero_at, which copies: kept with them, as it was)
_IN_PLACE = {f.__name__ for f in runtime.WRITES_FIRST_ARGUMENT} | {"zero_at"}


def _mutating(call):
    f = call.func
    name = f.id if isinstance(f, gast.Name) else getattr(f, "attr", None)
    return name in _IN_PLACE


# (NumPy functions and methods whose result may be a view of their first operand)
_VIEW_FUNCS = {"reshape", "ravel", "transpose", "swapaxes", "moveaxis", "squeeze",
               "expand_dims", "broadcast_to", "diagonal", "real", "imag", "asarray",
               "asanyarray", "atleast_1d", "atleast_2d", "atleast_3d", "flip", "fliplr",
               "flipud", "rot90", "view", "T", "mT", "flat"}


# (attributes whose value is never memory of the object read: everything else
# may be, a view such as ``x.T`` or a field such as ``np.linalg.svd(a).S``)
_NEW_ATTRS = {"shape", "dtype", "ndim", "size", "itemsize", "nbytes", "strides"}


def view_classes(stmts):
    """{name: the names whose arrays it may share}: ``v = x``, ``v = x[...]``,
    ``v = x.T``, ``v = x.S`` (a field), ``v = x.reshape(...)``,
    ``v = np.reshape(x, ...)`` (each name with the others bound to views of
    it, and theirs), over every binding. A value read through one of them
    changes when an array of its class is written in place, so it does not
    move past that write."""
    parent = {}

    def find(n):
        while parent.get(n, n) != n:
            n = parent[n] = parent.get(parent[n], parent[n])
        return n

    def base(e):
        if isinstance(e, gast.Name):
            return e.id
        if isinstance(e, gast.Subscript):
            return base(e.value)
        if isinstance(e, gast.Attribute) and e.attr not in _NEW_ATTRS:
            return base(e.value)    # (a view, or a field the object holds: res.S)
        if isinstance(e, gast.Call):
            f = e.func
            if isinstance(f, gast.Attribute) and f.attr in _VIEW_FUNCS:
                if isinstance(f.value, gast.Name) and f.value.id in ("np", "numpy"):
                    return base(e.args[0]) if e.args else None
                return base(f.value)
        return None

    for n in _statements(stmts):
        if isinstance(n, gast.Assign) and len(n.targets) == 1 \
                and isinstance(n.targets[0], gast.Name):
            b = base(n.value)
            if b is not None:
                parent[find(n.targets[0].id)] = find(b)
    out = {}
    for n in list(parent):
        out.setdefault(find(n), set()).add(n)
    for root, members in list(out.items()):
        members.add(root)
        frozen = frozenset(members)
        for m in members:
            out[m] = frozen
    return out


def _statements(stmts):
    """Every statement of ``stmts`` and of the blocks they hold, nested
    functions' and handlers' too (what ``walk`` finds of them, without walking
    the expressions: no statement is inside one)."""
    todo = list(stmts)
    for st in todo:
        yield st
        d = st.__dict__
        for field in st._fields:
            v = d.get(field)
            if isinstance(v, list):
                for item in v:
                    if isinstance(item, (gast.stmt, gast.excepthandler, gast.match_case)):
                        todo.append(item)


class _Purity:
    def __init__(self, resolve):
        self.resolve = resolve

    def pure(self, expr):
        for n in walk(expr):
            if isinstance(n, (gast.Lambda, gast.ListComp, gast.DictComp, gast.GeneratorExp,
                              gast.SetComp, gast.NamedExpr, gast.Yield, gast.Await)):
                return False
            if isinstance(n, gast.Call):
                f = n.func
                if isinstance(f, gast.Name) and f.id in _PURE_HELPERS:
                    continue
                if _mutating(n):
                    # (it has rules, but what it does to its argument is an effect:
                    # ``w_2 = restore_contents(w_1, saved)`` refills w_1's array,
                    # which other names still read, even if w_2 is never read)
                    return False
                obj = self.resolve(f)
                if obj is None:
                    return False
                if any(obj is b for b in _PURE_BUILTINS):
                    continue
                rule = lookup(obj)
                if rule is None or rule.nondiff or rule.vjp is None:
                    return False
        return True


def forward_substitute(stmts, resolve, return_width=None, also=()):
    """Fold single-use temporaries into their one use (same block, operands
    unchanged in between). ``resolve(func_node)`` gives the callee object.
    A value read by a return stays named, except with ``return_width``: then
    it goes into the function's final return (the last statement) while that
    line, indented once, stays within that many characters. ``also``: code run
    before these statements whose views count too (a vjp's forward function,
    for its backward)."""
    purity = _Purity(resolve)
    # (a fold moves a value to its one use: no other name's count changes)
    counts = _uses(stmts)
    seen = _Seen()
    seen.views = view_classes(list(also) + list(stmts))
    if return_width is not None and stmts and isinstance(stmts[-1], gast.Return):
        seen.final, seen.width = stmts[-1], return_width
    for _ in range(8):
        changed = _fold_block(stmts, counts, purity, seen)
        if not changed:
            break
    folder = _NegConst()
    for s in stmts:
        folder.visit(s)
    return stmts


class _NegConst(Transformer):
    """``c * -dx`` -> ``-c * dx`` for a number c and a cotangent dx (marked by
    the reverse transform; cotangents are floating point, where negation is
    exact): one array operation less. Then ``a + -c * b`` -> ``a - c * b``."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
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

    def visit_FunctionDef(self, node):
        return node


# (statements that hold no block: what _sub_blocks finds in them is nothing)
_SIMPLE = {gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr, gast.Return, gast.Pass,
           gast.Break, gast.Continue, gast.Delete}


def _sub_blocks(s):
    """The non-empty statement lists nested in ``s`` (not a nested def's body)."""
    if s.__class__ in _SIMPLE or isinstance(s, gast.FunctionDef):
        return []
    return [sub for sub in (getattr(s, "body", None), getattr(s, "orelse", None))
            if isinstance(sub, list) and sub]


class _Seen:
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
        from .codegen import render
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
        for sub in _sub_blocks(s):
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
                here = _use_site(u, t, seen.reads) if t in seen.reads(u) else None
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


def _bindings(stmts):
    counts = {}
    for s in stmts:
        for n in walk(s):
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
        for sub in _sub_blocks(s):
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
        here = _use_site(u, x)
        if here is False:
            return False
        if here:
            sites.append(u)
            seen += sum(1 for n in walk(u) if isinstance(n, gast.Name) and n.id == x
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
        for n in walk(u):
            if isinstance(n, gast.Name) and n.id == x and isinstance(n.ctx, gast.Load):
                n.id = y.id
                anno.set(n, "cotangent", anno.get(n, "cotangent", False)
                         and anno.get(y, "cotangent", False))
    return True


def _use_site(stmt, t, reads=names_read):
    """None: t is not used by stmt; True: used in stmt's own expressions (where a
    value computed just before may be put); False: used somewhere it cannot go.
    ``reads(sub)``: the names a nested statement reads (or a superset holding
    only names no longer read, _Seen.reads)."""
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


def dead_code(stmts, resolve=None):
    """Remove assignments to names nothing reads (pure right-hand sides only:
    operators, and with ``resolve`` calls of functions with a derivative rule),
    and comments left with no statement under them. (A count of the statements
    reading each name; removing one may free the names it read.)"""
    purity = _Purity(resolve) if resolve is not None else None
    count, defs, unit_reads = {}, {}, {}

    def visit(block):
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
                reads = _reads_and_updates(st)
            for n in reads:
                count[n] = count.get(n, 0) + 1
            if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
                unit_reads[id(st)] = reads
                defs.setdefault(st.targets[0].id, []).append(st)
            if nested:
                for f in ("body", "orelse"):
                    visit(getattr(st, f, None) or [])

    visit(stmts)
    pure = {}

    def removable(st):
        if id(st) not in pure:
            pure[id(st)] = _pure_value(st.value, purity)
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


def _reads_and_updates(st):
    """The names ``st`` loads or updates (``x += ...``), in one walk."""
    Name, Load, AugAssign = gast.Name, gast.Load, gast.AugAssign
    out = set()
    for n in walk(st):
        cls = n.__class__
        if cls is Name:
            if n.ctx.__class__ is Load:
                out.add(n.id)
        elif cls is AugAssign and isinstance(n.target, Name):
            out.add(n.target.id)
    return out


def _drop(stmts, removed):
    from ..ir.syntax import is_comment
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


def _pure_value(value, purity=None):
    # (a dict literal has no effect either; an item read is kept: it may raise, as
    # the user's ``acts[which]`` must for an index out of range)
    if not isinstance(value, (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Tuple,
                              gast.List, gast.Dict, gast.Compare, gast.Attribute, gast.Call)):
        return False
    if purity is not None:
        return purity.pure(value)
    return all(not isinstance(n, gast.Call) for n in walk(value))




def merge_twin_accumulations(stmts):
    """Two statements in a row that add the same product to an adjoint
    (``dy = g * y; dy += y * g``, the adjoint of ``y * y``) become one that adds
    it twice (``dy = 2 * g * y``): the same number, one array less."""
    i = 0
    while i < len(stmts):
        for sub in _sub_blocks(stmts[i]):
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
    purity = _Purity(resolve) if resolve is not None else None
    seen = _Seen()
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
        for sub in _sub_blocks(s):
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


def _binds_only(st, purity):
    """Does ``st`` only bind names to new values (so a pure value computed
    before it may be computed after it instead, its operands not rebound)?
    Nothing written in place (``x += e``, ``x[i] = e``, ``add_at(x, ...)``,
    a refill: an operand's buffer may be the one written), no block, and only
    pure calls besides a list's ``pop`` and ``append``."""
    if purity is None or _sub_blocks(st) or not isinstance(st, (gast.Assign, gast.Expr)):
        return False
    for n in walk(st):
        if isinstance(n, gast.AugAssign) or isinstance(n, (gast.Subscript, gast.Attribute)) \
                and isinstance(n.ctx, gast.Store):
            return False
        if isinstance(n, gast.Call):
            f = n.func
            if isinstance(f, gast.Attribute) and isinstance(f.value, gast.Name) \
                    and f.attr in ("pop", "append"):
                continue
            call_only = gast.Call(func=f, args=[], keywords=[])
            if _mutating(n) or not purity.pure(call_only):
                return False
    return True


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
        if not _pure_value(a, purity) or any(
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
