"""The shrinker: a failing program reduced to a minimal one that fails the same way."""
from __future__ import annotations

import ast
import math
import time

from tools.fuzz.aliasing import aliasing_dependent
from tools.fuzz.cases import run_case
from tools.fuzz.checks import ORDERS
from tools.fuzz.executed import failure_line_runs
from tools.fuzz.forcing import _force_path, _subject_lines
from tools.fuzz.reductions import candidates
from tools.fuzz.rendering import _render
from tools.fuzz.timeouts import _Timeout, _with_timeout


def _cost(text):
    """Size of a program: AST nodes, then the sum of its integer constants, then length."""
    tree = ast.parse(text)
    nodes = sum(1 for _ in ast.walk(tree))
    ints = sum(abs(n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant)
               and isinstance(n.value, int) and not isinstance(n.value, bool))
    return (nodes, ints, len(text))


def shrink(source, fname, args, wrt, signature, forward="auto", budget=60.0, log=None,
           orders=ORDERS):
    """Reduce the program to a smaller one failing with the same signature (checked
    at ``orders``); returns (source, args, wrt)."""
    start = time.time()
    best = (ast.parse(source), tuple(args), wrt)
    best_text = source
    tried = 0
    seen = set()
    numerics = signature[0] in ("grad", "vjp", "value", "jvp")
    best_dead = math.inf

    def fails_same(text, a, w):
        """Same failure, and no more dead code than before (so a shrunk program is not
        one whose failing statements have become unreachable)."""
        nonlocal tried, best_dead
        key = (text, len(a), repr(w))
        if key in seen:
            return False
        seen.add(key)
        tried += 1
        try:
            status, res, dead = _with_timeout(10.0, run_case, text, fname, list(a), w, forward,
                                              numerics=numerics, coverage=True, orders=orders)
        except _Timeout:
            return signature[0] == "timeout"
        if status != "fail" or not any(fl.signature == signature for fl in res):
            return False
        if dead > best_dead:
            return False
        if check_line:
            fl = next(fl for fl in res if fl.signature == signature)
            try:
                runs = _with_timeout(10.0, failure_line_runs, text, fname, list(a), fl)
            except _Timeout:
                runs = False
            if not runs:
                return False
        # and a refusal's candidate must not depend on writes through aliases (deleting
        # a .copy() easily makes it so): refusing those is right
        if signature[0] != "refused":
            best_dead = dead
            return True
        try:
            alias = _with_timeout(10.0, aliasing_dependent, text, fname, list(a))
        except _Timeout:
            alias = "timeout"
        if alias is not None:
            return False
        best_dead = dead
        return True

    # A failure that names a line of the program (a refusal, an error at transform
    # time) must name a line that runs in plain Python at the inputs in every accepted
    # candidate -- else deleting definitions, emptying loops or returning early
    # "reproduces" it in code that never runs.  (When the original names a line that
    # does not run at its inputs, only candidates that make it run are accepted:
    # unwrapping the branch it sits in, say.)
    check_line = False
    try:
        st0, res0, best_dead = run_case(source, fname, list(args), wrt, forward,
                                        numerics=False, coverage=True, orders=orders)
        best_dead = math.inf if best_dead is None else best_dead
        if st0 == "fail":
            fl0 = next((fl for fl in res0 if fl.signature == signature), None)
            if fl0 is not None and fl0.where is not None:
                check_line = True
                if not failure_line_runs(source, fname, list(args), fl0):
                    if log:
                        log(f"  note: the failure names line {fl0.where[1]}, which does not "
                            f"run at these inputs: forcing the branches around it")
                    for loops in (False, True):
                        text = _render(_force_path(best[0], _subject_lines(source, fl0),
                                                   loops))
                        if text is not None and fails_same(text, best[1], best[2]):
                            best, best_text = (ast.parse(text), best[1], best[2]), text
                            break
    except Exception:  # noqa: BLE001
        pass

    idx = 0
    while time.time() - start < budget:
        progress = False
        cands = candidates(best[0], best[1], best[2], fname)
        for k in range(idx, len(cands)):
            if time.time() - start > budget:
                break
            try:
                tree, a, w = cands[k]()
            except (TypeError, AttributeError, IndexError):
                continue
            text = _render(tree)
            if text is None or (_cost(text), len(a)) >= (_cost(best_text), len(best[1])):
                continue
            if fails_same(text, a, w):
                best, best_text = (ast.parse(text), a, w), text
                idx = max(0, k - 1)
                progress = True
                break
        if not progress:
            if idx == 0:
                break
            idx = 0
    if log:
        log(f"  shrunk {len(source.splitlines())} -> {len(best_text.splitlines())} lines "
            f"({tried} candidates, {time.time() - start:.1f}s)")
    return best_text, list(best[1]), best[2]
