"""What a generated statement reads, writes and may change, which names may share
an array (views, fields), and which values are pure: the facts every clean-up
pass asks before it moves, merges or drops a statement.
"""
import gast

from ... import runtime
from ...rules import lookup
from ...ir.syntax import walk, walk_fielded


_PURE_HELPERS = {"scalar_seed", "zeros_like_value", "shape_of", "broadcast_like", "unbroadcast",
                 "expand_reduced", "matmul_grad_x", "matmul_grad_y", "sum_to_shape"}


# builtins that only wrap their arguments (an iterator made and not consumed is no
# effect): the ``it = enumerate(X)`` a loop rewritten to index X leaves unread
_PURE_BUILTINS = (enumerate, zip, reversed, range, len)


def _uses(stmts):
    counts = {}
    for s in stmts:
        for n in walk_fielded(s):
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
    for n in walk_fielded(stmt):
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


class Purity:
    def __init__(self, resolve):
        self.resolve = resolve

    def pure(self, expr):
        for n in walk_fielded(expr):
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


# (statements that hold no block: what sub_blocks finds in them is nothing)
_SIMPLE = {gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr, gast.Return, gast.Pass,
           gast.Break, gast.Continue, gast.Delete}


def sub_blocks(s):
    """The non-empty statement lists nested in ``s`` (not a nested def's body)."""
    if s.__class__ in _SIMPLE or isinstance(s, gast.FunctionDef):
        return []
    return [sub for sub in (getattr(s, "body", None), getattr(s, "orelse", None))
            if isinstance(sub, list) and sub]


def reads_and_updates(st):
    """The names ``st`` loads or updates (``x += ...``), in one walk."""
    Name, Load, AugAssign = gast.Name, gast.Load, gast.AugAssign
    out = set()
    for n in walk_fielded(st):
        cls = n.__class__
        if cls is Name:
            if n.ctx.__class__ is Load:
                out.add(n.id)
        elif cls is AugAssign and isinstance(n.target, Name):
            out.add(n.target.id)
    return out


def pure_value(value, purity=None):
    # (a dict literal has no effect either; an item read is kept: it may raise, as
    # the user's ``acts[which]`` must for an index out of range)
    if not isinstance(value, (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Tuple,
                              gast.List, gast.Dict, gast.Compare, gast.Attribute, gast.Call)):
        return False
    if purity is not None:
        return purity.pure(value)
    return all(not isinstance(n, gast.Call) for n in walk(value))


def _binds_only(st, purity):
    """Does ``st`` only bind names to new values (so a pure value computed
    before it may be computed after it instead, its operands not rebound)?
    Nothing written in place (``x += e``, ``x[i] = e``, ``add_at(x, ...)``,
    a refill: an operand's buffer may be the one written), no block, and only
    pure calls besides a list's ``pop`` and ``append``."""
    if purity is None or sub_blocks(st) or not isinstance(st, (gast.Assign, gast.Expr)):
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
