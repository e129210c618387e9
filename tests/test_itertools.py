"""``itertools`` basics in differentiated code (issue 18): ``pairwise``,
``product`` (``repeat=`` too) and ``accumulate`` (default add, an operator, a
lambda or a user function, ``initial=``) over arrays and lists, composed with
``zip``, ``enumerate`` and ``reversed``. Each call becomes a call of a Python
version in functional.py, which is inlined. Gradients and jvp at order one,
Hessian-vector products and jacobian(grad) at order two, against central
differences."""
import numpy as np
import pytest

import srcdiff
from srcdiff import grad, hvp, jacobian, jvp
from numeric import assert_grads, gradient_fd, load_module, numeric_grad

X = np.array([0.3, -0.5, 0.8, 1.1])
Y = np.array([0.2, 0.7, -0.4, 0.5])
V = np.array([1.0, -0.5, 0.25, 0.75])

MOD = load_module('''
import itertools
import operator
from itertools import accumulate, pairwise


def smooth(a, b):
    return 0.5 * a + np.sin(b)


def f_pairwise(x, y):
    s = 0.0
    for a, b in itertools.pairwise(x):
        s = s + np.sin(a) * b
    return s + np.sum(y)


def f_pairwise_list_of_arrays(x, y):
    rows = [x, y, x * y]
    s = 0.0
    for a, b in pairwise(rows):
        s = s + np.sum(np.tanh(a) * b)
    return s


def f_pairwise_enumerate(x, y):
    s = 0.0
    for i, (a, b) in enumerate(itertools.pairwise(x * y)):
        s = s + (i + 1.0) * a * np.cos(b)
    return s


def f_pairwise_zip(x, y):
    s = 0.0
    for (a, b), c in zip(itertools.pairwise(x), y):
        s = s + a * b * c
    return s


def f_pairwise_reversed(x, y):
    s = 0.0
    for a, b in reversed(list(itertools.pairwise(x + y))):
        s = s * 0.5 + a * np.exp(b)
    return s


def f_product(x, y):
    s = 0.0
    for a, b in itertools.product(x, y):
        s = s + a * np.cos(b)
    return s


def f_product_repeat(x, y):
    s = 0.0
    for a, b in itertools.product(x[:3], repeat=2):
        s = s + np.sin(a - b) * a
    return s + np.sum(y * y)


def f_product_three_enumerate(x, y):
    s = 0.0
    for k, (a, b, c) in enumerate(itertools.product(x[:2], y[:2], x[2:])):
        s = s + a * b * c / (k + 1.0)
    return s


def f_accumulate(x, y):
    s = 0.0
    for c in itertools.accumulate(x * y):
        s = s + c * c
    return s


def f_accumulate_operator(x, y):
    return np.sum(np.array(list(itertools.accumulate(x, operator.mul)))) + np.sum(y)


def f_accumulate_lambda(x, y):
    s = 0.0
    for c in accumulate(x, lambda a, b: a * 0.5 + np.sin(b)):
        s = s + c * y[0]
    return s


def f_accumulate_user_function_initial(x, y):
    s = 0.0
    for c, w in zip(itertools.accumulate(x, smooth, initial=y[1]), y):
        s = s + c * w
    return s


def f_accumulate_arrays(x, y):
    rows = [x, y, np.sin(x)]
    total = 0.0
    for i, r in enumerate(itertools.accumulate(rows, func=np.maximum)):
        total = total + (i + 1.0) * np.sum(r * r)
    return total


def f_accumulate_of_pairwise(x, y):
    diffs = [b - a for a, b in itertools.pairwise(x)]
    return sum(c ** 2 for c in itertools.accumulate(diffs)) + np.sum(y * x)
''')

CASES = [n for n in dir(MOD) if n.startswith("f_")]


@pytest.mark.parametrize("name", CASES)
def test_order_one(name):
    f = getattr(MOD, name)
    assert_grads(f, grad(f, wrt=(0, 1)), (X, Y), (0, 1))
    _, dout = jvp(f, (X, Y), (V, None))
    np.testing.assert_allclose(dout, numeric_grad(f, (X, Y), 0) @ V, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", CASES)
def test_order_two(name):
    f = getattr(MOD, name)
    for i in (0, 1):
        np.testing.assert_allclose(hvp(f, wrt=i)(X, Y, V), gradient_fd(f, (X, Y), i, V),
                                   rtol=1e-5, atol=1e-7)
    H = jacobian(grad(f, wrt=0), wrt=0)(X, Y)
    np.testing.assert_allclose(H @ V, gradient_fd(f, (X, Y), 0, V), rtol=1e-5, atol=1e-7)


def test_other_itertools_are_refused_naming_the_line():
    f = load_module('''
import itertools


def f(x):
    s = 0.0
    for a in itertools.islice(x, 2):
        s = s + a * a
    return s
''').f
    with pytest.raises(srcdiff.SrcdiffError) as e:
        grad(f)(X)
    assert f.__code__.co_filename in str(e.value)
    assert "itertools.islice" in str(e.value)
