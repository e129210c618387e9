"""``v = w if ... else <a new array>`` then, in a loop, ``v -= ...`` and
``v[0] = ...``: whether ``v -= ...`` writes into w (read afterwards) is decided
where it runs, by a check that v does not share w's memory. The reverse
transform also keeps v's values as a copy where v is bound (it is written
in place later), and that copy hid the sharing from the check, so srcdiff
refused such functions even where v is a new array (fuzz seed 14001 program
7449, bug224). The check now reads the value as the program made it
(``v_held``): a new array is differentiated, at orders one and two; the
parameter's own array is refused where the write happens.

The same held for ``y += ...`` where a name that may share y's array is read
afterwards and the sweep may copy that name: the function was refused
outright, also where the name could only share y through a helper's result
that is a new array (``A = helper(w if c else w, B)``, no derivative through
it; fuzz seed 15001 program 7938). The check where the write runs decides now."""
from typing import NamedTuple

import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

X = np.array([0.4, -0.3, 0.8])
V = np.array([0.5, 0.2, -0.6])
NEW = np.array([0.9, 0.7, -0.2])        # mean(w > 0.5) >= 0.5: v is a new array
OWN = np.array([0.1, 0.7, -0.2])        # v is w itself


class P(NamedTuple):
    w: np.ndarray
    c: float


MOD = load_module('''
def maybe_the_parameter(w, x):
    v = w if np.mean(w > 0.5) < 0.5 else np.exp(x * 0.3)
    for i in range(3):
        v -= x * 0.1
        v[0] = np.sin(x[1])
    return np.sum(v * x) + np.sum(w * x)


def renamed_first(w, x):
    u = w if np.mean(w > 0.5) < 0.5 else np.exp(x * 0.3)
    v = u
    for i in range(2):
        v *= np.cos(x)
        v[1] = x[0] ** 2
    return np.sum(v * x) + np.sum(w)


def maybe_a_field(pn, x):
    v = pn.w if np.mean(pn.w > 0.5) < 0.5 else np.exp(pn.c * x)
    for y in [1.0, pn.c, x[2]]:
        v -= pn.c * y
        v[0] = x[1] * x[2]
    return np.sum(v * x) + np.sum(pn.w)
''', P=P)


@pytest.mark.parametrize("name", ["maybe_the_parameter", "renamed_first"])
def test_a_new_array_is_differentiated(name):
    f = getattr(MOD, name)
    assert_orders_one_and_two(f, [NEW, X], 1, V)


def test_a_new_array_in_an_object_field_is_differentiated():
    assert_orders_one_and_two(MOD.maybe_a_field, [P(NEW, 0.7), X], 1, V)


@pytest.mark.parametrize("name", ["maybe_the_parameter", "renamed_first"])
def test_the_parameter_itself_is_refused_where_it_is_written(name):
    f = getattr(MOD, name)
    with pytest.raises(srcdiff.SrcdiffError, match=r"gen_.*:\d+: 'v' is changed in place here"):
        srcdiff.grad(f, wrt=1)(OWN, X)
    with pytest.raises(srcdiff.SrcdiffError, match="'v' is changed in place here"):
        srcdiff.hvp(f, wrt=1)(OWN, X, V)


def test_an_object_field_itself_is_refused_where_it_is_written():
    with pytest.raises(srcdiff.SrcdiffError, match="'v' is changed in place here, but 'pn'"):
        srcdiff.grad(MOD.maybe_a_field, wrt=1)(P(OWN, 0.7), X)


HELPERS = load_module('''
def new_array(a, b):
    return b + 1.0


def the_argument(a, b):
    return a


def through(helper, x):
    w = np.zeros(2)
    A = helper(w if x[0] > 5.0 else w, np.ones((2, 4)))
    A = A
    w += 1.0
    A = A
    s = w[-2]
    w[-1] += 0.5 if np.mean(A) < 0.34 else x[1]
    return np.mean(s) * np.sum(x ** 2) + np.sum(np.sin(w) * x[:2]) + np.sum(A)


def through_a_helper(x):
    return through(new_array, x)


def through_a_helper_returning_its_argument(x):
    return through(the_argument, x)
''')


def test_a_helpers_new_array_is_differentiated():
    f = HELPERS.through_a_helper
    np.testing.assert_allclose(srcdiff.value_and_grad(f)(X)[0], f(X), rtol=1e-12)
    assert_orders_one_and_two(f, [X], 0, V)


def test_a_helpers_argument_returned_is_refused_where_it_is_written():
    with pytest.raises(srcdiff.SrcdiffError, match=r"gen_.*:\d+: 'w' is changed in place here"):
        srcdiff.grad(HELPERS.through_a_helper_returning_its_argument)(X)
