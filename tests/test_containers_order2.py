"""Containers at order two (issue 17, class 4): tuples, lists and dicts as inputs,
inside the function, returned by helpers, and the concatenate/split/stack
families, through hvp, hessian, jvp(grad(f)) and jacobian(grad(f)) (reverse over
reverse), each against central differences of srcdiff's gradient (itself
checked against central differences of f first).

The generated gradient handles cotangents of containers with runtime helpers
(add_at, replace_at, scatter_add, add_cotangents, split_like, ...); forward mode
differentiates those calls with their own rules, which must keep containers
containers (a ``+`` on two tuples joins them)."""
import numpy as np
import pytest

import srcdiff
from srcdiff import grad, hvp, hessian, jacobian, jvp, vjp
from numeric import load_function

EPS = 1e-6
X4 = np.array([0.7, -0.4, 1.3, 0.2])
V4 = np.array([0.3, 1.1, -0.6, 0.8])
M23 = np.array([[0.5, -0.2, 0.8], [1.1, 0.3, -0.6]])


# ---- values nested in tuples, lists and dicts, as flat vectors ---------------------

def leaves(x):
    if isinstance(x, (list, tuple)):
        return [leaf for e in x for leaf in leaves(e)]
    if isinstance(x, dict):
        return [leaf for k in x for leaf in leaves(x[k])]
    return [x]


def flat(x):
    return np.concatenate([np.ravel(np.asarray(leaf, dtype=float)) for leaf in leaves(x)])


def unflat(like, vec):
    """``like``'s structure filled from the vector ``vec`` (Python floats stay floats)."""
    pos = [0]

    def fill(x):
        if isinstance(x, (list, tuple)):
            return type(x)(fill(e) for e in x)
        if isinstance(x, dict):
            return {k: fill(v) for k, v in x.items()}
        n = int(np.size(x))
        part = vec[pos[0]:pos[0] + n]
        pos[0] += n
        return float(part[0]) if isinstance(x, float) else np.reshape(part, np.shape(x))
    return fill(like)


def same_structure(a, b):
    if isinstance(b, (list, tuple, dict)):
        assert type(a) is type(b), (type(a), type(b))
        assert len(a) == len(b)
        keys = b.keys() if isinstance(b, dict) else range(len(b))
        for k in keys:
            same_structure(a[k], b[k])
    else:
        assert np.shape(a) == np.shape(b), (np.shape(a), np.shape(b))


def matrix(nested, outer, inner):
    """A nested Jacobian (``outer``'s structure outside, ``inner``'s inside, blocks
    ``o.shape + x.shape``) as one matrix over the flat vectors."""
    rows = []

    def visit(node, like):
        if isinstance(like, (list, tuple, dict)):
            assert type(node) is type(like), (type(node), type(like))
            keys = like.keys() if isinstance(like, dict) else range(len(like))
            for k in keys:
                visit(node[k], like[k])
            return
        n = int(np.size(like))
        blocks = [np.reshape(b, (n, int(np.size(x)))) for b, x in zip(leaves(node), leaves(inner))]
        rows.append(np.concatenate(blocks, axis=1))
    visit(nested, outer)
    return np.concatenate(rows, axis=0)


def with_arg(args, i, value):
    args = list(args)
    args[i] = value
    return args


def numeric_hvp(f, args, i, v):
    """Central differences of srcdiff's gradient along ``v`` (flat)."""
    g = grad(f, wrt=i)
    x = args[i]
    step = unflat(x, flat(x) + EPS * flat(v)), unflat(x, flat(x) - EPS * flat(v))
    return (flat(g(*with_arg(args, i, step[0]))) - flat(g(*with_arg(args, i, step[1])))) / (2 * EPS)


def numeric_grad_flat(f, args, i):
    x = args[i]
    base = flat(x)
    out = np.zeros_like(base)
    for k in range(base.size):
        e = np.zeros_like(base)
        e[k] = EPS
        out[k] = (f(*with_arg(args, i, unflat(x, base + e)))
                  - f(*with_arg(args, i, unflat(x, base - e)))) / (2 * EPS)
    return out


# ---- the cases: (source, args, wrt position, direction v) -----------------------------

CASES = {
    # the issue's repro: a tuple packed and unpacked inside
    "tuple_pack_unpack": ("""
        def f(x):
            t = (x, x * 2)
            a, b = t
            return np.sum(a * b * b)
    """, (X4,), 0, V4),
    "tuple_indexed": ("""
        def f(x):
            t = (np.sin(x), x ** 2, x)
            return np.sum(t[0] * t[1] + t[2] * t[0])
    """, (X4,), 0, V4),
    "list_append": ("""
        def f(x):
            L = []
            L.append(x)
            L.append(np.sin(x))
            L.append(x * L[1])
            return np.sum(L[0] * L[1] * L[2])
    """, (X4,), 0, V4),
    "list_loop_of_appends": ("""
        def f(x):
            hs = [x]
            for k in range(3):
                hs.append(np.tanh(hs[-1] * x + 0.1 * k))
            total = 0.0
            for h in hs:
                total = total + np.sum(h * h)
            return total
    """, (X4,), 0, V4),
    "list_item_overwrite": ("""
        def f(x):
            L = [x, x * x, np.cos(x)]
            L[1] = L[1] * L[2]
            return np.sum(L[0] * L[1])
    """, (X4,), 0, V4),
    "dict_inside": ("""
        def f(x):
            d = {"a": x * x, "b": np.sin(x), "c": x}
            d["c"] = d["a"] * d["b"]
            return np.sum(d["c"] * x + d["a"])
    """, (X4,), 0, V4),
    "split": ("""
        def f(x):
            a, b = np.split(x, 2)
            return np.sum(a * b * a)
    """, (X4,), 0, V4),
    "split_indexed": ("""
        def f(x):
            parts = np.split(x, [1, 3])
            return np.sum(parts[0] ** 3) + np.sum(parts[1] * parts[2] ** 2 * parts[1])
    """, (X4,), 0, V4),
    "array_split_matrix": ("""
        def f(m):
            top, bottom = np.array_split(m, 2, axis=1)
            return np.sum(top ** 2) * np.sum(bottom * bottom ** 2)
    """, (M23,), 0, M23[::-1] * 0.7),
    "hsplit_vsplit": ("""
        def f(m):
            a, b = np.vsplit(m, 2)
            c, d, e = np.hsplit(m, 3)
            return np.sum(a * b * a) + np.sum(c * d * e ** 2)
    """, (M23,), 0, M23 * 0.3 + 0.1),
    "concatenate_tuple": ("""
        def f(x):
            y = np.concatenate((x, x ** 2))
            return np.sum(y ** 3)
    """, (X4,), 0, V4),
    "concatenate_list_axis1": ("""
        def f(m):
            y = np.concatenate([m, np.sin(m), m * m], axis=1)
            return np.sum(y ** 2 * np.cos(y))
    """, (M23,), 0, M23[::-1] * 0.5),
    "concatenate_axis_none": ("""
        def f(m, x):
            y = np.concatenate((m, x * x), axis=None)
            return np.sum(y ** 3) + np.sum(m) * np.sum(x)
    """, (M23, X4), 1, V4),
    "stack_list": ("""
        def f(x):
            s = np.stack([x, x ** 2, np.sin(x)])
            return np.sum(s ** 3)
    """, (X4,), 0, V4),
    "stack_axis1_then_unpack": ("""
        def f(x):
            s = np.stack((x, x * x), axis=1)
            a, b = s[:, 0], s[:, 1]
            return np.sum(a * b * s[:, 1])
    """, (X4,), 0, V4),
    "hstack_vstack": ("""
        def f(x):
            h = np.hstack((x, x * x))
            v = np.vstack([x, np.sin(x)])
            return np.sum(h ** 3) + np.sum(v * v * v[0])
    """, (X4,), 0, V4),
    "column_stack_dstack": ("""
        def f(x):
            c = np.column_stack((x, x ** 2))
            d = np.dstack((x, np.exp(x)))
            return np.sum(c ** 3) + np.sum(d * d)
    """, (X4,), 0, V4),
    "split_then_concatenate": ("""
        def f(x):
            a, b = np.split(x, 2)
            y = np.concatenate([b * a, a ** 2])
            return np.sum(y * y)
    """, (X4,), 0, V4),
    "helper_returns_pair": ("""
        def helper(x, b=1.0):
            return x * b, x ** 2

        def f(x):
            p, q = helper(x, b=3.0)
            return np.sum(p * q * p)
    """, (X4,), 0, V4),
    "helper_returns_list": ("""
        def parts(x):
            out = [x]
            out.append(np.sin(x) * x)
            return out

        def f(x):
            L = parts(x)
            return np.sum(L[0] * L[1] ** 2)
    """, (X4,), 0, V4),
    "helper_returns_dict": ("""
        def stats(x):
            return {"m": np.mean(x * x), "s": np.sum(np.sin(x))}

        def f(x):
            d = stats(x)
            return d["m"] * d["s"] + d["m"] ** 2
    """, (X4,), 0, V4),
    "helper_takes_tuple": ("""
        def combine(pair):
            a, b = pair
            return np.sum(a * b * b)

        def f(x):
            return combine((np.sin(x), x * x))
    """, (X4,), 0, V4),
    "tuple_input_floats": ("""
        def f(t):
            return .34 * t[0] * t[1] + .27 * t[1] * t[2]
    """, ((1.5, .3, .18),), 0, (.1, .2, .3)),
    "tuple_input_arrays": ("""
        def f(t):
            a, b = t
            return np.sum(np.sin(a) * b ** 2) + np.sum(a * a) * np.sum(b)
    """, ((X4, V4 * 0.5),), 0, (V4, X4)),
    "list_input": ("""
        def f(ws, x):
            h = x
            for w in ws:
                h = np.tanh(w * h)
            return np.sum(h ** 2)
    """, ([X4 * 0.5, V4, X4[::-1]], X4), 0, [V4, X4, V4 * 0.3]),
    "list_input_matmul_layers": ("""
        def f(Ws, x):
            for W in Ws:
                x = np.tanh(x @ W)
            return np.sum(x ** 2)
    """, ([M23.T * 0.5, M23 * 0.8], X4[:3]), 0, [M23.T[::-1] * 0.3, M23[::-1]]),
    "dict_input": ("""
        def f(d):
            return np.sum(d["a"] * d["b"] ** 2) + np.sum(np.sin(d["a"]))
    """, ({"a": X4[:2], "b": V4[:2]},), 0, {"a": np.array([1.0, 0.0]), "b": np.array([.3, .1])}),
    "dict_input_floats": ("""
        def f(p):
            return p["w"] ** 2 * p["b"] + np.sin(p["w"] * p["b"])
    """, ({"w": 0.7, "b": -1.2},), 0, {"w": 0.4, "b": 0.9}),
    "nested_dict_of_tuple": ("""
        def f(p, x):
            w, b = p["layer"]
            return np.sum(np.tanh(x * w + b) ** 2) * p["scale"]
    """, ({"layer": (V4, X4 * 0.3), "scale": 1.7}, X4), 0,
        {"layer": (X4, V4), "scale": 0.5}),
    "tuple_input_second_argument": ("""
        def f(x, t):
            a, b = t
            return np.sum(x * a * b) + np.sum(a ** 3)
    """, (X4, (V4, X4 * 0.2)), 1, (X4, V4)),
    "tuple_input_seq_add": ("""
        def f(t, u):
            both = t + u
            return np.sum(both[0] * both[2]) + np.sum(both[1] ** 2 * both[3])
    """, ((X4, V4), (V4 * 0.5, X4 * 0.3)), 0, (V4, X4)),
    "tuple_input_seq_mul": ("""
        def f(t):
            rep = t * 2
            return np.sum(rep[0] * rep[3] * rep[1]) + np.sum(np.sin(rep[2]) * t[0])
    """, ((X4, V4),), 0, (V4, X4)),
    "list_input_joined": ("""
        def f(ws, x):
            allw = ws + [x, x * x]
            return np.sum(allw[0] * allw[2] * allw[3]) + np.sum(allw[1] ** 3)
    """, ([X4, V4], X4 * 0.5), 0, [V4, X4]),
    "list_item_loop_writes": ("""
        def f(x):
            L = [x, x * 2, np.sin(x)]
            for i in range(len(L)):
                L[i] = L[i] * x
            return np.sum(L[0] * L[1] * L[2])
    """, (X4,), 0, V4),
    "enumerate_list": ("""
        def f(x):
            L = [x, x ** 2, np.cos(x)]
            total = 0.0
            for i, v in enumerate(L):
                total = total + (i + 1.0) * np.sum(v * v * x)
            return total
    """, (X4,), 0, V4),
    "list_iadd": ("""
        def f(x):
            L = [x]
            L += [x * x]
            L = L + [np.exp(x)]
            return np.sum(L[0] * L[1] * L[2])
    """, (X4,), 0, V4),
    "builtin_sum_of_list": ("""
        def f(x):
            L = [x * x, np.sin(x) * x, x]
            s = sum(L)
            return np.sum(s * s)
    """, (X4,), 0, V4),
    "reversed_tuple": ("""
        def f(x):
            t = (x, x * x, np.sin(x))
            h = x
            for v in reversed(t):
                h = np.tanh(h * v)
            return np.sum(h ** 2)
    """, (X4,), 0, V4),
    "split_concatenate_in_loop": ("""
        def f(x):
            h = x
            for k in range(2):
                a, b = np.split(h, 2)
                h = np.concatenate([b * a, a + b * b])
            return np.sum(h ** 2)
    """, (X4,), 0, V4),
    "list_of_tuples_unpacked_in_loop": ("""
        def f(x):
            pairs = [(x, x * x), (np.sin(x), x)]
            total = 0.0
            for a, b in pairs:
                total = total + np.sum(a * b * a)
            return total
    """, (X4,), 0, V4),
    "helper_returns_tuple_used_twice": ("""
        def both(x, y):
            return x * y, x + y

        def f(x):
            p, q = both(x, x * x)
            r, s = both(p, q)
            return np.sum(r * s)
    """, (X4,), 0, V4),
    "list_input_appended_then_stacked": ("""
        def f(xs):
            out = []
            for v in xs:
                out.append(v * v * xs[0])
            return np.sum(np.stack(out) ** 2)
    """, ([X4, V4],), 0, [V4, X4]),
    # a list holding one array twice, reduced by NumPy functions (fuzz bug94): the
    # cotangent of the list has the list's items, also where a tuple holds it
    "numpy_reductions_of_a_list_holding_x_twice": ("""
        def f(x):
            L = [x]
            L.append(x)
            P = (L, 1.0)
            return np.sum(P[0]) * np.mean(L) + np.prod(L) + np.std(L) + np.max(P[0])
    """, (X4,), 0, V4),
    "numpy_reductions_of_a_list_of_two_arrays": ("""
        def f(x):
            L = [x * x]
            L.append(np.sin(x))
            return np.sum(L, axis=0) @ x + np.sum(np.mean(L, axis=1) ** 2)
    """, (X4,), 0, V4),
    "zip_over_tuples": ("""
        def f(ws, xs):
            total = 0.0
            for w, x in zip(ws, xs):
                total = total + np.sum(w * x * w)
            return total
    """, ((X4, V4), (V4, X4)), 0, (V4, X4)),
}


def _case(name):
    source, args, wrt, v = CASES[name]
    f = load_function(source, "f")
    return f, args, wrt, v


@pytest.fixture(params=sorted(CASES))
def case(request):
    f, args, wrt, v = _case(request.param)
    # the gradient itself first: srcdiff's gradient is the finite differences' reference
    g = grad(f, wrt=wrt)(*args)
    same_structure(g, args[wrt])
    np.testing.assert_allclose(flat(g), numeric_grad_flat(f, args, wrt), rtol=1e-5, atol=1e-6)
    return f, args, wrt, v, numeric_hvp(f, args, wrt, v)


def test_hvp(case):
    f, args, wrt, v, want = case
    got = hvp(f, wrt)(*args, v)
    same_structure(got, args[wrt])
    np.testing.assert_allclose(flat(got), want, rtol=1e-5, atol=1e-6)


def test_hessian(case):
    f, args, wrt, v, want = case
    H = hessian(f, wrt)(*args)
    x = args[wrt]
    Hm = matrix(H, x, x)
    np.testing.assert_allclose(Hm @ flat(v), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(Hm, Hm.T, rtol=1e-7, atol=1e-9)


def test_jvp_of_grad(case):
    f, args, wrt, v, want = case
    tangents = tuple(v if k == wrt else None for k in range(len(args)))
    out, dout = jvp(grad(f, wrt=wrt), tuple(args), tangents)
    same_structure(dout, args[wrt])
    np.testing.assert_allclose(flat(dout), want, rtol=1e-5, atol=1e-6)


def test_jacobian_of_grad(case):
    """Reverse over reverse: the vjp of the generated gradient, one row at a time."""
    f, args, wrt, v, want = case
    J = jacobian(grad(f, wrt=wrt), wrt)(*args)
    x = args[wrt]
    np.testing.assert_allclose(matrix(J, x, x) @ flat(v), want, rtol=1e-5, atol=1e-6)


def test_jacobian_of_grad_forward():
    """Forward over reverse through jacobian: forward mode is chosen where a
    keyword argument is passed."""
    f = load_function("""
        def f(x, scale=1.0):
            a, b = np.split(x * scale, 2)
            t = (a, b * b)
            return np.sum(t[0] * t[1]) + np.sum(np.concatenate(t) ** 3)
    """, "f")
    J = jacobian(grad(f))(X4, scale=1.5)
    g = grad(f)
    want = np.stack([(g(X4 + EPS * e, scale=1.5) - g(X4 - EPS * e, scale=1.5)) / (2 * EPS)
                     for e in np.eye(4)], axis=1)
    np.testing.assert_allclose(J, want, rtol=1e-5, atol=1e-6)


# ---- the issue's numbers ---------------------------------------------------------------

def test_issue_repro_numbers():
    f = load_function("""
        def f(x):
            t = (x, x * 2)
            a, b = t
            return np.sum(a * b * b)
    """, "f")
    x, v = np.array([1.0, 2.0]), np.array([1.0, 0.5])
    want = jacobian(grad(f))(x) @ v          # 24 x v: d2/dx2 of 4 x^3 is 24 x
    np.testing.assert_allclose(want, 24 * x * v)
    np.testing.assert_allclose(hvp(f)(x, v), want)
    np.testing.assert_allclose(hessian(f)(x) @ v, want)
    np.testing.assert_allclose(jvp(grad(f), (x,), (v,))[1], want)
    t = load_function("""
        def f(t):
            return .34 * t[0] * t[1] + .27 * t[1] * t[2]
    """, "f")
    np.testing.assert_allclose(hvp(t)((1.5, .3, .18), (.1, .2, .3)), [.068, .115, .054])


# ---- outputs that are containers (order one of a container-valued function) -----------

def test_jacobian_of_container_outputs():
    """A function returning a tuple of an array and a dict: its Jacobian is nested
    (output structure outside), forward and reverse mode agree."""
    f = load_function("""
        def f(x):
            return np.sin(x) * x[0], {"s": np.sum(x ** 2), "p": x[:2] * x[1:3]}
    """, "f")
    for x in (X4, X4[:3]):      # input smaller than the output: forward; else reverse
        J = jacobian(f)(x)
        out = f(x)
        Jm = matrix(J, out, x)
        want = np.stack([(flat(f(x + EPS * e)) - flat(f(x - EPS * e))) / (2 * EPS)
                         for e in np.eye(x.size)], axis=1)
        np.testing.assert_allclose(Jm, want, rtol=1e-5, atol=1e-6)


def test_jvp_of_tuple_output_helper():
    f = load_function("""
        def pair(x, b=1.0):
            return np.sin(x) * b, x ** 2

        def f(x):
            p, q = pair(x, b=2.0)
            return p * q, [q, p]
    """, "f")
    out, dout = jvp(f, (X4,), (V4,))
    want = (flat(f(X4 + EPS * V4)) - flat(f(X4 - EPS * V4))) / (2 * EPS)
    same_structure(dout, out)
    np.testing.assert_allclose(flat(dout), want, rtol=1e-5, atol=1e-6)


# ---- the container helpers' forward rules, through the front door ------------------------

HELPER_CASES = {
    # cotangent accumulation into a tuple, a list and a dict (add_at / add_cotangents)
    "tuple": "t = (x, x * 2)\n    a, b = t\n    return np.sum(a * b * t[1] * t[0])",
    "list": "L = [x, x * 2]\n    a = L[0]\n    b = L[1]\n    return np.sum(a * b * L[1] * L[0])",
    "dict": "d = {'a': x, 'b': x * 2}\n    return np.sum(d['a'] * d['b'] * d['b'] * d['a'])",
    # replace_at: an item overwritten after it was read
    "overwrite": "L = [x, x * 2]\n    c = L[0] * L[1]\n    L[0] = c * x\n"
                 "    return np.sum(L[0] * L[1] * c)",
}


@pytest.mark.parametrize("name", sorted(HELPER_CASES))
def test_container_cotangent_helpers_forward(name):
    """jvp of the generated gradient where cotangents of a tuple, list or dict are
    accumulated item by item: each helper's forward rule keeps the container."""
    f = load_function(f"def f(x):\n    {HELPER_CASES[name]}\n", "f")
    g = grad(f)
    want = (g(X4 + EPS * V4) - g(X4 - EPS * V4)) / (2 * EPS)
    np.testing.assert_allclose(jvp(g, (X4,), (V4,))[1], want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(hvp(f)(X4, V4), want, rtol=1e-5, atol=1e-6)


def test_hessian_and_hvp_of_tuple_and_array_arguments():
    """wrt=(0, 1) where argument 0 is a tuple: blocks nested as ((t, x), (t, x))."""
    f = load_function("""
        def f(t, x):
            a, b = t
            return np.sum(a * x * x * b) + np.sum(np.sin(a) * b)
    """, "f")
    t, x = (X4[:2], V4[:2]), X4[2:]
    v = ((V4[2:], X4[:2]), V4[:2])
    g = grad(f, wrt=(0, 1))
    whole = (t, x)
    plus = unflat(whole, flat(whole) + EPS * flat(v))
    minus = unflat(whole, flat(whole) - EPS * flat(v))
    want = (flat(g(*plus)) - flat(g(*minus))) / (2 * EPS)
    got = hvp(f, wrt=(0, 1))(t, x, v)
    same_structure(got, whole)
    np.testing.assert_allclose(flat(got), want, rtol=1e-5, atol=1e-6)
    H = hessian(f, wrt=(0, 1))(t, x)
    np.testing.assert_allclose(matrix(H, whole, whole) @ flat(v), want, rtol=1e-5, atol=1e-6)
    out, dout = jvp(g, whole, v)
    same_structure(dout, whole)
    np.testing.assert_allclose(flat(dout), want, rtol=1e-5, atol=1e-6)


# ---- every container helper the generated gradient calls, under jvp and vjp -------------------
# (a rule written for arrays alone is wrong on a tuple, a list or a dict: these
# call each helper on containers from a user's function, through the public jvp
# and vjp)

HELPER_CALLS = {
    "add_at_tuple": "add_at((a, b * 1.0), 1, a * b)",
    "add_at_list": "add_at([a * 1.0, b * 2.0], 0, a * b)",
    "add_at_dict": "add_at({'p': a * 1.0, 'q': b * 1.0}, 'q', a * b)",
    "add_at_owned_tuple": "add_at_owned((a * b, b * 1.0), 0, a * a)",
    "add_cotangents_tuple": "add_cotangents((a, b), (b * a, a * a))",
    "add_cotangents_list": "add_cotangents([a, b], [b * a, a * a])",
    "add_cotangents_dict": "add_cotangents({'p': a, 'q': b}, {'p': a * b, 'q': b * b})",
    "complete_cotangent": "complete_cotangent((a * b, None), (a, b))",
    "scatter_add_tuple": "scatter_add(a * b, (a, b), 1)",
    "scatter_add_dict": "scatter_add(a * b, {'p': a, 'q': b}, 'p')",
    "zero_at_list": "zero_at([a * 1.0, b * a], 0)",
    "cotangent_item_present": "cotangent_item({'p': a * b}, 'p', b)",
    "cotangent_item_absent": "cotangent_item({'p': a * b}, 'q', b) + a",
    "item_cotangent_present": "item_cotangent(a * b, {'p': a, 'q': b}, 'q')",
    "item_cotangent_absent": "item_cotangent(a * b, {'p': a}, 'q')['p'] + b",
    "seq_add": "seq_add((a,), (b * a, b))",
    "seq_mul": "seq_mul((a, b * a), 2)",
    "seq_add_vjp": "seq_add_vjp((a, b, a * b), (a, b, a), (a,), (b, a))",
    "seq_mul_vjp": "seq_mul_vjp((a, b, a * b, a), (a, b, a, b), (a, b), 2)[0]",
    # for arrays seq_mul_vjp is (g * y, x * g): it moves with x and y, not only g
    "seq_mul_vjp_arrays_x": "seq_mul_vjp(a * b, a * b, a, b * b)[0]",
    "seq_mul_vjp_arrays_y": "seq_mul_vjp(a * b, a * b, np.sin(a), b)[1]",
    "seq_mul_vjp_broadcast": "seq_mul_vjp(a * b, a * b, a[0], b)[0] + seq_mul_vjp(a * b, a * b, a[0], b)[1]",
    "seq_add_vjp_arrays": "seq_add_vjp(a * b, a * b, a, b)[0] * seq_add_vjp(a, a, a, b[1])[1]",
    "seq_mul_arrays": "seq_mul(a * b, np.cos(b))",
    "copy_structure": "copy_structure([a * b, {'k': b * a}], True)",
    "split_like": "split_like(np.concatenate([a, b]) * a[0], (a, b), 0)",
    "split_like_vjp": "split_like_vjp([a, b * a], [a, b], np.concatenate([a, b]), (a, b), 0)[0]",
    "unstack": "unstack(np.stack([a, b * a]) * 2.0, 0)",
}

_HELPER_IMPORTS = """
from srcdiff.runtime import (add_at, add_at_owned, add_cotangents, complete_cotangent,
                             zero_at, cotangent_item, item_cotangent, seq_add, seq_mul,
                             copy_structure)
from srcdiff.runtime import scatter_add
from srcdiff.rules.operators import seq_add_vjp, seq_mul_vjp
from srcdiff.rules.shape_derivatives import split_like, split_like_vjp, unstack
"""


@pytest.mark.parametrize("name", sorted(HELPER_CALLS))
def test_container_helper_rules(name):
    f = load_function(_HELPER_IMPORTS + f"\ndef f(a, b):\n    return {HELPER_CALLS[name]}\n", "f")
    a, b = X4[:2].copy(), V4[:2].copy()
    da, db = V4[2:].copy(), X4[2:].copy()
    out, dout = jvp(f, (a, b), (da, db))
    same_structure(dout, out)
    want = (flat(f(a + EPS * da, b + EPS * db)) - flat(f(a - EPS * da, b - EPS * db))) / (2 * EPS)
    np.testing.assert_allclose(flat(dout), want, rtol=1e-5, atol=1e-6)
    # reverse mode: <ct, J v> == <J^T ct, v>
    ct = unflat(out, np.linspace(0.5, -1.0, flat(out).size))
    out2, f_vjp = vjp(f, a, b)
    ga, gb = f_vjp(ct)
    np.testing.assert_allclose(np.dot(flat(ga), da) + np.dot(flat(gb), db),
                               np.dot(flat(ct), want), rtol=1e-5, atol=1e-6)


def test_extend_then_pop_forward_over_reverse():
    """The gradient undoes ``L.extend(vs)`` with ``pop_tail``: forward mode pops
    the tangent list's tail alongside."""
    f = load_function("""
        def f(x):
            L = [x]
            L.extend([x * x, np.sin(x)])
            last = L.pop()
            return np.sum(last * L[1] * L[0])
    """, "f")
    g = grad(f)
    want = (g(X4 + EPS * V4) - g(X4 - EPS * V4)) / (2 * EPS)
    np.testing.assert_allclose(hvp(f)(X4, V4), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(hessian(f)(X4) @ V4, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(jvp(g, (X4,), (V4,))[1], want, rtol=1e-5, atol=1e-6)


def test_a_list_rebuilt_in_a_loop_and_written_at_order_two():
    """The gradient pushes each iteration's list on a stack and restores its item
    in the sweep: its vjp (jacobian(grad) runs it once per row) restores that list
    and the stack holding it as one list (restored one by one, the stack's entry
    was a copy left emptied: IndexError)."""
    f = load_function("""
        def f(x):
            acc = 0.0
            for k in range(2):
                L = []
                L.append(np.sin(x))
                L[0] = np.cos(x * acc)
                acc = acc + np.sum(L[0] ** 2)
            return acc
    """)
    x, v = np.array([0.3, 0.5, 0.7]), np.array([0.2, -0.4, 0.9])
    g = grad(f)
    want = (g(x + 1e-6 * v) - g(x - 1e-6 * v)) / 2e-6
    np.testing.assert_allclose(jacobian(g)(x) @ v, want, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(hvp(f)(x, v), want, rtol=1e-5, atol=1e-7)
    _, pullback = vjp(g, x)
    np.testing.assert_allclose(pullback(v)[0], want, rtol=1e-5, atol=1e-7)   # (H symmetric)
    np.testing.assert_allclose(pullback(v)[0], want, rtol=1e-5, atol=1e-7)   # runs again


def test_a_list_held_by_a_container_with_an_array_written_in_place():
    """Fuzz seed 2026120604 program 681, shrunk: the backward restored L19 as a new
    list while P20 and s18_1 (residuals too) still held the old one, emptied by
    the forward: every residual is restored at once now."""
    f = load_function("""
        def f(w, t):
            A11 = np.outer(w, 0)
            L19 = [t]
            L19.append(1.0)
            P20 = [L19]
            s18 = P20[0][0] * L19[0]
            w30 = A11
            w30[0] += t
            return s18 + np.sum(w30)
    """)
    w, t = np.array([0.3, 0.5]), 0.7
    g = grad(f, wrt=1)
    want = (g(w, t + 1e-6) - g(w, t - 1e-6)) / 2e-6
    np.testing.assert_allclose(jacobian(g, wrt=1)(w, t), want, rtol=1e-6)
    np.testing.assert_allclose(hvp(f, wrt=1)(w, t, 1.0), want, rtol=1e-6)
