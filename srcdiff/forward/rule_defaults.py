"""Keyword arguments an inlined JVP rule passes with its own default value,
dropped where that value is the called function's default too."""
import inspect

import gast
import numpy as np

from ..ir import anno
from ..ir.templates import literal_expr

__all__ = ["default_const", "DropDefaults"]


def default_const(value):
    c = literal_expr(value)
    anno.set(c, "default", True)
    return c


class DropDefaults(gast.NodeTransformer):
    """``np.sum(da, axis=None)`` -> ``np.sum(da)`` where ``None`` is the rule's own
    default for a parameter the call did not pass, and the called function's
    default too (a rule's ``axis=0`` passed on to ``np.sum`` stays)."""

    def __init__(self, resolve):
        self.resolve = resolve

    def visit_Call(self, node):
        self.generic_visit(node)
        node.keywords = [k for k in node.keywords
                         if not (anno.get(k.value, "default", False)
                                 and self._callee_default(node.func, k))]
        return node

    def _callee_default(self, func, keyword):
        try:
            param = inspect.signature(self.resolve(func)).parameters.get(keyword.arg)
        except (TypeError, ValueError):
            return False
        if param is None or param.default is param.empty:
            return False
        value = keyword.value
        if param.default is getattr(np, "_NoValue", param.empty):
            # NumPy's "not given": keepdims=False and axis=None mean the same
            return isinstance(value, gast.Constant) and value.value in (False, None)
        return isinstance(value, gast.Constant) and type(value.value) is type(param.default) \
            and value.value == param.default
