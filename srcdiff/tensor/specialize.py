"""Copies of a vjp rule that compute only the cotangents a node needs.

A rule returns the cotangents of all its arguments, e.g. for ``x ** 3`` the
cotangent of the exponent ``3`` (a log of the whole base). The Tensor shim
knows which arguments require grad, so it runs a copy of the rule whose
return tuple has ``None`` for the others, with the assignments only they
used removed. The rule's text is unchanged otherwise.
"""
import ast
import builtins
import inspect
import textwrap


_SPECIALIZED = {}


def _specialized_vjp(vjp, needed):
    key = (vjp, needed)
    try:
        return _SPECIALIZED[key]
    except KeyError:
        pass
    except TypeError:
        return vjp
    try:
        spec = _build_specialized(vjp, needed)
    except Exception:           # any failure: use the rule as written
        spec = None
    _SPECIALIZED[key] = spec = spec or vjp
    return spec


def _names_in(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _build_specialized(vjp, needed):
    code = getattr(vjp, "__code__", None)
    if code is None or code.co_freevars:
        return None
    lines, first = inspect.getsourcelines(vjp)
    tree = ast.parse(textwrap.dedent("".join(lines)))
    fdef = tree.body[0]
    if not isinstance(fdef, ast.FunctionDef):
        return None
    fdef.decorator_list = []
    returns = [n for n in ast.walk(fdef) if isinstance(n, ast.Return)]
    if not returns or not all(isinstance(r.value, ast.Tuple) for r in returns):
        return None
    changed = False
    for r in returns:
        for k, elt in enumerate(r.value.elts):
            if k not in needed and not (isinstance(elt, ast.Constant) and elt.value is None):
                r.value.elts[k] = ast.copy_location(ast.Constant(None), elt)
                changed = True
    if not changed:
        return None
    # drop straight-line assignments whose names are no longer read
    body = fdef.body
    if all(isinstance(s, (ast.Assign, ast.Return, ast.Expr)) for s in body):
        keep = []
        live = set()
        for stmt in reversed(body):
            if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
                if not any(t.id in live for t in stmt.targets):
                    continue
                for t in stmt.targets:
                    live.discard(t.id)
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue   # docstring
            live |= _names_in(stmt)
            keep.append(stmt)
        fdef.body = list(reversed(keep))
    ast.increment_lineno(tree, first - 1)
    filename = code.co_filename
    namespace = {}
    exec(builtins.compile(tree, filename, "exec"), vjp.__globals__, namespace)
    spec = namespace[fdef.name]
    spec.__defaults__ = vjp.__defaults__
    spec.__kwdefaults__ = vjp.__kwdefaults__
    spec.__qualname__ = vjp.__qualname__ + f"[needs {','.join(map(str, needed))}]"
    return spec
