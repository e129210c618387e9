"""scipy.stats distributions through the public transforms, as users call
them (keyword loc/scale, likelihoods fitted by their gradients, shape and
discrete parameters, multivariate densities), the refusal of complex data
and of the shape derivatives that have no closed form (at the call's line)."""
import re

import numpy as np
import pytest

import srcdiff
from srcdiff import SrcdiffError
from numeric import load_function, load_module

pytest.importorskip("scipy")

NLL = """
import re

import numpy as np
from scipy import stats


def nll(params, data):
    loc, log_scale = params[0], params[1]
    return -np.sum(stats.norm.logpdf(data, loc=loc, scale=np.exp(log_scale)))


def mixed(x, loc, scale):
    return (np.sum(stats.norm.logcdf(x, loc, scale)) + np.sum(stats.logistic.pdf(x, loc=loc, scale=scale))
            + np.sum(stats.norm.logsf(x, scale=scale)) + np.sum(stats.cauchy.logpdf(x, loc)))
"""


def test_normal_maximum_likelihood():
    f = load_function(NLL, "nll")
    data = np.random.default_rng(0).normal(1.5, 0.7, 200)
    p = np.array([0.0, 0.0])
    g = srcdiff.grad(f)
    for _ in range(300):
        p = p - 0.002 * g(p, data)
    assert np.allclose(p, [np.mean(data), np.log(np.std(data))], atol=1e-3)
    H = srcdiff.hessian(f)(p, data)
    eps = 1e-5
    want = np.stack([(g(p + e, data) - g(p - e, data)) / (2 * eps) for e in np.eye(2) * eps])
    np.testing.assert_allclose(H, want, rtol=1e-5, atol=1e-6)


def test_methods_called_with_keywords_and_defaults():
    f = load_function(NLL, "mixed")
    x, loc, scale = np.array([-0.7, 0.2, 1.9]), 0.3, 1.4
    grads = srcdiff.grad(f, wrt=(0, 1, 2))(x, loc, scale)
    eps = 1e-6
    want_x = [(f(x + e, loc, scale) - f(x - e, loc, scale)) / (2 * eps) for e in np.eye(3) * eps]
    np.testing.assert_allclose(grads[0], want_x, rtol=1e-6)
    assert np.isclose(grads[1], (f(x, loc + eps, scale) - f(x, loc - eps, scale)) / (2 * eps), rtol=1e-6)
    assert np.isclose(grads[2], (f(x, loc, scale + eps) - f(x, loc, scale - eps)) / (2 * eps), rtol=1e-6)


def test_complex_data_is_refused():
    f = load_function("from scipy import stats\n\n\ndef f(x):\n    return np.sum(np.real(stats.norm.logpdf(x)))\n",
                      "f")
    with pytest.raises(SrcdiffError, match="complex"):
        srcdiff.grad(f)(np.array([0.5 + 0.1j, 1.0]))


SHAPES = """
import re

import numpy as np
from scipy import stats


def gamma_nll(p, data):
    return -np.sum(stats.gamma.logpdf(data, np.exp(p[0]), scale=np.exp(p[1])))


DF = 4.5


def shaped(x, a, b, s):
    return (np.sum(stats.t.logcdf(x, DF, loc=0.2, scale=1.3)) + np.sum(stats.beta.pdf(x / 3 + 0.5, a, b))
            + np.sum(stats.lognorm.logsf(x + 2.5, s)) + np.sum(stats.chi2.sf(x + 2.5, DF, scale=2.0)))


def refused_t(x, df):
    return np.sum(stats.t.cdf(x, df))


def counts(mu, p, n):
    k = np.array([0, 2, 5])
    return (np.sum(stats.poisson.logpmf(k, mu)) + np.sum(stats.binom.cdf(k, 7, p))
            + np.sum(stats.nbinom.pmf(k, n, p)) + np.sum(stats.geom.sf(k + 1, p)))
"""


def _central(f, args, i, eps=1e-6):
    from numeric import numeric_grad
    return numeric_grad(f, args, i, eps)


def test_gamma_maximum_likelihood_and_hessian():
    mod = load_module(SHAPES)
    data = np.random.default_rng(1).gamma(3.0, 0.5, 300)
    p = np.array([0.5, 0.0])
    g = srcdiff.grad(mod.gamma_nll)
    np.testing.assert_allclose(g(p, data), _central(mod.gamma_nll, (p, data), 0), rtol=1e-6)
    H = srcdiff.hessian(mod.gamma_nll)(p, data)
    eps = 1e-5
    want = np.stack([(g(p + e, data) - g(p - e, data)) / (2 * eps) for e in np.eye(2) * eps])
    np.testing.assert_allclose(H, want, rtol=1e-5, atol=1e-5)


def test_shape_parameters_with_closed_forms():
    mod = load_module(SHAPES)
    args = (np.array([-0.6, 0.3, 1.1]), 2.2, 3.1, 0.8)
    grads = srcdiff.grad(mod.shaped, wrt=(0, 1, 2, 3))(*args)
    for got, i in zip(grads, range(4)):
        np.testing.assert_allclose(got, _central(mod.shaped, args, i), rtol=1e-6, atol=1e-8)
    tangents = (np.array([0.3, -0.2, 0.5]), 0.7, -0.4, 0.9)
    _, t = srcdiff.jvp(mod.shaped, args, tangents)
    eps = 1e-6
    plus = mod.shaped(*[a + eps * d for a, d in zip(args, tangents)])
    minus = mod.shaped(*[a - eps * d for a, d in zip(args, tangents)])
    assert np.isclose(t, (plus - minus) / (2 * eps), rtol=1e-6)


def test_a_cdf_shape_derivative_without_closed_form_is_refused_at_the_call():
    mod = load_module(SHAPES)
    line = mod.refused_t.__code__.co_firstlineno + 1
    where = rf"{mod.__file__}:{line}: the derivative of scipy\.stats\.t\.cdf w\.r\.t\. df has no closed form"
    x = np.array([-0.4, 0.9])
    with pytest.raises(SrcdiffError, match=where):
        srcdiff.grad(mod.refused_t, wrt=(0, 1))(x, 3.0)
    with pytest.raises(SrcdiffError, match=where):
        srcdiff.jvp(mod.refused_t, (x, 3.0), (np.ones(2), 1.0))
    np.testing.assert_allclose(srcdiff.grad(mod.refused_t)(x, 3.0), _central(mod.refused_t, (x, 3.0), 0), rtol=1e-6)


def test_discrete_parameters_at_orders_one_and_two():
    mod = load_module(SHAPES)
    args = (2.3, 0.35, 2.7)
    grads = srcdiff.grad(mod.counts, wrt=(0, 1, 2))(*args)
    for got, i in zip(grads, range(3)):
        assert np.isclose(got, _central(mod.counts, args, i), rtol=1e-6)
    g1 = srcdiff.grad(mod.counts, wrt=1)
    d2 = (g1(2.3, 0.35 + 1e-5, 2.7) - g1(2.3, 0.35 - 1e-5, 2.7)) / 2e-5
    assert np.isclose(srcdiff.grad(srcdiff.grad(mod.counts, wrt=1), wrt=1)(*args), d2, rtol=1e-5)


MULTI = """
import re

import numpy as np
from scipy import stats
from scipy.special import softmax


def gp_nll(log_ell, y, t):
    K = np.exp(-0.5 * (t[:, None] - t[None, :]) ** 2 / np.exp(2 * log_ell)) + 0.1 * np.eye(len(t))
    return -stats.multivariate_normal.logpdf(y, cov=K)


def mvn_all(x, mean, cov):
    return np.sum(stats.multivariate_normal.pdf(x, mean, cov)) + np.sum(stats.multivariate_normal.logpdf(x[0], cov=2.5))


def dirichlet_on_simplex(z, alpha):
    return stats.dirichlet.logpdf(softmax(z), alpha) + stats.dirichlet.pdf(softmax(z * 0.5), alpha)
"""


def test_multivariate_normal_wrt_x_mean_cov_at_orders_one_and_two():
    mod = load_module(MULTI)
    t = np.linspace(0.0, 2.0, 5)
    y = np.sin(t)
    g = srcdiff.grad(mod.gp_nll)
    assert np.isclose(g(0.1, y, t), _central(mod.gp_nll, (0.1, y, t), 0), rtol=1e-6)
    assert np.isclose(srcdiff.grad(srcdiff.grad(mod.gp_nll))(0.1, y, t), (g(0.1 + 1e-5, y, t) - g(0.1 - 1e-5, y, t)) / 2e-5,
                      rtol=1e-5)
    rng = np.random.default_rng(3)
    B = rng.normal(size=(2, 2))
    args = (rng.normal(size=(3, 2)), np.array([0.1, -0.2]), B @ B.T + np.eye(2))
    grads = srcdiff.grad(mod.mvn_all, wrt=(0, 1, 2))(*args)
    for got, i in zip(grads, range(3)):
        np.testing.assert_allclose(got, _central(mod.mvn_all, args, i), rtol=1e-6, atol=1e-9)


def test_dirichlet_wrt_points_moved_along_the_simplex_and_alpha():
    mod = load_module(MULTI)
    args = (np.array([0.3, -0.5, 0.9]), np.array([1.5, 2.5, 3.0]))
    for i in (0, 1):
        np.testing.assert_allclose(srcdiff.grad(mod.dirichlet_on_simplex, wrt=i)(*args),
                                   _central(mod.dirichlet_on_simplex, args, i), rtol=1e-6)
    _, t = srcdiff.jvp(mod.dirichlet_on_simplex, args, (np.array([1.0, 0.2, -0.4]), np.array([0.3, 0.1, -0.2])))
    eps = 1e-6
    d = (np.array([1.0, 0.2, -0.4]), np.array([0.3, 0.1, -0.2]))
    want = (mod.dirichlet_on_simplex(args[0] + eps * d[0], args[1] + eps * d[1])
            - mod.dirichlet_on_simplex(args[0] - eps * d[0], args[1] - eps * d[1])) / (2 * eps)
    assert np.isclose(t, want, rtol=1e-6)


@pytest.mark.parametrize("call, param", [
    ("stats.gamma.logcdf(x, k)", "a"), ("stats.chi2.sf(x, k)", "df"), ("stats.beta.cdf(x / 3, k, 2.0)", "a"),
    ("stats.beta.logsf(x / 3, 2.0, k)", "b"), ("stats.t.logsf(x, k)", "df"),
    ("stats.binom.pmf(np.array([1, 2]), k, 0.4)", "n (an integer)"),
    ("stats.nbinom.cdf(np.array([1, 2]), k, 0.4)", "n")])
def test_every_refused_parameter_names_the_method_and_the_parameter(call, param):
    f = load_module(f"from scipy import stats\n\n\ndef f(x, k):\n    return np.sum({call})\n").f
    method = call.split("(")[0].replace(".", r"\.")
    match = rf"scipy\.{method} w\.r\.t\. {re.escape(param)} has no closed form"
    with pytest.raises(SrcdiffError, match=match):
        srcdiff.grad(f, wrt=1)(np.array([0.5, 1.5]), 3.0)
    with pytest.raises(SrcdiffError, match=match):
        srcdiff.jvp(f, (np.array([0.5, 1.5]), 3.0), (np.zeros(2), 1.0))
