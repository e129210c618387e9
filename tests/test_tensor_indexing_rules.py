"""The rules in srcdiff/rules/indexing.py (operator.getitem, scatter_add,
index_update), checked directly against central differences, and through the
source transformer with srcdiff.api.check.gradcheck."""
import operator

import numpy as np
import pytest

from srcdiff.rules import lookup
from srcdiff.runtime import scatter_add, index_update, is_basic_index

R = np.random.default_rng(3)
X = R.standard_normal((4, 5))

INDICES = [2, -1, (1, 3), slice(1, 3), (slice(None), 2), (Ellipsis, 0), (None, 1),
           [0, 2], [2, 2, 0], (np.array([0, 0, 3]), np.array([1, 1, 4])),
           X > 0, (slice(None), [4, 4, 1])]


def numeric_vjp(f, x, g, eps=1e-6):
    out = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[k] += eps
        xm[k] -= eps
        out[k] = np.sum(g * (f(xp) - f(xm))) / (2 * eps)
    return out


@pytest.mark.parametrize("idx", INDICES)
def test_getitem_vjp_and_jvp(idx):
    rule = lookup(operator.getitem)
    ans = X[idx]
    g = R.standard_normal(np.shape(ans))
    dx, didx = rule.vjp(g, ans, X, idx)
    assert didx is None
    np.testing.assert_allclose(dx, numeric_vjp(lambda x: x[idx], X, g), atol=1e-8)
    t = R.standard_normal(X.shape)
    np.testing.assert_allclose(rule.jvp(ans, X, idx, dx=t), t[idx])


@pytest.mark.parametrize("idx", INDICES)
def test_scatter_add_rules(idx):
    g = R.standard_normal(np.shape(X[idx]))
    s = scatter_add(g, X, idx)
    assert s.shape == X.shape
    rule = lookup(scatter_add)
    gg = R.standard_normal(X.shape)
    dg = rule.vjp(gg, s, g, X, idx)[0]
    np.testing.assert_allclose(dg, numeric_vjp(lambda v: scatter_add(v, X, idx), g, gg),
                               atol=1e-8)
    np.testing.assert_allclose(rule.jvp(s, g, X, idx, dg=gg[idx]), scatter_add(gg[idx], X, idx))


@pytest.mark.parametrize("idx,vshape", [(2, (5,)), ((1, 3), ()), (slice(1, 3), (2, 5)),
                                        (slice(1, 3), (5,)), ([0, 2], (2, 5)),
                                        ((slice(None), 1), (4,)), ((slice(None), 1), (1,)),
                                        ((slice(0, 2), slice(1, 3)), (1, 2)),
                                        (X > 0, ())])
def test_index_update_rules(idx, vshape):
    v = R.standard_normal(vshape)
    ans = index_update(X, idx, v)
    expected = X.copy()
    expected[idx] = v
    np.testing.assert_array_equal(ans, expected)
    assert not np.shares_memory(ans, X)
    rule = lookup(index_update)
    g = R.standard_normal(X.shape)
    dx, didx, dv = rule.vjp(g, ans, X, idx, v)
    assert didx is None
    np.testing.assert_allclose(dx, numeric_vjp(lambda x: index_update(x, idx, v), X, g),
                               atol=1e-8)
    np.testing.assert_allclose(dv, numeric_vjp(lambda w: index_update(X, idx, w), v, g),
                               atol=1e-8)
    tx, tv = R.standard_normal(X.shape), R.standard_normal(vshape)
    eps = 1e-6
    num = (index_update(X + eps * tx, idx, v + eps * tv)
           - index_update(X - eps * tx, idx, v - eps * tv)) / (2 * eps)
    np.testing.assert_allclose(rule.jvp(ans, X, idx, v, dx=tx, dv=tv), num, atol=1e-8)


def test_getitem_on_lists_tuples_and_dicts():
    rule = lookup(operator.getitem)
    xs = [np.ones(2), np.zeros(3), 2.0]
    d = rule.vjp(np.array([5.0, 6.0, 7.0]), xs[1], xs, 1)[0]
    assert isinstance(d, list) and np.all(d[0] == 0) and d[2] == 0.0
    np.testing.assert_array_equal(d[1], [5.0, 6.0, 7.0])
    d = rule.vjp([np.ones(2), np.ones(3)], xs[0:2], tuple(xs), slice(0, 2))[0]
    assert isinstance(d, tuple) and d[2] == 0.0 and np.all(d[1] == 1)
    d = rule.vjp(3.0, 1.0, {"a": 1.0, "b": 2.0}, "b")[0]
    assert d == {"a": 0.0, "b": 3.0}


def test_is_basic_index():
    assert is_basic_index(1) and is_basic_index((slice(None), 2)) and is_basic_index(X > 0)
    assert not is_basic_index([0, 0]) and not is_basic_index((np.array([1]), 2))


def _gradcheck():
    try:
        from srcdiff.api.check import gradcheck
    except ImportError:
        pytest.skip("srcdiff.api.check.gradcheck not available")
    return gradcheck


def _modes():
    import srcdiff
    return ("reverse", "forward") if hasattr(srcdiff, "jvp") else ("reverse",)


def test_getitem_through_source_transformation():
    gradcheck = _gradcheck()
    from numeric import load_function
    f = load_function("""
        def f(x):
            return np.sum(x[[0, 0, 2]] ** 2) + x[1, 3] * np.sum(x[2] * x[0])
    """)
    assert gradcheck(f, X, modes=_modes())


def test_sliced_getitem_through_source_transformation():
    gradcheck = _gradcheck()
    from numeric import load_function
    f = load_function("""
        def f(x):
            return np.sum(x[2:, 1:3] ** 2) + np.sum(x[:, 1])
    """)
    assert gradcheck(f, X, modes=_modes())
