"""Lists, tuples and dicts: which names hold containers, item writes
``y[i] = v`` (in place on an owned tangent buffer, else ``set_item``), and lists
used as stacks (``append``/``extend``/``pop``/``pop_tail`` on a list of tangents)."""
import operator

import gast

from .. import runtime
from ..analysis.activity import (mutating_call_refusal, walk_stmts, writes_arguments,
                                 writing_call_refusal)
from ..ir import anno
from ..ir.syntax import load, const, assign, call, attr, clone
from ..rules.forward_writes import set_item, private_copy
from .aliasing import items_key
from .zeros import is_zero

__all__ = ["ContainersMixin", "container_names", "grown_list"]


def container_names(body, classifier, sequences=()):
    """The names bound to lists, tuples, dicts or objects (``sequences``, and what
    packs, user calls, pops, unknown non-NumPy calls, copies and items of them bind)."""
    out = set(sequences)
    defs = []
    for s in walk_stmts(body):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            defs.append((s.targets[0].id, classifier.classify(s.value)))
    changed = True
    while changed:
        changed = False
        for t, op in defs:
            if t in out:
                continue
            if op.kind in ("pack", "pack_dict", "user", "list_pop") or \
                    (op.kind == "unknown" and not _numpy_func(op.func)) or \
                    (op.kind == "copy" and op.node.id in out) or \
                    (op.kind == "call" and op.func is operator.getitem
                     and isinstance(op.args[0], gast.Name) and op.args[0].id in out):
                out.add(t)
                changed = True
    return out


def grown_list(v):
    """The name of the list ``L.append(x)`` / ``L.extend(xs)`` grows, or None."""
    if isinstance(v, gast.Call) and isinstance(v.func, gast.Attribute) \
            and isinstance(v.func.value, gast.Name) and v.func.attr in ("append", "extend"):
        return v.func.value.id
    return None


def _numpy_func(f):
    mod = getattr(f, "__module__", None) or ""
    return mod == "numpy" or mod.startswith("numpy.")


class ContainersMixin:
    """Item writes and list operations on tangents (see the module docstring)."""

    def setitem(self, s, target):
        y = target.value.id
        if not self.active(y):
            return [s]
        self.owned.discard(items_key(y))       # (a list's item replaced)
        line = anno.required(s, "srcline")
        out = [s]
        dv = self.tangent_atom(s.value)
        if y not in self.live:
            if is_zero(dv):
                return out
            out.append(assign(self.tan(y), self.zero_value(y), line))
            self.live.add(y)
            self.owned.add(y)
        value = self.folder.materialize(dv) if not is_zero(dv) else const(0.0)
        dy = self.tan(y)
        if y in self.owned:
            tgt = gast.Subscript(value=load(dy), slice=clone(target.slice), ctx=gast.Store())
            st = gast.Assign(targets=[tgt], value=value, type_comment=None)
            anno.set(st, "srcline", line)
            out.append(st)
        else:
            e = call(self.ref(set_item, "set_item"), [load(dy), clone(target.slice), value])
            out.append(assign(dy, e, line))
            self.owned.add(y)
        return out

    def expr_stmt(self, s):
        v = s.value
        if not isinstance(v, gast.Call):
            return [s]
        line = anno.required(s, "srcline")
        op = self.classifier.classify(v)
        if writes_arguments(op) and any(self.active(n) and n in self.live for n in op.reads()):
            raise self.error(s, *writing_call_refusal(op))
        func = v.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name):
            lst = func.value.id
            meth = func.attr
            if not self.active(lst):
                return [s]
            if meth in ("append", "extend") and len(v.args) == 1 and not v.keywords:
                before, after = self._list_add(lst, meth, v.args[0], line)
                return before + [s] + after
            if meth == "pop" and not v.args:
                if lst in self.live:
                    return [s, gast.Expr(value=call(attr(self.tan(lst), "pop")))]
                return [s]
            op = self.classifier.classify(v)
            if any(self.active(n) and n in self.live for n in op.reads()) \
                    and op.kind not in ("nondiff", "const"):
                raise self.error(s, *mutating_call_refusal(meth))
            return [s]
        f = self.resolve(func)
        if f is getattr(runtime, "pop_tail", None) and isinstance(v.args[0], gast.Name):
            lst = v.args[0].id
            if self.active(lst) and lst in self.live:
                args = [load(self.tan(lst))] + [clone(a) for a in v.args[1:]]
                return [s, gast.Expr(value=call(clone(func), args))]
        return [s]

    def _list_add(self, lst, meth, value, line):
        """(statements before the primal ``lst.append(value)``, statements after):
        a list with no tangent yet gets zeros for the items it has *before*
        the append, then the tangent of the appended value.

        A buffer the function writes into item by item is pushed with a tangent
        of its own (a materialized zero, or a private copy of a tangent it may
        share): its later writes are then made in place in both, so the list
        holds the written tangent exactly where it holds the written primal."""
        before = []
        if meth == "append" and isinstance(value, gast.Name) \
                and value.id in self.item_written:
            y = value.id
            if y not in self.live:
                before.append(assign(self.tan(y), self.zero_value(y), line))
                self.live.add(y)
                self.owned.add(y)
                self.views.pop(y, None)
            elif y not in self.owned:
                self.set_tangent(y, call(self.ref(private_copy, "private_copy"),
                                         [load(self.tan(y))]), line, before)
        if lst not in self.live:
            d = self.tangent_atom(value)
            if is_zero(d):
                return [], []
            before.append(assign(self.tan(lst), call(
                self.ref(runtime.zeros_like_list, "zeros_like_list"), [load(lst)]), line))
            self.live.add(lst)
        d = self.tangent_atom(value)
        if is_zero(d):
            if meth == "append":
                d = self.zero_value(value.id) if isinstance(value, gast.Name) \
                    else self.folder.materialize(d)
            else:
                d = call(self.ref(runtime.zeros_like_list, "zeros_like_list"), [clone(value)])
        if isinstance(value, gast.Name):
            self.pushed.setdefault(lst, set()).add(value.id)
        if not (meth == "append" and (not isinstance(value, gast.Name)
                                      or value.id in self.owned or is_zero(
                                          self.tangent_atom(value)))):
            self.owned.discard(items_key(lst))     # (a tangent that may be shared)
        node = gast.Expr(value=call(attr(self.tan(lst), meth), [d]))
        anno.set(node, "srcline", line)
        return before, [node]
