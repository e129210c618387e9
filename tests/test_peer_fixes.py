"""Wrong numbers and crashes found by running a peer library's published test
suite through srcdiff's public transforms (tools/peer_suite.py), each checked
here through grad, vjp and jvp and at order two (hvp, jvp(grad), hessian)
against central differences. No dependency on the peer library."""
import numpy as np

import srcdiff
from numeric import load_function, load_module, numeric_grad


def fd_hvp(f, x, v, eps=1e-5):
    """Central differences of srcdiff's gradient along v."""
    g = srcdiff.grad(f)
    return (np.asarray(g(x + eps * v)) - np.asarray(g(x - eps * v))) / (2 * eps)


def close(got, want, tol=1e-6):
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def check_orders(f, x, v, tol=1e-6):
    """grad and vjp against central differences of f; jvp against central
    differences along v; hvp, jvp(grad) and hessian against central differences
    of srcdiff's gradient."""
    want = numeric_grad(f, (x,), 0)
    close(srcdiff.grad(f)(x), want, tol)
    close(srcdiff.vjp(f, x)[1](1.0)[0], want, tol)
    close(srcdiff.jvp(f, (x,), (v,))[1], np.sum(want * v), tol)
    hv = fd_hvp(f, x, v)
    close(srcdiff.hvp(f)(x, v), hv, 10 * tol)
    close(srcdiff.jvp(srcdiff.grad(f), (x,), (v,))[1], hv, 10 * tol)
    close(np.reshape(srcdiff.hessian(f)(x), (x.size, x.size)) @ v.ravel(), hv.ravel(), 10 * tol)


# ----------------------------------------------------------------------------
# A function from another module reads a module constant bound to None
# (``axis=K`` with ``K = None``): inlined into the caller, the name was taken as
# bound in the caller's module (``dict.get`` of a missing name is None too), so
# the generated code raised NameError.
# ----------------------------------------------------------------------------

def test_other_modules_none_constant_is_bound():
    inner = load_module('''
K_axis = None
K_keep = False

def mean_all(x):
    return np.mean(np.sin(x) * x, axis=K_axis, keepdims=K_keep)
''')
    f = load_function('''
def f(x):
    y = mean_all(x)
    return np.sum(W * y) + np.sum(x ** 3)
''', mean_all=inner.mean_all, W=np.array(1.7))
    x = np.array([[0.3, -0.2, 0.7], [1.1, 0.4, -0.6]])
    check_orders(f, x, np.array([[1.0, -0.5, 0.25], [0.3, 0.2, -1.0]]))


# ----------------------------------------------------------------------------
# A list (or tuple) argument used directly as an array (``np.append(a, b)``,
# ``np.sin(a)``) got an ndarray cotangent; the README promises a gradient in the
# input's structure (as ``np.asarray(a)`` already gave).
# ----------------------------------------------------------------------------

def test_list_used_as_an_array_gets_a_list_cotangent():
    f = load_function("def f(a):\n    return np.sum(np.append(a, 4.0) ** 3) + np.sum(np.sin(a))\n")
    a = [1.0, 2.0, 3.0]
    want = 3 * np.array(a) ** 2 + np.cos(a)
    for got in (srcdiff.grad(f)(a), srcdiff.vjp(f, a)[1](1.0)[0]):
        assert isinstance(got, list) and len(got) == 3
        close(np.array(got, dtype=float), want)
    t = (1.0, 2.0, 3.0)
    g = srcdiff.grad(f)(t)
    assert isinstance(g, tuple)
    close(np.array(g, dtype=float), want)
    v = [1.0, -0.5, 0.25]
    hv = 6 * np.array(a) * v - np.sin(a) * v
    close(np.array(srcdiff.hvp(f)(a, np.array(v)), dtype=float), hv)
    close(np.array(srcdiff.jvp(srcdiff.grad(f), (a,), (np.array(v),))[1], dtype=float), hv)


def test_nested_list_used_as_an_array_keeps_its_nesting():
    f = load_function("def f(a, b):\n    return np.sum(np.append(a, b) ** 2)\n")
    a = [[1.0, 2.0], [3.0, 4.0]]
    ga, gb = srcdiff.vjp(f, a, 0.5)[1](1.0)
    assert isinstance(ga, list) and all(isinstance(r, list) for r in ga)
    close(np.array(ga, dtype=float), 2 * np.array(a))
    close(gb, 1.0)


# ----------------------------------------------------------------------------
# An array passed where a sequence is expected (``np.vstack(x)`` stacks x's rows):
# the rule's cotangent is a list of row cotangents, which came back as a list for
# the array argument. It is an array of x's shape and kind.
# ----------------------------------------------------------------------------

def test_stacking_an_arrays_rows_gives_an_array_cotangent():
    for call in ("np.vstack(x)", "np.hstack(x)", "np.column_stack(x)", "np.stack(x, axis=-1)"):
        f = load_function(f"def f(x):\n    return np.sum(np.sin({call}) * W)\n", W=1.3)
        for x in (np.array([0.4, -1.2]), np.array([[0.3, -0.2, 0.7], [1.1, 0.4, -0.6]])):
            g = srcdiff.grad(f)(x)
            assert isinstance(g, np.ndarray) and g.shape == x.shape and g.dtype.kind == "f", call
            out, pullback = srcdiff.vjp(f, x)
            assert isinstance(pullback(1.0)[0], np.ndarray), call
            check_orders(f, x, np.linspace(-1.0, 1.0, x.size).reshape(x.shape))


# ----------------------------------------------------------------------------
# np.matmul (a generalized ufunc) was taken as elementwise by the shape analysis:
# its result was given its operands' broadcast shape, so ``x @ y`` of two vectors
# shared x's shape and the reverse-over-reverse code broadcast a vector into a
# scalar (ValueError); np.dot was right.
# ----------------------------------------------------------------------------

def test_matmul_of_vectors_at_order_two():
    x = np.array([0.3, -0.2, 0.7])
    v = np.array([1.0, -0.5, 0.25])
    for body in ("np.sum(W * np.matmul(x, x))", "W * np.matmul(x, np.sin(x)) ** 2",
                 "np.sum(np.matmul(np.outer(x, x), x) * W)", "np.sum(np.vecdot(x, np.cos(x)) * W)"):
        f = load_function(f"def f(x):\n    return {body}\n", W=0.7)
        check_orders(f, x, v)


def test_matmul_of_two_vector_arguments_reverse_over_reverse():
    S = load_function("def S(x, y):\n    return np.sum(W * np.matmul(x, y) ** 2)\n", W=0.7)
    x, y = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0])
    c = np.array([0.3, -0.4, 0.9])
    g = srcdiff.grad(S, wrt=0)
    cx, cy = srcdiff.vjp(g, x, y)[1](c)
    # central differences of the gradient: d<c, g(x, y)>/dx and /dy
    want_x = numeric_grad(lambda x_: float(np.dot(c, g(x_, y))), (x,), 0)
    want_y = numeric_grad(lambda y_: float(np.dot(c, g(x, y_))), (y,), 0)
    close(cx, want_x, 1e-5)
    close(cy, want_y, 1e-5)
    close(srcdiff.jvp(g, (x, y), (c, c))[1],
          (g(x + 1e-6 * c, y + 1e-6 * c) - g(x - 1e-6 * c, y - 1e-6 * c)) / 2e-6, 1e-5)


# ----------------------------------------------------------------------------
# A refusal inside a function inlined from another file named the outer
# function's file with the callee's line number (a line of the wrong file).
# ----------------------------------------------------------------------------

def test_refusal_in_an_inlined_callee_names_the_callees_file_and_line():
    import pytest
    inner = load_module('''

def inner(d):
    total = 0.0
    for k in d.items():
        total = total + np.sum(np.vectorize(np.sin)(k[1]))
    return total
''')
    f = load_function("def f(d):\n    return inner(d) * 2.0\n", inner=inner.inner)
    path = inner.__file__
    want = [i + 1 for i, ln in enumerate(open(path).read().splitlines()) if "vectorize(" in ln][0]
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.grad(f)({"a": np.ones(2)})
    assert (info.value.filename, info.value.lineno) == (path, want), str(info.value)


# ----------------------------------------------------------------------------
# dict(...) construction and sorted() of a dict's items or of values (issue 18;
# autograd's test_dict.py test_make_dict and test_items_values_keys were refused:
# "no derivative rule for builtins.dict / builtins.sorted").
# ----------------------------------------------------------------------------

DICTS = load_module('''
import operator as op


def f_dict_keywords(x, y):
    d = dict(a=x, b=y)
    return np.sum(d["a"] * np.sin(d["b"]))


def f_dict_zip(x, y):
    d = dict(zip(["a", "b"], [x, y]))
    e = dict(zip(["a"], [x * y]), b=y)
    return np.sum(d["a"] * np.sin(d["b"])) + np.sum(e["a"] * e["b"])


def f_dict_copy(x, y):
    d0 = {"a": x, "b": y}
    d = dict(d0)
    d["a"] = d["a"] * 2.0           # (the copy's slot: d0 keeps x)
    return np.sum(d["a"] * np.sin(d["b"])) + np.sum(d0["a"] ** 2)


ag_dict = dict


def f_dict_pairs(x, y):
    d = ag_dict([("a", x)], b=y)
    e = dict({"a": x}, b=y * 2.0)
    last = dict([("a", x), ("a", y)])     # (the last pair of a key is kept)
    return np.sum(d["a"] * np.sin(d["b"])) + np.sum(e["a"] * e["b"]) \\
        + np.sum(last["a"] ** 3) + len(dict())


def f_sorted_items(x, y):
    d = {"b": x, "a": y, "c": x * y}
    A = 0.0
    for i, (k, v) in enumerate(sorted(d.items(), key=op.itemgetter(0))):
        A = A + np.sum(np.sin(v)) * (i + 1.0)
    for i, (k, v) in enumerate(sorted(d.items())):
        A = A + np.sum(v ** 2) * (i + 1.0)
    for i, k in enumerate(sorted(d.keys(), reverse=True)):
        A = A + np.sum(np.cos(d[k])) * i
    return A


def f_sorted_values(x, y):
    s = sorted([np.sum(x), np.sum(y * y), 0.5], reverse=True)
    t = sorted([(np.sum(x), 1.0), (np.sum(y), 2.0)], key=lambda p: p[1])
    return s[0] * 2.0 + s[1] * 3.0 + t[0][0] * t[1][0]


def g_dict_argument(d):
    A = 0.0
    for i, (k, v) in enumerate(sorted(d.items(), key=op.itemgetter(0))):
        A = A + np.sum(np.sin(v)) * (i + 1.0)
    for k in sorted(d.keys()):
        A = A + np.sum(np.cos(d[k]))
    return A
''')


def test_dict_construction_and_sorted_items_at_orders_one_and_two():
    import pytest
    from numeric import gradient_fd
    x, y, v = np.array([0.3, -0.2, 0.7]), np.array([0.5, 1.5, -0.4]), np.array([1.0, -0.5, 0.25])
    for name in ("f_dict_keywords", "f_dict_zip", "f_dict_copy", "f_dict_pairs",
                 "f_sorted_items", "f_sorted_values"):
        f = getattr(DICTS, name)
        g = srcdiff.grad(f, wrt=(0, 1))(x, y)
        for i in (0, 1):
            close(g[i], numeric_grad(f, (x, y), i))
            close(srcdiff.hvp(f, wrt=i)(x, y, v), gradient_fd(f, (x, y), i, v), 1e-5)
        try:
            close(srcdiff.jacobian(srcdiff.grad(f))(x, y) @ v, gradient_fd(f, (x, y), 0, v), 1e-5)
        except srcdiff.SrcdiffError as e:
            # reverse over reverse of the loops over sorted(d.keys()) is refused by the
            # check that generated code keeps no array it changes later (reverse.py);
            # a refusal, never a wrong number (hvp above is forward over reverse)
            assert name == "f_sorted_items" and "cannot differentiate this generated code" \
                in str(e), str(e)
        close(srcdiff.jvp(f, (x, y), (v, v))[1],
              numeric_grad(f, (x, y), 0) @ v + numeric_grad(f, (x, y), 1) @ v)
    # a dict argument: its cotangent is a dict; forward mode along a dict tangent
    d = {"b": x, "a": y[:2], "c": np.array([0.9])}
    f = DICTS.g_dict_argument
    gd = srcdiff.grad(f)(d)
    tangent = {k: np.ones_like(val) for k, val in d.items()}
    want = 0.0
    for k in d:
        num = numeric_grad(lambda val: f({**d, k: val}), (d[k],), 0)
        close(gd[k], num)
        want += np.sum(num)
    assert srcdiff.jvp(f, (d,), (tangent,))[1] == pytest.approx(want, rel=1e-6)


# ----------------------------------------------------------------------------
# np.gradient at order two (autograd's test_numpy.py / test_systematic.py
# test_gradient were refused: "no rule for second derivatives of np.gradient").
# It is linear in f; in a scalar spacing h it scales as 1 / h. Checked in f and
# in the spacings, along one axis, several and all, with edge_order 1 and 2,
# through hvp, jvp(grad), vjp(grad), hessian and, for the forward rule's own
# rules, the jvp and vjp of srcdiff's generated jvp function.
# ----------------------------------------------------------------------------

GRADIENTS = load_module('''
def whole(x, h1, h2):
    return np.sum(np.sin(np.gradient(x * x, h1, axis=AX, edge_order=EO)) * h2)


def parts(x, h1, h2):
    p = np.gradient(x * x, h1, h2, edge_order=2)
    return np.sum(np.sin(p[0]) * 1.3) + np.sum(p[-1] ** 3)


def no_spacing(x, h1, h2):
    p = np.gradient(np.cos(x) * x, axis=(0, -1))
    return np.sum(np.sin(p[0]) * h1) + np.sum(p[-1] ** 3) * h2
''', AX=None, EO=1)


def _fd_along(g, args, tangents, eps=1e-5):
    plus = g(*[a + eps * t for a, t in zip(args, tangents)])
    minus = g(*[a - eps * t for a, t in zip(args, tangents)])
    return [(np.asarray(p) - np.asarray(m)) / (2 * eps) for p, m in zip(plus, minus)]


def test_np_gradient_at_order_two():
    rng = np.random.RandomState(3)
    cases = [("whole", (7,), None, 1), ("whole", (7,), None, 2), ("whole", (5, 4), 1, 2),
             ("parts", (4, 5), None, 2), ("no_spacing", (3, 4, 5), None, 1)]
    for name, shape, axis, edge_order in cases:
        GRADIENTS.AX, GRADIENTS.EO = axis, edge_order
        f = getattr(GRADIENTS, name)
        args = [rng.randn(*shape), 0.7, 1.3]
        tangents = [rng.randn(*shape), 0.2, -0.4]
        g = srcdiff.grad(f, wrt=(0, 1, 2))
        want = _fd_along(g, args, tangents)
        scale = max(float(np.max(np.abs(w))) for w in want)
        got = srcdiff.hvp(f, wrt=(0, 1, 2))(*args, tuple(tangents))
        for a, w in zip(got, want):
            close(np.asarray(a) / scale, w / scale, 1e-6)
        for a, w in zip(srcdiff.jvp(g, tuple(args), tuple(tangents))[1], want):
            close(np.asarray(a) / scale, w / scale, 1e-6)
        c = (rng.randn(*shape), 0.9, -0.3)
        cts = srcdiff.vjp(g, *args)[1](c)
        lhs = sum(np.sum(ct * t) for ct, t in zip(cts, tangents))
        rhs = sum(np.sum(ci * w) for ci, w in zip(c, want))
        assert abs(lhs - rhs) <= 1e-6 * max(1.0, abs(rhs)), (name, lhs, rhs)
        g0 = srcdiff.grad(f)
        H = srcdiff.hessian(f)(*args)
        close(np.tensordot(H, tangents[0], axes=len(shape)) / scale,
              _fd_along(lambda x: (g0(x, *args[1:]),), args[:1], tangents[:1])[0] / scale, 1e-6)
        # the forward rule's rules: jvp and vjp of the generated jvp function
        J = srcdiff.jvp_source(f, wrt=(0, 1, 2))
        w = [rng.randn(*shape), 0.5, 0.25]
        num = _fd_along(lambda *a: (J(*a, *tangents)[1],), args, w)[0]
        got = srcdiff.jvp(J, tuple(args) + tuple(tangents),
                          tuple(w) + (0 * tangents[0], 0.0, 0.0))[1][1]
        assert abs(got - num) <= 1e-6 * max(1.0, abs(num)), (name, got, num)
        cts = srcdiff.vjp(J, *args, *tangents)[1]((0.0, 1.0))
        got = sum(np.sum(ct * t) for ct, t in zip(cts[:3], w))
        assert abs(got - num) <= 1e-6 * max(1.0, abs(num)), (name, got, num)


# ----------------------------------------------------------------------------
# np.cross with axis arguments and np.linalg.cross at order two (autograd's
# test_systematic.py test_cross was refused: "no rule for second derivatives of
# np.cross with axis arguments"). The reverse rule moves the vector axes last
# and is again one of np.cross, np.moveaxis and unbroadcast.
# ----------------------------------------------------------------------------

def test_cross_with_axis_arguments_at_order_two():
    rng = np.random.RandomState(4)
    calls = ["np.cross(a, b, axisa=AA, axisb=AB, axisc=AC)", "np.cross(a, b, axis=AX)",
             "np.linalg.cross(a, b, axis=AX)"]
    for call in calls:
        f = load_function(f"def f(a, b):\n    return np.sum(np.sin({call}) * W)\n", W=None,
                          AA=-1, AB=-1, AC=-1, AX=-1)
        combos = ([(aa, ab, ac, None) for aa in (-1, 0, 1) for ab in (-1, 0, 1) for ac in (-1, 0, 1)]
                  if "axisa" in call else [(-1, -1, -1, ax) for ax in (-1, 0, 1)])
        for aa, ab, ac, ax in combos:
            f.__globals__.update(AA=aa, AB=ab, AC=ac, AX=ax)
            a, b = rng.randn(3, 3), rng.randn(3, 3)
            f.__globals__["W"] = rng.randn(*np.shape(eval(call, {"np": np, "a": a, "b": b,
                                                                  "AA": aa, "AB": ab, "AC": ac,
                                                                  "AX": ax})))
            u, w = (rng.randn(3, 3), rng.randn(3, 3)), (rng.randn(3, 3), rng.randn(3, 3))
            g = srcdiff.grad(f, wrt=(0, 1))
            assert all(np.allclose(gi, numeric_grad(f, (a, b), i), atol=1e-6) for i, gi in
                       enumerate(g(a, b))), (call, aa, ab, ac, ax)
            want = _fd_along(g, (a, b), u)
            for got in (srcdiff.hvp(f, wrt=(0, 1))(a, b, u), srcdiff.jvp(g, (a, b), u)[1]):
                for x, y in zip(got, want):
                    close(x, y, 1e-6)
            cts = srcdiff.vjp(g, a, b)[1](w)
            lhs = sum(np.sum(c * t) for c, t in zip(cts, u))
            rhs = sum(np.sum(c * t) for c, t in zip(w, want))
            assert abs(lhs - rhs) < 1e-6 * max(1.0, abs(rhs)), (call, aa, ab, ac, ax)
            H = srcdiff.hessian(f, wrt=0)(a, b)
            close(np.tensordot(H, u[0], axes=2), _fd_along(
                lambda x: (srcdiff.grad(f)(x, b),), (a,), u[:1])[0], 1e-6)


# ----------------------------------------------------------------------------
# scipy.stats.multivariate_normal with allow_singular=True and a singular cov
# (autograd's test_scipy.py test_mvn_sing_cov was refused: "no rule for the
# derivative of scipy.stats.multivariate_normal with allow_singular=True"):
# w.r.t. x and mean for points on the support (SciPy's pseudo-inverse), at
# orders one and two; w.r.t. the singular cov refused. A regular cov with
# allow_singular=True is differentiated in all three.
# ----------------------------------------------------------------------------

MVN = load_module('''
import scipy.stats


def on_support(x, mean):
    y = np.concatenate([x[:2], mean[2:]])      # (moved along the support only)
    return (scipy.stats.multivariate_normal.pdf(y, mean, C, allow_singular=True)
            + scipy.stats.multivariate_normal.logpdf(y, mean, C, allow_singular=True) ** 2)


def in_cov(x, c):
    return scipy.stats.multivariate_normal.logpdf(x, M, c, allow_singular=True)
''', C=np.array([[1.0, 0.3, 0.0, 0.0], [0.3, 1.0, 0.0, 0.0], [0.0] * 4, [0.0] * 4]),
    M=np.zeros(4))


def test_multivariate_normal_with_a_singular_cov():
    import pytest
    rng = np.random.RandomState(5)
    x = np.concatenate([rng.randn(2), np.zeros(2)])
    m = np.concatenate([rng.randn(2), np.zeros(2)])
    f = MVN.on_support
    g = srcdiff.grad(f, wrt=(0, 1))
    for i, gi in enumerate(g(x, m)):
        close(gi, numeric_grad(f, (x, m), i), 1e-5)
    u = (rng.randn(4), rng.randn(4))
    want = _fd_along(g, (x, m), u)
    for got in (srcdiff.hvp(f, wrt=(0, 1))(x, m, u), srcdiff.jvp(g, (x, m), u)[1]):
        for a, b in zip(got, want):
            close(a, b, 1e-5)
    w = (rng.randn(4), rng.randn(4))
    cts = srcdiff.vjp(g, x, m)[1](w)
    assert np.isclose(sum(np.dot(c, t) for c, t in zip(cts, u)),
                      sum(np.dot(c, t) for c, t in zip(w, want)), rtol=1e-5)
    # w.r.t. the singular cov: refused, naming the user's line
    for call in (lambda: srcdiff.grad(MVN.in_cov, wrt=1)(x, MVN.C),
                 lambda: srcdiff.jvp(MVN.in_cov, (x, MVN.C), (x, MVN.C))):
        with pytest.raises(srcdiff.SrcdiffError, match="singular cov") as info:
            call()
        assert info.value.filename == MVN.__file__
    # a regular cov with allow_singular=True: every argument
    c = MVN.C + 0.5 * np.eye(4)
    close(srcdiff.grad(MVN.in_cov, wrt=0)(x, c), numeric_grad(MVN.in_cov, (x, c), 0))
    gc = srcdiff.grad(MVN.in_cov, wrt=1)(x, c)
    dc = np.diag([0.2, -0.1, 0.3, 0.4])
    num = (MVN.in_cov(x, c + 1e-6 * dc) - MVN.in_cov(x, c - 1e-6 * dc)) / 2e-6
    assert np.isclose(np.sum(gc * dc), num, rtol=1e-6)


# ----------------------------------------------------------------------------
# np.linalg.norm(x, 'nuc') at order two, real and complex (autograd's
# test_linalg.py test_norm_nuclear_complex / _axis_complex were refused: "no rule
# for second derivatives of np.linalg.norm(ord='nuc')"). Its weights are the
# polar factor U V^H, smooth where x has full rank (also at repeated singular
# values); a matrix that is not of full rank is refused.
# ----------------------------------------------------------------------------

def test_nuclear_norm_at_order_two():
    import pytest
    rng = np.random.RandomState(6)
    cases = [((3, 3), None, False), ((4, 2), None, False), ((2, 4), None, True),
             ((4, 3), None, True), ((3, 3), None, True), ((2, 3, 4), (0, 2), False),
             ((3, 2, 4), (2, 1), True)]
    for shape, axis, cplx in cases:
        def draw():
            return rng.randn(*shape) + (1j * rng.randn(*shape) if cplx else 0.0)
        x, u, c = draw(), draw(), draw()
        w = rng.randn(*np.shape(np.linalg.norm(x, "nuc", axis=axis))) if axis else 1.3
        f = load_function("def f(x):\n    return np.sum(np.linalg.norm(x, 'nuc', axis=AX) * W)"
                          " + np.sum(np.real(x * np.conj(x))) * 0.1\n", AX=axis, W=w)
        g = srcdiff.grad(f)
        want = (g(x + 1e-6 * u) - g(x - 1e-6 * u)) / 2e-6
        for got in (srcdiff.hvp(f)(x, u), srcdiff.jvp(g, (x,), (u,))[1]):
            close(got, want, 1e-6)
        ct = srcdiff.vjp(g, x)[1](c)[0]        # (pairs as Re(sum(c * t)))
        assert np.isclose(np.real(np.sum(ct * u)), np.real(np.sum(c * want)), rtol=1e-6)
        if not cplx and axis is None:
            H = srcdiff.hessian(f)(x)
            close(np.tensordot(H, u, axes=2), want, 1e-6)
    f = load_function("def f(x):\n    return np.linalg.norm(x, 'nuc')\n")
    x = np.diag([2.0, 2.0, 1.0])            # repeated singular values: smooth
    u = np.cos(np.arange(9.0)).reshape(3, 3)
    g = srcdiff.grad(f)
    close(srcdiff.hvp(f)(x, u), (g(x + 1e-6 * u) - g(x - 1e-6 * u)) / 2e-6, 1e-6)
    with pytest.raises(srcdiff.SrcdiffError, match="not of full rank"):
        x = np.ones((4, 1)) * np.array([[1.0, 2.0, 3.0]])
        srcdiff.hvp(f)(x, np.ones_like(x))
