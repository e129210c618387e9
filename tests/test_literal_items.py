"""Items of a list or tuple literal read at constant items: a helper's
``return [a * 1.0, 0.5]`` inlined is ``H = [a_1, 0.5]; r = H[0]; c = H[1]``,
and ``r`` is ``a_1``'s array only. The alias analysis took every item of H for
every other (``r -= ...`` then ``r[0] = ...`` was refused: "'r' is changed in
place here, but 'c' names the same array", fuzz seed 13200 programs 7151, 8680,
9224, 9826). It follows each item now; where two items are one array, or one
is a view of another, the write is still refused or followed as Python runs it.
Orders one and two against central differences."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

X = np.array([0.4, -0.3, 0.8])
V = np.array([0.5, 0.2, -0.6])

MOD = load_module('''
def pair_with_a_number(a, b):
    return [b * 1.0, 0.5]


def pair_of_new_arrays(v):
    return (v * 2.0, np.cos(v))


def same_array_twice(v):
    return [v, v]


def array_and_its_view(v):
    return [v, v[1:]]


def a_number_item_read_later(x):
    r, c = pair_with_a_number(0, x[None, :])
    r -= 1.0
    g = lambda z: c * z
    r[0] = x * r[0]
    s, _ = pair_with_a_number(g(c), r)
    return np.sum(s ** 2) + g(2.0)


def first_item_written_second_read(x):
    r, c = pair_of_new_arrays(x)
    r *= c
    r[1] = r[1] * x[0]
    return np.sum(r * c) + np.sum(c ** 2)


def items_renamed_in_a_loop(x):
    acc = 0.0
    for i in range(3):
        r, c = pair_of_new_arrays(x * (i + 1.0))
        r -= np.sin(c)
        r[i] = r[i] * c[i]
        acc = acc + np.sum(r * c)
    return acc


def one_array_twice(x):
    r, c = same_array_twice(x * 1.0)
    r -= 1.0
    r[0] = r[0] * x[1]
    return np.sum(c * x)


def an_item_and_its_view(x):
    r, c = array_and_its_view(x * 1.0)
    r *= 2.0
    r[1] = r[1] * x[0]
    return np.sum(c * x[1:])
''')


@pytest.mark.parametrize("name", ["a_number_item_read_later", "first_item_written_second_read",
                                  "items_renamed_in_a_loop"])
def test_items_of_a_literal_are_followed_one_by_one(name):
    assert_orders_one_and_two(getattr(MOD, name), [X], 0, V)


@pytest.mark.parametrize("name", ["one_array_twice", "an_item_and_its_view"])
def test_items_sharing_an_array_are_still_seen(name):
    """Python changes ``c`` with ``r``: the gradient of that program, or a refusal."""
    f = getattr(MOD, name)
    try:
        srcdiff.grad(f)(X)
    except srcdiff.SrcdiffError as e:
        assert "is changed in place here" in str(e) and "gen_" in str(e)
        return
    assert_orders_one_and_two(f, [X], 0, V)
