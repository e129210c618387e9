"""Small builders and predicates over gast trees."""
import ast
import copy

import gast

from . import anno


def load(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def store(name):
    return gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)


def const(value):
    return gast.Constant(value=value, kind=None)


def assign(name, value, line=None):
    node = gast.Assign(targets=[store(name) if isinstance(name, str) else name],
                       value=value, type_comment=None)
    anno.set(node, "srcline", line)
    return node


def call(func, args=(), keywords=()):
    if isinstance(func, str):
        func = load(func)
    return gast.Call(func=func, args=list(args), keywords=list(keywords))


def kw(name, value):
    return gast.keyword(arg=name, value=value)


def attr(value, name):
    if isinstance(value, str):
        value = load(value)
    return gast.Attribute(value=value, attr=name, ctx=gast.Load())


def tuple_(elts, ctx=None):
    return gast.Tuple(elts=list(elts), ctx=ctx or gast.Load())


def subscript(value, index):
    return gast.Subscript(value=value, slice=index, ctx=gast.Load())


def binop(left, op, right):
    return gast.BinOp(left=left, op=op, right=right)


def comment(text, line=None):
    """A statement that codegen turns into a ``# text`` comment line."""
    node = gast.Expr(value=gast.Constant(value=COMMENT_TAG + text, kind=None))
    anno.set(node, "srcline", line)
    return node


COMMENT_TAG = "\x00srcdiff-comment\x00"


def is_comment(stmt):
    return (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant)
            and isinstance(stmt.value.value, str) and stmt.value.value.startswith(COMMENT_TAG))


def is_atom(node):
    return isinstance(node, (gast.Name, gast.Constant))


# (fields that hold no node: names, numbers, strings, flags; read by nothing
# walk gives. Constant.value holds the constant itself.)
_ATOM_FIELDS = {
    "Name": ("id", "type_comment"), "Constant": ("value", "kind"), "Attribute": ("attr",),
    "FunctionDef": ("name", "type_comment"), "AsyncFunctionDef": ("name", "type_comment"),
    "ClassDef": ("name",), "Assign": ("type_comment",), "For": ("type_comment",),
    "AsyncFor": ("type_comment",), "With": ("type_comment",), "AsyncWith": ("type_comment",),
    "AnnAssign": ("simple",), "ImportFrom": ("module", "level"), "alias": ("name", "asname"),
    "keyword": ("arg",), "comprehension": ("is_async",), "FormattedValue": ("conversion",),
    "TypeIgnore": ("lineno", "tag"), "MatchSingleton": ("value",), "MatchAs": ("name",),
    "MatchStar": ("name",), "MatchMapping": ("rest",), "arg": ("arg", "type_comment"),
}
# (fields that hold only a context or operators)
_LEAF_FIELDS = ("ctx", "op", "ops")
_CHILD_FIELDS = {}          # node class -> the fields that may hold nodes
_FIELDED_CHILD_FIELDS = {}  # node class -> those that may hold nodes with fields


def _child_fields(cls):
    atoms = _ATOM_FIELDS.get(cls.__name__, ())
    every = _CHILD_FIELDS[cls] = tuple(f for f in cls._fields if f not in atoms)
    _FIELDED_CHILD_FIELDS[cls] = tuple(f for f in every if f not in _LEAF_FIELDS)
    return every


def walk(node):
    """``gast.walk``: every node of a tree, in the same (breadth-first) order,
    reading from the nodes' dicts only the fields that may hold nodes (the
    queue is a list read as it grows). The one traversal of the package:
    passes that want the nodes in no particular order (sets, counts) use it too,
    it is as cheap as a depth-first stack."""
    AST = gast.AST
    table = _CHILD_FIELDS
    todo = [node]
    push = todo.append
    for n in todo:
        fields = table.get(n.__class__)
        if fields is None:
            fields = _child_fields(n.__class__)
        d = n.__dict__
        for field in fields:
            v = d.get(field)
            if v is None:
                continue
            if isinstance(v, list):
                for item in v:
                    if isinstance(item, AST):
                        push(item)
            elif isinstance(v, AST):
                push(v)
        yield n


# node classes with no fields: expression contexts and operators
_LEAVES = frozenset(c for c in vars(gast).values()
                    if isinstance(c, type) and issubclass(c, gast.AST) and not c._fields
                    and issubclass(c, (gast.expr_context, gast.operator, gast.boolop, gast.cmpop,
                                       gast.unaryop)))


def walk_fielded(node, skip=None):
    """The nodes ``walk`` gives, in the same order, but those that have no
    fields (the contexts ``Load``, ``Store``, ``Del`` and the operators: four
    in ten nodes of generated code), as a list made before the caller looks
    at any: for passes that look at names, calls, subscripts and statements,
    read a context or an operator only as a field of the node holding it, and
    change no node's children while they go. ``skip``: a class of nodes not
    walked into (``gast.FunctionDef``: a nested function's)."""
    AST, leaves = gast.AST, _LEAVES
    table = _FIELDED_CHILD_FIELDS
    todo = [node]
    push = todo.append
    for n in todo:
        fields = table.get(n.__class__)
        if fields is None:
            _child_fields(n.__class__)
            fields = table[n.__class__]
        d = n.__dict__
        for field in fields:
            v = d.get(field)
            if v is None:
                continue
            if isinstance(v, list):
                for item in v:
                    if isinstance(item, AST) and item.__class__ not in leaves \
                            and item.__class__ is not skip:
                        push(item)
            elif isinstance(v, AST) and v.__class__ not in leaves and v.__class__ is not skip:
                push(v)
    return todo


_BLOCKS = ("body", "orelse")


def own_nodes(st):
    """The nodes of statement ``st`` but those of the statements in its ``body``
    and ``orelse`` (a loop's or a branch's, which ``analysis.walk_stmts`` gives
    on their own); a nested function definition is walked whole."""
    if isinstance(st, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)) \
            or not any(getattr(st, f, None) for f in _BLOCKS):
        yield from walk(st)
        return
    yield st
    for field in st._fields:
        if field in _BLOCKS:
            continue
        v = getattr(st, field, None)
        for item in (v if isinstance(v, list) else [v]):
            if isinstance(item, gast.AST):
                yield from walk(item)


class Transformer(gast.NodeTransformer):
    """``gast.NodeTransformer`` with the same semantics, made cheaper: the
    visitor method of each node class is looked up once, and fields are read
    from the nodes' dicts. (A subclass with ``node_base = ast.AST`` is the same
    for trees of the standard library's nodes.)"""

    node_base = gast.AST

    def visit(self, node):
        methods = _VISITORS.get(self.__class__)
        if methods is None:
            methods = _VISITORS[self.__class__] = {}
        fn = methods.get(node.__class__)
        if fn is None:
            cls = self.__class__
            fn = methods[node.__class__] = getattr(cls, "visit_" + node.__class__.__name__,
                                                   cls.generic_visit)
        return fn(self, node)

    def generic_visit(self, node):
        AST = self.node_base
        d = node.__dict__
        for field in node._fields:
            old = d.get(field)
            if old is None:
                continue
            if isinstance(old, list):
                new_values = None       # (made when an item changes)
                for i, value in enumerate(old):
                    if isinstance(value, AST):
                        new = self.visit(value)
                        if new is value and new_values is None:
                            continue
                        if new_values is None:
                            new_values = old[:i]
                        if new is None:
                            continue
                        if not isinstance(new, AST):
                            new_values.extend(new)
                            continue
                        value = new
                    elif new_values is None:
                        continue
                    new_values.append(value)
                if new_values is not None:
                    old[:] = new_values
            elif isinstance(old, AST):
                new_node = self.visit(old)
                if new_node is None:
                    delattr(node, field)
                elif new_node is not old:
                    setattr(node, field, new_node)
        return node


_VISITORS = {}


def names_read(node):
    """Names a tree loads."""
    Name, Load = gast.Name, gast.Load
    return {n.id for n in walk_fielded(node) if n.__class__ is Name and n.ctx.__class__ is Load}


def names_stored(node):
    return {n.id for n in walk_fielded(node) if isinstance(n, gast.Name)
            and isinstance(n.ctx, (gast.Store, gast.Del))}


def clone(node):
    """A deep copy of a tree (or list of trees) and the notes on its nodes: what
    ``copy.deepcopy`` gives, made without its generic per-object protocol (the
    transforms copy millions of nodes). Anything but syntax nodes, lists, dicts
    and atoms is left to ``copy.deepcopy``."""
    return _clone(node, {})


_ATOMS = frozenset({str, int, float, bool, type(None), complex, bytes})


def _clone(x, memo):
    cls = x.__class__
    if cls in _ATOMS:
        return x
    done = memo.get(id(x))
    if done is not None:
        return done
    if isinstance(x, gast.AST):
        new = cls.__new__(cls)
        memo[id(x)] = new
        d = new.__dict__
        for k, v in x.__dict__.items():
            d[k] = v if v.__class__ in _ATOMS else _clone(v, memo)
        return new
    if cls is list:
        new = []
        memo[id(x)] = new
        new.extend([v if v.__class__ in _ATOMS else _clone(v, memo) for v in x])
        return new
    if cls is dict:
        new = {}
        memo[id(x)] = new
        for k, v in x.items():
            new[_clone(k, memo)] = _clone(v, memo)
        return new
    return copy.deepcopy(x, memo)


def rename(node, mapping):
    """Rename loaded names in place according to ``mapping`` (returns node)."""
    if not mapping:
        return node
    for n in walk(node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id in mapping:
            n.id = mapping[n.id]
    return node


def resolve_static(fs, node, local_names):
    """The object a Name/Attribute chain denotes, when it does not depend on
    the function's local variables; raises KeyError otherwise."""
    if isinstance(node, gast.Name):
        if node.id in local_names:
            raise KeyError(node.id)
        return fs.lookup(node.id)
    if isinstance(node, gast.Attribute):
        base = resolve_static(fs, node.value, local_names)
        try:
            return getattr(base, node.attr)
        except AttributeError:
            raise KeyError(node.attr) from None
    raise KeyError(type(node).__name__)


def converter(to_gast):
    """The function converting an ``ast`` tree to a ``gast`` one (``to_gast``)
    or back: gast's own, made cheaper (``fast_converter``) where gast's
    converters are those of ``gast.ast3``."""
    default = gast.ast_to_gast if to_gast else gast.gast_to_ast
    try:
        from gast import ast3
    except ImportError:
        return default
    if default.__module__ != "gast.ast3":
        return default
    base = ast3.Ast3ToGAst if to_gast else ast3.GAstToAst3
    return fast_converter(base, gast if to_gast else ast) or default


def fast_converter(base, target):
    """A converter between ``ast`` and ``gast`` trees: gast's own ``base``
    (``gast.ast3.GAstToAst3`` or ``Ast3ToGAst``: its methods for the nodes it
    rewrites) made cheaper: its generic path reads fields from the nodes' dicts
    and makes a node of the module ``target``'s class of the same name, and
    visitor methods are looked up once per class. None where ``base`` is not
    the converter this is written against."""
    if not hasattr(base, "_visit"):
        return None
    methods, targets, MISSING = {}, {}, object()
    AST = ast.AST

    class Converter(base):
        def visit(self, node):
            fn = methods.get(node.__class__)
            if fn is None:
                fn = methods[node.__class__] = getattr(
                    Converter, "visit_" + node.__class__.__name__, Converter.generic_visit)
            return fn(self, node)

        def _visit(self, node):
            if isinstance(node, AST):
                return self.visit(node)
            if isinstance(node, list):
                return [self._visit(n) for n in node]
            return node

        def generic_visit(self, node):
            src = node.__class__
            got = targets.get(src)
            if got is None:
                cls = getattr(target, src.__name__, None)
                # (the attributes a node of the class has when its dict lacks them)
                defaults = tuple((a, getattr(src, a, MISSING)) for a in src._attributes)
                got = targets[src] = (cls, defaults)
            cls, defaults = got
            if cls is None:
                return None     # (a node that is not part of the AST)
            d = node.__dict__
            fields = {}
            for field in src._fields:
                if field in d:
                    fields[field] = self._visit(d[field])
                elif hasattr(node, field):
                    fields[field] = self._visit(getattr(node, field))
            new_node = cls(**fields)
            for attr, default in defaults:
                if attr in d:
                    setattr(new_node, attr, d[attr])
                elif default is not MISSING:
                    setattr(new_node, attr, default)
            return new_node

    return lambda node: Converter().visit(node)
