"""The tangent of an assignment's right-hand side: the operation's JVP rule
inlined on the operands' tangents (or called), tuples/lists/dicts packed from
their items' tangents, builtins that rearrange values (list, zip, sorted ...).
Refusals are raised as ``Unsupported`` (the caller adds the statement's location).
"""
import inspect

import gast
import numpy as np

from .. import runtime
from ..analysis.activity import recursion_helper, unknown_refusal
from ..backend.simplify import simplify
from ..ir import anno
from ..ir.syntax import load, const, call, clone, subscript, names_read, walk
from ..ir.templates import template, instantiate
from ..rules import qualified_name
from .rule_defaults import default_const, DropDefaults
from .zeros import zero, is_zero

__all__ = ["TangentRulesMixin", "Unsupported"]


class Unsupported(Exception):
    """A refusal (message, hint); ``object_read``: as analysis.unknown_refusal's
    (an attribute or method of a named value, which an object argument explains)."""
    object_read = False


_SHAPE_FUNCS = {np.size, np.shape, np.ndim, len, np.result_type}


def _in(f, group):
    try:
        return f in group
    except TypeError:
        return False


def rename_expr(node, mapping):
    """A copy of ``node`` reading ``mapping[n]`` for every name ``n`` it maps."""
    if not mapping:
        return node
    node = clone(node)
    for n in walk(node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id in mapping:
            n.id = mapping[n.id]
    return node


class TangentRulesMixin:
    """The tangent expression of one right-hand side (see the module docstring)."""

    def tangent_expr(self, s, t, op, renamed):
        """(rule statements, tangent expression or Zero) of ``t = op``."""
        kind = op.kind
        if kind in ("const", "nondiff"):
            return [], zero(load(t))
        if kind == "copy":
            return [], self.tangent_atom(op.node)
        if kind == "pack":
            return [], self.pack(op)
        if kind == "pack_dict":
            node = op.node
            values = [self.tangent_atom(v) for v in node.values]
            return [], gast.Dict(keys=[clone(k) for k in node.keys],
                                 values=[self.folder.materialize(v) for v in values])
        if kind == "call":
            return self.rule(s, t, op, renamed)
        if kind == "unknown":
            return self.structural(s, t, op)
        if kind == "user":
            args = list(op.args) + list(op.keywords.values())
            if all(not isinstance(a, gast.Starred) and is_zero(self.tangent_atom(a))
                   for a in args):
                return [], zero(load(t))    # a call on constants: its value has no tangent
            if recursion_helper(op.func):
                raise Unsupported("second derivatives through a recursive call (srcdiff calls "
                                   "the recursive function's own generated code, at first "
                                   "order only)",
                                   "write the recursion as a loop to differentiate it twice")
            raise Unsupported(f"a call of the user function {op.func.__qualname__} was not "
                               "inlined; forward mode cannot follow it",
                               "inline the function by hand")
        raise Unsupported(f"unsupported operation {kind!r} in forward mode")

    def pack(self, op):
        node = op.node
        elts, any_live = [], False
        for e in op.args:
            if isinstance(e, gast.Starred):
                d = self.tangent_atom(e.value)
                if is_zero(d):
                    d = call(self.ref(runtime.zeros_like_list, "zeros_like_list"),
                             [clone(e.value)])
                else:
                    any_live = True
                elts.append(gast.Starred(value=d, ctx=gast.Load()))
                continue
            d = self.tangent_atom(e)
            if not is_zero(d):
                any_live = True
                elts.append(d)
            elif isinstance(e, gast.Name) and e.id in self.containers:
                elts.append(self.zero_tangent_of(e.id))
            else:
                elts.append(self.folder.materialize(d))
        if isinstance(node, gast.List):
            # a list may be appended to or written into later: it always has a tangent
            return gast.List(elts=elts, ctx=gast.Load())
        if not any_live:
            return zero(clone(node))
        return gast.Tuple(elts=elts, ctx=gast.Load())

    def structural(self, s, t, op):
        """Builtins that rearrange values: list(), tuple(), reversed(), zip()."""
        node = op.node
        f = self.resolve(node.func) if isinstance(node, gast.Call) else None
        if f in (list, tuple, reversed) and len(node.args) == 1 and not node.keywords:
            d = self.tangent_atom(node.args[0])
            if is_zero(d):
                return [], zero(load(t))
            return [], call(clone(node.func), [d])
        if f is zip and not node.keywords:
            ds = [self.tangent_atom(a) for a in node.args]
            if all(is_zero(d) for d in ds):
                return [], zero(load(t))
            ds = [d if not is_zero(d) else call(self.ref(runtime.zeros_like_list,
                                                         "zeros_like_list"), [clone(a)])
                  for d, a in zip(ds, node.args)]
            return [], call(clone(node.func), ds)
        if f is sorted and len(node.args) == 1 and not node.keywords:
            # sorted(d) of a dict: its keys, constants (checked where it runs)
            check = gast.Expr(value=call(self.ref(runtime.sorted_keys_only, "sorted_keys_only"),
                                         [clone(node.args[0])]))
            return [check], zero(load(t))
        if _in(f, _SHAPE_FUNCS) or _in(op.func, _SHAPE_FUNCS):
            return [], zero(load(t))     # sizes and shapes carry no derivative
        reads = set()
        for a in op.operands:
            reads |= names_read(a)
        if not any(self.active(n) and n in self.live for n in reads):
            return [], zero(load(t))
        what = op.what or (qualified_name(op.func) if op.func is not None else "this operation")
        name = qualified_name(op.func) if op.func is not None else what
        message, hint, object_read = unknown_refusal(op, name, "jvp_rule")
        refusal = Unsupported(message.replace("no derivative rule", "no forward-mode derivative"),
                               hint)
        refusal.object_read = object_read
        raise refusal

    def rule(self, s, t, op, renamed):
        """The tangent of ``t = f(..)`` by ``f``'s JVP rule: inlined (its template
        instantiated on the operands and their tangents, zeros folded) or called."""
        rule = op.rule
        if rule.jvp is None:
            if not any(isinstance(a, gast.Name) and self.active(a.id) and a.id in self.live
                       for a in op.operands):
                return [], zero(load(t))
            raise Unsupported(f"{rule.name} has no forward-mode rule",
                               f"register one with @srcdiff.jvp_rule({rule.name})")
        tpl = template(rule.jvp)
        if tpl.varargs and not tpl.inlinable:
            return self.varargs_rule(s, t, op, renamed, rule)
        bind = self._rule_arguments(rule, tpl, op)
        tangents, any_live = self._rule_tangents(rule, tpl, op, bind)
        if not any_live:
            return [], zero(load(t))
        primal_bind = self._rule_primals(tpl, op, bind, renamed)
        if not tpl.inlinable:
            args = [load(t)] + [rename_expr(a, renamed) for a in op.args]
            kws = [gast.keyword(arg=k, value=rename_expr(v, renamed))
                   for k, v in op.keywords.items()]
            kws += [gast.keyword(arg=k, value=self.folder.materialize(v))
                    for k, v in tangents.items()]
            return [], call(self.ref(rule.jvp, rule.jvp.__name__), args, kws)
        return self._inline_rule(s, t, tpl, primal_bind, tangents, bind, renamed)

    def _rule_arguments(self, rule, tpl, op):
        """The rule's parameter -> the operand the call passes it."""
        params = tpl.params[1:]
        if len(op.args) > len(params) and not tpl.varargs:
            raise Unsupported(f"{rule.name} called with {len(op.args)} positional arguments; "
                               f"its forward rule takes {len(params)}")
        bind = {}
        for i, a in enumerate(op.args[:len(params)]):
            bind[params[i]] = a
        for k, v in op.keywords.items():
            if k not in params and k + "_" in params:
                k = k + "_"     # a parameter the rule renamed (its tangent's name d<k> was taken)
            if k not in params and k not in tpl.kwonly and tpl.varkw is None:
                raise Unsupported(f"{rule.name}: its forward rule has no parameter {k!r}")
            if k in params or k in tpl.kwonly:
                bind[k] = v
            elif isinstance(v, gast.Name) and self.active(v.id) and v.id in self.live:
                raise Unsupported(f"{rule.name}: its forward rule has no tangent for the "
                                   f"keyword argument {k!r}")
        return bind

    def _rule_tangents(self, rule, tpl, op, bind):
        """(the rule's tangent parameter ``d<p>`` -> the tangent or Zero it is passed,
        whether any of them is not zero)."""
        params = tpl.params[1:]
        tangents = {}
        any_live = False
        for p in params:
            dname = "d" + p
            if dname not in tpl.kwonly:
                if dname in params and p in bind and not is_zero(self.tangent_atom(bind[p])):
                    # the tangent's name is another parameter's: never drop the tangent
                    raise Unsupported(f"{rule.name}: its forward rule cannot take the tangent "
                                       f"of {p!r} ({dname!r} is a parameter; rename {p!r} to "
                                       f"{p + '_'!r} in the rule)")
                continue
            if p in bind:
                d = self.tangent_atom(bind[p])
                if not is_zero(d) and isinstance(op.func, np.ufunc) \
                        and isinstance(bind[p], gast.Name) and bind[p].id in self.containers:
                    # a list a ufunc reads as an array: so is its tangent (a rule may
                    # negate or transpose it)
                    d = call(self.ref(np.asarray, "asarray"), [self.folder.materialize(d)])
            else:
                d = zero(const(tpl.defaults.get(p)))
            any_live = any_live or not is_zero(d)
            tangents[dname] = d
        if tpl.varargs:
            # *args: its tangents as one tuple aligned with it (None where zero)
            tans = [self.tangent_atom(a) for a in op.args[len(params):]]
            any_live = any_live or not all(is_zero(d) for d in tans)
            tangents["d" + tpl.varargs] = gast.Tuple(
                elts=[const(None) if is_zero(d) else d for d in tans], ctx=gast.Load())
        return tangents, any_live

    def _rule_primals(self, tpl, op, bind, renamed):
        """The rule's primal parameter -> the operand it reads (its old value if renamed)."""
        primal_bind = {k: rename_expr(v, renamed) for k, v in bind.items()}
        if isinstance(op.func, np.ufunc):
            # a list or tuple a ufunc reads as an array: the rule reads it as one too
            for k, v in primal_bind.items():
                if isinstance(v, gast.Name) and v.id in self.containers:
                    primal_bind[k] = call(self.ref(np.asarray, "asarray"), [v])
        if tpl.varargs:
            extra = op.args[len(tpl.params[1:]):]
            primal_bind[tpl.varargs] = gast.Tuple(elts=[rename_expr(a, renamed) for a in extra],
                                                  ctx=gast.Load())
        return primal_bind

    def _inline_rule(self, s, t, tpl, primal_bind, tangents, bind, renamed):
        """(statements, tangent expression) of the rule's template instantiated."""
        bindings = dict(primal_bind)
        for p in tpl.params[1:] + tpl.kwonly:
            if p not in bindings and p not in tangents and p in tpl.defaults:
                bindings[p] = default_const(tpl.defaults[p])
        bindings.update(tangents)
        bindings[tpl.params[0]] = load(t)
        stmts, result = instantiate(tpl, bindings, self.names, self.env, hint=self.tan(t),
                                    not_none=self._not_none(bind, renamed))
        stmts, expr = self.folder.fold_block(stmts, result)
        if isinstance(expr, gast.Tuple):
            expr = self._complete_items(expr, t)
        expr = DropDefaults(self.resolve).visit(expr)
        for st in stmts:
            st.value = DropDefaults(self.resolve).visit(st.value)
        for st in stmts:
            st.value = simplify(st.value)
            anno.set(st, "srcline", anno.required(s, "srcline"))
        return stmts, expr

    def _complete_items(self, expr, t):
        """A tuple tangent whose items a rule may leave None (no tangent: the sign
        of slogdet, the rank of lstsq): zeros shaped like ``t``'s items, since
        later statements read the items as values."""
        elts = []
        for k, e in enumerate(expr.elts):
            item = subscript(load(t), const(k))
            if isinstance(e, gast.Constant) and e.value is None:
                e = call(self.ref(runtime.zeros_like_value, "zeros_like_value"), [item])
            elif isinstance(e, gast.IfExp) and any(isinstance(b, gast.Constant) and b.value is None
                                                   for b in (e.body, e.orelse)):
                e = call(self.ref(runtime.complete_cotangent, "complete_cotangent"), [e, item])
            elts.append(e)
        return gast.Tuple(elts=elts, ctx=gast.Load())

    def _not_none(self, bind, renamed):
        """The names bound to a rule's parameters known not to be None: active values."""
        return {renamed.get(v.id, v.id) for v in bind.values()
                if isinstance(v, gast.Name) and self.active(v.id)}

    def varargs_rule(self, s, t, op, renamed, rule):
        """A rule ``f_jvp(ans, *args, d<args>)``: the tangents come as one tuple
        aligned with the positional arguments (None where a tangent is zero)."""
        var = next(p.name for p in inspect.signature(rule.jvp).parameters.values()
                   if p.kind == p.VAR_POSITIONAL)
        tans = [self.tangent_atom(a) for a in op.args]
        if all(is_zero(d) for d in tans):
            return [], zero(load(t))
        elts = [const(None) if is_zero(d) else self.folder.materialize(d) for d in tans]
        args = [load(t)] + [rename_expr(a, renamed) for a in op.args]
        kws = [gast.keyword(arg=k, value=rename_expr(v, renamed)) for k, v in op.keywords.items()]
        kws.append(gast.keyword(arg="d" + var, value=gast.Tuple(elts=elts, ctx=gast.Load())))
        return [], call(self.ref(rule.jvp, rule.jvp.__name__), args, kws)
