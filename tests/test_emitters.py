"""Generated text does not depend on the emitter: astor (where installed and
working) and the standard library's ast.unparse give the same source, and
neither srcdiff nor what it calls lets a DeprecationWarning reach the user."""
import copy
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import srcdiff
from srcdiff import codegen
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
