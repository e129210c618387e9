"""One call inlined: the callee's normalized body, renamed into the caller.

The callee (a module function, a method, a nested def or lambda) is
normalized, its parameters bound to the call's arguments (defaults,
``*args`` and ``**kwargs`` included), its locals renamed to fresh names of
the caller, its free names bound to the caller's or the generated code's,
and ``b += v`` on a parameter holding one of the caller's arrays written as
the in-place store it is.
"""

import inspect

import gast
import numpy as np

from ...analysis.activity import walk_stmts
from ...ir import anno
from ...ir.syntax import assign, clone, const, load, resolve_static, store, subscript, walk
from ..blocks import rewrite_blocks
from ..normalize import normalize
from ..parse import FunctionSource, parse_function
from ..renaming import rename_all
from .call_kinds import refuse_recursion_helpers


class CallInlining:
    """The inliner's part that replaces a call by the callee's body."""

    def inline(self, s, op):
        """The callee's body in place of the call ``s`` (an assignment of its
        result, or an expression statement whose result is dropped)."""
        target = s.targets[0].id if isinstance(s, gast.Assign) else None
        line = anno.get(s, "srcline")
        sub_fs, free_map, link = self._callee_source(s, op.func)
        # a nested def writes into (or rebinds, nonlocal) the caller's names
        sub = normalize(sub_fs, frozenset(self.local_names) if free_map is not None
                        else frozenset(), varargs=True)
        rename, params_set = self._renaming(sub, sub_fs, free_map)
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
        rename_all(body, versions)
        rename_all([out_node], versions)
        direct, binds = _direct_params(binds, rename, body)
        rename_all(body, rename)
        rename_all(body, direct)
        _relocate(body, sub_fs.loc, s)
        chain = anno.get(s, "inline_chain", ()) + (link,)
        for st in walk_stmts(body):
            anno.set(st, "inline_chain", chain)
        if target is None:
            return binds + body
        out_atom = out_node
        rename_all([out_atom], rename)
        rename_all([out_atom], direct)
        result = assign(target, out_atom, line)
        return binds + body + [result]

    def _callee_source(self, s, callee):
        """(the callee's FunctionSource, the names current at the call for a
        nested def or lambda (None for a module function), the link the inlined
        statements add to their ``inline_chain``)."""
        if isinstance(callee, gast.FunctionDef):
            sub_fs = FunctionSource(None, clone(callee), self.fs.loc, self.fs.globals,
                                    self.fs.closure)
            free_map = dict(anno.get(s.value, "ssa_env", {}) or {})
            return sub_fs, free_map, ("local", callee.name)
        func = callee.__func__ if hasattr(callee, "__func__") else callee
        refuse_recursion_helpers(func, self.fs.loc, s)
        return parse_function(func), None, func

    def _renaming(self, sub, sub_fs, free_map):
        """(the callee's name -> the caller's name it becomes, the callee's
        parameters): its locals get fresh names, its free names the caller's
        (``free_map``) or the generated code's for its globals."""
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
        return rename, params_set

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

    body = rewrite_blocks(body, each)
    versions = {k: v for k, v in versions.items() if k != v}
    return body, versions


def _relocate(stmts, loc, call_stmt):
    """Inlined statements keep pointing at the callee's source lines."""
    for s in walk_stmts(stmts):
        anno.set(s, "srcloc", loc)


def _direct_params(binds, rename, body):
    """({parameter: the caller's name} for the parameters the callee never
    re-assigns, replaced by the caller's atoms; the bindings of the others)."""
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
    return direct, kept
