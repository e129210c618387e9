"""Assignments lowered: to names (new versions), tuples (unpacked item by
item, swaps evaluated first), items (``a[i][j] = v`` merged into ``a[i, j] =
v``) and augmented assignments (marked as the in-place changes they are)."""

import builtins

import gast

from ...ir import anno
from ...ir.syntax import assign, clone, const, load
from .expressions import ANON


_ITERATOR_BUILTINS = ("reversed", "zip", "map", "enumerate", "iter", "filter")


class AssignmentLowering:
    """The normalizer's part that lowers assignments."""

    def assign_stmt(self, targets, value):
        if len(targets) == 1 and isinstance(targets[0], gast.Name):
            stmts, simple = self.effect_only(*self.simple(value, targets[0].id))
            target = self.target_name(targets[0].id)
            if self.depth == 0 and anno.has(simple, "record"):
                self.record_of[target] = anno.get(simple, "record")
            return stmts + [assign(target, simple, self.line)]
        if len(targets) == 1 and isinstance(targets[0], (gast.Tuple, gast.List)) \
                and isinstance(value, (gast.Tuple, gast.List)) \
                and len(value.elts) == len(targets[0].elts) \
                and not any(isinstance(x, gast.Starred) for x in value.elts + targets[0].elts):
            # a, b = b, a: evaluate every value first, then assign
            stmts, vals = [], []
            for t, v in zip(targets[0].elts, value.elts):
                s, a = self.atom(v, t.id if isinstance(t, gast.Name) else ANON)
                stmts += s
                if isinstance(a, gast.Name) and any(
                        isinstance(t2, gast.Name) and self.env.get(t2.id, t2.id) == a.id
                        for t2 in targets[0].elts):
                    tmp = self.names.fresh(a.id)
                    stmts.append(assign(tmp, a, self.line))
                    a = load(tmp)
                vals.append(a)
            for t, a in zip(targets[0].elts, vals):
                stmts += self.assign_to(t, a)
            return stmts
        hint = targets[0].id if isinstance(targets[0], gast.Name) else ANON
        if any(isinstance(t, (gast.Tuple, gast.List)) for t in targets) and self.iterator_call(value):
            # a, b = reversed(x): unpacking reads the items by index, which an
            # iterator has not; unpack the tuple of its items
            value = gast.Call(func=load("tuple"), args=[value], keywords=[])
            names = [e.id for t in targets if isinstance(t, (gast.Tuple, gast.List))
                     for e in t.elts if isinstance(e, gast.Name)]
            hint = "_".join(names) if hint == ANON and names else hint   # (not "tuple")
        stmts, a = self.atom(value, hint)
        for t in targets:
            stmts += self.assign_to(t, a)
        return stmts

    def iterator_call(self, value):
        """Is ``value`` a call of a builtin that returns an iterator (reversed, zip, ...)
        or of a dict view method (``d.values()``)?"""
        func = value.func if isinstance(value, gast.Call) else None
        if isinstance(func, gast.Attribute) and func.attr in ("items", "values", "keys") \
                and not value.args and not value.keywords:
            return True     # a dict view (unpacking iterates it, as tuple() does)
        return (isinstance(func, gast.Name) and func.id in _ITERATOR_BUILTINS
                and func.id not in self.local_names
                and self.fs.lookup_or_none(func.id) is getattr(builtins, func.id))

    def assign_to(self, t, a):
        if isinstance(t, gast.Name):
            return [assign(self.target_name(t.id), a, self.line)]
        if isinstance(t, (gast.Tuple, gast.List)):
            if any(isinstance(x, gast.Starred) for x in t.elts):
                raise self.error(t, "starred assignment targets (a, *b = ...) are not supported",
                                 "index the sequence explicitly")
            out = []
            for i, elt in enumerate(t.elts):
                item = gast.Subscript(value=clone(a), slice=const(i), ctx=gast.Load())
                if isinstance(elt, gast.Name):
                    out.append(assign(self.target_name(elt.id), item, self.line))
                else:
                    name = self.names.fresh("item")
                    out.append(assign(name, item, self.line))
                    out += self.assign_to(elt, load(name))
            return out
        if isinstance(t, gast.Subscript):
            checked = False
            merged_from = None
            if isinstance(t.value, gast.Subscript):
                merged_from = t
                merged = self.merge_index(t)
                if merged is None:
                    raise self.error(t, "nested subscript assignment (a[i][j] = v) writes "
                                     "through a view", "write a[i, j] = v")
                checked = anno.get(merged, "int_check", False)
                t = merged
            if not isinstance(t.value, gast.Name):
                raise self.error(t, "assignment into an attribute's element (obj.a[i] = v) "
                                 "mutates an object that outlives the call",
                                 "copy it into a local array first")
            if t.value.id not in self.local_names and t.value.id not in self.outer:
                raise self.error(t, f"assignment into an element of the global '{t.value.id}' "
                                 "mutates an object that outlives the call",
                                 "copy it into a local variable first")
            stmts, idx = self.index(t.slice, t.value.id)
            base = self.ren(load(t.value.id))
            target = gast.Subscript(value=base, slice=idx, ctx=gast.Store())
            node = gast.Assign(targets=[target], value=a, type_comment=None)
            if checked:
                anno.set(node, "int_check", (self.fs.loc.filename, self.fs.loc.lineno(t)))
            if merged_from is not None:     # a[i][j] = v: a must be an array
                anno.set(node, "merged", (self.fs.loc.filename, self.fs.loc.lineno(merged_from)))
            return stmts + [node]
        if isinstance(t, gast.Attribute):
            raise self.error(t, "assignment to an attribute mutates an object that outlives "
                             "the call", "return the new value instead")
        raise self.error(t, f"unsupported assignment target {type(t).__name__}")

    def merge_index(self, t):
        """a[i][j] = v with an integer i (a constant, or a variable of a loop over
        range()) writes the same elements as a[i, j] = v on an array."""
        inner = t.value
        if not isinstance(inner.value, gast.Name):
            return None
        i = inner.slice
        if isinstance(i, (gast.Slice, gast.Tuple, gast.List, gast.Starred)) or (
                isinstance(i, gast.Constant) and type(i.value) is not int):
            return None
        check = not self._int_expr(i)   # an integer only at run time: checked there
        j = t.slice
        rest = list(j.elts) if isinstance(j, gast.Tuple) else [j]
        merged = gast.Subscript(value=inner.value, slice=gast.Tuple(elts=[i] + rest,
                                                                  ctx=gast.Load()),
                                ctx=gast.Store())
        gast.copy_location(merged, t)
        anno.set(merged, "int_check", check)
        return merged

    def _int_expr(self, e):
        """Certainly a Python int: int constants, variables of loops over range(),
        and +, -, *, //, % of those."""
        if isinstance(e, gast.Constant):
            return type(e.value) is int
        if isinstance(e, gast.Name):
            return e.id in self.int_names
        if isinstance(e, gast.UnaryOp) and isinstance(e.op, (gast.USub, gast.UAdd)):
            return self._int_expr(e.operand)
        if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Add, gast.Sub, gast.Mult,
                                                           gast.FloorDiv, gast.Mod)):
            return self._int_expr(e.left) and self._int_expr(e.right)
        return False

    def augassign(self, s):
        t = s.target
        if isinstance(t, gast.Name):
            stmts, v = self.atom(s.value, t.id)
            old = self.ren(load(t.id))
            simple = gast.BinOp(left=old, op=s.op, right=v)
            node = assign(self.target_name(t.id), simple, self.line)
            anno.set(node, "augassign", old.id)    # an array is changed in place by Python
            return stmts + [node]
        if isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name):
            base = t.value.id
            stmts, idx = self.index(t.slice, base)
            old = self.names.fresh(base + "_old")
            stmts.append(assign(old, gast.Subscript(value=self.ren(load(base)), slice=clone(idx),
                                                    ctx=gast.Load()), self.line))
            s2, v = self.atom(s.value, base)
            stmts += s2
            new = self.names.fresh(base + "_new")
            stmts.append(assign(new, gast.BinOp(left=load(old), op=s.op, right=v), self.line))
            # (an item of a list or dict that is an array is changed in place by
            # Python: writes.item_augassign reads this as ``old += v`` there)
            anno.set(stmts[-1], "aug_item", True)
            target = gast.Subscript(value=self.ren(load(base)), slice=clone(idx), ctx=gast.Store())
            stmts.append(gast.Assign(targets=[target], value=load(new), type_comment=None))
            return stmts
        raise self.error(s, "augmented assignment to an attribute mutates an object that "
                         "outlives the call", "return the new value instead")
