"""Turning a rule (a plain Python function) into statements with the right names.

A rule's body is parsed once. Instantiating it substitutes the call's
operands for the rule's parameters, renames the rule's local variables to
fresh names, and maps the names the rule reads from its own module (``np``,
``unbroadcast``) to names the generated code can see.
"""
import inspect
import textwrap

import gast

from .errors import SrcdiffError
from .syntax import load, const, clone, assign

__all__ = ["Template", "template", "HelperEnv"]

_CACHE = {}

_LITERALS = (type(None), bool, int, float, complex, str)


class Template:
    def __init__(self, fn):
        self.fn = fn
        sig = inspect.signature(fn)
        self.params = [p.name for p in sig.parameters.values()
                       if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        self.kwonly = [p.name for p in sig.parameters.values() if p.kind == p.KEYWORD_ONLY]
        self.varargs = any(p.kind == p.VAR_POSITIONAL for p in sig.parameters.values())
        self.varkw = any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values())
        self.defaults = {p.name: p.default for p in sig.parameters.values()
                         if p.default is not p.empty}
        self.globals = fn.__globals__
        self.body, self.result, self.inlinable = [], None, False
        try:
            src = textwrap.dedent(inspect.getsource(fn))
            node = gast.parse(src).body[0]
        except (OSError, TypeError, SyntaxError, IndexError):
            return
        if not isinstance(node, gast.FunctionDef) or self.varargs or self.varkw:
            return
        body = [s for s in node.body
                if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))]
        if not body or not isinstance(body[-1], gast.Return) or body[-1].value is None:
            return
        for s in body[:-1]:
            if not (isinstance(s, gast.Assign) and len(s.targets) == 1
                    and isinstance(s.targets[0], gast.Name)):
                return
        if any(isinstance(n, (gast.Lambda, gast.ListComp, gast.GeneratorExp, gast.DictComp,
                              gast.SetComp, gast.NamedExpr)) for s in body for n in gast.walk(s)):
            return
        for p in self.params + self.kwonly:
            d = self.defaults.get(p, None)
            if p in self.defaults and not isinstance(d, _LITERALS):
                return
        if _conditional_tuple(body[-1].value):
            # ``a if c else (a, b)``: one expression to the inliner, a tuple at run
            # time; called instead (its result normalised where it runs)
            return
        self.body = body[:-1]
        self.result = body[-1].value
        self.locals = {s.targets[0].id for s in self.body}
        self.inlinable = True

    def results(self):
        """The per-argument result expressions (a tuple rule gives several; the
        forward rule of a function with several outputs returns their tangents
        as one tuple, see ``whole_result``)."""
        if isinstance(self.result, gast.Tuple):
            return list(self.result.elts)
        return [self.result]


def _conditional_tuple(e):
    """Is ``e`` a conditional expression one of whose branches is a tuple?"""
    if isinstance(e, gast.IfExp):
        return any(isinstance(b, gast.Tuple) or _conditional_tuple(b) for b in (e.body, e.orelse))
    return False


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
        if scope.get(name) is obj and name not in self.closure:
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


def instantiate(tpl, bindings, names, env, hint="t"):
    """Substitute ``bindings`` (param -> expression) into the template.

    Returns (statements, result expressions). Parameters not bound take their
    default value.
    """
    if not tpl.inlinable:
        raise SrcdiffError(f"rule {tpl.fn.__qualname__} cannot be inlined")
    subst = {}
    for p in tpl.params + tpl.kwonly:
        if p in bindings:
            subst[p] = bindings[p]
        elif p in tpl.defaults:
            subst[p] = const(tpl.defaults[p])
        else:
            raise SrcdiffError(f"rule {tpl.fn.__qualname__}: no value for parameter {p!r}")
    local_map = {}
    for loc_name in sorted(tpl.locals):
        local_map[loc_name] = names.fresh(f"{hint}_{loc_name}")

    def rewrite(node):
        node = clone(node)
        return _Rewriter(subst, local_map, tpl.globals, env).visit(node)

    stmts = []
    for s in tpl.body:
        target = local_map[s.targets[0].id]
        stmts.append(assign(target, rewrite(s.value)))
    return stmts, [rewrite(r) for r in tpl.results()]


class _Rewriter(gast.NodeTransformer):
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
