"""Turning a rule (a plain Python function) into statements with the right names.

A rule's body is parsed once. Instantiating it substitutes the call's
operands for the rule's parameters, renames the rule's local variables to
fresh names, and maps the names the rule reads from its own module (``np``,
``unbroadcast``) to names the generated code can see.
"""
import inspect
import textwrap

import gast

from ..errors import SrcdiffError
from .syntax import Transformer, load, store, const, clone, assign, walk, walk_fielded
from .syntax import _ATOMS, _clone

__all__ = ["Template", "template", "HelperEnv", "instantiate", "result_parts", "returns_tuple"]

_CACHE = {}

_LITERALS = (type(None), bool, int, float, complex, str)


class Template:
    """A rule parsed for inlining. Inlinable: a body of assignments (to a name or
    a tuple of names) and one ``return``, no lambdas or comprehensions, literal
    defaults (tuples of literals too), a ``**kwargs`` the body does not read
    (the call's other keywords do not change the derivative) and a ``*args``
    the call's extra positional arguments fill as a tuple.

    ``result``: the returned expression. A VJP rule returns one cotangent per
    positional parameter as a tuple literal (or a conditional expression between
    tuple literals), or a single expression: the cotangent of the first
    parameter; a rule with ``*args`` returns the tuple of all the call's
    positional arguments' cotangents as one expression (``packed``).
    """

    def __init__(self, fn):
        self.fn = fn
        sig = inspect.signature(fn)
        kinds = {p.kind: p.name for p in sig.parameters.values()}
        self.params = [p.name for p in sig.parameters.values()
                       if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        self.kwonly = [p.name for p in sig.parameters.values() if p.kind == p.KEYWORD_ONLY]
        self.varargs = kinds.get(inspect.Parameter.VAR_POSITIONAL)
        self.varkw = kinds.get(inspect.Parameter.VAR_KEYWORD)
        self.packed = self.varargs is not None
        self.defaults = {p.name: p.default for p in sig.parameters.values()
                         if p.default is not p.empty}
        self.globals = fn.__globals__
        self.body, self.result, self.inlinable = [], None, False
        self.returns = []
        try:
            src = textwrap.dedent(inspect.getsource(fn))
            node = gast.parse(src).body[0]
        except (OSError, TypeError, SyntaxError, IndexError):
            return
        if not isinstance(node, gast.FunctionDef):
            return
        self.returns = [n.value for n in walk(node) if isinstance(n, gast.Return)]
        body = [s for s in node.body
                if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))]
        if not body or not isinstance(body[-1], gast.Return) or body[-1].value is None:
            return
        if self.varkw is not None and any(isinstance(n, gast.Name) and n.id == self.varkw
                                          for s in body for n in walk(s)):
            return
        lowered = []
        for s in body[:-1]:
            if not (isinstance(s, gast.Assign) and len(s.targets) == 1):
                return
            target = s.targets[0]
            if isinstance(target, gast.Name):
                lowered.append(s)
            elif isinstance(target, gast.Tuple) and all(isinstance(e, gast.Name)
                                                        for e in target.elts):
                lowered += _unpacked(target, s.value)
            else:
                return
        if any(isinstance(n, (gast.Lambda, gast.ListComp, gast.GeneratorExp, gast.DictComp,
                              gast.SetComp, gast.NamedExpr)) for s in body for n in walk(s)):
            return
        for p in self.params + self.kwonly:
            if p in self.defaults and not _literal(self.defaults[p]):
                return
        self.body = lowered
        self.result = body[-1].value
        self.locals = {s.targets[0].id for s in self.body}
        self.item_only = _item_only(self.locals, self.body, self.result)
        self.inlinable = True


def _item_only(locals_, body, result):
    """The locals read only as ``name[k]`` (a literal k, each k once): a tuple
    such a local gets at instantiation is split into its items."""
    seen, whole = {}, set()
    for node in [s.value for s in body] + [result]:
        items = set()
        for n in walk(node):
            if isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name) \
                    and isinstance(n.slice, gast.Constant) and type(n.slice.value) is int:
                items.add(id(n.value))
                seen.setdefault(n.value.id, []).append(n.slice.value)
        for n in walk(node):
            if isinstance(n, gast.Name) and n.id in locals_ and id(n) not in items:
                whole.add(n.id)
    return {name for name, ks in seen.items()
            if name in locals_ and name not in whole and len(ks) == len(set(ks))}


def _literal(value):
    if isinstance(value, tuple):
        return all(_literal(v) for v in value)
    return isinstance(value, _LITERALS)


def literal_expr(value):
    """The expression of a literal default (a tuple of literals as a tuple)."""
    if isinstance(value, tuple):
        return gast.Tuple(elts=[literal_expr(v) for v in value], ctx=gast.Load())
    return const(value)


def _unpacked(target, value):
    """``a, b = e`` as ``a_b = e; a = a_b[0]; b = a_b[1]`` (the body is then
    assignments to names, whose unused ones instantiation drops)."""
    whole = "_".join(e.id for e in target.elts)
    out = [gast.Assign(targets=[store(whole)], value=value, type_comment=None)]
    for k, e in enumerate(target.elts):
        out.append(gast.Assign(targets=[store(e.id)],
                               value=gast.Subscript(value=load(whole), slice=const(k),
                                                    ctx=gast.Load()),
                               type_comment=None))
    return out


def result_parts(tpl, result, n):
    """The cotangent expressions of the first ``n`` positional arguments in an
    instantiated VJP ``result`` (``None`` constants where a rule gives none).
    Not for ``packed`` rules (their result is subscripted where it is bound)."""
    if isinstance(result, gast.Tuple):
        return [result.elts[k] if k < len(result.elts) else const(None) for k in range(n)]
    if isinstance(result, gast.IfExp):
        body, orelse = result_parts(tpl, result.body, n), result_parts(tpl, result.orelse, n)
        return [b if _same(b, o) else
                gast.IfExp(test=clone(result.test), body=b, orelse=o)
                for b, o in zip(body, orelse)]
    if n > 1:
        _check_single_results(tpl)
    return [result] + [const(None)] * (n - 1)


def _check_single_results(tpl):
    """A single returned value is the first parameter's cotangent. A rule that
    returns another rule's tuple of cotangents as one call (``return
    other_rule(g, ans, a, b)``) would give the whole tuple to the first
    parameter and nothing to the others: refuse it (the rule must unpack it)."""
    for b in _returned_branches(tpl):
        callee = _resolve(b.func, tpl.globals) if isinstance(b, gast.Call) else None
        if (hasattr(callee, "srcdiff_vjp_of") and callee is not tpl.fn
                and _result_kind(template(callee))[0] is True):
            raise SrcdiffError(
                f"the rule {tpl.fn.__module__}.{tpl.fn.__qualname__} returns the tuple of "
                f"cotangents {callee.__qualname__} gives as one value (the first argument's "
                "cotangent): unpack it into a tuple literal")


def _returned_branches(tpl):
    """Each expression a ``return`` of the rule may give (the branches of its
    conditional expressions)."""
    for r in tpl.returns:
        while isinstance(r, gast.IfExp):
            yield r.body
            r = r.orelse
        yield r


def _resolve(node, namespace):
    """The object a name or a dotted name refers to in ``namespace`` (None if unknown)."""
    if isinstance(node, gast.Name):
        return namespace.get(node.id)
    if isinstance(node, gast.Attribute):
        return getattr(_resolve(node.value, namespace), node.attr, None)
    return None


def _same(a, b):
    return isinstance(a, gast.Constant) and isinstance(b, gast.Constant) \
        and a.value is None and b.value is None


def returns_tuple(tpl):
    """For a rule that is called (not inlined): (True, n) when every ``return``
    gives a tuple (n: the fewest cotangents one gives), (False, 1) when every one
    gives a single value (the first parameter's cotangent), (None, 0) when they
    differ."""
    kind = _result_kind(tpl)
    if kind[0] is False:
        _check_single_results(tpl)
    return kind


def _result_kind(tpl):
    """(True, n) when every ``return`` gives a tuple (n: the fewest cotangents one
    gives; inf for a packed rule), (False, 1) when every one gives a single value,
    (None, 0) when they differ."""
    if tpl.packed:
        return True, float("inf")
    kinds, length = set(), float("inf")
    for b in _returned_branches(tpl):
        kinds.add(isinstance(b, gast.Tuple))
        if isinstance(b, gast.Tuple):
            length = min(length, len(b.elts))
    if len(kinds) != 1:
        return None, 0
    return (True, length) if kinds.pop() else (False, 1)


def template(fn):
    t = _CACHE.get(fn)
    if t is None:
        t = _CACHE[fn] = Template(fn)
    return t


class HelperEnv:
    """The names generated code uses for objects that are not the user's own.

    A helper is referred to by its natural name (``np``, ``unbroadcast``)
    unless that name means something else in the user's function, in which
    case a fresh name is used.
    """

    def __init__(self, names, user_globals, closure=None):
        self.names = names            # the function's NameGen
        self.user_globals = user_globals
        self.closure = closure or {}
        self.objects = {}             # name -> object bound as a closure variable
        self.by_id = {}

    def name_for(self, obj, preferred, avoid=()):
        """The generated code's name for ``obj`` (not one in ``avoid``: names the
        function binds locally, which would shadow it)."""
        key = id(obj)
        if key in self.by_id and self.by_id[key] not in avoid:
            return self.by_id[key]
        scope = dict(self.user_globals)
        scope.update(self.closure)
        name = preferred
        if name in avoid:
            name = self.names.fresh(preferred)
            self.names.reserve(name)
            self.objects[name] = obj
            return name
        if name in self.objects and self.objects[name] is not obj:
            name = self.names.fresh(preferred)
        elif name in self.names.taken and name not in self.objects \
                and not (name in scope and scope[name] is obj):
            name = self.names.fresh(preferred)
        if name in scope and scope[name] is obj and name not in self.closure:
            # the user's module already binds this name to the same object
            self.by_id[key] = name
            return name
        self.names.reserve(name)
        self.objects[name] = obj
        self.by_id[key] = name
        return name

    def ref(self, obj, preferred):
        return load(self.name_for(obj, preferred))


def _module_alias(obj):
    import types
    if isinstance(obj, types.ModuleType):
        return {"numpy": "np"}.get(obj.__name__, obj.__name__.split(".")[-1])
    return None


def instantiate(tpl, bindings, names, env, hint="t", not_none=()):
    """Substitute ``bindings`` (param -> expression) into the template.

    Returns (statements, result expression). Parameters not bound take their
    default value; ``*args`` is bound by the caller (a tuple of the call's extra
    positional arguments). Tests that become constant (``axis is None`` where
    ``axis`` is a literal, or a name in ``not_none``) are folded, and locals
    that fold to a constant are substituted.
    """
    if not tpl.inlinable:
        raise SrcdiffError(f"rule {tpl.fn.__qualname__} cannot be inlined")
    subst = {}
    for p in tpl.params + tpl.kwonly + ([tpl.varargs] if tpl.varargs else []):
        if p in bindings:
            subst[p] = bindings[p]
        elif p in tpl.defaults:
            subst[p] = literal_expr(tpl.defaults[p])
        else:
            raise SrcdiffError(f"rule {tpl.fn.__qualname__}: no value for parameter {p!r}")
    local_map = {}
    for loc_name in sorted(tpl.locals):
        local_map[loc_name] = names.fresh(f"{hint}_{loc_name}")
    not_none = set(not_none)

    def rewrite(node):
        node = _substituted(node, _Rewriter(subst, local_map, tpl.globals, env), {})
        return fold_tests(node, not_none)

    stmts = []
    for s in tpl.body:
        value = rewrite(s.value)
        name = s.targets[0].id
        once = sum(st.targets[0].id == name for st in tpl.body) == 1
        if once and (isinstance(value, (gast.Constant, gast.Name)) or _constant_tuple(value)
                     or isinstance(value, gast.Tuple) and name in tpl.item_only):
            subst[name] = value        # a constant, another name, or a tuple read by items
            continue
        stmts.append(assign(local_map[name], value))
        subst.pop(name, None)     # a parameter the rule rebinds: later reads see the new value
    return stmts, rewrite(tpl.result)


def _constant_tuple(node):
    return isinstance(node, gast.Tuple) and all(
        isinstance(e, gast.Constant) or _constant_tuple(e) for e in node.elts)


def _substituted(node, rewriter, memo):
    """``rewriter.visit(clone(node))`` made in one pass: a copy of the rule's
    tree whose names ``rewriter.visit_Name`` replaces, the names met in the
    same order (fields in their order, items of a list in theirs)."""
    cls = node.__class__
    if cls is gast.Name:
        return rewriter.visit_Name(_clone(node, memo))
    new = cls.__new__(cls)
    memo[id(node)] = new
    d = new.__dict__
    src = node.__dict__
    fields = cls._fields
    AST = gast.AST
    for k, v in src.items():    # (the keys in their order; fields filled below)
        d[k] = None if k in fields else v if v.__class__ in _ATOMS else _clone(v, memo)
    for k in fields:
        if k not in src:
            continue
        v = src[k]
        if isinstance(v, AST):
            d[k] = _substituted(v, rewriter, memo)
        elif v.__class__ is list:
            d[k] = [_substituted(x, rewriter, memo) if isinstance(x, AST)
                    else x if x.__class__ in _ATOMS else _clone(x, memo) for x in v]
        else:
            d[k] = v if v.__class__ in _ATOMS else _clone(v, memo)
    return new


class _Rewriter(Transformer):
    def __init__(self, subst, local_map, rule_globals, env):
        self.subst, self.local_map, self.rule_globals, self.env = subst, local_map, rule_globals, env

    def visit_Name(self, node):
        if node.id in self.subst:
            return clone(self.subst[node.id])
        if node.id in self.local_map:
            return load(self.local_map[node.id])
        obj = self.rule_globals.get(node.id, None)
        if obj is None and node.id not in self.rule_globals:
            import builtins
            if hasattr(builtins, node.id):
                return node
            raise SrcdiffError(f"rule refers to unknown name {node.id!r}")
        return self.env.ref(obj, _module_alias(obj) or node.id)


_COMPARE = {gast.Is: lambda a, b: a is b, gast.IsNot: lambda a, b: a is not b,
            gast.Eq: lambda a, b: a == b, gast.NotEq: lambda a, b: a != b,
            gast.Lt: lambda a, b: a < b, gast.LtE: lambda a, b: a <= b,
            gast.Gt: lambda a, b: a > b, gast.GtE: lambda a, b: a >= b}


class _TestFolder(Transformer):
    """Folds the tests of an instantiated rule that its bindings decide."""

    def __init__(self, not_none):
        self.not_none = not_none

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        v = node.operand
        if isinstance(v, gast.Constant):
            if isinstance(node.op, gast.Not):
                return const(not v.value)
            if isinstance(node.op, gast.USub) and type(v.value) in (int, float):
                return const(-v.value)
        return node

    def _known(self, node):
        """(True, value) for a constant; (True, _NOT_NONE) for a value known not None."""
        if isinstance(node, gast.Constant):
            return True, node.value
        if isinstance(node, gast.Tuple) or (isinstance(node, gast.Name)
                                            and node.id in self.not_none):
            return True, _NOT_NONE
        return False, None

    def visit_Compare(self, node):
        self.generic_visit(node)
        if len(node.ops) != 1 or type(node.ops[0]) not in _COMPARE:
            return node
        (ka, a), (kb, b) = self._known(node.left), self._known(node.comparators[0])
        if not (ka and kb):
            return node
        if a is _NOT_NONE or b is _NOT_NONE:
            if not isinstance(node.ops[0], (gast.Is, gast.IsNot)) or None not in (a, b):
                return node
        try:
            return const(bool(_COMPARE[type(node.ops[0])](a, b)))
        except TypeError:
            return node

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        stop = isinstance(node.op, gast.Or)     # the value that decides an or / an and
        rest = []
        for v in node.values:
            if isinstance(v, gast.Constant):
                if bool(v.value) == stop:
                    return const(stop) if not rest else node
                continue        # a constant that does not decide: dropped
            rest.append(v)
        if not rest:
            return const(not stop)
        return rest[0] if len(rest) == 1 else gast.BoolOp(op=node.op, values=rest)

    def visit_IfExp(self, node):
        self.generic_visit(node)
        if isinstance(node.test, gast.Constant):
            return node.body if node.test.value else node.orelse
        return node

    def visit_BinOp(self, node):
        """``False | mask`` -> ``mask``; ``True & mask`` -> ``mask`` (a bound absent)."""
        self.generic_visit(node)
        unit = {gast.BitOr: False, gast.BitAnd: True}.get(type(node.op))
        for a, b in ((node.left, node.right), (node.right, node.left)):
            if unit is not None and isinstance(a, gast.Constant) and a.value is unit:
                return b
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, gast.Name) and node.func.id == "len" and len(node.args) == 1 \
                and isinstance(node.args[0], gast.Tuple) and not node.keywords \
                and not any(isinstance(e, gast.Starred) for e in node.args[0].elts):
            return const(len(node.args[0].elts))
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if isinstance(node.value, gast.Tuple) and isinstance(node.slice, gast.Constant) \
                and type(node.slice.value) is int \
                and -len(node.value.elts) <= node.slice.value < len(node.value.elts):
            return node.value.elts[node.slice.value]
        return node


_NOT_NONE = object()


def fold_tests(node, not_none=()):
    if not _foldable(node):
        return node
    return _TestFolder(set(not_none)).visit(node)


def _foldable(node):
    """Does the tree hold anything ``_TestFolder`` may change (a test, an
    ``if`` expression, a unary operation, a ``|`` or ``&``, ``len(...)``, an
    item of a tuple)? Else folding it is the tree as it is."""
    for n in walk_fielded(node):
        cls = n.__class__
        if cls in _FOLDED or cls is gast.BinOp and n.op.__class__ in (gast.BitOr, gast.BitAnd) \
                or cls is gast.Call and n.func.__class__ is gast.Name and n.func.id == "len" \
                or cls is gast.Subscript and n.value.__class__ is gast.Tuple:
            return True
    return False


_FOLDED = {gast.UnaryOp, gast.Compare, gast.BoolOp, gast.IfExp}
