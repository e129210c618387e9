"""Forward mode (jvp) by source transformation: every construct against
central differences, and jvp/vjp agreement (<u, J v> computed both ways)."""
import numpy as np
import pytest

import srcdiff
from srcdiff.api.forward_mode import jvp, jvp_source, jacobian
from numeric import load_function

X3 = np.array([0.3, -0.7, 1.1])
W3 = np.array([0.9, 1.2, -0.4])
M23 = np.array([[0.5, -0.2, 0.8], [1.1, 0.3, -0.6]])


def numeric_jvp(f, args, tangents, eps=1e-6):
    plus = [a + eps * t if t is not None else a for a, t in zip(args, tangents)]
    minus = [a - eps * t if t is not None else a for a, t in zip(args, tangents)]
    fp, fm = f(*plus), f(*minus)
    if isinstance(fp, tuple):
        return tuple((np.asarray(p) - np.asarray(m)) / (2 * eps) for p, m in zip(fp, fm))
    return (np.asarray(fp) - np.asarray(fm)) / (2 * eps)


def random_like(x, rng):
    if isinstance(x, float):
        return float(rng.normal())
    return rng.normal(size=np.shape(x))


def check_jvp(f, args, rng, diff=None, rtol=1e-5, atol=1e-7):
    diff = range(len(args)) if diff is None else diff
    tangents = tuple(random_like(a, rng) if i in diff else None for i, a in enumerate(args))
    out, dout = jvp(f, args, tangents)
    want_out = f(*args)
    want = numeric_jvp(f, args, tangents)
    if isinstance(want_out, tuple):
        for o, w in zip(out, want_out):
            np.testing.assert_allclose(o, w, rtol=1e-12, atol=1e-12)
        for d, w, o in zip(dout, want, out):
            assert np.shape(d) == np.shape(o)
            np.testing.assert_allclose(d, w, rtol=rtol, atol=atol)
    else:
        np.testing.assert_allclose(out, want_out, rtol=1e-12, atol=1e-12)
        assert np.shape(dout) == np.shape(want_out), (np.shape(dout), np.shape(want_out))
        np.testing.assert_allclose(dout, want, rtol=rtol, atol=atol)
    return out, dout


# (source, args, differentiated positions)
PROGRAMS = {
    "straight_line": ("""
        def f(x, y):
            a = np.sin(x) * y
            b = np.exp(a / 3.0) - np.tanh(y) ** 2
            return np.sum(np.log1p(b * b) + a)
    """, (X3, W3), (0, 1)),
    "broadcast_binary": ("""
        def f(m, v, s):
            a = m * v + s
            b = (m - v) / (2.0 + s * s)
            c = v ** 2 - m ** s
            return a + b * c
    """, (np.abs(M23) + 0.5, np.abs(X3) + 0.5, 0.7), (0, 1, 2)),
    "vector_output": ("""
        def f(x, w):
            return np.tanh(M @ x) * np.sum(w * x)
    """, (X3, W3), (0, 1)),
    "branches": ("""
        def f(x):
            s = np.sum(x)
            if s > 1.0:
                y = x * 2.0
            elif s > 0.0:
                y = np.sin(x)
            else:
                y = x ** 3
            z = y if y[0] > 0 else -y
            return z * x
    """, (X3,), (0,)),
    "for_with_overwrites": ("""
        def f(x, w):
            h = x
            for i in range(4):
                h = np.tanh(w * h + 0.1 * i)
                h = h * 1.5
            return h
    """, (X3, W3), (0, 1)),
    "while_value_dependent": ("""
        def f(x):
            s = 0.0 * x
            k = 0
            while np.sum(s) < 3.0 and k < 50:
                s = s + np.exp(x) * 0.3
                k += 1
            return s * x
    """, (X3,), (0,)),
    "break_continue": ("""
        def f(x):
            acc = x * 0.0
            for i in range(10):
                if i % 3 == 1:
                    continue
                acc = acc + np.sin(x * i)
                if i > 6:
                    break
            else:
                acc = acc * 100.0
            return acc
    """, (X3,), (0,)),
    "subscript_reads_writes": ("""
        def f(x):
            y = np.zeros(5)
            y[1:4] = x * 2.0
            y[0] = x[2] ** 2
            y[-1] = np.sum(x[::2])
            y[2] *= x[0]
            return y * y[1]
    """, (X3,), (0,)),
    "buffer_in_loop": ("""
        def f(x):
            y = np.zeros(x.shape)
            y[0] = x[0]
            for i in range(1, x.shape[0]):
                y[i] = y[i - 1] * x[i] + np.sin(x[i])
            return y
    """, (X3,), (0,)),
    "write_into_input_copy": ("""
        def f(x):
            x = x * 1.0
            for i in range(x.shape[0]):
                x[i] = x[i] ** 2
            return x
    """, (X3,), (0,)),
    "tuple_packing": ("""
        def f(x, y):
            p = (x * 2.0, y)
            a, b = p
            q = [a, b * a]
            return q[1] - q[0], np.sum(b)
    """, (X3, W3), (0, 1)),
    "list_stack": ("""
        def f(x):
            s = []
            h = x
            for i in range(3):
                s.append(h)
                h = np.sin(h) * 2.0
            total = h
            while len(s) > 0:
                total = total + s.pop() * 0.5
            return total
    """, (X3,), (0,)),
    # the popped value is unused: the tangent list must be popped as well
    "list_pop_value_unused": ("""
        def f(x, y):
            zs = [np.tanh(y), x * 2.0]
            if np.mean(y) > -100.0:
                unused = zs.pop()
            kept = zs[-1].copy()
            return np.sum(kept ** 2)
    """, (X3, W3), (0, 1)),
    "methods_and_attributes": ("""
        def f(m):
            a = m.T @ m
            b = a.sum(axis=0) + m.mean()
            return b.reshape(3, 1) * m.shape[0]
    """, (M23,), (0,)),
    "user_function_call": ("""
        def cell(h, x, scale=2.0):
            return np.tanh(h * scale + x)

        def f(x):
            h = x * 0.0
            for i in range(3):
                h = cell(h, x)
            return h
    """, (X3,), (0,)),
    "scalar_floats": ("""
        def f(a, b):
            c = a * b + np.sin(a)
            return c ** 2 / b
    """, (0.7, 1.3), (0, 1)),
    "partial_wrt": ("""
        def f(x, n, w):
            y = x
            for i in range(n):
                y = y * w
            return y
    """, (X3, 3, W3), (0,)),
}


@pytest.fixture(params=sorted(PROGRAMS))
def program(request):
    src, args, diff = PROGRAMS[request.param]
    f = load_function(src, "f", M=np.eye(3) + 0.1)
    return request.param, f, args, diff


def test_jvp_against_central_differences(program, rng):
    name, f, args, diff = program
    check_jvp(f, args, rng, diff)


def test_jvp_agrees_with_vjp(program, rng):
    name, f, args, diff = program
    tangents = tuple(random_like(a, rng) if i in diff else None for i, a in enumerate(args))
    out, dout = jvp(f, args, tangents)
    outs = out if isinstance(out, tuple) else (out,)
    douts = dout if isinstance(dout, tuple) else (dout,)
    us = tuple(random_like(np.asarray(o) if np.ndim(o) else float(o), rng) for o in outs)
    u = us if isinstance(out, tuple) else us[0]
    _, f_vjp = srcdiff.vjp(f, *args, wrt=tuple(diff))
    cts = f_vjp(u)
    lhs = sum(float(np.sum(np.asarray(a) * np.asarray(b))) for a, b in zip(us, douts))
    rhs = sum(float(np.sum(np.asarray(c) * np.asarray(tangents[i])))
              for c, i in zip(cts, diff))
    np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-10)


def test_forward_source_is_readable_and_standalone():
    f = load_function("""
        def f(x, y):
            z = np.sin(x) * y
            return np.sum(z)
    """)
    text = srcdiff.source(jvp_source(f, wrt=("x", "y")))
    assert "def f_jvp(x, y, dx, dy):" in text
    assert "dz = " in text and "np.cos(x)" in text
    assert "# z = np.sin(x) * y" in text
    ns = {}
    exec(text, ns)
    out, dout = ns["f_jvp"](X3, W3, np.ones(3), np.zeros(3))
    np.testing.assert_allclose(dout, np.sum(np.cos(X3) * W3))


def test_inactive_tangents_are_dropped():
    f = load_function("""
        def f(x, y):
            z = x * y
            return np.sin(z) + y
    """)
    text = srcdiff.source(jvp_source(f, wrt="x"))
    assert "dy" not in text           # y is held fixed: no tangent, no zero terms
    assert "zeros_like" not in text


def test_integer_primal_and_none_tangent(rng):
    f = load_function("""
        def f(x, n):
            return x * n
    """)
    out, dout = jvp(f, (X3, 3), (np.ones(3), None))
    np.testing.assert_allclose(dout, 3 * np.ones(3))


def test_output_tangent_has_output_shape():
    f = load_function("""
        def f(x, m):
            return x + m
    """)
    out, dout = jvp(f, (0.5, M23), (1.0, None))
    assert np.shape(dout) == M23.shape
    np.testing.assert_allclose(dout, np.ones_like(M23))


def test_input_tangent_is_not_modified():
    f = load_function("""
        def f(x):
            y = x.copy()
            for i in range(3):
                y[i] = y[i] * 2.0
            return y
    """)
    t = np.ones(3)
    x = X3.copy()
    jvp(f, (x, ), (t,))
    np.testing.assert_array_equal(t, np.ones(3))


def test_unknown_operation_is_refused():
    f = load_function("""
        def f(x):
            return np.sum(np.vectorize(np.sin)(x))
    """)
    with pytest.raises(srcdiff.SrcdiffError) as e:
        jvp(f, (X3,), (np.ones(3),))
    assert "no forward-mode derivative" in str(e.value)


def test_mutating_method_with_an_unused_result_is_refused():
    f = load_function("""
        def f(x):
            zs = [np.sin(x), x * 2.0, x * 3.0]
            first = zs.pop(0)
            return np.sum(zs[0] * zs[1])
    """)
    with pytest.raises(srcdiff.SrcdiffError) as e:
        jvp(f, (X3,), (np.ones(3),))
    assert ".pop()" in str(e.value) and ".py:6:" in str(e.value)   # (load_function adds 2 lines)


@pytest.mark.parametrize("shapes", [((3,), (2,)), ((2,), (4, 3)), ((4,), ())], ids=str)
def test_jacobian_forward_and_reverse(shapes, rng):
    n, m = shapes
    f = load_function("""
        def f(x, a):
            return np.tanh(a * np.sum(x ** 2)) + np.sum(np.sin(x))
    """)
    x = rng.normal(size=n)
    a = rng.normal(size=m) if m else 0.7
    J = jacobian(f)(x, a)
    out = f(x, a)
    assert J.shape == np.shape(out) + x.shape
    eps = 1e-6
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = eps
        col = (f(x + e.reshape(x.shape), a) - f(x - e.reshape(x.shape), a)) / (2 * eps)
        np.testing.assert_allclose(J[..., j], col, rtol=1e-6, atol=1e-8)


def test_jacobian_decorator_and_wrt_tuple(rng):
    @jacobian(wrt=(0, 1))
    def jf(x, y):
        return x * y[0] + np.sin(y)

    x, y = rng.normal(size=2), rng.normal(size=2)
    jx, jy = jf(x, y)
    np.testing.assert_allclose(jx, np.eye(2) * y[0])
    want = np.diag(np.cos(y))
    want[:, 0] += x
    np.testing.assert_allclose(jy, want)


def test_cli_forward_mode(tmp_path, capsys):
    from srcdiff.__main__ import main
    path = tmp_path / "m.py"
    path.write_text("import numpy as np\n\ndef f(x):\n    return np.sum(np.exp(x) * x)\n")
    import srcdiff as sd
    if not hasattr(sd, "jvp_source"):
        sd.jvp_source = jvp_source      # until srcdiff/__init__ exports it
    assert main([f"{path}::f", "--mode", "forward"]) == 0
    text = capsys.readouterr().out
    assert "def f_jvp(x, dx):" in text


def test_user_call_on_constants_has_no_tangent():
    f = load_function("""
        def h(a, scale=0.28):
            return np.tanh(a) * scale

        def f(x):
            c = h(0.5 * np.ones(3), scale=0.54)
            d = np.sum(x) if x[0] > 5.0 else h(np.ones(3))
            return np.sin(x) * c + d
    """, "f")
    x, v = np.array([0.1, 0.2, 0.3]), np.array([1.0, -2.0, 0.5])
    out, dout = jvp(f, (x,), (v,))
    c = np.tanh(0.5) * 0.54
    np.testing.assert_allclose(dout, np.cos(x) * c * v)     # (x[0] <= 5: d is constant)
    np.testing.assert_allclose(out, f(x))
