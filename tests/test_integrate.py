"""scipy.integrate.odeint through the public transforms: the adjoint (grad,
vjp) and forward-sensitivity (jvp) derivatives w.r.t. y0, args and t, against
central differences and against srcdiff's derivative of a fixed-step RK4
written in NumPy; the refusals (closures, second order, full_output)."""
import numpy as np
import pytest

import srcdiff
from srcdiff import SrcdiffError
from numeric import load_module

pytest.importorskip("scipy")

MODEL = '''
import numpy as np
from scipy.integrate import odeint


def lotka_volterra(y, t, alpha, beta, delta, gamma):
    prey, pred = y[0], y[1]
    return np.array([alpha * prey - beta * prey * pred, delta * prey * pred - gamma * pred])


def forced(t, y, w):
    """Non-autonomous, tfirst order, an array parameter."""
    return -w[0] * y + np.sin(w[1] * t) * y[::-1]


def fit_loss(y0, alpha, beta, delta, gamma, ts, data):
    ys = odeint(lotka_volterra, y0, ts, args=(alpha, beta, delta, gamma), rtol=1e-11, atol=1e-11)
    return np.sum((ys - data) ** 2)


def trajectory(y0, alpha, beta, ts):
    return odeint(lotka_volterra, y0, ts, args=(alpha, beta, 0.8, 1.1), rtol=1e-11, atol=1e-11)


def forced_loss(y0, w, ts):
    ys = odeint(forced, y0, ts, (w,), tfirst=True, rtol=1e-11, atol=1e-11)
    return np.sum(ys[1:] * ys[:-1])


def rk4_loss(y0, alpha, beta, delta, gamma, ts, data):
    """The same loss, a fixed-step RK4 between the output times."""
    y = y0
    out = [y0]
    for i in range(len(ts) - 1):
        h = (ts[i + 1] - ts[i]) / 200
        t = ts[i]
        for _ in range(200):
            k1 = lotka_volterra(y, t, alpha, beta, delta, gamma)
            k2 = lotka_volterra(y + h / 2 * k1, t + h / 2, alpha, beta, delta, gamma)
            k3 = lotka_volterra(y + h / 2 * k2, t + h / 2, alpha, beta, delta, gamma)
            k4 = lotka_volterra(y + h * k3, t + h, alpha, beta, delta, gamma)
            y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            t = t + h
        out.append(y)
    return np.sum((np.stack(out) - data) ** 2)


def closure_loss(y0, k):
    ys = odeint(lambda y, t: -k * y, y0, np.linspace(0.0, 1.0, 4))
    return np.sum(ys)


def decay(y, t, k):
    return -k * y


def second_loss(y0, k):
    return np.sum(odeint(decay, y0, np.linspace(0.0, 1.0, 4), args=(k,)) ** 2)


def full_output_loss(y0, k):
    ys, info = odeint(decay, y0, np.linspace(0.0, 1.0, 4), args=(k,), full_output=True)
    return np.sum(ys)
'''

m = load_module(MODEL)
Y0 = np.array([1.2, 0.7])
PARAMS = (1.1, 0.6, 0.8, 1.3)
TS = np.linspace(0.0, 3.0, 7)
DATA = np.random.default_rng(0).uniform(0.5, 1.5, (7, 2))


def central(f, args, i, eps=1e-5):
    """Central differences of scalar f in args[i] (the solver's own error is
    about 1e-11 here: a wide step keeps it out)."""
    x = np.array(args[i], dtype=float)
    out = np.zeros(x.shape)
    for k in np.ndindex(x.shape):
        up, down = list(args), list(args)
        xp, xm = x.copy(), x.copy()
        xp[k] += eps
        xm[k] -= eps
        up[i], down[i] = (xp if x.ndim else float(xp)), (xm if x.ndim else float(xm))
        out[k] = (f(*up) - f(*down)) / (2 * eps)
    return out


def test_grad_wrt_y0_args_and_times_matches_central_differences():
    args = (Y0, *PARAMS, TS, DATA)
    grads = srcdiff.grad(m.fit_loss, wrt=(0, 1, 2, 3, 4, 5))(*args)
    assert np.shape(grads[0]) == (2,) and np.shape(grads[5]) == (7,)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g, central(m.fit_loss, args, i), rtol=2e-6, atol=2e-7)


def test_grad_matches_srcdiff_of_an_rk4_solver():
    args = (Y0, *PARAMS, TS, DATA)
    want = srcdiff.grad(m.rk4_loss, wrt=(0, 1, 2, 3, 4))(*args)
    got = srcdiff.grad(m.fit_loss, wrt=(0, 1, 2, 3, 4))(*args)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-7, atol=1e-8)
    assert np.isclose(m.rk4_loss(*args), m.fit_loss(*args), rtol=1e-8)


def test_vjp_and_jvp_of_the_trajectory():
    primals = (Y0, 1.1, 0.6, TS)
    value, f_vjp = srcdiff.vjp(m.trajectory, *primals)
    np.testing.assert_allclose(value, m.trajectory(*primals), rtol=1e-12)
    u = np.random.default_rng(1).standard_normal(value.shape)
    cts = f_vjp(u)

    def pairing(*xs):
        return np.sum(u * m.trajectory(*xs))
    for i, c in enumerate(cts):
        np.testing.assert_allclose(c, central(pairing, primals, i), rtol=2e-6, atol=2e-7)
    tangents = (np.array([0.3, -0.5]), 0.7, -0.4, np.linspace(0.2, -0.3, 7))
    value, dout = srcdiff.jvp(m.trajectory, primals, tangents)
    eps = 1e-5
    want = (m.trajectory(*[p + eps * t for p, t in zip(primals, tangents)])
            - m.trajectory(*[p - eps * t for p, t in zip(primals, tangents)])) / (2 * eps)
    assert dout.shape == value.shape
    np.testing.assert_allclose(dout, want, rtol=2e-6, atol=2e-7)
    # the pairing of the two modes: <u, J t> == <J^T u, t>
    assert np.isclose(np.sum(u * dout), sum(np.sum(c * t) for c, t in zip(cts, tangents)), rtol=1e-6)


def test_tfirst_nonautonomous_with_an_array_parameter():
    args = (np.array([0.9, -0.4]), np.array([0.5, 2.0]), np.linspace(0.5, 2.5, 5))
    grads = srcdiff.grad(m.forced_loss, wrt=(0, 1, 2))(*args)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g, central(m.forced_loss, args, i), rtol=2e-6, atol=2e-7)
    tangents = (np.array([1.0, 0.5]), np.array([-0.3, 0.2]), np.linspace(0.1, 0.3, 5))
    _, d = srcdiff.jvp(m.forced_loss, args, tangents)
    want = sum(np.sum(c * t) for c, t in zip((central(m.forced_loss, args, i) for i in range(3)), tangents))
    assert np.isclose(d, want, rtol=1e-6)


def test_a_right_hand_side_reading_a_differentiated_closure_is_refused():
    with pytest.raises(SrcdiffError, match="(?s)closure.*args="):
        srcdiff.grad(m.closure_loss, wrt=(0, 1))(np.array([1.0]), 0.7)


@pytest.mark.parametrize("transform", ["hessian", "hvp", "jacgrad"])
def test_second_derivatives_are_refused(transform):
    y0 = np.array([1.0, 2.0])
    calls = {"hessian": lambda: srcdiff.hessian(m.second_loss)(y0, 0.7),
             "hvp": lambda: srcdiff.hvp(m.second_loss, wrt=(0, 1))(y0, 0.7, (np.ones(2), 1.0)),
             "jacgrad": lambda: srcdiff.jacobian(srcdiff.grad(m.second_loss))(y0, 0.7)}
    with pytest.raises(SrcdiffError, match="second derivatives of scipy.integrate.odeint"):
        calls[transform]()


def test_full_output_is_refused():
    with pytest.raises(SrcdiffError, match="full_output"):
        srcdiff.grad(m.full_output_loss)(np.array([1.0, 2.0]), 0.7)



def test_solve_ivp_is_refused_where_it_is_called_or_its_result_read():
    """No rule yet (README): refused with the user's line, never a number."""
    mod = load_module("from scipy.integrate import solve_ivp\n\n\ndef f(y0, k):\n"
                      "    sol = solve_ivp(lambda t, y: -k * y, (0.0, 1.0), y0, t_eval=[0.5, 1.0])\n"
                      "    return np.sum(sol.y)\n")
    line = mod.f.__code__.co_firstlineno + 1
    where = rf"{mod.__file__}:({line}: .*scipy\.integrate\.solve_ivp\b|{line + 1}: .*attribute \.y of sol)"
    with pytest.raises(SrcdiffError, match=where):
        srcdiff.grad(mod.f, wrt=(0, 1))(np.array([1.0, 2.0]), 0.7)
