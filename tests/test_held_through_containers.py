"""``y *= v`` is differentiated as ``y = y * v``, and where a value read later
may hold y's array the write is checked where it runs (runtime.not_shared).
Where the gradient keeps ``y`` as a copy (``w12 = saved_copy(w12_held)``, a
view of an array written later), the check reads the value as the program
made it (``w12_held``) -- but the names holding it (``w22 = [w12]``, ``P =
{'a': w12}``, ``w22 = [w12].pop()``) were read as the generated code made
them, holding the copy, so the check passed: the value and the gradient were
silently wrong on e4eb619 (value 5.87 for 0.86, gradient zero; fuzz seed 16002
program 2851). Containers holding such a name, and items popped off them, get
a held version too now (reverse._made_from), and the write is refused where
it runs, naming the line: the value depends on the in-place write showing
through the container. Which check should have caught it: the fuzzer did;
these functions are its three forms, and a sound variant that stays right."""
import numpy as np
import pytest

import srcdiff
from numeric import load_module, numeric_grad

MOD = load_module('''
from typing import NamedTuple


class Params(NamedTuple):
    w: np.ndarray
    c: float


def held_by_a_list(w, pn):
    w12 = (w[:, None] + pn.c)[:, 0]
    while not pn.c > 0.3:
        w12 *= w
    h19 = np.tanh(pn.w[:3])
    w22 = [w12]
    w12 *= h19
    s23 = np.sum(w22)
    w12[::1] = h19
    return s23


def popped_off_a_list(w, pn):
    w12 = (w[:, None] + pn.c)[:, 0]
    while not pn.c > 0.3:
        w12 *= w
    h19 = np.tanh(pn.w[:3])
    w22 = [w12].pop()
    w12 *= np.cos(h19)
    s23 = np.sum(np.sin(w22))
    w12[::1] = h19
    return s23


def held_by_a_dict(w, pn):
    w12 = (w[:, None] + pn.c)[:, 0]
    while not pn.c > 0.3:
        w12 *= w
    h19 = np.tanh(pn.w[:3])
    P = {'a': w12, 'b': pn.c}
    w12 *= h19
    s23 = np.sum(P['a'])
    w12[::1] = h19
    return s23


def rebound_not_changed(w, pn):
    w12 = (w[:, None] + pn.c)[:, 0]
    while not pn.c > 0.3:
        w12 *= w
    h19 = np.tanh(pn.w[:3])
    w22 = [w12]
    w12 = w12 * h19
    s23 = np.sum(w22) + np.sum(w12 ** 2)
    w12[::1] = h19
    return s23
''')

W = np.array([1.129440660750331, 0.16279749608131766, 1.1591318493304816])
PN = MOD.Params(np.array([0.70706659, 0.20700136, -0.35744764, -0.12104044, -0.92942979]),
                1.1382951500831118)


@pytest.mark.parametrize("name", ["held_by_a_list", "popped_off_a_list", "held_by_a_dict"])
def test_a_write_seen_through_a_container_is_refused_with_its_line(name):
    f = getattr(MOD, name)
    with pytest.raises(srcdiff.SrcdiffError) as err:
        srcdiff.value_and_grad(f, wrt=1)(W, PN)
    assert "gen_" in str(err.value) and "changed in place here" in str(err.value)


def test_a_rebinding_stays_right():
    f = MOD.rebound_not_changed
    value, g = srcdiff.value_and_grad(f, wrt=1)(W, PN)
    np.testing.assert_allclose(value, f(W.copy(), PN), rtol=1e-12)

    def of_w(pw, c):
        return f(W.copy(), MOD.Params(pw, c))
    np.testing.assert_allclose(g.w, numeric_grad(of_w, [PN.w, PN.c], 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(g.c, numeric_grad(of_w, [PN.w, PN.c], 1), rtol=1e-6, atol=1e-8)
