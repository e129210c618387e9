"""Order statistics, covariances, integrals, ufunc methods and set operations in
realistic functions, through the public transforms at orders one and two (against
central differences), and the refusals of what has no derivative."""
import numpy as np
import pytest

import srcdiff
from srcdiff import SrcdiffError

rng = np.random.default_rng(18)


def fd_grad(f, args, i, eps=1e-6):
    out = np.zeros(np.shape(args[i]))
    for k in range(out.size):
        up, down = [np.array(a, dtype=float) for a in args], [np.array(a, dtype=float) for a in args]
        up[i].flat[k] += eps
        down[i].flat[k] -= eps
        out.flat[k] = (f(*up) - f(*down)) / (2 * eps)
    return out


def check_orders(f, args, wrt=0, rtol=1e-5, atol=1e-6):
    """grad against central differences of f; the Hessian (and a jvp of the gradient)
    against central differences of that gradient."""
    g = srcdiff.grad(f, wrt=wrt)
    np.testing.assert_allclose(g(*args), fd_grad(f, args, wrt), rtol=rtol, atol=atol)
    x = np.asarray(args[wrt], dtype=float)
    H = np.zeros((x.size, x.size))
    for k in range(x.size):
        up, down = list(args), list(args)
        up[wrt], down[wrt] = x.copy(), x.copy()
        up[wrt].flat[k] += 1e-5
        down[wrt].flat[k] -= 1e-5
        H[:, k] = np.ravel(g(*up) - g(*down)) / 2e-5
    np.testing.assert_allclose(np.reshape(srcdiff.hessian(f, wrt=wrt)(*args), H.shape), H, rtol=1e-4, atol=1e-5)
    v = rng.standard_normal(x.shape)
    tangents = tuple(v if i == wrt else np.zeros_like(np.asarray(a, dtype=float)) for i, a in enumerate(args))
    _, hv = srcdiff.jvp(g, tuple(args), tangents)
    np.testing.assert_allclose(np.ravel(hv), H @ np.ravel(v), rtol=1e-4, atol=1e-5)


# ---- users' functions -----------------------------------------------------------------------

def robust_fit_loss(w, X, y):
    """Least median of squares with a quantile spread and a ridge term."""
    r = X @ w - y
    spread = np.quantile(r, 0.75) - np.quantile(r, 0.25)
    return np.median(r ** 2) + 0.3 * spread ** 2 + 0.05 * np.sum(w ** 2)


def nan_robust_scale(x):
    return (np.nanmedian(x) ** 2 + np.nanpercentile(x, 40.0) * np.nanquantile(x, 0.8, method="hazen")
            + np.sum(np.tanh(np.nan_to_num(x))))


def max_drawdown(log_returns):
    """The largest fall from a running peak of a price path."""
    prices = np.exp(np.add.accumulate(log_returns))
    peak = np.maximum.accumulate(prices)
    return np.max(1.0 - prices / peak) + np.logaddexp.reduce(log_returns)


def trapezoid_energy(u, x):
    """Energy of a field on a nonuniform grid: integral of u^2 + u'^2."""
    du = np.diff(u) / np.diff(x)
    return np.trapezoid(u ** 2 * np.cos(x), x) + np.sum(du ** 2 * np.diff(x))


def portfolio_risk(w, R):
    """Variance and mean correlation of a weighted portfolio of asset returns (columns)."""
    c = np.cov(R, rowvar=False)
    return w @ c @ w + np.sum(np.corrcoef(R, rowvar=False) ** 2) * 0.1


def pair_energy(x):
    """A pair potential through ufunc outers."""
    d = np.subtract.outer(x, x) ** 2 + np.multiply.outer(np.ones_like(x), np.ones_like(x))
    return np.sum(np.multiply.reduce(np.reshape(1.0 / d, (-1, 2)), axis=1))


def assemble(k, elems, n):
    """FEM-style assembly of element stiffnesses into a global matrix."""
    K = np.zeros((n, n))
    for e in range(len(k)):
        i, j = elems[e]
        np.add.at(K, (np.array([i, i, j, j]), np.array([i, j, i, j])), k[e] * np.array([1.0, -1.0, -1.0, 1.0]))
    return np.sum(K ** 2)


def quantile_of_q(a, q):
    return np.quantile(a, q)


def histogram_loss(a):
    counts, edges = np.histogram(a, bins=3)
    return np.sum(counts * edges[:-1])


def kept_values(a, b):
    return np.sum(np.setdiff1d(a, b) ** 2) + np.sum(np.union1d(a, b) ** 3)


def integral_keyword_x(y, x):
    return np.trapezoid(y ** 2, x=x)


# ---- tests ----------------------------------------------------------------------------------

def test_robust_fit_median_and_quantiles():
    X = rng.standard_normal((9, 3))
    y = rng.standard_normal(9)
    w = np.array([0.4, -0.7, 1.1])
    check_orders(robust_fit_loss, [w, X, y])


def test_nan_median_and_percentile():
    x = np.array([0.3, np.nan, -1.2, 2.1, 0.75, np.nan, -0.4, 1.4])
    g = srcdiff.grad(nan_robust_scale)(x)
    assert np.all(g[np.isnan(x)] == 0)
    ok = ~np.isnan(x)
    f_ok = lambda z: nan_robust_scale(np.where(ok, np.nan_to_num(z), np.nan))  # noqa: E731
    np.testing.assert_allclose(g[ok], fd_grad(f_ok, [np.nan_to_num(x)], 0)[ok], rtol=1e-5, atol=1e-6)


def test_drawdown_with_running_maximum():
    r = np.array([0.05, -0.02, 0.08, -0.11, 0.03, -0.06, 0.09])
    check_orders(max_drawdown, [r])


def test_trapezoid_on_nonuniform_grid():
    x = np.cumsum(np.array([0.0, 0.3, 0.5, 0.2, 0.4, 0.6]))
    u = np.sin(3 * x) + 0.2
    check_orders(trapezoid_energy, [u, x], wrt=0)
    check_orders(trapezoid_energy, [u, x], wrt=1, rtol=1e-4, atol=1e-5)


def test_trapezoid_sample_points_by_keyword_in_forward_mode():
    x, y = np.array([0.0, 0.4, 1.1, 1.5]), np.array([0.3, -0.2, 0.8, 0.5])
    np.testing.assert_allclose(srcdiff.grad(integral_keyword_x, wrt=1)(y, x), fd_grad(integral_keyword_x, [y, x], 1),
                               rtol=1e-6, atol=1e-7)
    v = np.array([0.3, -1.0, 0.5, 2.0])
    _, t = srcdiff.jvp(integral_keyword_x, (y, x), (np.zeros(4), v))
    np.testing.assert_allclose(t, fd_grad(integral_keyword_x, [y, x], 1) @ v, rtol=1e-6, atol=1e-7)


def test_portfolio_covariance_and_correlation():
    R = rng.standard_normal((12, 3)) * 0.1
    w = np.array([0.5, 0.3, 0.2])
    check_orders(portfolio_risk, [w, R])
    check_orders(portfolio_risk, [w, R], wrt=1, rtol=1e-4, atol=1e-5)


def test_pair_energy_with_ufunc_outer_and_reduce():
    check_orders(pair_energy, [np.array([0.3, -0.8, 1.1, 0.2])])


def test_set_operations_with_shared_values():
    a = np.array([0.3, -1.2, 0.8, 2.5, 0.3])
    b = np.array([0.8, 1.7])
    ga, gb = srcdiff.grad(kept_values, wrt=(0, 1))(a, b)
    # setdiff1d keeps 0.3 (held twice: 2 * 0.3 shared evenly), -1.2 and 2.5; union1d holds each value once
    want_a = np.array([0.3, -2.4, 0.0, 5.0, 0.3]) + 3 * a ** 2 * np.array([0.5, 1.0, 0.5, 1.0, 0.5])
    want_b = 3 * b ** 2 * np.array([0.5, 1.0])
    np.testing.assert_allclose(ga, want_a)
    np.testing.assert_allclose(gb, want_b)


def test_add_at_with_differentiated_values_assembles_at_orders_one_and_two():
    """np.add.at (repeated indices add up) was refused; it is followed now."""
    from numeric import assert_orders_one_and_two
    assert_orders_one_and_two(assemble, (np.array([1.0, 2.0]), [(0, 1), (1, 2)], 3), 0,
                              np.array([0.5, -1.0]))


def test_quantile_derivative_in_q_is_refused():
    a = np.array([0.3, -1.2, 0.8, 2.5])
    np.testing.assert_allclose(srcdiff.grad(quantile_of_q)(a, 0.3), fd_grad(quantile_of_q, [a, 0.3], 0))
    with pytest.raises(SrcdiffError, match="w.r.t. q") as info:
        srcdiff.grad(quantile_of_q, wrt=1)(a, 0.3)
    assert info.value.filename == __file__


def test_histogram_is_refused():
    with pytest.raises(SrcdiffError, match=r"numpy\.histogram") as info:
        srcdiff.grad(histogram_loss)(np.array([0.3, -1.2, 0.8, 2.5]))
    assert info.value.filename == __file__


def unwrapped_phase(p, per):
    return np.sum(np.unwrap(p, period=per) ** 2)


def test_unwrap_in_its_keyword_only_period():
    """period= is keyword-only in NumPy: its derivative is taken, not dropped."""
    p = np.array([0.1, 3.5, 6.9, 0.4, 2.2])
    want = fd_grad(unwrapped_phase, [p, 4.0], 1)
    np.testing.assert_allclose(srcdiff.grad(unwrapped_phase, wrt=1)(p, 4.0), want, rtol=1e-6)
    np.testing.assert_allclose(srcdiff.jvp(unwrapped_phase, (p, 4.0), (np.zeros(5), 1.0))[1], want, rtol=1e-6)
    check_orders(unwrapped_phase, [p, 4.0], wrt=0)
