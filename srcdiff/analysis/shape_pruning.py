"""Simplifying generated code where shapes are known: unbroadcast and
broadcast_like dropped where their operands have one shape, matmul gradients
of operands of known rank written as plain expressions."""
import gast
import numpy as np

from ..ir.syntax import Transformer, clone, walk
from .. import runtime


class ShapePruning:
    """``prune`` and ``matmul_special``: a mixin of ``ShapeClasses``."""

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
