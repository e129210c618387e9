"""How the transformer applies the rules: every rule of the table, called from a
user-level function in a real file, differentiated through the public transforms.

tests/test_rules.py checks the rule functions' maths by calling them directly;
this file checks what the transformer does with them: the cotangent a rule gives
reaches the right argument whole (inlined or called), and the code generated
from a rule can be differentiated again (forward-over-reverse by ``hvp`` and
``jvp(grad(f))``, reverse-over-reverse by ``jacobian(grad(f))``), compared with
central differences of the gradient.

Each case of tests/rule_specs.py becomes ``def f(x0, x1, ...)``: the case's
floating arguments are parameters (the floating items of a list argument each
one parameter, put back into a list literal), the other arguments and the
keywords are module constants, and the result is reduced to a real scalar with
fixed weights (``np.real(y * w)`` for each floating output).
"""
import builtins
import itertools
import math

import numpy as np
import pytest

import srcdiff
from srcdiff import grad, hvp, jacobian, jvp
from srcdiff.check import _is_float_leaf, leaves
from srcdiff.rules import lookup

from numeric import load_function, numeric_grad
from rule_specs import SPECS

CASES_PER_RULE = 2


def _is_real_leaf(x):
    return _is_float_leaf(x) and not np.iscomplexobj(x)


def _has_complex(x):
    return any(_is_float_leaf(a) and np.iscomplexobj(a) for a in leaves(x))


def _selected(cases):
    """The first case, and the case whose call differs most from it (another
    number of positional arguments or other keywords), at most CASES_PER_RULE."""
    def sig(c):
        return (len(c.args), tuple(sorted(c.kwargs)),
                tuple(type(a).__name__ for a in c.args))
    usable = [c for c in cases if c.xfail is None and not _has_complex(c.args)
              and not _has_complex(c.kwargs)]
    out, seen = [], set()
    for c in usable:
        if sig(c) not in seen:
            seen.add(sig(c))
            out.append(c)
    return out[:CASES_PER_RULE]


def _all_cases():
    for func, cases in SPECS.items():
        for k, case in enumerate(_selected(cases)):
            yield pytest.param(case, id=f"{case!r}"[:90] + f"#{k}")


class _Program:
    """The user-level function of one case and its differentiated inputs."""

    def __init__(self, case, rng):
        self.case = case
        self.consts = {"F": case.func}
        self.params, self.values = [], []
        wrt = case.wrt if case.wrt is not None else tuple(
            i for i, a in enumerate(case.args) if any(_is_real_leaf(x) for x in leaves(a)))
        args = [self._arg(a, i, i in wrt) for i, a in enumerate(case.args)]
        kws = [f"{k}={self._const(v)}" for k, v in case.kwargs.items()]
        out = case.func(*case.args, **case.kwargs)
        terms = self._terms("y", out, rng)
        body = " + ".join(terms) if terms else "0.0 * x0"
        self.source = (f"def f({', '.join(self.params)}):\n"
                       f"    y = F({', '.join(args + kws)})\n"
                       f"    return {body}\n")

    def _const(self, value):
        name = f"c{len(self.consts)}"
        self.consts[name] = value
        return name

    def _arg(self, a, i, differentiated):
        if differentiated and isinstance(a, (list, tuple)) and any(
                _is_real_leaf(x) for x in leaves(a)):
            items = [self._arg(x, i, True) for x in a]
            text = ", ".join(items) + ("," if isinstance(a, tuple) and len(a) == 1 else "")
            return f"[{text}]" if isinstance(a, list) else f"({text})"
        if differentiated and _is_real_leaf(a):
            name = f"x{len(self.params)}"
            self.params.append(name)
            self.values.append(float(a) if isinstance(a, float) else np.array(a, dtype=float))
            return name
        return self._const(a)

    def _terms(self, expr, out, rng):
        if isinstance(out, (list, tuple)):
            return [t for k, item in enumerate(out)
                    for t in self._terms(f"{expr}[{k}]", item, rng)]
        if not _is_float_leaf(out):
            return []
        w = rng.uniform(0.5, 1.5, np.shape(out)) + 1j * rng.uniform(0.5, 1.5, np.shape(out))
        if not np.iscomplexobj(out):
            w = w.real
        if isinstance(out, float):
            return [f"{expr} * {self._const(float(w))}"]
        return [f"np.sum(np.real({expr} * {self._const(w)}))"]

    def function(self):
        return load_function(self.source, "f", **self.consts)


def _directions(values, rng):
    return [rng.uniform(-1, 1) if isinstance(v, float) else rng.uniform(-1, 1, np.shape(v))
            for v in values]


def _shift(values, vs, eps):
    return [x + eps * v for x, v in zip(values, vs)]


def _difference_of_grad(g, values, vs, eps=1e-5):
    """Central differences of the gradient along ``vs``: H @ vs."""
    plus, minus = g(*_shift(values, vs, eps)), g(*_shift(values, vs, -eps))
    return [(np.asarray(p) - np.asarray(m)) / (2 * eps) for p, m in zip(plus, minus)]


def _close(got, want, rtol, atol, what):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, want {want.shape}"
    assert not np.iscomplexobj(got) or not np.any(np.imag(got)), \
        f"{what}: a complex result for a real input"
    scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
    np.testing.assert_allclose(np.real(got), want, rtol=rtol, atol=atol * scale,
                               err_msg=what)


@pytest.mark.parametrize("case", list(_all_cases()))
def test_rule_through_the_transforms(case):
    rng = np.random.default_rng(17)
    prog = _Program(case, rng)
    if not prog.params:
        pytest.skip("no floating argument to differentiate")
    f = prog.function()
    values = prog.values
    single = len(values) == 1
    wrt = 0 if single else tuple(range(len(values)))

    def g(*xs):
        res = grad(f, wrt=wrt)(*xs)
        return [res] if single else list(res)

    def tup(vs):
        return vs[0] if single else tuple(vs)

    def listed(res):
        return [res] if single else list(res)

    got = g(*values)
    positions = range(len(values))
    for k in positions:
        _close(got[k], numeric_grad(f, values, k, case.eps), case.rtol, case.atol,
               f"grad x{k} of\n{prog.source}")
    if not case.second or case.only_vjp:
        return
    vs = _directions(values, rng)
    want = _difference_of_grad(g, values, vs)
    rtol, atol = max(case.rtol, 1e-4), max(case.atol, 1e-5)
    h = listed(hvp(f, wrt=wrt)(*values, tup(vs)))
    for k in positions:
        _close(h[k], want[k], rtol, atol, f"hvp x{k} of\n{prog.source}")
    _, dg = jvp(grad(f, wrt=wrt), tuple(values), tuple(vs))
    dg = listed(dg)
    for k in positions:
        _close(dg[k], want[k], rtol, atol, f"jvp(grad) x{k} of\n{prog.source}")
    J = jacobian(grad(f, wrt=0), wrt=0)(*values)
    n = int(np.size(values[0]))
    for j in range(n):
        e = np.zeros(n)
        e[j] = 1.0
        basis = [np.reshape(e, np.shape(values[0])) if k == 0 else 0.0 * np.asarray(v)
                 for k, v in enumerate(values)]
        col = _difference_of_grad(g, values, [float(b) if isinstance(v, float) else b
                                              for b, v in zip(basis, values)])[0]
        _close(np.reshape(J, (np.size(col), n))[:, j], np.ravel(col), rtol, atol,
               f"jacobian(grad) column {j} of\n{prog.source}")
