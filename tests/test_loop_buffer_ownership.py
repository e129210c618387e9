"""In a reversed loop, a cotangent first live inside the loop is zeroed before
it, so the sweep owns that buffer on the first iteration and may add into it in
place (``dA = add_at(dA, i, g)`` for a read ``A[i]``). The transform took it as
owned on every iteration, but the body may leave it naming another cotangent's
array: ``A = A + C`` gives ``dA = dA_in`` and ``dC = dA_in`` (C rebound later in
the body, so no dC was live there). The next iteration's ``add_at(dA, i, g)``
then changed dC too before dC was read: a silently wrong gradient at order one
on main before this fix ([1.2, -3.5, 7.2, 0] for [0.9, -2.5, 7.2, 0]). The
buffer is now owned on an iteration only where the body leaves it owned. Which
check should have caught it: the fuzzer's loops never carried two arrays, one
of them rebound after the other reads it; ``Gen.s_carried_pair`` does now."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module, numeric_grad

X = np.array([0.3, -0.5, 0.8, 0.2])
V = np.array([0.5, 0.2, -0.6, 0.1])

MOD = load_module('''
def item_read(x):
    A = x * 1.0
    C = x * 0.5
    s = 0.0
    for i in range(3):
        A = A + C
        C = x * (i + 1.0)
        s = s + A[i] * x[i]
    return s


def slice_read(x):
    A = x * 1.0
    C = np.sin(x)
    s = 0.0
    for i in range(3):
        A = A - C
        C = np.cos(x) * x
        s = s + np.sum(A[i:i + 2] ** 2)
    return s


def a_row_read(x):
    A = np.outer(x, x[:2])
    C = A * 0.5
    s = 0.0
    for i in range(3):
        A = C + A
        C = np.tanh(np.outer(x, x[1:3]))
        s = s + np.sum(A[i] * x[i:i + 2])
    return s
''')

NAMES = ["item_read", "slice_read", "a_row_read"]


@pytest.mark.parametrize("name", NAMES)
def test_gradient(name):
    f = getattr(MOD, name)
    np.testing.assert_allclose(srcdiff.grad(f)(X), numeric_grad(f, [X], 0), rtol=1e-6, atol=1e-8)
    value, g = srcdiff.value_and_grad(f)(X)
    np.testing.assert_allclose(value, f(X), rtol=1e-12)
    out, back = srcdiff.vjp(f, X)
    np.testing.assert_allclose(back(1.0)[0], g, rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_orders_one_and_two(name):
    assert_orders_one_and_two(getattr(MOD, name), [X], 0, V)
