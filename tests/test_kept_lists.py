"""A list the gradient pushes and later code resizes (the gradient's own
backward takes the items it appended off again) is pushed as the list itself
with its items, ``kept(L)``, and popped with them put back, ``refilled(..)``.
It used to be pushed as a copy, which is not the list a container holds: with
``P = {'a': L}`` (or ``[L]``, ``(L, x)``) the backward of the gradient's vjp
put the item back into the copy only, ``P['a']`` stayed one item short, and
jacobian(grad(f)) raised IndexError in generated code (fuzz seed 15001
program 8915, bug227). Which check should have caught it: the fuzzer did;
these functions put the list in each kind of container, on a path a branch
chooses (so the name is saved as a rebound name) and in a loop."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

X = np.array([0.4, -0.3, 0.8])
V = np.array([0.5, 0.2, -0.6])

MOD = load_module('''
def held_by_a_dict_in_a_branch(x):
    if x[1] > 1.0:
        pass
    elif x[0] > -1.0:
        pass
    else:
        return np.sum(x)
    L = [x * 2.0]
    L.append(0.5)
    P = {'a': L, 'b': x}
    return np.sum(P['a'][0] * L[0] * P['b'])


def held_by_a_list_in_a_branch(x):
    if x[1] > 1.0:
        pass
    elif x[0] > -1.0:
        pass
    else:
        return np.sum(x)
    L = [np.sin(x)]
    L.append(x[0])
    P = [L, x]
    return np.sum(P[0][0] * L[0]) + P[0][1] * L[1]


def held_by_a_tuple_in_a_branch(x):
    if x[1] > 1.0:
        pass
    elif x[0] > -1.0:
        pass
    else:
        return np.sum(x)
    L = [x * x]
    L.append(np.cos(x))
    P = (x, L)
    return np.sum(P[1][0] * L[1])


def held_by_a_dict_in_a_loop(x):
    s = 0.0
    for k in range(2):
        L = [x * (k + 1.0)]
        L.append(x[k])
        P = {'a': L}
        s = s + np.sum(P['a'][0] * L[0]) * L[1]
    return s
''')

NAMES = ["held_by_a_dict_in_a_branch", "held_by_a_list_in_a_branch",
         "held_by_a_tuple_in_a_branch", "held_by_a_dict_in_a_loop"]


@pytest.mark.parametrize("name", NAMES)
def test_orders_one_and_two(name):
    assert_orders_one_and_two(getattr(MOD, name), [X], 0, V)


def test_the_push_keeps_the_list():
    """The gradient's vjp pushes the list itself, not a copy of it."""
    g = srcdiff.grad(MOD.held_by_a_dict_in_a_branch)
    _, back = srcdiff.vjp(g, X)
    text = srcdiff.source(back)
    assert "kept(L)" in text and "refilled(" in text, text
    assert "copy_structure(L)" not in text, text
