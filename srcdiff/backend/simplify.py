"""Algebraic clean-up of instantiated rule expressions.

Only identities that hold for every shape are applied: ``x ** 1 -> x``,
``x * 1 -> x``, constant arithmetic, ``a if True else b -> a``, ``-(-x) -> x``,
``g * y + y * g -> 2 * g * y``.
(``0 * x`` is *not* folded to ``0``: it would lose the shape of ``x``.)
"""
import operator

import gast

from ..ir.syntax import Transformer, const

_OPS = {gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
        gast.Div: operator.truediv, gast.Pow: operator.pow, gast.FloorDiv: operator.floordiv,
        gast.Mod: operator.mod}


_LITERAL = (type(None), bool, int, float, str)
_COMPARE = {gast.Is: operator.is_, gast.IsNot: operator.is_not, gast.Eq: operator.eq,
            gast.NotEq: operator.ne}


def _num(node):
    return isinstance(node, gast.Constant) and type(node.value) in (int, float) 


def _num_or_bool(node):
    return isinstance(node, gast.Constant) and type(node.value) in (int, float, bool)


def _is(node, value):
    return _num(node) and node.value == value and type(node.value) is type(value) \
        or (_num(node) and node.value == value and isinstance(value, int))


class Simplifier(Transformer):
    def visit_BinOp(self, node):
        self.generic_visit(node)
        l, r, op = node.left, node.right, type(node.op)
        if _num_or_bool(l) and _num_or_bool(r) and op in _OPS:
            try:
                v = _OPS[op](l.value, r.value)
            except (ZeroDivisionError, OverflowError):
                return node
            if isinstance(v, (int, float)) and abs(v) < 1e15:
                return const(v)
        if op is gast.Pow and _num(r) and r.value == 1:
            return l
        if op is gast.Add and isinstance(r, gast.UnaryOp) and isinstance(r.op, gast.USub):
            return gast.BinOp(left=l, op=gast.Sub(), right=r.operand)
        if op is gast.Mult and _num(r) and r.value == 1 and type(r.value) is int:
            return l
        if op is gast.Mult and _num(l) and l.value == 1 and type(l.value) is int:
            return r
        if op is gast.Div and _num(r) and r.value == 1 and type(r.value) is int:
            return l
        if op is gast.Add and same_product(l, r):
            return twice(l)         # the tangent of y * y: dy * y + y * dy -> 2 * dy * y
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, gast.USub):
            if isinstance(node.operand, gast.UnaryOp) and isinstance(node.operand.op, gast.USub):
                return node.operand.operand
            if _num(node.operand):
                return const(-node.operand.value)
        return node

    def visit_Compare(self, node):
        """``0 is None``, ``-1 == -1``: a rule's test of an option the call gave as a literal."""
        self.generic_visit(node)
        if len(node.ops) == 1 and all(isinstance(e, gast.Constant) and type(e.value) in _LITERAL
                                      for e in (node.left, node.comparators[0])):
            test = _COMPARE.get(type(node.ops[0]))
            identity = test in (operator.is_, operator.is_not)
            if test is not None and (not identity or None in (node.left.value,
                                                              node.comparators[0].value)):
                return const(test(node.left.value, node.comparators[0].value))
        return node

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        if all(isinstance(v, gast.Constant) for v in node.values):
            values = [v.value for v in node.values]
            result = all(values) if isinstance(node.op, gast.And) else any(values)
            if all(type(v) is bool for v in values):
                return const(result)
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        if isinstance(node.test, gast.Constant):
            return node.body if node.test.value else node.orelse
        return node


def same_product(a, b):
    """Are ``a`` and ``b`` the same product of the same two factors (``g * y`` and
    ``y * g``)? Their sum is then ``2 * g * y``, to the last bit (doubling is exact)."""
    if not (isinstance(a, gast.BinOp) and isinstance(b, gast.BinOp)
            and isinstance(a.op, gast.Mult) and isinstance(b.op, gast.Mult)):
        return False
    al, ar, bl, br = (gast.dump(x) for x in (a.left, a.right, b.left, b.right))
    return (al, ar) == (bl, br) or (al, ar) == (br, bl)


def twice(product):
    """``2 * g * y`` for the product ``g * y``."""
    return gast.BinOp(left=gast.BinOp(left=const(2), op=gast.Mult(), right=product.left),
                      op=gast.Mult(), right=product.right)


def simplify(node):
    return Simplifier().visit(node)
