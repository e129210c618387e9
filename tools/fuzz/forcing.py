"""A refused line that does not run at the inputs made to run (early returns dropped,
the branches and loops around it taken), and aliasing judged on that variant."""
from __future__ import annotations

import ast
import copy
import re

from tools.fuzz.aliasing import aliasing_dependent
from tools.fuzz.executed import failure_line_runs
from tools.fuzz.rendering import _render
from tools.fuzz.timeouts import _Timeout


def _subject_lines(source, fail):
    """The line a failure names, and the lines that mention the name its message is
    about (``'w12' is changed in place ...``)."""
    out = {fail.where[1]} if fail.where else set()
    m = re.search(r"(?:^|:\d+: )'([A-Za-z_]\w*)'", fail.message or "")
    if m:
        name = m.group(1)
        while not re.search(rf"\b{name}\b", source) and re.search(r"_(\d+|old)$", name):
            name = re.sub(r"_(\d+|old)$", "", name)
        out |= {i for i, ln in enumerate(source.splitlines(), 1) if re.search(rf"\b{name}\b", ln)}
    return out


def _force_path(tree, lines, loops=False):
    """A copy of ``tree`` where every ``if`` around one of ``lines`` is replaced by the
    branch that holds it (and, with loops=True, every loop around it by its body): a
    first shrink step for failures that name a line which does not run at the inputs."""
    t = copy.deepcopy(tree)
    lines = {lines} if isinstance(lines, int) else set(lines)

    def within(node):
        return any(node.lineno <= line <= (node.end_lineno or node.lineno) for line in lines)

    def fix(stmts):
        out = []
        for st in stmts:
            if not (isinstance(st, ast.stmt) and within(st)):
                out.append(st)
                continue
            if isinstance(st, ast.If) or loops and isinstance(st, (ast.For, ast.While)):
                for branch in (st.body, st.orelse):
                    if branch and any(within(b) for b in branch):
                        pre = []
                        if isinstance(st, ast.For) and isinstance(st.target, ast.Name):
                            it = st.iter
                            if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) \
                                    and it.func.id == "range":
                                pre = [ast.Assign(targets=[st.target], value=ast.Constant(0))]
                            else:
                                pre = [ast.Assign(targets=[st.target], value=ast.Subscript(
                                    value=it, slice=ast.Constant(0), ctx=ast.Load()))]
                        out += pre + fix(branch)
                        break
                else:
                    out.append(st)
                continue
            for field in ("body", "orelse", "finalbody"):
                sub = getattr(st, field, None)
                if isinstance(sub, list) and sub:
                    setattr(st, field, fix(sub))
            out.append(st)
        return out
    t.body = fix(t.body)
    return t


class _NoEarlyReturns(ast.NodeTransformer):
    """Every ``return`` but the last statement of a function becomes ``pass``."""
    def visit_FunctionDef(self, node):
        last = node.body[-1] if node.body else None
        self.generic_visit(node)
        for st in ast.walk(node):
            for field in ("body", "orelse"):
                stmts = getattr(st, field, None)
                if isinstance(stmts, list):
                    setattr(st, field, [ast.copy_location(ast.Pass(), x)
                                        if isinstance(x, ast.Return) and x is not last
                                        else x for x in stmts])
        return node


def aliasing_where_refused(source, fname, args, fail):
    """For a refusal naming a line that does not run at ``args``: a reason if the
    program made to run that line (early returns dropped, the branches around the
    line taken, then its loops unwrapped too) has a value that depends on writes
    through views and aliases (aliasing_dependent); None when that cannot be
    shown (the line runs already, or the variant does not run)."""
    try:
        if fail.where is None or failure_line_runs(source, fname, args, fail):
            return None
        tree = _NoEarlyReturns().visit(ast.parse(source))
        for loops in (False, True):
            text = _render(_force_path(tree, _subject_lines(source, fail), loops))
            if text is None or not failure_line_runs(text, fname, args, fail):
                continue
            why = aliasing_dependent(text, fname, args)
            if why is not None and "value differs" in why:
                return "with the refused line run: " + why
    except _Timeout:
        raise
    except Exception:  # noqa: BLE001  (no judgement: the refusal still counts)
        return None
    return None
