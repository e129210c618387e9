"""np.add.at / np.subtract.at (scatter-adds whose repeated indices add up) with
differentiated values, through the public transforms at orders one and two,
against central differences; the other ``.at`` methods are refused."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two


def scatter_values(a):
    x = np.zeros(6)
    np.add.at(x, np.array([0, 2, 2, 5]), a[:4] ** 2)
    return np.sum(np.sin(x) * np.arange(6.0)) + np.sum(a[4:6] * x[:2])


def into_param(a):
    np.add.at(a, np.array([1, 1, 3]), 0.5)
    return np.sum(a ** 3)


def subtract_both(a):
    y = np.cos(a[:6])
    np.subtract.at(y, [0, 0, 4], a[6:9] * a[9])
    return np.sum(y ** 2) + y[0] * a[10]


def two_d_index(a):
    M = np.outer(a[:3], a[3:6])
    rows = np.array([0, 1, 1, 2])
    cols = np.array([2, 0, 0, 1])
    np.add.at(M, (rows, cols), np.tanh(a[6:10]))
    return np.sum(M ** 2)


def histogram_in_loop(a):
    h = np.zeros(4)
    for k in range(3):
        np.add.at(h, [k, k + 1, k + 1], a[3 * k:3 * k + 3] * h[k] + 0.3)
    return np.sum(h ** 3) + np.sum(a[9:] * h[:3])


def read_before_write(a):
    y = a[:6] * 1.0
    s = y[2] * 2.0
    np.add.at(y, [2, 2], a[6:8])
    return s * np.sum(y ** 2)


def multiply_at(a):
    y = a[:4] * 1.0
    np.multiply.at(y, [0, 0], a[4:6])
    return np.sum(y)


@pytest.mark.parametrize("f", [scatter_values, into_param, subtract_both, two_d_index,
                               histogram_in_loop, read_before_write])
def test_scatter_add_orders_one_and_two(f):
    rs = np.random.RandomState(3)
    a = rs.uniform(-0.9, 0.9, 12)
    v = rs.uniform(-1.0, 1.0, 12)
    assert_orders_one_and_two(f, (a,), 0, v)


def test_add_at_leaves_the_callers_array_alone():
    a = np.linspace(0.1, 1.2, 12)
    before = a.copy()
    srcdiff.grad(into_param)(a)
    np.testing.assert_array_equal(a, before)


def test_other_at_methods_are_refused_with_the_line():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_ufunc_at\.py:\d+: numpy\.multiply\.at"):
        srcdiff.grad(multiply_at)(np.linspace(0.1, 0.6, 6))
