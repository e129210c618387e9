"""Calls into user functions: inlined into the caller's normalized body.

A call whose result may depend on the differentiated inputs is replaced by
the callee's normalized body, with the callee's parameters and locals renamed
to fresh names of the caller (``h = cell(h, x)`` becomes ``cell_h = h;
cell_x = x; ...; h_1 = cell_out``). Nested functions and lambdas (which
close over the caller's variables) are inlined the same way; so are module
functions from other modules, whose global names are bound for the
generated code. Loops over differentiated sequences (``for row in X``,
``zip``, ``enumerate``) become index loops, so each row's cotangent flows
back into ``X``'s.
"""
import inspect
import re
import types
import weakref

import gast
import numpy as np

from ..analysis.activity import (Classifier, activity, recursion_helper, resizing_call, sharing_groups,
                       subscript_writes, walk_stmts)
from .. import runtime
from ..errors import SrcdiffError
from .list_names import propagate_list_names
from ..analysis.liveness import bound_before, live_after, points_to, sharers
from ..analysis.sharing import LiteralItems, TupleItems, container_holds, may_share, partners
from .normalize import normalize
from .parse import FunctionSource, parse_function
from ..ir.syntax import resolve_static
from .records import rewrite_records
from .values import resolve_function_values
from ..ir.syntax import load, store, const, assign, clone, names_read, names_stored, subscript, walk
from ..ir.templates import HelperEnv
from ..ir import anno

__all__ = ["inline_calls"]

MAX_DEPTH = 24


def _local_defs(body, fs):
    """Nested defs and lambdas assigned to names: name -> FunctionDef node."""
    defs = {}
    for s in walk_stmts(body):
        if isinstance(s, gast.FunctionDef):
            defs[s.name] = s
        elif isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) \
                and isinstance(s.value, gast.Lambda):
            lam = anno.get(s.value, "original", s.value)
            node = gast.FunctionDef(name=s.targets[0].id, args=lam.args,
                                    body=[gast.Return(value=lam.body)], decorator_list=[],
                                    returns=None, type_comment=None, type_params=[])
            node.lineno = anno.get(s, "srcline")
            node.body[0].lineno = node.lineno
            defs[s.targets[0].id] = node
    return defs


def _names_written_into(body, classifier=None):
    """Names written in place (``y[i] = v``, ``y *= 2``), and the names copied
    into them (with ``classifier``: and whose views or items they may be)."""
    written = {t.value.id for st in walk_stmts(body) if isinstance(st, gast.Assign)
               for t in st.targets if isinstance(t, gast.Subscript)
               and isinstance(t.value, gast.Name)}
    written |= {anno.get(st, "augassign") for st in walk_stmts(body)
                if anno.get(st, "augassign")}
    copies = [(st.value.id, st.targets[0].id) for st in walk_stmts(body)
              if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name)
              and isinstance(st.value, gast.Name)]
    if classifier is not None:
        for st in walk_stmts(body):
            if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                    and not isinstance(st.value, (gast.Name, gast.Lambda)):
                op = classifier.classify(st.value)
                if op.kind not in ("nondiff", "const", "list_pop") \
                        and not _fresh_definition(op):
                    copies += [(src, st.targets[0].id) for src in _memory_sources(op)]
    changed = True
    while changed:
        changed = False
        for src, dst in copies:
            if dst in written and src not in written:
                written.add(src)
                changed = True
    return written


class _Inliner:
    def __init__(self, norm, wrt):
        self.norm = norm
        self.fs = norm.fs
        self.names = norm.names
        self.env = norm.env
        self.wrt = list(wrt)
        self.changed = False
        self.stack = [norm.fs.func]

    def run(self):
        for _ in range(MAX_DEPTH):
            _splice_starred(self.norm)
            self.record_names = rewrite_records(self.norm, getattr(self.norm, "records", None))
            body = self.norm.node.body
            local_names = {n.id for n in walk(self.norm.node) if isinstance(n, gast.Name)
                           and not isinstance(n.ctx, gast.Load)} | set(self.norm.params)
            self.local_defs = _local_defs(body, self.fs)
            self.local_names = local_names
            resolve_function_values(self.norm, self.fs, local_names, self.local_defs)
            body = self.norm.node.body      # (loops over functions unrolled)
            funcs = [n.func for n in walk(self.norm.node) if isinstance(n, gast.Call)]
            # a call whose result is called (a factory of functions) is inlined too
            self.called = {fn.id for fn in funcs if isinstance(fn, gast.Name)
                           and fn.id in local_names and fn.id not in self.local_defs}
            # (and one held in a tuple, list or dict literal whose items are called:
            # ``hs = [make(1.0), make(2.0)]; hs[0](y)``)
            held = {st.targets[0].id: st.value for st in walk_stmts(body)
                    if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name)
                    and isinstance(st.value, (gast.Tuple, gast.List, gast.Dict))}
            bound = {st.targets[0].id: st.value for st in walk_stmts(body)
                     if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name)}
            seen = set()
            while funcs:
                fn = funcs.pop()
                if isinstance(fn, gast.Name) and fn.id not in seen:
                    seen.add(fn.id)
                    if fn.id in local_names and fn.id not in self.local_defs:
                        self.called.add(fn.id)
                    if isinstance(bound.get(fn.id), (gast.Name, gast.Subscript)):
                        funcs.append(bound[fn.id])
                elif isinstance(fn, gast.Subscript) and isinstance(fn.value, gast.Name) \
                        and fn.value.id in held:
                    lit = held[fn.value.id]
                    funcs += [e for e in (lit.values if isinstance(lit, gast.Dict)
                                          else lit.elts) if isinstance(e, gast.Name)]
            self.classifier = Classifier(self.fs, local_names, self.local_defs)
            out = self.norm.output
            # (a list changed through another name, P['a'].append(v), varies the
            # names that hold it: a call reading them is differentiated, inlined)
            varied, useful = activity(body, self.wrt, [out.id] if isinstance(out, gast.Name)
                                      else [], self.classifier, sharing_groups(body))
            # a nested function may read varied variables of the caller
            for name, d in self.local_defs.items():
                if names_read(d) & varied:
                    varied.add(name)
            self.varied = varied
            self.written_into = _names_written_into(body, self.classifier)
            self.changed = False
            self.norm.node.body = self.block(body)
            if not self.changed:
                return self.norm
        raise SrcdiffError("calls nest deeper than srcdiff inlines (recursion?)",
                           self.fs.loc.filename, None,
                           "recursive functions are not supported yet; write the recursion "
                           "as a loop")

    def block(self, stmts):
        out = []
        for s in stmts:
            stored = self._write_as_store(s)
            if stored is not None:
                out += stored
                self.changed = True
                continue
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) \
                    and isinstance(s.value, gast.Call):
                op = self.classifier.classify(s.value)
                # varied calls are differentiated by inlining; a call whose result or
                # argument is written in place is inlined too, so the alias checks see
                # what it returns
                if op.kind == "user" and (self._varied(s.value)
                                          or s.targets[0].id in self.called
                                          or ({s.targets[0].id} | names_read(s.value))
                                          & self.written_into
                                          or _writes_parameters(op.func)) \
                        and not anno.get(s, "recursive", False):
                    if self._recursive(s, op.func):
                        anno.set(s, "recursive", True)   # differentiated by calls (reverse.py)
                        out.append(s)
                        continue
                    out += self.inline(s, op)
                    self.changed = True
                    continue
            if isinstance(s, gast.Expr) and isinstance(s.value, gast.Call):
                op = self.classifier.classify(s.value)
                # a call for its effects (a nested def writing into a list it closes
                # over, a helper filling an argument): its writes are the caller's
                if op.kind == "user" and (self._varied(s.value)
                                          or isinstance(op.func, gast.FunctionDef)
                                          or names_read(s.value) & self.written_into
                                          or _writes_parameters(op.func)):
                    if self._recursive(s, op.func):
                        raise self.fs.loc.error(
                            s, "a recursive call whose result is not used cannot be "
                            "differentiated (srcdiff cannot follow what it changes)",
                            "return the new values from the function instead")
                    out += self.inline(s, op)
                    self.changed = True
                    continue
            if isinstance(s, gast.For) and isinstance(s.iter, gast.Name) \
                    and s.iter.id in self.varied and not anno.get(s, "indexed", False):
                out += self.index_loop(s, out)
                self.changed = True
                continue
            for field in ("body", "orelse"):
                sub = getattr(s, field, None)
                if isinstance(sub, list) and not isinstance(s, gast.FunctionDef):
                    setattr(s, field, self.block(sub))
            out.append(s)
        return out

    def _write_as_store(self, s):
        """``np.f(a, b, out=y)`` is ``y[...] = np.f(a, b)`` and ``np.copyto(y, v)`` is
        ``y[...] = v``: written as item stores, so every analysis of in-place
        writes (loop-carried values, restores in the adjoint sweep, aliasing) sees
        them, and a differentiated value written there is differentiated. Returns
        the replacing statements, or None."""
        value = s.value if isinstance(s, (gast.Expr, gast.Assign)) else None
        if not isinstance(value, gast.Call) or (
                isinstance(s, gast.Assign) and not isinstance(s.targets[0], gast.Name)):
            return None
        try:
            func = resolve_static(self.fs, value.func, self.local_names)
        except (KeyError, AttributeError):
            return None
        line = anno.get(s, "srcline")
        adder = _scatter_adder(func)
        if func is np.copyto and len(value.args) == 2 and not value.keywords \
                and isinstance(value.args[0], gast.Name):
            target, new = value.args[0].id, value.args[1]
            made = []
        elif adder is not None and len(value.args) == 3 and not value.keywords \
                and isinstance(value.args[0], gast.Name):
            # np.add.at(y, i, v) / np.subtract.at: a copy with the additions, which
            # has derivative rules, written back
            if isinstance(s, gast.Assign):
                return None
            target = value.args[0].id
            made_name = self.names.fresh(target + "_new")
            made = [assign(made_name, gast.Call(
                func=self.env.ref(adder, adder.__name__),
                args=list(value.args), keywords=[]), line)]
            new = load(made_name)
        elif _first_argument_writer(func) and value.args \
                and isinstance(value.args[0], gast.Name) \
                and not names_read(value) & self.varied:
            # np.add.at(y, i, v), np.put(y, i, v), rng.shuffle(y), ...: the call is made
            # on a copy, which is then written back
            target = value.args[0].id
            made_name = self.names.fresh(target + "_new")
            made = [assign(made_name, gast.Call(
                func=self.env.ref(runtime.written_copy, "written_copy"),
                args=[value.func] + list(value.args), keywords=value.keywords), line)]
            new = load(made_name)
            if isinstance(s, gast.Assign):
                return None
        else:
            outs = [k for k in value.keywords if k.arg == "out"]
            if len(outs) != 1 or not isinstance(outs[0].value, gast.Name) \
                    or not _numpy_callable(func):
                return None
            target = outs[0].value.id
            made_name = self.names.fresh(target + "_new")
            stripped = gast.Call(func=value.func, args=value.args,
                                 keywords=[k for k in value.keywords if k.arg != "out"])
            made = [assign(made_name, stripped, line)]
            new = load(made_name)
        write = gast.Assign(targets=[subscript(load(target), const(Ellipsis))], value=new,
                            type_comment=None)
        write.targets[0].ctx = gast.Store()
        anno.set(write, "srcline", line)
        stmts = made + [write]
        if isinstance(s, gast.Assign):    # the call returns its out argument
            stmts.append(assign(s.targets[0].id, load(target), line))
        return stmts

    def _recursive(self, s, callee):
        if isinstance(callee, gast.FunctionDef):
            chain = anno.get(s, "inline_chain", ())
            return ("local", callee.name) in chain
        func = callee.__func__ if hasattr(callee, "__func__") else callee
        return func is self.fs.func or func in anno.get(s, "inline_chain", ())

    def _varied(self, callnode):
        """Is the call differentiated? (Or given an object argument, which the
        generated code holds as a container of its fields: inlined too.)"""
        reads = names_read(callnode)
        return bool(reads & (self.varied | self.record_names))

    # ---- loops over differentiated sequences ---------------------------------
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
            from .. import runtime
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

    # ---- calls -------------------------------------------------------------
    def inline(self, s, op):
        """The callee's body in place of the call ``s`` (an assignment of its
        result, or an expression statement whose result is dropped)."""
        target = s.targets[0].id if isinstance(s, gast.Assign) else None
        line = anno.get(s, "srcline")
        callee = op.func
        if isinstance(callee, gast.FunctionDef):
            sub_fs = FunctionSource(None, clone(callee), self.fs.loc, self.fs.globals,
                                    self.fs.closure)
            key = ("local", id(callee))
            free_map = dict(anno.get(s.value, "ssa_env", {}) or {})
        else:
            func = callee.__func__ if hasattr(callee, "__func__") else callee
            _refuse_recursion_helpers(func, self.fs.loc, s)
            sub_fs = parse_function(func)
            free_map = None
            key = func
        # a nested def writes into (or rebinds, nonlocal) the caller's names
        sub = normalize(sub_fs, frozenset(self.local_names) if free_map is not None
                        else frozenset(), varargs=True)
        params = sub.params
        local = set(params) | {n.id for n in walk(sub.node) if isinstance(n, gast.Name)
                               and not isinstance(n.ctx, gast.Load)}
        local |= {d.name for d in walk_stmts(sub.node.body) if isinstance(d, gast.FunctionDef)}
        local -= sub.nonlocals
        prefix = sub_fs.name if sub_fs.name != "lambda_" else "fn"
        params_set = set(params)
        rename = {n: self.names.fresh(f"{prefix}_{n}" if n in params_set else n)
                  for n in sorted(local)}
        for n in params_set & set(rename):
            if rename[n] != n:      # (messages show the parameter's name: bump_b -> b)
                self.names.origin.setdefault(rename[n], n)
        # the callee's free names
        # (the output too: ``lambda z: a`` normalizes to no statement and output a)
        free = {n.id for tree in (sub.node, sub.output) for n in walk(tree)
                if isinstance(n, gast.Name)} - local
        for n in sorted(free):
            if free_map is not None:
                if n in free_map:
                    rename[n] = free_map[n]
                continue
            try:
                obj = sub_fs.lookup(n)
            except KeyError:
                continue
            try:
                mine = self.fs.lookup(n)
                same = mine is obj
            except KeyError:
                same = False
            # (a global of the callee that the caller binds as a local of its own
            # gets a name of its own too)
            if not same or n in self.local_names:
                rename[n] = self.env.name_for(obj, n, self.local_names)
        body = clone(sub.node.body)
        binds = self.bind(s, op, sub, sub_fs, rename)
        # ``b += v`` on a parameter bound to an array of the caller's changes that
        # array in place (Python): written as the item store ``b[...] = b + v``,
        # which the analyses of in-place writes follow into the caller
        arrays = {k for b in binds for k, v in rename.items() if v == b.targets[0].id
                  and k in params_set and isinstance(b.value, gast.Name)
                  and self._certainly_array(b.value.id)}
        out_node = clone(sub.output)
        body, versions = _augmented_into(body, arrays, self.names)
        _rename_all(body, versions)
        _rename_all([out_node], versions)
        # parameters the callee never re-assigns are replaced by the caller's atoms
        stored = {n.id for st in body for n in walk(st) if isinstance(n, gast.Name)
                  and isinstance(n.ctx, (gast.Store, gast.Del))}
        # (any other ``b += v``: the parameter stays a name of its own, bound to the
        # caller's, so that the alias checks see the caller's name share the array
        # written -- a number is not changed in place)
        stored |= {anno.get(st, "augassign") for st in walk_stmts(body)
                   if anno.get(st, "augassign")}
        direct = {}
        kept = []
        for b in binds:
            p = b.targets[0].id
            orig = next(k for k, v in rename.items() if v == p)
            if orig not in stored and isinstance(b.value, gast.Name):
                direct[p] = b.value.id
            else:
                kept.append(b)
        binds = kept
        _rename_all(body, rename)
        _rename_all(body, direct)
        _relocate(body, sub_fs.loc, s)
        link = ("local", callee.name) if isinstance(callee, gast.FunctionDef) else func
        chain = anno.get(s, "inline_chain", ()) + (link,)
        for st in walk_stmts(body):
            anno.set(st, "inline_chain", chain)
        if target is None:
            return binds + body
        out_atom = out_node
        _rename_all([out_atom], rename)
        _rename_all([out_atom], direct)
        result = assign(target, out_atom, line)
        return binds + body + [result]

    def _certainly_array(self, name):
        """Is the caller's ``name`` bound only to new NumPy arrays (np.zeros,
        np.ones, np.array, ...), so that ``b += v`` through it writes in place?"""
        if name in self.norm.params:
            return False
        made = [st for st in walk_stmts(self.norm.node.body) if isinstance(st, gast.Assign)
                and isinstance(st.targets[0], gast.Name) and st.targets[0].id == name]
        if not made:
            return False
        for st in made:
            if not isinstance(st.value, gast.Call):
                return False
            try:
                func = resolve_static(self.fs, st.value.func, self.local_names)
            except (KeyError, AttributeError):
                return False
            if not any(func is getattr(np, f) for f in _ARRAY_MAKERS):
                return False
        # (and bound no other way: a loop target, an unpacked item -- one walk of
        # the whole function, made last, for the few names that get this far)
        stores = [n for n in walk(self.norm.node) if isinstance(n, gast.Name)
                  and n.id == name and not isinstance(n.ctx, gast.Load)]
        return len(made) == len(stores)

    def bind(self, s, op, sub, sub_fs, rename):
        args = sub.node.args
        positional = [a.id for a in args.posonlyargs + args.args]
        kwonly = [a.id for a in args.kwonlyargs]
        defaults = {}
        d = args.defaults
        for name, dv in zip(positional[len(positional) - len(d):], d):
            defaults[name] = dv
        for name, dv in zip(kwonly, args.kw_defaults):
            if dv is not None:
                defaults[name] = dv
        func_obj = sub_fs.func
        values = {}
        call_args = list(op.args)
        # a bound method: its receiver is the first parameter
        callee = op.func
        if hasattr(callee, "__self__") and not isinstance(callee, gast.FunctionDef):
            values[positional[0]] = self.env.ref(callee.__self__, "self_obj")
            positional = positional[1:]
        if len(call_args) > len(positional) and args.vararg is None:
            raise self.fs.loc.error(s, f"too many arguments in a call of {sub_fs.name}")
        for p, a in zip(positional, call_args):
            values[p] = a
        extra = {}
        for k, v in op.keywords.items():
            if k in values:
                raise self.fs.loc.error(s, f"{sub_fs.name}() got multiple values for {k!r}")
            if k not in positional and k not in kwonly:
                if args.kwarg is None:
                    raise self.fs.loc.error(s, f"{sub_fs.name}() has no parameter {k!r}")
                extra[k] = v
                continue
            values[k] = v
        # *args: a tuple of the extra positional arguments; **kwargs: a dict of
        # the extra keywords
        if args.vararg is not None:
            values[args.vararg.id] = gast.Tuple(elts=list(call_args[len(positional):]),
                                                ctx=gast.Load())
        if args.kwarg is not None:
            values[args.kwarg.id] = gast.Dict(keys=[const(k) for k in extra],
                                              values=list(extra.values()))
        out = []
        all_params = [p for p in [a.id for a in args.posonlyargs + args.args] + kwonly]
        all_params += [a.id for a in (args.vararg, args.kwarg) if a is not None]
        for p in all_params:
            if p in values:
                value = clone(values[p])
            elif p in defaults:
                value = self._default(func_obj, p, defaults[p])
            else:
                raise self.fs.loc.error(s, f"{sub_fs.name}() missing argument {p!r}")
            out.append(assign(rename[p], value, anno.get(s, "srcline")))
        return out

    def _default(self, func_obj, p, node):
        if isinstance(node, gast.Constant):
            return clone(node)
        if func_obj is not None:
            sig = inspect.signature(func_obj)
            return self.env.ref(sig.parameters[p].default, p + "_default")
        return clone(node)


# NumPy functions that always return a new array (never a number)
_ARRAY_MAKERS = ("zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
                 "full_like", "array", "copy", "arange", "linspace", "eye", "identity")


def _augmented_into(body, arrays, names):
    """``b_1 = b + v`` (normalized ``b += v``) on a parameter in ``arrays`` becomes
    ``b_new = b + v; b[...] = b_new``. Returns the new body and the versions the
    assignments made ({b_1: b}), to be renamed to the parameter. A chain
    (``b += v; b *= w``) follows."""
    versions = {}

    def each(st):
        y = anno.get(st, "augassign")
        y = versions.get(y, y)
        if y not in arrays or not isinstance(st, gast.Assign) \
                or not isinstance(st.targets[0], gast.Name):
            return [st]
        versions[st.targets[0].id] = y
        new = names.fresh(y + "_new")
        st.targets = [store(new)]
        anno.set(st, "augassign", None)
        write = gast.Assign(targets=[subscript(load(y), const(Ellipsis))], value=load(new),
                            type_comment=None)
        write.targets[0].ctx = gast.Store()
        for name in ("srcline", "srcloc"):
            if anno.has(st, name):
                anno.set(write, name, anno.get(st, name))
        if hasattr(st, "lineno"):
            write.lineno = st.lineno
        return [st, write]

    body = _rewrite_blocks(body, each)
    versions = {k: v for k, v in versions.items() if k != v}
    return body, versions


def _splice_starred(norm):
    """``f(*args, **kw)`` where ``args`` is a tuple/list literal and ``kw`` a dict
    literal with string keys, each assigned once: pass their elements directly."""
    body = norm.node.body
    if not any(isinstance(n, gast.Starred) or (isinstance(n, gast.keyword) and n.arg is None)
               for st in body for n in walk(st)):
        return
    counts = {p: 1 for p in norm.params}
    literal = {}
    slotted = set()
    for s in walk_stmts(body):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            t = s.targets[0].id
            counts[t] = counts.get(t, 0) + 1
            literal[t] = s.value
            if isinstance(s.value, gast.Name):
                # (another name for it, M = L: a change through M is one of L)
                counts[s.value.id] = counts.get(s.value.id, 0) + 2
        for n in walk(s):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store) and not (
                    isinstance(s, gast.Assign) and n is s.targets[0]):
                counts[n.id] = counts.get(n.id, 0) + 2
            elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                    and isinstance(n.func.value, gast.Name):
                counts[n.func.value.id] = counts.get(n.func.value.id, 0) + 2  # mutated
            elif isinstance(n, gast.Subscript) and not isinstance(n.ctx, gast.Load) \
                    and isinstance(n.value, gast.Name):
                # an item slot rebound (``args[i] = v``): its elements are no longer
                # the literal's, its length is
                slotted.add(n.value.id)
                if isinstance(n.ctx, gast.Del) or isinstance(n.slice, gast.Slice):
                    counts[n.value.id] = counts.get(n.value.id, 0) + 2

    def once(node):
        return isinstance(node, gast.Constant) or (isinstance(node, gast.Name)
                                                   and counts.get(node.id, 0) <= 1)

    def items(node, depth=0):
        """The elements of a tuple/list literal ``node`` stands for, through
        names bound once, constant slices (``args[1:]``) and concatenations
        (``a + b``, ``(x,) + args``); None when it is not one."""
        if depth > 20:
            return None
        if isinstance(node, gast.Name):
            lit = literal.get(node.id) if counts.get(node.id) == 1 \
                and node.id not in slotted else None
            return items(lit, depth + 1) if lit is not None else None
        if isinstance(node, (gast.Tuple, gast.List)):
            if all(once(e) for e in node.elts) and not any(
                    isinstance(e, gast.Starred) for e in node.elts):
                return (type(node), list(node.elts))
            return None
        if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice):
            got = items(node.value, depth + 1)
            bounds = [node.slice.lower, node.slice.upper, node.slice.step]
            if got is None or not all(b is None or (isinstance(b, gast.Constant) and (
                    b.value is None or type(b.value) is int)) for b in bounds):
                return None
            lo, hi, st = (None if b is None else b.value for b in bounds)
            if st == 0:
                return None
            return (got[0], got[1][lo:hi:st])
        if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Add):
            a, b = items(node.left, depth + 1), items(node.right, depth + 1)
            if a is None or b is None or a[0] is not b[0]:
                return None
            return (a[0], a[1] + b[1])
        return None

    def builtin(func, obj):
        if not isinstance(func, gast.Name) or func.id in counts:
            return False
        try:
            return norm.fs.lookup(func.id) is obj
        except KeyError:
            return False

    def length(name):
        """The length of the list ``name``, made once from a literal of known
        length (``args = list(args)``) and changed since only by rebinding
        item slots (``args[i] = v``), or None."""
        lit = literal.get(name) if counts.get(name) == 1 else None
        if isinstance(lit, gast.Call) and len(lit.args) == 1 and not lit.keywords \
                and (builtin(lit.func, list) or builtin(lit.func, tuple)):
            lit = lit.args[0]
        got = items(lit) if lit is not None and name in slotted else None
        return None if got is None else len(got[1])

    pre = {}
    for s in walk_stmts(body):
        for call in [n for n in walk(s) if isinstance(n, gast.Call)]:
            args = []
            for a in call.args:
                got = items(a.value) if isinstance(a, gast.Starred) else None
                # (only a call the statement makes where it runs: not one in a
                # lambda or a nested block)
                n = length(a.value.id) if got is None and isinstance(a, gast.Starred) \
                    and isinstance(a.value, gast.Name) and isinstance(s, (gast.Assign, gast.Expr)) \
                    and s.value is call else None
                if got is not None:
                    args += [clone(e) for e in got[1]]
                elif n is not None:
                    # its items read where the call is made
                    for k in range(n):
                        t = norm.names.fresh(a.value.id + "_item")
                        pre.setdefault(id(s), []).append(
                            assign(t, subscript(load(a.value.id), const(k)),
                                   anno.get(s, "srcline")))
                        args.append(load(t))
                else:
                    args.append(a)
            call.args = args
            kws = []
            for k in call.keywords:
                v = k.value
                lit = literal.get(v.id) if k.arg is None and isinstance(v, gast.Name) \
                    and counts.get(v.id) == 1 else None
                if isinstance(lit, gast.Dict) and all(
                        isinstance(key, gast.Constant) and isinstance(key.value, str)
                        for key in lit.keys) and all(once(e) for e in lit.values):
                    kws += [gast.keyword(arg=key.value, value=clone(e))
                            for key, e in zip(lit.keys, lit.values)]
                else:
                    kws.append(k)
            call.keywords = kws
    if pre:
        norm.node.body = _rewrite_blocks(
            norm.node.body, lambda st: [_located(p, st) for p in pre.get(id(st), [])] + [st])


def _walk_as_written(node):
    """gast.walk, also through the lambdas' bodies as written (``srcdiff_original``,
    kept aside by normalize and read when a call of the lambda is inlined)."""
    for n in walk(node):
        yield n
        if isinstance(n, gast.Lambda) and anno.get(n, "original") is not None:
            yield from _walk_as_written(anno.get(n, "original"))


def _rename_all(stmts, mapping):
    # keyword arguments of calls to the nested functions renamed here follow
    # their renamed parameters (g(z, k=1) after k became k_1)
    local = {n.name for s in stmts for n in walk(s) if isinstance(n, gast.FunctionDef)}
    local |= {n.targets[0].id for s in stmts for n in walk(s) if isinstance(n, gast.Assign)
              and isinstance(n.targets[0], gast.Name) and isinstance(n.value, gast.Lambda)}
    for s in stmts:
        for n in _walk_as_written(s):
            if isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id in local:
                for k in n.keywords:
                    if k.arg in mapping:
                        k.arg = mapping[k.arg]
    # the bodies of nested defs and lambdas as written are renamed with the rest, so
    # that a call of one inlined later reads the names of the namespace it is now in
    for s in stmts:
        for n in _walk_as_written(s):
            if isinstance(n, gast.Name) and n.id in mapping:
                n.id = mapping[n.id]
            elif isinstance(n, gast.FunctionDef) and n.name in mapping:
                n.name = mapping[n.name]
            elif anno.get(n, "augassign") in mapping:
                # (y op= v: the name whose array Python changes, read by the alias checks)
                anno.set(n, "augassign", mapping[anno.get(n, "augassign")])
            elif isinstance(n, gast.Call) and anno.get(n, "ssa_env") is not None:
                # (names as written -> the versions current at the call, which a
                # lambda called here reads; a name missing is its own version).
                # The keys are names as written, renamed like the bodies: kept
                # as they were, one could name a different variable of the new
                # namespace (the helper's temporary t_1 where the body now reads
                # the caller's t_1) and give it that variable's version
                # A renamed key may meet a name the body reads as written (a
                # helper's parameter a4 replaced by the caller's argument W1, which
                # the body also reads as a global): a renamed key whose version is
                # another name is left out, since a name a nested function reads is
                # never versioned (normalize), so the function does not read it
                env = {k: mapping.get(v, v) for k, v in anno.get(n, "ssa_env").items() if k not in mapping}
                for k, v in anno.get(n, "ssa_env").items():
                    if k in mapping and mapping.get(v, v) == mapping[k]:
                        env.setdefault(mapping[k], mapping[k])
                anno.set(n, "ssa_env", env)


def _relocate(stmts, loc, call_stmt):
    """Inlined statements keep pointing at the callee's source lines."""
    for s in walk_stmts(stmts):
        anno.set(s, "srcloc", loc)


import operator

_VIEWS = {"reshape", "ravel", "transpose", "swapaxes", "moveaxis", "squeeze", "expand_dims",
          "broadcast_to", "diagonal", "real", "imag", "asarray", "asanyarray", "atleast_1d",
          "atleast_2d", "atleast_3d", "flip", "fliplr", "flipud", "rot90", "view", "as_sequence",
          "split", "array_split", "hsplit", "vsplit", "dsplit", "unstack"}

_FRESH = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
          "full_like", "array", "copy", "arange", "linspace", "eye", "identity", "stack",
          "concatenate", "vstack", "hstack", "tile", "repeat", "outer", "saved_copy",
          "stacked"}


def _fresh_definition(op):
    """Does this operation certainly produce a new array (not a view or alias)?"""
    import numpy as np
    import operator
    if op.kind in ("pack", "pack_dict", "const"):
        return True
    if op.kind not in ("call", "nondiff", "unknown") or op.func is None:
        return False
    f = op.func
    if f is operator.getitem:
        return False
    if isinstance(f, np.ufunc) or f in (operator.add, operator.sub, operator.mul,
                                        operator.truediv, operator.pow, operator.neg,
                                        operator.matmul, operator.mod):
        return True
    name = getattr(f, "__name__", "")
    if name in _FRESH:
        return True
    if f is abs:
        return True     # abs(array) is np.absolute(array): a new array
    if f in (float, int, complex, len, sum, round) \
            or getattr(f, "__module__", None) in ("math", "cmath"):
        return True     # numbers made anew
    module = getattr(f, "__module__", None) or ("numpy" if isinstance(f, np.ufunc) else "")
    # NumPy functions return new arrays, except the ones that return views
    return module.startswith("numpy") and name not in _VIEWS


def _memory_sources(op):
    """Names whose memory the value of a non-fresh operation may share: the
    array operand of a subscript or a view function (not its index or shape
    arguments), everything the operation reads otherwise."""
    if op.kind == "call" and op.args and (op.func is operator.getitem
                                          or getattr(op.func, "__name__", "") in _VIEWS):
        return names_read(op.args[0])
    return op.reads()


def protect_writes(norm, classifier):
    """In-place writes (``y[i] = v``) must not be seen through other names.

    srcdiff follows an array written in place only while nothing else refers
    to its memory: ``y`` must come from a fresh array (np.zeros, .copy(),
    arithmetic, ...) or be a parameter (copied on entry, so the caller's array
    is never modified); a value read out of ``y`` (``t = y[i]``, ``v = y.T``)
    must be used before ``y`` is written again. Anything else is refused,
    because a derivative through an aliased write would be wrong.
    """
    from .. import runtime
    try:
        _check_resized_list_aliases(norm)
    except SrcdiffError:
        # a list changed under one name and read under another: read it under
        # one name where it certainly is the same list (programs accepted
        # without this keep their text)
        propagate_list_names(norm.node.body, _list_names(norm.node.body))
    body = norm.node.body
    loc = norm.fs.loc
    written = {t.value.id for s in walk_stmts(body) if isinstance(s, gast.Assign)
               for t in s.targets if isinstance(t, gast.Subscript)
               and isinstance(t.value, gast.Name)}
    # names only ever bound to list/dict literals: writing an element rebinds a slot,
    # it does not change the element objects read out earlier
    # (``list(v)`` and ``dict(v)`` make a new list or dict too: its items are
    # shared, the container is not, so rebinding an item slot changes nothing the
    # caller holds; a write into an item, ``t = args[i]; t[0] = v``, is a write
    # into a value read out of the list and checked as such)
    defs = {}
    for st in walk_stmts(body):
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
            op = classifier.classify(st.value)
            kind = "pack" if op.kind == "call" and op.func in (list, dict) else op.kind
            if isinstance(st.value, gast.Name):
                kind = ("name", st.value.id)    # (L = acc: a comprehension's list)
            defs.setdefault(st.targets[0].id, []).append(kind)
    lists = set()
    while True:
        more = {n for n, kinds in defs.items() if n not in lists and all(
            k in ("pack", "pack_dict") or isinstance(k, tuple) and k[1] in lists
            for k in kinds)}
        if not more:
            break
        lists |= more
    grown = _certain_lists(norm, classifier)
    lists |= grown      # (and lists grown by L += [v])
    _check_item_augassigns(norm, classifier, lists)
    body = norm.node.body
    _check_augassign_aliases(norm, classifier, written - lists, grown)
    _check_resized_list_aliases(norm)
    if not written:
        return
    packs = {n for n, kinds in defs.items() if "pack" in kinds}
    _insert_list_slice_checks(norm, lists, packs)
    body = norm.node.body
    out = norm.output.id if isinstance(norm.output, gast.Name) else None
    private = _Private(body, classifier, live_after(body, {out} if out else ()))
    seen = _bindings_seen_by_writes(body)
    # (an item of a tuple of new arrays read later is no read of the other items)
    extra = tuple_items(classifier, body, norm.params).liveness()
    swapped = _OwnedUnshared(norm, classifier, written,
                             live_after(body, {out} if out else (), extra=extra), lists)
    owned_checks = {}       # id(write t[i] = v) -> (t, the parameters checked before it)
    for s in walk_stmts(body):
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)):
            continue
        t = s.targets[0].id
        if isinstance(s.value, gast.Name) and s.value.id == t:
            continue        # t = t
        if t in written and t not in lists and id(s) in seen \
                and not anno.get(s, "private", False) \
                and not private.binding(s, t) and not swapped.binding(s, t):
            # someone else's array on some paths only, by way of a parameter
            # (``v = np.flip(x if c else p.w)``): checked where it runs
            params = swapped.checked_binding(s, t)
            if params:
                # (before each write into t: only a write that runs counts)
                for w in subscript_writes(body).get(t, ()):
                    got = owned_checks.setdefault(id(w), (t, set()))[1]
                    got |= params
                continue
            shown = norm.names.user_name
            op = classifier.classify(s.value)
            # (a version of t the transform made, t_1, is shown as t: named by
            # what it may be instead)
            what = ", ".join(sorted({_as_written(norm, classifier, n) for n in op.reads()}
                                    - {shown(t)}))
            source = what.split(",")[0] if what else "(...)"
            if classifier.user_written(source) and (_field_position(op) is not None
                                                     or op.func is operator.getitem):
                # (the item read, not its holder: w = res[0].copy(), w = p[0].copy()
                # for w = p.a of a named tuple, w = x[1:].copy())
                source = _expr_text(norm, s.value)
            elif not what or not classifier.user_written(source):
                source = t      # (a value the transform named: copy the item itself)
            what = what or swapped.foreign_origin(s) or "another value"
            raise loc.error(s, f"'{t}' is written in place but may share memory with "
                            f"{what}; srcdiff cannot follow writes through views or "
                            "aliases", f"make a private copy first: {t} = "
                            f"{source}.copy() (or build a new array)")
    if owned_checks:
        _insert_owned_checks(norm, owned_checks)
    _check_reads_after_writes(norm, classifier, written - lists, lists)

    copy_ref = lambda: norm.env.ref(runtime.saved_copy, "saved_copy")  # noqa: E731
    head = []
    for p in norm.params:
        if p in written:
            node = assign(p, gast.Call(func=copy_ref(), args=[load(p)], keywords=[]),
                          anno.get(norm.node.body[0], "srcline") if norm.node.body else None)
            anno.set(node, "private", True)
            head.append(node)
    norm.node.body = head + norm.node.body


def _as_written(norm, classifier, name):
    """``name`` for a message: the user's name (``y`` for its version ``y_2``),
    or, for a value the transform named (``eigh_G`` of ``w, V = np.linalg.eigh(G)``),
    the expression it holds, as written."""
    if classifier.user_written(name):
        return norm.names.user_name(name)
    values = _values_of(norm, name)
    if len(values) != 1 or not all(classifier.user_written(n) for n in names_read(values[0])):
        return "the value unpacked there"
    return _expr_text(norm, values[0])


def _values_of(norm, name):
    """The values the normalized function binds ``name`` to (``name = value``)."""
    return [st.value for st in walk_stmts(norm.node.body) if isinstance(st, gast.Assign)
            and isinstance(st.targets[0], gast.Name) and st.targets[0].id == name]


def _expr_text(norm, node):
    """The source text of an expression of the normalized function, with the
    user's names for the versions the transform made."""
    import ast
    text = ast.unparse(ast.fix_missing_locations(gast.gast_to_ast(gast.Expression(
        body=clone(node)))))
    return re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: norm.names.user_name(m.group(0)), text)


def _check_item_augassigns(norm, classifier, lists):
    """``L[i] += v`` on a list or dict ``L`` changes the item's array in place
    (Python calls its ``__iadd__``), where normalize wrote ``old = L[i]; new =
    old + v; L[i] = new`` (a new value). That is the same only if nothing else
    reads that array afterwards: another name that may share it and is read
    later is refused here; another item of ``L`` itself holding it is refused
    where it runs (runtime.item_alone; a number item is never changed in place)."""
    body = norm.node.body
    marked = []
    for block in _blocks(body):
        for st, nxt in zip(block, block[1:]):
            if anno.get(st, "aug_item", False) and isinstance(st, gast.Assign) \
                    and isinstance(st.value, gast.BinOp) and isinstance(st.value.left, gast.Name) \
                    and isinstance(nxt, gast.Assign) and isinstance(nxt.targets[0], gast.Subscript) \
                    and isinstance(nxt.targets[0].value, gast.Name) \
                    and nxt.targets[0].value.id in lists \
                    and isinstance(nxt.value, gast.Name) and nxt.value.id == st.targets[0].id:
                marked.append((st, nxt))
    if not marked:
        return
    out = norm.output.id if isinstance(norm.output, gast.Name) else None
    live = live_after(body, {out} if out else ())
    env_at = points_to(body, alias_binds(classifier, body, norm.params),
                       at={id(st) for st, _ in marked})
    shown = norm.names.user_name
    checks = {}
    for st, nxt in marked:
        y, base = st.value.left.id, nxt.targets[0].value.id
        env = env_at.get(id(st), {})
        mine = env.get(y, frozenset({("name", y)}))
        shared = [v for v in sorted(live.get(id(st), ())) if v not in (y, base, st.targets[0].id)
                  and env.get(v, frozenset({("name", v)})) & mine]
        if shared:
            raise norm.fs.loc.error(
                st, f"'{shown(base)}[...] += ...' changes the array held in {shown(base)} in "
                f"place, but '{shown(shared[0])}' may name the same array and is used "
                "afterwards; srcdiff differentiates this as a new value",
                f"write {shown(base)}[i] = {shown(base)}[i] + ... (a new array), or copy the "
                "item before it is stored")
        checks[id(nxt)] = (y, base, nxt.targets[0].slice)

    def each(st):
        if id(st) not in checks:
            return [st]
        y, base, key = checks[id(st)]
        at = anno.get(st, "srcloc") or norm.fs.loc
        call = gast.Call(func=norm.env.ref(runtime.item_alone, "item_alone"),
                         args=[load(base), clone(key), const(shown(base)),
                               const(at.filename), const(at.lineno(st))], keywords=[])
        return [_located(gast.Expr(value=call), st), st]

    norm.node.body = _rewrite_blocks(norm.node.body, each)


def _blocks(body):
    yield body
    for st in body:
        for field in ("body", "orelse"):
            sub = getattr(st, field, None)
            if isinstance(sub, list) and sub and isinstance(sub[0], gast.stmt):
                yield from _blocks(sub)


def _insert_owned_checks(norm, checks):
    """Before each write ``t[i] = v`` in ``checks`` ({id: (t, params)}), the call
    ``owned_value(t, 't', (('p', p), ...), filename, line)`` (runtime.py): the
    array written must not be (part of) a parameter's."""
    from .. import runtime

    def each(st):
        if id(st) not in checks:
            return [st]
        t, params = checks[id(st)]
        params = sorted(params)
        at = anno.get(st, "srcloc") or norm.fs.loc
        call = gast.Call(func=norm.env.ref(runtime.owned_value, "owned_value"),
                         args=[load(t), const(norm.names.user_name(t)),
                               _named_values(norm, params), const(at.filename),
                               const(at.lineno(st))], keywords=[])
        return [_located(gast.Expr(value=call), st), st]

    norm.node.body = _rewrite_blocks(norm.node.body, each)


def _unchanged_params(body, params):
    """The parameters the function never rebinds, writes into (``p[i] = v``,
    ``p.a = v``) or changes by a method (``p.append(v)``): every part of one read
    out is still held by it afterwards."""
    changed = set()
    for n in walk(gast.Module(body=list(body), type_ignores=[])):
        if isinstance(n, (gast.Name, gast.Attribute, gast.Subscript)) \
                and isinstance(getattr(n, "ctx", None), (gast.Store, gast.Del)):
            base = n
            while isinstance(base, (gast.Attribute, gast.Subscript)):
                base = base.value
            if isinstance(base, gast.Name):
                changed.add(base.id)
        elif isinstance(n, (gast.Global, gast.Nonlocal)):
            changed |= set(n.names)
        elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                and isinstance(n.func.value, gast.Name):
            changed.add(n.func.value.id)    # (any method: it may change the object)
    return set(params) - changed


def _bindings_seen_by_writes(body):
    """ids of the bindings ``t = ...`` whose value some write ``t[i] = v`` may
    change (reaching definitions: a view bound only after the last write, or
    in a branch no write follows, is never written through)."""
    def binds(s):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            return s.targets[0].id, (), False
        return None
    writes = subscript_writes(body)
    env_before = points_to(body, binds, at={id(st) for sts in writes.values() for st in sts},
                           track=set(writes))
    seen = set()
    for y, sts in writes.items():
        for st in sts:
            seen |= {site[1] for site in env_before.get(id(st), {}).get(y, ())}
    return seen


def _refuse_escaping_writers(norm, caller_names):
    """A nested def (or lambda) that changes its caller's values (writes an item,
    calls a method such as .append, rebinds a nonlocal name) is followed only
    where it is called by name (inlined there). Any other use of it (passed to
    ``map``, bound to another name, put into a list) would hide its writes from
    the derivative: refused, naming the line."""
    defs = _local_defs(norm.node.body, norm.fs)
    writers = {name: what for name, d in defs.items()
               for what in [_caller_values_written(d, caller_names)] if what}
    if not writers:
        return
    for st in walk_stmts(norm.node.body):
        if isinstance(st, gast.FunctionDef) or (
                isinstance(st, gast.Assign) and isinstance(st.value, gast.Lambda)):
            continue
        called = {id(n.func) for n in walk(st) if isinstance(n, gast.Call)}
        for n in walk(st):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) \
                    and n.id in writers and id(n) not in called:
                raise norm.fs.loc.error(
                    st, f"the nested function '{n.id}' changes '{writers[n.id]}' of the "
                    "function being differentiated, and is used here other than by a "
                    "call: srcdiff cannot follow its changes",
                    f"call {n.id}(...) directly, or return the new values from it")


def _caller_values_written(fn, caller_names):
    """A caller's name the nested def ``fn`` writes into or rebinds, or None."""
    own = {a.id for a in walk(fn.args) if isinstance(a, gast.Name)}
    nonlocal_ = set()
    for n in walk(fn):
        if isinstance(n, gast.Nonlocal):
            nonlocal_ |= set(n.names)
        elif isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load):
            own.add(n.id)
    own -= nonlocal_
    if nonlocal_:
        return sorted(nonlocal_)[0]
    for n in walk(fn):
        base = None
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store):
            base = n.value
        elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute):
            base = n.func.value
        if isinstance(base, gast.Name) and base.id in caller_names and base.id not in own:
            return base.id
    return None


def _scatter_adder(func):
    """runtime.added_at for np.add.at, runtime.subtracted_at for np.subtract.at;
    otherwise None."""
    if getattr(func, "__name__", None) == "at":
        owner = getattr(func, "__self__", None)
        if owner is np.add:
            return runtime.added_at
        if owner is np.subtract:
            return runtime.subtracted_at
    return None


def _first_argument_writer(func):
    """A callable that writes into its first argument and returns nothing useful:
    a ufunc's ``.at``, ``np.put``/``putmask``/``place``/``fill_diagonal``,
    ``np.copyto`` with options, shuffles."""
    if getattr(func, "__name__", None) == "at" and isinstance(getattr(func, "__self__", None),
                                                               np.ufunc):
        return True
    if getattr(func, "__name__", None) == "shuffle" and (
            func is np.random.shuffle
            or isinstance(getattr(func, "__self__", None),
                          (np.random.Generator, np.random.RandomState))):
        return True
    return any(func is w for w in (np.put, np.putmask, np.place, np.fill_diagonal,
                                   np.copyto, np.put_along_axis))


def _numpy_callable(func):
    """A NumPy function or ufunc (whose ``out=`` receives its result)."""
    if isinstance(func, np.ufunc):
        return True
    module = getattr(func, "__module__", None) or ""
    return callable(func) and (module == "numpy" or module.startswith("numpy."))


_PARAM_WRITERS = weakref.WeakKeyDictionary()


def _writes_parameters(func):
    """Does the user function ``func`` (a module function, not inlined because no
    differentiated value reaches it) change an argument in place: an item store,
    an augmented assignment or a method call on a parameter, or ``out=``? Such a
    call is inlined, so the caller's analyses see the write."""
    if isinstance(func, gast.FunctionDef) or not isinstance(func, types.FunctionType):
        return False
    try:
        return _PARAM_WRITERS[func]
    except KeyError:
        pass
    try:
        node = parse_function(func).node
    except SrcdiffError:
        _PARAM_WRITERS[func] = False
        return False
    params = {a.id for a in walk(node.args) if isinstance(a, gast.Name)}
    augmented = {id(n.target) for n in walk(node) if isinstance(n, gast.AugAssign)}
    rebound = {n.id for n in walk(node) if isinstance(n, gast.Name)
               and isinstance(n.ctx, gast.Store) and id(n) not in augmented}
    params -= rebound
    found = False
    for n in walk(node):
        base = None
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store):
            base = n.value
        elif isinstance(n, gast.AugAssign):
            base = n.target
        elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute):
            base = n.func.value
        elif isinstance(n, gast.keyword) and n.arg == "out":
            base = n.value
        while isinstance(base, (gast.Subscript, gast.Attribute)):
            base = base.value
        if isinstance(base, gast.Name) and base.id in params:
            found = True
            break
    _PARAM_WRITERS[func] = found
    return found


def _drop_unused_defs(norm):
    """Nested ``def``s and lambdas no one refers to (any more: calls to them are
    inlined) are dropped, so the variables they would read are not kept alive."""
    while True:
        used = {n.id for n in walk(norm.node) if isinstance(n, gast.Name)
                and isinstance(n.ctx, gast.Load)}
        dropped = []

        def each(st):
            if isinstance(st, gast.FunctionDef) and st.name not in used:
                dropped.append(st.name)
                return []
            if isinstance(st, gast.Assign) and isinstance(st.value, gast.Lambda) \
                    and isinstance(st.targets[0], gast.Name) and st.targets[0].id not in used:
                dropped.append(st.targets[0].id)      # g = lambda z: ..., never called
                return []
            return [st]

        body = _rewrite_blocks(norm.node.body, each)
        if not dropped:
            return
        norm.node.body = body or [gast.Pass()]


def _insert_list_slice_checks(norm, lists, packs):
    """``L[a:b] = v`` where ``L`` is a list literal or ``v`` one: check where it
    happens that the write keeps the list's length (runtime.same_length_slice)."""
    from .. import runtime
    loc = norm.fs.loc

    def each(st):
        if not (isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Subscript)
                and isinstance(st.targets[0].value, gast.Name)
                and isinstance(st.targets[0].slice, gast.Slice)):
            return [st]
        y, v = st.targets[0].value.id, st.value
        if y not in lists and not (isinstance(v, gast.Name) and v.id in packs) \
                and not isinstance(v, (gast.List, gast.Tuple)):
            return [st]
        sl = st.targets[0].slice
        bounds = [clone(b) if b is not None else const(None) for b in (sl.lower, sl.upper, sl.step)]
        k = norm.names.fresh(y + "_slice")
        line = anno.get(st, "srcline")
        at = anno.get(st, "srcloc") or loc
        where = (at.filename, at.lineno(st))
        check = gast.Call(func=norm.env.ref(runtime.same_length_slice, "same_length_slice"),
                          args=[load(y), gast.Call(func=norm.env.ref(slice, "slice"),
                                                   args=bounds, keywords=[]),
                                clone(v), const(where[0]), const(where[1])], keywords=[])
        st.targets[0].slice = load(k)
        return [assign(k, check, line), st]

    norm.node.body = _rewrite_blocks(norm.node.body, each)


def _certain_arrays(body, classifier):
    """Names every definition of which makes a new array (np.zeros, arithmetic,
    .copy(), ...): never a list or dict."""
    defs = {}
    for st in walk_stmts(body):
        if isinstance(st, gast.For):
            other = names_stored(st.target)
        elif isinstance(st, (gast.If, gast.While)):
            other = set()       # (their blocks' statements come on their own)
        elif isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
            other = set()
        else:
            other = names_stored(st)
        for t in other:
            defs.setdefault(t, []).append(None)
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
            op = classifier.classify(st.value)
            ok = op.kind not in ("pack", "pack_dict") and _fresh_definition(op) \
                or anno.get(st, "augassign") is not None
            defs.setdefault(st.targets[0].id, []).append(ok or None)
    return {t for t, oks in defs.items() if None not in oks}


def _insert_int_checks(norm, classifier):
    """``a[i][j] = v`` became ``a[i, j] = v``: where ``i`` is not certainly an
    integer, check it where the write happens (runtime.int_index)."""
    from .. import runtime
    arrays = _certain_arrays(norm.node.body, classifier)

    def each(st):
        out = [st]
        where = anno.get(st, "int_check")
        idx = st.targets[0].slice if where else None
        if isinstance(idx, gast.Tuple) and idx.elts and isinstance(idx.elts[0], gast.Name):
            k = norm.names.fresh(idx.elts[0].id)
            check = gast.Call(func=norm.env.ref(runtime.int_index, "int_index"),
                              args=[load(idx.elts[0].id), const(where[0]), const(where[1])],
                              keywords=[])
            idx.elts[0] = load(k)
            out.insert(0, assign(k, check, anno.get(st, "srcline")))
        merged = anno.get(st, "merged")
        if merged and isinstance(st.targets[0].value, gast.Name) \
                and st.targets[0].value.id not in arrays:
            # (a list's item is not written by a[i, j] = v: refused where it runs)
            check = gast.Call(func=norm.env.ref(runtime.array_target, "array_target"),
                              args=[load(st.targets[0].value.id), const(merged[0]),
                                    const(merged[1])], keywords=[])
            out.insert(0, _located(gast.Expr(value=check), st))
        return out

    norm.node.body = _rewrite_blocks(norm.node.body, each)


def _rewrite_blocks(stmts, each):
    """Every statement (nested blocks first) replaced by the list ``each`` gives."""
    out = []
    for st in stmts:
        for field in ("body", "orelse"):
            sub = getattr(st, field, None)
            if isinstance(sub, list) and not isinstance(st, gast.FunctionDef):
                setattr(st, field, _rewrite_blocks(sub, each))
        out += each(st)
    return out


def _snapshot_tests(norm):
    """``if flag:`` where a branch assigns ``flag`` itself: test a copy, so the
    adjoint sweep replays the branch that was taken."""
    stored = {}     # id(statement) -> the names it (or a block in it) stores

    def stores(st):
        got = stored.get(id(st))
        if got is None:
            blocks = [getattr(st, f) for f in ("body", "orelse")
                      if isinstance(st, (gast.If, gast.For, gast.While))]
            if blocks:      # (its blocks were done first: _rewrite_blocks)
                got = set().union(*(stores(x) for b in blocks for x in b))
                got |= names_stored(st.target) if isinstance(st, gast.For) else set()
            else:
                got = names_stored(st)
            stored[id(st)] = got
        return got

    def each(st):
        if isinstance(st, gast.If) and isinstance(st.test, gast.Name) \
                and st.test.id in stores(st):
            c = norm.names.fresh("cond")
            snap = assign(c, load(st.test.id), anno.get(st, "srcline"))
            st.test = load(c)
            stored[id(snap)] = {c}
            return [snap, st]
        stores(st)
        return [st]

    norm.node.body = _rewrite_blocks(norm.node.body, each)


def _tuple_call(op):
    """Does the call certainly return new arrays, none sharing another's memory
    (np.linalg's tuples, ``np.divmod``'s pair), or one array (whose rows at
    distinct items do not overlap either)?"""
    import numpy as np
    if op.kind != "call" or op.func is None:
        return False
    if isinstance(op.func, np.ufunc):
        return op.func.nout > 1 and not any(k.arg == "out" for k in op.keywords)
    return getattr(op.func, "__module__", None) == "numpy.linalg" and _fresh_definition(op)


def _field_position(op):
    """The item ``r.eigenvalues`` (an np.linalg named-tuple field) reads, or None."""
    from ..rules.linalg import FIELD_POSITIONS
    return FIELD_POSITIONS.get(op.func) if op.kind == "call" else None


def tuple_items(classifier, body, params=()):
    """The tuples of new arrays in ``body`` read at constant items (sharing.TupleItems)."""
    return TupleItems(body, classifier.classify, _tuple_call, _field_position, params)


def alias_binds(classifier, body, params=()):
    """``binds(stmt)`` for liveness.points_to: (target, names whose memory
    its new value may share, whether it keeps its own array) of ``t = ...``
    in ``body``; a name that always holds a number holds no array. An item of
    a tuple of new arrays shares the memory of that item only (tuple_items)."""
    numbers = number_names(body, classifier, params)
    items = tuple_items(classifier, body, params)
    literal = LiteralItems(body, params)

    def binds(s):
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)):
            return None
        t = s.targets[0].id
        if t in numbers:
            return t, None, False
        if anno.get(s.value, "number", False):
            # a field of an object argument that holds a number: none of the
            # object's memory (a value of its own: ``t += v`` of an array v makes one)
            return t, set(), False
        aug = anno.get(s, "augassign")
        if aug:
            return t, {aug}, t == aug
        if anno.get(s, "fresh", False):
            return t, set(), False      # checked where it is made (_freshen)
        if isinstance(s.value, gast.Lambda):
            return t, set(), False      # a closure reads names when called, holds no array
        item = items.binds(s)
        if item is not None:
            return item[0], item[1], False
        item = literal.read(s)
        if item is not None:
            return t, {item}, False
        op = classifier.classify(s.value)
        if op.kind in ("pack", "pack_dict"):
            # a list, tuple or dict holds its elements' arrays: one changed in place
            # is changed in it too
            return t, {a.id for a in op.args if isinstance(a, gast.Name)} - numbers, False
        if op.kind == "list_pop":
            # an item taken off a list: any array the list holds (L.append(a), then
            # b = L.pop() is a's array)
            return t, {a.id for a in op.args if isinstance(a, gast.Name)}, False
        if op.kind in ("nondiff", "const") or _fresh_definition(op):
            return t, set(), False
        return t, _memory_sources(op), False

    def puts(s):
        """(L, names) for ``L.append(v)``, ``L.extend(vs)``, ``L.insert(i, v)``: L
        holds v's array from then on, besides what it held."""
        if isinstance(s, gast.Expr) and isinstance(s.value, gast.Call) \
                and isinstance(s.value.func, gast.Attribute) \
                and isinstance(s.value.func.value, gast.Name) \
                and s.value.func.attr in ("append", "extend", "insert") and s.value.args:
            v = s.value.args[-1]
            if isinstance(v, gast.Name) and v.id not in numbers:
                return s.value.func.value.id, {v.id}
        return None

    binds.puts = puts
    binds.item_binds = lambda s: literal.item_binds(s, numbers)
    binds.augmented = lambda s: bool(anno.get(s, "augassign"))
    return binds


def _number_result(op):
    """Is the value certainly a number (a Python or NumPy scalar, which no
    operation changes in place)? A reduction over all axes (``np.mean(x)``,
    ``x.sum()``), float(), int(), len() and the math module."""
    if op.kind != "call" or op.func is None:
        return False
    f = op.func
    if f in (float, int, complex, len) or getattr(f, "__module__", None) in ("math", "cmath"):
        return True
    return f in _FULL_REDUCTIONS and len(op.args) == 1 and not op.keywords


_ARITHMETIC = {operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
               operator.pow, operator.mod, operator.neg, operator.pos}


def number_names(body, classifier, params=()):
    """Names every binding of which is a number (never an array): a number
    result (``_number_result``), a number constant, or arithmetic and ufuncs
    of numbers (``s = np.mean(w); s -= 1.0`` rebinds s, changes no array).
    A parameter is not one (its first value is the caller's)."""
    import numpy as np
    defs, other = {}, set()
    for st in walk_stmts(body):
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
            defs.setdefault(st.targets[0].id, []).append(st.value)
        elif isinstance(st, gast.Assign):
            for t in st.targets:
                other |= {n.id for n in walk(t) if isinstance(n, gast.Name)}
        elif isinstance(st, gast.For):
            other |= {n.id for n in walk(st.target) if isinstance(n, gast.Name)}
    numbers = set(defs) - other - set(params)
    ops = {}

    def number(value, numbers):
        if isinstance(value, gast.Constant):
            return type(value.value) in (int, float, complex)
        if anno.get(value, "number", False):
            return True     # a field of an object argument that holds a number
        if isinstance(value, gast.Name):
            return value.id in numbers
        if id(value) not in ops:
            ops[id(value)] = classifier.classify(value)
        op = ops[id(value)]
        if _number_result(op):
            return True
        if op.kind != "call" or op.keywords or not (
                op.func in _ARITHMETIC or (isinstance(op.func, np.ufunc) and op.func.nout == 1)):
            return False
        return all(isinstance(a, (gast.Name, gast.Constant)) and number(a, numbers)
                   for a in op.args)

    changed = True
    while changed:
        changed = False
        for n in sorted(numbers):
            if not all(number(v, numbers) for v in defs[n]):
                numbers.discard(n)
                changed = True
    return numbers


def _full_reductions():
    import numpy as np
    return {np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.std, np.var,
            np.ptp, np.nansum, np.nanmean, np.count_nonzero, np.linalg.norm}


_FULL_REDUCTIONS = _full_reductions()


def _check_reads_after_writes(norm, classifier, written, lists=frozenset()):
    """A value that may share memory with an array written in place (a view,
    an alias, a row of it) must not be read after that write: at each write
    ``y[i] = v``, no other name whose value may share ``y``'s memory is live.

    Whether it does may depend on the values (``y[k]`` is a number of a 1-d
    array, a row view of a 2-d one; builtin min() returns either argument):
    such a name is checked where the write runs (runtime.unshared_at_write),
    at every write whose array it may share: the reverse transform keeps a copy
    of a name that shares a written array and is not read after the write
    (reverse.py, _restore_view_bases), which a check could not see through. A
    name not bound on every path to such a write is bound to None where the
    function starts."""
    from .. import runtime
    out = norm.output.id if isinstance(norm.output, gast.Name) else None
    all_writes = subscript_writes(norm.node.body)
    writes = {y: sts for y, sts in all_writes.items() if y in written}
    if not writes:
        return

    def callee(func):
        try:
            return resolve_static(classifier.fs, func, classifier.local_names)
        except KeyError:
            return None

    # (a name read only for its shape, as generated code reads a view in
    # unbroadcast(g, v), sees nothing a write changes: such reads do not count)
    unread = {id(st): got for st in walk_stmts(norm.node.body)
              if isinstance(st, (gast.Assign, gast.Expr))
              for got in [shape_only_reads([st], callee)] if got}
    live = live_after(norm.node.body, {out} if out else (), unread,
                      tuple_items(classifier, norm.node.body, norm.params).liveness())
    binds = alias_binds(classifier, norm.node.body, norm.params)
    # (the names' values where each write runs, as pairs: buffers that trade
    # names stay apart; sharing.py)
    env_before = may_share(norm.node.body, binds,
                           at={id(st) for sts in all_writes.values() for st in sts},
                           holds=container_holds(lists))
    found = [(y, st, t) for y in sorted(all_writes) for st in all_writes[y]
             for t in sorted(partners(env_before.get(id(st), {}), y))]
    first = {}      # name -> the first write after which it is read
    for y, st, t in found:
        if y in writes and t in live.get(id(st), ()):
            first.setdefault(t, (y, st))
    if not first:
        return
    # such a name is checked at every write it may share (read after it or not:
    # the reverse transform would otherwise copy it), and must be bound there
    found = [(y, st, t) for y, st, t in found if t in first]
    # (the reverse transform asks liveness.points_to, which also joins the arrays
    # of paths that cannot meet, a loop run no times and a value of its last
    # iteration: at a write where that says a checked name may share the array,
    # the name is checked too, or the copy the reverse makes of it would hide it)
    pts = points_to(norm.node.body, binds, at={id(st) for sts in writes.values() for st in sts})
    pairs = {(id(st), t) for _, st, t in found}
    found += [(y, st, t) for y in sorted(writes) for st in writes[y]
              for t in sorted((sharers(pts.get(id(st), {}), y) & set(first)) - {y})
              if (id(st), t) not in pairs]
    bound = bound_before(norm.node.body, norm.params, at={id(st) for _, st, _ in found})
    checks = {}
    for y, st, t in found:
        if y not in writes:
            y, st = first[t]
            message, hint = runtime.read_after_write(t, y)
            raise norm.fs.loc.error(st, message, hint)
        checks.setdefault(id(st), (y, []))[1].append(t)
    _bind_none_first(norm, {t for y, st, t in found if t not in bound[id(st)]})
    _insert_checks(norm, checks, runtime.unshared_at_write)


def shape_only_reads(stmts, callee):
    """Names the statements read only for their shape (the shape argument of
    unbroadcast, expand_reduced, zeros_like_value, ...): a write into their
    array changes nothing they are read for. ``callee(func node)`` is the
    object called."""
    from ..rules.indexing import scatter_add
    helpers = {runtime.unbroadcast: 1, runtime.broadcast_like: 1, runtime.expand_reduced: 1,
               runtime.zeros_like_value: 0, scatter_add: 1}
    shape_reads, other_reads = set(), set()

    def visit(node):
        if isinstance(node, gast.Call):
            f = callee(node.func)
            pos = helpers.get(f, -1) if f is not None else -1
            for i, a in enumerate(node.args):
                if i == pos and isinstance(a, gast.Name):
                    shape_reads.add(a.id)
                else:
                    visit(a)
            for k in node.keywords:
                visit(k.value)
            visit(node.func)
            return
        if isinstance(node, gast.Name):
            if isinstance(node.ctx, gast.Load):
                other_reads.add(node.id)
            return
        for child in gast.iter_child_nodes(node):
            visit(child)

    for st in stmts:
        visit(st)
    return shape_reads - other_reads


def _insert_checks(norm, checks, check):
    """Before each statement in ``checks`` ({id: (y, names)}), the call
    ``check(y, 'y', (('t', t), ...), filename, line)`` (runtime.py)."""
    def each(st):
        if id(st) not in checks:
            return [st]
        y, names = checks[id(st)]
        at = anno.get(st, "srcloc") or norm.fs.loc
        call = gast.Call(func=norm.env.ref(check, check.__name__),
                         args=[load(y), const(norm.names.user_name(y)),
                               _named_values(norm, names), const(at.filename),
                               const(at.lineno(st))], keywords=[])
        return [_located(gast.Expr(value=call), st), st]

    norm.node.body = _rewrite_blocks(norm.node.body, each)


def _named_values(norm, names):
    """``(('t', t), ...)`` for a check's message: the user's name of each (a
    version the transform made, ``t_1``, is shown as ``t``) and its value."""
    shown = norm.names.user_name
    return gast.Tuple(elts=[gast.Tuple(elts=[const(shown(t)), load(t)], ctx=gast.Load())
                            for t in names], ctx=gast.Load())


def _resized_list(st):
    """(L, method) for ``L.append(v)``, ``L.extend(vs)`` (statements) and ``L.pop()``
    (a statement or assigned)."""
    got = resizing_call(st.value) if isinstance(st, (gast.Expr, gast.Assign)) else None
    return got if got and (isinstance(st, gast.Expr) or got[1] == "pop") else None


def _check_resized_list_aliases(norm):
    """``M = L; L.append(v)`` grows the list M names too, but srcdiff follows the
    change under the name L only: refused where another name for the same list
    is read (reading items out, ``a = L[0]``, is fine). So are the containers
    that may hold the list (``P = [L]``, ``t = grid[i]; t.append(v)``), which
    see the change too."""
    body = norm.node.body
    lists_made = _list_names(body)
    sites = [(st, _list_change(st, lists_made)) for st in walk_stmts(body)]
    sites = [(st, got) for st, got in sites if got]
    if not sites:
        return
    lists, holders = _resized_lists_and_holders(body, {lst for _, (lst, _) in sites})

    def binds(s):     # another name for the same list shares it, as does a container of it
        if isinstance(s, gast.Expr):
            got = resizing_call(s.value)
            if got and got[1] != "pop" and s.value.args \
                    and names_read(s.value.args[0]) & (lists | holders):
                return got[0], {got[0]} | (names_read(s.value.args[0]) & (lists | holders)), False
            return None
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)):
            return None
        t, v = s.targets[0].id, s.value
        if isinstance(v, gast.Name):
            return t, {v.id}, False
        aug = anno.get(s, "augassign")
        if aug in lists_made:
            return t, {aug}, False        # L += vs: the same list, grown
        if isinstance(v, (gast.List, gast.Tuple, gast.Dict)):
            return t, _literal_names(v) & (lists | holders), False
        base = _item_base(v)
        if base is not None and base in holders:
            return t, {base}, False       # an item of a container of the list may be it
        return t, set(), False
    env = points_to(norm.node.body, binds, at={id(st) for st, _ in sites},
                    track={lst for _, (lst, _) in sites}, rows=holders)
    # read before the change too (the adjoint sweep reads it after putting it
    # back); handing the list on (M = L) or growing it does not read its items
    read = set()
    for st in walk_stmts(norm.node.body):
        if isinstance(st, gast.Assign) and isinstance(st.value, gast.Name):
            continue
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                and isinstance(st.value, (gast.List, gast.Tuple, gast.Dict)):
            # (P = [L, x] holds L: P's reads are checked as P's)
            elts = st.value.values if isinstance(st.value, gast.Dict) else st.value.elts
            read |= names_read(st) - {e.id for e in elts if isinstance(e, gast.Name)}
            continue
        if _resized_list(st) and isinstance(st, gast.Expr):
            read |= names_read(st.value.args[0]) if st.value.args else set()
            continue
        read |= names_read(st) if not isinstance(st, (gast.If, gast.For, gast.While)) \
            else names_read(st.test if not isinstance(st, gast.For) else st.iter)
    grown = _grown_only(body, lists_made)
    shown = norm.names.user_name
    for st, (lst, how) in sites:
        # (a name the user wrote other than the list's first: L_1 = L + vs is L too)
        for m in sorted(sharers(env.get(id(st), {}), lst) - {lst},
                        key=lambda m: (shown(m) == shown(lst), m)):
            if _grown_into(grown, m, lst):
                continue
            if m in read and m in holders:
                raise norm.fs.loc.error(st, f"the list changed in place here ({how}) may "
                                        f"be held by '{m}', which is read; srcdiff does not "
                                        "follow a change of a list inside a container",
                                        "build the list on its own, and put it into the "
                                        "container after its last change")
            if m in read:
                raise norm.fs.loc.error(st, f"'{lst}' is changed in place here ({how}), "
                                        f"but '{m}' names the same list and is read; "
                                        "srcdiff follows the change under "
                                        f"'{lst}' only", f"copy it: {m} = list({lst})")


def _grown_only(body, lists_made):
    """{L: L_1} for a list L read only to be grown, ``L_1 = L + vs`` (``L += vs``
    normalized), L_1 bound there only: after it, the program reads the list as
    L_1 (the change of L_1 is followed under that name), and the generated code's
    ``+`` makes a new list, which L does not share."""
    reads, binds = {}, {}
    for st in walk_stmts(body):
        for t in names_stored(st) if not isinstance(st, (gast.If, gast.For, gast.While)) \
                else names_stored(st.target) if isinstance(st, gast.For) else ():
            binds[t] = binds.get(t, 0) + 1
        part = st if not isinstance(st, (gast.If, gast.For, gast.While)) \
            else st.iter if isinstance(st, gast.For) else st.test
        if isinstance(st, gast.Assign) and isinstance(st.value, gast.Name):
            continue        # handed on (M = L): M's reads are checked as M's
        aug = anno.get(st, "augassign")
        if aug in lists_made and isinstance(st.value, gast.BinOp) \
                and isinstance(st.value.left, gast.Name) and st.value.left.id == aug:
            reads.setdefault(aug, set()).add(st.targets[0].id)
            part = st.value.right
        for n in names_read(part):
            reads.setdefault(n, set()).add(None)
    return {m: next(iter(r)) for m, r in reads.items()
            if len(r) == 1 and None not in r and binds.get(next(iter(r))) == 1}


def _grown_into(grown, m, lst):
    """Whether ``m`` is read only to be grown, into a list read only to be
    grown, ..., into ``lst`` (``_grown_only``)."""
    seen = set()
    while m in grown and m not in seen:
        seen.add(m)
        m = grown[m]
        if m == lst:
            return True
    return False


def _list_names(body):
    """Names that may hold a list or dict made in the function (a literal,
    ``list(...)``/``dict(...)``, or lists joined or repeated): writing an item or
    ``L += vs`` changes it in place."""
    out = set()
    while True:
        size = len(out)
        for st in walk_stmts(body):
            if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
                t, v = st.targets[0].id, st.value
                if isinstance(v, (gast.List, gast.Dict)) \
                        or isinstance(v, gast.Call) and isinstance(v.func, gast.Name) \
                        and v.func.id in ("list", "dict") \
                        or isinstance(v, gast.Name) and v.id in out \
                        or isinstance(v, gast.BinOp) and isinstance(v.op, (gast.Add, gast.Mult)) \
                        and any(isinstance(a, gast.List) or isinstance(a, gast.Name)
                                and a.id in out for a in (v.left, v.right)):
                    out.add(t)
        if len(out) == size:
            return out


def _list_change(st, lists_made):
    """(L, how) for a statement that changes the list (or dict) L in place:
    ``L.append(v)``, ``L.extend(vs)``, ``L.pop()``, ``L[k] = v`` and ``L += vs``
    on a list made in the function."""
    got = _resized_list(st)
    if got:
        return got[0], f".{got[1]}()"
    if isinstance(st, gast.Assign):
        t = st.targets[0]
        if isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name) \
                and t.value.id in lists_made:
            return t.value.id, f"{t.value.id}[...] = ..."
        aug = anno.get(st, "augassign")
        if aug in lists_made:
            return aug, f"{aug} += ..."
    return None


def _literal_names(node):
    """The names a list, tuple or dict literal holds as elements (values)."""
    elts = node.values if isinstance(node, gast.Dict) else node.elts
    return {e.id for e in elts if isinstance(e, gast.Name)} \
        | {e.value.id for e in elts if isinstance(e, gast.Starred)
           and isinstance(e.value, gast.Name)}


def _item_base(node):
    """P for ``P[k]`` and ``P.pop()``: a value taken out of the container P."""
    if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name):
        return node.value.id
    got = resizing_call(node)
    return got[0] if got and got[1] == "pop" else None


def _resized_lists_and_holders(body, resized):
    """(names that may be a list resized somewhere, names that may hold one):
    ``P = [L]``, ``P.append(L)``, ``t = P[k]`` with t resized make P a holder,
    and an item taken out of a holder (``t = P[k]``, ``for t in P``) may be the
    list, or a holder itself."""
    lists, holders = set(resized), set()
    while True:
        size = len(lists) + len(holders)
        for st in walk_stmts(body):
            if isinstance(st, gast.For) and names_read(st.iter) & holders:
                lists |= names_stored(st.target)
                holders |= names_stored(st.target)
            elif isinstance(st, gast.Expr):
                got = resizing_call(st.value)
                if got and got[1] != "pop" and st.value.args \
                        and names_read(st.value.args[0]) & (lists | holders):
                    holders.add(got[0])
            elif isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
                t, v = st.targets[0].id, st.value
                if isinstance(v, gast.Name):
                    if v.id in lists:
                        lists.add(t)
                    if v.id in holders:
                        holders.add(t)
                elif isinstance(v, (gast.List, gast.Tuple, gast.Dict)):
                    if _literal_names(v) & (lists | holders):
                        holders.add(t)
                else:
                    base = _item_base(v)
                    if base is not None and t in lists:
                        holders.add(base)
                    if base is not None and base in holders:
                        lists.add(t)
                        holders.add(t)
        if len(lists) + len(holders) == size:
            return lists, holders


def _bind_none_first(norm, names):
    """``t = None`` where the function starts, for the local names in ``names``: a
    check where the program runs reads them, on paths where they may not be bound
    yet (then they hold no array); globals are always bound."""
    stored = {n.id for n in walk(norm.node) if isinstance(n, gast.Name)
              and isinstance(n.ctx, gast.Store)}
    body = norm.node.body
    line = anno.get(body[0], "srcline") if body else None
    norm.node.body = [assign(n, const(None), line) for n in sorted(set(names) & stored)] + body


def _located(new, st):
    """``new`` (a check put before ``st``) with ``st``'s source line."""
    anno.set(new, "srcline", anno.get(st, "srcline"))
    if anno.has(st, "srcloc"):
        anno.set(new, "srcloc", anno.get(st, "srcloc"))
    return new


def _appended_to(st):
    """{L} for ``L.append(v)`` / ``L.extend(v)`` (the list is not aliased by it)."""
    if isinstance(st, gast.Expr) and isinstance(st.value, gast.Call) \
            and isinstance(st.value.func, gast.Attribute) \
            and st.value.func.attr in ("append", "extend") \
            and isinstance(st.value.func.value, gast.Name):
        recv = st.value.func.value.id
        if all(recv not in names_read(a) for a in st.value.args):
            return {recv}
    return set()


def _item_or_choice(op):
    """An item ``y[k]`` at an integer-like index (a Python int or a name: not a
    slice), or builtin min()/max() of values: whether the value is a view of
    an array depends on the values."""
    if op.kind != "call":
        return False
    if op.func in (min, max):
        return not op.keywords
    return op.func is operator.getitem and len(op.args) == 2 \
        and (isinstance(op.args[1], gast.Name) or isinstance(op.args[1], gast.Constant)
             and type(op.args[1].value) is int)


class _OwnedUnshared:
    """The bindings ``_Private`` cannot vouch for that are safe all the same:
    the array the binding gives ``t`` is the function's own
    (sharing.OwnedArrays), and where ``t`` is written in place no other name
    that may share its memory is read afterwards (sharing.may_share). So two
    buffers that trade names (``u, new = new, u``) may be written in place;
    ``new = u`` followed by a write into ``new`` while ``u`` is still read
    may not."""

    def __init__(self, norm, classifier, written, live, lists):
        self.norm, self.classifier, self.written, self.live = norm, classifier, written, live
        self.lists = lists
        self._owned = self._env = self._defs = None

    def binding(self, st, t):
        from ..analysis.sharing import OwnedArrays
        body = self.norm.node.body
        if self._owned is None:
            literal = _Private(body, self.classifier, self.live)
            self._owned = OwnedArrays(
                body, self.classifier, _fresh_definition, _VIEWS,
                literal._literal_item, self.norm.params,
                set(self.norm.params) & self.written, _field_position)
            self._writes = subscript_writes(body)
            self._env = may_share(body, alias_binds(self.classifier, body, self.norm.params),
                                  at={id(w) for ws in self._writes.values() for w in ws},
                                  holds=container_holds(self.lists))
        if not self._owned.binding(st):
            return False
        for w in self._writes.get(t, ()):
            shared = partners(self._env.get(id(w), {}), t) & self.live.get(id(w), frozenset())
            # (a value that shares t's memory only on some values, an item t[k] or
            # builtin min() of one, is checked where the write runs:
            # _check_reads_after_writes)
            if any(not self._maybe_view(n) for n in shared):
                return False
        return True

    def _maybe_view(self, name):
        """Is every binding of ``name`` an item ``y[k]`` (a number of a vector, a
        view of a matrix) or builtin min()/max() of values?"""
        if self._defs is None:
            self._defs = {}
            for st in walk_stmts(self.norm.node.body):
                if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
                    self._defs.setdefault(st.targets[0].id, []).append(st.value)
        values = self._defs.get(name)
        return bool(values) and name not in self.norm.params and all(
            _item_or_choice(self.classifier.classify(v)) for v in values)

    def checked_binding(self, st, t):
        """The parameters to check, where t is written, that the array the
        binding gives t is no part of (its other origins being the function's
        own arrays), or None."""
        self.binding(st, t)     # (the analyses, once)
        params = self._owned.foreign_params(
            st, _unchanged_params(self.norm.node.body, self.norm.params))
        # (another name that may share t's array and is read after a write is
        # checked there too: _check_reads_after_writes)
        return params or None

    def foreign_origin(self, st):
        """The source text of a binding the array ``st`` binds may come from that
        is not the function's own (for a message), or None."""
        return self._owned.foreign_text(st)


class _Private:
    """Is the array a binding gives its name private, so that writing it in
    place cannot be seen through another name? Fresh arrays are; so is a view
    or another name of a private array ``x`` (``t = x``, ``t = x.reshape(..)``,
    ``t = x[1:]``) when ``x`` is not read after the binding (liveness, loops
    included) and is read only to make ``t``; and an item ``pair[k]`` of a
    tuple/list literal that is only read at distinct constant items counts as
    that element."""

    def __init__(self, body, classifier, live):
        self.classify = classifier.classify
        self.live = live
        self.defs = {}          # name -> its binding statements
        self.readers = {}       # name -> targets of the statements that read it
        self.items = {}         # name -> constant items it is read at
        self._def_reads = None  # name -> how many of the bindings read it
        for st in walk_stmts(body):
            if isinstance(st, (gast.If, gast.For, gast.While)):
                for n in names_read(st.test if isinstance(st, (gast.If, gast.While))
                                    else st.iter):
                    self.readers.setdefault(n, set()).add(None)
                continue
            simple = isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name)
            if simple:
                self.defs.setdefault(st.targets[0].id, []).append(st)
                v = st.value
                if isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) \
                        and isinstance(v.slice, gast.Constant) and type(v.slice.value) is int:
                    self.items.setdefault(v.value.id, []).append(v.slice.value)
            if simple and isinstance(st.value, gast.Name) and st.value.id == st.targets[0].id:
                continue    # t = t
            for n in names_read(st) - _appended_to(st):
                self.readers.setdefault(n, set()).add(st.targets[0].id if simple else None)

    def binding(self, st, t, depth=0):
        op = self.classify(st.value)
        if _fresh_definition(op):
            return True
        if depth > 20:
            return False
        if op.kind == "copy":
            src = op.node
        elif op.kind == "call" and (op.func is operator.getitem
                                    or getattr(op.func, "__name__", "") in _VIEWS):
            src = op.args[0] if op.args else None
            k = op.args[1] if op.func is operator.getitem and len(op.args) > 1 else None
            if isinstance(src, gast.Name) and isinstance(k, gast.Constant) \
                    and type(k.value) is int:
                elt, holder = self._literal_item(src.id, k.value)
                if elt is not None:
                    return isinstance(elt, gast.Name) and self.name(elt.id, holder, st, depth)
        else:
            return False
        return isinstance(src, gast.Name) and self.name(src.id, t, st, depth)

    def name(self, x, t, st, depth):
        """x's array is handed to t by statement st and to nothing else."""
        if x in self.live.get(id(st), ()) or self.readers.get(x, set()) - {t}:
            return False
        defs = self.defs.get(x, [])
        return bool(defs) and all(self.binding(d, x, depth + 1) for d in defs)

    def _literal_item(self, name, k):
        """The element a constant item of the literal ``name`` reads, when ``name``
        is bound once, to a tuple/list literal, and read only at distinct items,
        and the name that holds the literal; (None, None) otherwise."""
        defs = self.defs.get(name, [])
        taken = self.items.get(name, [])
        if len(defs) != 1 or len(set(taken)) != len(taken) \
                or None in self.readers.get(name, set()):
            return None, None
        if self._def_reads is None:     # (counted once: this is asked per item)
            self._def_reads = {}
            for stmts in self.defs.values():
                for st in stmts:
                    for n in names_read(st):
                        self._def_reads[n] = self._def_reads.get(n, 0) + 1
        if self._def_reads.get(name, 0) != len(taken):
            return None, None
        node = defs[0].value
        for _ in range(20):
            # (another name for a literal read by nothing else: a helper's result
            # unpacked, ``h_3 = (a, b); h_x = h_3; u = h_x[0]``)
            if not isinstance(node, gast.Name) or self.readers.get(node.id) != {name} \
                    or len(self.defs.get(node.id, [])) != 1:
                break
            name, node = node.id, self.defs[node.id][0].value
        if not isinstance(node, (gast.Tuple, gast.List)) \
                or not -len(node.elts) <= k < len(node.elts):
            return None, None
        return node.elts[k], name


def _check_augassign_aliases(norm, classifier, checked_writes, lists):
    """``y *= 2`` changes an array in place in Python, but is differentiated as
    ``y = y * 2``: where another name whose value may share memory with ``y``
    (a forward may-alias analysis) is used later, checked where it runs
    (runtime.not_shared), or where the value is made (_freshen)."""
    augs = [s for s in walk_stmts(norm.node.body) if anno.get(s, "augassign")]
    if not augs:
        return
    accepted = set()
    while True:
        got = _augassign_sharers(norm, classifier, checked_writes, augs, lists, accepted)
        if isinstance(got, dict):
            break
        # a sharer the generated code may copy is made fresh where it is made,
        # when it can be: checked there not to share its sources (an item y[k] of
        # a vector is a number), then the analysis is run again; else the check
        # where the write runs reads the values as the program made them
        # (reverse._check_before_copies). (Writes whose names are apart are
        # settled in one round; one naming a name settled in this round waits
        # for the analysis run again.)
        touched = set()
        for s, y, shared, bad in got:
            mine = {y} | set(shared) | set(bad)
            if mine & touched:
                continue
            touched |= mine
            if y in bad or not _freshen(norm, classifier, bad, s, y):
                accepted.add(id(s))
    checks = got
    if not checks:
        return
    # a check where it runs reads them all: a name not bound on every path there
    # is bound to None first
    bound = bound_before(norm.node.body, norm.params, at=set(checks))
    _bind_none_first(norm, {v for k, (_, shared) in checks.items() for v in shared
                            if v not in bound[k]})
    # whether they do depends on the values (a number is never changed in place,
    # builtin min() may return either argument): checked where it happens
    from .. import runtime
    _insert_checks(norm, checks, runtime.not_shared)


def _augassign_sharers(norm, classifier, checked_writes, augs, lists, accepted=()):
    """{id(y += v): (y, names read later that may share y's array)}, or a list of
    (stmt, y, those names, the ones the reverse transform may copy) for each
    ``y += v`` (not in ``accepted``) whose sharing a check where it runs would
    see only through the values as the program made them (in program order)."""
    out = norm.output.id if isinstance(norm.output, gast.Name) else None
    live = live_after(norm.node.body, {out} if out else ())
    binds = alias_binds(classifier, norm.node.body, norm.params)
    writes = subscript_writes(norm.node.body)
    env_before = points_to(norm.node.body, binds,
                           at={id(s) for s in augs} | {id(st) for sts in writes.values()
                                                       for st in sts})
    # the names that may share an array written by subscript there: the generated
    # code may make such a name a copy (reverse.py, _restore_view_bases), which a
    # check where the program runs could not tell from the array -- except a name
    # read after such a write, checked where every write it may share runs and
    # never copied (_check_reads_after_writes; the writes of list literals are not)
    near_writes, checked = set(), set()
    for w, sts in writes.items():
        for st in sts:
            shares = sharers(env_before.get(id(st), {}), w) - {w}
            near_writes |= shares
            if w in checked_writes:
                checked |= shares & live.get(id(st), set())
    near_writes -= checked
    # ... and only a name whose value may come from such a copy: one made by an
    # operation that may return a view (t = y[k]; reverse.py copies no fresh array,
    # parameter or loop target), another name for one, or one changed in place
    copyable = set()
    bound = []      # (stmt, target, sources, keeps) of the bindings that share
    for st in walk_stmts(norm.node.body):
        b = binds(st)
        if b and b[1]:
            bound.append((st,) + tuple(b))
    while True:
        more = {t for st, t, sources, keeps in bound if t not in copyable
                and (sources & copyable if isinstance(st.value, gast.Name)
                     or anno.get(st, "augassign") else not keeps)}
        if not more:
            break
        copyable |= more
    near_writes &= copyable
    checks = {}
    conflicts = []
    for s in augs:
        y = anno.get(s, "augassign")
        env = env_before.get(id(s), {})
        mine = env.get(y, frozenset({("name", y)}))
        # names whose current value is read again later and may be y's array
        shared = [v for v in sorted(live.get(id(s), ()))
                  if v not in (y, s.targets[0].id)
                  and env.get(v, frozenset({("name", v)})) & mine]
        if y in lists:
            # ``L += [v]`` extends the list object: what may see it is a name for
            # that list (M = L, P = {"a": L}, Q.append(L)), not the arrays its
            # items are views of (L = [B[0]] shares B's memory, but B is no list)
            holders = _list_holders(norm, y)
            shared = [v for v in shared if v in holders]
        bad = ({y} | set(shared)) & near_writes
        if shared and bad and id(s) not in accepted:
            conflicts.append((s, y, shared, bad))
        elif shared:
            checks[id(s)] = (y, shared)
    return conflicts or checks


def _certain_lists(norm, classifier):
    """The names of the function that certainly hold lists: every binding is a
    list literal (or ``list(...)``) or an augmented ``L = L + T`` (``L += [v]``)
    whose operand ``T`` is such a name."""
    kinds = {}
    stores = {}
    for n in walk(norm.node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
            stores[n.id] = stores.get(n.id, 0) + 1
    for st in walk_stmts(norm.node.body):
        if isinstance(st, gast.Assign) and len(st.targets) == 1 \
                and isinstance(st.targets[0], gast.Name):
            kinds.setdefault(st.targets[0].id, []).append(st)
    # (a name bound any other way too, a loop target or an unpacked item, is not one)
    kinds = {n: sts for n, sts in kinds.items() if len(sts) == stores.get(n, 0)}

    def literal(st):
        if isinstance(st.value, gast.List):
            return True
        op = classifier.classify(st.value)
        return op.kind == "call" and op.func is list

    out = {n for n, sts in kinds.items() if all(literal(st) for st in sts)}
    grown = True
    while grown:
        grown = False
        for n, sts in kinds.items():
            if n in out:
                continue
            if all(literal(st) or (anno.get(st, "augassign") is not None
                                   and isinstance(st.value, gast.BinOp)
                                   and isinstance(st.value.op, gast.Add)
                                   and isinstance(st.value.right, gast.Name)
                                   and st.value.right.id in out
                                   and isinstance(st.value.left, gast.Name)
                                   and st.value.left.id in out | {n})
                   for st in sts):
                out.add(n)
                grown = True
    return out


def _list_holders(norm, y):
    """The names that may hold the list ``y`` itself: bound to it (``M = y``), to
    a literal holding it (``P = {"a": y}``), or grown with it (``Q.append(y)``),
    and so on. A conservative syntactic closure (any binding anywhere counts)."""
    held = {y}
    grown = True
    while grown:
        grown = False
        for st in walk_stmts(norm.node.body):
            target, values = None, ()
            if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
                target, v = st.targets[0].id, st.value
                values = [v] if isinstance(v, gast.Name) else \
                    list(getattr(v, "elts", None) or getattr(v, "values", None) or [])
            elif isinstance(st, gast.Expr) and isinstance(st.value, gast.Call) \
                    and isinstance(st.value.func, gast.Attribute) \
                    and isinstance(st.value.func.value, gast.Name):
                target, values = st.value.func.value.id, st.value.args
            elif isinstance(st, gast.For) and isinstance(st.iter, gast.Name):
                target, values = None, [st.iter]
                if st.iter.id in held:
                    for n in names_stored(st.target) - held:
                        held.add(n)
                        grown = True
                continue
            if target is not None and target not in held and any(
                    isinstance(v, gast.Name) and v.id in held for v in values):
                held.add(target)
                grown = True
    return held


def _freshen(norm, classifier, names, at, y):
    """Make every value the ``names`` get a fresh one, where it is made: after
    ``t = <op>`` (an item ``y[k]``, builtin ``min()``, ...), the check
    ``runtime.fresh_value`` refuses a value that shares memory with the op's
    sources, and the statement is marked ``srcdiff_fresh`` for the alias
    analyses. False when a name is bound otherwise (a parameter, a loop
    target, another name) or nothing is left to mark."""
    from .. import runtime
    defs = {}
    for st in walk_stmts(norm.node.body):
        if isinstance(st, gast.FunctionDef):
            stored = {st.name}
        elif isinstance(st, gast.For):
            stored = names_stored(st.target)
        elif isinstance(st, gast.Assign):
            stored = set().union(*(names_stored(t) for t in st.targets))
        else:
            stored = set()
        for t in stored & names:
            ok = isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                and not isinstance(st.value, (gast.Name, gast.Lambda))
            defs.setdefault(t, []).append(st if ok else None)
    if names & set(norm.params) or any(None in defs.get(t, [None]) for t in names):
        return False
    todo = [st for t in sorted(names) for st in defs[t]
            if not anno.get(st, "augassign") and not anno.get(st, "fresh", 0)]
    if not todo:
        return False
    if any(classifier.classify(st.value).kind == "list_pop" for st in todo):
        # (an item popped off a list is the array put there, which the list no
        # longer holds where a check after the pop would look: not checkable)
        return False
    at_line = (anno.get(at, "srcloc") or norm.fs.loc).lineno(at)
    checks = {}
    for st in todo:
        anno.set(st, "fresh", True)
        t = st.targets[0].id
        sources = sorted(_memory_sources(classifier.classify(st.value)) - {t})
        checks[id(st)] = (t, sources)

    def each(st):
        if id(st) not in checks:
            return [st]
        t, sources = checks[id(st)]
        where = anno.get(st, "srcloc") or norm.fs.loc
        shown = norm.names.user_name
        call = gast.Call(func=norm.env.ref(runtime.fresh_value, "fresh_value"),
                         args=[load(t), const(shown(t)), _named_values(norm, sources),
                               const(shown(y)), const(at_line), const(where.filename),
                               const(where.lineno(st))], keywords=[])
        return [st, _located(gast.Expr(value=call), st)]

    norm.node.body = _rewrite_blocks(norm.node.body, each)
    return True


def _refuse_recursion_helpers(func, loc, node):
    if recursion_helper(func):
        raise loc.error(node, "second derivatives through a recursive call (srcdiff calls the "
                        "recursive function's own generated code, at first order only)",
                        "write the recursion as a loop to differentiate it twice")


def inline_calls(norm, wrt):
    if not hasattr(norm, "env"):
        fs = norm.fs
        norm.env = HelperEnv(norm.names, fs.globals, fs.closure)
        for free in sorted(fs.closure):
            norm.env.objects[free] = fs.closure[free]
    inl = _Inliner(norm, wrt)
    norm = inl.run()
    _drop_unused_defs(norm)
    _refuse_escaping_writers(norm, inl.local_names)
    _insert_int_checks(norm, inl.classifier)
    _snapshot_tests(norm)
    if not norm.fs.loc.filename.startswith("<srcdiff"):
        # (generated code writes only into buffers it owns)
        protect_writes(norm, inl.classifier)
    return norm
