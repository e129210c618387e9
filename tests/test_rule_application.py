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
import numpy as np
import pytest

import srcdiff
from srcdiff import grad, hessian, hvp, jacobian, jvp
from srcdiff.api.check import _is_float_leaf, leaves

from numeric import load_function, numeric_grad
from rule_specs import SPECS

CASES_PER_RULE = 1     # (test_sweep runs every case of every rule)


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
    import scipy.integrate
    for func, cases in SPECS.items():
        if func is scipy.integrate.solve_ivp:
            continue    # its result is read by attribute (sol.y): test_sweep and test_integrate
        for k, case in enumerate(_selected(cases)):
            yield pytest.param(case, k == 0, id=f"{case!r}"[:90] + f"#{k}")


class _Program:
    """The user-level function of one case and its differentiated inputs."""

    def __init__(self, case, rng):
        self.case = case
        self.consts = {"F": case.func}
        self.params, self.values = [], []
        wrt = case.wrt if case.wrt is not None else tuple(
            i for i, a in enumerate(case.args) if any(_is_real_leaf(x) for x in leaves(a)))
        if callable(case.func):
            args = [self._arg(a, i, i in wrt) for i, a in enumerate(case.args)]
            kws = [f"{k}={self._const(v)}" for k, v in case.kwargs.items()]
            out = case.func(*case.args, **case.kwargs)
            value = f"F({', '.join(args + kws)})"
        else:       # np.r_ / np.c_: the one argument is the key, F[a, b]
            key = case.args[0]
            items = key if isinstance(key, tuple) else (key,)
            value = f"F[{', '.join(self._arg(a, 0, True) for a in items)}]"
            out = case.func[key]
        terms = self._terms("y", out, rng)
        body = " + ".join(terms) if terms else "0.0 * x0"
        self.source = (f"def f({', '.join(self.params)}):\n"
                       f"    y = {value}\n"
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


@pytest.mark.parametrize("case, whole", list(_all_cases()))
def test_rule_through_the_transforms(case, whole):
    """grad of every selected case; at order two, hvp of every case, and
    jvp(grad(f)) and jacobian(grad(f)) of each rule's first case (test_sweep runs
    them on every case with SRCDIFF_SWEEP=full)."""
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

    got = g(*values)
    positions = range(len(values))
    for k in positions:
        _close(got[k], numeric_grad(f, values, k, case.eps), case.rtol, case.atol,
               f"grad x{k} of\n{prog.source}")
    if not case.second or case.only_vjp:
        return
    try:
        _check_second_order(f, g, values, single, wrt, rng, case, prog.source, whole)
    except srcdiff.SrcdiffError as e:
        # an honest refusal (documented in README) names what has no second derivative
        assert "second derivatives" in str(e), str(e)


def _check_second_order(f, g, values, single, wrt, rng, case, source, whole=True):
    positions = range(len(values))

    def tup(vs):
        return vs[0] if single else tuple(vs)

    def listed(res):
        return [res] if single else list(res)

    vs = _directions(values, rng)
    want = _difference_of_grad(g, values, vs)
    rtol, atol = max(case.rtol, 1e-4), max(case.atol, 1e-5)
    h = listed(hvp(f, wrt=wrt)(*values, tup(vs)))
    for k in positions:
        _close(h[k], want[k], rtol, atol, f"hvp x{k} of\n{source}")
    if not whole:
        return
    _, dg = jvp(grad(f, wrt=wrt), tuple(values), tuple(vs))
    dg = listed(dg)
    for k in positions:
        _close(dg[k], want[k], rtol, atol, f"jvp(grad) x{k} of\n{source}")
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
               f"jacobian(grad) column {j} of\n{source}")


# ---- regressions of issue 17, each class through the public transforms ------------

def _check_orders(source, x, second=True, **consts):
    """grad of ``f(x)`` against central differences of ``f``; hvp, hessian,
    jvp(grad) and jacobian(grad) against central differences of the gradient."""
    f = load_function(source, "f", **consts)
    rng = np.random.default_rng(3)
    g = grad(f)
    got = g(x)
    want = numeric_grad(f, [x], 0)
    _close(got, want, 1e-5, 1e-6, f"grad of\n{source}")
    if not second:
        return f
    v = rng.uniform(-1, 1, np.shape(x))
    hv = _difference_of_grad(lambda y: [g(y)], [x], [v])[0]
    _close(hvp(f)(x, v), hv, 1e-4, 1e-5, f"hvp of\n{source}")
    _close(jvp(g, (x,), (v,))[1], hv, 1e-4, 1e-5, f"jvp(grad) of\n{source}")
    n = np.size(x)
    cols = [_difference_of_grad(lambda y: [g(y)], [x], [np.reshape(e, np.shape(x))])[0]
            for e in np.eye(n)]
    H = np.stack([np.ravel(c) for c in cols], axis=-1)
    _close(np.reshape(hessian(f)(x), (n, n)), H, 1e-4, 1e-5, f"hessian of\n{source}")
    _close(np.reshape(jacobian(g)(x), (n, n)), H, 1e-4, 1e-5, f"jacobian(grad) of\n{source}")
    return f


X34 = np.linspace(-1.0, 1.3, 12).reshape(3, 4) ** 2 + 0.1 * np.arange(12).reshape(3, 4) % 0.7


@pytest.mark.parametrize("body", [
    "np.sum(np.sin(np.rot90(x)))",
    "np.sum(np.cos(np.rot90(x, 3, (1, 0))) * W.T)",
    "np.sum(np.pad(x, 1) ** 2 * np.pad(W, 1))",
    "np.sum(np.pad(x, ((1, 0), (2, 1)), mode='edge') ** 3)",
    "np.sum(np.abs(np.fft.fft2(x)) ** 2 * W)",
    "np.sum(np.real(np.fft.ifft2(x, s=(4, 5)) * np.pad(W, ((0, 1), (0, 1)))) ** 2)",
    "np.sum(np.real(np.fft.rfft2(x)) ** 2 + np.imag(np.fft.rfft2(x * W)) ** 2)",
    "np.sum(np.fft.irfft2(np.fft.rfft2(x * W), s=(3, 4)) ** 3)",
    "np.sum(np.linalg.svd(x, compute_uv=False) ** 3)",
])
def test_called_rules_give_whole_cotangents(body):
    """Class 1: a rule returning the first parameter's cotangent alone (rot90, pad,
    fft2 and relatives, svd without u and v) gave a part of it (shape (4,) for (3, 4))."""
    _check_orders(f"def f(x):\n    return {body}\n", X34.copy(),
                  W=np.cos(np.arange(12.0)).reshape(3, 4))


@pytest.mark.parametrize("source", [
    "import scipy.special\ndef f(x):\n    return np.sum(scipy.special.logsumexp(x, b=B) ** 2)\n",
    "import scipy.special\ndef f(x):\n    return scipy.special.logsumexp(x[0], axis=0, b=x[1] ** 2)\n",
    "def f(x):\n    return np.sum(np.cross(x, Y, axis=0) ** 2)\n",
    "def f(x):\n    return np.sum(np.cross(x, x[::-1] * 2.0) * W)\n",
    "def f(x):\n    return np.sum(np.linalg.cross(x, Y) ** 2)\n",
    "def f(x):\n    return math.log(np.sum(x ** 2), 1.5 + np.sum(x))\n",
])
def test_conditional_rule_results_give_arrays(source):
    """Class 2: a rule choosing between tuples of cotangents by a test on its
    arguments returned the whole tuple as one gradient."""
    x = np.array([[0.3, -0.4, 0.5], [0.7, 0.2, -0.1], [0.4, 0.9, 0.6]])
    consts = dict(B=np.array([1.0, 2.0, 3.0]), Y=np.cos(np.arange(9.0)).reshape(3, 3),
                  W=np.sin(np.arange(9.0)).reshape(3, 3))
    f = _check_orders(source, x, **consts)
    assert isinstance(grad(f)(x), np.ndarray)


@pytest.mark.parametrize("body", [
    "np.sum(np.clip(x, -0.35, 0.45) ** 2 * x)",
    "np.sum(np.clip(x, a_min=None, a_max=0.45) ** 3)",
    "np.sum(np.einsum('ij,j->i', x, x[0]) ** 2)",
    "np.einsum('ij,ij', x, np.sin(x))",
    "np.sum(np.atleast_2d(x[0]) ** 2 * np.atleast_1d(x[1, 1]))",
    "np.sum(np.atleast_3d(x) ** 3)",
    "max(np.sum(x ** 2), np.sum(x) * 3.0, 0.1) * np.sum(np.sin(x))",
    "min([np.sum(x ** 2), 7.0]) ** 2",
    "np.sum(np.broadcast_arrays(x[0], x[:, :1])[1] ** 2 * x)",
    "np.sum(np.vecdot(x, np.exp(x), axis=0) ** 2)",
    "np.sum(scipy.special.i0e(x) * x)",
    "math.hypot(np.sum(x), np.sum(x ** 2)) ** 2",
])
def test_generated_code_is_differentiable_again(body):
    """Class 5: hvp, hessian, jvp(grad) and jacobian(grad) of code calling rules
    with *args, **kwargs, tuple defaults or conditional results."""
    _check_orders(f"import scipy.special\ndef f(x):\n    return {body}\n",
                  np.array([[0.3, -0.4, 0.5], [0.7, 0.2, -0.1]]))


@pytest.mark.parametrize("body", [
    "np.sum(np.linalg.svd(x)[1] ** 3)",
    "np.sum(np.linalg.eigh(x @ x.T)[0] ** 2)",
    "np.linalg.slogdet(x @ x.T + np.eye(3))[1]",
    "np.sum(np.linalg.qr(x)[1] ** 2)",
])
def test_named_tuple_results_are_indexed(body):
    """Class 8: indexing a np.linalg named-tuple result crashed in zeros_like_value."""
    x = np.array([[2.0, 0.3, -0.1], [0.2, 1.1, 0.4], [0.5, -0.3, 0.6]])
    _check_orders(f"def f(x):\n    return {body}\n", x, W=np.array([[1.0, 0.5, 0.25]]))


def test_dict_get_with_a_default():
    """Class 8: d.get("missing", x) raised KeyError (it was taken as d["missing"])."""
    source = ("def f(x):\n"
              "    d = {'a': x * 2.0}\n"
              "    return np.sum(d.get('missing', x) ** 3) + np.sum(d.get('a') * x)"
              " + np.sum(d.get('a', x * 5.0) ** 2)\n")
    _check_orders(source, np.array([0.3, -0.5, 0.8]))


def test_vjp_of_grad_of_append():
    """Class 8: vjp of grad(f) for f using np.append."""
    f = _check_orders("def f(x):\n    return np.sum(np.append(x, x[:2] ** 2) ** 2)\n",
                      np.array([0.3, -0.5, 0.8]))
    x, u = np.array([0.3, -0.5, 0.8]), np.array([1.0, 2.0, -1.0])
    _, back = srcdiff.vjp(grad(f), x)
    want = _difference_of_grad(lambda y: [grad(f)(y)], [x], [u])[0]   # H symmetric
    _close(back(u)[0], want, 1e-4, 1e-5, "vjp of grad of append")


def test_forward_rule_keeps_its_own_defaults():
    """A forward rule's default (linspace's axis=0) passed on to np.sum was dropped as
    if it were np.sum's own (axis=None): a crash or a wrong tangent."""
    f = load_function("def f(a, b):\n    return np.linspace(a, b, 4) ** 2\n", "f")
    a, b, da, db = np.array([0.5, 1.0]), np.array([2.0, -1.0]), np.array([1.0, 0.3]), \
        np.array([-0.2, 0.7])
    eps = 1e-6
    want = (f(a + eps * da, b + eps * db) - f(a - eps * da, b - eps * db)) / (2 * eps)
    _close(jvp(f, (a, b), (da, db))[1], want, 1e-6, 1e-7, "jvp of linspace")


def test_rules_of_user_facing_callables_are_inlined():
    """By construction, first-order code calls NumPy and srcdiff's helpers (which
    have rules, or are plain code the inliner differentiates), never a rule
    function: every rule of a NumPy/math/scipy/builtin callable is inlinable
    (a rule the template cannot read would be called, and its *args/**kwargs
    would stop the next differentiation)."""
    from srcdiff.rules import all_rules
    from srcdiff.ir.templates import template
    libraries = ("numpy", "math", "scipy", "builtins", "operator")
    called = [f"{r.name} ({kind})" for r in all_rules() if r.name.split(".")[0] in libraries
              for kind in ("vjp", "jvp")
              if getattr(r, kind) is not None and not template(getattr(r, kind)).inlinable]
    assert called == []
