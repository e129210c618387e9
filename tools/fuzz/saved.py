"""Failures saved as self-contained reproduction files (program, inputs, ``wrt``,
orders), re-checked or shrunk further later."""
from __future__ import annotations

import ast
import importlib.util
import os
import sys

import numpy as np

from tools.fuzz.cases import run_case
from tools.fuzz.checks import ORDERS, check_program
from tools.fuzz.loader import _load_counter
from tools.fuzz.shrinker import shrink
from tools.fuzz.values import deep_copy


_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def literal(x):
    """Python source for an argument value (round-trips exactly)."""
    if isinstance(x, bool) or x is None:
        return repr(x)
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return f"np.array({float(x)!r})"
        return f"np.array({x.tolist()!r})"
    if isinstance(x, np.floating):
        return f"np.float64({float(x)!r})"
    if isinstance(x, np.complexfloating):
        return f"np.complex128({complex(x)!r})"
    if isinstance(x, (int, float, complex)):
        return repr(x)
    if isinstance(x, list):
        return "[" + ", ".join(literal(v) for v in x) + "]"
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return f"{type(x).__name__}(" + ", ".join(f"{k}={literal(v)}" for k, v in
                                                  zip(x._fields, x)) + ")"
    if isinstance(x, tuple):
        return "(" + ", ".join(literal(v) for v in x) + ("," if len(x) == 1 else "") + ")"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {literal(v)}" for k, v in x.items()) + "}"
    raise TypeError(type(x))


def save_failure(outdir, stem, source, fname, args, wrt, fails, original=None, orders=ORDERS):
    """Write a self-contained reproduction; ``original`` = (source, args, wrt) before
    shrinking, saved beside it as STEM.orig.py."""
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, stem + ".py")
    head = [f'"""srcdiff fuzz failure: {fails[0].category}: {fails[0].detail}']
    for fl in fails:
        if fl.message:
            head.append(f"    {fl.category}: {fl.message}")
    head.append("")
    head.append(f"Re-run the checks: python tools/fuzz --check {path}")
    head.append('"""')
    body = source.rstrip() + "\n"
    tail = [
        "",
        f"FUNC = {fname!r}",
        f"ARGS = {literal(tuple(args))}",
        f"WRT = {wrt!r}",
        f"ORDERS = {tuple(orders)!r}",
        "",
        'if __name__ == "__main__":',
        "    import os, sys",
        f"    sys.path.insert(0, {_ROOT!r})",
        "    from tools.fuzz import check_saved",
        "    sys.exit(check_saved(__file__))",
    ]
    with open(path, "w") as fh:
        fh.write("\n".join(head) + "\n" + body + "\n".join(tail) + "\n")
    if original is not None and original[0] != source:
        save_failure(outdir, stem + ".orig", original[0], fname, original[1], original[2], fails,
                     orders=orders)
    return path


def saved_orders(mod, default=ORDERS):
    """The orders a saved failure or regression file is checked at: its ``ORDERS``
    (the regressions from before order two was fuzzed have none: order one)."""
    return tuple(getattr(mod, "ORDERS", default))


def check_saved(path, forward="auto", verbose=True, orders=None):
    """Re-run the checks on a saved failure (or regression) file; 0 if it now passes.
    ``orders``: default the file's ``ORDERS``, else order one."""
    spec = importlib.util.spec_from_file_location(
        f"fuzz_saved_{next(_load_counter)}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    f = getattr(mod, getattr(mod, "FUNC", "f"))
    fails = check_program(f, deep_copy(mod.ARGS), getattr(mod, "WRT", None), forward=forward,
                          orders=orders or saved_orders(mod, (1,)))
    if verbose:
        for fl in fails:
            print(fl)
        print("ok" if not fails else f"{len(fails)} failure(s)")
    return 1 if fails else 0


def _program_text(path):
    """The program part of a saved failure file (between the docstring and FUNC =)."""
    text = open(path).read()
    tree = ast.parse(text)
    keep = [n for n in tree.body
            if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
            and not (isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
                     and n.targets[0].id in ("FUNC", "ARGS", "WRT", "XFAIL", "ACCEPT_REFUSAL",
                                             "ORDERS"))
            and not isinstance(n, ast.If)]
    return ast.unparse(ast.Module(body=keep, type_ignores=[])) + "\n"


def shrink_saved(path, forward="auto", budget=120.0):
    spec = importlib.util.spec_from_file_location(f"fuzz_saved_{next(_load_counter)}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    fname = getattr(mod, "FUNC", "f")
    args, wrt = list(mod.ARGS), getattr(mod, "WRT", None)
    source = _program_text(path)
    orders = saved_orders(mod)
    st, fails = run_case(source, fname, args, wrt, forward, orders=orders)
    if st != "fail":
        print(f"{path}: {st} {fails}")
        return 0
    small, args, wrt = shrink(source, fname, args, wrt, fails[0].signature, forward, budget,
                              log=print, orders=orders)
    st, res = run_case(small, fname, args, wrt, forward, orders=orders)
    save_failure(os.path.dirname(path) or ".", os.path.basename(path)[:-3], small, fname, args,
                 wrt, [fl for fl in res if fl.signature == fails[0].signature] or res,
                 orders=orders)
    print(small)
    return 1
