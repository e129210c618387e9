"""The shrinker's candidates: smaller variants of a program (unused parameters
dropped, statements deleted, compound statements unwrapped, expressions simplified)."""
from __future__ import annotations

import ast
import copy


def _children_paths(node, path=()):
    for field, value in ast.iter_fields(node):
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, ast.AST):
                    p = path + ((field, i),)
                    yield p, item
                    yield from _children_paths(item, p)
        elif isinstance(value, ast.AST):
            p = path + ((field, None),)
            yield p, value
            yield from _children_paths(value, p)


def _get(root, path):
    node = root
    for field, i in path:
        node = getattr(node, field) if i is None else getattr(node, field)[i]
    return node


def _set(root, path, new):
    parent = _get(root, path[:-1])
    field, i = path[-1]
    if i is None:
        setattr(parent, field, new)
    else:
        lst = getattr(parent, field)
        if isinstance(new, list):
            lst[i:i + 1] = new
        else:
            lst[i] = new


def _stmt_lists(tree):
    """Paths of statements that sit in statement lists (imports excluded)."""
    for path, node in _children_paths(tree):
        if isinstance(node, ast.stmt) and path[-1][1] is not None \
                and not isinstance(node, (ast.Import, ast.ImportFrom)):
            yield path, node


def _simpler_exprs(node):
    """Candidate replacements for an expression node, simplest first."""
    out = []
    if isinstance(node, ast.BinOp):
        out += [node.left, node.right]
    elif isinstance(node, ast.UnaryOp):
        out.append(node.operand)
    elif isinstance(node, ast.IfExp):
        out += [node.body, node.orelse]
    elif isinstance(node, ast.Call):
        out += [a for a in node.args if not isinstance(a, ast.Starred)]
        if isinstance(node.func, ast.Attribute) and not (isinstance(node.func.value, ast.Name)
                                                         and node.func.value.id in ("np", "math")):
            out.append(node.func.value)
        if node.keywords:
            c = copy.deepcopy(node)
            c.keywords = c.keywords[:-1]
            out.append(c)
    elif isinstance(node, ast.BoolOp):
        out += list(node.values)
    elif isinstance(node, ast.Subscript):
        out.append(node.value)
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        out.append(node.value)
    elif isinstance(node, ast.Constant) and isinstance(node.value, float):
        for c in (1.0, 0.5, round(node.value, 1)):
            if c != node.value and c != 0:
                out.append(ast.Constant(c))
    elif isinstance(node, ast.Constant) and isinstance(node.value, int) \
            and not isinstance(node.value, bool):
        for c in (0, 1, node.value - 1, node.value // 2):
            if 0 <= c < node.value:
                out.append(ast.Constant(c))
    return out


def _main_def(tree, fname):
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == fname:
            return node
    return None


def _remap_wrt(wrt, k, name):
    """``wrt`` after parameter k (called name) is removed; None if it names k."""
    def one(w):
        if isinstance(w, str):
            return None if w == name else w
        if w == k:
            return None
        return w - 1 if w > k else w
    if isinstance(wrt, (tuple, list)):
        out = tuple(w for w in (one(w) for w in wrt) if w is not None)
        return out or None
    return one(wrt)


def candidates(tree, args, wrt, fname):
    """Smaller variants of a program, biggest reductions first: a list of thunks,
    each returning (tree, args, wrt)."""
    out = []

    def later(fn):
        out.append(fn)

    # 0. drop unused parameters of the differentiated function
    fdef = _main_def(tree, fname)
    if fdef is not None:
        used = {n.id for n in ast.walk(fdef) if isinstance(n, ast.Name)}
        for k, a in enumerate(fdef.args.args):
            if a.arg not in used and k < len(args):
                new_wrt = _remap_wrt(wrt, k, a.arg)
                if new_wrt is None or new_wrt == ():
                    continue

                def drop(k=k, new_wrt=new_wrt):
                    t = copy.deepcopy(tree)
                    del _main_def(t, fname).args.args[k]
                    return t, tuple(args[:k]) + tuple(args[k + 1:]), new_wrt
                later(drop)
    # 1. delete statements (whole helpers first)
    stmts = list(_stmt_lists(tree))
    for path, node in sorted(stmts, key=lambda pn: len(pn[0])):
        if isinstance(node, ast.Pass):
            continue

        def delete(path=path):
            t = copy.deepcopy(tree)
            parent = _get(t, path[:-1])
            field, i = path[-1]
            lst = getattr(parent, field)
            if len(lst) == 1:
                lst[0] = ast.Pass()
            else:
                del lst[i]
            return t, args, wrt
        later(delete)
    # 2. unwrap compound statements, drop else branches
    for path, node in stmts:
        if isinstance(node, (ast.If, ast.For, ast.While)):
            pre = []
            if isinstance(node, ast.For) and isinstance(node.target, ast.Name):
                it = node.iter
                if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) \
                        and it.func.id == "range":
                    pre = [ast.Assign(targets=[node.target], value=ast.Constant(0))]
                else:
                    pre = [ast.Assign(targets=[node.target], value=ast.Subscript(
                        value=it, slice=ast.Constant(0), ctx=ast.Load()))]
            for body in (node.body, node.orelse):
                if body:
                    def unwrap(path=path, body=body, pre=pre):
                        t = copy.deepcopy(tree)
                        _set(t, path, copy.deepcopy(pre + body))
                        return t, args, wrt
                    later(unwrap)
            if node.orelse:
                def drop_else(path=path):
                    t = copy.deepcopy(tree)
                    _get(t, path).orelse = []
                    return t, args, wrt
                later(drop_else)
    # 3. simpler expressions (and smaller constants, loop counts)
    for path, node in list(_children_paths(tree)):
        if isinstance(node, ast.expr) and not isinstance(getattr(node, "ctx", None), ast.Store):
            for rep in _simpler_exprs(node):
                def simplify(path=path, rep=rep):
                    t = copy.deepcopy(tree)
                    _set(t, path, copy.deepcopy(rep))
                    return t, args, wrt
                later(simplify)
    return out
