"""The clean-up passes of generated code (optimize.py) move a value down to its
one reader when nothing in between writes what it reads. They looked at names
only: ``w_2 = w[:, None]`` is a view of w, and the sweep of a loop that wrote
w put w's old items back into it in place -- the contribution that read w_2 was
moved past that loop and read the old items (a silently wrong gradient at order
one, fuzz seed 15001 program 5698; ``A = A`` placed the read there). Another
name for an array is the same: ``b = a; c = b; p = b * b; c[0:1] = 0.5`` had
``p`` computed after the write, a wrong value and gradient (program 5912). Now
a value read through a view or another name of an array does not move past a
write into that array (optimize.view_classes). A vjp's backward function is
folded apart from its forward, where the views are made: those count too
(``A9_1 = w6[:, None]`` in the forward, w6's items put back in the backward;
a wrong vjp where grad was right, fuzz seed 15001 program 8562)."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

A = np.array([[0.65, -0.64, 0.33, -0.62, -0.14], [0.53, 0.91, -1.15, 0.90, -1.16],
              [-0.51, 0.12, -0.19, 0.82, -0.13]])
U = np.linspace(-0.5, 0.6, 15).reshape(3, 5)

MOD = load_module('''
def column_view(A):
    r = np.ones((2, 5))
    r[0] = A[0]
    A = A
    w = np.empty(3)
    for i in range(3):
        w[i] = np.mean(r) * (i + 1.0)
    w += (np.sum(A, axis=1, keepdims=True) * w[:, None]).reshape(3)
    return np.mean(w ** 2)


def reshaped_view(A):
    w = np.zeros(3)
    for i in range(3):
        w[i] = np.sum(np.sin(A[i]))
    B = A
    t = w.reshape(3, 1) * A
    return np.sum(t * B)


def renamed_then_written(A):
    a = np.linspace(1.0, 1.0, 1)
    b = a
    c = b
    p = b * b
    c[0:1] = 0.5
    return np.sum(p) * np.sum(A ** 2)


def view_made_before_the_backward(A):
    w, c = (A[0, 0] * np.ones(1), 1.0)
    c -= w
    w[0:1] *= 0.5
    x = c
    B = x * w[:, None]
    return np.sum(B) + np.sum(A ** 2)


def slice_view(A):
    w = np.zeros(4)
    for i in range(4):
        w[i] = np.sum(A[:, i] ** 2)
    A = A * 1.0
    s = np.sum(w[1:] * A[0, 1:4])
    return s + np.sum(A)
''')


def test_vjp_of_a_view_made_in_the_forward():
    from numeric import numeric_grad
    f = MOD.view_made_before_the_backward
    want = numeric_grad(f, [A], 0)
    out, back = srcdiff.vjp(f, A)
    np.testing.assert_allclose(out, f(A), rtol=1e-12)
    np.testing.assert_allclose(back(1.0)[0], want, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(back(2.0)[0], 2 * want, rtol=1e-6, atol=1e-8)   # (again)
    assert_orders_one_and_two(lambda a: f(a.reshape(3, 5)), [A.ravel()], 0, U.ravel())


@pytest.mark.parametrize("name", ["column_view", "reshaped_view", "slice_view",
                                  "renamed_then_written"])
def test_orders_one_and_two(name):
    f = getattr(MOD, name)
    assert_orders_one_and_two(lambda a: f(a.reshape(3, 5)), [A.ravel()], 0, U.ravel())
    np.testing.assert_allclose(srcdiff.value_and_grad(f)(A)[0], f(A), rtol=1e-12)
