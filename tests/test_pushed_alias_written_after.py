"""A name the program rebinds (``h = v`` before a loop, ``h = np.sin(h) @ W``
in it) is pushed on its stack as it is, so the stack's first entry is ``v``'s
array itself; a write into ``v`` after the loop (``v[0:1] *= 0.5``) changed
that entry, and the sweep read the new items: a silently wrong gradient on
e4eb619 (fuzz seed 16001 program 9775, a layer loop). The write was checked
where it runs not to share ``h``'s array (runtime.unshared_at_write), and
that check was taken to cover every value of ``h`` the sweep reads; it sees
only the value at the write. Now a checked name the program rebinds still
makes the sweep put the written array's old items back
(reverse._restore_view_bases). Which check should have caught it: the fuzzer
did (layer-list idiom); these functions reach it through a for loop, a while
loop and a branch."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module, numeric_grad

X = np.array([0.4, -0.3, 0.8, 0.2])
V = np.array([0.5, 0.2, -0.6, 0.1])

MOD = load_module('''
WS = [np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.4], [-0.6, 0.2, 0.9], [0.1, 0.4, 0.3]]),
      np.array([[0.7, -0.1, 0.2, 0.5], [0.2, 0.6, -0.3, 0.1], [-0.4, 0.3, 0.8, 0.2]])]


def layer_loop(x):
    v = x * 1.0
    h = v
    for W in WS:
        h = np.sin(h) @ W
    v[0:1] *= 0.5
    return np.mean(h * h) + np.sum(v)


def while_loop(x):
    v = np.cos(x)
    h = v
    k = 0
    while k < 2:
        h = np.tanh(h) * x + h * 0.5
        k = k + 1
    v[1:3] = v[1:3] * 2.0
    return np.sum(h ** 2) + np.sum(v * x)


def in_a_branch(x):
    v = x * 2.0
    h = v if x[0] > 0.0 else x * 3.0
    for i in range(2):
        h = np.sin(h) * (i + 1.0)
    v[0] = 1.0
    return np.sum(h * x) + np.sum(v ** 2)
''')

NAMES = ["layer_loop", "while_loop", "in_a_branch"]


@pytest.mark.parametrize("name", NAMES)
def test_gradient(name):
    f = getattr(MOD, name)
    np.testing.assert_allclose(srcdiff.grad(f)(X), numeric_grad(f, [X], 0), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", NAMES)
def test_orders_one_and_two(name):
    assert_orders_one_and_two(getattr(MOD, name), [X], 0, V)
