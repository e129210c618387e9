"""Which lines of a program run at given inputs (traced in plain Python): dead
statements, and whether the line a failure names runs at all."""
from __future__ import annotations

import ast
import importlib.util
import os
import re
import sys
import warnings

import numpy as np

from tools.fuzz.loader import _load_counter, _load_lock, _tmpdir
from tools.fuzz.timeouts import _Timeout
from tools.fuzz.values import deep_copy


def dead_statements(mod, f, args):
    """How many statements never run at ``args`` inside the functions that do run
    (a function never called is dead as a whole and may simply be deleted)."""
    path = mod.__file__
    tree = ast.parse(open(path).read())
    groups = []                       # per function: the lines of its own statements
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.Lambda)):
            own = set()
            stack = list(fn.body) if isinstance(fn, ast.FunctionDef) else [fn.body]
            while stack:
                node = stack.pop()
                if isinstance(node, (ast.FunctionDef, ast.Lambda)):
                    continue
                if isinstance(node, ast.stmt) or node is getattr(fn, "body", None):
                    own.add(node.lineno)
                stack.extend(ast.iter_child_nodes(node))
            groups.append(own)
    seen = set()

    def tracer(frame, event, arg):
        if frame.f_code.co_filename != path:
            return None
        if event == "line":
            seen.add(frame.f_lineno)
        return tracer
    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        f(*deep_copy(args))
    except Exception:  # noqa: BLE001
        pass
    finally:
        sys.settrace(old)
    return sum(len(own - seen) for own in groups if own & seen)


def executed_lines(source, fname, args):
    """Lines of ``source`` that run (module body included) when ``fname`` is called at
    ``args`` in plain Python; None if loading or the call raises."""
    seen = set()
    holder = {}

    def tracer(frame, event, arg):
        if frame.f_code.co_filename != holder.get("path"):
            return None
        if event in ("line", "call"):
            seen.add(frame.f_lineno)
        return tracer
    with _load_lock:
        k = next(_load_counter)
    name = f"fuzz_cov_{os.getpid()}_{k}"
    path = os.path.join(_tmpdir(), name + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    holder["path"] = path
    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spec = importlib.util.spec_from_file_location(name, path)
            mod = importlib.util.module_from_spec(spec)
            sys.modules[name] = mod
            spec.loader.exec_module(mod)
            getattr(mod, fname)(*deep_copy(args))
    except _Timeout:
        raise
    except Exception:  # noqa: BLE001
        return None
    finally:
        sys.settrace(old)
        sys.modules.pop(name, None)
    return seen


def line_is_executed(source, line, executed):
    """Does the statement of ``source`` at ``line`` run (``executed`` from
    executed_lines)?  A line inside a multi-line simple statement counts as the
    statement; a compound statement counts by its header."""
    if executed is None:
        return False
    if line in executed:
        return True
    best = None
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if best is None or node.lineno >= best.lineno:
                best = node
    if best is None:
        return False
    body = getattr(best, "body", None)
    last = (body[0].lineno - 1) if isinstance(body, list) and body else best.end_lineno
    return any(n in executed for n in range(best.lineno, (last or best.lineno) + 1))


def failure_line_runs(source, fname, args, fail):
    """Validity of a failure that names a line of the program (a refusal or an error
    raised at transform time): True if it names none, or if that line runs in plain
    Python at ``args``; False if it names a line that never runs there."""
    if fail.where is None:
        return True
    executed = executed_lines(source, fname, args)
    if not line_is_executed(source, fail.where[1], executed):
        return False
    # srcdiff may name the caller's line for a construct in an inlined helper: the
    # name the message is about ('w12' is changed in place ...) must be on a line that
    # runs too (names srcdiff made up, w12_1 or w12_old, stand for w12)
    m = re.search(r"(?:^|:\d+: )'([A-Za-z_]\w*)'", fail.message or "")
    if m:
        lines = source.splitlines()
        name = m.group(1)
        while not re.search(rf"\b{name}\b", source) and re.search(r"_(\d+|old)$", name):
            name = re.sub(r"_(\d+|old)$", "", name)
        if re.search(rf"\b{name}\b", source):
            return any(0 < n <= len(lines) and re.search(rf"\b{name}\b", lines[n - 1])
                       for n in executed)
    return True
