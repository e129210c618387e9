"""A list the gradient pushes, pops back and shrinks: for ``[s for i in ...]``
in a loop, the gradient's forward sweep pushes each iteration's ``items`` list
and its backward pops it (``items = items_stack.pop()``) and takes the items
off again (``items.pop()``). Differentiated again, the forward sweep of that
code saved ``items`` by pushing the list object, which the backward it also
runs then emptied: jacobian(grad(f)) raised "pop from empty list" in generated
code (fuzz seed 13200 programs 6845 and 7172). A push of a name whose list later code may
take back out of a container and resize keeps a copy of its lists now
(reverse._revisited_lists). Orders one and two against central differences."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

X = np.array([0.4, -0.3, 0.8])
V = np.array([0.5, 0.2, -0.6])
P = {"w": np.array([0.9, 0.5, -0.9]), "b": 0.2}

MOD = load_module('''
def comprehension_in_a_zip_loop_then_overwritten(p, x):
    c = np.ones((1, 1))
    pair = (c, p["w"])
    w = pair[1]
    for a, b in zip(w, w):
        s = w
        c[0, 0] = np.sum([s for i in range(1)])
    c[0, 0] = np.sum(x ** 2)
    return np.sum(c ** 2)


def comprehension_in_a_zip_loop(p, x):
    c = np.ones((1, 1))
    pair = (c, p["w"])
    w = pair[1]
    for a, b in zip(w, w):
        s = w * x[0]
        c[0, 0] = np.sum([s for i in range(2)])
    c[0, 0] = c[0, 0] + np.sum(x ** 2)
    return np.sum(c ** 2) + np.sum(c * x[1])


def held_in_a_list_after_a_loop_that_may_return(p, x):
    for a in p["w"][:2]:
        U, S, V = np.outer(p["w"], x)
        if np.sum(x) > 100.0:
            return np.sum(S * x)
    L = [x * 2.0]
    L.append(1.0)
    P = [L]
    return np.sum(P[0][0] * L[0])


def comprehension_read_after_its_loop(p, x):
    out = 0.0
    for a in p["w"]:
        items = [x * a for i in range(2)]
        out = out + np.sum(items[0] * items[1])
    return out + np.sum(items[1])
''')


@pytest.mark.parametrize("name", ["comprehension_in_a_zip_loop_then_overwritten",
                                  "comprehension_in_a_zip_loop",
                                  "comprehension_read_after_its_loop"])
def test_lists_pushed_then_resized_after_their_pop(name):
    assert_orders_one_and_two(getattr(MOD, name), [P, X], 1, V)


def test_a_list_held_in_a_list_in_a_branch():
    """The backward of vjp copies the lists it restores before it runs, with
    every residual that holds one: ``P = [L]; s = P[0]`` inside the branch a
    loop with a return leads to were left out (only bindings at the top level
    were followed), so ``L``'s copy got its item back and ``P[0]`` did not:
    jacobian(grad) raised IndexError in generated code (fuzz seed 13200
    program 7172)."""
    assert_orders_one_and_two(MOD.held_in_a_list_after_a_loop_that_may_return, [P, X], 1, V)
