"""Benchmark workloads.

Every workload is written ONCE as a plain NumPy function, the way a user
would write it for srcdiff (loops, slicing writes, ``np.*`` calls), next to
a careful hand-written NumPy gradient with the same signature that returns
one gradient per differentiated argument (a tuple).  The hand-written
gradients repeat the function's forward computation with the same
operations (``a ** 3`` stays ``a ** 3``; ``np.power`` is several times
slower than ``a2 * a`` on this machine, and a ratio against a rewritten
forward pass would measure the rewrite, not the derivative) and then do
the backward pass the way a careful person would: values saved once,
adjoints accumulated in place, nothing computed that is not needed.

Peer versions:

* autograd and JAX (no jit / jit) run the SAME function object re-bound to
  ``autograd.numpy`` / ``jax.numpy`` (see ``rebind``), except where the
  plain function writes into a slice, which neither library allows; those
  get a rewritten twin below (``heat_autograd``, ``heat_jax``).
* PyTorch eager needs torch's spelling of the operations, so each workload
  has a ``*_torch`` twin that computes the same numbers.

Loop lengths and sizes are arguments so that ``--quick`` can shrink them;
integer arguments are never differentiated.

This module imports NumPy only; peer libraries are imported lazily so that
the runner can report them as "n/a" when they are not installed.
"""
import types
from dataclasses import dataclass

import numpy as np


# ---------------------------------------------------------------------------
# 1. Cubic fit of sin: 4 scalars, 2,000 points
# ---------------------------------------------------------------------------

def cubic_loss(m, n, o, p, a):
    y = np.sin(a)
    pred = m + n * a + o * a ** 2 + p * a ** 3
    return np.sum((pred - y) ** 2)


def cubic_loss_grad(m, n, o, p, a):
    a2 = a ** 2
    a3 = a ** 3
    r2 = 2.0 * (m + n * a + o * a2 + p * a3 - np.sin(a))
    return np.sum(r2), np.dot(r2, a), np.dot(r2, a2), np.dot(r2, a3)


def cubic_loss_torch(m, n, o, p, a):
    import torch
    y = torch.sin(a)
    pred = m + n * a + o * a ** 2 + p * a ** 3
    return torch.sum((pred - y) ** 2)


# ---------------------------------------------------------------------------
# 2. MLP 64x784 -> 256 tanh -> 10, softmax cross-entropy (one-hot labels)
# ---------------------------------------------------------------------------

def mlp_loss(W1, b1, W2, b2, x, y):
    h = np.tanh(x @ W1 + b1)
    logits = h @ W2 + b2
    z = logits - np.max(logits, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.sum(y * logp) / x.shape[0]


def mlp_loss_grad(W1, b1, W2, b2, x, y):
    h = np.tanh(x @ W1 + b1)
    logits = h @ W2 + b2
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    p = e / np.sum(e, axis=1, keepdims=True)
    # rows of y are one-hot, so d(-sum(y*logp))/dlogits = p - y
    dlogits = (p - y) / x.shape[0]
    dW2 = h.T @ dlogits
    db2 = np.sum(dlogits, axis=0)
    dpre = (dlogits @ W2.T) * (1.0 - h * h)
    dW1 = x.T @ dpre
    db1 = np.sum(dpre, axis=0)
    return dW1, db1, dW2, db2


def mlp_loss_torch(W1, b1, W2, b2, x, y):
    import torch
    h = torch.tanh(x @ W1 + b1)
    logits = h @ W2 + b2
    z = logits - torch.amax(logits, dim=1, keepdim=True)
    logp = z - torch.log(torch.sum(torch.exp(z), dim=1, keepdim=True))
    return -torch.sum(y * logp) / x.shape[0]


# ---------------------------------------------------------------------------
# 3. 100 steps of x = sin(x) * w on a 10-vector
# ---------------------------------------------------------------------------

def sin_loop(x, w, steps):
    for i in range(steps):
        x = np.sin(x) * w
    return np.sum(x)


def sin_loop_grad(x, w, steps):
    xs = []
    ss = []
    for i in range(steps):
        s = np.sin(x)
        xs.append(x)
        ss.append(s)
        x = s * w
    dx = np.ones_like(x)
    dw = np.zeros_like(w)
    for i in range(steps - 1, -1, -1):
        dw += dx * ss[i]
        dx = dx * w * np.cos(xs[i])
    return dx, dw


def sin_loop_torch(x, w, steps):
    import torch
    for i in range(steps):
        x = torch.sin(x) * w
    return torch.sum(x)


# ---------------------------------------------------------------------------
# 4. RNN: h = tanh(W h + U x_t) over T steps
# ---------------------------------------------------------------------------

def rnn_loss(W, U, h, xs):
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t])
    return np.sum(h ** 2)


def rnn_loss_grad(W, U, h, xs):
    T = xs.shape[0]
    hs = [h]
    for t in range(T):
        h = np.tanh(W @ h + U @ xs[t])
        hs.append(h)
    dW = np.zeros_like(W)
    dU = np.zeros_like(U)
    dh = 2.0 * h
    for t in range(T - 1, -1, -1):
        hn = hs[t + 1]
        dpre = dh * (1.0 - hn * hn)
        dW += np.outer(dpre, hs[t])
        dU += np.outer(dpre, xs[t])
        dh = W.T @ dpre
    return dW, dU


def rnn_loss_torch(W, U, h, xs):
    import torch
    for t in range(xs.shape[0]):
        h = torch.tanh(W @ h + U @ xs[t])
    return torch.sum(h ** 2)


# ---------------------------------------------------------------------------
# 5. logsumexp / softmax over a 1000x100 array
# ---------------------------------------------------------------------------

def logsumexp_softmax(x, c):
    m = np.max(x, axis=1, keepdims=True)
    e = np.exp(x - m)
    s = np.sum(e, axis=1, keepdims=True)
    lse = m + np.log(s)
    p = e / s
    return np.sum(lse) + np.sum(p * c)


def logsumexp_softmax_grad(x, c):
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    p = e / np.sum(e, axis=1, keepdims=True)
    # d sum(lse) = p ;  d sum(p*c) = p * (c - sum(p*c, axis=1))
    return (p * (1.0 + c - np.sum(p * c, axis=1, keepdims=True)),)


def logsumexp_softmax_torch(x, c):
    import torch
    m = torch.amax(x, dim=1, keepdim=True)
    e = torch.exp(x - m)
    s = torch.sum(e, dim=1, keepdim=True)
    lse = m + torch.log(s)
    p = e / s
    return torch.sum(lse) + torch.sum(p * c)


# ---------------------------------------------------------------------------
# 6. Scalar Euler ODE (logistic growth), 1,000 steps, Python floats
# ---------------------------------------------------------------------------

def euler_logistic(k, y0, steps):
    y = y0
    dt = 10.0 / steps
    for i in range(steps):
        y = y + dt * k * y * (1.0 - y)
    return y


def euler_logistic_grad(k, y0, steps):
    dt = 10.0 / steps
    ys = []
    y = y0
    for i in range(steps):
        ys.append(y)
        y = y + dt * k * y * (1.0 - y)
    dk = 0.0
    dy = 1.0
    for i in range(steps - 1, -1, -1):
        yi = ys[i]
        dk += dy * dt * yi * (1.0 - yi)
        dy = dy * (1.0 + dt * k * (1.0 - 2.0 * yi))
    return dk, dy


euler_logistic_torch = euler_logistic      # same code works on 0-d tensors


# ---------------------------------------------------------------------------
# 7. 2-D heat equation, explicit stencil with a slicing write
# ---------------------------------------------------------------------------

def heat(u, k, steps):
    for step in range(steps):
        u_new = u.copy()
        u_new[1:-1, 1:-1] = u[1:-1, 1:-1] + k * (
            u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2]
            - 4.0 * u[1:-1, 1:-1])
        u = u_new
    return np.sum(u ** 2)


def heat_grad(u, k, steps):
    laps = []
    for step in range(steps):
        lap = (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2]
               - 4.0 * u[1:-1, 1:-1])
        laps.append(lap)
        u_new = u.copy()
        u_new[1:-1, 1:-1] = u[1:-1, 1:-1] + k * lap
        u = u_new
    du = 2.0 * u
    dk = 0.0
    for step in range(steps - 1, -1, -1):
        g = du[1:-1, 1:-1]
        dk += np.sum(g * laps[step])     # (not np.vdot: Numba's takes contiguous arrays only)
        kg = k * g
        du_prev = du.copy()
        du_prev[1:-1, 1:-1] = g - 4.0 * kg
        du_prev[2:, 1:-1] += kg
        du_prev[:-2, 1:-1] += kg
        du_prev[1:-1, 2:] += kg
        du_prev[1:-1, :-2] += kg
        du = du_prev
    return du, dk


def heat_autograd(u, k, steps):
    import autograd.numpy as anp
    for step in range(steps):
        inner = u[1:-1, 1:-1] + k * (
            u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2]
            - 4.0 * u[1:-1, 1:-1])
        mid = anp.concatenate([u[1:-1, :1], inner, u[1:-1, -1:]], axis=1)
        u = anp.concatenate([u[:1], mid, u[-1:]], axis=0)
    return anp.sum(u ** 2)


def heat_jax(u, k, steps):
    import jax.numpy as jnp
    for step in range(steps):
        u = u.at[1:-1, 1:-1].set(u[1:-1, 1:-1] + k * (
            u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2]
            - 4.0 * u[1:-1, 1:-1]))
    return jnp.sum(u ** 2)


def heat_torch(u, k, steps):
    import torch
    for step in range(steps):
        u_new = u.clone()
        u_new[1:-1, 1:-1] = u[1:-1, 1:-1] + k * (
            u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2]
            - 4.0 * u[1:-1, 1:-1])
        u = u_new
    return torch.sum(u ** 2)


# ---------------------------------------------------------------------------
# Extras: hand-written Hessian-vector products (w.r.t. the first argument)
# ---------------------------------------------------------------------------

def mlp_loss_hvp(W1, b1, W2, b2, x, y, V):
    """d/dt grad_W1 mlp_loss(W1 + t V, ...) at t = 0 (forward over reverse)."""
    n = x.shape[0]
    h = np.tanh(x @ W1 + b1)
    e = np.exp((h @ W2 + b2) - np.max(h @ W2 + b2, axis=1, keepdims=True))
    p = e / np.sum(e, axis=1, keepdims=True)
    dh = ((p - y) / n) @ W2.T
    # tangents
    q = 1.0 - h * h
    h_dot = q * (x @ V)
    l_dot = h_dot @ W2
    p_dot = p * (l_dot - np.sum(p * l_dot, axis=1, keepdims=True))
    dh_dot = (p_dot / n) @ W2.T
    dpre_dot = dh_dot * q - 2.0 * dh * h * h_dot
    return x.T @ dpre_dot


def sin_loop_hvp(x, w, steps, v):
    """Hessian of sin_loop w.r.t. x times v (forward over reverse)."""
    xs = []
    vs = []
    for i in range(steps):
        xs.append(x)
        vs.append(v)
        v = np.cos(x) * w * v
        x = np.sin(x) * w
    dx = np.ones_like(x)
    dx_dot = np.zeros_like(x)
    for i in range(steps - 1, -1, -1):
        wc = w * np.cos(xs[i])
        dx_dot = dx_dot * wc - dx * w * np.sin(xs[i]) * vs[i]
        dx = dx * wc
    return dx_dot


# ---------------------------------------------------------------------------
# Extras: Hessian of a 100-parameter function (Rosenbrock)
# ---------------------------------------------------------------------------

def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosenbrock_grad(x):
    g = np.zeros_like(x)
    r = x[1:] - x[:-1] ** 2
    g[:-1] = -400.0 * x[:-1] * r - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * r
    return g


def rosenbrock_hessian(x):
    n = x.shape[0]
    H = np.zeros((n, n))
    d = np.zeros(n)
    d[:-1] = 1200.0 * x[:-1] ** 2 - 400.0 * x[1:] + 2.0
    d[1:] += 200.0
    idx = np.arange(n)
    H[idx, idx] = d
    off = -400.0 * x[:-1]
    H[idx[:-1], idx[1:]] = off
    H[idx[1:], idx[:-1]] = off
    return H


def rosenbrock_torch(x):
    import torch
    return torch.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


# ---------------------------------------------------------------------------
# Extras: Tensor-shim training step of the cubic fit (issue 6)
# ---------------------------------------------------------------------------

def cubic_fit_loss(m, n, o, p, a, y):
    """The loss as a plain NumPy function (used under ``srcdiff.compile``)."""
    pred = m + n * a + o * a ** 2 + p * a ** 3
    return np.sum((pred - y) ** 2)


def cubic_fit_loss_methods(m, n, o, p, a, y):
    """The same loss in PyTorch style (works on torch and srcdiff Tensors)."""
    pred = m + n * a + o * a ** 2 + p * a ** 3
    return ((pred - y) ** 2).sum()


def tensor_train_step(lib, loss_fn, params, a, y, lr):
    """One PyTorch-style step: forward, backward, SGD update, reset grads.

    ``lib`` is ``torch`` or ``srcdiff`` (anything with ``no_grad()``).
    """
    loss = loss_fn(*params, a, y)
    loss.backward()
    with lib.no_grad():
        for t in params:
            t -= lr * t.grad
            t.grad = None
    return loss


def numpy_train_step(params, a, y, lr):
    """The hand-written NumPy step (params: list of floats, updated in place).

    A reference for the Tensor-shim table (not a ratio base), so it is the
    fastest careful version: ``a * a`` and ``a2 * a`` instead of ``**``.
    """
    m, n, o, p = params
    a2 = a * a
    a3 = a2 * a
    r2 = 2.0 * (m + n * a + o * a2 + p * a3 - y)
    g = (np.sum(r2), np.dot(r2, a), np.dot(r2, a2), np.dot(r2, a3))
    for i in range(4):
        params[i] = params[i] - lr * g[i]
    return params


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------

@dataclass
class Workload:
    name: str
    title: str
    f: object                 # plain NumPy function
    hand: object              # hand-written gradient, same signature, tuple out
    wrt: tuple                # positions of the differentiated arguments
    make_args: object         # make_args(quick, rng) -> tuple of arguments
    static: tuple = ()        # positions of integer (static) arguments
    torch_f: object = None
    autograd_f: object = None  # None: rebind ``f`` to autograd.numpy
    jax_f: object = None       # None: rebind ``f`` to jax.numpy
    loop: bool = False        # a loop workload (peak memory is measured)
    hvp: object = None        # hand-written hvp w.r.t. argument 0: (*args, v)
    notes: str = ""


def rebind(f, **names):
    """``f`` with some global names (e.g. ``np``) replaced: the same code
    object, so the peer runs literally the same function."""
    g = dict(f.__globals__)
    g.update(names)
    h = types.FunctionType(f.__code__, g, f.__name__, f.__defaults__,
                           f.__closure__)
    h.__kwdefaults__ = f.__kwdefaults__
    h.__qualname__ = f.__qualname__
    return h


def _cubic_args(quick, rng):
    n = 200 if quick else 2000
    a = np.linspace(-np.pi, np.pi, n)
    return (0.1, -0.2, 0.3, -0.05, a)


def _mlp_args(quick, rng):
    B, D, H, C = (8, 32, 16, 10) if quick else (64, 784, 256, 10)
    x = rng.standard_normal((B, D))
    W1 = rng.standard_normal((D, H)) / np.sqrt(D)
    b1 = 0.1 * rng.standard_normal(H)
    W2 = rng.standard_normal((H, C)) / np.sqrt(H)
    b2 = 0.1 * rng.standard_normal(C)
    y = np.eye(C)[rng.integers(0, C, B)]
    return (W1, b1, W2, b2, x, y)


def _loop_args(quick, rng):
    x = rng.uniform(0.5, 1.5, 10)
    w = rng.uniform(0.8, 1.2, 10)
    return (x, w, 10 if quick else 100)


def _rnn_args(quick, rng):
    Hd, D, T = (8, 4, 5) if quick else (32, 16, 50)
    W = rng.standard_normal((Hd, Hd)) / np.sqrt(Hd)
    U = rng.standard_normal((Hd, D)) / np.sqrt(D)
    h0 = np.zeros(Hd)
    xs = rng.standard_normal((T, D))
    return (W, U, h0, xs)


def _softmax_args(quick, rng):
    shape = (20, 10) if quick else (1000, 100)
    return (rng.standard_normal(shape), rng.standard_normal(shape))


def _euler_args(quick, rng):
    return (0.9, 0.01, 50 if quick else 1000)


def _heat_args(quick, rng):
    n, steps = (12, 2) if quick else (100, 10)
    u = rng.uniform(0.0, 1.0, (n, n))
    return (u, 0.2, steps)


WORKLOADS = [
    Workload("cubic", "cubic fit of sin, 2,000 points, 4 scalars",
             cubic_loss, cubic_loss_grad, (0, 1, 2, 3), _cubic_args,
             torch_f=cubic_loss_torch,
             notes="the hand-written gradient repeats f's forward operations "
                   "verbatim (`a ** 2`, `a ** 3`; `np.power(a, 3)` costs "
                   "about 4x two multiplies here), so it is ~1x f; a "
                   "gradient whose forward computes the powers faster "
                   "(PyTorch's pow kernel; generated code that writes "
                   "`a * a * a`) can run faster than f itself."),
    Workload("mlp", "MLP 64x784 -> 256 tanh -> 10, softmax xent",
             mlp_loss, mlp_loss_grad, (0, 1, 2, 3), _mlp_args,
             torch_f=mlp_loss_torch, hvp=mlp_loss_hvp),
    Workload("sin_loop", "100 steps of x = sin(x)*w, 10-vector",
             sin_loop, sin_loop_grad, (0, 1), _loop_args, static=(2,),
             torch_f=sin_loop_torch, loop=True, hvp=sin_loop_hvp),
    Workload("rnn", "RNN, 50 steps, hidden 32, input 16",
             rnn_loss, rnn_loss_grad, (0, 1), _rnn_args,
             torch_f=rnn_loss_torch, loop=True),
    Workload("softmax", "logsumexp + softmax, 1000x100",
             logsumexp_softmax, logsumexp_softmax_grad, (0,), _softmax_args,
             torch_f=logsumexp_softmax_torch),
    Workload("euler", "scalar Euler ODE, 1,000 steps, Python floats",
             euler_logistic, euler_logistic_grad, (0, 1), _euler_args,
             static=(2,), torch_f=euler_logistic_torch, loop=True),
    Workload("heat", "2-D heat stencil, 100x100, 10 steps, slice writes",
             heat, heat_grad, (0, 1), _heat_args, static=(2,),
             torch_f=heat_torch, autograd_f=heat_autograd, jax_f=heat_jax,
             loop=True),
]

BY_NAME = {w.name: w for w in WORKLOADS}
