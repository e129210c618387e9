"""A list or array changed in place through another name that holds it.

Which names vary with the input was found without following sharing: after
``for L in [A, B]: L.append(x * 0.25)`` only ``L`` varied, not ``A`` or
``B``, and grad silently dropped what the appends added (half the gradient
of ``np.sum(np.tanh(A[-1] + B[-1]) * x)`` on e4eb619); after ``P = {'a':
L}; P['a'].append(v)`` a user function called on ``P['a'][0]`` was not
inlined, and forward mode (jvp, hvp, jvp(grad)) refused it (fuzz seed 15002
program 1856). Now a change in place varies every name that may share the
value changed (analysis.sharing_groups), and a loop over a literal of names
whose body changes its variable in place is unrolled with the names
themselves (values._changed_through_loop_variable), so ``A.append(..)``,
``B.append(..)`` are followed as any append is (and ``L = B`` after, where L
is read after the loop). Which check should have
caught it: the fuzzer never changed a value through a name that holds it;
its ``changed-through-holder`` idiom does now."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module, numeric_grad

X = np.array([0.4, -0.3, 0.8, 0.2])
V = np.array([0.5, 0.2, -0.6, 0.1])

MOD = load_module('''
G0 = 1.16
h = lambda a: np.tanh(a) * 1.5


def helper(a, b=2.0):
    return a * b + np.sin(a)


def loop_appends_to_each(x):
    A = [np.zeros(4)]
    B = [np.ones(4)]
    for L in [A, B]:
        L.append(x * 0.25)
    return np.sum(np.tanh(A[-1] + B[-1]) * x)


def loop_appends_in_a_branch(x):
    A = [np.tanh(x)]
    B = [0.8 * x]
    if x[0] < 0.9:
        for L in (A, B):
            L.append(x[1] / (1.5 + x))
    return np.sum(A[-1] * B[-1] + A[0])


def loop_writes_an_item_of_each(x):
    A = np.zeros(4)
    B = np.ones(4)
    for R in [A, B]:
        R[1] = x[0] * 3.0
        R[2:] = R[2:] * x[2:]
    return np.sum(A * x) + np.sum(B ** 2)


def loop_then_a_helper(x):
    A = [np.zeros(4)]
    B = [np.ones(4)]
    for L in [A, B]:
        L.append(x * 0.25)
    return np.sum(h(A[-1] + B[-1]) * x)


def through_a_dict(x):
    L = [np.sin(G0)]
    P = {'a': L, 'b': 0.5}
    P['a'].append(0.3 * np.sum(x))
    s = P['a'][-1] * P['a'][0]
    return np.mean(h(s * np.linspace(-1.0, 1.0, 4))) + np.sum(x * x) * 0.1


def through_a_list(x):
    L = [np.ones(4)]
    P = [L, 1.0]
    P[0].append(x * 0.5)
    return np.sum(helper(L[-1] * L[0]) ** 2)


def through_an_item_name(x):
    L = [0.5]
    P = (x, L)
    Q = P[1]
    Q.append(np.sum(x ** 2))
    return helper(L[-1]) + np.sum(h(x))


def loop_after_an_early_return(x):
    if x[0] > 2.0:
        return np.sum(x)
    A = [np.tanh(x)]
    B = [np.sin(x)]
    for L in [A, B]:
        L.append(x[1] * np.linspace(-1.0, 1.0, 4))
    return np.sum(A[-1] * B[0]) + np.sum(B[-1] ** 2)


def loop_variable_read_after(x):
    A = [np.zeros(4)]
    B = [np.ones(4)]
    for L in [A, B]:
        L.append(x * 0.25)
    return np.sum(L[-1] * A[-1] * x)
''')

NAMES = ["loop_appends_to_each", "loop_appends_in_a_branch", "loop_writes_an_item_of_each",
         "loop_then_a_helper", "through_a_dict", "through_a_list", "through_an_item_name",
         "loop_after_an_early_return", "loop_variable_read_after"]


@pytest.mark.parametrize("name", NAMES)
def test_gradient(name):
    f = getattr(MOD, name)
    np.testing.assert_allclose(srcdiff.grad(f)(X), numeric_grad(f, [X], 0), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", NAMES)
def test_orders_one_and_two(name):
    assert_orders_one_and_two(getattr(MOD, name), [X], 0, V)


def test_the_loop_is_unrolled_with_the_names():
    text = srcdiff.source(srcdiff.grad(MOD.loop_appends_to_each))
    assert "A.append(" in text and "B.append(" in text, text
    assert "for L in" not in text, text
