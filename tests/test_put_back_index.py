"""The sweep puts back the items a write ``y[m] = v`` overwrote, ``y[m] =
old``, and that reads the index ``m`` as it was at the write. An index name
bound once in a loop is pushed every iteration; one bound more than once (in
the user's code, or because the transform generates the tail after an
early-return loop twice) is saved as any rebound name is, only where the sweep
reads it after its restore, and the put-back's reads of its index were not
counted there. So the mask was not saved: the sweep used the last iteration's
mask for every iteration and crashed ("cannot assign N input values"), or,
where the masks select as many items, put the old items back in the wrong
places (fuzz seed 15002 program 1963, bug228). Which check should have caught
it: the fuzzer did, once its masked writes met a loop that may return early;
these functions bind the index twice directly."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module, numeric_grad

X = np.array([0.3, -0.5, 0.8, 0.2, -0.1, 0.6])
V = np.array([0.5, 0.2, -0.6, 0.1, 0.3, -0.4])

MOD = load_module('''
def mask_bound_twice(x):
    A = np.linspace(0.0, 1.0, 6)
    m = A > 2.0
    s = 0.0
    for i in range(3):
        m = A > 0.3 * i
        A[m] = 0.25 * i
        s = s + np.sum(A * x ** 2)
        A = A * 1.5 - 0.2
    return s + np.sum(m * x)


def index_bound_twice(x):
    A = np.linspace(-1.0, 1.0, 6)
    k = 0
    s = 0.0
    for i in range(4):
        k = (2 * i + 1) % 6
        A[k] = 0.5 * i
        s = s + np.sum(A * x)
        A = A * 0.5
    return s


def mask_after_early_return(x):
    if x[0] > -1.0:
        for v in [x, x]:
            while x[1] > 1.0:
                return np.sum(x)
    A = np.linspace(0.0, 1.0, 6)
    s = 0.0
    for i in range(3):
        A[A < 0.5] = 1.0
        s = s + np.sum(A * x ** 2)
        A = A * 0.6 + 0.1 * i
    return s


def same_count_masks(x):
    A = np.linspace(0.0, 1.0, 6)
    m = A > 100.0
    s = 0.0
    for i in range(3):
        m = np.roll(A > 0.4, i)
        A[m] = 2.0 + i
        s = s + np.sum(A * x)
        A = A[::-1] * 0.9
    return s
''')

NAMES = ["mask_bound_twice", "index_bound_twice", "mask_after_early_return",
         "same_count_masks"]


@pytest.mark.parametrize("name", NAMES)
def test_gradient(name):
    f = getattr(MOD, name)
    np.testing.assert_allclose(srcdiff.grad(f)(X), numeric_grad(f, [X], 0), rtol=1e-6, atol=1e-8)
    value, g = srcdiff.value_and_grad(f)(X)
    np.testing.assert_allclose(value, f(X), rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_orders_one_and_two(name):
    assert_orders_one_and_two(getattr(MOD, name), [X], 0, V)
