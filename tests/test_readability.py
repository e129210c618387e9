"""Readable generated code (issue 21), checked on the seed examples
(examples/*.py) and the benchmark workloads (benchmarks/workloads.py):

* the same text every time, in this process and in a fresh one with another hash seed;
* no dead statements (a name bound and never read);
* no copy-only statements (``a = b; b = a``; ``d = a; d = d + e``);
* no unnamed temporaries ``t``, ``t_1``, ... (nor their adjoints ``dt_1``, tangents
  ``t_1_dot``) where the user wrote no such name;
* gradients at most 1.5x the lines of the workloads' hand-written gradients.

Every case is also checked numerically (the gradient against central
differences), so a rewrite that made the text shorter but wrong fails here too.
"""
import ast
import inspect
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import srcdiff
from numeric import load_module, numeric_grad

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks import workloads as W  # noqa: E402


def example_module(filename):
    """The imports and top-level functions of ``examples/<filename>`` in a module
    of their own (importing the example would run it)."""
    with open(os.path.join(ROOT, "examples", filename)) as fh:
        text = fh.read()
    parts = [ast.get_source_segment(text, node) for node in ast.parse(text).body
             if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
    return load_module("\n\n".join(parts))


def _rng():
    return np.random.default_rng(3)


def _quickstart():
    r = _rng()
    return example_module("quickstart.py").dW_sum, ("x", "y"), (r.normal(size=3),
                                                             r.normal(size=3))


def _newton():
    return example_module("newton.py").rosenbrock, 0, (np.array([-1.2, 1.0]),)


def _rnn():
    r = _rng()
    return example_module("rnn.py").loss, ("W", "U", "b"), (
        0.5 * r.normal(size=(3, 3)), 0.5 * r.normal(size=(3, 2)), r.normal(size=3),
        r.normal(size=(5, 2)), r.normal(size=3))


def _sine_fit():
    a = np.linspace(-3.0, 3.0, 7)
    return example_module("sine_fit.py").loss, (0, 1, 2, 3), (0.1, -0.2, 0.3, -0.05, a,
                                                               np.sin(a))


def _dask_logistic():
    r = _rng()
    return example_module("dask_logistic.py").loss, ("w", "b"), (
        r.normal(size=3), 0.2, r.normal(size=(6, 3)), (r.random(6) > 0.5).astype(float))


EXAMPLES = {"quickstart": _quickstart, "newton": _newton, "rnn": _rnn,
            "sine_fit": _sine_fit, "dask_logistic": _dask_logistic}


def _workload(w):
    def make():
        names = list(inspect.signature(w.f).parameters)
        return w.f, tuple(names[i] for i in w.wrt), w.make_args(True, _rng())
    return make


WORKLOADS = {w.name: _workload(w) for w in W.WORKLOADS}
WORKLOADS["rosenbrock"] = lambda: (W.rosenbrock, "x", (_rng().normal(size=6),))
HVPS = ("newton", "mlp", "sin_loop", "rosenbrock")      # hvp too (cheap enough)
HAND = dict({w.name: w.hand for w in W.WORKLOADS}, rosenbrock=W.rosenbrock_grad)
CASES = dict(EXAMPLES, **WORKLOADS)


def generated(name, kind="grad"):
    """(the generated source, the user's function, its arguments) of one case,
    after a call (the code is generated for the arguments' kinds)."""
    f, wrt, args = CASES[name]()
    if kind == "grad":
        g = srcdiff.grad(f, wrt=wrt)
        g(*args)
    else:
        g = srcdiff.hvp(f)
        g(*args, np.ones_like(args[0]))
    return srcdiff.source(g), f, args


def all_sources():
    """Every case's generated text, file names left out."""
    out = {}
    for name in CASES:
        for kind in ("grad", "hvp") if name in HVPS else ("grad",):
            out[f"{name}:{kind}"] = _without_files(generated(name, kind)[0])
    return out


def _without_files(text):
    """``text`` without file names and the numbers of generated files
    (``<srcdiff-4>``: how many came before it in this process)."""
    text = re.sub(r"srcdiff-\d+", "srcdiff-N", text)
    return re.sub(r"[^\s'\"()\[]*\.py\b", "FILE", text)


def _functions(text):
    return [n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef)]


def dead_statements(text):
    """Assignments to a name no statement of the function reads."""
    out = []
    for fn in _functions(text):
        read = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)
                and isinstance(n.ctx, ast.Load)}
        read |= {n.target.id for n in ast.walk(fn) if isinstance(n, ast.AugAssign)
                 and isinstance(n.target, ast.Name)}
        for st in ast.walk(fn):
            if isinstance(st, ast.Assign):
                for t in st.targets:
                    for n in ast.walk(t):
                        if isinstance(n, ast.Name) and n.id not in read:
                            out.append(ast.unparse(st))
    return out


def shape_only_values(text):
    """Assignments to a name read only by size_of/shape_of: a value computed only
    for its shape."""
    out = []
    for fn in _functions(text):
        in_shape = {id(c.args[0]) for c in ast.walk(fn) if isinstance(c, ast.Call)
                    and getattr(c.func, "id", "") in ("size_of", "shape_of") and c.args}
        reads = {}
        for n in ast.walk(fn):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                reads.setdefault(n.id, []).append(id(n) in in_shape)
        for st in ast.walk(fn):
            if isinstance(st, ast.Assign) and len(st.targets) == 1 \
                    and isinstance(st.targets[0], ast.Name) \
                    and all(reads.get(st.targets[0].id, [False])):
                out.append(ast.unparse(st))
    return out


def _copy(st):
    if isinstance(st, ast.Assign) and len(st.targets) == 1 \
            and isinstance(st.targets[0], ast.Name) and isinstance(st.value, ast.Name):
        return st.targets[0].id, st.value.id
    return None


def _adds_to(st, name):
    """``name = name + e`` or ``name = add_cotangents(name, e)``."""
    if not (isinstance(st, ast.Assign) and len(st.targets) == 1
            and isinstance(st.targets[0], ast.Name) and st.targets[0].id == name):
        return False
    v = st.value
    first = v.left if isinstance(v, ast.BinOp) and isinstance(v.op, ast.Add) else \
        v.args[0] if isinstance(v, ast.Call) and getattr(v.func, "id", "") == "add_cotangents" \
        else None
    return isinstance(first, ast.Name) and first.id == name and sum(
        isinstance(n, ast.Name) and n.id == name for n in ast.walk(v)) == 1


def copy_only_statements(text):
    """``a = b; b = a`` (a copy there and back) and ``d = a; d = d + e`` (a copy
    only to add to it) in a row."""
    out = []
    for node in ast.walk(ast.parse(text)):
        for field in ("body", "orelse"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for st, nxt in zip(block, block[1:]):
                c, c2 = _copy(st), _copy(nxt)
                if c and ((c2 and c2 == c[::-1]) or _adds_to(nxt, c[0])):
                    out.append(f"{ast.unparse(st)}; {ast.unparse(nxt)}")
    return out


def unnamed_temporaries(text, user_source):
    """``t``, ``t_3``, ``dt_3``, ``t_3_dot`` where the user wrote no such name."""
    user = set(re.findall(r"\w+", user_source))
    names = {n.id for fn in _functions(text) for n in ast.walk(fn) if isinstance(n, ast.Name)}
    names |= {a.arg for fn in _functions(text) for a in fn.args.args}
    return sorted(n for n in names if re.fullmatch(r"d*t(_\d+)?(_dot)?", n)
                  and not {n, n.lstrip("d"), "t"} & user)   # (versions of the user's t)


def _product(e):
    if isinstance(e, ast.BinOp) and isinstance(e.op, ast.Mult):
        return sorted([ast.dump(e.left), ast.dump(e.right)])
    return None


def _added(st, first):
    """(name, value) of ``name += value`` / ``name = name + value``, or (``first``)
    ``name = value``."""
    if isinstance(st, ast.AugAssign) and isinstance(st.target, ast.Name):
        return st.target.id, st.value
    if isinstance(st, ast.Assign) and len(st.targets) == 1 \
            and isinstance(st.targets[0], ast.Name):
        v = st.value
        if isinstance(v, ast.BinOp) and isinstance(v.op, ast.Add) \
                and isinstance(v.left, ast.Name) and v.left.id == st.targets[0].id:
            return st.targets[0].id, v.right
        return (st.targets[0].id, v) if first else None
    return None


def twin_terms(text):
    """``a * b + b * a``, or two statements in a row adding the same product to
    one name (the adjoint of ``y * y`` as two terms)."""
    tree = ast.parse(text)
    out = [ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.BinOp)
           and isinstance(n.op, ast.Add) and _product(n.left)
           and _product(n.left) == _product(n.right)]
    for node in ast.walk(tree):
        block = getattr(node, "body", None)
        if not isinstance(block, list):
            continue
        for st, nxt in zip(block, block[1:]):
            a, b = _added(st, True), _added(nxt, False)
            if a and b and a[0] == b[0] and _product(a[1]) \
                    and _product(a[1]) == _product(b[1]):
                out.append(f"{ast.unparse(st)}; {ast.unparse(nxt)}")
    return out


def code_lines(text):
    """Non-blank, non-comment lines of the functions in ``text`` (not its imports)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("def "))
    return sum(1 for line in lines[start:] if line.strip()
               and not line.strip().startswith("#"))


KINDS = [(name, "grad") for name in CASES] + [(name, "hvp") for name in HVPS]


@pytest.mark.parametrize("name,kind", KINDS, ids=[f"{n}-{k}" for n, k in KINDS])
def test_generated_code_reads_well_and_is_right(name, kind):
    text, f, args = generated(name, kind)
    assert not dead_statements(text), (dead_statements(text), text)
    assert not copy_only_statements(text), (copy_only_statements(text), text)
    assert not twin_terms(text), (twin_terms(text), text)
    assert not shape_only_values(text), (shape_only_values(text), text)
    temps = unnamed_temporaries(text, inspect.getsource(f))
    assert not temps, (temps, text)
    if kind == "grad":
        _check_gradient(name, f, args)


def _check_gradient(name, f, args):
    """The gradient against central differences (through the public grad)."""
    _, wrt, _ = CASES[name]()
    params = list(inspect.signature(f).parameters)
    names = [wrt] if isinstance(wrt, (str, int)) else list(wrt)
    positions = [n if isinstance(n, int) else params.index(n) for n in names]
    got = srcdiff.grad(f, wrt=tuple(names))(*args)
    for p, g in zip(positions, got):
        np.testing.assert_allclose(g, numeric_grad(f, args, p), rtol=1e-5, atol=1e-6)


def test_adjoint_and_tangent_of_a_square_are_one_term():
    f = load_module("""
def f(x, w):
    s = 0.0
    for i in range(3):
        y = np.sin(x) * w
        s = s + np.sum(y * y)
    return s
""").f
    x, w = np.linspace(0.1, 0.9, 4), np.linspace(1.0, 1.3, 4)
    g = srcdiff.grad(f, wrt=("x", "w"))
    got = g(x, w)
    for k in range(2):
        np.testing.assert_allclose(got[k], numeric_grad(f, [x, w], k), rtol=1e-6)
    text = srcdiff.source(g)
    # (the output is a real number: its seed is 1.0, put into the one term)
    assert "dy = 2.0 * y" in text and "dy +=" not in text, text
    _, f_vjp = srcdiff.vjp(f, x, w)
    np.testing.assert_allclose(f_vjp(1.0)[0], got[0], rtol=1e-12)
    text = srcdiff.source(f_vjp)
    assert re.search(r"dy = 2 \* \w+ \* y", text) and "dy +=" not in text, text
    h = srcdiff.hvp(f)
    v = np.array([0.3, -0.2, 0.5, 0.1])
    eps = 1e-6
    fd = (g(x + eps * v, w)[0] - g(x - eps * v, w)[0]) / (2 * eps)
    np.testing.assert_allclose(h(x, w, v), fd, rtol=1e-5, atol=1e-8)
    assert not twin_terms(srcdiff.source(h)), twin_terms(srcdiff.source(h))


def test_a_while_condition_evaluated_again_is_commented_as_the_while_line():
    f = load_module("""
def f(x):
    k = 0
    s = x
    while k < 5:
        s = np.sin(s)
        k += 1
    return np.sum(s)
""").f
    g = srcdiff.grad(f)
    x = np.linspace(0.1, 0.9, 3)
    np.testing.assert_allclose(g(x), numeric_grad(f, [x], 0), rtol=1e-6)
    lines = [line.strip() for line in srcdiff.source(g).splitlines()]
    again = [i for i, line in enumerate(lines) if line == "cond = k < 5"]
    assert len(again) == 2, lines
    assert lines[again[1] - 1].startswith("# while k < 5:"), lines[again[1] - 2:again[1] + 1]


def test_a_mean_keeps_no_value_only_for_its_size():
    f = load_module("""
def f(w, x):
    s = x @ w
    loss = s.mean(axis=0)
    loss = np.sum(loss * 2.0)
    return loss
""").f
    rng = _rng()
    w, x = rng.normal(size=2), rng.normal(size=(4, 3, 2))
    out, f_vjp = srcdiff.vjp(f, w, x)
    dw, dx = f_vjp(1.0)
    np.testing.assert_allclose(dw, numeric_grad(f, [w, x], 0), rtol=1e-6)
    np.testing.assert_allclose(dx, numeric_grad(f, [w, x], 1), rtol=1e-6)
    text = srcdiff.source(f_vjp)
    saved = re.search(r"return loss_2, \((.*)\)", text).group(1).split(", ")
    assert "loss" not in saved and "s" in saved, text     # (the mean's result is not kept)
    assert not shape_only_values(text), shape_only_values(text)
    g = srcdiff.grad(f, wrt=("w", "x"))
    for k, got in enumerate(g(w, x)):
        np.testing.assert_allclose(got, numeric_grad(f, [w, x], k), rtol=1e-6)
    v = rng.normal(size=2)
    eps = 1e-6
    fd = (g(w + eps * v, x)[0] - g(w - eps * v, x)[0]) / (2 * eps)
    np.testing.assert_allclose(srcdiff.hvp(f)(w, x, v), fd, rtol=1e-5, atol=1e-8)


def test_a_cotangent_added_to_once_is_one_expression():
    """``ds = -a; ds += b`` is ``ds = b - a``; ``de = dp; ...; de += e`` is
    ``de = dp + e``; a keepdims reduction's cotangent is broadcast by the
    arithmetic that reads it; what is then read once folds into its reader."""
    f = load_module("""
def f(x, c):
    e = np.exp(x)
    s = np.sum(e, axis=1, keepdims=True)
    lse = np.log(s)
    p = e / s
    return np.sum(lse) + np.sum(p * c)
""").f
    rng = _rng()
    x, c = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    g = srcdiff.grad(f, wrt=("x", "c"))
    for k, got in enumerate(g(x, c)):
        np.testing.assert_allclose(got, numeric_grad(f, [x, c], k), rtol=1e-6, atol=1e-8)
    text = srcdiff.source(g)
    assert "+=" not in text and "expand_reduced" not in text, text
    assert not dead_statements(text) and not copy_only_statements(text), text
    body = [line.strip() for line in text.split("def ", 1)[1].splitlines()[1:]
            if line.strip() and not line.strip().startswith("#")]
    bound = [line.split(" = ")[0] for line in body if " = " in line]
    assert len(bound) == len(set(bound)), body        # (each name written once)
    got32 = g(x.astype(np.float32), c.astype(np.float32))
    assert [a.dtype for a in got32] == [np.float32, np.float32]
    _, f_vjp = srcdiff.vjp(f, x, c)
    np.testing.assert_allclose(f_vjp(1.0)[0], g(x, c)[0], rtol=1e-12)
    v = rng.normal(size=(4, 3))
    eps = 1e-6
    fd = (g(x + eps * v, c)[0] - g(x - eps * v, c)[0]) / (2 * eps)
    np.testing.assert_allclose(srcdiff.hvp(f)(x, c, v), fd, rtol=1e-5, atol=1e-7)


def test_the_checks_see_what_they_look_for():
    bad = """
def f_grad(x, y):
    t_1 = x * y
    dx_4 = t_1
    t_1 = dx_4
    unused = np.sin(x)
    dy = t_1
    dy = dy + x
    return t_1, dy
"""
    assert dead_statements(bad) == ["unused = np.sin(x)"]
    assert copy_only_statements(bad) == ["dx_4 = t_1; t_1 = dx_4", "dy = t_1; dy = dy + x"]
    assert unnamed_temporaries(bad, "def f(x, y): return x * y") == ["t_1"]
    sized = "def g(x):\n    m = x.mean()\n    return x / size_of(m)\n"
    assert shape_only_values(sized) == ["m = x.mean()"]
    assert unnamed_temporaries(bad, "def f(x, t_1): return x * t_1") == []
    twins = "def g(y, dy, g):\n    dy = g * y\n    dy += y * g\n    return dy * y + y * dy\n"
    assert twin_terms(twins) == ["dy * y + y * dy", "dy = g * y; dy += y * g"]
    assert code_lines("import numpy as np\n\ndef f(x):\n    # c\n\n    return x\n") == 2


def test_same_text_twice_and_in_fresh_processes():
    here = all_sources()
    assert here == all_sources()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.path.dirname(__file__)]))
    script = "import json, test_readability as t; print(json.dumps(t.all_sources()))"
    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"   # (another one)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=dict(env, PYTHONHASHSEED=seed), cwd=ROOT, check=True)
    assert json.loads(out.stdout.splitlines()[-1]) == here


# Hand-written gradients that use algebra srcdiff does not do (closed forms of
# the whole backward pass, not the chain rule through f's operations): name ->
# why the generated one is longer. None now (the cubic one was, 9 lines vs 5,
# until the return took the values that fit in it and lost cast_like where it
# changes nothing: 7 lines).
LONGER = {}


@pytest.mark.parametrize("name", [pytest.param(
    n, marks=[pytest.mark.xfail(strict=True, reason=LONGER[n])] if n in LONGER else [])
    for n in HAND])
def test_at_most_one_and_a_half_times_the_hand_written_gradient(name):
    text, _, _ = generated(name)
    hand = inspect.getsource(HAND[name])
    assert code_lines(text) <= 1.5 * code_lines("\n" + hand), (code_lines(text),
                                                              code_lines("\n" + hand), text)


def test_a_real_number_output_is_seeded_with_one_and_not_computed():
    m = load_module("""
def f(x, w):
    y = np.sin(x) * w
    return np.sum(y * y) / x.shape[0]

def stack_det(a):
    return np.linalg.det(a)

def doubled(x):
    return x * 2.0
""")
    rng = _rng()
    x, w = rng.normal(size=4), rng.normal(size=4)
    g = srcdiff.grad(m.f, wrt=("x", "w"))
    got = g(x, w)
    for k in range(2):
        np.testing.assert_allclose(got[k], numeric_grad(m.f, [x, w], k), rtol=1e-6)
    text = "\n".join(line for line in srcdiff.source(g).splitlines()
                     if not line.strip().startswith("#"))
    assert "scalar_seed" not in text and "np.sum" not in text, text
    # a float32 input keeps a float32 gradient (the seed takes the values' type)
    got32 = g(x.astype(np.float32), w.astype(np.float32))
    assert [a.dtype for a in got32] == [np.float32, np.float32]
    np.testing.assert_allclose(got32[0], got[0], rtol=1e-4)
    value, grads = srcdiff.value_and_grad(m.f, wrt=("x", "w"))(x, w)
    np.testing.assert_allclose(value, m.f(x, w))
    np.testing.assert_allclose(grads[1], got[1])
    v = rng.normal(size=4)
    eps = 1e-6
    fd = (g(x + eps * v, w)[0] - g(x - eps * v, w)[0]) / (2 * eps)
    np.testing.assert_allclose(srcdiff.hvp(m.f)(x, w, v), fd, rtol=1e-5, atol=1e-8)
    # outputs that are not one number are still refused, naming the user's line
    for fn, arg in ((m.stack_det, np.stack([2 * np.eye(2), np.eye(2)])),
                    (m.doubled, np.ones(3))):
        with pytest.raises(srcdiff.SrcdiffError, match="scalar output"):
            srcdiff.grad(fn)(arg)


def test_a_short_gradient_goes_into_the_return_a_long_one_stays_named():
    m = load_module("""
def fit(m, n, a, y):
    pred = m + n * a
    return np.sum((pred - y) ** 2)

def long_names(offset_of_the_line, slope_of_the_line, a, y):
    pred = offset_of_the_line + slope_of_the_line * np.sin(a) * np.cos(a) * np.exp(-a)
    return np.sum((pred - y) ** 2)
""")
    a = np.linspace(-1.0, 1.0, 7)
    y = np.cos(a)
    texts = []
    for f, args in ((m.fit, (0.3, -0.2, a, y)), (m.long_names, (0.3, -0.2, a, y))):
        g = srcdiff.grad(f, wrt=(0, 1))
        got = g(*args)
        for k in range(2):
            np.testing.assert_allclose(got[k], numeric_grad(f, list(args), k), rtol=1e-6)
            assert type(got[k]) is not np.ndarray      # a number's gradient is a number
        text = srcdiff.source(g)
        ret = [line for line in text.splitlines() if line.strip().startswith("return ")]
        assert len(ret) == 1 and len(ret[0]) <= 88, text
        assert "cast_like" not in text, text       # (real values only: it changes nothing)
        assert not dead_statements(text) and not copy_only_statements(text), text
        texts.append(text)
    # the short one is all in its return; the long one keeps a named cotangent
    assert code_lines(texts[0]) == 3, texts[0]
    assert re.search(r"^    d\w+ = ", texts[1], re.M), texts[1]


def test_cast_like_stays_where_it_changes_the_value():
    m = load_module("""
def rotated(x, w):
    z = x * np.exp(1j * w)
    return np.sum(np.real(z * np.conj(z)) + np.real(z))

def picked(s, x):
    return np.sum(np.where(x > 0, s, 2.0 * s) * x)
""")
    rng = _rng()
    x = rng.normal(size=5)
    g = srcdiff.grad(m.rotated, wrt=(0, 1))
    got = g(x, 0.4)
    assert np.isrealobj(got[0]) and not isinstance(got[1], complex)
    for k in range(2):
        np.testing.assert_allclose(got[k], numeric_grad(m.rotated, [x, 0.4], k), rtol=1e-6)
    assert "cast_like" in srcdiff.source(g)     # (complex values: the real part is taken)
    g = srcdiff.grad(m.picked, wrt=0)
    got = g(0.7, x)
    np.testing.assert_allclose(got, numeric_grad(m.picked, [0.7, x], 0), rtol=1e-6)
    assert type(got) is not np.ndarray, type(got)
