"""Loops over differentiated sequences made index loops.

``for row in X`` becomes ``for k in range(len(X)): row = X[k]`` so that each
row's cotangent flows back into ``X``'s; loops over ``zip``, ``enumerate``,
``reversed``, ``list`` and ``tuple`` of sequences (nested too) index each
sequence the same way.
"""

import gast

from ... import runtime
from ...ir import anno
from ...ir.syntax import assign, clone, const, load, store, walk


class IndexLoops:
    """The inliner's part that rewrites loops over varied sequences."""

    def index_loop(self, s, before):
        """for row in X  ->  for k in range(len(X)): row = X[k]"""
        line = anno.get(s, "srcline")
        it = s.iter.id
        producer = None
        for st in reversed(before):
            if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                    and st.targets[0].id == it:
                producer = st
                break
        k = self.names.fresh("k")
        pre = []
        targets = []
        fname = None
        if producer is not None and isinstance(producer.value, gast.Call) \
                and isinstance(producer.value.func, gast.Name) and not producer.value.keywords:
            fname = producer.value.func.id
            if not self._pairs(it, before):
                fname = None
        # zip()/enumerate() hold the sequences they were given: a name the loop
        # rebinds is read through a snapshot taken before the loop
        rebound = {n.id for st in s.body for n in walk(st)
                   if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}

        def held(a):
            if isinstance(a, gast.Name) and a.id in rebound:
                snap = self.names.fresh(a.id + "_seq")
                pre.append(assign(snap, load(a.id), line))
                return load(snap)
            return a

        view = self._view(it, before, held, pre, line) if fname is not None else None
        if view is not None:
            count = view[0]
            targets += self._view_targets(s.target, view[1](load(k)))
        else:
            seq = self.names.fresh(it + "_seq")
            pre.append(assign(seq, gast.Call(func=self.env.ref(runtime.as_sequence, "as_sequence"),
                                             args=[load(it)], keywords=[]), line))
            count = self.names.fresh("n")
            pre.append(assign(count, gast.Call(func=load("len"), args=[load(seq)], keywords=[]),
                              line))
            targets.append((s.target, gast.Subscript(value=load(seq), slice=load(k),
                                                     ctx=gast.Load())))
        rng = self.names.fresh("it")
        pre.append(assign(rng, gast.Call(func=load("range"), args=[load(count)], keywords=[]),
                          line))
        body = []
        for t, value in targets:
            body += self._unpack(t, value, line)
        loop = gast.For(target=store(k), iter=load(rng), body=body + s.body, orelse=[],
                        type_comment=None)
        anno.set(loop, "srcline", line)
        anno.set(loop, "indexed", True)
        return pre + [loop]

    def _producer(self, name, before):
        """The call of zip/enumerate/reversed/list/tuple (or runtime.as_sequence,
        which generated code wraps a loop's sequence in: the same items) that
        last bound ``name`` before the loop, or None."""
        for st in reversed(before):
            if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                    and st.targets[0].id == name:
                v = st.value
                if isinstance(v, gast.Call) and isinstance(v.func, gast.Name) and not v.keywords \
                        and self.fs.lookup_or_none(v.func.id) in (zip, enumerate, reversed, list, tuple,
                                                                  runtime.as_sequence):
                    return self.fs.lookup_or_none(v.func.id), v.args
                return None
        return None

    def _pairs(self, name, before):
        """Does ``name`` hold a zip or enumerate, maybe under reversed/list/tuple?"""
        prod = self._producer(name, before)
        if prod is None:
            return False
        func, args = prod
        if func in (zip, enumerate):
            return True
        # (x = as_sequence(x) names its own earlier value: not followed further)
        return len(args) == 1 and isinstance(args[0], gast.Name) and args[0].id != name \
            and self._pairs(args[0].id, before)

    def _view(self, name, before, held, pre, line, top=True):
        """``(count, item)`` for iterating what ``name`` holds by index: ``count``
        its length (a name bound in ``pre``), ``item(k)`` the k-th item as an
        expression (a tuple for zip and enumerate). zip, enumerate, reversed,
        list and tuple nest (``enumerate(zip(x, y))``, ``reversed(list(zip(a, b)))``);
        None for anything else at the top."""
        prod = self._producer(name, before)
        if prod is None:
            if top:
                return None
            seq = held(load(name))
            n = self.names.fresh("n")
            pre.append(assign(n, gast.Call(func=load("len"), args=[clone(seq)], keywords=[]), line))
            return n, lambda k: gast.Subscript(value=clone(seq), slice=k, ctx=gast.Load())
        func, args = prod
        if not all(isinstance(a, gast.Name) and a.id != name for a in args):
            return None
        if func is zip and args:
            views = [self._view(a.id, before, held, pre, line, False) for a in args]
            if any(v is None for v in views):
                return None
            n = self.names.fresh("n")
            pre.append(assign(n, gast.Call(func=load("min"), args=[load(v[0]) for v in views],
                                           keywords=[]) if len(views) > 1 else load(views[0][0]), line))
            return n, lambda k: gast.Tuple(elts=[v[1](clone(k)) for v in views], ctx=gast.Load())
        if len(args) != 1:
            return None
        inner = self._view(args[0].id, before, held, pre, line, False)
        if inner is None:
            return None
        if func is enumerate:
            return inner[0], lambda k: gast.Tuple(elts=[clone(k), inner[1](clone(k))], ctx=gast.Load())
        if func is reversed:
            last = gast.BinOp(left=load(inner[0]), op=gast.Sub(), right=const(1))
            return inner[0], lambda k: inner[1](gast.BinOp(left=last, op=gast.Sub(), right=clone(k)))
        return inner           # list(...), tuple(...), as_sequence(...): the same items

    def _view_targets(self, target, value):
        """(target, value) pairs: a tuple target takes a tuple value item by item."""
        if isinstance(target, gast.Tuple) and isinstance(value, gast.Tuple) \
                and len(target.elts) == len(value.elts):
            out = []
            for t, v in zip(target.elts, value.elts):
                out += self._view_targets(t, v)
            return out
        return [(target, value)]

    def _unpack(self, target, value, line):
        if isinstance(target, gast.Name):
            return [assign(target.id, value, line)]
        tmp = self.names.fresh("item")
        out = [assign(tmp, value, line)]
        for i, e in enumerate(target.elts):
            out += self._unpack(e, gast.Subscript(value=load(tmp), slice=const(i),
                                                  ctx=gast.Load()), line)
        return out
