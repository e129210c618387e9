"""A gradient's code keeps an array on a stack (``A_stack.append(A)``, to put A
back where the sweep needs it) and later code may change that array in place
while the name still holds it: the next iteration writes ``A[0:2] += ...``
before an inner loop that may not run rebinds A. At order one the sweep puts
the written items back before it pops, so the array itself is pushed. Code that
differentiates the gradient again reads a stack entry as the value at the push,
so such a push is ``A_stack.append(stacked(A))`` (the array and a copy of it):
the gradient still pops the array itself, and jacobian(grad), hessian, hvp and
jvp(grad) agree with central differences (before: jacobian(grad) refused it,
"'A_3' is changed in place here after A_stack.append(A_3) keeps its array"; fuzz
seed 12041206 programs 203 and 483)."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

X = np.array([0.3, -0.7, 1.1, 0.5, 0.2, -0.4, 0.9, -0.3, 0.6])
V = np.array([0.2, 0.5, -0.3, 0.1, -0.6, 0.4, 0.3, -0.2, 0.7])

MOD = load_module('''
W0 = np.linspace(-0.5, 0.5, 2)


def inner_loop_rebinds(x, limit):
    B = x[3:9].reshape(3, 2)
    A = np.outer(x[:3], np.ones(2))
    for row in B:
        if np.sum(A) > limit:
            B = np.tanh(np.where(B > A, B, A))
    for i in range(2):
        A[0:2] += np.tanh(np.sum(B))
        for j in range(i + 1):
            A /= 1.5 + np.cos(W0 if np.sum(B) > -100.0 else np.mean(A, axis=0))
        B = 0.645 * np.cosh(np.tanh(B))
    return np.sum(B ** 2)


def inner_loop_rebinds_read_after(x, limit):
    B = x[3:9].reshape(3, 2)
    A = np.outer(x[:3], np.ones(2))
    for row in B:
        if np.sum(A) > limit:
            B = np.tanh(np.where(B > A, B, A))
    for i in range(2):
        A[0:2] += np.tanh(np.sum(B))
        for j in range(i + 1):
            A /= 1.5 + np.cos(W0 if np.sum(B) > -100.0 else np.mean(A, axis=0))
        B = 0.645 * np.cosh(np.tanh(B))
    return np.sum(B ** 2) + np.sum(np.sin(A))
''')


@pytest.mark.parametrize("limit", [100.0, -100.0], ids=["branch-skipped", "branch-taken"])
@pytest.mark.parametrize("name", ["inner_loop_rebinds", "inner_loop_rebinds_read_after"])
def test_pushed_array_written_later_is_differentiable_again(name, limit):
    f = getattr(MOD, name)
    assert_orders_one_and_two(f, [X, limit], 0, V)
    np.testing.assert_allclose(srcdiff.hessian(f)(X, limit) @ V,
                               srcdiff.hvp(f)(X, limit, V), rtol=1e-6, atol=1e-9)


def test_the_gradient_pushes_the_array_with_a_copy():
    """The push this file is about happens (else the tests above test nothing
    new), and the gradient pops the array itself."""
    g = srcdiff.grad(MOD.inner_loop_rebinds)
    g(X, 100.0)
    text = srcdiff.source(g)
    assert "_stack.append(stacked(A" in text, text
    assert "unstacked(A" in text, text
