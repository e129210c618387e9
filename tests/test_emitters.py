"""Generated text does not depend on the emitter: astor (where installed and
working) and the standard library's ast.unparse give the same source, and
neither srcdiff nor what it calls lets a DeprecationWarning reach the user."""
import contextlib
import copy
import difflib
import io
import os
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

import srcdiff
from srcdiff.backend import codegen
from numeric import load_function

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Tuples in every place an emitter may parenthesise them, comments, slices,
# loops, branches, lists and dicts.
PROGRAM = '''
import numpy as np

def f(x, y):
    a, b = np.sin(x), (np.cos(y), 2.0)
    pairs = [(x, y), (y, x)]
    s = 0.0
    for k, (u, v) in enumerate(pairs):
        s = s + np.sum(u[1:, ::2] * v[..., None][1:, ::2, 0]) * (k + 1)
    d = {"p": a ** 3, "q": -b[0] ** 2}
    t = (s,)
    if s > 0:
        s = s + np.sum(d["p"] - d["q"]) / 3
    else:
        s = s - 1.0
    return s + t[0] + np.sum(np.clip(x, -0.5, None)) + np.sum(y ** 2)
'''


def _sources(monkeypatch):
    """Every tree srcdiff emits while differentiating PROGRAM, with both emitters."""
    seen = []
    real = codegen.emit

    def both(tree, use_astor=None):
        seen.append(tuple(codegen._comments_as_comments(real(copy.deepcopy(tree), use_astor=u))
                          for u in (True, False)))
        return real(tree, use_astor)

    monkeypatch.setattr(codegen, "emit", both)
    f = load_function(PROGRAM)
    x, y = np.linspace(-1, 1, 12).reshape(3, 4), np.linspace(0.5, 2, 12).reshape(3, 4)
    srcdiff.grad(f, wrt=("x", "y"))(x, y)
    srcdiff.jvp(f, (x, y), (np.ones_like(x), np.ones_like(y)))
    return seen


@pytest.mark.skipif(codegen.astor is None, reason="astor is not installed (or hidden)")
def test_astor_and_unparse_give_the_same_text(monkeypatch):
    seen = _sources(monkeypatch)
    assert len(seen) >= 2     # the gradient (made once, at its first call) and the jvp
    for with_astor, with_unparse in seen:
        assert with_astor == with_unparse
    text = "".join(a for a, _ in seen)
    assert "a, b = " in text or "return " in text


# ---------------------------------------------------------------------------
# The same text over a wide set of generated code: grad, vjp, jvp, hvp and
# jacobian(grad) of every fuzz regression program, the examples' and benchmark
# workloads' functions (tests/test_readability.py), the sweep's rule cases and
# the README samples. Each tree srcdiff emits is emitted with both emitters.
# By default a part of each group (about 20 s); SRCDIFF_SWEEP=full: all of it.
# ---------------------------------------------------------------------------

FULL = os.environ.get("SRCDIFF_SWEEP") == "full"
# (fuzz programs where the emitters wrote differently before: complex
# numbers, infinities; and every ninth of the rest)
EMITTER_WORDS = ("1j", "complex", "inf", "svd")


def _fuzz_programs():
    import glob
    import importlib.util
    out = []
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "fuzz_regressions", "*.py")))
    for k, path in enumerate(files):
        text = open(path).read()
        if not (FULL or k % 9 == 0 or any(w in text for w in EMITTER_WORDS)):
            continue
        name = "emitters_" + os.path.basename(path)[:-3]
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        out.append((os.path.basename(path), getattr(mod, getattr(mod, "FUNC", "f")),
                    list(mod.ARGS), getattr(mod, "WRT", None)))
    return out


def _readability_cases():
    import test_readability as tr
    names = list(tr.CASES) if FULL else list(tr.EXAMPLES) + ["cubic", "rosenbrock"]
    out = []
    for name in names:
        f, wrt, args = tr.CASES[name]()
        out.append((name, f, list(args), wrt))
    return out


def _sweep_cases():
    import sweep_cases as S
    cases = S.sweep_cases()
    out = []
    for k, sc in enumerate(cases):
        if not (FULL or k % 50 == 0 or sc.kind == "complex" and k % 12 == 0):
            continue
        try:
            _, loss, params = sc.build()
        except Exception:   # noqa: BLE001 (a case the sweep itself leaves out)
            continue
        out.append((f"sweep {sc}", loss, list(params), None))
    return out


def _tangent(x, rng):
    from tools.fuzz import random_tangent
    return random_tangent(x, rng)


def _transforms(f, args, wrt):
    """The transforms applied to ``f`` (name, thunk), each made and called."""
    from tools.fuzz import float_positions
    floats = float_positions(args)
    if wrt is None:
        wrt = tuple(floats) if len(floats) != 1 else floats[0]
    if wrt == ():
        return []
    w = wrt[0] if isinstance(wrt, tuple) else wrt
    rng = np.random.default_rng(0)
    a = lambda: copy.deepcopy(args)     # noqa: E731
    at = w if isinstance(w, int) else list(f.__code__.co_varnames).index(w)
    return [
        ("grad", lambda: srcdiff.grad(f, wrt=wrt)(*a())),
        ("vjp", lambda: srcdiff.vjp(f, *a(), wrt=tuple(floats))),
        ("jvp", lambda: srcdiff.jvp(f, tuple(a()), tuple(
            _tangent(x, rng) if i in floats else x for i, x in enumerate(args)))),
        ("hvp", lambda: srcdiff.hvp(f, w)(*a(), _tangent(args[at], rng))),
        ("jacobian(grad)", lambda: srcdiff.jacobian(srcdiff.grad(f, w), w)(*a())),
    ]


def _readme_samples():
    """The README's samples that print an output (tools/update_readme.py), as files."""
    import runpy
    import tempfile
    from tools import update_readme as ur
    text = open(os.path.join(ROOT, "README.md")).read()
    out = []
    for name in ur.output_names(text):
        code = ur.code_before(text, name)

        def run(code=code, name=name):
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, name + ".py")
                with open(path, "w") as fh:
                    fh.write(code)
                with contextlib.redirect_stdout(io.StringIO()):
                    runpy.run_path(path, run_name="__main__")
        out.append((f"README {name}", run))
    return out


def wide_texts():
    """(label, text by astor, text by ast.unparse) of every tree emitted over the set."""
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    seen, label = [], ["?"]
    real = codegen.emit

    def both(tree, use_astor=None):
        seen.append((label[0],) + tuple(
            codegen._comments_as_comments(real(copy.deepcopy(tree), use_astor=u))
            for u in (True, False)))
        return real(tree, use_astor)

    jobs = _readme_samples()
    for name, f, args, wrt in _fuzz_programs() + _readability_cases() + _sweep_cases():
        jobs += [(f"{name} {kind}", thunk) for kind, thunk in _transforms(f, args, wrt)]
    codegen.emit = both
    try:
        for name, thunk in jobs:
            label[0] = name
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    thunk()
                except Exception:   # noqa: BLE001 (a refusal: what was emitted still counts)
                    pass
    finally:
        codegen.emit = real
    return seen


@pytest.mark.skipif(codegen.astor is None, reason="astor is not installed (or hidden)")
def test_both_emitters_give_the_same_text_over_the_wide_set():
    seen = wide_texts()
    assert len(seen) >= (1000 if FULL else 150), len(seen)
    differ = [(label, a, b) for label, a, b in seen if a != b]
    assert not differ, (f"{len(differ)} of {len(seen)} texts differ; the first: {differ[0][0]}\n"
                        + "\n".join(difflib.unified_diff(differ[0][1].splitlines(),
                                                         differ[0][2].splitlines(),
                                                         lineterm="", n=0)))


def test_numbers_and_boolean_operators_are_written_as_astor_writes_them():
    import ast
    tree = ast.parse("def g(y):\n    return (2).real + a[-1] + f(-3) + (1 + 2j) + 1e1000 + "
                     "(-2.0) ** y + (-1j) ** 2 + 1j * y, 1j\n")
    for node in ast.walk(tree):     # (the negative numbers srcdiff makes: constants)
        for field, value in ast.iter_fields(node):
            if isinstance(value, ast.UnaryOp) and isinstance(value.operand, ast.Constant):
                setattr(node, field, ast.Constant(value=-value.operand.value))
    want = ("def g(y):\n    return (2).real + a[-1] + f(-3) + (1 + 2.0j) + 1e1000 + "
            "(-2.0) ** y + (-1.0j) ** 2 + 1.0j * y, 1.0j\n")
    assert codegen.emit(copy.deepcopy(tree), use_astor=False) == want
    if codegen.astor is not None:
        assert codegen.emit(tree, use_astor=True) == want
    tree = ast.parse("u = a or b and c or (d or e) and f\nv = (a and b or c) and d\n")
    want = "u = a or b and c or (d or e) and f\nv = (a and b or c) and d\n"
    assert codegen.emit(copy.deepcopy(tree), use_astor=False) == want
    if codegen.astor is not None:
        assert codegen.emit(tree, use_astor=True) == want
    assert [codegen.number_text(v) for v in (float("nan"), -float("inf"), complex(1, 0))] == \
        ["(1e1000-1e1000)", "-1e1000", "(1.0+0j)"]


def test_unparse_writes_bare_tuples():
    import ast
    tree = ast.parse("def g(t):\n    a, b = t\n    for i, j in t:\n        c = i, (j, ())\n"
                     "    return a,\n")
    text = codegen.emit(tree, use_astor=False)
    assert text == ("def g(t):\n    a, b = t\n    for i, j in t:\n        c = i, (j, ())\n"
                    "    return a,\n")


def _run(code, **env):
    return subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c", code],
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": ROOT, **env})


SHOW = '''
import sys
sys.path.insert(0, "tests")
import numpy as np, srcdiff
from numeric import load_function
from test_emitters import PROGRAM
f = load_function(PROGRAM)
x = np.linspace(-1, 1, 12).reshape(3, 4)
g = srcdiff.grad(f, wrt=("x", "y"))
g(x, x + 2)
print(srcdiff.source(g))
'''


def test_generated_source_is_the_same_without_astor():
    """In a fresh interpreter, with astor hidden (SRCDIFF_NO_ASTOR=1) and not."""
    with_astor = _run(SHOW)
    without = _run(SHOW, SRCDIFF_NO_ASTOR="1")
    assert with_astor.returncode == 0, with_astor.stderr[-3000:]
    assert without.returncode == 0, without.stderr[-3000:]
    assert "def f_grad" in with_astor.stdout
    def text(r):
        return re.sub(r"srcdiff_tests_\w+", "TMP", r.stdout)

    assert text(with_astor) == text(without)


def test_quickstart_raises_no_deprecation_warning():
    r = subprocess.run([sys.executable, "-W", "error::DeprecationWarning",
                        os.path.join(ROOT, "examples", "quickstart.py")],
                       capture_output=True, text=True, cwd=ROOT, timeout=300,
                       env={**os.environ, "PYTHONPATH": ROOT})
    assert r.returncode == 0, r.stderr[-3000:]
