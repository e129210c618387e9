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
from scipy.integrate import odeint, solve_ivp


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


def lv_first(t, y, alpha, beta, delta, gamma):
    return lotka_volterra(y, t, alpha, beta, delta, gamma)


def ivp_fit_loss(y0, alpha, beta, delta, gamma, ts, data, method="RK45"):
    sol = solve_ivp(lv_first, (ts[0], ts[-1]), y0, method=method, t_eval=ts,
                    args=(alpha, beta, delta, gamma), rtol=1e-11, atol=1e-11)
    return np.sum((sol.y.T - data) ** 2) + 0.0 * np.sum(sol.t)


def ivp_late_start(y0, w):
    """t_eval starting after t_span[0]; sol.y read twice; an array parameter."""
    sol = solve_ivp(forced, (0.0, 2.0), y0, t_eval=[0.5, 1.25, 2.0], args=(w,), rtol=1e-11, atol=1e-11)
    first = sol.y[:, 0]
    return np.sum(sol.y[1] ** 2) * sol.t[-1] + np.sum(first * np.cos(first))


def ivp_dense(y0, k):
    sol = solve_ivp(decay_first, (0.0, 1.0), y0, t_eval=[0.5, 1.0], args=(k,), dense_output=True)
    return np.sum(sol.y)


def ivp_events(y0, k):
    sol = solve_ivp(decay_first, (0.0, 1.0), y0, t_eval=[0.5, 1.0], args=(k,), events=hit)
    return np.sum(sol.y)


def decay_first(t, y, k):
    return -k * y


def hit(t, y, k):
    return y[0] - 0.5


def ivp_closure(y0, k):
    sol = solve_ivp(lambda t, y: -k * y, (0.0, 1.0), y0, t_eval=[0.5, 1.0])
    return np.sum(sol.y)


def ivp_second(y0, k):
    sol = solve_ivp(decay_first, (0.0, 1.0), y0, t_eval=[0.5, 1.0], args=(k,))
    return np.sum(sol.y ** 2)
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



METHODS = ["RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA"]


@pytest.mark.parametrize("method", METHODS)
def test_solve_ivp_grad_wrt_y0_and_args_matches_central_differences(method):
    args = (Y0, *PARAMS, TS, DATA, method)
    grads = srcdiff.grad(m.ivp_fit_loss, wrt=(0, 1, 2, 3, 4))(*args)
    assert np.shape(grads[0]) == (2,)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g, central(m.ivp_fit_loss, args, i), rtol=1e-5, atol=1e-6)


def test_solve_ivp_grad_matches_srcdiff_of_an_rk4_solver():
    args = (Y0, *PARAMS, TS, DATA)
    want = srcdiff.grad(m.rk4_loss, wrt=(0, 1, 2, 3, 4))(*args)
    got = srcdiff.grad(m.ivp_fit_loss, wrt=(0, 1, 2, 3, 4))(*args)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("method", ["RK45", "Radau"])
def test_solve_ivp_jvp_matches_central_differences_and_the_adjoint(method):
    args = (Y0, *PARAMS, TS, DATA, method)
    tangents = (np.array([0.3, -0.5]), 0.7, -0.4, 0.2, 0.1, None, None, None)
    _, d = srcdiff.jvp(m.ivp_fit_loss, args, tangents)
    grads = [central(m.ivp_fit_loss, args, i) for i in range(5)]
    want = sum(np.sum(g * t) for g, t in zip(grads, tangents))
    assert np.isclose(d, want, rtol=1e-6)
    got = srcdiff.grad(m.ivp_fit_loss, wrt=(0, 1, 2, 3, 4))(*args)
    assert np.isclose(d, sum(np.sum(g * t) for g, t in zip(got, tangents)), rtol=1e-7)


def test_solve_ivp_t_eval_after_the_start_and_y_read_twice():
    args = (np.array([0.9, -0.4]), np.array([0.5, 2.0]))
    grads = srcdiff.grad(m.ivp_late_start, wrt=(0, 1))(*args)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g, central(m.ivp_late_start, args, i), rtol=1e-5, atol=1e-6)
    tangents = (np.array([1.0, 0.5]), np.array([-0.3, 0.2]))
    _, d = srcdiff.jvp(m.ivp_late_start, args, tangents)
    assert np.isclose(d, sum(np.sum(g * t) for g, t in zip(grads, tangents)), rtol=1e-6)


@pytest.mark.parametrize("name, what", [("ivp_dense", "dense_output"), ("ivp_events", "events")])
def test_solve_ivp_dense_output_and_events_are_refused_at_the_users_line(name, what):
    f = getattr(m, name)
    line = f.__code__.co_firstlineno + 1
    for call in (lambda: srcdiff.grad(f, wrt=(0, 1))(np.array([1.0, 2.0]), 0.7),
                 lambda: srcdiff.jvp(f, (np.array([1.0, 2.0]), 0.7), (np.ones(2), 1.0))):
        with pytest.raises(SrcdiffError, match=rf"(?s){m.__file__}:{line}.*{what}"):
            call()


def test_solve_ivp_right_hand_side_reading_a_differentiated_closure_is_refused():
    with pytest.raises(SrcdiffError, match="(?s)solve_ivp w.r.t. y0 and args only.*closure.*args="):
        srcdiff.grad(m.ivp_closure, wrt=(0, 1))(np.array([1.0]), 0.7)


def test_solve_ivp_derivatives_wrt_the_times_are_refused():
    args = (Y0, *PARAMS, TS, DATA)
    with pytest.raises(SrcdiffError, match="solve_ivp w.r.t. t_span"):
        srcdiff.grad(m.ivp_fit_loss, wrt=(0, 5))(*args)
    with pytest.raises(SrcdiffError, match="solve_ivp w.r.t. t_span"):
        srcdiff.jvp(m.ivp_fit_loss, args, (None,) * 5 + (np.ones(7), None))


@pytest.mark.parametrize("transform", ["hessian", "hvp", "jacgrad"])
def test_solve_ivp_second_derivatives_are_refused(transform):
    y0 = np.array([1.0, 2.0])
    calls = {"hessian": lambda: srcdiff.hessian(m.ivp_second)(y0, 0.7),
             "hvp": lambda: srcdiff.hvp(m.ivp_second, wrt=(0, 1))(y0, 0.7, (np.ones(2), 1.0)),
             "jacgrad": lambda: srcdiff.jacobian(srcdiff.grad(m.ivp_second))(y0, 0.7)}
    with pytest.raises(SrcdiffError, match="second derivatives of scipy.integrate.solve_ivp"):
        calls[transform]()
