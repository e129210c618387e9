"""``*args`` and ``**kwargs`` in the user's helpers and lambdas (issue 18): the
extra positional arguments of a call are bound to a tuple, the extra keywords to
a dict, and the helper is inlined; ``fn(*args, **kw)`` inside it passes them on.
Gradients (order one) and Hessian-vector products (order two) against central
differences."""
import numpy as np
import pytest

import srcdiff
from srcdiff import grad, hvp, jvp
from numeric import assert_grads, gradient_fd, load_module, numeric_grad

X = np.array([0.3, -0.2, 0.7])
Y = np.array([0.5, 1.5, -0.4])
V = np.array([1.0, -0.5, 0.25])

MOD = load_module('''
def sumsq(*xs):
    return sum(np.sum(x * x) for x in xs)


def sum_loop(*xs, scale=1.0, **kw):
    s = 0.0
    for x in xs:
        s = s + np.sum(np.sin(x) * x)
    return s * scale * kw["w"]


def apply(fn, *args, **kw):
    return fn(*args, **kw)


def weighted(x, y, w=1.0):
    return np.sum(np.cos(x) * y) * w


def first_and_rest(first, *rest):
    out = first
    for r in rest:
        out = out * r
    return np.sum(out)


def f_genexp(x, y):
    return sumsq(x, y, x * y)


def f_keywords(x, y):
    return sum_loop(x, y, scale=2.0, w=0.5)


def f_apply(x, y):
    return apply(weighted, x, y, w=3.0) + apply(weighted, y, x)


def f_lambda(x, y):
    g = lambda *args: np.sum(args[0] * np.exp(args[1]))
    return g(x, y) + g(y, x)


def f_rest(x, y):
    return first_and_rest(x, y, np.tanh(x))


def f_no_extra(x, y):
    return first_and_rest(x * y)
''')

CASES = ["f_genexp", "f_keywords", "f_apply", "f_lambda", "f_rest", "f_no_extra"]


@pytest.mark.parametrize("name", CASES)
def test_order_one(name):
    f = getattr(MOD, name)
    assert_grads(f, grad(f, wrt=(0, 1)), (X, Y), (0, 1))


@pytest.mark.parametrize("name", CASES)
def test_order_two(name):
    f = getattr(MOD, name)
    for i in (0, 1):
        np.testing.assert_allclose(hvp(f, wrt=i)(X, Y, V), gradient_fd(f, (X, Y), i, V),
                                   rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", CASES)
def test_forward_mode(name):
    f = getattr(MOD, name)
    _, dout = jvp(f, (X, Y), (V, None))
    np.testing.assert_allclose(dout, numeric_grad(f, (X, Y), 0) @ V, rtol=1e-6, atol=1e-8)


def test_a_call_spreading_a_tuple_it_cannot_see_is_refused_with_a_fitting_hint():
    f = load_module('''
def g(*xs):
    return np.sum(xs[0])


def f(x, parts):
    return g(*parts) * np.sum(x)
''').f
    with pytest.raises(srcdiff.SrcdiffError) as e:
        grad(f, wrt=1)(X, [X, Y])
    text = str(e.value)
    assert "*args" in text and "vjp_rule" not in text


# ---- grad of a function that has *args itself -----------------------------------------

TOP = load_module('''
def sumcube(*xs):
    return sum(np.sum(x * x * x) for x in xs)


def scaled(a, *xs):
    s = 0.0
    for x in xs:
        s = s + np.sum(np.sin(a * x))
    return s
''')


def test_grad_wrt_positions_into_args():
    f = TOP.sumcube
    args = (X, Y, X * Y)
    assert_grads(f, grad(f), args, 0)
    assert_grads(f, grad(f, wrt=2), args, 2)
    assert_grads(f, grad(f, wrt=(0, 1, 2)), args, (0, 1, 2))
    # the same array given twice: each position has its own gradient
    g0, g2 = grad(f, wrt=(0, 2))(X, Y, X)
    np.testing.assert_allclose(g0, 3 * X ** 2, rtol=1e-12)
    np.testing.assert_allclose(g2, 3 * X ** 2, rtol=1e-12)


def test_grad_wrt_a_named_parameter_and_args_items():
    f = TOP.scaled
    args = (0.5, X, Y)
    assert_grads(f, grad(f, wrt=(0, 2)), args, (0, 2))
    assert_grads(f, grad(f, wrt="a"), args, 0)
    value, (ga, gx) = srcdiff.value_and_grad(f, wrt=(0, 1))(*args)
    assert value == pytest.approx(f(*args))
    assert ga == pytest.approx(numeric_grad(f, args, 0), rel=1e-6)
    # a different number of *args: its own variant
    assert_grads(f, grad(f, wrt=(0, 3)), (0.5, X, Y, Y), (0, 3))


def test_jvp_vjp_hvp_hessian_of_a_function_with_args():
    f = TOP.sumcube
    args = (X, Y, X * Y)
    # order one
    _, dout = srcdiff.jvp(f, args, (V, None, V))
    want = numeric_grad(f, args, 0) @ V + numeric_grad(f, args, 2) @ V
    assert dout == pytest.approx(want, rel=1e-6)
    value, pullback = srcdiff.vjp(f, *args)
    assert value == pytest.approx(f(*args))
    for g, i in zip(pullback(2.0), range(3)):
        np.testing.assert_allclose(g, 2.0 * numeric_grad(f, args, i), rtol=1e-6)
    # order two: the Hessian (w.r.t. an item of *args) against differences of grad
    for i in (0, 2):
        np.testing.assert_allclose(srcdiff.hvp(f, wrt=i)(*args, V), gradient_fd(f, args, i, V),
                                   rtol=1e-5, atol=1e-7)
    H = srcdiff.hessian(f, wrt=1)(*args)
    np.testing.assert_allclose(H @ V, gradient_fd(f, args, 1, V), rtol=1e-5, atol=1e-7)
    # a named parameter and *args items; another number of arguments
    g = TOP.scaled
    np.testing.assert_allclose(srcdiff.hvp(g, wrt=2)(0.5, X, Y, V), gradient_fd(g, (0.5, X, Y), 2, V),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(srcdiff.hvp(g, wrt=1)(0.5, X, V), gradient_fd(g, (0.5, X), 1, V),
                               rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("call", [
    lambda f: srcdiff.grad(f, wrt=-1)(X, Y),
    lambda f: srcdiff.jacobian(srcdiff.grad(f))(X, Y),
])
def test_other_transforms_of_a_function_with_args_are_refused(call):
    with pytest.raises(srcdiff.SrcdiffError) as e:
        call(TOP.sumcube)
    assert "*args" in str(e.value) or "*xs" in str(e.value)
