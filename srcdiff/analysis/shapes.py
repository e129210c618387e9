"""Static shape classes: which values certainly have the same shape.

A value's class is the set of input shapes that broadcast to give its shape
(``x * y`` -> {x, y}; a Python number -> {}; ``np.sum(x)`` -> {}). Two values
of the same class have the same shape, so ``unbroadcast(g * y, x)`` can be
emitted as plain ``g * y`` when ``g * y`` and ``x`` are in one class: the
rule stays exact and the generated code calls no helper where nothing was
broadcast. Anything the analysis cannot see through gets a class of its own.
"""
import math
import operator

import gast
import numpy as np

from .activity import walk_stmts
from .mutation import unstable
from ..ir.syntax import Transformer, clone, walk
from .. import runtime

_ELEMENTWISE_OPS = {operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
                    operator.mod, operator.neg, operator.pos}
_FULL_REDUCTIONS = {np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.std,
                    np.var, np.linalg.det, np.vdot, np.trace}
_SCALAR_FUNCS = {float, int, len, math.sqrt, math.exp, math.log, math.sin, math.cos, math.tan,
                 math.tanh, math.atan2, math.pow, math.hypot}
# (not runtime.scalar_seed: the seed of an output of shape (1,) or (1, 1) has its shape)


def has_rest(s):
    """Does symbolic shape s end in ("rest", p, i) -- the dimensions i, i+1, ...
    of parameter p's shape at entry, of a rank not known?"""
    return bool(s) and isinstance(s[-1], tuple) and s[-1][0] == "rest"


def sym_rank(s):
    """The rank of symbolic shape s, where known."""
    return None if s is None or has_rest(s) else len(s)


def _expand(s, n):
    """s with at least n explicit dimensions before its rest (indexing n
    dimensions of a value succeeds only where it has that many)."""
    while has_rest(s) and len(s) - 1 < n:
        _, p, i = s[-1]
        s = s[:-1] + (("d", (p, i), 0), ("rest", p, i + 1))
    return s


def _canon(s):
    """One spelling per shape: a trailing ("d", (p, i), 0), ("rest", p, i + 1)
    is ("rest", p, i)."""
    while len(s) >= 2 and has_rest(s):
        _, p, i = s[-1]
        if s[-2] != ("d", (p, i - 1), 0):
            break
        s = s[:-2] + (("rest", p, i - 1),)
    return s


def _broadcast(shapes):
    """The symbolic shape of a broadcast, or None where it cannot be told."""
    if any(s is None for s in shapes):
        return None
    if any(has_rest(s) for s in shapes):
        # rank unknown: only a broadcast of one shape with scalars is known
        arrays = {s for s in shapes if s != ()}
        return arrays.pop() if len(arrays) == 1 else None
    n = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(n):
        dims = {s[len(s) - n + i] for s in shapes if len(s) - n + i >= 0}
        dims.discard(1)
        if len(dims) > 1:
            return None
        out.append(dims.pop() if dims else 1)
    return tuple(out)


def _index(base, idx, sc):
    """The symbolic shape of ``base[idx]`` for integer indices and constant slices."""
    if base is None:
        return None
    items = list(idx.elts) if isinstance(idx, gast.Tuple) else [idx]
    base = _expand(base, len(items))
    out = []
    pos = 0
    for it in items:
        if pos >= len(base):
            return None
        if isinstance(it, gast.Slice):
            d = base[pos]
            start, stop = it.lower, it.upper
            if it.step is not None or not isinstance(d, tuple) or d[0] != "d":
                return None
            a = 0 if start is None else (start.value if isinstance(start, gast.Constant)
                                         and type(start.value) is int and start.value >= 0
                                         else None)
            b = 0 if stop is None else (stop.value if isinstance(stop, gast.Constant)
                                        and type(stop.value) is int and stop.value < 0
                                        else None)
            if a is None or b is None:
                return None
            out.append((d[0], d[1], d[2] - a + b))
            pos += 1
        elif (isinstance(it, gast.Constant) and type(it.value) is int) or (
                isinstance(it, gast.Name) and sc.ndims.get(it.id) == 0
                and sc.classes.get(it.id) is None):
            pos += 1
        else:
            return None
    return _canon(tuple(out) + tuple(base[pos:]))


def _union(classes):
    """The class of a broadcast of values of these classes. A ("sub", C)
    member (a keepdims reduction of a C-shaped value) disappears when C is
    among the other members: broadcasting it changes no shape."""
    out = frozenset().union(*classes)
    plain = frozenset(x for x in out if not (isinstance(x, tuple) and x[:1] == ("sub",)))
    return frozenset(x for x in out if not (isinstance(x, tuple) and x[:1] == ("sub",)
                                            and x[1] <= plain)) | plain


_SHAPE_PRESERVING = {np.copy, runtime.saved_copy, np.positive, np.negative, np.conj,
                     np.conjugate, np.real_if_close}


def _elementwise(func):
    if func in _ELEMENTWISE_OPS or func in _SHAPE_PRESERVING:
        return True
    # (a generalized ufunc -- np.matmul, np.vecdot, np.matvec -- has core dimensions:
    # its result is not shaped like its broadcast operands)
    return isinstance(func, np.ufunc) and func.nout == 1 and func.signature is None


def _to_complex(func):
    """Does ``func`` make complex values from real ones?"""
    module = getattr(func, "__module__", None) or ""
    name = getattr(func, "__name__", "")
    return module.startswith(("numpy.fft", "scipy.fft", "scipy.signal", "numpy.emath",
                              "numpy.lib.scimath")) \
        or name in ("eig", "eigvals", "roots", "hilbert", "astype", "complex", "complex128",
                    "complex64", "vectorize")


def _reads_of(ops):
    """The names each operation reads, by ``id(op)`` (read once, not on every
    round of a fixpoint)."""
    return {id(op): op.reads() if op.kind != "const" else () for _, op in ops}


def _array_or_scalar(kind):
    """Is a parameter of this specialisation kind an array or a number?"""
    return kind in ("s", "sc") or isinstance(kind, tuple)


class ShapeClasses:
    def __init__(self, body, params, classifier, param_kinds=None):
        # a parameter's class: {} for a scalar, a shared symbol for arrays known
        # (from the call being served) to have equal shapes, else its own symbol
        param_kinds = param_kinds or {}
        self.classes = {}
        self.ndims = {}      # name -> number of dimensions, where known
        self.sym = {}        # name -> symbolic shape: a tuple of ("d", length, offset) or 1
        for p in params:
            k = param_kinds.get(p)
            if k == "s":
                self.classes[p] = frozenset()
                self.ndims[p] = 0
                self.sym[p] = ()
            elif isinstance(k, tuple):
                self.classes[p] = frozenset([("shape", k[0])])
                self.ndims[p] = k[1]
                if len(k) > 2:
                    self.sym[p] = tuple(1 if d == -1 else ("d", d, 0) for d in k[2])
            else:
                self.classes[p] = frozenset([p])
        counts = {}
        assigns = []
        for s in walk_stmts(body):
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
                t = s.targets[0].id
                counts[t] = counts.get(t, 0) + 1
                assigns.append((t, s))
            elif isinstance(s, gast.Assign) or isinstance(s, gast.For):
                for n in walk(s.targets[0] if isinstance(s, gast.Assign) else s.target):
                    if isinstance(n, gast.Name):
                        counts[n.id] = counts.get(n.id, 0) + 2
        multi = {t for t, c in counts.items() if c > 1}
        for p in params:
            if counts.get(p):
                multi.add(p)
        ops = [(t, classifier.classify(s.value)) for t, s in assigns]
        # names bound once to ``a.shape`` of an array parameter a: an item of one
        # (``a.shape[0]``) is a Python int
        self._shape_tuples = {
            t for t, s in assigns if t not in multi and isinstance(s.value, gast.Attribute)
            and s.value.attr == "shape" and isinstance(s.value.value, gast.Name)
            and isinstance(param_kinds.get(s.value.value.id), tuple)
            and not counts.get(s.value.value.id)}
        loop_targets = {t for t, c in counts.items()
                        if c >= 2 and t not in params and all(a != t for a, _ in assigns)}
        self._sym_classes = False
        self._infer_classes(params, ops, multi, loop_targets)
        self._infer_ndims(params, assigns, ops, counts, multi, body)
        # (a tuple, list or dict parameter has no array shape: its items differ)
        self._infer_sym(params, assigns, ops, unstable(body, classifier)
                        | {p for p in params if not _array_or_scalar(param_kinds.get(p))})
        if any(op.func is operator.getitem and self.sym.get(t) not in (None, ())
               for t, op in ops):
            # again, with slices of known symbolic shape in classes of their own
            self._sym_classes = True
            self._infer_classes(params, ops, multi, loop_targets)
        self.env = None
        self.adjoint_of = {}
        # may a value be complex (a complex constant or parameter, a transform to
        # complex)? Then a cotangent's unbroadcast to a real value is kept: it
        # also takes the real part
        self.may_be_complex = any(
            isinstance(k, tuple) and k[-1] == "c" or k == "sc" for k in param_kinds.values()) \
            or any(isinstance(n, gast.Constant) and isinstance(n.value, complex)
                   for st in body for n in walk(st)) \
            or any(_to_complex(op.func) for _, op in ops if op.kind == "call")

    def _infer_classes(self, params, ops, multi, loop_targets):
        # Every definition of a name must give the same class (a name assigned
        # in a loop keeps its shape); otherwise it gets none (None: nothing is
        # pruned against it). Optimistic fixpoint: unset names are skipped
        # until their definitions are known.
        unset = object()
        for t, _ in ops:
            if t not in params:
                self.classes[t] = unset
        for t in loop_targets:
            self.classes[t] = None
        changed = True
        reads_of = _reads_of(ops)
        while changed:
            changed = False
            for t, op in ops:
                if self.classes.get(t) is None:
                    continue
                if any(self.classes.get(n, 0) is unset for n in reads_of[id(op)]):
                    continue
                c = self._infer(t, op, strict=t in multi)
                cur = self.classes.get(t)
                if cur is unset:
                    self.classes[t] = c
                    changed = True
                elif cur != c:
                    self.classes[t] = None
                    changed = True
        for t in list(self.classes):
            if self.classes[t] is unset:
                self.classes[t] = None

    def _infer_ndims(self, params, assigns, ops, counts, multi, body):
        """Ranks: every definition of a name must agree (optimistic fixpoint)."""
        unset = object()
        ranged = set()
        range_names = {t for t, op in ops if op.func is range}
        for s in walk_stmts(body):
            if isinstance(s, gast.For) and isinstance(s.target, gast.Name) \
                    and isinstance(s.iter, gast.Name) and s.iter.id in range_names:
                ranged.add(s.target.id)
        for t in ranged:
            self.ndims[t] = 0
        for t, _ in assigns:
            if t not in params and t not in ranged:
                self.ndims[t] = unset
        changed = True
        while changed:
            changed = False
            for t, op in ops:
                if self.ndims.get(t) is None or t in ranged:
                    continue
                n = self._rank(op, unset)
                if n is unset:
                    continue
                cur = self.ndims.get(t)
                if cur is unset:
                    self.ndims[t] = n
                    changed = True
                elif cur != n:
                    self.ndims[t] = None
                    changed = True
        for t in list(self.ndims):
            if self.ndims[t] is unset:
                self.ndims[t] = None

    def _rank_of(self, node, unset):
        if isinstance(node, gast.Constant):
            return 0 if isinstance(node.value, (int, float, complex)) else None
        if isinstance(node, gast.Name):
            return self.ndims.get(node.id)
        return None

    def _rank(self, op, unset):
        if op.kind == "copy":
            return self.ndims.get(op.node.id)
        if op.kind == "const":
            return self._rank_of(op.node, unset)
        if op.kind != "call":
            return None
        f = op.func
        ranks = [self._rank_of(a, unset) if isinstance(a, (gast.Name, gast.Constant)) else None
                 for a in op.args]
        if any(r is unset for r in ranks):
            return unset
        if _elementwise(f) and not op.keywords and f not in (operator.matmul,):
            return max(ranks) if ranks and all(r is not None for r in ranks) else None
        if f in (operator.matmul, np.matmul, np.dot) and len(ranks) == 2 \
                and all(r is not None and 1 <= r <= 2 for r in ranks):
            return {(2, 2): 2, (2, 1): 1, (1, 2): 1, (1, 1): 0}[tuple(ranks)]
        if f is operator.getitem and ranks and ranks[0] is not None:
            idx = op.args[1]
            if isinstance(idx, gast.Constant) and type(idx.value) is int:
                return ranks[0] - 1 if ranks[0] >= 1 else None
            if isinstance(idx, gast.Name) and self.ndims.get(idx.id) == 0 \
                    and self.classes.get(idx.id) is None and ranks[0] >= 1:
                return ranks[0] - 1      # a loop counter over a range
            return None
        if f in _FULL_REDUCTIONS and len(op.args) == 1 and not op.keywords:
            return 0
        if f in _SCALAR_FUNCS:
            return 0
        return None

    def _infer_sym(self, params, assigns, ops, unstable):
        """Symbolic shapes (every definition of a name must agree). A parameter
        of unknown shape has its shape at entry, (("rest", p, 0),); names that
        may change shape in place have none."""
        unset = object()
        for p in params:
            if p not in self.sym:
                self.sym[p] = (("rest", p, 0),)
        for t, _ in assigns:
            if t not in params:
                self.sym[t] = unset
        for t in unstable:
            self.sym[t] = None
        changed = True
        reads_of = _reads_of(ops)
        while changed:
            changed = False
            for t, op in ops:
                if t not in self.sym or self.sym.get(t) is None:
                    continue
                if any(self.sym.get(n, 0) is unset for n in reads_of[id(op)]):
                    continue
                v = self._sym_op(op)
                cur = self.sym.get(t)
                if cur is unset:
                    self.sym[t] = v
                    changed = True
                elif cur != v:
                    self.sym[t] = None
                    changed = True
        for t in list(self.sym):
            if self.sym[t] is unset:
                self.sym[t] = None

    def _sym_atom(self, node):
        if isinstance(node, gast.Constant):
            return () if isinstance(node.value, (int, float, complex)) \
                and not isinstance(node.value, bool) else None
        if isinstance(node, gast.Name):
            return self.sym.get(node.id)
        return None

    def _sym_op(self, op):
        if op.kind == "copy":
            return self.sym.get(op.node.id)
        if op.kind == "const":
            return self._sym_atom(op.node)
        if op.kind != "call":
            return None
        f = op.func
        if self._shape_item(op):
            return ()
        if _elementwise(f) and not op.keywords:
            return _broadcast([self._sym_atom(a) for a in op.args])
        if f in (operator.matmul, np.matmul, np.dot) and len(op.args) == 2:
            a, b = (self._sym_atom(x) for x in op.args)
            if sym_rank(a) is None or sym_rank(b) is None or not (1 <= len(a) <= 2 and 1 <= len(b) <= 2):
                return None
            if len(a) == 2 and len(b) == 2:
                return (a[0], b[1])
            if len(a) == 2:
                return (a[0],)
            if len(b) == 2:
                return (b[1],)
            return ()
        if f is operator.getitem:
            return _index(self._sym_atom(op.args[0]), op.args[1], self)
        if f in _FULL_REDUCTIONS and len(op.args) == 1:
            if not op.keywords:
                return ()
            base = self._sym_atom(op.args[0])
            axis = op.keywords.get("axis")
            keep = op.keywords.get("keepdims")
            if sym_rank(base) is None or not isinstance(axis, gast.Constant) \
                    or type(axis.value) is not int \
                    or set(op.keywords) - {"axis", "keepdims"}:
                return None
            ax = axis.value % len(base) if base else None
            if ax is None:
                return None
            if isinstance(keep, gast.Constant) and keep.value is True:
                return base[:ax] + (1,) + base[ax + 1:]
            if keep is None or (isinstance(keep, gast.Constant) and keep.value is False):
                return base[:ax] + base[ax + 1:]
            return None
        if f is np.transpose and len(op.args) == 1 and not op.keywords:
            base = self._sym_atom(op.args[0])
            return tuple(reversed(base)) if sym_rank(base) is not None else None
        if f in _SCALAR_FUNCS:
            return ()
        return None

    def expr_sym(self, e):
        if isinstance(e, gast.Constant):
            return self._sym_atom(e)
        if isinstance(e, gast.Name):
            if e.id in self.adjoint_of:
                return self.sym.get(self.adjoint_of[e.id])
            return self.sym.get(e.id)
        if isinstance(e, gast.BinOp) and type(e.op) in (gast.Add, gast.Sub, gast.Mult,
                                                        gast.Div, gast.Pow, gast.Mod):
            return _broadcast([self.expr_sym(e.left), self.expr_sym(e.right)])
        if isinstance(e, gast.UnaryOp) and isinstance(e.op, (gast.USub, gast.UAdd)):
            return self.expr_sym(e.operand)
        if isinstance(e, gast.Subscript):
            return _index(self.expr_sym(e.value), e.slice, self)
        if isinstance(e, gast.Call) and not e.keywords:
            f = self._callee(e.func)
            if f is not None and (_elementwise(f) or f is np.where):
                return _broadcast([self.expr_sym(a) for a in e.args])
        return None

    def rank(self, e):
        """The rank of a generated expression, where known."""
        if isinstance(e, gast.Name):
            if e.id in self.adjoint_of:
                return self.ndims.get(self.adjoint_of[e.id])
            return self.ndims.get(e.id)
        if isinstance(e, gast.Constant):
            return 0 if isinstance(e.value, (int, float)) else None
        return None

    def _cls(self, node):
        if isinstance(node, gast.Constant):
            return frozenset() if isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool) else None
        if isinstance(node, gast.Name):
            return self.classes.get(node.id)
        return None

    def _infer(self, t, op, strict=False):
        unique = None if strict else frozenset([("?", t)])
        if op.kind == "copy":
            return self.classes.get(op.node.id) or unique if \
                self.classes.get(op.node.id) != frozenset() else frozenset()
        if op.kind == "const":
            c = self._cls(op.node)
            return c if c is not None else unique
        if op.kind != "call":
            return unique
        f = op.func
        if self._shape_item(op):
            return frozenset()
        if f is operator.getitem and self._sym_classes:
            sym = self.sym.get(t)
            if sym is not None and sym != ():
                # a slice of known symbolic shape: a class of that shape
                if has_rest(sym) and len(sym) == 1 and sym[0][2] == 0:
                    return frozenset([sym[0][1]])      # a parameter's own shape
                return frozenset([("sym", sym)])
        if _elementwise(f) and not op.keywords:
            cs = [self._cls(a) for a in op.args]
            if all(c is not None for c in cs):
                return _union(cs)
            return unique
        if f in _FULL_REDUCTIONS and len(op.args) == 1 and not op.keywords:
            return frozenset()
        if f in _FULL_REDUCTIONS and len(op.args) == 1 and set(op.keywords) <= {"axis", "keepdims"} \
                and isinstance(op.keywords.get("keepdims"), gast.Constant) \
                and op.keywords["keepdims"].value is True:
            base = self._cls(op.args[0])
            axis = op.keywords.get("axis")
            axis = axis.value if isinstance(axis, gast.Constant) else None
            if base and isinstance(axis, int):
                # keepdims: broadcasts back into its argument's shape (one class per axis)
                return frozenset([("sub", base, axis)])
        if f in _SCALAR_FUNCS:
            return frozenset()
        return unique

    def _shape_item(self, op):
        """Is op ``s[i]`` of a name s bound to an array parameter's ``.shape``
        and an int i (a Python int)?"""
        return op.func is operator.getitem and len(op.args) == 2 \
            and isinstance(op.args[0], gast.Name) and op.args[0].id in self._shape_tuples \
            and isinstance(op.args[1], gast.Constant) and type(op.args[1].value) is int

    # ---- expressions of generated code -----------------------------------
    def expr_class(self, e):
        if isinstance(e, gast.Constant):
            return self._cls(e)
        if isinstance(e, gast.Name):
            if e.id in self.adjoint_of:
                return self.classes.get(self.adjoint_of[e.id])
            return self.classes.get(e.id)
        if isinstance(e, gast.BinOp) and type(e.op) in (gast.Add, gast.Sub, gast.Mult,
                                                        gast.Div, gast.Pow, gast.Mod):
            a, b = self.expr_class(e.left), self.expr_class(e.right)
            return _union([a, b]) if a is not None and b is not None else None
        if isinstance(e, gast.UnaryOp) and isinstance(e.op, (gast.USub, gast.UAdd)):
            return self.expr_class(e.operand)
        if isinstance(e, gast.Call) and not e.keywords:
            f = self._callee(e.func)
            if f is not None and (_elementwise(f) or f is np.where):
                cs = [self.expr_class(a) for a in e.args]
                if all(c is not None for c in cs):
                    return _union(cs)
        return None

    def _callee(self, func):
        """The object a generated call refers to (helpers and np.* functions)."""
        if self.env is None:
            return None
        if isinstance(func, gast.Name):
            if func.id in self.env.objects:
                return self.env.objects[func.id]
            return self.env.user_globals.get(func.id)
        if isinstance(func, gast.Attribute):
            base = self._callee(func.value)
            return getattr(base, func.attr, None) if base is not None else None
        return None

    def matmul_special(self, f, args):
        """matmul_grad_x/y with operands of known rank (1 or 2): a plain expression."""
        g, x, y = args
        rx, ry = self.rank(x), self.rank(y)
        if rx not in (1, 2) or ry not in (1, 2):
            return None
        c = clone
        np_ref = self.env.ref(np, "np")
        T = lambda e: gast.Attribute(value=c(e), attr="T", ctx=gast.Load())  # noqa: E731
        mm = lambda a, b: gast.BinOp(left=a, op=gast.MatMult(), right=b)  # noqa: E731
        mul = lambda a, b: gast.BinOp(left=a, op=gast.Mult(), right=b)  # noqa: E731
        outer = lambda a, b: gast.Call(func=gast.Attribute(value=np_ref, attr="outer",  # noqa
                                                           ctx=gast.Load()),
                                       args=[c(a), c(b)], keywords=[])
        if f is runtime.matmul_grad_x:
            table = {(2, 2): lambda: mm(c(g), T(y)), (2, 1): lambda: outer(g, y),
                     (1, 2): lambda: mm(c(y), c(g)), (1, 1): lambda: mul(c(g), c(y))}
        else:
            table = {(2, 2): lambda: mm(T(x), c(g)), (2, 1): lambda: mm(c(g), c(x)),
                     (1, 2): lambda: outer(x, g), (1, 1): lambda: mul(c(g), c(x))}
        return table[(rx, ry)]()

    def prune(self, e):
        """Drop unbroadcast/broadcast_like calls whose operands share a shape class."""
        return _Pruner(self).visit(e)


def _nested(a, b):
    """Two array classes, equal or one within the other (``{x, k}`` and ``{x}``:
    equal shapes unless ``k`` broadcasts ``x`` up) -- but not a parameter's
    own class within another (``k`` may well be a number)."""
    if not a or not b:
        return False
    if a == b:
        return True
    lone = any(len(c) == 1 and isinstance(next(iter(c)), str) for c in (a, b))
    return not lone and (a <= b or b <= a)


class _Pruner(Transformer):
    def __init__(self, sc):
        self.sc = sc

    def _may_be_complex(self, e):
        """Does the cotangent ``e`` come from a complex rule (a complex constant, a
        cast to a value's dtype kind)? Then ``unbroadcast(e, x)`` stays: for a real
        ``x`` it takes the real part."""
        from ..runtime import cast_like
        for n in walk(e):
            if isinstance(n, gast.Constant) and isinstance(n.value, complex):
                return True
            if isinstance(n, gast.Call) and self.sc._callee(n.func) is cast_like:
                return True
        return False

    def visit_Call(self, node):
        self.generic_visit(node)
        f = self.sc._callee(node.func)
        if f in (runtime.matmul_grad_x, runtime.matmul_grad_y) and len(node.args) == 3:
            special = self.sc.matmul_special(f, node.args)
            if special is not None:
                return special
        if f in (runtime.unbroadcast, runtime.broadcast_like) and len(node.args) == 2:
            if f is runtime.unbroadcast and (self.sc.may_be_complex
                                             or self._may_be_complex(node.args[0])):
                return node     # (it also takes a complex cotangent's real part)
            a, b = self.sc.expr_class(node.args[0]), self.sc.expr_class(node.args[1])
            if a is not None and a == b:
                return node.args[0]
            a, b = self.sc.expr_sym(node.args[0]), self.sc.expr_sym(node.args[1])
            if a is not None and a == b:
                return node.args[0]
            g, x = node.args
            if f is runtime.unbroadcast and isinstance(g, gast.BinOp) \
                    and isinstance(g.op, gast.Mult) and self.sc.env is not None \
                    and _nested(self.sc.expr_class(g.left), self.sc.expr_class(g.right)):
                # a product of arrays likely of one shape summed (to a scalar, or
                # along axes): no product array where their shapes agree (the
                # helper checks, and falls back to exactly this)
                return gast.Call(func=self.sc.env.ref(runtime.sum_product, "sum_product"),
                                 args=[g.left, g.right, x], keywords=[])
        return node
