"""Forward mode binds a call's keywords to the rule's parameters by name; a rule
renames a parameter whose tangent's name is another parameter (np.trapezoid's
``x``: its tangent ``dx`` is the spacing's name), and a tangent that has no name
to go to is refused, never dropped."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

MOD = load_module("""
def trapz_x_keyword(y, w):
    return np.trapezoid(y=y ** 2, x=np.cumsum(w ** 2)) + np.trapezoid(y, dx=w[0])

def spaced(y, x, dx):
    return np.sum(y * x) * dx

def spaced_jvp(ans, y, x, dx, *, dy):
    return np.sum(dy * x) * dx

def uses_spaced(y, w):
    return spaced(y, w, 0.5)
""")
srcdiff.jvp_rule(MOD.spaced)(MOD.spaced_jvp)

RNG = np.random.default_rng(5)
Y, W = RNG.uniform(0.2, 1.0, 5), RNG.uniform(0.5, 1.5, 5)


@pytest.mark.parametrize("i", [0, 1])
def test_trapezoid_sample_points_by_keyword(i):
    assert_orders_one_and_two(MOD.trapz_x_keyword, (Y, W), i, RNG.normal(size=5))


def test_a_tangent_whose_name_is_taken_is_refused_not_dropped():
    v = RNG.normal(size=5)
    _, t = srcdiff.jvp(MOD.uses_spaced, (Y, W), (v, None))
    np.testing.assert_allclose(t, np.sum(v * W) * 0.5)
    with pytest.raises(srcdiff.SrcdiffError, match="cannot take the tangent of 'x'"):
        srcdiff.jvp(MOD.uses_spaced, (Y, W), (None, v))
