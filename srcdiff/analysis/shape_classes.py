"""Shape classes (see ``shapes``): the inference of each name's class, and the
class of an expression of generated code."""
import operator

import gast
import numpy as np

from .shape_algebra import has_rest
from .shape_ops import FULL_REDUCTIONS, SCALAR_FUNCS, elementwise, reads_by_op


def _union(classes):
    """The class of a broadcast of values of these classes. A ("sub", C)
    member (a keepdims reduction of a C-shaped value) disappears when C is
    among the other members: broadcasting it changes no shape."""
    out = frozenset().union(*classes)
    plain = frozenset(x for x in out if not (isinstance(x, tuple) and x[:1] == ("sub",)))
    return frozenset(x for x in out if not (isinstance(x, tuple) and x[:1] == ("sub",)
                                            and x[1] <= plain)) | plain


class ShapeClassInference:
    """Classes of names (``self.classes``): a mixin of ``ShapeClasses``."""

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
        reads_of = reads_by_op(ops)
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
        if elementwise(f) and not op.keywords:
            cs = [self._cls(a) for a in op.args]
            if all(c is not None for c in cs):
                return _union(cs)
            return unique
        if f in FULL_REDUCTIONS and len(op.args) == 1 and not op.keywords:
            return frozenset()
        if f in FULL_REDUCTIONS and len(op.args) == 1 and set(op.keywords) <= {"axis", "keepdims"} \
                and isinstance(op.keywords.get("keepdims"), gast.Constant) \
                and op.keywords["keepdims"].value is True:
            base = self._cls(op.args[0])
            axis = op.keywords.get("axis")
            axis = axis.value if isinstance(axis, gast.Constant) else None
            if base and isinstance(axis, int):
                # keepdims: broadcasts back into its argument's shape (one class per axis)
                return frozenset([("sub", base, axis)])
        if f in SCALAR_FUNCS:
            return frozenset()
        return unique

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
            if f is not None and (elementwise(f) or f is np.where):
                cs = [self.expr_class(a) for a in e.args]
                if all(c is not None for c in cs):
                    return _union(cs)
        return None
