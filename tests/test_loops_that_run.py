"""``t = A[-1]`` (a row view), then ``for i in range(3): t = 0.5 * t + x``, then
``A`` written in place and ``t`` read: t is a new array by then, since the loop
certainly runs, but the alias analysis took every loop to maybe run no times,
so srcdiff refused the function ("'t' and 'A' share memory here", fuzz seed
15001 program 4486). A ``for`` loop over ``range()`` of constants that is not
empty, or over a list literal with items, now counts as run
(liveness.loops_that_run). A loop that may run no times, or may break before
the rebinding, still leaves the view, and the function is refused where the
sharing matters.

A name bound once, to itself (``x = x``) or to a name bound only to it, says
nothing about its value: the question recursed without end (RecursionError
in liveness.nonempty, fuzz seed 18001 program 3021)."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

X = np.array([0.1, 0.2, 0.3])
V = np.array([0.5, -0.2, 0.4])

MOD = load_module('''
def rebound_in_a_loop(x):
    A = np.outer(x, x)
    t = A[-1]
    for i in range(3):
        t = 0.5 * t + x
    A -= 1.0
    A[0] = np.sum(t) * x
    return np.sum(A ** 2)


def in_an_outer_loop(x):
    A = np.outer(x, x)
    for j in range(2):
        t = A[-1]
        for i in range(1, 3):
            t = 0.5 * t + np.sin(x) * i
        A -= 1.0
        A[j] = np.sum(t ** 2) * x
    return np.sum(A * A)


def over_a_list_literal(x):
    A = np.outer(x, x)
    t = A[0]
    for c in [0.5, 2.0]:
        t = t * c + x
    A[A > 0.05] = 0.1
    return np.sum(A * x) + np.sum(t ** 2)


def may_run_no_times(x, n):
    A = np.outer(x, x)
    t = A[-1]
    for i in range(n):
        t = 0.5 * t + x
    A -= 1.0
    return np.sum(A ** 2) + np.sum(t)


def may_break_first(x):
    A = np.outer(x, x)
    t = A[-1]
    for i in range(3):
        if x[0] > 0.0:
            break
        t = 0.5 * t + x
    A -= 1.0
    return np.sum(A ** 2) + np.sum(t)


def bound_to_itself(x, y):
    r = np.sin(x) * y
    if np.mean(r) > 5.0:
        x = x
    r *= np.cos(r)
    for v in x:
        r[0] = r[0] * np.cos(v)
    return np.sum(r) + np.sum(y * y)


def bound_to_each_other(x, y):
    r = x * y
    if np.sum(x) > 0.0:
        x = y
    else:
        y = x
    r *= np.cos(r)
    for v in y:
        r = r + np.sin(v * x)
    return np.sum(r ** 2)
''')


@pytest.mark.parametrize("name", ["bound_to_itself", "bound_to_each_other"])
@pytest.mark.parametrize("wrt", [0, 1])
def test_a_loop_over_a_name_bound_to_itself(name, wrt):
    f = getattr(MOD, name)
    args = [X, V]
    np.testing.assert_allclose(srcdiff.value_and_grad(f, wrt=wrt)(*args)[0], f(*args),
                               rtol=1e-12)
    assert_orders_one_and_two(f, args, wrt, V)


@pytest.mark.parametrize("name", ["rebound_in_a_loop", "in_an_outer_loop", "over_a_list_literal"])
def test_a_view_rebound_in_a_loop_that_runs(name):
    f = getattr(MOD, name)
    np.testing.assert_allclose(srcdiff.value_and_grad(f)(X)[0], f(X), rtol=1e-12)
    assert_orders_one_and_two(f, [X], 0, V)


def test_a_loop_that_may_run_no_times_keeps_the_view():
    with pytest.raises(srcdiff.SrcdiffError, match=r"gen_.*: 'A' is changed in place here, but 't' names the same array"):
        srcdiff.grad(MOD.may_run_no_times)(X, 0)


def test_a_loop_that_may_break_first_keeps_the_view():
    with pytest.raises(srcdiff.SrcdiffError, match=r"gen_.*: 'A' is changed in place here, but 't' names the same array"):
        srcdiff.grad(MOD.may_break_first)(X)
