"""Placing the restores: each Restore placeholder the sweep left becomes the
pop (or put-back of items, contents, list ends) in the adjoint, and the
matching push before (or after) its statement in the primal.
"""
import gast

from .. import runtime
from ..ir import anno
from ..ir.syntax import load, assign, call, attr, subscript, clone, walk
from .in_place import resized_lists, writes_into
from .placeholders import Restore


class RestoresMixin:
    """Turns Restore placeholders into pushes and pops."""

    def _place_restores(self, stmts, needed, pushes, inits):
        out = []
        for st in stmts:
            if isinstance(st, Restore):
                if st.kind == "iterlocal":
                    if st.target in needed:
                        stack = self.stack(st.target, inits)
                        push = gast.Expr(value=call(attr(stack, "append"),
                                                    [self._save(st.target)]))
                        where = anno.get(st.stmt, "push_after", st.stmt)
                        self.pushes_after.setdefault(id(where), []).append(push)
                        pops = self.iter_pops.setdefault(id(anno.get(st.stmt, "iterlocal")), [])
                        pops.append(assign(st.target, self._popped(st.target, stack)))
                    continue
                out += self._restore(st, needed, pushes, inits)
                continue
            primal_loop = anno.get(st, "primal_loop")
            for field in ("body", "orelse"):
                sub = getattr(st, field, None)
                if isinstance(sub, list) and sub:
                    setattr(st, field, self._place_restores(sub, needed, pushes, inits)
                            or [gast.Pass()])
            if isinstance(st, gast.If) and all(isinstance(x, gast.Pass) for x in st.body) \
                    and all(isinstance(x, gast.Pass) for x in st.orelse):
                continue
            if primal_loop is not None:
                pops = self.iter_pops.pop(id(primal_loop), [])
                if pops:
                    st.body = list(reversed(pops)) + [x for x in st.body
                                                      if not isinstance(x, gast.Pass)]
            out.append(st)
        return out

    def _restore(self, r, needed, pushes, inits):
        s = r.stmt
        if r.kind == "name":
            if r.target not in self._restore_reads.get(id(r), needed):
                return []
            st = self.stack(r.target, inits)
            if r.target not in self.norm.params:
                self._undefined.add(r.target)
            saved = self._save(r.target)
            if isinstance(saved, gast.Name) and writes_into(self.classifier, s, r.target):
                # ``d = add_at(d, i, g)`` rebinds d to its own array changed in
                # place: the stack keeps a copy of the old value (the array itself
                # would be changed under it)
                saved = call(self.ref(runtime.saved_copy, "saved_copy"), [saved])
            popped = self._popped(r.target, st)
            if r.target in self.own_arrays and isinstance(saved, gast.Name):
                # the sweep puts back the array's old items in place, into what it
                # pops: a copy pushed and a copy popped, so that no array is both on
                # the stack and written in place, and differentiating this code
                # again follows it (no other name holds the array: _own_array)
                copy = self.ref(runtime.saved_copy, "saved_copy")
                saved, popped = call(copy, [saved]), call(clone(copy), [popped])
            push = gast.Expr(value=call(attr(st, "append"), [saved]))
            pushes.setdefault(id(s), []).append(push)
            return [assign(r.target, popped)]
        if r.kind == "contents":
            x = r.target
            if x not in self._restore_reads.get(id(r), needed):
                return []
            st = self.stack(x + "_contents", inits)
            push = gast.Expr(value=call(attr(st, "append"), [
                call(self.ref(runtime.saved_copy, "saved_copy"), [load(x)])]))
            pushes.setdefault(id(s), []).append(push)
            return [assign(x, call(self.ref(runtime.restore_contents, "restore_contents"),
                                   [load(x), call(attr(st, "pop"))]))]
        if r.kind == "item":
            y = r.target
            if y not in needed:
                return []
            st = self.stack(y + "_items", inits)
            if y in self.arrays:
                saved = call(self.ref(runtime.saved_copy, "saved_copy"),
                             [subscript(load(y), clone(s.targets[0].slice))])
            else:     # (a dict may not have the key yet)
                saved = call(self.ref(runtime.saved_item, "saved_item"),
                             [load(y), clone(s.targets[0].slice)])
            push = gast.Expr(value=call(attr(st, "append"), [saved]))
            pushes.setdefault(id(s), []).append(push)
            tgt = gast.Subscript(value=load(y), slice=clone(s.targets[0].slice), ctx=gast.Store())
            node = gast.Assign(targets=[tgt], value=call(attr(st, "pop")), type_comment=None)
            anno.set(node, "srcline", None)
            return [node]
        if r.kind in ("append", "extend", "pop"):
            lst = r.target
            if lst not in needed:
                return []
            node = s.value if r.kind != "pop" else None
            if r.kind == "append":
                return [gast.Expr(value=call(attr(lst, "pop")))]
            if r.kind == "extend":
                return [gast.Expr(value=call(self.ref(runtime.pop_tail, "pop_tail"),
                                             [load(lst), call("len", [clone(node.args[0])])]))]
            return [gast.Expr(value=call(attr(lst, "append"), [load(s.targets[0].id)]))]
        if r.kind in ("target", "block"):
            if r.kind == "target":
                names = [n.id for n in walk(s.target) if isinstance(n, gast.Name)]
            else:
                names = sorted({n.id for n in walk(s) if isinstance(n, gast.Name)
                                and isinstance(n.ctx, gast.Store)})
                names += sorted({t.value.id for t in walk(s) if isinstance(t, gast.Subscript)
                                 and isinstance(t.ctx, gast.Store)
                                 and isinstance(t.value, gast.Name)} - set(names))
            written_in = {t.value.id for t in walk(s) if isinstance(t, gast.Subscript)
                          and isinstance(t.ctx, gast.Store) and isinstance(t.value, gast.Name)}
            rebound = {n.id for n in walk(s) if isinstance(n, gast.Name)
                       and isinstance(n.ctx, gast.Store)}
            # lists the block grows or shrinks (.append/.extend/.pop()): the
            # restores of those calls are not placed either, so the block's
            # stands for them and puts back the items the list held before it
            resized = resized_lists(s) if r.kind == "block" else set()
            names += sorted(resized - set(names))
            out = []
            for n in names:
                if n in needed:
                    refill = n in written_in and n not in rebound and n not in resized
                    # contents refilled in place go on a stack of their own (as items
                    # do): an iteration-local n pops its own stack when the reverse
                    # iteration starts, before this refill pops, so sharing one
                    # stack would hand each pop the other's value
                    st = self.stack(n + "_contents" if refill else n, inits)
                    self._undefined.add(n)
                    self._undefined_always.add(n)
                    if n in resized:
                        # its items (they stay unchanged)
                        saved = call(self.ref(runtime.saved_items, "saved_items"), [load(n)])
                    elif n in written_in:
                        # contents the block changes (of a list: its items, as later
                        # code may resize the list itself, a derivative's own
                        # backward popping what it appended)
                        helper = runtime.saved_copy if n in self.arrays \
                            else runtime.saved_contents
                        saved = call(self.ref(helper, helper.__name__), [load(n)])
                    else:
                        saved = self._save(n)
                    push = gast.Expr(value=call(attr(st, "append"), [saved]))
                    pushes.setdefault(id(s), []).append(push)
                    if refill:
                        # the same array gets its old contents back (views of it stay valid)
                        out.append(assign(n, call(self.ref(runtime.restore_contents,
                                                           "restore_contents"),
                                                  [load(n), call(attr(st, "pop"))])))
                    elif n in resized or n in written_in:
                        out.append(assign(n, call(attr(st, "pop"))))
                    else:
                        out.append(assign(n, self._popped(n, st)))
            return out
        return []

    def _save(self, name):
        """The expression pushed to save ``name`` (only its shape where that suffices)."""
        if name in self.shape_only:
            return call(self.ref(runtime.shape_of, "shape_of"), [load(name)])
        if name in self.revisited_lists:
            # (the list with its items as they are now: later code may get the
            # list back out of a container and grow or shrink it, which a push
            # of the object alone sees; a copy would not be the list that other
            # names and containers hold, P = {'a': L})
            return call(self.ref(runtime.kept, "kept"), [load(name)])
        return load(name)

    def _popped(self, name, stack):
        """The expression that pops ``name``'s saved value off ``stack``."""
        popped = call(attr(stack, "pop"))
        if name in self.revisited_lists and name not in self.shape_only:
            return call(self.ref(runtime.refilled, "refilled"), [popped])
        return popped

    def stack(self, name, inits):
        """The stack that saves ``name``'s values (made, and listed in ``inits``,
        on first use)."""
        st = self.stacks.get(name)
        if st is None:
            st = self.stacks[name] = self.names.fresh(name + "_stack")
            inits.append(("stack", st))
        return st
