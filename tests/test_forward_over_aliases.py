"""Forward mode over code where two names hold one array (``c = v`` in a branch
of a conditional expression) and the array's items are written in place (the
gradient's sweep puts back what a write overwrote): the tangents must be one
array exactly where the primal values are. A third name whose tangent, not
its value, shared that array (``A12 = G0 + v5``: the tangent of a sum with a
constant is the operand's) made the transform write the put-back into a copy,
which the second name's tangent did not see: hvp and jvp(grad) were silently
wrong (205.2 for 80.6; fuzz seed 15002 program 1835, bug229), while
jacobian(grad) was right."""
import numpy as np
import pytest

from numeric import assert_orders_one_and_two, load_module

X = np.array([0.1, 0.2, -0.3])
V = np.array([1.0, -0.5, 0.3])

MOD = load_module('''
G0 = 1.0


def chosen_then_written(A):
    v5 = A + G0
    v5 /= np.cos(v5)
    v5[::1] = np.square(v5 if G0 >= 0.5 else 0.5)
    A12 = G0 + v5
    return np.mean(A12)


def chosen_then_a_row_written(A):
    v = np.outer(A, A) + 1.0
    v[0] = np.square(v if np.sum(A) < 5.0 else 0.5)[1] * A
    s = 0.5 + v
    return np.sum(s * s)
''')


@pytest.mark.parametrize("name", ["chosen_then_written", "chosen_then_a_row_written"])
def test_orders_one_and_two(name):
    assert_orders_one_and_two(getattr(MOD, name), [X], 0, V)
