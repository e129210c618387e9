"""Calls lowered: arguments made atoms, the names current at the call kept
(``ssa_env``); ``dict(...)`` made a literal or a comprehension; a record
constructor (NamedTuple, dataclass) made the container of its fields."""

import builtins
import dataclasses

import gast

from ...ir import anno
from ...ir.syntax import assign, const, load, resolve_static
from .expressions import ANONYMOUS, is_static_chain


class CallLowering:
    """The normalizer's part that lowers calls."""

    def call(self, e, hint):
        if self._builtin(e.func, "dict") and len(e.args) <= 1 and not any(
                isinstance(a, gast.Starred) for a in e.args) \
                and all(k.arg is not None for k in e.keywords):
            return self.dict_call(e, hint)
        made = self.record_literal(e)
        if made is not None:
            stmts, node = self.simple(made, hint)
            kind = anno.get(made, "record")
            items = node.elts if isinstance(node, gast.Tuple) else node.values
            subs = tuple(self.record_of.get(v.id) if isinstance(v, gast.Name) else None
                         for v in items)
            if any(subs):       # objects made in the function held in its fields
                kind = dataclasses.replace(kind, subs=subs)
            anno.set(node, "record", kind)
            return stmts, node
        stmts = []
        func = e.func
        if isinstance(func, gast.Name) and func.id in ("eval", "exec", "compile") \
                and func.id not in self.local_names:
            if self.fs.lookup_or_none(func.id) is getattr(builtins, func.id):
                raise self.error(e, f"{func.id}() runs code srcdiff cannot see, so it cannot be "
                                 "differentiated", "write the expression directly")
        if isinstance(func, gast.Attribute) and not is_static_chain(self.fs, func, self.local_names):
            s, recv = self.atom(func.value, hint)
            stmts += s
            func = gast.Attribute(value=recv, attr=func.attr, ctx=gast.Load())
        elif not (isinstance(func, gast.Name) or self.is_atomic(func)):
            s, func = self.atom(func, hint + "_fn")
            stmts += s
        else:
            func = self.ren(func)
        args = []
        for a in e.args:
            if isinstance(a, gast.Starred):
                s, v = self.atom(a.value, hint)
                args.append(gast.Starred(value=v, ctx=gast.Load()))
            else:
                s, v = self.atom(a, hint)
                args.append(v)
            stmts += s
        keywords = []
        for k in e.keywords:
            s, v = self.atom(k.value, hint)
            stmts += s
            keywords.append(gast.keyword(arg=k.arg, value=v))
        node = gast.Call(func=func, args=args, keywords=keywords)
        anno.set(node, "ssa_env", dict(self.env))
        return stmts, node

    def record_literal(self, e):
        """``P(w=a, b=c)`` of a NamedTuple class (or collections.namedtuple) or a
        dataclass is the container of its fields the generated code holds for an
        object (records.py): the tuple ``(a, c)`` or the dict ``{"w": a, "b": c}``,
        marked ``srcdiff_record``; so is ``p._replace(b=c)`` of such a local
        NamedTuple. None for any other call."""
        from ..records import constructed_kind
        func = e.func
        if isinstance(func, gast.Attribute) and func.attr == "_replace" \
                and isinstance(func.value, gast.Name) and not e.args:
            kind = self.record_of.get(self.env.get(func.value.id, func.value.id))
            if kind is None or not kind.named:
                return None
            given = {k.arg: k.value for k in e.keywords}
            if None in given or not set(given) <= set(kind.fields):
                raise self.error(e, "_replace() is given a name that is not a field of "
                                 f"{kind.cls.__name__}")
            if kind.subs and any(kind.subs[kind.fields.index(f)] for f in given):
                raise self.error(e, "_replace() of a field that holds an object cannot be "
                                 "differentiated", f"make a new {kind.cls.__name__} instead")
            values = [given.get(f) or gast.Attribute(value=load(func.value.id), attr=f,
                                                     ctx=gast.Load()) for f in kind.fields]
            made = gast.Tuple(elts=values, ctx=gast.Load())
            anno.set(made, "record", kind)
            return made
        if not isinstance(func, (gast.Name, gast.Attribute)):
            return None
        try:
            cls = resolve_static(self.fs, func, self.local_names)
        except KeyError:
            return None
        return constructed_kind(cls, e, self.error)

    def _builtin(self, func, name):
        # (also under another name: from autograd import dict as ag_dict)
        return isinstance(func, gast.Name) and func.id not in self.local_names \
            and self.fs.lookup_or_none(func.id) is getattr(builtins, name)

    def dict_call(self, e, hint):
        """``dict(a=x, b=y)`` is the literal ``{"a": x, "b": y}``; ``dict(src)`` (a
        dict, or pairs: an iterator such as ``zip(keys, values)`` is made a list
        first) a call of its rule; ``dict(src, b=y)`` that, then ``d["b"] = y``."""
        kw = gast.Dict(keys=[const(k.arg) for k in e.keywords],
                       values=[k.value for k in e.keywords])
        if not e.args:
            return self.simple(kw, hint)
        src = e.args[0]
        if self.iterator_call(src):
            # dict(zip(keys, values)): {k: v for k, v in zip(keys, values)}
            k, v = self.names.fresh("key"), self.names.fresh("value")
            name = lambda n, ctx: gast.Name(id=n, ctx=ctx, annotation=None,  # noqa: E731
                                            type_comment=None)
            comp = gast.DictComp(key=name(k, gast.Load()), value=name(v, gast.Load()),
                                 generators=[gast.comprehension(
                                     target=gast.Tuple(elts=[name(k, gast.Store()),
                                                             name(v, gast.Store())],
                                                       ctx=gast.Store()),
                                     iter=src, ifs=[], is_async=0)])
            if not e.keywords:
                return self.simple(comp, hint)
            stmts, made = self.atom(comp, hint)
            t = made.id
        else:
            stmts, s_atom = self.atom(src, hint)
            node = gast.Call(func=self.ren(e.func), args=[s_atom], keywords=[])
            anno.set(node, "ssa_env", dict(self.env))
            if not e.keywords:
                return stmts, node
            t = self.names.fresh(hint if hint not in ANONYMOUS else "d")
            stmts.append(assign(t, node, self.line))
        for k in e.keywords:
            s2, v = self.atom(k.value, hint)
            stmts += s2
            st = gast.Assign(targets=[gast.Subscript(value=load(t), slice=const(k.arg),
                                                     ctx=gast.Store())],
                             value=v, type_comment=None)
            anno.set(st, "srcline", self.line)
            stmts.append(st)
        return stmts, load(t)
