"""scipy.linalg's np.linalg counterparts (cholesky, eigh, svd, qr, lstsq, lu, ...)
through the public transforms, as users write them: a Gaussian-process negative
log-likelihood with scipy.linalg.cholesky (lower=True, and SciPy's default UPPER
factor) + cho_solve at order one (grad) and two (hvp, jacobian(grad)) against
central differences; the keyword/layout variants the sweep does not pick; the
refusals (each a SrcdiffError naming the user's line)."""
import numpy as np
import pytest

import srcdiff
from srcdiff import SrcdiffError
from numeric import load_function, numeric_grad, gradient_fd

pytest.importorskip("scipy")

GP = """
import numpy as np
import scipy.linalg


def nll_{name}(theta, x, y):
    d = x[:, None] - x[None, :]
    K = np.exp(2 * theta[1]) * np.exp(-0.5 * d ** 2 / np.exp(2 * theta[0])) + np.exp(theta[2]) * np.eye(len(x))
    {factor}
    alpha = scipy.linalg.cho_solve(({c}, {lower}), y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag({c}))) + 0.5 * len(x) * np.log(2 * np.pi)
"""

GP_VARIANTS = {
    "lower": ("L = scipy.linalg.cholesky(K, lower=True)", "L", "True"),
    "upper": ("U = scipy.linalg.cholesky(K)", "U", "False"),
}


@pytest.mark.parametrize("name", sorted(GP_VARIANTS))
def test_gaussian_process_nll_with_cholesky_and_cho_solve(name):
    factor, c, lower = GP_VARIANTS[name]
    f = load_function(GP.format(name=name, factor=factor, c=c, lower=lower), f"nll_{name}")
    x = np.linspace(0.0, 3.0, 7)
    y = np.sin(2 * x) + 0.1 * x
    theta = np.array([0.1, -0.2, -1.5])
    g = srcdiff.grad(f)(theta, x, y)
    np.testing.assert_allclose(g, numeric_grad(f, [theta, x, y], 0), rtol=1e-6, atol=1e-8)
    # y too (the cotangent reaches cho_solve's b)
    gy = srcdiff.grad(f, wrt=2)(theta, x, y)
    np.testing.assert_allclose(gy, numeric_grad(f, [theta, x, y], 2), rtol=1e-6, atol=1e-8)
    v = np.array([0.3, -0.7, 0.5])
    hv = srcdiff.hvp(f)(theta, x, y, v)
    np.testing.assert_allclose(hv, gradient_fd(f, [theta, x, y], 0, v), rtol=1e-5, atol=1e-7)
    H = srcdiff.jacobian(srcdiff.grad(f))(theta, x, y)
    want = np.stack([gradient_fd(f, [theta, x, y], 0, e) for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(H, want, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(H, H.T, rtol=1e-8, atol=1e-10)


rng = np.random.default_rng(11)
A = rng.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)
SPD = A @ A.T
TALL = rng.uniform(-1, 1, (4, 3)) + 2 * np.eye(4, 3)
W = rng.uniform(-1, 1, (3, 3))

# (source of f(a, w), a): the result used by index, by unpacking and with the keywords
CASES = {
    "cholesky upper default": ("np.sum(np.sin(scipy.linalg.cholesky(a)) * w)", SPD),
    "cholesky lower positional": ("np.sum(np.sin(scipy.linalg.cholesky(a, True)) * w)", SPD),
    "eigh unpacked, sign-free use": ("np.sum(w * ((v * np.exp(-e)) @ v.T))", SPD, "e, v = scipy.linalg.eigh(a)"),
    "eigh by index": ("np.sum(np.sin(scipy.linalg.eigh(a, lower=False, driver='evd')[1]) * w) "
                      "+ np.sum(scipy.linalg.eigh(a)[0] ** 2)", SPD),
    "eigh subset eigvals": ("np.sum(scipy.linalg.eigh(a, eigvals_only=True, subset_by_index=[1, 2]) ** 3)", SPD),
    "eigvalsh": ("np.sum(np.log(scipy.linalg.eigvalsh(a)))", SPD),
    "inv det": ("np.sum(scipy.linalg.inv(a) * w) + scipy.linalg.det(a) ** 2", A),
    "svd unpacked": ("np.sum(s ** 2) + np.sum(np.abs(u @ vh) * w)", A, "u, s, vh = scipy.linalg.svd(a)"),
    "svdvals": ("np.sum(np.sqrt(scipy.linalg.svdvals(a)))", A),
    "qr economic": ("np.sum(np.sin(q)) + np.sum(r ** 2)", TALL, "q, r = scipy.linalg.qr(a, mode='economic')"),
    "qr r": ("np.sum(np.sin(scipy.linalg.qr(a, mode='r')[0]))", TALL),
    "lstsq": ("np.sum(np.sin(x)) + res", TALL, "x, res, rk, sv = scipy.linalg.lstsq(a, w[:, 0].tolist() + [0.5])"),
    "lu": ("np.sum(np.sin(l) * w) + np.sum(u ** 2)", A, "p, l, u = scipy.linalg.lu(a)"),
    "lu permute_l": ("np.sum(np.sin(pl) * w) + np.sum(u ** 2)", A, "pl, u = scipy.linalg.lu(a, permute_l=True)"),
    "pinv pinvh": ("np.sum(scipy.linalg.pinv(a) * w) + np.sum(scipy.linalg.pinvh(a @ a.T) * w)", A),
    "norm": ("scipy.linalg.norm(a) + scipy.linalg.norm(a, 1, axis=0) @ w[0]", A),
    "toeplitz block_diag": ("np.sum(np.sin(scipy.linalg.toeplitz(a[0], a[1])) @ scipy.linalg.block_diag(a[2, :1], a[:2, :2]))", A),
    "circulant hankel": ("np.sum(scipy.linalg.circulant(a[0]) * w) + np.sum(np.sin(scipy.linalg.hankel(a[1])) * w)", A),
    "trace": ("np.linalg.trace(a @ w) ** 2", A),
}


def _case(name):
    source, a, *pre = CASES[name]
    body = f"    {pre[0]}\n" if pre else ""
    return load_function(f"import numpy as np\nimport scipy.linalg\n\n\ndef f(a, w):\n{body}    return {source}\n", "f"), a


@pytest.mark.parametrize("name", sorted(CASES))
def test_scipy_linalg_variants_order_one_and_two(name):
    f, a = _case(name)
    g = srcdiff.grad(f)(a, W)
    np.testing.assert_allclose(g, numeric_grad(f, [a, W], 0), rtol=1e-5, atol=1e-7)
    v = rng.uniform(-1, 1, a.shape)
    hv = srcdiff.hvp(f)(a, W, v)
    np.testing.assert_allclose(hv, gradient_fd(f, [a, W], 0, v), rtol=1e-4, atol=1e-6)


REFUSED = {
    "eigh generalized": ("np.sum(scipy.linalg.eigh(a, np.eye(3))[0])", "generalized"),
    "eigh vectors of a subset": ("np.sum(scipy.linalg.eigh(a, subset_by_index=[0, 1])[1])", "subset_by_index"),
    "qr full non-square": ("np.sum(scipy.linalg.qr(a[:, :2])[1])", "mode='full'"),
    "qr pivoting": ("np.sum(scipy.linalg.qr(a, pivoting=True)[1])", "pivoting"),
    "lstsq rank-deficient": ("np.sum(scipy.linalg.lstsq(a[:, [0, 0]], a[:, 1])[0])", "rank"),
    "lu non-square": ("np.sum(scipy.linalg.lu(a[:, :2])[2])", "non-square"),
    "null_space": ("np.sum(scipy.linalg.null_space(a[:2]))", "null_space"),
    "orth": ("np.sum(scipy.linalg.orth(a))", "orth"),
    "cond p=1": ("np.linalg.cond(a, 1)", "cond"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refusals_name_the_line(name):
    source, match = REFUSED[name]
    f = load_function(f"import numpy as np\nimport scipy.linalg\n\n\ndef f(a):\n    return {source}\n", "f")
    with pytest.raises(SrcdiffError, match=match) as info:
        srcdiff.grad(f)(SPD)
    assert info.value.lineno is not None


def test_numpy_lstsq_without_full_column_rank_is_refused_with_its_line():
    f = load_function("""
        def f(a, b):
            return np.sum(np.linalg.lstsq(a, b, rcond=None)[0] ** 2)
    """)
    a, b = np.random.default_rng(5).normal(size=(2, 3)), np.ones(2)
    for transform in (lambda: srcdiff.grad(f, wrt=(0, 1))(a, b),
                      lambda: srcdiff.jvp(f, (a, b), (a, b))):
        with pytest.raises(SrcdiffError, match="full column rank") as e:
            transform()
        assert e.value.lineno == f.__code__.co_firstlineno + 1
