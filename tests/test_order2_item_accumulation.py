"""A parameter read whole and by item (``y / (1 + y[1] ** 2)``): the gradient's
code takes the first contribution as its cotangent, ``dy = dv``, and adds the
item's into it in place, ``dy = add_at(dy, 1, g)``. That is right at order one
(nothing reads dv afterwards), but differentiated again in reverse mode
(``jacobian(grad(f))``, ``grad(grad(f))``), dv is a value the derivative reads
later, and the in-place addition had changed it: jacobian(grad) was silently
wrong in one row (fuzz seed 13100 program 1133, a 4-line function), while hvp
and jvp(grad) were right. Code differentiated again now adds on a copy
(reverse._copy_accumulations). Every order-two transform, against central
differences."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

X = np.array([-0.94, 0.59, 0.31, -0.22])
V = np.array([0.3, -0.5, 0.2, 0.7])

MOD = load_module('''
def item_scales_the_whole(y):
    s = 0.92 * y[1]
    v = y / (1.0 + s * s)
    return 0.97 * np.mean(v ** 2)


def slice_scales_the_whole(y):
    v = np.sin(y) * np.sum(y[1:3] ** 2)
    return np.sum(v * y)


def items_in_a_loop(y):
    t = np.tanh(y)
    s = 0.0
    for i in range(3):
        s = s + y[i] * t[i + 1]
    return s * np.sum(t ** 2)


def row_of_a_matrix(y):
    A = np.outer(y, y)
    r = A[1]
    return np.sum(np.tanh(A) * r[None, :] ** 2)


def item_then_whole_again(y):
    a = y[0] ** 2
    w = y * a
    w2 = w + y[2] * y
    return np.sum(w2 ** 2) + a
''')

NAMES = ["item_scales_the_whole", "slice_scales_the_whole", "items_in_a_loop",
         "row_of_a_matrix", "item_then_whole_again"]


@pytest.mark.parametrize("name", NAMES)
def test_parameter_read_whole_and_by_item_at_order_two(name):
    f = getattr(MOD, name)
    assert_orders_one_and_two(f, [X], 0, V)
    H = srcdiff.hessian(f)(X)
    np.testing.assert_allclose(H, H.T, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(H @ V, srcdiff.hvp(f)(X, V), rtol=1e-6, atol=1e-9)
    gg = srcdiff.grad(lambda x: np.sum(srcdiff.grad(f)(x) * V))(X)
    np.testing.assert_allclose(gg, H @ V, rtol=1e-6, atol=1e-9)
