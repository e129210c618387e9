"""Symbolic shapes (see ``shape_algebra``) of names, inferred from their
definitions, and of expressions of generated code."""
import operator

import gast
import numpy as np

from .shape_algebra import broadcast_shape, index_shape, sym_rank
from .shape_ops import FULL_REDUCTIONS, SCALAR_FUNCS, elementwise, reads_by_op


def _matmul_shape(a, b):
    """The symbolic shape of ``a @ b``, for operands of rank 1 or 2."""
    if sym_rank(a) is None or sym_rank(b) is None \
            or not (1 <= len(a) <= 2 and 1 <= len(b) <= 2):
        return None
    if len(a) == 2 and len(b) == 2:
        return (a[0], b[1])
    if len(a) == 2:
        return (a[0],)
    if len(b) == 2:
        return (b[1],)
    return ()


class SymbolicShapeInference:
    """Symbolic shapes of names (``self.sym``): a mixin of ``ShapeClasses``."""

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
        reads_of = reads_by_op(ops)
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
        if elementwise(f) and not op.keywords:
            return broadcast_shape([self._sym_atom(a) for a in op.args])
        if f in (operator.matmul, np.matmul, np.dot) and len(op.args) == 2:
            return _matmul_shape(*(self._sym_atom(x) for x in op.args))
        if f is operator.getitem:
            return index_shape(self._sym_atom(op.args[0]), op.args[1], self)
        if f in FULL_REDUCTIONS and len(op.args) == 1:
            return self._reduction_sym(op)
        if f is np.transpose and len(op.args) == 1 and not op.keywords:
            base = self._sym_atom(op.args[0])
            return tuple(reversed(base)) if sym_rank(base) is not None else None
        if f in SCALAR_FUNCS:
            return ()
        return None

    def _reduction_sym(self, op):
        """The symbolic shape of a reduction (``np.sum(x)``, ``np.sum(x, axis=0,
        keepdims=True)``)."""
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

    def expr_sym(self, e):
        if isinstance(e, gast.Constant):
            return self._sym_atom(e)
        if isinstance(e, gast.Name):
            if e.id in self.adjoint_of:
                return self.sym.get(self.adjoint_of[e.id])
            return self.sym.get(e.id)
        if isinstance(e, gast.BinOp) and type(e.op) in (gast.Add, gast.Sub, gast.Mult,
                                                        gast.Div, gast.Pow, gast.Mod):
            return broadcast_shape([self.expr_sym(e.left), self.expr_sym(e.right)])
        if isinstance(e, gast.UnaryOp) and isinstance(e.op, (gast.USub, gast.UAdd)):
            return self.expr_sym(e.operand)
        if isinstance(e, gast.Subscript):
            return index_shape(self.expr_sym(e.value), e.slice, self)
        if isinstance(e, gast.Call) and not e.keywords:
            f = self._callee(e.func)
            if f is not None and (elementwise(f) or f is np.where):
                return broadcast_shape([self.expr_sym(a) for a in e.args])
        return None
