"""Aliasing: programs whose value depends on NumPy's in-place semantics, found by
comparing the program with its copy-on-write variant. They are still checked:
srcdiff may refuse them (that is right), but a number it returns must be the
derivative of what Python computes."""
from __future__ import annotations

import ast
import copy
import warnings

import numpy as np

from tools.fuzz.loader import load_module
from tools.fuzz.timeouts import _Timeout
from tools.fuzz.values import _is_float_arg, deep_copy, flatten, unflatten


_MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"}


COW_HELPER = """
def _cow_(x):
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, list):
        return [_cow_(v) for v in x]
    if isinstance(x, tuple):
        return tuple(_cow_(v) for v in x)
    if isinstance(x, dict):
        return {k: _cow_(v) for k, v in x.items()}
    return x
"""


def _store_base(target):
    """The name at the root of a subscript store target (``A`` of ``A[i][j]``)."""
    node = target
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) and node is not target else None


def _cow(name):
    return ast.Assign(targets=[ast.Name(name, ast.Store())],
                      value=ast.Call(ast.Name("_cow_", ast.Load()),
                                     [ast.Name(name, ast.Load())], []))


def _subscript_targets(targets):
    for t in targets:
        if isinstance(t, (ast.Tuple, ast.List)):
            yield from _subscript_targets(t.elts)
        elif isinstance(t, ast.Starred):
            yield from _subscript_targets([t.value])
        elif isinstance(t, (ast.Subscript, ast.Attribute)):
            yield t


def _out_of_place_stmt(node, local=lambda name: True):
    """(statements to run before, replacement) for one statement; only a base that
    is ``local`` to the function is copied (a closure writing into a list it reads
    from its enclosing function, ``acc[0] = ...``, writes the shared list in both
    variants: rebinding ``acc`` would make it a local)."""
    pre = []
    bases = []
    if isinstance(node, ast.AugAssign):
        if isinstance(node.target, ast.Name):
            node = ast.Assign(targets=[node.target],
                              value=ast.BinOp(ast.Name(node.target.id, ast.Load()), node.op,
                                              node.value))
        else:
            load = copy.deepcopy(node.target)
            for n in ast.walk(load):
                if hasattr(n, "ctx"):
                    n.ctx = ast.Load()
            bases.append(_store_base(node.target))
            node = ast.Assign(targets=[node.target], value=ast.BinOp(load, node.op, node.value))
    elif isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        bases += [_store_base(t) for t in _subscript_targets(targets)]
    # in-place list mutations (L.append(...), L.pop()) in the statement itself
    heads = [node] if not isinstance(node, (ast.If, ast.While, ast.For)) else \
        [getattr(node, "test", None) or node.iter]
    for h in heads:
        for n in ast.walk(h):
            if isinstance(n, (ast.Lambda, ast.FunctionDef)):
                break
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) \
                    and n.func.attr in _MUTATORS and isinstance(n.func.value, ast.Name) \
                    and n.func.value.id not in ("np", "math"):
                bases.append(n.func.value.id)
    for b in dict.fromkeys(bases):
        if b is not None and local(b):
            pre.append(_cow(b))
    return pre, node


def _local_names(fn):
    """Names a function binds itself (parameters and stores outside nested defs)."""
    names = {a.arg for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs}
    stack = list(fn.body)
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.FunctionDef, ast.Lambda)):
            if isinstance(n, ast.FunctionDef):
                names.add(n.name)
            continue
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
        stack.extend(ast.iter_child_nodes(n))
    return names


class _OutOfPlace(ast.NodeTransformer):
    def __init__(self):
        self.locals = [None]          # None: module level (every name may be copied)

    def visit_FunctionDef(self, node):
        self.locals.append(_local_names(node))
        try:
            return self.generic_visit(node)
        finally:
            self.locals.pop()

    def generic_visit(self, node):
        super().generic_visit(node)
        own = self.locals[-1]
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                new = []
                for st in stmts:
                    pre, st = _out_of_place_stmt(st, lambda b: own is None or b in own)
                    new += pre + [st]
                setattr(node, field, new)
        return node


def out_of_place_source(source):
    """``source`` with copy-on-write semantics: ``x op= e`` becomes ``x = x op e``, and
    every subscript store ``x[i] = e`` / ``x[i] op= e`` (and every ``x.append(..)``
    / ``x.pop()``) is preceded by ``x = _cow_(x)`` (a deep copy of the arrays in it).
    Its value differs from the program's only where the program depends on writes
    showing through views and aliases."""
    tree = _OutOfPlace().visit(ast.parse(source))
    text = ast.unparse(ast.fix_missing_locations(tree))
    lines = text.splitlines()
    k = max((n.end_lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))),
            default=0)
    return "\n".join(lines[:k]) + "\n" + COW_HELPER + "\n" + "\n".join(lines[k:]) + "\n"


def _values_equal(a, b):
    try:
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12,
                                                       equal_nan=True))
    except Exception:  # noqa: BLE001
        return False


def aliasing_dependent(source, fname, args, seed=0, perturbations=2):
    """A reason if the program's value at ``args`` (or at ``perturbations`` nearby
    inputs) differs from its out-of-place variant's, or the variant raises where the
    program does not; None when the program does not depend on in-place aliasing."""
    try:
        f = getattr(load_module(source), fname)
        g = getattr(load_module(out_of_place_source(source), tag="oop"), fname)
    except _Timeout:
        raise
    except Exception as e:  # noqa: BLE001
        return f"out-of-place variant does not load: {type(e).__name__}: {e}"
    rng = np.random.default_rng(seed)
    points = [args]
    for _ in range(perturbations):
        pert = []
        for a in args:
            if _is_float_arg(a):
                leaves = [np.array(leaf + 0.05 * rng.standard_normal(np.shape(leaf)),
                                   dtype=leaf.dtype)
                          if isinstance(leaf, np.ndarray) else
                          type(leaf)(leaf + 0.05 * rng.standard_normal()) for leaf in flatten(a)]
                pert.append(unflatten(a, leaves))
            else:
                pert.append(copy.deepcopy(a))
        points.append(pert)
    for k, pt in enumerate(points):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                want = f(*deep_copy(pt))
            except _Timeout:
                raise
            except Exception:  # noqa: BLE001
                continue                        # not a valid input of the program itself
            where = "at the inputs" if k == 0 else f"at perturbed inputs #{k}"
            try:
                got = g(*deep_copy(pt))
            except _Timeout:
                raise
            except Exception as e:  # noqa: BLE001
                return f"out-of-place variant raises {type(e).__name__} {where}"
        if not _values_equal(got, want):
            return f"out-of-place variant's value differs {where} ({got!r} vs {want!r})"
    return None
