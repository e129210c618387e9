"""Calls srcdiff does not inline (recursion): the primal sweep calls the
callee's generated forward function (``call_fwd``), the adjoint its backward
function (``call_bwd``) with the residuals the forward one returned.
"""
import inspect

import gast

from ..runtime import transforms
from ..ir import anno
from ..ir.syntax import load, store, const, assign, call, subscript, clone
from .placeholders import Restore


class UserCallsMixin:
    """Reverses calls of user functions that are not inlined."""

    def user_call(self, s, t, op, g):
        """A call srcdiff does not inline (recursion): the primal calls the callee's
        generated forward function, the adjoint its backward function."""
        line = anno.get(s, "srcline")
        func = op.func
        if isinstance(func, gast.FunctionDef) or func is None:
            raise self.error(s, "recursive nested functions cannot be differentiated",
                             "make the function a module-level function")
        func = func.__func__ if hasattr(func, "__func__") else func
        if hasattr(op.func, "__self__"):
            raise self.error(s, "recursive methods cannot be differentiated")
        params = [p.name for p in inspect.signature(func).parameters.values()]
        active = []
        for i, a in enumerate(op.args):
            if isinstance(a, gast.Name) and self.active(a.id):
                active.append((params[i], a.id))
        for k, v in op.keywords.items():
            if isinstance(v, gast.Name) and self.active(v.id):
                active.append((k, v.id))
        if not active:
            return []
        wrt = tuple(p for p, _ in active)
        fref = op.node.func
        if not anno.has(s, "split"):
            res = self.names.fresh(t + "_res")
            anno.set(s, "split", (t, op, res))
            s.value = call(self.ref(transforms.get("call_fwd"), "call_fwd"),
                           [clone(fref), const(wrt)] + [clone(a) for a in op.args],
                           [gast.keyword(arg=k, value=clone(v)) for k, v in op.keywords.items()])
            s.targets = [gast.Tuple(elts=[store(t), store(res)], ctx=gast.Store())]
        res = anno.get(s, "split")[2]
        grads = self.names.fresh(t + "_grads")
        out = [assign(grads, call(self.ref(transforms.get("call_bwd"), "call_bwd"),
                                  [clone(fref), const(wrt), load(res), g]), line)]
        for i, (p, name) in enumerate(active):
            out += self.accumulate(name, subscript(load(grads), const(i)), line)
        self.late_restores.append(Restore(s, res, "name"))
        return out
