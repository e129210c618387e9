"""A field of an object argument that holds a number: ``s = pn.c`` then
``s += ...`` rebinds s, it changes no array. When the function also writes into
a view of one of the object's arrays, the alias analysis took ``s`` for a name
that may share the object's memory and refused the function ("'s' is changed
in place here, but 'pn' names the same array", fuzz seed 13200 program 6585).
(The write is in a branch these inputs do not take.) The kind of an object argument now says which fields hold numbers (the code is
specialised on it), and the refusal made before the call waits for it. Where
the field holds a 0-d array, ``s += ...`` does change the object's array, and
is refused as before. Orders one and two against central differences."""
from typing import NamedTuple

import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

X = np.array([0.4, -0.3, 0.8])
V = np.array([0.5, 0.2, -0.6])


class P(NamedTuple):
    w: np.ndarray
    c: object


MOD = load_module('''
def number_field_grown_in_a_loop(pn, x):
    s = pn.c
    out = 0.0
    for i in range(3):
        s += s * pn.c + np.sum(x) * 0.1
        out = out + s * np.sum(pn.w * x)
        s = pn.c
    if np.sum(x) > 100.0:
        r = pn.w[None, :]
        r[0] = np.sin(x)       # (not at these inputs: it would write the caller's array)
    return out + np.sum(pn.w * x)
''')


def _args(c):
    return [P(np.array([0.3, -0.5, 0.2]), c), X]


@pytest.mark.parametrize("c", [0.7, np.float64(0.7), 2])
def test_a_number_field_changed_by_augmented_assignment(c):
    assert_orders_one_and_two(MOD.number_field_grown_in_a_loop, _args(c), 1, V)


def test_a_0d_array_field_changed_in_place_is_refused():
    with pytest.raises(srcdiff.SrcdiffError, match=r"gen_\d+\.py:\d+: 's' is changed in place "
                       "here, but 'pn' (names|holds) the same array"):
        srcdiff.grad(MOD.number_field_grown_in_a_loop, wrt=1)(*_args(np.array(0.7)))
