"""Generated code differentiated again: a stack entry is the array itself, so
a later write into the pushed array is refused (or, in a finished gradient,
the push keeps a copy: ``stacked(v)``), and ``add_at`` into an array another
value may share adds into a copy.
"""
import functools

import gast

from .. import runtime
from ..ir.syntax import Transformer, call, clone, walk
from .in_place import IN_PLACE_HELPERS, pushed_then_written, writes_into


class HigherOrderMixin:
    """What changes when the code transformed is itself a gradient."""

    def _refuse_pushed_then_written(self, body):
        """Generated code differentiated again: a stack entry is the array
        itself (``S.append(v)``), not a copy, and the derivative of this code
        reads it as the value ``v`` had at the push. So ``v`` must not be
        changed in place after the push while the name still holds that array
        (in its block, and around its loop to where it is bound again). The
        generator pushes after the last such write (_iterlocal_push_point),
        pushes a copy (_restore), or pushes ``stacked(v)`` (keep_pushed_arrays):
        anything else is refused, naming the line, rather than differentiated
        wrongly. (A user's function is checked where it runs, by protect_writes.)"""
        written_in_place = functools.partial(writes_into, self.classifier)
        for push, bad, v in pushed_then_written(body, written_in_place):
            raise self.error(
                bad, f"'{v}' is changed in place here after "
                f"{push.value.func.value.id}.append({v}) keeps its array: srcdiff "
                "cannot differentiate this generated code again",
                "please report this; a derivative of lower order works")

    def _copy_accumulations(self, body):
        """Generated code differentiated again: its ``dy = add_at(dy, i, g)``
        adds into dy's array in place, and that array may be another value's
        (``dy = dv`` before it, which the normalizer folds into ``add_at(dv, i,
        g)``) that this derivative reads afterwards (a rule's input kept for the
        adjoint). So here the addition is made on a copy (runtime.add_at_copied):
        the values are the same, and nothing read later changes under it."""
        copied = {runtime.add_at: runtime.add_at_copied,
                  runtime.add_at_owned: runtime.add_at_owned_copied}
        for n in walk(gast.Module(body=body, type_ignores=[])):
            if isinstance(n, gast.Call) and isinstance(n.func, gast.Name):
                func = self.classifier.classify(n).func
                if func in copied:
                    n.func = self.ref(copied[func], copied[func].__name__)

    def keep_pushed_arrays(self, stmts, resolve):
        """The finished gradient's statements, with every push of an array that
        later code may change in place while it is on the stack (what
        _refuse_pushed_then_written refuses in code differentiated again) made
        ``S.append(stacked(v))``, and that stack's pops ``unstacked(S.pop())``:
        the code still pops the array itself (views and other names that share
        it stay shared), and differentiating it again reads the entry as the
        copy taken at the push. The check can only be conservative (a name
        rebound in a loop that may not run), so this costs a copy where it
        fires, never a refusal. ``resolve``: the object a function expression of
        the generated code names (its helpers, ``add_at``)."""
        def written_in_place(stmt, t):
            if writes_into(self.classifier, stmt, t):
                return True
            return any(isinstance(n, gast.Call) and any(
                isinstance(a, gast.Name) and a.id == t for a in n.args)
                and resolve(n.func) in IN_PLACE_HELPERS for n in walk(stmt))

        # (the generator's stacks only: a list of the user's holds the array
        # itself, ``L.append(v); v[i] = e`` shows through ``L[-1]``)
        stacks = {push.value.func.value.id
                  for push, _, _ in pushed_then_written(stmts, written_in_place)} \
            & set(self.stack_names)
        if not stacks:
            return stmts
        wrap = self.ref(runtime.stacked, "stacked")
        unwrap = self.ref(runtime.unstacked, "unstacked")

        keep = _KeepPushed(stacks, wrap, unwrap)
        return [keep.visit(st) for st in stmts]


class _KeepPushed(Transformer):
    """Each push onto one of ``stacks`` pushes ``wrap(v)`` (runtime.stacked) and
    each pop is ``unwrap(S.pop())`` (runtime.unstacked)."""

    def __init__(self, stacks, wrap, unwrap):
        self.stacks, self.wrap, self.unwrap = stacks, wrap, unwrap

    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        if not (isinstance(f, gast.Attribute) and isinstance(f.value, gast.Name)
                and f.value.id in self.stacks):
            return node
        if f.attr == "append" and len(node.args) == 1 and isinstance(node.args[0], gast.Name):
            node.args = [call(clone(self.wrap), node.args)]
            return node
        # (every pop of the stack: unstacked gives a copy pushed as it is)
        if f.attr == "pop" and not node.args:
            return call(clone(self.unwrap), [node])
        return node
