"""A buffer written in a loop, then used: the gradient puts the loop's old
contents back at the end of its sweep, ``w = restore_contents(w, saved)``,
which changes w's array in place. Reverse mode over that code versions the
name (``w_5 = restore_contents(w_3, saved)``) and took the call for a value of
its own: w_3's array kept the refilled contents, and the second sweep read
them where it needed the loop's: jacobian(grad(f)) was 0 for a five-line
function (fuzz seed 14001 program 2938; hvp and jvp(grad) right). The sweep
now puts back the contents of an argument such a helper writes into
(reverse._refilled_argument). Orders one and two against central differences."""
import numpy as np
import pytest

from numeric import assert_orders_one_and_two, load_module

X = np.array([0.4, -0.3, 0.8])
V = np.array([0.5, 0.2, -0.6])

MOD = load_module('''
def filled_in_a_loop_then_scaled(x):
    w = np.zeros(4)
    for i in range(1):
        w[i] = 1.0
    w *= np.sum([x[0] for k in range(2)]) + x[1] * x[2]
    return np.mean(w ** 2)


def filled_in_a_loop_then_multiplied(x):
    w = np.zeros(3)
    for i in range(3):
        w[i] = np.sin(x[i]) * (i + 1.0)
    w = w * np.cos(x)
    return np.sum(w ** 2) + np.sum(x * w)


def filled_twice(x):
    w = np.ones(3)
    for i in range(2):
        w[i] = w[i] * x[i]
    s = np.sum(w * x)
    for i in range(3):
        w[i] = w[i] + s * x[2 - i]
    return np.sum(np.tanh(w) * x)
''')


@pytest.mark.parametrize("name", ["filled_in_a_loop_then_scaled",
                                  "filled_in_a_loop_then_multiplied", "filled_twice"])
def test_buffers_filled_in_loops_at_order_two(name):
    assert_orders_one_and_two(getattr(MOD, name), [X], 0, V)
