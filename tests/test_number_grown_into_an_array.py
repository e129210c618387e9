"""``s = <a number>; s += x`` makes s a new array; ``t = s`` names it; the next
``s += v`` changes that array in place, which t sees (Python). The alias
analysis took the augmented assignment of a name that holds no array (a
constant, ``np.mean(x)``, an object's number field, a number item of a literal)
to hold none either, so t and s looked unrelated: srcdiff differentiated
``s = s + v`` and returned the gradient of a program whose t had not changed,
silently wrong (f = sum((0.7 + 2x + x) x) differentiated as sum((0.7 + 2x) x)).
Now such an assignment makes a new array, which t and s share: the function is
refused where the write happens, or differentiated right where the sharing is
decided when it runs. Which check should have caught it: the fuzzer's aliased
write idiom never grew a number into an array; it does now
(``Gen.s_number_grown``)."""
from typing import NamedTuple

import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module, numeric_grad

X = np.array([0.4, -0.3, 0.8])
V = np.array([0.5, 0.2, -0.6])


class P(NamedTuple):
    w: np.ndarray
    c: float


MOD = load_module('''
def from_a_constant(c, x):
    s = 0.7
    s += x * 2.0
    t = s
    s += x
    return np.sum(t * x)


def from_a_mean(c, x):
    s = np.mean(x)
    s += x * 2.0
    t = s
    s *= np.cos(x)
    return np.sum(t * x)


def from_a_number_field(pn, x):
    s = pn.c
    s += x * 2.0
    t = s
    s += x
    if np.sum(x) > 100.0:
        r = pn.w[None, :]
        r[0] = np.sin(x)
    return np.sum(t * x)


def pair(v):
    return [v * 2.0, 0.5]


def from_a_number_item(c, x):
    a, s = pair(x)
    s += x
    t = s
    s += a
    return np.sum(t * x)


def grown_then_rebound(c, x):
    s = 0.7
    s += x * 2.0
    t = s
    s = s + x
    return np.sum(t * x) + np.sum(s)
''', P=P)


def _args(name):
    return [P(np.array([0.3, -0.5, 0.2]), 0.7) if name == "from_a_number_field" else 0.7, X]


@pytest.mark.parametrize("name", ["from_a_constant", "from_a_mean", "from_a_number_field",
                                  "from_a_number_item"])
def test_never_a_wrong_gradient(name):
    f = getattr(MOD, name)
    args = _args(name)
    try:
        g = srcdiff.grad(f, wrt=1)(*args)
    except srcdiff.SrcdiffError as e:
        assert "is changed in place here" in str(e) and "gen_" in str(e)
        return
    np.testing.assert_allclose(g, numeric_grad(f, args, 1), rtol=1e-6, atol=1e-8)


def test_no_sharing_left_is_differentiated():
    """``s = s + x`` rebinds: t keeps the array, nothing is refused."""
    assert_orders_one_and_two(MOD.grown_then_rebound, [0.7, X], 1, V)


POPPED = load_module('''
def item_popped_then_changed(x):
    a = x * 2.0
    L = []
    L.append(a)
    b = L.pop()
    b *= 3.0
    return np.sum(a * x)


def item_popped_after_its_name_is_rebound(x):
    a = x * 2.0
    L = [x * 1.0]
    L.append(a)
    a = np.sin(x)
    b = L.pop()
    b *= 3.0
    return np.sum(a * x) + np.sum(b)


def item_popped_off_a_literal_of_constants(x):
    L = []
    L.append(0.1)
    v = np.stack(L)
    u = [v].pop()
    v *= 0.5
    s = np.sum(u)
    v[::1] = 1.0
    return s * np.sum(x ** 2)
''')


def test_an_array_popped_off_a_list_is_the_array_put_there():
    """``L.append(a); b = L.pop(); b *= 3`` changes a too: the alias analysis took
    an item popped off a list for a new array (silently wrong at order one on
    9d549c3: the gradient of sum(2x * x) for sum(6x * x)). Refused now where the
    write happens; with a rebound first, nothing else holds the array."""
    with pytest.raises(srcdiff.SrcdiffError, match="'b' is changed in place here, but 'a'"):
        srcdiff.grad(POPPED.item_popped_then_changed)(X)
    assert_orders_one_and_two(POPPED.item_popped_after_its_name_is_rebound, [X], 0, V)


def test_an_array_of_constants_popped_off_a_literal_is_the_array_put_there():
    """``u = [v].pop(); v *= 0.5`` with v no derivative flows through, and v
    written into later (so the sweep keeps u as it was made): the check
    made after the pop looked for v in the list it had just left (silently wrong
    value and gradient at order one: 0.1 |x|^2 for 0.05 |x|^2; fuzz seed 15001
    program 2835). Refused where the write happens."""
    for transform in (srcdiff.grad, srcdiff.value_and_grad):
        with pytest.raises(srcdiff.SrcdiffError, match="'v' is changed in place here, but 'u'"):
            transform(POPPED.item_popped_off_a_literal_of_constants)(X)
    with pytest.raises(srcdiff.SrcdiffError, match="'v' is changed in place here, but 'u'"):
        srcdiff.vjp(POPPED.item_popped_off_a_literal_of_constants, X)
    with pytest.raises(srcdiff.SrcdiffError, match="'v' is changed in place here, but 'u'"):
        srcdiff.jvp(POPPED.item_popped_off_a_literal_of_constants, (X,), (V,))
