"""Wrong numbers and crashes of issue 17's leftovers (session 8), through the
public transforms against central differences, at orders one and two.

Complex inputs follow JAX's convention (README "Complex numbers"): the
cotangent ``c`` of ``z`` pairs with a tangent ``t`` as ``Re(sum(c * t))``.
"""
import warnings

import numpy as np
import pytest

import srcdiff
from srcdiff import SrcdiffError
from numeric import load_function, numeric_grad


def _directions(x):
    """Unit perturbations of every real coordinate of x (real, then imaginary)."""
    x = np.asarray(x)
    for idx in np.ndindex(x.shape):
        yield idx, 1.0
        if np.iscomplexobj(x):
            yield idx, 1j


def fd_cotangent(f, x, eps=1e-6):
    """The cotangent of scalar real f at x by central differences:
    dL/dRe - 1j dL/dIm entry by entry."""
    x = np.asarray(x)
    out = np.zeros(x.shape, dtype=complex if np.iscomplexobj(x) else float)
    for idx, unit in _directions(x):
        e = np.zeros(x.shape, dtype=out.dtype)
        e[idx] = unit * eps
        d = (float(f(x + e)) - float(f(x - e))) / (2 * eps)
        out[idx] += d if unit == 1.0 else -1j * d
    return out


def fd_hvp(f, x, v, eps=1e-5):
    """Central differences of srcdiff's gradient along v."""
    g = srcdiff.grad(f)
    return (g(x + eps * v) - g(x - eps * v)) / (2 * eps)


def close(got, want, tol=1e-6):
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def check_orders(f, x, v, tol=1e-6):
    """grad against central differences of f; hvp and jvp(grad) against
    central differences of grad."""
    close(srcdiff.grad(f)(x), fd_cotangent(f, x), tol)
    want = fd_hvp(f, x, v)
    close(srcdiff.hvp(f)(x, v), want, 10 * tol)
    close(srcdiff.jvp(srcdiff.grad(f), (x,), (v,))[1], want, 10 * tol)


Z = np.array([0.3 + 0.1j, -0.5 + 0.2j, 0.8 - 0.3j])
VZ = np.array([1 + 0.5j, -0.2 + 1j, 0.3 + 0.1j])


# ----------------------------------------------------------------------------
# np.sign of complex input is z / |z|, not a constant (it was nondifferentiable:
# a zero derivative, which made the second derivative of every complex norm wrong)
# ----------------------------------------------------------------------------

def test_sign_of_complex_input_is_differentiated():
    f = load_function("def f(z):\n    return np.sum(np.real(np.sign(z) * np.conj(z) ** 2))\n")
    check_orders(f, Z, VZ)


def test_sign_of_real_input_stays_constant():
    f = load_function("def f(x):\n    return np.sum(np.sign(x) * x ** 2)\n")
    x = np.array([0.5, -1.5, 2.0])
    check_orders(f, x, np.array([1.0, 0.3, -0.2]))
    assert srcdiff.grad(f)(x).dtype.kind == "f"


@pytest.mark.parametrize("call", ["np.linalg.norm(z)", "np.linalg.vector_norm(z, ord=3)",
                                  "np.linalg.norm(z, 4)", "np.sum(np.abs(z) ** 3)"])
def test_complex_norms_at_order_two(call):
    f = load_function(f"def f(z):\n    return {call}\n")
    check_orders(f, Z, VZ)


# ----------------------------------------------------------------------------
# scipy.special: psi/gamma of complex input (the rules called SciPy's polygamma,
# which takes real input only: TypeError); factorial/comb/perm of floats are
# Gamma-function ratios (they were marked nondifferentiable: silently zero)
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("call", ["scipy.special.psi(z)", "scipy.special.gamma(z)",
                                  "scipy.special.digamma(z) * scipy.special.gamma(z)"])
def test_psi_and_gamma_of_complex_input(call):
    f = load_function(f"import scipy.special\n\ndef f(z):\n    return np.sum(np.real({call} * np.conj(z)))\n")
    check_orders(f, np.array([1.2 + 0.3j, 0.7 - 0.4j, 2.5 + 1.1j]), VZ, tol=1e-5)


@pytest.mark.parametrize("call", ["scipy.special.factorial(x)", "scipy.special.comb(x + 3.0, x)",
                                  "scipy.special.perm(x + 3.0, x)", "scipy.special.comb(4.2, x, repetition=True)",
                                  "scipy.special.factorial(x - 1.0, extend='complex')"])
def test_factorial_comb_perm_of_floats(call):
    f = load_function(f"import scipy.special\n\ndef f(x):\n    return np.sum({call} ** 2)\n")
    check_orders(f, np.array([0.4, 1.7, 2.3]), np.array([1.0, -0.5, 0.3]), tol=1e-5)


# ----------------------------------------------------------------------------
# lists at order two: popped (the tangent list was made after the append it
# should precede: half the hvp), held by a dict (seq_mul_vjp's rules ignored
# x and y; the backward of reverse over reverse copied the list but not the
# dict holding it)
# ----------------------------------------------------------------------------

LIST_PROGRAMS = {
    "popped": """
        def f(A):
            L = [A, A * 2.0]
            v = L.pop()
            return np.sum(v * A)
    """,
    "popped_after_a_comprehension": """
        def f(A):
            L = [1.0, A, A * 2.0]
            v2 = [v1 * 3.0 for v1 in L]
            v3 = L.pop()
            return np.sum(v3 * v2[1])
    """,
    "appended_then_popped_twice": """
        def f(A):
            L = [np.sin(A)]
            L.append(A * A)
            L.append(A ** 3)
            a = L.pop()
            b = L.pop()
            return np.sum(a * b * L[0])
    """,
    "held_by_a_dict": """
        def f(y):
            L = [y * 2.0]
            L.append(y ** 2)
            P = {'a': L}
            return np.sum(P['a'][-1] * L[0])
    """,
    "popped_then_held_by_a_dict": """
        def f(y):
            L = [y * 2.0, np.cos(y)]
            last = L.pop()
            P = {'a': L, 'b': y}
            return np.sum(P['a'][0] * last * P['b'])
    """,
    "items_of_a_tuple_in_a_list": """
        def f(y):
            L = [(y, y * y)]
            a, b = L[0]
            return np.sum(a * b * L[-1][1])
    """,
}


@pytest.mark.parametrize("name", sorted(LIST_PROGRAMS))
def test_lists_at_order_two(name):
    f = load_function(LIST_PROGRAMS[name], "f")
    x, v = np.array([0.3, -0.5, 0.8]), np.array([1.0, 0.4, -0.7])
    check_orders(f, x, v)
    want = fd_hvp(f, x, v)
    close(srcdiff.hessian(f)(x) @ v, want, 1e-5)
    close(srcdiff.jacobian(srcdiff.grad(f))(x) @ v, want, 1e-5)


# ----------------------------------------------------------------------------
# a real and a complex parameter: where the adjoint needs only a value's shape
# it read a parameter of that shape instead, and unbroadcast(g, x) of a real
# stand-in x dropped the imaginary part of a complex value's cotangent
# ----------------------------------------------------------------------------

MIXED = {
    "same_shape": ("""
        def f(x, z):
            q = 1.0 + np.sign(z)
            return np.sum(q.imag) + np.sum(x ** 2)
    """, np.array([0.9 - 0.4j, 0.5 - 0.8j, 0.7 + 0.1j])),
    "complex_scalar_broadcast": ("""
        def f(x, z):
            o = x + z
            return np.sum(np.real(o * o * np.array([0.5 + 0.1j, 0.3 - 0.2j, -0.4 + 0.3j])))
    """, np.complex128(0.2 - 0.3j)),
}


@pytest.mark.parametrize("name", sorted(MIXED))
def test_real_and_complex_parameters(name):
    src, z = MIXED[name]
    f = load_function(src, "f")
    x = np.array([0.3, -0.5, 0.8])
    gx, gz = srcdiff.grad(f, wrt=(0, 1))(x, z)
    close(gx, fd_cotangent(lambda a: f(a, z), x))
    close(gz, fd_cotangent(lambda b: f(x, b), np.asarray(z)))
    vx, vz = np.array([1.0, 0.4, -0.7]), (0.3 + 0.6j) * np.ones_like(z)
    h = 1e-5
    g = srcdiff.grad(f, wrt=(0, 1))
    want = [(a - b) / (2 * h) for a, b in zip(g(x + h * vx, z + h * vz), g(x - h * vx, z - h * vz))]
    got = srcdiff.hvp(f, wrt=(0, 1))(x, z, (vx, vz))
    for a, b in zip(got, want):
        close(a, b, 1e-5)


# ----------------------------------------------------------------------------
# unpacking an iterator a builtin returns (a, b = reversed(x)) was compiled as
# subscripting it (TypeError)
# ----------------------------------------------------------------------------

UNPACKED_ITERATORS = {
    "reversed_array": "a, b, c = reversed(x)\n    return a * b * b + np.sin(c)",
    "reversed_list": "a, b = reversed([x[0] * 2.0, x[1:] ** 2])\n    return np.sum(a * b) * x[2]",
    "reversed_tuple_in_a_loop": "s = 0.0\n    for k in range(2):\n        a, b = reversed((x[k], x[k + 1] ** 2))\n        s = s + a * b\n    return s",
}


@pytest.mark.parametrize("name", sorted(UNPACKED_ITERATORS))
def test_unpacking_an_iterator(name):
    f = load_function(f"def f(x):\n    {UNPACKED_ITERATORS[name]}\n", "f")
    x, v = np.array([0.3, -0.5, 0.8]), np.array([1.0, 0.4, -0.7])
    check_orders(f, x, v)
    close(srcdiff.hessian(f)(x) @ v, fd_hvp(f, x, v), 1e-5)


# ----------------------------------------------------------------------------
# a new dict key (d["c"] = v): the gradient saved the old d["c"] to put it back
# (KeyError); now a missing key saves None
# ----------------------------------------------------------------------------

NEW_KEYS = {
    "new_key": """
        def f(A):
            d = {"a": A}
            d["c"] = A * 2.0
            return np.sum(d["c"] * d["a"] ** 2)
    """,
    "new_then_overwritten": """
        def f(A):
            d = {"a": A}
            d["c"] = np.sin(A)
            d["c"] = d["c"] * d["a"]
            return np.sum(d["c"] ** 2)
    """,
    "new_keys_in_a_loop": """
        def f(A):
            d = {}
            for k in range(3):
                d[k] = A * (k + 1.0)
            return np.sum(d[0] * d[2] * np.cos(d[1]))
    """,
}


@pytest.mark.parametrize("name", sorted(NEW_KEYS))
def test_new_dict_key(name):
    f = load_function(NEW_KEYS[name], "f")
    x, v = np.array([0.3, -0.5, 0.8]), np.array([1.0, 0.4, -0.7])
    check_orders(f, x, v)
    want = fd_hvp(f, x, v)
    close(srcdiff.hessian(f)(x) @ v, want, 1e-5)
    close(srcdiff.jacobian(srcdiff.grad(f))(x) @ v, want, 1e-5)


# ----------------------------------------------------------------------------
# issue 18 forms: x.astype(...) as a method; np.linalg results by attribute
# ----------------------------------------------------------------------------

FORMS = {
    "astype_string": "return np.sum(x.astype('float64') ** 3)",
    "astype_type": "return np.sum(x.astype(np.float64) * np.sin(x))",
    "svd_fields": "r = np.linalg.svd(np.reshape(x, (2, 2)))\n    return np.sum(r.S ** 2) + np.sum(r.U * r.Vh) * r.S[0]",
    "eigh_fields": ("A = np.reshape(x, (2, 2))\n    r = np.linalg.eigh(A @ A.T + np.eye(2))\n"
                    "    return np.sum(r.eigenvalues ** 2) + np.sum(r.eigenvectors[:, 0] ** 3)"),
    "slogdet_field": "r = np.linalg.slogdet(np.reshape(x, (2, 2)) + 2.0 * np.eye(2))\n    return r.logabsdet * r.sign",
    "qr_fields": "r = np.linalg.qr(np.reshape(x, (2, 2)) + np.eye(2))\n    return np.sum(r.Q * r.R) + np.sum(r.R ** 2)",
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_method_and_library_forms(name):
    f = load_function(f"def f(x):\n    {FORMS[name]}\n", "f")
    x, v = np.array([0.3, -0.5, 0.8, 1.1]), np.array([1.0, 0.4, -0.7, 0.2])
    check_orders(f, x, v, tol=1e-5)
    close(srcdiff.jvp(f, (x,), (v,))[1], (f(x + 1e-6 * v) - f(x - 1e-6 * v)) / 2e-6, 1e-5)
    close(srcdiff.hessian(f)(x) @ v, fd_hvp(f, x, v), 1e-4)


def test_same_named_attribute_of_a_constant_object():
    """``obj.S`` of an object that is not differentiated stays a constant read."""
    import types
    f = load_function("""
        def f(x, obj):
            return np.sum(obj.S * x ** 2)
    """, "f")
    x, obj = np.array([0.3, -0.5]), types.SimpleNamespace(S=np.array([2.0, 3.0]))
    close(srcdiff.grad(f)(x, obj), 2 * obj.S * x)


# ----------------------------------------------------------------------------
# issue 18: iteration forms nest (zip in enumerate, enumerate in zip, zip of
# three, zip of zips, reversed(list(zip(...)))); dict views; sorted(d) in
# forward mode
# ----------------------------------------------------------------------------

NESTED_LOOPS = {
    "enumerate_of_zip": """
        def f(x):
            s = 0.0
            for i, (a, b) in enumerate(zip(x, x ** 2)):
                s = s + a * b * (i + 1)
            return s
    """,
    "zip_of_enumerate": """
        def f(x):
            s = 0.0
            for (i, a), b in zip(enumerate(x), np.sin(x)):
                s = s + a * b * i
            return s
    """,
    "zip_of_three": """
        def f(x):
            s = 0.0
            for a, b, c in zip(x, x ** 2, np.sin(x)):
                s = s + a * b * c
            return s
    """,
    "zip_of_zip": """
        def f(x):
            s = 0.0
            for (a, b), c in zip(zip(x, np.cos(x)), x[::-1]):
                s = s + a * b * c
            return s
    """,
    "reversed_list_of_zip": """
        def f(x):
            s = 0.0
            for a, b in reversed(list(zip(x, x ** 2))):
                s = s * 0.5 + a * b
            return s
    """,
    "enumerate_of_zip_of_lists": """
        def f(x):
            ws = [x[:2], x[1:3] * 2.0]
            bs = [x[0], x[3]]
            s = 0.0
            for i, (w, b) in enumerate(zip(ws, bs)):
                s = s + np.sum(np.tanh(w * b)) * (i + 1)
            return s
    """,
    "dict_items": """
        def f(x):
            d = {"b": x, "a": np.sin(x)}
            s = 0.0
            for k, v in d.items():
                s = s + np.sum(v ** 3)
            return s
    """,
    "dict_values_unpacked": """
        def f(x):
            d = {"b": np.sin(x), "a": x * 2}
            a, b = d.values()
            return np.sum(a * b * b)
    """,
    "sorted_keys": """
        def f(x):
            d = {"b": x, "a": x * 2}
            s = 0.0
            for k in sorted(d):
                s = s * 0.5 + np.sum(d[k] ** 3)
            return s
    """,
}


@pytest.mark.parametrize("name", sorted(NESTED_LOOPS))
def test_iteration_forms_nest(name):
    f = load_function(NESTED_LOOPS[name], "f")
    x, v = np.array([0.3, -0.5, 0.8, 1.1]), np.array([1.0, 0.4, -0.7, 0.2])
    check_orders(f, x, v)
    close(srcdiff.jvp(f, (x,), (v,))[1], (f(x + 1e-6 * v) - f(x - 1e-6 * v)) / 2e-6, 1e-5)
    want = fd_hvp(f, x, v)
    close(srcdiff.hessian(f)(x) @ v, want, 1e-5)
    close(srcdiff.jacobian(srcdiff.grad(f))(x) @ v, want, 1e-5)


def test_sorted_of_values_is_the_permutation_it_makes():
    # (was refused in forward mode; sorted() now has rules: the order is constant
    # where it is differentiable, each item's derivative goes where it came from)
    f = load_function("""
        def f(x):
            s = 0.0
            for a in sorted([x[0], x[1] * 2.0, np.sum(x ** 2)]):
                s = s * 0.5 + a * a
            return s
    """, "f")
    x, v = np.array([0.3, -0.5, 0.8, 1.1]), np.array([1.0, 0.4, -0.7, 0.2])
    check_orders(f, x, v)
    close(srcdiff.jvp(f, (x,), (v,))[1], (f(x + 1e-6 * v) - f(x - 1e-6 * v)) / 2e-6, 1e-5)
    close(srcdiff.jacobian(srcdiff.grad(f))(x) @ v, fd_hvp(f, x, v), 1e-5)


# ----------------------------------------------------------------------------
# a tuple parameter's items had one shape class (a container indexed like an
# array): the float item's cotangent came back with the array item's shape
# ----------------------------------------------------------------------------

def test_items_of_a_tuple_parameter_have_their_own_shapes():
    f = load_function("""
        def f(pt):
            return np.mean(pt[1] * pt[0]) + np.sum(np.sin(pt[0])) * np.sum(pt[2] ** 2) * pt[2][0, 1]
    """, "f")
    w, c, m = np.array([0.3, -0.5, 0.8, 0.1]), 0.7, np.array([[0.4, -0.2], [0.1, 0.3]])
    g = srcdiff.grad(f)((w, c, m))
    h = 1e-6
    close(g[0], fd_cotangent(lambda a: f((a, c, m)), w))
    assert np.shape(g[1]) == ()
    close(g[1], (f((w, c + h, m)) - f((w, c - h, m))) / (2 * h))
    close(g[2], fd_cotangent(lambda a: f((w, c, a)), m))


# ----------------------------------------------------------------------------
# generated code differentiable again: folding put a value into the base of a
# subscript write (np.sin(s * y)[i] = s), which forward mode refuses
# ----------------------------------------------------------------------------

def test_unused_array_written_in_a_loop_at_order_two():
    f = load_function("""
        def f(y):
            for i in range(2):
                v1 = np.sin(0.4 * y)
                v1[i] = 0.4
            return np.mean(y ** 3)
    """, "f")
    x, v = np.array([0.3, -0.5, 0.8, 0.1]), np.array([1.0, 0.4, -0.7, 0.2])
    check_orders(f, x, v)


# ----------------------------------------------------------------------------
# a list of numbers that a ufunc reads as an array, at order two: its tangent is a
# list too, which a rule negating its tangent (np.cos's -dx * sin(x)) could not
# take (TypeError: bad operand type for unary -: 'list'); found by the peer suite
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("body", ["np.sum(np.sin(a))", "np.sum(np.cos(a) * np.tanh(a))",
                                  "np.sum(np.arctan(a) ** 2) - np.sum(np.negative(a) ** 3)"])
def test_list_read_as_an_array_at_order_two(body):
    f = load_function(f"def f(a):\n    return {body}\n")
    x, v = [0.3, -0.5, 0.8], [1.0, 0.4, -0.7]
    xa, va = np.array(x), np.array(v)
    g = srcdiff.grad(f)(x)
    assert isinstance(g, list)
    close(np.array(g), fd_cotangent(f, xa), 1e-6)
    want = fd_hvp(f, xa, va)
    close(np.array(srcdiff.hvp(f)(x, v)), want, 1e-5)
    close(np.array(srcdiff.jvp(srcdiff.grad(f), (x,), (v,))[1]), want, 1e-5)


SVD_VECTORS = '''
import numpy as np

def first_vector(A):
    U, S, Vt = np.linalg.svd(A, full_matrices=False)
    return np.sum(U[:, 0] ** 2 * np.arange(float(U.shape[0])))

def nuclear(A):
    U, S, Vt = np.linalg.svd(A, full_matrices=False)
    return np.sum(S)
'''


@pytest.mark.parametrize("A, why", [
    (np.diag([2.0, 2.0, 1.0]), "repeated singular values"),
    (np.ones((4, 1)) * np.array([[1.0, 2.0, 3.0]]) + np.linspace(0.0, 1.0, 12).reshape(4, 3),
     "zero singular value of a non-square"),
])
def test_svd_vectors_at_degenerate_singular_values_are_refused(A, why):
    """Singular vectors have no derivative at repeated singular values or at a zero
    one of a non-square matrix: refused (the rules' 0/0 was returned as a number,
    fuzz bug185), at order one through U and at order two through sum(S)."""
    fv = load_function(SVD_VECTORS, "first_vector")
    nuc = load_function(SVD_VECTORS, "nuclear")
    with pytest.raises(SrcdiffError, match=why):
        srcdiff.grad(fv)(A)
    with pytest.raises(SrcdiffError, match=why):
        srcdiff.hvp(nuc)(A, np.ones_like(A))
    # generic matrices are unaffected
    B = A + np.eye(*A.shape) * np.array([0.3, 0.6, 0.9])
    v = np.cos(np.arange(B.size)).reshape(B.shape)
    g = srcdiff.grad(nuc)
    eps = 1e-5
    want = (g(B + eps * v) - g(B - eps * v)) / (2 * eps)
    np.testing.assert_allclose(srcdiff.hvp(nuc)(B, v), want, rtol=1e-5, atol=1e-6)


# ---- subscript writes whose integer-array index repeats an element ----------------
# NumPy keeps the last write of an element: only that occurrence's value reaches
# the result (the reverse sweep gave every occurrence the element's cotangent).

REPEATED_WRITES = {
    "augmented": """
        def f(x):
            a = x.copy()
            a[np.array([0, 1, 1])] += x[2]
            return np.sum(a ** 2)
    """,
    "assigned": """
        def f(x):
            a = x.copy()
            a[np.array([0, 1, 1])] = x * 3.0
            return np.sum(a ** 2)
    """,
    "into a fresh buffer, from a list index": """
        def f(x):
            a = np.zeros(4)
            a[[2, 2, 0]] = x * x
            return np.sum(a * np.arange(1.0, 5.0))
    """,
    "multiplied": """
        def f(x):
            a = x.copy()
            a[[1, 1]] *= x[0]
            return np.sum(a ** 2)
    """,
    "two-dimensional, a pair index repeating": """
        def f(x):
            A = np.outer(x, x)
            A[np.array([0, 2, 0]), np.array([1, 1, 1])] = np.sin(x)
            A[1:, [0, 0]] = A[1:, [2, 1]] * x[0]
            return np.sum(A ** 2)
    """,
    "in a loop, an index from a parameter": """
        def f(x, idx):
            a = np.zeros(3)
            for k in range(2):
                a[idx] = a[idx] + x * (k + 1.0)
            return np.sum(np.tanh(a) * np.arange(3.0))
    """,
}


@pytest.mark.parametrize("name", sorted(REPEATED_WRITES))
def test_writes_through_a_repeating_index(name):
    from srcdiff.api.forward_mode import jacobian
    f = load_function(REPEATED_WRITES[name])
    x = np.array([0.3, 1.0, 2.0])
    extra = (np.array([2, 0, 2]),) if "idx" in REPEATED_WRITES[name] else ()
    g = lambda *a: srcdiff.grad(f)(*a)
    want = numeric_grad(f, [x, *extra], 0)
    np.testing.assert_allclose(g(x, *extra), want, rtol=1e-6, atol=1e-8)
    v = np.array([0.4, -0.7, 0.2])
    _, t = srcdiff.jvp(f, (x, *extra), (v,) + tuple(np.zeros(3, int) for _ in extra))
    np.testing.assert_allclose(t, want @ v, rtol=1e-6, atol=1e-8)
    hv = (g(x + 1e-5 * v, *extra) - g(x - 1e-5 * v, *extra)) / 2e-5
    np.testing.assert_allclose(srcdiff.hvp(f)(x, *extra, v), hv, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(jacobian(srcdiff.grad(f))(x, *extra) @ v, hv, rtol=1e-5, atol=1e-7)


def test_tensor_shim_write_through_a_repeating_index():
    from srcdiff.tensor import tensor
    x = tensor(np.array([0.3, 1.0, 2.0]), requires_grad=True)
    a = x * 1.0
    a[np.array([0, 1, 1])] = x * 3.0
    (a ** 2).sum().backward()
    f = lambda x: np.sum(np.where(np.arange(3) == 2, x, 0) ** 2) + (3 * x[0]) ** 2 + (3 * x[2]) ** 2
    np.testing.assert_allclose(x.grad, numeric_grad(f, [np.array([0.3, 1.0, 2.0])], 0), rtol=1e-6, atol=1e-8)


# ----------------------------------------------------------------------------
# Order three: differentiating generated gradient code again (fuzz seed 9104,
# --orders 1,2,3). Each program is checked at orders one and two, and at order
# three through pick(x) = sum(grad(f)(x) * u): grad(pick) is H u, and hvp,
# jvp(grad(pick)) and jacobian(grad(pick)) against central differences of it.
# ----------------------------------------------------------------------------

def check_three_orders(f, x, u, v, tol=1e-6):
    from srcdiff.api.forward_mode import jacobian
    check_orders(f, x, v, tol)
    close(jacobian(srcdiff.grad(f))(x) @ v, fd_hvp(f, x, v), 10 * tol)
    pick = load_function("def pick(x):\n    return np.sum(G(x) * U)\n", name="pick",
                         G=srcdiff.grad(f), U=u)
    gp = srcdiff.grad(pick)
    close(gp(x), fd_hvp(f, x, u), 10 * tol)
    want = fd_hvp(pick, x, v)
    close(srcdiff.hvp(pick)(x, v), want, 10 * tol)
    close(srcdiff.jvp(gp, (x,), (v,))[1], want, 10 * tol)
    close(jacobian(gp)(x) @ v, want, 10 * tol)


X3 = np.array([0.3, -0.7, 0.5])
U3 = np.array([0.2, -0.4, 0.9])
V3 = np.array([0.5, 0.1, -0.3])

# an array written in place, then rebound (its old value pushed on a stack): the
# gradient pops it back and puts its old items back in place -- which, when the
# gradient is differentiated again, was a write into an array the stack still
# held ("'w' is written in place but may share memory with w_stack")
PUSHED_THEN_WRITTEN = {
    "written, then rebound": """
        def f(x):
            w = x.copy()
            g = lambda z: w
            w[0] = x[1] ** 2
            w *= np.sin(x)
            return np.sum(w ** 3)
    """,
    "in a loop": """
        def f(x):
            w = x * 2.0
            for i in range(2):
                w[i] = w[i + 1] * x[0]
                w = w * np.cos(x)
            return np.sum(w ** 3)
    """,
    # (the gradient of the code for unknown kinds reads w[i + 1] as
    # saved_copy(w[i + 1]), which shares nothing whatever w's rank)
    # read through a view whose values the sweep never reads (fuzz seed 9104
    # programs 63, 80: w8[:, None].reshape(4) in a lambda)
    "in a loop, read through a view": """
        def f(x):
            w = x * 2.0
            g = lambda z: w[:, None].reshape(3) * z
            for i in range(2):
                w[i] = w[i + 1] * x[0] + np.sum(g(0.5))
                w = w * np.cos(x)
            return np.sum(w ** 3)
    """,
    # ... and one whose values it does read (a copy of the view is kept)
    "in a loop, a view the sweep reads": """
        def f(x):
            w = x * 2.0
            g = lambda z: w[:, None].reshape(3) * z
            for i in range(2):
                w[i] = w[i + 1] * x[0] + np.sum(g(x) ** 2)
                w = w * np.cos(x)
            return np.sum(w ** 3)
    """,
    # a row of a matrix read after the write (a view the sweep reads, no write
    # into its array while it looks into it) and one read before it (kept as
    # a copy); a comparison makes new booleans (fuzz seed 9104 programs 102, 109)
    "in a loop, rows read after and before the write": """
        def f(x):
            w = np.outer(x, x[:2])
            for i in range(2):
                q = w[2]
                t = np.sum(np.cos(q) * x[1:])
                w[i] = w[i + 1] * x[0]
                r = w[0]
                s = np.sum(np.sin(r))
                keep = w > 0.1
                w = np.where(keep, w, 0.5 * w) * np.cos(x)[:, None] + s * t
            return np.sum(w ** 3)
    """,
}


@pytest.mark.parametrize("name", sorted(PUSHED_THEN_WRITTEN))
def test_array_pushed_then_written_at_order_three(name):
    check_three_orders(load_function(PUSHED_THEN_WRITTEN[name]), X3, U3, V3)


# builtin min/max: their reverse rule picked the selected index with a lambda, which
# the gradient of the gradient inlined, and forward mode then refused ("no
# forward-mode derivative for Lambda") at order three
MIN_MAX = {
    "min of two": """
        def f(x):
            m = min(np.sum(x ** 2), np.sin(x[0]) + 2.0)
            return m * np.sum(np.sin(x))
    """,
    "max of a list": """
        def f(x):
            m = max([x[0] ** 2, x[1] * x[2], np.cos(x[2])])
            return m * np.sum(np.sin(x) ** 2)
    """,
}


@pytest.mark.parametrize("name", sorted(MIN_MAX))
def test_builtin_min_max_at_order_three(name):
    check_three_orders(load_function(MIN_MAX[name]), X3, U3, V3)


# np.array of a list: its reverse rule cast the cotangent like the list if it was
# not a list, else like 0.0. The conditional bound a second name to the list,
# which the gradient's sweep then pops (order three refused: "'t4_1' is changed
# in place here (.pop()), but 'dt4_1_3' names the same list", fuzz seed 271828
# programs 48, 73), and casting like 0.0 dropped the imaginary part of the
# cotangent of complex items (a wrong number at order one)
ARRAY_OF_LIST = '''
def f(x):
    t = np.array([np.sum(x) / (1.0 + np.sum(x * x) * k) for k in range(3)])
    return np.sum(t ** 2)

def complex_items(x):
    z = np.array([x[0] * 1j + x[1], x[1] ** 2])
    return np.sum(np.abs(z) ** 2)

def other_forms(x):
    a = np.array([[x[0], x[1]], [x[1], 2.0]], ndmin=3)
    b = np.array([x[0] * 1j, x[2]], dtype=complex)
    c = np.asarray([np.sin(x), x * 2])
    return np.sum(a ** 2) + np.sum(np.abs(b) ** 2) + np.sum(c ** 3)
'''


@pytest.mark.parametrize("name", ["f", "other_forms"])
def test_array_of_a_list_at_order_three(name):
    check_three_orders(load_function(ARRAY_OF_LIST, name), X3, U3, V3)


def test_array_of_complex_items_keeps_their_cotangent():
    f = load_function(ARRAY_OF_LIST, "complex_items")
    x = np.array([0.3, 0.5])
    close(srcdiff.grad(f)(x), np.array([2 * x[0], 2 * x[1] + 4 * x[1] ** 3]))
    check_orders(f, x, np.array([0.4, -0.2]))


# a view read only for its shape after its array is written (the gradient's
# unbroadcast(dy[1:3], y_slice) for the user's y[1:3] = y[1:3]): order three
# refused it as a read after the write ("'y_slice' (which may share memory with
# 'y') is used after 'y' is written in place here", fuzz seed 9104 program 93);
# the shape does not change, so such reads do not count
SELF_SLICE = '''
def f(x):
    y = np.sin(x) * 2.0
    y[y > 0.1] *= 0.5
    y[1:3] = y[1:3]
    return np.sum(y ** 3) + np.sum(x * y)
'''


def test_view_read_for_its_shape_after_a_write_at_order_three():
    check_three_orders(load_function(SELF_SLICE, "f"), X3, U3, V3)
