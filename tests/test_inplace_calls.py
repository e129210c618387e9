"""Calls that write into an array in place (``out=``, ``np.copyto``, a ufunc's
``.at``, ``np.put``, shuffles, a helper filling its argument): the array's old
values are read by differentiated code before the call overwrites them.

These gave silently wrong gradients: the analyses of in-place writes saw
item stores (``y[i] = v``) and methods (``y.fill(v)``) but not a call writing
its argument, so a value read from the buffer before the write was taken as
unchanged (not saved per iteration, not restored in the adjoint sweep).
Every case goes through grad, vjp and jvp at order one and hvp,
jvp(grad) and jacobian(grad) at order two, against central differences."""
import numpy as np
import pytest

from numeric import load_function
from test_loops_closures import check, SECOND

X = np.array([0.7, 0.3])

# name: (source, args)
CASES = {
    "out_keyword_in_a_loop": """
        def f(x, n):
            buf = np.zeros(2); s = x
            for i in range(n):
                s = s * (1.0 + buf)
                np.multiply(np.cos(i) * np.ones(2), 0.1 * (i + 1), out=buf)
            return np.sum(s)
    """,
    "out_keyword_result_used": """
        def f(x, n):
            buf = np.zeros(2); s = x
            for i in range(n):
                s = s * (1.0 + buf)
                y = np.add(buf, 0.1, out=buf)
                s = s + 0.5 * y
            return np.sum(s)
    """,
    "out_keyword_straight_line": """
        def f(x, n):
            buf = np.full(2, 0.2)
            s = x * (1.0 + buf)
            t = s * buf
            np.multiply(np.ones(2), 0.5, out=buf)
            return np.sum(s * t * (1 + buf))
    """,
    "out_keyword_with_a_differentiated_value": """
        def f(x, n):
            buf = np.zeros(2)
            np.multiply(x, x, out=buf)
            return np.sum(buf * x)
    """,
    "copyto": """
        def f(x, n):
            buf = np.zeros(2); s = x
            for i in range(n):
                s = s * (1.0 + buf)
                np.copyto(buf, np.cos(i) * 0.1 * np.ones(2))
            return np.sum(s)
    """,
    "copyto_where": """
        def f(x, n):
            buf = np.zeros(2); s = x
            for i in range(n):
                s = s * (1.0 + buf)
                np.copyto(buf, 0.1 * np.cos(i) * np.ones(2), where=np.array([True, False]))
            return np.sum(s)
    """,
    "ufunc_at": """
        def f(x, n):
            buf = np.zeros(2); s = x
            for i in range(n):
                s = s * (1.0 + buf)
                np.add.at(buf, [0, 0], 0.1 * np.cos(i))
            return np.sum(s)
    """,
    "put": """
        def f(x, n):
            buf = np.zeros(2); s = x
            for i in range(n):
                s = np.sin(s) * (1.0 + buf)
                np.put(buf, [1], 0.1 * np.cos(i))
            return np.sum(s)
    """,
    "generator_shuffle": """
        def f(x, n):
            rng = np.random.default_rng(0)
            buf = np.array([0.1, 0.2, 0.3]); s = x
            for i in range(n):
                s = s * (1.0 + buf[:2])
                rng.shuffle(buf)
            return np.sum(s)
    """,
    "module_helper_fills_its_argument": """
        def fill(b, i):
            b[:] = 0.1 * np.cos(i)

        def f(x, n):
            buf = np.zeros(2); s = x
            for i in range(n):
                s = s * (1.0 + buf)
                fill(buf, i)
            return np.sum(s)
    """,
    "module_helper_adds_into_its_argument": """
        def bump(b, i):
            b[...] = b + 0.1 * np.cos(i)

        def f(x, n):
            buf = np.zeros(2)
            s = x * (1.0 + buf)
            t = np.tanh(s * buf)
            bump(buf, 3)
            return np.sum(s * t + buf * s)
    """,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_call_writing_a_buffer(name):
    f = load_function(CASES[name], name="f")
    check(f, (X.copy(), 5), 0, SECOND)


def test_the_user_buffer_is_left_as_the_function_leaves_it():
    f = load_function(CASES["ufunc_at"], name="f")
    from srcdiff import grad
    x = X.copy()
    grad(f)(x, 4)
    np.testing.assert_array_equal(x, X)


# a helper's augmented assignment on a parameter bound to the caller's array writes
# into that array (Python's ``b += v`` is in place): differentiated as the item
# store ``b[...] = b + v``, so the caller reads the new values
AUGMENTED = {
    "add": """
        def bump(b, v):
            b += v

        def f(x, n):
            buf = np.ones(2)
            bump(buf, x * x)
            return np.sum(buf * x)
    """,
    "multiply_then_subtract": """
        def bump(b, v):
            b *= v
            b -= 0.5 * v

        def f(x, n):
            buf = np.full(2, 1.5)
            bump(buf, np.sin(x))
            return np.sum(buf * x)
    """,
    "item_store": """
        def bump(b, v):
            b[...] += v
            b[0] *= v[1]

        def f(x, n):
            buf = np.ones(2)
            bump(buf, x * x)
            return np.sum(buf * np.cos(x))
    """,
    "out_keyword": """
        def bump(b, v):
            np.add(b, v, out=b)

        def f(x, n):
            buf = np.ones(2)
            bump(buf, x * x)
            return np.sum(buf * x)
    """,
    "called_twice": """
        def bump(b, v):
            b += v

        def f(x, n):
            buf = np.zeros(2)
            s = np.sum(buf * x)
            bump(buf, x * x)
            t = np.sum(buf * np.sin(x))
            bump(buf, np.exp(x))
            return s + t + np.sum(buf * buf)
    """,
    "nested_helpers": """
        def inner(b, v):
            b += v

        def outer(b, v):
            inner(b, v * v)
            b *= v

        def f(x, n):
            buf = np.ones(2)
            outer(buf, x)
            return np.sum(buf * x)
    """,
    "in_a_loop_of_the_helper": """
        def bump(b, v, n):
            for i in range(n):
                b += v * (i + 1)

        def f(x, n):
            buf = np.ones(2)
            bump(buf, np.sin(x), n)
            return np.sum(buf * x)
    """,
    "result_returned_too": """
        def step(b, v):
            b += v
            return b * 2.0

        def f(x, n):
            buf = np.ones(2)
            c = step(buf, x * x)
            return np.sum(buf * x + c * c)
    """,
    "a_number_is_rebound": """
        def step(b, v):
            b += v
            return b

        def f(x, n):
            s = 0.5
            t = step(s, np.sum(x * x))
            return s * np.sum(x) + t * t
    """,
}


@pytest.mark.parametrize("name", sorted(AUGMENTED))
def test_helper_augmented_assignment_into_its_argument(name):
    f = load_function(AUGMENTED[name], name="f")
    check(f, (X.copy(), 3), 0, SECOND)


def test_helper_augmented_assignment_into_a_caller_parameter_is_refused():
    """The caller's own parameter may be an array or a number: ``b += v`` through
    it is refused where it happens, for an array whose old name is read later."""
    from srcdiff import grad, SrcdiffError
    f = load_function("""
        def bump(b, v):
            b += v

        def f(x, buf):
            bump(buf, x * x)
            return np.sum(buf * x)
    """, name="f")
    with pytest.raises(SrcdiffError, match=r"gen_\d+\.py:5: 'b' is changed in place"):
        grad(f)(X.copy(), np.ones(2))
    assert np.allclose(grad(f)(X.copy(), 1.0), 1.0)      # a number: not changed
