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

from srcdiff.check import (flatten, tree_map, tree_inner, tree_random_like, numerical_jvp,
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
    assert rule is not None and rule.vjp is not None and rule.jvp is not None, \
        f"no vjp/jvp rule for {case.func!r}"
    f, args, kwargs = case.func, case.args, case.kwargs
    eps = case.eps
    if case.wrt is None:
        case.wrt = tuple(i for i, a in enumerate(args) if any(_is_float_leaf(x) for x in leaves(a)))

    def call(*a):
        return f(*a, **kwargs)

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

_ALL_CASES = [pytest.param(c, id=repr(c),
                           marks=[pytest.mark.xfail(reason=c.xfail, strict=True)] if c.xfail else [])
              for cases in SPECS.values() for c in cases]


@pytest.mark.parametrize("case", _ALL_CASES)
def test_rule(case):
    run_case(case)
