"""scipy.stats densities through the public transforms, as users call them
(keyword loc/scale, a negative log-likelihood fitted by its gradient), and
the refusal of complex data."""
import numpy as np
import pytest

import srcdiff
from srcdiff import SrcdiffError
from numeric import load_function

pytest.importorskip("scipy")

NLL = """
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
