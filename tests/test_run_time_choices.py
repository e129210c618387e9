"""Values chosen where the function runs (issue 18): a function picked from a
tuple or list literal of functions by a loop variable or a parameter
(``acts[k](x)``, dispatched over the literal's items), and ``np.linspace(a, b,
num)`` with ``num`` from a default or a loop variable. Gradients and jvp at
order one, Hessian-vector products and jacobian(grad) at order two, against
central differences."""
import numpy as np
import pytest

from srcdiff import grad, hvp, jacobian, jvp
from numeric import assert_grads, gradient_fd, load_module, numeric_grad

X = np.array([0.4, -0.6, 0.9])
V = np.array([1.0, 0.5, -0.25])

MOD = load_module('''
def square(z):
    return z * z


def f_acts_loop(x):
    acts = (np.tanh, np.sin, lambda z: z * z, square)
    for k in range(4):
        x = acts[k](x) + 0.1 * x
    return np.sum(x)


def f_acts_reversed_index(x):
    acts = [np.sin, np.cos, np.tanh]
    s = 0.0
    for k in range(3):
        act = acts[2 - k]
        s = s + np.sum(act(x * (k + 1)))
    return s


def f_acts_parameter_index(x, which=1):
    acts = (np.exp, np.sinh, square)
    return np.sum(acts[which](x) * x)


def f_linspace_default(x, num=5):
    t = np.linspace(0.0, 1.0, num)
    return np.sum(np.sin(np.outer(x, t)))


def f_linspace_loop(x):
    s = 0.0
    for n in range(2, 5):
        s = s + np.sum(np.linspace(x[0], x[1], n) ** 2 * x[2])
    return s


def f_linspace_endpoints_and_num(x, num=4):
    grid = np.linspace(x[0], np.exp(x[1]), num, endpoint=False)
    return np.sum(np.cos(grid) * x[2])
''')

CASES = [n for n in dir(MOD) if n.startswith("f_")]


@pytest.mark.parametrize("name", CASES)
def test_order_one(name):
    f = getattr(MOD, name)
    assert_grads(f, grad(f), (X,), 0)
    _, dout = jvp(f, (X,), (V,))
    np.testing.assert_allclose(dout, numeric_grad(f, (X,), 0) @ V, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", CASES)
def test_order_two(name):
    f = getattr(MOD, name)
    want = gradient_fd(f, (X,), 0, V)
    np.testing.assert_allclose(hvp(f)(X, V), want, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(jacobian(grad(f))(X) @ V, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("which", [0, 1, 2, -1])
def test_index_given_as_an_argument(which):
    f = MOD.f_acts_parameter_index
    g = grad(f)(X, which)
    np.testing.assert_allclose(g, numeric_grad(lambda x: f(x, which), (X,), 0), rtol=1e-6)
    np.testing.assert_allclose(hvp(f)(X, which, V),
                               (grad(f)(X + 1e-5 * V, which) - grad(f)(X - 1e-5 * V, which))
                               / 2e-5, rtol=1e-5, atol=1e-7)


def test_an_index_out_of_range_still_raises():
    with pytest.raises(IndexError):
        grad(MOD.f_acts_parameter_index)(X, 3)


@pytest.mark.parametrize("num", [2, 3, 7])
def test_linspace_num_given(num):
    f = MOD.f_linspace_default
    np.testing.assert_allclose(grad(f)(X, num), numeric_grad(lambda x: f(x, num), (X,), 0),
                               rtol=1e-6)
