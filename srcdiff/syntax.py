"""Small builders and predicates over gast trees."""
import copy

import gast


def load(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def store(name):
    return gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)


def const(value):
    return gast.Constant(value=value, kind=None)


def assign(name, value, line=None):
    node = gast.Assign(targets=[store(name) if isinstance(name, str) else name],
                       value=value, type_comment=None)
    node.srcline = line
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
    node.srcline = line
    return node


COMMENT_TAG = "\x00srcdiff-comment\x00"


def is_comment(stmt):
    return (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant)
            and isinstance(stmt.value.value, str) and stmt.value.value.startswith(COMMENT_TAG))


def is_atom(node):
    return isinstance(node, (gast.Name, gast.Constant))


def names_read(node):
    """Names a tree loads."""
    return {n.id for n in gast.walk(node) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Load)}


def names_stored(node):
    return {n.id for n in gast.walk(node) if isinstance(n, gast.Name)
            and isinstance(n.ctx, (gast.Store, gast.Del))}


def clone(node):
    return copy.deepcopy(node)


def rename(node, mapping):
    """Rename loaded names in place according to ``mapping`` (returns node)."""
    if not mapping:
        return node
    for n in gast.walk(node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id in mapping:
            n.id = mapping[n.id]
    return node
