"""scipy.linalg through the public transforms: the options the sweep does not
pick (transposed solves, triangular structure, unit diagonals, lower/upper
factors), a Gaussian-process likelihood written with cho_factor/cho_solve,
at order one (grad, jvp) and two (hessian), against central differences;
and the refusals."""
import numpy as np
import pytest

import srcdiff
from srcdiff import SrcdiffError
from numeric import load_function

pytest.importorskip("scipy")

rng = np.random.default_rng(7)
A = rng.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)
SPD = A @ A.T
B = rng.uniform(-1, 1, (3, 2))
b = rng.uniform(-1, 1, 3)
W = rng.uniform(-1, 1, (3, 3))

CASES = {
    "solve transposed": ("np.sum(np.sin(scipy.linalg.solve(a, b, transposed=True)))", [A, B]),
    "solve sym upper": ("np.sum(np.sin(scipy.linalg.solve(a, b, assume_a='sym')))", [SPD, b]),
    "solve pos lower": ("np.sum(np.sin(scipy.linalg.solve(a, b, assume_a='pos', lower=True)))", [SPD, B]),
    "solve lower triangular": ("np.sum(np.sin(scipy.linalg.solve(a, b, assume_a='lower triangular')))", [A, b]),
    "solve_triangular upper": ("np.sum(np.sin(scipy.linalg.solve_triangular(a, b)))", [A, B]),
    "solve_triangular trans unit": ("np.sum(np.sin(scipy.linalg.solve_triangular(a, b, trans=1, lower=True, "
                                    "unit_diagonal=True)))", [A, b]),
    "cho_factor lower into cho_solve": ("np.sum(np.sin(scipy.linalg.cho_solve(scipy.linalg.cho_factor(a, True), b)))",
                                        [SPD, B]),
    "cho_factor whole output": ("np.sum(np.sin(scipy.linalg.cho_factor(a)[0]) * b)", [SPD, W]),
    "lu_factor into lu_solve trans": ("np.sum(np.sin(scipy.linalg.lu_solve(scipy.linalg.lu_factor(a), b, trans=1)))",
                                      [A, B]),
    "lu_factor packed output": ("np.sum(np.sin(scipy.linalg.lu_factor(a)[0]) * b)", [rng.uniform(-1, 1, (3, 3)), W]),
    "solve_banded": ("np.sum(np.sin(scipy.linalg.solve_banded((1, 2), a, b)))",
                     [rng.uniform(-1, 1, (4, 5)) + np.array([[0.0], [3.0], [0.0], [0.0]]), rng.uniform(-1, 1, (5, 2))]),
    "solve_sylvester": ("np.sum(np.sin(scipy.linalg.solve_sylvester(a, a[:2, :2].T, b)))", [A, B]),
    "expm": ("np.sum(np.sin(scipy.linalg.expm(a)) * b)", [0.7 * W, A]),
    "sqrtm": ("np.sum(np.sin(scipy.linalg.sqrtm(a)) * b)", [SPD, W]),
}


def _fd_grad(f, args, eps=1e-6):
    out = []
    for i, a in enumerate(args):
        g = np.zeros(a.shape)
        for k in np.ndindex(a.shape):
            up, down = [x.copy() for x in args], [x.copy() for x in args]
            up[i][k] += eps
            down[i][k] -= eps
            g[k] = (f(*up) - f(*down)) / (2 * eps)
        out.append(g)
    return out


def _load(source, n):
    params = ", ".join("ab"[:n])
    return load_function(f"import scipy.linalg\n\n\ndef f({params}):\n    return {source}\n", "f")


@pytest.mark.parametrize("name", sorted(CASES))
def test_order_one(name):
    source, args = CASES[name]
    f = _load(source, len(args))
    args = [np.array(a, dtype=float) for a in args]
    got = srcdiff.grad(f, wrt=tuple(range(len(args))))(*args)
    for g, w in zip(got, _fd_grad(f, args)):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)
    tangents = tuple(rng.standard_normal(a.shape) for a in args)
    _, d = srcdiff.jvp(f, tuple(args), tangents)
    assert np.isclose(d, sum(np.sum(g * t) for g, t in zip(got, tangents)), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("name", sorted(CASES))
def test_order_two(name):
    source, args = CASES[name]
    f = _load(source, len(args))
    args = [np.array(a, dtype=float) for a in args]
    H = srcdiff.hessian(f, wrt=0)(*args)
    grad0 = srcdiff.grad(f, wrt=0)
    want = np.zeros(args[0].shape * 2)
    eps = 1e-5
    for k in np.ndindex(args[0].shape):
        up, down = [x.copy() for x in args], [x.copy() for x in args]
        up[0][k] += eps
        down[0][k] -= eps
        want[(...,) + k] = (grad0(*up) - grad0(*down)) / (2 * eps)
    np.testing.assert_allclose(H, want, rtol=1e-5, atol=1e-6)
    v = rng.standard_normal(args[1].shape)
    hv = srcdiff.hvp(f, wrt=(0, 1))(*args, (np.zeros(args[0].shape), v))
    grad_both = srcdiff.grad(f, wrt=(0, 1))
    plus = grad_both(args[0], args[1] + eps * v)
    minus = grad_both(args[0], args[1] - eps * v)
    for h, p, m in zip(hv, plus, minus):
        np.testing.assert_allclose(h, (p - m) / (2 * eps), rtol=1e-5, atol=1e-6)


GP = """
import numpy as np
from scipy.linalg import cho_factor, cho_solve


def neg_log_likelihood(log_ell, log_sf, x, y):
    d = x[:, None] - x[None, :]
    K = np.exp(2 * log_sf) * np.exp(-0.5 * d ** 2 / np.exp(2 * log_ell)) + 0.1 * np.eye(len(x))
    c = cho_factor(K, lower=True)
    alpha = cho_solve(c, y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(c[0])))
"""


def test_gaussian_process_likelihood_with_cho_factor_and_cho_solve():
    f = load_function(GP, "neg_log_likelihood")
    x = np.linspace(0.0, 3.0, 8)
    y = np.sin(2 * x)
    g = srcdiff.grad(f, wrt=(0, 1, 3))(0.2, -0.1, x, y)
    eps = 1e-6
    want = [(f(0.2 + eps, -0.1, x, y) - f(0.2 - eps, -0.1, x, y)) / (2 * eps),
            (f(0.2, -0.1 + eps, x, y) - f(0.2, -0.1 - eps, x, y)) / (2 * eps)]
    np.testing.assert_allclose(g[:2], want, rtol=1e-6)
    np.testing.assert_allclose(g[2], _fd_grad(lambda yy: f(0.2, -0.1, x, yy), [y])[0], rtol=1e-6, atol=1e-8)
    H = srcdiff.hessian(f, wrt=0)(0.2, -0.1, x, y)
    d = srcdiff.grad(f, wrt=0)
    assert np.isclose(H, (d(0.2 + eps, -0.1, x, y) - d(0.2 - eps, -0.1, x, y)) / (2 * eps), rtol=1e-5)


def test_solve_with_an_unsupported_structure_is_refused():
    f = _load("np.sum(scipy.linalg.solve(a, np.ones(3), assume_a='tridiagonal'))", 1)
    with pytest.raises(SrcdiffError, match="assume_a='tridiagonal'"):
        srcdiff.grad(f)(A)


# complex matrices (issue 17): a Hermitian solve reads one triangle and the real
# part of the diagonal (LAPACK's ?posv/?hesv), trans=2 ('C') solves with a^H;
# both are not holomorphic in a and were silently wrong
_ZX = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
HPD = _ZX @ np.conj(_ZX.T) + np.eye(3) + 0.3 * np.triu(rng.normal(size=(3, 3)), 1)   # upper part not read
ZB = rng.normal(size=(3, 2)) + 1j * rng.normal(size=(3, 2))
ZW = rng.normal(size=(3, 2)) + 1j * rng.normal(size=(3, 2))

COMPLEX_CASES = {
    "solve pos": "scipy.linalg.solve(a, b, assume_a='pos')",
    "solve pos lower": "scipy.linalg.solve(np.conj(a.T), b, assume_a='pos', lower=True)",
    "solve her": "scipy.linalg.solve(a, b, assume_a='her')",
    "solve_triangular trans=2": "scipy.linalg.solve_triangular(a, b, trans=2)",
    "solve_triangular trans='C' lower": "scipy.linalg.solve_triangular(a, b, trans='C', lower=True)",
    "lu_factor into lu_solve trans=2": "scipy.linalg.lu_solve(scipy.linalg.lu_factor(a), b, trans=2)",
    "cho_factor into cho_solve": "scipy.linalg.cho_solve(scipy.linalg.cho_factor(a), b)",
    "cho_factor lower into cho_solve": "scipy.linalg.cho_solve(scipy.linalg.cho_factor(a, lower=True), b)",
    "cho_factor lower whole output": "scipy.linalg.cho_factor(a, lower=True)[0][:, :2]",
    "cho_factor whole output": "scipy.linalg.cho_factor(a)[0][:, 1:]",
    "cho_solve of a factor": "scipy.linalg.cho_solve((np.tril(a) + 2.0 * np.eye(3), True), b)",
    "cho_solve of an upper factor": "scipy.linalg.cho_solve((np.triu(a) + 2.0 * np.eye(3), False), b)",
}


def _complex_cotangent(f, z, eps=1e-6):
    out = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        d = np.zeros_like(z)
        d[idx] = eps
        out[idx] = (f(z + d) - f(z - d)) / (2 * eps) - 1j * (f(z + 1j * d) - f(z - 1j * d)) / (2 * eps)
    return out


@pytest.mark.parametrize("name", sorted(COMPLEX_CASES))
def test_complex_hermitian_and_conjugate_solves(name):
    f = load_function(f"import scipy.linalg\n\n\ndef f(a, b):\n    return np.sum(np.real({COMPLEX_CASES[name]} * w))\n",
                      w=ZW)
    ga, gb = srcdiff.grad(f, wrt=(0, 1))(HPD, ZB)
    np.testing.assert_allclose(ga, _complex_cotangent(lambda a: f(a, ZB), HPD), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gb, _complex_cotangent(lambda y: f(HPD, y), ZB), rtol=1e-5, atol=1e-7)
    da, db = 0.5 * np.conj(ZW[:, :1] @ ZW[:, 1:].T + np.eye(3)), ZW
    _, t = srcdiff.jvp(f, (HPD, ZB), (da, db))
    want = (f(HPD + 1e-6 * da, ZB + 1e-6 * db) - f(HPD - 1e-6 * da, ZB - 1e-6 * db)) / 2e-6
    np.testing.assert_allclose(t, want, rtol=1e-5, atol=1e-7)
    g = srcdiff.grad(f, wrt=0)
    want2 = (g(HPD + 1e-6 * da, ZB) - g(HPD - 1e-6 * da, ZB)) / 2e-6
    np.testing.assert_allclose(srcdiff.jvp(g, (HPD, ZB), (da, np.zeros_like(ZB)))[1], want2, rtol=1e-4, atol=1e-6)
