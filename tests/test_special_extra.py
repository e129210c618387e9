"""scipy.special rules of rules/special_extra.py beyond the sweep: refusals of the
derivatives that have no closed form, and public names in refusals."""
import numpy as np
import pytest

import srcdiff
from srcdiff import SrcdiffError
from numeric import load_module

pytest.importorskip("scipy")


def test_refusals_name_the_public_path_of_a_scipy_function():
    """A call with no rule is named as users import it (scipy.special.zeta,
    not scipy.special._basic.zeta; scipy.integrate.quad, not ..._quadpack_py.quad)."""
    mod = load_module("import scipy.special\nimport scipy.integrate\n\n\n"
                      "def f(x):\n    return scipy.special.zeta(x, 1.0)\n\n\n"
                      "def g(x):\n    return scipy.integrate.quad(np.sin, 0.0, x)[0]\n")
    with pytest.raises(SrcdiffError, match=r"no derivative rule for scipy\.special\.zeta\b"):
        srcdiff.grad(mod.f)(2.5)
    with pytest.raises(SrcdiffError, match=r"no derivative rule for scipy\.integrate\.quad\b"):
        srcdiff.grad(mod.g)(2.5)


@pytest.mark.parametrize("call", ["scipy.special.gammainc(k, x)", "scipy.special.gammaincc(k, x)",
                                  "scipy.special.betainc(k, 2.0, x / 3)", "scipy.special.betainc(2.0, k, x / 3)",
                                  "scipy.special.jv(k, x)", "scipy.special.iv(k, x)", "scipy.special.ive(k, x)",
                                  "scipy.special.kv(k, x)"])
def test_derivatives_in_shape_parameters_and_orders_are_refused(call):
    """No closed form: refused in both modes, with the public path and the parameter named."""
    f = load_module(f"import scipy.special\n\n\ndef f(x, k):\n    return np.sum({call})\n").f
    x = np.array([0.5, 1.5])
    name = call.split("(")[0]
    with pytest.raises(SrcdiffError, match=rf"{name}\b.*no closed form"):
        srcdiff.grad(f, wrt=(0, 1))(x, 1.5)
    with pytest.raises(SrcdiffError, match=rf"{name}\b.*no closed form"):
        srcdiff.jvp(f, (x, 1.5), (np.ones(2), 1.0))
    assert np.allclose(srcdiff.grad(f)(x, 1.5), [(f(x + d, 1.5) - f(x - d, 1.5)) / 2e-6
                                                for d in (np.array([1e-6, 0.0]), np.array([0.0, 1e-6]))],
                       rtol=1e-5)
