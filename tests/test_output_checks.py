"""What grad accepts as an output, and semantics that must not differ silently
(issue 17, class 10): a complex, boolean or many-element output is refused with a
SrcdiffError naming the function's file and line; an output with exactly one
element is accepted; vjp's output is not changed by calling its backward; the
1-tuple that grad(f, wrt=(0,)) returns is a 1-tuple to every transform of it."""
import numpy as np
import pytest

import srcdiff
from srcdiff import SrcdiffError, grad, hessian, hvp, jacobian, jvp, value_and_grad, vjp
from numeric import load_function

X3 = np.array([0.4, -1.2, 0.9])
V3 = np.array([0.5, 0.1, -0.3])
EPS = 1e-6


def _fd(f, x, v):
    return (f(x + EPS * v) - f(x - EPS * v)) / (2 * EPS)


# ---- outputs grad refuses --------------------------------------------------------------

REFUSED = {
    "complex_scalar": ("def f(x):\n    return x * 1j\n", 0.7, "complex"),
    "complex_sum": ("def f(z):\n    return np.sum(z ** 2)\n", np.array([1 + 1j, 2.0]), "complex"),
    "complex_provably_scalar": ("def f(x):\n    c = np.exp(1j * x)\n    return np.sum(c * x)\n",
                                X3, "complex"),
    "complex_constant_factor": ("def f(x):\n    return np.sum(x) * (1 + 2j)\n", X3, "complex"),
    "boolean": ("def f(x):\n    return x > 0\n", 0.7, "boolean"),
    "boolean_all": ("def f(x):\n    return np.all(x > 0)\n", X3, "boolean"),
    "vector": ("def f(x):\n    return np.sin(x)\n", X3, "shape (3,)"),
    "matrix": ("def f(x):\n    return np.outer(x, x)\n", X3, "shape (3, 3)"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
@pytest.mark.parametrize("transform", ["grad", "value_and_grad", "hvp", "grad_has_aux"])
def test_refused_outputs_name_the_function(name, transform):
    source, x, what = REFUSED[name]
    if transform == "grad_has_aux":
        source = source.replace("def f(", "def g(") + \
            "\ndef f(x):\n    return g(x), 1.0\n"
    f = load_function(source, "f")
    with pytest.raises(SrcdiffError) as info:
        if transform == "grad":
            grad(f)(x)
        elif transform == "value_and_grad":
            value_and_grad(f)(x)
        elif transform == "hvp":
            hvp(f)(x, x)
        else:
            grad(f, has_aux=True)(x)
    text = str(info.value)
    assert what in text, text
    code = f.__code__
    assert f"{code.co_filename}:{code.co_firstlineno}" in text, text
    assert "f returned" in text, text
    if what.startswith("shape"):
        assert "vjp" in text, text


# ---- outputs with exactly one element ----------------------------------------------------

ONE_ELEMENT = {
    "shape_1": "def f(x):\n    return x[:1] * np.sum(x ** 2)\n",
    "shape_1_1": "def f(x):\n    return np.reshape(np.sum(np.sin(x) * x), (1, 1))\n",
    "keepdims": "def f(x):\n    return np.sum(x ** 3, keepdims=True)\n",
    "matmul_1_1": "def f(x):\n    m = np.reshape(x, (1, 3))\n    return m @ np.tanh(m.T)\n",
}


@pytest.mark.parametrize("name", sorted(ONE_ELEMENT))
def test_one_element_output(name):
    f = load_function(ONE_ELEMENT[name], "f")
    scalar = lambda x: float(np.reshape(f(x), ()))     # noqa: E731
    g = grad(f)(X3)
    assert g.shape == X3.shape
    want = np.array([_fd(scalar, X3, e) for e in np.eye(3)])
    np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-7)
    value, g2 = value_and_grad(f)(X3)
    np.testing.assert_allclose(value, f(X3))
    np.testing.assert_allclose(g2, want, rtol=1e-5, atol=1e-7)
    # and at order two
    hv = _fd(grad(f), X3, V3)
    np.testing.assert_allclose(hvp(f)(X3, V3), hv, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(hessian(f)(X3) @ V3, hv, rtol=1e-5, atol=1e-6)


# ---- vjp's output and its backward --------------------------------------------------------

WRITERS = {
    "item_write": """
        def f(A, b):
            A[0] = A[0] * b
            return A
    """,
    "view_of_written": """
        def f(A, b):
            A[1] = np.sin(A[0]) * b
            return A[1:]
    """,
    "augmented": """
        def f(A, b):
            A *= b
            return A, np.sum(A)
    """,
    "loop_writes": """
        def f(A, b):
            for i in range(1, A.shape[0]):
                A[i] = A[i - 1] * b + A[i]
            return A
    """,
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_vjp_backward_leaves_output_alone(name):
    f = load_function(WRITERS[name], "f")
    A, b = np.array([1.0, 2.0, 3.0]), 1.5
    out, f_vjp = vjp(f, A.copy(), b)
    want_out = f(A.copy(), b)
    leaves = lambda v: list(v) if isinstance(v, tuple) else [v]      # noqa: E731
    kept = [np.array(o, copy=True) for o in leaves(out)]
    dout = tuple(np.ones_like(o) for o in leaves(out)) if isinstance(out, tuple) \
        else np.ones_like(out)
    first = f_vjp(dout)
    second = f_vjp(dout)
    for o, k, w in zip(leaves(out), kept, leaves(want_out)):
        np.testing.assert_array_equal(o, k)
        np.testing.assert_allclose(o, w)
    for a, c in zip(first, second):
        np.testing.assert_allclose(a, c)
    # and the cotangents are right
    total = lambda A_, b_: sum(np.sum(o) for o in leaves(f(A_.copy(), b_)))  # noqa: E731
    dA = np.array([_fd(lambda a: total(a, b), A, e) for e in np.eye(3)])
    np.testing.assert_allclose(first[0], dA, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(first[1], _fd(lambda bb: total(A, bb), b, 1.0), rtol=1e-5)


# ---- grad(f, wrt=(0,)) is a 1-tuple to every transform ----------------------------------------

def test_one_tuple_gradient_composes():
    f = load_function("""
        def f(x, w):
            return np.sum(np.sin(x * w) * x)
    """, "f")
    w = np.array([1.1, 0.3, -0.8])
    g1 = grad(f, wrt=(0,))
    g = grad(f)
    res = g1(X3, w)
    assert isinstance(res, tuple) and len(res) == 1
    np.testing.assert_allclose(res[0], g(X3, w))
    hv = _fd(lambda x: g(x, w), X3, V3)
    # jvp of the 1-tuple gradient: a 1-tuple out and a 1-tuple tangent
    out, dout = jvp(g1, (X3, w), (V3, None))
    assert isinstance(out, tuple) and len(out) == 1
    assert isinstance(dout, tuple) and len(dout) == 1
    np.testing.assert_allclose(dout[0], hv, rtol=1e-5, atol=1e-6)
    # vjp of it takes and gives 1-tuples
    out, f_vjp = vjp(g1, X3, w)
    assert isinstance(out, tuple) and len(out) == 1
    cot = f_vjp((V3,))
    np.testing.assert_allclose(cot[0], hv, rtol=1e-5, atol=1e-6)   # (the Hessian is symmetric)
    # jacobian of it: one block per output item
    J = jacobian(g1)(X3, w)
    assert isinstance(J, tuple) and len(J) == 1
    np.testing.assert_allclose(J[0] @ V3, hv, rtol=1e-5, atol=1e-6)
    # hvp and hessian with wrt=(0,): tuples of one
    h = hvp(f, wrt=(0,))(X3, w, (V3,))
    assert isinstance(h, tuple) and len(h) == 1
    np.testing.assert_allclose(h[0], hv, rtol=1e-5, atol=1e-6)
    H = hessian(f, wrt=(0,))(X3, w)
    np.testing.assert_allclose(H[0][0] @ V3, hv, rtol=1e-5, atol=1e-6)
    # value_and_grad and has_aux keep the 1-tuple too
    value, gv = value_and_grad(f, wrt=(0,))(X3, w)
    assert isinstance(gv, tuple) and len(gv) == 1
    faux = load_function("""
        def faux(x, w):
            return np.sum(np.sin(x * w) * x), x * 2
    """, "faux")
    ga, aux = grad(faux, wrt=(0,), has_aux=True)(X3, w)
    assert isinstance(ga, tuple) and len(ga) == 1
    np.testing.assert_allclose(ga[0], g(X3, w))
    np.testing.assert_allclose(aux, X3 * 2)
