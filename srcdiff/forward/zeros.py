"""Symbolic zero tangents, folded away at transform time.

Forward mode inlines a JVP rule with a ``Zero`` marker in place of the
tangent of every operand that does not depend on the inputs. Folding then
drops the terms those markers make zero::

    Zero * a -> Zero      a + Zero -> a      -Zero -> Zero     Zero[i] -> Zero
    f(.., Zero, ..) -> Zero   when f is linear in that argument (rule.linear)

A marker that ends up inside an expression folding cannot see through is
materialized as ``zeros_like_value(primal)``: the expression keeps its
meaning and its shape (a folded sub-expression such as ``Zero * y`` comes
back as ``zeros_like_value(x) * y``, never as a zero of the wrong shape).
"""
import operator

import gast
import numpy as np

from .. import runtime
from ..rules import lookup
from ..ir import anno
from ..ir.syntax import load, const, clone, names_read

__all__ = ["ZERO_ID", "zero", "is_zero", "Folder"]

ZERO_ID = "__srcdiff_zero__"

# functions that add their arguments: a zero argument is dropped, not absorbing
_ADDITIVE = {operator.add, np.add, runtime.add_cotangents}


def zero(primal):
    """A Zero marker standing for the tangent of the expression ``primal``."""
    n = load(ZERO_ID)
    anno.set(n, "zero_of", primal)
    return n


def _composite(src):
    """A Zero standing for the value of ``src`` (an expression over zeros)."""
    n = load(ZERO_ID)
    anno.set(n, "zero_src", src)
    return n


def is_zero(node):
    return isinstance(node, gast.Name) and node.id == ZERO_ID


def _zero_literal(node):
    return isinstance(node, gast.Constant) and type(node.value) in (int, float) \
        and node.value == 0


class Folder:
    """Fold Zero markers out of expressions.

    ``resolve(func_node)`` gives the object a call refers to (or None);
    ``zeros(primal_expr)`` builds the expression of a materialized zero.
    """

    def __init__(self, resolve, zeros):
        self.resolve = resolve
        self.zeros = zeros

    # ---- materialization ---------------------------------------------------
    def materialize(self, node):
        if is_zero(node):
            src = anno.get(node, "zero_src")
            if src is not None:
                return self.materialize(clone(src))
            return self.zeros(clone(anno.required(node, "zero_of")))
        for field, value in gast.iter_fields(node):
            if isinstance(value, list):
                setattr(node, field, [self.materialize(v) if isinstance(v, gast.AST) else v
                                      for v in value])
            elif isinstance(value, gast.AST):
                setattr(node, field, self.materialize(value))
        return node

    # ---- folding -------------------------------------------------------------
    def fold(self, node):
        """The folded expression: a Zero marker, or an expression without any."""
        if is_zero(node):
            return node
        if isinstance(node, gast.BinOp):
            return self._binop(node)
        if isinstance(node, gast.UnaryOp):
            operand = self.fold(node.operand)
            if is_zero(operand) and isinstance(node.op, (gast.USub, gast.UAdd)):
                return _composite(gast.UnaryOp(op=node.op, operand=operand))
            node.operand = self.materialize(operand)
            return node
        if isinstance(node, gast.Subscript):
            value = self.fold(node.value)
            node.slice = self.materialize(node.slice)
            if is_zero(value):
                return _composite(gast.Subscript(value=value, slice=node.slice,
                                                 ctx=gast.Load()))
            node.value = value
            return node
        if isinstance(node, gast.Call):
            return self._call(node)
        if isinstance(node, gast.IfExp):
            body, orelse = self.fold(node.body), self.fold(node.orelse)
            node.test = self.materialize(node.test)
            if is_zero(body) and is_zero(orelse):
                return _composite(gast.IfExp(test=node.test, body=body, orelse=orelse))
            node.body, node.orelse = self.materialize(body), self.materialize(orelse)
            return node
        # anything else: fold inside, then materialize what is left
        for field, value in gast.iter_fields(node):
            if isinstance(value, list):
                setattr(node, field, [self.materialize(self.fold(v)) if isinstance(v, gast.expr)
                                      else v for v in value])
            elif isinstance(value, gast.expr):
                setattr(node, field, self.materialize(self.fold(value)))
        return node

    def _binop(self, node):
        left, right = self.fold(node.left), self.fold(node.right)
        lz, rz = is_zero(left), is_zero(right)
        op = node.op
        if lz or rz:
            src = gast.BinOp(left=left, op=op, right=right)
            if isinstance(op, gast.Add):
                if lz and rz:
                    return _composite(src)
                return right if lz else left
            if isinstance(op, gast.Sub):
                if lz and rz:
                    return _composite(src)
                if rz:
                    return left
                return gast.UnaryOp(op=gast.USub(), operand=right)
            if isinstance(op, (gast.Mult, gast.MatMult)):
                return _composite(src)
            if isinstance(op, (gast.Div, gast.Mod)) and lz:
                return _composite(src)
        node.left, node.right = self.materialize(left), self.materialize(right)
        return node

    def _call(self, node):
        args = [self.fold(a) if not isinstance(a, gast.Starred) else a for a in node.args]
        keywords = [gast.keyword(arg=k.arg, value=self.fold(k.value)) for k in node.keywords]
        zeros = [is_zero(a) for a in args]
        f = self.resolve(node.func)
        src = gast.Call(func=node.func, args=args, keywords=keywords)
        if any(zeros) and not any(is_zero(k.value) for k in keywords):
            if f is not None and _in(f, _ADDITIVE) and not keywords:
                rest = [a for a in args if not is_zero(a)]
                if not rest:
                    return _composite(src)
                if len(rest) == 1:
                    return rest[0]
                args = rest
            elif f is np.where and len(args) == 3 and not keywords:
                if all(is_zero(a) or _zero_literal(a) for a in args[1:]):
                    return _composite(src)
                args = [args[0]] + [const(0.0) if is_zero(a) else a for a in args[1:]]
            else:
                rule = lookup(f) if f is not None else None
                linear = rule.linear if rule is not None else ()
                if any(k < len(args) and zeros[k] for k in linear):
                    return _composite(src)
        node.args = [self.materialize(a) for a in args]
        node.keywords = [gast.keyword(arg=k.arg, value=self.materialize(k.value))
                         for k in keywords]
        return node

    # ---- blocks of rule statements ----------------------------------------
    def fold_block(self, stmts, result):
        """Fold a rule's local statements and its result expression.

        Returns (statements still needed, folded result: a Zero marker or an
        expression without markers).
        """
        zero_locals = {}
        kept = []
        for st in stmts:
            value = _substitute(st.value, zero_locals)
            value = self.fold(value)
            name = st.targets[0].id
            if is_zero(value):
                zero_locals[name] = value
                continue
            st.value = value
            kept.append(st)
        result = self.fold(_substitute(result, zero_locals))
        used = names_read(result) if not is_zero(result) else set()
        needed = []
        for st in reversed(kept):
            if st.targets[0].id in used:
                needed.insert(0, st)
                used |= names_read(st.value)
        return needed, result


def _in(f, group):
    try:
        return f in group
    except TypeError:
        return False


def _substitute(node, zero_locals):
    if not zero_locals:
        return node

    class _Sub(gast.NodeTransformer):
        def visit_Name(self, n):
            if isinstance(n.ctx, gast.Load) and n.id in zero_locals:
                return clone(zero_locals[n.id])
            return n

    return _Sub().visit(node)
