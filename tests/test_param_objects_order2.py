"""Attribute reads of an object parameter (NamedTuple, dataclass) at order two:
hvp, jacobian(grad(f)) and jvp(grad(f)) run forward mode over the generated
gradient, whose code for arguments of unknown kinds keeps ``p.c`` wherever the
gradient does not differentiate it (a value the output does not depend on, which
still reaches a name the backward pass saves and restores). hvp
refused that code when it was made ("no forward-mode derivative for the attribute
.c of pn": fuzz seed 2026120604 program 713, seed 8675310 program 78); it now
waits for the call, where the object's fields are item reads. Also the reads that
do reach the output: in a loop, in a branch, in a helper called with the object,
in a comprehension and a lambda, by getattr(p, "c") (now the read p.c, as p.c is:
it was refused, "no derivative rule for builtins.getattr"). Every value against
central differences."""
import dataclasses
from typing import NamedTuple

import numpy as np
import pytest

import srcdiff

EPS = 1e-6
X = np.array([0.3, -0.2, 0.5])
W0 = np.array([0.4, -0.7, 0.25])


class P(NamedTuple):
    w: np.ndarray
    c: float


@dataclasses.dataclass
class D:
    w: np.ndarray
    c: float


# ---- the user functions -------------------------------------------------------------
# p[0] is the field w; reading a field by position as well is what lets the gradient
# be generated for arguments of unknown kinds (a differentiated p.w waits for the
# call), and that code kept the p.c the gradient does not differentiate.

def restored_loop_name(p, x):
    # (fuzz seed 2026120604 program 713, shrunk) the first loop is dead, but its W
    # is saved and restored around the second loop's W
    y = p[0] * x
    Ws = [np.ones((3, 3)), np.ones((3, 3))]
    Ws[0] = Ws[0] * p.c
    for W in Ws:
        z = y @ W
    for W in [np.eye(3), 0.5 * np.eye(3)]:
        y = np.tanh(y @ W)
    return np.sum(y) * x[0]


def overwritten_in_dead_loop(p, x):
    # (fuzz seed 8675310 program 78, shrunk) v is saved for the backward pass before
    # the loop overwrites it with a value the output does not use
    v = p[0] * x
    a = np.sum(np.sin(v) * v)
    for i in range(2):
        v = (p[0] - p.c) * x
    return a


def overwritten_by_getattr(p, x):
    v = p[0] * x
    a = np.sum(np.sin(v) * v)
    for i in range(2):
        v = getattr(p, "c") * x
    return a


def restored_in_branch(p, x):
    y = p[0] * x
    if x[0] > 0.0:
        Ws = [np.ones((3, 3)) * p.c, np.ones((3, 3))]
        for W in Ws:
            z = y @ W
    for W in [np.eye(3), 0.5 * np.eye(3)]:
        y = np.sin(y @ W)
    return np.sum(y ** 2)


def restored_in_loop(p, x):
    y = p[0] * x
    for k in range(2):
        for W in [np.ones((3, 3)) * p.c]:
            z = y @ W
        for W in [np.eye(3) * (k + 1.0)]:
            y = np.tanh(y @ W) * x
    return np.sum(y)


def _layers(q, y):
    for W in [np.ones((3, 3)), np.ones((3, 3)) * q.c]:
        z = y @ W
    for W in [np.eye(3), 0.5 * np.eye(3)]:
        y = np.tanh(y @ W + y)
    return y


def restored_in_helper(p, x):
    return np.sum(_layers(p, p[0] * x)) * x[0]


def restored_from_comprehension(p, x):
    y = p[0] * x
    for W in [np.ones((3, 3)) * p.c * k for k in range(2)]:
        z = y @ W
    for W in [np.eye(3)]:
        y = np.tanh(y @ W) * y
    return np.sum(y) * x[1]


def restored_from_lambda(p, x):
    y = p[0] * x
    scaled = lambda A: A * p.c
    for W in [scaled(np.ones((3, 3))), np.ones((3, 3))]:
        z = y @ W
    for W in [np.eye(3), np.eye(3) - 0.1]:
        y = np.cos(y @ W)
    return np.sum(y) * x[2]


def restored_dataclass(d, x):
    # (a dataclass has no positions: no field of it is differentiated, or the
    # gradient would wait for the call)
    y = x * 2.0
    for W in [np.ones((3, 3)) * d.c]:
        z = y @ W
    for W in [np.eye(3), 0.5 * np.eye(3)]:
        y = np.tanh(y @ W)
    return np.sum(y) * x[0]


# (attribute reads the gradient differentiates, in the same places)

def read_in_loop(p, x):
    s = 0.0
    for k in range(3):
        s = s + p.c * np.sum(np.sin(p.w * x) * x) + k * p.c ** 2
    return s


def read_in_branch(p, x):
    y = np.sum(p.w * x ** 2)
    if p.c > 0.0:
        y = y * p.c + np.sum(np.cos(p.w))
    else:
        y = y - p.c ** 3
    return y


def read_by_getattr(p, x):
    return getattr(p, "c") * np.sum(np.sin(getattr(p, "w") * x)) + getattr(p, "c") ** 2


def _helper(q, x):
    return q.c * np.sum(np.tanh(q.w * x)) + q.c ** 2


def read_in_helper(p, x):
    return _helper(p, x) * np.sum(x) + _helper(p, 2.0 * x)


def read_in_comprehension_and_lambda(p, x):
    scale = lambda z: p.c * np.sin(z)
    parts = [p.c * p.w[i] * x[i] ** 2 for i in range(3)]
    return sum(parts) + np.sum(scale(p.w * x))


RESTORED = [restored_loop_name, overwritten_in_dead_loop, overwritten_by_getattr,
            restored_in_branch, restored_in_loop, restored_in_helper,
            restored_from_comprehension, restored_from_lambda]
READ = [read_in_loop, read_in_branch, read_in_helper, read_in_comprehension_and_lambda,
        read_by_getattr]


# ---- objects as flat vectors [w..., c] ----------------------------------------------

def make(kind, theta):
    return kind(np.array(theta[:3]), float(theta[3]))


def flat(g):
    """A gradient or a tangent of one (a P or a dict of fields) as [w..., c]."""
    w, c = (g.w, g.c) if isinstance(g, P) else (g["w"], g["c"])
    return np.concatenate([np.ravel(w), [c]])


def numeric_gradient(f, kind, theta, x):
    g = np.zeros(4)
    for i in range(4):
        e = np.zeros(4)
        e[i] = EPS
        g[i] = (f(make(kind, theta + e), x) - f(make(kind, theta - e), x)) / (2 * EPS)
    return g


def numeric_hvp(f, kind, theta, x, v):
    """Central difference of srcdiff's gradient along v: H v."""
    g = srcdiff.grad(f)
    return (flat(g(make(kind, theta + EPS * v), x))
            - flat(g(make(kind, theta - EPS * v), x))) / (2 * EPS)


THETA = np.concatenate([W0, [0.6]])
V = np.array([0.3, -1.0, 0.4, 0.7])
VX = np.array([1.0, 0.5, -0.5])


def as_matrix(J, kind):
    """jacobian(grad(f)) w.r.t. the object (blocks J[out field][in field]) as 4x4."""
    block = (lambda a, b: getattr(getattr(J, a), b)) if kind is P else (lambda a, b: J[a][b])
    return np.vstack([np.hstack([np.reshape(block(a, "w"), (-1, 3)),
                                 np.reshape(block(a, "c"), (-1, 1))]) for a in ("w", "c")])


CASES = [(f, P) for f in RESTORED] + [(f, k) for f in READ for k in (P, D)]


@pytest.mark.parametrize("f, kind", CASES,
                         ids=[f"{f.__name__}-{k.__name__}" for f, k in CASES])
def test_orders_one_and_two_wrt_the_object(f, kind):
    o, v = make(kind, THETA), make(kind, V)
    g = flat(srcdiff.grad(f)(o, X))
    np.testing.assert_allclose(g, numeric_gradient(f, kind, THETA, X), rtol=1e-6, atol=1e-8)
    want = numeric_hvp(f, kind, THETA, X, V)
    np.testing.assert_allclose(flat(srcdiff.hvp(f)(o, X, v)), want, rtol=1e-5, atol=1e-7)
    H = as_matrix(srcdiff.jacobian(srcdiff.grad(f))(o, X), kind)
    np.testing.assert_allclose(H @ V, want, rtol=1e-5, atol=1e-7)
    out, dout = srcdiff.jvp(srcdiff.grad(f), (o, X), (v, np.zeros(3)))
    np.testing.assert_allclose(flat(out), g, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(flat(dout), want, rtol=1e-5, atol=1e-7)


BOTH = [(f, P) for f in RESTORED] + [(restored_dataclass, D)]


@pytest.mark.parametrize("f, kind", BOTH, ids=[f.__name__ for f, _ in BOTH])
def test_orders_one_and_two_wrt_object_and_array(f, kind):
    # (the form the fuzzer checks its programs in: w.r.t. every argument)
    o, vo = make(kind, THETA), make(kind, V)
    g = srcdiff.grad(f, wrt=(0, 1))

    def at(s):
        go, gx = g(make(kind, THETA + s * V), X + s * VX)
        return np.concatenate([flat(go), gx])
    want = (at(EPS) - at(-EPS)) / (2 * EPS)
    got = srcdiff.hvp(f, wrt=(0, 1))(o, X, (vo, VX))
    np.testing.assert_allclose(np.concatenate([flat(got[0]), got[1]]), want,
                               rtol=1e-5, atol=1e-7)
    out, dout = srcdiff.jvp(g, (o, X), (vo, VX))
    np.testing.assert_allclose(np.concatenate([flat(dout[0]), dout[1]]), want,
                               rtol=1e-5, atol=1e-7)
    Jx = srcdiff.jacobian(srcdiff.grad(f, wrt=1), wrt=1)(o, X)
    np.testing.assert_allclose(Jx @ VX, (g(o, X + EPS * VX)[1] - g(o, X - EPS * VX)[1])
                               / (2 * EPS), rtol=1e-5, atol=1e-7)
