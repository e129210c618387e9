"""Transforms inside differentiated code (issue 18): ``srcdiff.grad(g)(x)``,
``value_and_grad`` and ``hvp`` called in a function that is itself differentiated.
The transform's generated code is inlined where it is called, so its own
derivatives are taken. Gradients and Hessian-vector products against central
differences."""
import numpy as np
import pytest

import srcdiff
from srcdiff import grad, hessian, hvp, jacobian, jvp
from numeric import assert_grads, gradient_fd, load_module, numeric_grad

X = np.array([0.3, -0.2, 0.7])
Y = np.array([0.5, 1.5, -0.4])
V = np.array([1.0, -0.5, 0.25])

MOD = load_module('''
import srcdiff
from srcdiff import grad, hvp


def g(x):
    return np.sum(np.sin(x) * x)


def g2(x, y):
    return np.sum(np.exp(x * y)) / 3.0


def f_grad_inside(x, y):
    return np.sum(srcdiff.grad(g)(x) * y)


def f_grad_bound_to_a_name(x, y):
    dg = grad(g)
    return np.sum(dg(x) * dg(y))


def f_grad_wrt(x, y):
    gx, gy = srcdiff.grad(g2, wrt=(0, 1))(x, y)
    return np.sum(gx * gy)


def f_value_and_grad(x, y):
    value, gx = srcdiff.value_and_grad(g)(x * y)
    return value + np.sum(gx ** 2)


def f_hvp_inside(x, y):
    return np.sum(hvp(g)(x, y) * x)


def h(x, y):
    return np.sum(grad(g2, wrt=1)(x, y) ** 2)


def f_grad_of_grad_inside(x, y):
    return np.sum(grad(h)(x, y) * y)


def f_grad_of_a_local_lambda(x, y):
    return np.sum(grad(lambda z: np.sum(np.sin(z) * y))(x))


def f_enclosing_scope(x, y):
    inner_fun = lambda z: np.sum(x * z * z)
    return np.sum(x * grad(inner_fun)(y))


def f_nested_def_transformed(x, y):
    def inner(p, q):
        return np.sum(np.sin(p * q) * x)
    gp, gq = grad(inner, wrt=(0, 1))(y, x * y)
    value, gz = srcdiff.value_and_grad(inner)(x, 2.0 * y)
    return np.sum(gp * gq) + value + np.sum(gz ** 2)


def f_hvp_of_a_local_lambda(x, y):
    return np.sum(hvp(lambda z: np.sum(np.sin(z) * y))(x, y))


def vecfun(x, y):
    return np.sin(np.outer(x, y)) + np.cos(np.dot(x, x)) * y[0]


def of_a_number(t, y):
    return np.sin(t * y) * t


def f_jacobian_inside(x, y):
    J = srcdiff.jacobian(vecfun)(x, y)           # (3, 3, 3): w.r.t. x
    return np.sum(np.sin(J) * y) + np.sum(srcdiff.jacobian(g, 0)(x * y) * x)


def f_jacobian_of_a_number(x, y):
    return np.sum(srcdiff.jacobian(of_a_number)(x[0] * x[1], y) ** 2 * y)


def f_jacobian_wrt_the_second(x, y):
    return np.sum(srcdiff.jacobian(vecfun, wrt=1)(x, y))


def f_jacobian_of_a_tuple(x, y):
    return np.sum(srcdiff.jacobian(g2)((x, y), y))
''')

CASES = ["f_grad_inside", "f_grad_bound_to_a_name", "f_grad_wrt", "f_value_and_grad",
         "f_hvp_inside", "f_grad_of_grad_inside", "f_grad_of_a_local_lambda",
         "f_enclosing_scope", "f_nested_def_transformed", "f_jacobian_inside",
         "f_jacobian_of_a_number"]


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


def test_hvp_of_a_function_made_in_the_code_is_refused_with_the_line():
    # (grad and value_and_grad of a nested def or lambda are differentiated: CASES)
    with pytest.raises(srcdiff.SrcdiffError) as e:
        grad(MOD.f_hvp_of_a_local_lambda)(X, Y)
    text = str(e.value)
    lines = open(MOD.__file__).read().splitlines()
    line = next(i + 1 for i, text_ in enumerate(lines) if "hvp(lambda z" in text_)
    assert "module level" in text and f"{MOD.__file__}:{line}:" in text
    assert "vjp_rule" not in text


def test_jacobian_inside_at_order_three():
    """jacobian(f) in differentiated code is one jvp per element of its first
    argument (functional.jacobian_call): hvp of a function calling it is a third
    derivative of f; against central differences of srcdiff's gradient."""
    f = MOD.f_jacobian_inside
    g_ = grad(f, wrt=(0, 1))
    want = [(a - b) / 2e-5 for a, b in zip(g_(X + 1e-5 * V, Y - 1e-5 * V),
                                            g_(X - 1e-5 * V, Y + 1e-5 * V))]
    got = hvp(f, wrt=(0, 1))(X, Y, (V, -V))
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    cts = srcdiff.vjp(g_, X, Y)[1]((V, Y))
    assert np.isclose(cts[0] @ V - cts[1] @ V, want[0] @ V + want[1] @ Y, rtol=1e-5)


@pytest.mark.parametrize("name, why", [("f_jacobian_wrt_the_second", "first argument"),
                                       ("f_jacobian_of_a_tuple", "tuple, list or dict")])
def test_jacobian_inside_refusals_name_the_line(name, why):
    with pytest.raises(srcdiff.SrcdiffError, match=why) as e:
        grad(getattr(MOD, name))(X, Y)
    lines = open(MOD.__file__).read().splitlines()
    line = next(i + 1 for i, t in enumerate(lines) if f"def {name}(" in t)
    # (the call's line, or its function's first line for the run-time refusal)
    assert e.value.filename == MOD.__file__ and e.value.lineno in (line, line + 1), str(e.value)


@pytest.mark.parametrize("name", CASES)
def test_forward_mode(name):
    f = getattr(MOD, name)
    _, dout = jvp(f, (X, Y), (V, None))
    np.testing.assert_allclose(dout, numeric_grad(f, (X, Y), 0) @ V, rtol=1e-6, atol=1e-8)


# ---- jacobian(jacobian(f)) ----------------------------------------------------------

JMOD = load_module('''
def vec(x, y):
    return np.sin(x) * x[0] + np.exp(y[1] * x)


def scalar(x, y):
    return np.sum(np.tanh(x * y) * x)
''')


def jacobian_fd(f, args, i, j, eps=1e-6):
    """Central differences of srcdiff's jacobian (w.r.t. argument i) w.r.t. argument j."""
    J = jacobian(f, wrt=i)
    cols = []
    for e in np.eye(args[j].size):
        plus, minus = list(args), list(args)
        plus[j] = args[j] + eps * e.reshape(args[j].shape)
        minus[j] = args[j] - eps * e.reshape(args[j].shape)
        cols.append((J(*plus) - J(*minus)) / (2 * eps))
    return np.stack(cols, axis=-1)


@pytest.mark.parametrize("i, j", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_jacobian_of_jacobian(i, j):
    got = jacobian(jacobian(JMOD.vec, wrt=i), wrt=j)(X, Y)
    assert got.shape == (3, 3, 3)
    np.testing.assert_allclose(got, jacobian_fd(JMOD.vec, (X, Y), i, j), rtol=1e-6, atol=1e-8)


def test_jacobian_of_jacobian_of_a_scalar_function_is_its_hessian():
    np.testing.assert_allclose(jacobian(jacobian(JMOD.scalar))(X, Y),
                               hessian(JMOD.scalar)(X, Y), rtol=1e-10, atol=1e-12)


def test_other_transforms_in_differentiated_code_are_refused_with_the_users_line():
    mod = load_module('''
from srcdiff import hessian, jacobian


def inner(x):
    return np.sin(np.outer(x, x))


def f(x):
    return np.sum(np.sin(jacobian(inner)(x)))


def h(x):
    return np.sum(np.sin(hessian(lambda z: np.sum(np.sin(z) * z))(x)))
''')
    # (jacobian of a module-level function, w.r.t. its first argument, is differentiated)
    assert_grads(mod.f, grad(mod.f, wrt=(0,)), (X,), (0,))
    with pytest.raises(srcdiff.SrcdiffError) as e:
        grad(mod.h)(X)
    text = str(e.value)
    assert "hessian" in text and mod.__file__ in text and "forward_api" not in text
