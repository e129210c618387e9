"""Systematic numeric tests of the rule table (cases in rule_specs.py).

Each check calls the RULE FUNCTIONS directly (not the transformer):
1. vjp against central differences (<u, J e_i> for every real input coordinate),
2. jvp against central differences along a random tangent,
3. vjp/jvp consistency: <u, J v> both ways,
4. second order: d/dw <vjp(u, f(x), x), v> == d/dv <u, jvp(f(x), x; w)>
   (symmetry of the second derivative of <u, f>), both by central differences
   of the rule functions.
"""
import inspect

import numpy as np

from srcdiff.api.check import (flatten, tree_map, tree_inner, tree_random_like, numerical_jvp,
                           numerical_vjp, max_abs_diff, leaves, _is_float_leaf)
from srcdiff.rules import lookup
from srcdiff.rules.registry import check_rule_result


def _as_plain(x):
    """namedtuple results -> plain tuples (rules receive what the function returns)."""
    return x


def _ct_tree(ans, rng):
    """A random output cotangent shaped like ``ans`` (None-free)."""
    if isinstance(ans, tuple):
        return tuple(_ct_tree(a, rng) for a in ans)
    if isinstance(ans, list):
        return [_ct_tree(a, rng) for a in ans]
    if not _is_float_leaf(ans):
        return None
    return tree_random_like(ans, rng)


def _zeros_none(x):
    return tree_map(lambda a: 0.0 if a is None else a, x)


def _close(got, want, rtol, atol, what, case):
    got = _zeros_none(got)
    want = _zeros_none(want)
    d = max_abs_diff(got, want)
    scale = 0.0
    for t in (got, want):
        for x in leaves(t):
            a = np.abs(np.asarray(x))
            if a.size:
                scale = max(scale, float(np.max(a)))
    tol = atol + rtol * scale
    assert np.isfinite(d) and d <= tol, f"{what} of {case!r}: largest difference {d:.3e} > {tol:.3e}"


def _jvp_names(rule):
    sig = inspect.signature(rule.jvp)
    params = list(sig.parameters.values())[1:]
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    var = [p for p in params if p.kind == p.VAR_POSITIONAL]
    kwonly = [p.name for p in params if p.kind == p.KEYWORD_ONLY]
    return positional, var, kwonly


def call_vjp(rule, g, ans, case, args):
    res = rule.vjp(g, ans, *args, **case.kwargs)
    return check_rule_result(rule, res, len(args))


def call_jvp(rule, ans, case, args, tangents):
    """``tangents``: a dict position -> tangent (missing = zeros)."""
    positional, var, kwonly = _jvp_names(rule)
    kw = {}
    for name in kwonly:
        if not name.startswith("d"):
            continue
        pname = name[1:]
        pos = None
        for i, p in enumerate(positional):
            if p.name == pname:
                pos = i
        if pos is not None:
            if pos < len(args):
                t = tangents.get(pos)
                kw[name] = t if t is not None else _zeros_like_tree(args[pos])
            else:
                kw[name] = None
        elif var and var[0].name == pname:
            start = len(positional)
            kw[name] = tuple(tangents.get(i) if tangents.get(i) is not None else _zeros_like_tree(args[i])
                             for i in range(start, len(args)))
        else:
            kw[name] = None
    kw = {k: v for k, v in kw.items() if k not in case.kwargs}
    return rule.jvp(ans, *args, **case.kwargs, **kw)


def _zeros_like_tree(x):
    def z(a):
        if not _is_float_leaf(a):
            return None
        if isinstance(a, (float, complex)):
            return type(a)(0)
        return np.zeros_like(a)
    return tree_map(z, x)


def _with(args, pos, value):
    a = list(args)
    a[pos] = value
    return tuple(a)


def run_case(case, seed=0):
    rng = np.random.default_rng(seed)
    rule = lookup(case.func)
    assert rule is not None and (rule.vjp is not None or rule.jvp is not None), \
        f"no vjp/jvp rule for {case.func!r}"
    if rule.jvp is None:  # a reverse-only rule: check what there is
        case.only_vjp = True
    # (np.r_ and np.c_ are called by indexing: np.r_[key])
    f = case.func if callable(case.func) else case.func.__getitem__
    args, kwargs = case.args, case.kwargs
    eps = case.eps
    if case.wrt is None:
        case.wrt = tuple(i for i, a in enumerate(args) if any(_is_float_leaf(x) for x in leaves(a)))

    def call(*a):
        out = f(*a, **kwargs)
        # (an iterator, enumerate's, is read as a list, as users read it)
        return list(out) if hasattr(out, "__next__") else out

    ans = call(*args)
    u = _ct_tree(ans, rng)

    # 1. vjp vs central differences
    cts = call_vjp(rule, u, ans, case, args)
    for pos in case.wrt:
        want = numerical_vjp(lambda xi, pos=pos: call(*_with(args, pos, xi)), args[pos], u, eps)
        got = cts[pos]
        if got is None:
            got = _zeros_like_tree(args[pos])
        if isinstance(args[pos], (list, tuple)):
            assert isinstance(got, (list, tuple)) and len(got) == len(args[pos]), \
                f"vjp of {case!r}: cotangent of list argument {pos} is not a list of its length"
            got = list(_zeros_like_tree(a) if c is None else c for c, a in zip(got, args[pos]))
        else:
            assert np.shape(got) == np.shape(args[pos]), \
                f"vjp of {case!r}: cotangent shape {np.shape(got)} != input shape {np.shape(args[pos])}"
        _close(got, want, case.rtol, case.atol, f"vjp (argument {pos})", case)

    if case.only_vjp:
        return
    # 2. jvp vs central differences
    v = {pos: tree_random_like(args[pos], rng) for pos in case.wrt}
    tangents_full = tuple(v.get(i) for i in range(len(args)))
    want = numerical_jvp(call, args, tangents_full, eps)
    got = call_jvp(rule, ans, case, args, v)
    if isinstance(ans, tuple):
        got = tuple(_zeros_like_tree(a) if t is None else t for t, a in zip(got, ans))
    _close(got, want, case.rtol, case.atol, "jvp", case)

    # 3. consistency <u, J v>
    lhs = tree_inner(u, got)
    rhs = sum(tree_inner(_zeros_none_ct(cts[pos], args[pos]), v[pos]) for pos in case.wrt)
    scale = 1.0 + abs(lhs) + abs(rhs)
    assert abs(lhs - rhs) <= 1e-7 * scale + 1e-5 * scale * (case.rtol / 1e-5), \
        f"vjp/jvp consistency of {case!r}: {lhs!r} vs {rhs!r}"

    # 4. second order (symmetry of d2 <u, f>)
    if case.second:
        w = {pos: tree_random_like(args[pos], rng) for pos in case.wrt}

        def vjp_pair(*a):
            an = call(*a)
            c = call_vjp(rule, u, an, case, a)
            return sum(tree_inner(_zeros_none_ct(c[pos], a[pos]), v[pos]) for pos in case.wrt)

        def jvp_pair(*a):
            an = call(*a)
            t = call_jvp(rule, an, case, a, w)
            if isinstance(an, tuple):
                t = tuple(_zeros_like_tree(x) if y is None else y for y, x in zip(t, an))
            return tree_inner(u, t)

        e2 = 1e-5
        d_vjp = numerical_jvp(vjp_pair, args, tuple(w.get(i) for i in range(len(args))), e2)
        d_jvp = numerical_jvp(jvp_pair, args, tangents_full, e2)
        tol = 1e-5 * (1 + abs(d_vjp) + abs(d_jvp)) * max(1.0, case.rtol / 1e-5)
        assert abs(d_vjp - d_jvp) <= tol, \
            f"second order of {case!r}: d<vjp,v>/dw = {d_vjp!r} vs d<u,jvp>/dv = {d_jvp!r}"


def _zeros_none_ct(c, a):
    if c is None:
        return _zeros_like_tree(a)
    if isinstance(a, (list, tuple)) and isinstance(c, (list, tuple)):
        return [_zeros_like_tree(x) if y is None else y for y, x in zip(c, a)]
    return c


# ----------------------------------------------------------------------------
# tests
# ----------------------------------------------------------------------------

import pytest  # noqa: E402

import srcdiff.rules as rules  # noqa: E402
from rule_specs import SPECS  # noqa: E402

def _through_transforms_only():
    """Rules checked through the public transforms only (tests/test_sweep.py and
    their own test files): a direct call evaluates every cotangent, and these
    refuse some parameters by raising (np.polyfit's x, np.interp's xp, the
    shape parameters and orders of the scipy.special functions without a closed
    form), or return a bool item this harness cannot difference (cho_factor), or
    take defaults the transformer fills in (scipy.stats methods)."""
    out = {np.polyfit, np.interp, np.select}   # (np.select: lists of arrays this harness does not difference)
    out |= {np.quantile, np.percentile, np.nanquantile, np.nanpercentile}   # (they refuse q)
    out |= {np.cov}     # (it refuses aweights; tests/test_numpy_more.py checks it at order two)
    # scipy.stats methods: the transformer fills their default loc/scale (a direct
    # call passes None); the sweep and tests/test_stats.py check them as users call them
    out |= {f for f in SPECS if type(getattr(f, "__self__", None)).__module__.startswith("scipy.stats")}
    try:
        from scipy import linalg, special
        import scipy.integrate
        out |= {scipy.integrate.solve_ivp}     # (its result is read by attribute: sol.y)
        out |= {linalg.cho_factor, special.gammainc, special.gammaincc, special.betainc, special.jv,
                special.iv, special.ive, special.kv}
    except ImportError:  # pragma: no cover
        pass
    return out


_ALL_CASES = [pytest.param(c, id=repr(c),
                           marks=[pytest.mark.xfail(reason=c.xfail, strict=True)] if c.xfail else [])
              for func, cases in SPECS.items() if func not in _through_transforms_only() for c in cases]


@pytest.mark.parametrize("case", _ALL_CASES)
def test_rule(case):
    run_case(case)


# ----------------------------------------------------------------------------
# every public rule has a numeric test; the non-differentiable list
# ----------------------------------------------------------------------------

def _is_internal(rule):
    """srcdiff's own runtime/support helpers (their rules are exercised through
    the rules that call them)."""
    return rule.name.startswith("srcdiff.")


_BUILTIN_MODULES = ("numpy.", "scipy.", "math.", "builtins.", "operator.")


def test_every_public_rule_has_a_spec():
    from srcdiff.rules.listing import display_name
    # the built-in table only: other tests register rules of their own user functions
    missing = [r.name for r in rules.all_rules()
               if not r.nondiff and not _is_internal(r) and (r.vjp or r.jvp) and r.func not in SPECS
               and display_name(r).startswith(_BUILTIN_MODULES)]
    assert not missing, "rules without a numeric test in tests/rule_specs.py: " + ", ".join(missing)


def test_every_spec_names_a_rule_with_both_modes():
    for func in SPECS:
        rule = rules.lookup(func)
        assert rule is not None and rule.vjp, f"{func!r} has a spec but no vjp rule"


def test_count_of_callables_with_both_rules():
    assert sum(1 for r in rules.all_rules() if r.vjp and r.jvp) >= 200


def test_nondifferentiable_list():
    import math
    import numpy as np
    for f in (np.argmax, np.argmin, np.argsort, np.floor, np.ceil, np.round, np.isnan, np.isfinite,
              np.zeros_like, np.ones_like, np.empty_like, np.shape, np.ndim, np.size,
              np.heaviside, np.zeros, np.ones, np.empty, np.eye, np.random.normal, np.random.rand,
              np.random.randn, np.random.uniform, np.random.Generator.normal, math.floor, math.ceil,
              np.fft.fftfreq, np.linalg.matrix_rank):
        rule = rules.lookup(f)
        assert rule is not None and rule.nondiff, f"{f!r} should be registered non-differentiable"


def test_listing():
    from srcdiff.rules.listing import rules_table, coverage_markdown
    lines = rules_table()
    assert any(line.startswith("numpy.sin ") and line.endswith("vjp jvp") for line in lines)
    assert any(line.startswith("numpy.argmax ") and line.endswith("nondifferentiable") for line in lines)
    assert any(line.startswith("scipy.special.erf ") for line in lines)
    md = coverage_markdown()
    assert "| `numpy.linalg`" in md and "| `numpy.fft`" in md and "cholesky" in md


# ----------------------------------------------------------------------------
# the central-difference utilities themselves
# ----------------------------------------------------------------------------

def test_flatten_unflatten_roundtrip():
    import numpy as np
    from srcdiff.api.check import flatten, unflatten
    tree = {"a": 1.5, "b": [np.arange(3.0), (2 + 1j, np.int64(3), None)], "c": np.float32(2.0)}
    vec = flatten(tree)
    assert vec.tolist() == [1.5, 0.0, 1.0, 2.0, 2.0, 1.0, 2.0]
    back = unflatten(tree, vec * 2)
    assert back["a"] == 3.0 and isinstance(back["a"], float)
    assert back["b"][0].tolist() == [0.0, 2.0, 4.0]
    assert back["b"][1][0] == 4 + 2j and back["b"][1][1] == 3 and back["b"][1][2] is None
    assert back["c"] == np.float32(4.0) and back["c"].dtype == np.float32


def test_numerical_derivatives_on_nested_structures():
    import numpy as np
    from srcdiff.api.check import numerical_jvp, numerical_vjp, numerical_jacobian, tree_inner

    def f(t):
        return {"s": np.sin(t["x"]) * t["y"][0], "p": (t["y"][1] ** 2, 3.0)}

    x = {"x": np.array([0.3, -0.4]), "y": [1.5, np.array(0.7)]}
    J = numerical_jacobian(f, x)
    # outputs: s (2), p[0] (1), p[1] (1 constant); inputs x (2), y0, y1
    want = np.array([[np.cos(0.3) * 1.5, 0, np.sin(0.3), 0],
                     [0, np.cos(-0.4) * 1.5, np.sin(-0.4), 0],
                     [0, 0, 0, 1.4],
                     [0, 0, 0, 0]])
    assert np.allclose(J, want, atol=1e-8)
    v = {"x": np.array([1.0, 2.0]), "y": [0.5, np.array(-1.0)]}
    t = numerical_jvp(lambda a: f(a), (x,), (v,))
    assert np.allclose(t["s"], J[:2] @ [1, 2, 0.5, -1]) and np.isclose(t["p"][0], -1.4)
    u = {"s": np.array([1.0, -1.0]), "p": (2.0, 5.0)}
    ct = numerical_vjp(f, x, u)
    assert np.allclose(ct["x"], [np.cos(0.3) * 1.5, -np.cos(-0.4) * 1.5])
    assert np.isclose(ct["y"][0], np.sin(0.3) - np.sin(-0.4)) and np.isclose(ct["y"][1], 2.8)
    assert np.isclose(tree_inner(u, t), tree_inner(ct, v))


def test_numerical_vjp_complex_convention():
    """Cotangent of z for L = |z|^2 is dL/dRe - i dL/dIm = 2 conj(z) (JAX/autograd)."""
    import numpy as np
    from srcdiff.api.check import numerical_vjp
    z = np.array([1.0 + 2.0j, -0.5 + 0.25j])
    ct = numerical_vjp(lambda w: np.sum(np.abs(w) ** 2), z, 1.0)
    assert np.allclose(ct, 2 * np.conj(z))


# ----------------------------------------------------------------------------
# gradcheck through the transformer (skipped until the transforms exist)
# ----------------------------------------------------------------------------

def _has(*names):
    import srcdiff
    return all(hasattr(srcdiff, n) for n in names)


@pytest.mark.skipif(not _has("vjp", "gradcheck"), reason="srcdiff.vjp / gradcheck not available yet")
def test_gradcheck_reverse_passes_and_fails():
    import numpy as np
    import srcdiff
    import gradcheck_funcs as gf
    x = np.array([0.3, -0.7, 1.1])
    assert srcdiff.gradcheck(gf.good, x, modes=("reverse",))
    srcdiff.vjp_rule(gf.mysin)(gf.mysin_wrong_vjp)  # a deliberately wrong user rule
    with pytest.raises(AssertionError, match="argument 'x'.*reverse.*largest difference"):
        srcdiff.gradcheck(gf.uses_mysin, x, modes=("reverse",))


@pytest.mark.skipif(not _has("vjp", "jvp", "gradcheck"), reason="srcdiff.jvp not available yet")
def test_gradcheck_forward_and_second_order():
    import numpy as np
    import srcdiff
    from gradcheck_funcs import good
    x = np.array([0.3, -0.7, 1.1])
    assert srcdiff.gradcheck(good, x)
    assert srcdiff.gradcheck(good, x, order=2)
