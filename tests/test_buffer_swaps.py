"""Double buffers in stencil and time-stepping code (issue 18): two (or three)
arrays that trade names every step (``u, new = new, u``) never share memory,
so writing ``new[1:-1] = ...`` after the swap is followed (sharing.py). Where
the names DO hold the same array (``new = u`` before the loop) the write is
still refused. Values against central differences: gradients, vjp and jvp at
order one; Hessian-vector products and jacobian(grad) at order two."""
import numpy as np
import pytest

import srcdiff
from srcdiff import grad, hvp, jacobian, jvp, vjp
from numeric import assert_grads, gradient_fd, load_module, numeric_grad

U0 = np.sin(np.linspace(0.0, 3.0, 7)) + 0.3
V = np.linspace(-1.0, 1.0, 7)

MOD = load_module('''
def heat(u0, k):
    u = u0.copy()
    new = np.zeros_like(u)
    for _ in range(20):
        new[1:-1] = u[1:-1] + k * (u[2:] - 2 * u[1:-1] + u[:-2])
        new[0] = u[0]
        new[-1] = u[-1]
        u, new = new, u
    return np.sum(u * u * u) + np.sum(np.sin(new))


def heat_nonlinear(u0, k):
    u = np.array(u0)
    new = np.empty_like(u)
    new[0] = 0.0
    new[-1] = 0.0
    for step in range(20):
        for i in range(1, len(u) - 1):
            new[i] = u[i] + k * (u[i + 1] - 2.0 * u[i] + u[i - 1]) - 0.1 * u[i] ** 3
        u, new = new, u
    return np.sum(u ** 2)


def wave(u0, c):
    prev = u0.copy()
    cur = u0 * 1.0
    nxt = np.zeros(len(u0))
    for _ in range(12):
        nxt[1:-1] = 2.0 * cur[1:-1] - prev[1:-1] + c * (cur[2:] - 2.0 * cur[1:-1] + cur[:-2])
        nxt[0] = 0.0
        nxt[-1] = 0.0
        prev, cur, nxt = cur, nxt, prev
    return np.sum(cur * np.tanh(prev))


def swap_by_temporary(u0, k):
    a = u0 * 1.0
    b = np.zeros_like(a)
    for _ in range(6):
        b[1:-1] = a[1:-1] * (1.0 - k) + 0.5 * k * (a[2:] + a[:-2])
        b[0] = a[0]
        b[-1] = a[-1]
        tmp = a
        a = b
        b = tmp
    return np.sum(a * np.exp(-a))


def swap_in_branch(u0, k):
    u = u0 * 1.0
    v = np.ones_like(u)
    for step in range(8):
        v[:] = u * (1.0 - k) + k * np.roll(u, 1)
        if step % 3 != 2:
            u, v = v, u
        else:
            u = u + 0.0 * v
    return np.sum(np.sin(u)) + np.sum(v * v)
''')

CASES = [("heat", 0.2), ("heat_nonlinear", 0.15), ("wave", 0.3),
         ("swap_by_temporary", 0.3), ("swap_in_branch", 0.4)]


def _f(name):
    return getattr(MOD, name)


@pytest.mark.parametrize("name,k", CASES)
def test_grad(name, k):
    f = _f(name)
    assert_grads(f, grad(f, wrt=(0, 1)), (U0, k), (0, 1))


@pytest.mark.parametrize("name,k", CASES)
def test_vjp_and_jvp(name, k):
    f = _f(name)
    value, pullback = vjp(f, U0, k)
    assert value == pytest.approx(f(U0, k), rel=1e-12)
    g0, g1 = pullback(2.0)
    np.testing.assert_allclose(g0, 2.0 * numeric_grad(f, (U0, k), 0), rtol=1e-5, atol=1e-7)
    _, dout = jvp(f, (U0, k), (V, 0.5))
    want = numeric_grad(f, (U0, k), 0) @ V + 0.5 * numeric_grad(f, (U0, k), 1)
    np.testing.assert_allclose(dout, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name,k", CASES)
def test_order_two(name, k):
    f = _f(name)
    np.testing.assert_allclose(hvp(f, wrt=0)(U0, k, V), gradient_fd(f, (U0, k), 0, V),
                               rtol=1e-4, atol=1e-6)
    # d/dk of the gradient w.r.t. u0: a column of the mixed Hessian
    H = jacobian(grad(f, wrt=0), wrt=1)(U0, k)
    g0 = grad(f, wrt=0)
    want = (g0(U0, k + 1e-5) - g0(U0, k - 1e-5)) / 2e-5
    np.testing.assert_allclose(np.ravel(H), want, rtol=1e-4, atol=1e-6)


def test_caller_arrays_are_left_alone():
    u0 = U0.copy()
    grad(MOD.heat, wrt=(0, 1))(u0, 0.2)
    hvp(MOD.wave, wrt=0)(u0, 0.3, V)
    np.testing.assert_array_equal(u0, U0)


REFUSED = {
    # the two names hold the same array from the start: the swap changes nothing
    "same_array_swapped": """
def f(u0, k):
    u = u0.copy()
    new = u
    for _ in range(3):
        new[1:-1] = u[1:-1] + k * (u[2:] - 2 * u[1:-1] + u[:-2])
        u, new = new, u
    return np.sum(u * u)
""",
    # a third name keeps one of the buffers and is read after the writes
    "buffer_kept_under_a_third_name": """
def f(u0, k):
    u = u0.copy()
    new = np.zeros_like(u)
    first = u
    for _ in range(3):
        new[1:-1] = u[1:-1] * k
        u, new = new, u
    return np.sum(u * first)
""",
    # a list holds one of the buffers (not a copy) and is read afterwards
    "buffer_appended_to_a_list": """
def f(u0, k):
    u = u0.copy()
    new = np.zeros_like(u)
    hist = []
    for _ in range(3):
        new[1:-1] = u[1:-1] + k * (u[2:] - 2 * u[1:-1] + u[:-2])
        hist.append(u)
        u, new = new, u
    return sum(np.sum(h * h) for h in hist)
""",
    # one of the buffers is the caller's array
    "caller_array_swapped_in": """
def f(u0, k):
    u = u0
    new = np.zeros_like(u)
    for _ in range(3):
        new[1:-1] = u[1:-1] * k
        u, new = new, u
    return np.sum(u * u)
""",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_sharing_buffers_are_refused(name):
    f = load_module(REFUSED[name]).f
    with pytest.raises(srcdiff.SrcdiffError) as e:
        grad(f, wrt=(0, 1))(U0, 0.2)
    text = str(e.value)
    assert f.__code__.co_filename in text
    assert "share memory" in text
