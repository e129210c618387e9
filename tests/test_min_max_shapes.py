"""Builtin min/max of a one-element view and a number: the argument min did not
select gets a zero cotangent of its own shape. ``min(A[0:1, 0], b)`` gave the
number b a cotangent of shape (1,) when min picked the view (fuzz seed 14001
program 9747: "gradient shape (1,) != argument shape ()"). Orders one and two
against central differences, where b is picked and where it is not."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

MOD = load_module('''
def min_of_a_view_and_a_number(x, b):
    A = np.outer(x, x)
    s = min(A[0:1, 0], b)
    return np.sum(s) + b * np.sum(x)


def max_of_a_number_and_a_view(x, b):
    s = max(b * 1.0, x[1:2] * 2.0)
    return np.sum(s * x)
''')

X = np.array([0.4, -0.3, 0.8])
V = np.array([0.5, 0.2, -0.6])


@pytest.mark.parametrize("b", [-2.0, 2.0])
@pytest.mark.parametrize("name", ["min_of_a_view_and_a_number", "max_of_a_number_and_a_view"])
def test_the_number_gets_a_number(name, b):
    f = getattr(MOD, name)
    db = srcdiff.grad(f, wrt=1)(X, b)
    assert np.shape(db) == ()
    eps = 1e-6
    np.testing.assert_allclose(db, (f(X, b + eps) - f(X, b - eps)) / (2 * eps), atol=1e-8)
    assert_orders_one_and_two(f, [X, b], 0, V)
