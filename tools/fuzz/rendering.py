"""A shrunk syntax tree back to source, or None when it is no valid candidate
(does not compile, reads unbound names, loops zero times, makes empty arrays)."""
from __future__ import annotations

import ast
import re
import warnings


def _undefined_names(tree):
    """Names read somewhere but bound nowhere (a cheap pyflakes)."""
    import builtins
    bound = set(dir(builtins))
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            bound.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.ClassDef)):
            bound.add(n.name)
        elif isinstance(n, ast.arg):
            bound.add(n.arg)
        elif isinstance(n, ast.alias):
            bound.add((n.asname or n.name).split(".")[0])
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load) and n.id not in bound}


class _DropPass(ast.NodeTransformer):
    """Leaves out ``pass`` statements that are not alone in their block."""

    def generic_visit(self, node):
        super().generic_visit(node)
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and len(stmts) > 1 and isinstance(stmts[0], ast.stmt):
                kept = [st for st in stmts if not isinstance(st, ast.Pass)]
                setattr(node, field, kept or stmts[:1])
        return node


_SHAPED = {"zeros": 0, "ones": 0, "empty": 0, "full": 0, "linspace": 2, "reshape": None,
           "broadcast_to": 1}


def _degenerate(tree):
    """Does the program make zero-size arrays (np.zeros(0), np.linspace(a, b, 0),
    .reshape(0, 3), x[2:2])?  Writes into those can never show through an alias, so
    shrinking to them would make every aliasing check pass vacuously."""
    def zero(node):
        return isinstance(node, ast.Constant) and node.value == 0 \
            and not isinstance(node.value, bool) or isinstance(node, ast.Tuple) \
            and any(zero(e) for e in node.elts)
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) \
                and n.func.attr in _SHAPED:
            k = _SHAPED[n.func.attr]
            shape_args = n.args if k is None else n.args[k:k + 1]
            if any(zero(a) for a in shape_args):
                return True
        if isinstance(n, ast.Slice) and n.step is None and n.lower is not None \
                and n.upper is not None and ast.dump(n.lower) == ast.dump(n.upper):
            return True
        if isinstance(n, ast.Slice) and isinstance(n.upper, ast.Constant) and n.upper.value == 0:
            return True
    return False


def _render(tree):
    tree = _DropPass().visit(tree)
    try:
        text = ast.unparse(ast.fix_missing_locations(tree))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(text, "<shrink>", "exec")
    except Exception:  # noqa: BLE001
        return None
    if _undefined_names(tree) or re.search(r"range\(0\)|range\((\w+), \1\)", text) \
            or _degenerate(tree):
        return None
    return text + "\n"
