"""Control flow, subscripts, in-place writes, containers and calls into user
code: every construct against central differences."""
import tracemalloc

import numpy as np
import pytest

import srcdiff
from numeric import load_function, load_module, assert_grads, numeric_grad


def check(src, args, wrt=0, name=None, **globals_):
    f = load_function(src, name, **globals_)
    assert_grads(f, srcdiff.grad(f, wrt=wrt), args, wrt)
    return f


X3 = np.array([0.3, -0.7, 1.1])
W3 = np.array([0.9, 1.2, -0.4])


# ---- branches ---------------------------------------------------------------

def test_if_elif_else_on_values():
    src = """
        def f(x):
            s = np.sum(x)
            if s > 1.0:
                y = x * 2.0
            elif s > 0.0:
                y = np.sin(x)
            else:
                y = x ** 3
            return np.sum(y * x)
    """
    for x in (X3, X3 - 0.5, X3 - 1.0):
        check(src, (x,))


def test_conditional_expression_and_boolops():
    src = """
        def f(x, w):
            y = x * w if np.sum(x) > 0 and w[0] > 0 else x - w
            z = y if (y[0] > 5 or y[1] < 5) else -y
            return np.sum(z ** 2)
    """
    check(src, (X3, W3), (0, 1))
    check(src, (-X3, W3), (0, 1))


def test_early_and_multiple_returns():
    src = """
        def f(x):
            if x[0] > 0:
                return np.sum(x ** 2)
            y = np.exp(x)
            if x[1] > 0:
                return np.sum(y)
            return np.sum(y * x)
    """
    check(src, (X3,))
    check(src, (-X3,))
    check(src, (-np.abs(X3),))


def test_branch_overwrites_a_variable():
    src = """
        def f(x):
            y = x * 1.5
            if np.sum(x) > 0:
                y = np.sin(y) * x
            return np.sum(y)
    """
    check(src, (X3,))
    check(src, (-X3,))


# ---- loops ------------------------------------------------------------------

def test_for_range_with_overwrites():
    check("""
        def f(x, w):
            for i in range(5):
                x = np.sin(x) * w + 0.1 * i
            return np.sum(x)
    """, (X3, W3), (0, 1))


def test_for_over_rows_lists_tuples_zip_enumerate_reversed():
    src = """
        def f(X, ws):
            total = 0.0
            for row in X:
                total = total + np.sum(np.tanh(row))
            for i, row in enumerate(X):
                total = total + i * np.sum(row ** 2)
            for a, w in zip(X, ws):
                total = total + np.sum(a * w)
            for w in reversed(ws):
                total = total * 0.9 + np.sum(w)
            for t in (1.0, 2.0):
                total = total + t * np.sum(X)
            return total
    """
    X = np.arange(6.0).reshape(3, 2) / 7
    ws = [np.array([0.5, 1.0]), np.array([1.5, -1.0]), np.array([0.2, 0.3])]
    f = load_function(src)
    gX = srcdiff.grad(f)(X, ws)
    np.testing.assert_allclose(gX, numeric_grad(f, (X, ws), 0), rtol=1e-6, atol=1e-8)
    gws = srcdiff.grad(f, wrt=1)(X, ws)
    assert isinstance(gws, list) and len(gws) == 3
    for i in range(3):
        def fi(wi, i=i):
            w2 = list(ws)
            w2[i] = wi
            return f(X, w2)
        np.testing.assert_allclose(gws[i], numeric_grad(fi, (ws[i],), 0), rtol=1e-6, atol=1e-8)


def test_while_with_value_dependent_condition():
    check("""
        def f(x):
            y = x
            n = 0
            while np.sum(y ** 2) < 50.0 and n < 20:
                y = y * 1.7 + np.sin(y)
                n += 1
            return np.sum(y)
    """, (X3,))


def test_break_continue_and_loop_else():
    src = """
        def f(x):
            acc = x * 0.0
            for i in range(10):
                if i % 3 == 1:
                    continue
                acc = acc + np.sin(x * i)
                if np.sum(acc) > 2.5:
                    break
            else:
                acc = acc * 2.0
            k = 0
            while k < 6:
                k += 1
                if k == 2:
                    continue
                acc = acc * 1.1
            return np.sum(acc ** 2)
    """
    check(src, (X3,))
    check(src, (X3 * 0.1,))


def test_nested_loops_with_branch():
    check("""
        def f(x, w):
            for i in range(3):
                for j in range(2):
                    if (i + j) % 2 == 0:
                        x = np.tanh(x * w)
                    else:
                        x = x + w * j
            return np.sum(x)
    """, (X3, W3), (0, 1))


def test_inner_loops_whose_trip_count_changes_between_outer_iterations():
    # the adjoint replays each inner loop as often as it ran in that outer iteration
    # (the count is saved per outer iteration, not only the last one)
    check("""
        def f(x):
            for i in range(3):
                j = 0
                while j < i:
                    x = x * 1.1 + 0.1 * x * x
                    j += 1
            return np.sum(x)
    """, (X3,))
    check("""
        def f(x, w):
            s = 1.0
            for i in range(2):
                while True:
                    if np.sum(s) >= 0.5:
                        break
                    s = s * x + w
                s = x * 0.1
            return np.sum(s * w)
    """, (X3, W3), (0, 1))
    check("""
        def f(x):
            for i in range(4):
                for j in range(3):
                    if j > i:
                        break
                    x = np.sin(x) * 1.5
            return np.sum(x)
    """, (X3,))


def test_loop_target_used_after_inner_loop():
    check("""
        def f(x):
            y = x
            for i in range(3):
                for j in range(4):
                    y = y * 0.9
                y = y + x * j
            return np.sum(y ** 2)
    """, (X3,))


# ---- subscripts ----------------------------------------------------------------

def test_subscript_reads():
    check("""
        def f(x):
            a = x[1] * x[-1]
            b = np.sum(x[1:5:2] ** 2) + np.sum(x[..., 0])
            c = np.sum(x[None, :2])
            idx = np.array([0, 2, 2])
            d = np.sum(x[idx] ** 2)
            m = x > 0.5
            e = np.sum(x[m] ** 3)
            return a + b + c + d + e
    """, (np.array([0.3, 0.7, 1.1, -0.4, 0.9]),))


def test_subscript_writes_save_overwritten_values():
    src = """
        def f(x):
            y = np.zeros(5)
            for i in range(5):
                y[i] = x[i] * x[(i + 1) % 5]
            y[1:3] *= 2.0
            z = y * 1.0
            y[0] = np.sin(y[4])
            mask = y > 0.5
            y[mask] = 0.0
            return np.sum(y * z) + np.sum(y ** 2)
    """
    x = np.array([0.3, 0.7, 1.1, -0.4, 0.9])
    f = check(src, (x,))
    x0 = x.copy()
    srcdiff.grad(f)(x)
    np.testing.assert_array_equal(x, x0)   # inputs are never modified


def test_buffer_filled_in_loop_and_stencil():
    check("""
        def f(u, k):
            for step in range(3):
                new = u.copy()
                new[1:-1, 1:-1] = u[1:-1, 1:-1] + k * (u[2:, 1:-1] + u[:-2, 1:-1]
                                                       + u[1:-1, 2:] + u[1:-1, :-2]
                                                       - 4 * u[1:-1, 1:-1])
                u = new
            return np.sum(u ** 2)
    """, (np.random.default_rng(1).normal(size=(5, 6)), 0.1), (0, 1))


# ---- containers ----------------------------------------------------------------

def test_lists_append_pop_and_comprehensions():
    check("""
        def f(x, w):
            hs = []
            h = x
            for i in range(4):
                h = np.tanh(h * w)
                hs.append(h)
            last = hs.pop()
            total = sum([np.sum(v ** 2) for v in hs])
            gen = sum(np.sum(v) for v in hs if v[0] > -10)
            return np.sum(last) + total + gen + hs[0][1] * 3.0
    """, (X3, W3), (0, 1))


def test_list_popped_or_grown_in_a_block_with_no_adjoint_code():
    # the branch and the loop have no derivative code (what they pop or append
    # is unused): their single block restores must put back the list's items
    # too, for the cotangent of the earlier hs[2] (a list of hs's length)
    check("""
        def f(x):
            hs = [x, 2.0 * x, 3.0 * x]
            y = np.sum(hs[2] * x)
            if y > -100.0:
                last = hs.pop()
                last = hs.pop()
            for i in range(1):
                hs.append(np.ones(3))
            return y
    """, (X3,))


def test_dict_and_tuple_inputs_and_outputs():
    f = load_function("""
        def f(params, x):
            w, b = params["w"], params["b"]
            pair = (w * x, b)
            return np.sum(np.tanh(pair[0] + pair[1]))
    """)
    params = {"w": W3.copy(), "b": 0.3}
    g = srcdiff.grad(f)(params, X3)
    assert isinstance(g, dict) and set(g) == {"w", "b"}
    np.testing.assert_allclose(g["w"], numeric_grad(lambda w: f({"w": w, "b": 0.3}, X3), (W3,), 0),
                               rtol=1e-6)
    assert np.isclose(g["b"], numeric_grad(lambda b: f({"w": W3, "b": b}, X3), (0.3,), 0))
    t = load_function("""
        def t(p):
            a, b = p
            return np.sum(a * b) + np.sum(p[0])
    """)
    ga, gb = srcdiff.grad(t)((X3, W3))
    np.testing.assert_allclose(ga, W3 + 1)
    np.testing.assert_allclose(gb, X3)


# ---- calls --------------------------------------------------------------------

def test_calls_into_user_functions_with_keywords_defaults_and_recursion_into_helpers():
    mod = load_module("""
def act(z, scale=1.0):
    return np.tanh(z) * scale

def layer(x, w, *, bias=0.0):
    return act(x * w + bias, scale=2.0)

def f(x, w):
    h = layer(x, w, bias=0.1)
    h = layer(h, w)
    return np.sum(h ** 2)
""")
    assert_grads(mod.f, srcdiff.grad(mod.f, wrt=(0, 1)), (X3, W3), (0, 1))


def test_nested_defs_closures_and_lambdas():
    check("""
        def f(x, w):
            scale = np.sum(w)
            def inner(z):
                return np.sin(z) * scale
            sq = lambda v: v * v
            y = inner(x)
            y = sq(y) + inner(w)
            return np.sum(y)
    """, (X3, W3), (0, 1))


def test_methods_attributes_and_builtins():
    check("""
        def f(x):
            M = x.reshape(2, 3)
            a = M.sum(axis=0)
            b = M.T.dot(np.ones(2))
            c = M.mean() + M.max() * 0.0 + float(M[0, 0])
            n = len(x) + x.shape[0] + x.ndim + x.size
            d = abs(a[0]) + max(b[0], b[1]) + min(c, 10.0)
            return np.sum(a * b) + c * n + d
    """, (np.array([0.3, 0.7, 1.1, -0.4, 0.9, 0.2]),))


def test_nondifferentiable_values_flow_through():
    check("""
        def f(x):
            i = np.argmax(x)
            noise = np.random.default_rng(0).normal(size=x.shape)
            n = int(np.floor(np.sum(x)))
            return x[i] * 2.0 + np.sum(x * noise) + n
    """, (X3,))


def test_combination_loop_branch_write_in_helper_called_from_loop():
    mod = load_module("""
def step(u, k):
    v = u.copy()
    for i in range(1, len(u) - 1):
        if u[i] > 0:
            v[i] = u[i] + k * (u[i - 1] - 2 * u[i] + u[i + 1])
        else:
            v[i] = u[i] * 0.5
    return v

def f(u, k):
    for t in range(3):
        u = step(u, k)
    return np.sum(u ** 2)
""")
    u = np.array([0.3, -0.2, 0.8, 1.1, -0.5, 0.4])
    assert_grads(mod.f, srcdiff.grad(mod.f, wrt=(0, 1)), (u, 0.2), (0, 1))


# ---- refusals -----------------------------------------------------------------

@pytest.mark.parametrize("body, what", [
    ("    try:\n        y = x\n    except Exception:\n        y = x\n    return y", "try"),
    ("    with open('f') as fh:\n        y = x\n    return y", "with"),
    ("    global G\n    G = x\n    return x", "global"),
    ("    yield x", "yield"),
    ("    x.sort()\n    return np.sum(x)", "sort"),
    ("    L.append(x)\n    return np.sum(x)", "append"),
    ("    x.attr = 3\n    return np.sum(x)", "attribute"),
])
def test_refused_constructs_name_file_and_line(body, what):
    f = load_function("L = []\ndef f(x):\n" + body + "\n", "f")
    with pytest.raises(srcdiff.SrcdiffError) as e:
        srcdiff.grad(f)(X3)
    msg = str(e.value)
    assert f.__code__.co_filename in msg
    assert ":" in msg


def test_loop_memory_does_not_grow():
    f = load_function("""
        def f(x, w):
            for i in range(1000):
                x = np.sin(x) * w
            return np.sum(x)
    """)
    df = srcdiff.grad(f, wrt=(0, 1))
    df(X3, W3)
    tracemalloc.start()
    df(X3, W3)
    base = tracemalloc.get_traced_memory()[0]
    for _ in range(5):
        df(X3, W3)
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert grown < 50_000, grown


def test_recursion():
    mod = load_module("""
def tree(x, n):
    if n == 0:
        return x * 1.0
    return np.sin(tree(x, n - 1)) * x

def f(x):
    s = 0.0
    for i in range(3):
        s = s + np.sum(tree(x, i))
    return s
""")
    assert_grads(mod.f, srcdiff.grad(mod.f), (X3,), 0)
    g = srcdiff.grad(lambda x: np.sum(mod.tree(x, 4)))
    np.testing.assert_allclose(g(X3), numeric_grad(lambda x: np.sum(mod.tree(x, 4)), (X3,), 0),
                               rtol=1e-6)
    # at order two, every transform refuses with the reason (not a message about
    # srcdiff's own call_fwd or its try/except)
    for second in (lambda: srcdiff.hvp(mod.f)(X3, X3), lambda: srcdiff.hessian(mod.f)(X3),
                   lambda: srcdiff.jacobian(srcdiff.grad(mod.f))(X3),
                   lambda: srcdiff.jvp(srcdiff.grad(mod.f), (X3,), (X3,))):
        with pytest.raises(srcdiff.SrcdiffError, match="second derivatives through a recursive call"):
            second()


def test_grad_of_grad_through_loops():
    f = load_function("""
        def f(x):
            y = x
            for i in range(3):
                y = np.sin(y) * x
            return y
    """)
    ddf = srcdiff.grad(srcdiff.grad(f))
    df = srcdiff.grad(f)
    eps = 1e-5
    for x in (0.3, 0.7, -1.2):
        assert np.isclose(ddf(x), (df(x + eps) - df(x - eps)) / (2 * eps), rtol=1e-6)


def test_star_args_and_kwargs_at_call_sites():
    mod = load_module("""
def layer(x, w, b=0.0, *, scale=1.0):
    return np.tanh(x * w + b) * scale

def f(x, w):
    args = (x, w)
    opts = {"b": 0.2, "scale": 3.0}
    h = layer(*args, **opts)
    stacked = np.stack([h, x], *[0])
    return np.sum(h ** 2) + np.sum(stacked)
""")
    assert_grads(mod.f, srcdiff.grad(mod.f, wrt=(0, 1)), (X3, W3), (0, 1))


def test_nested_subscript_writes_with_integer_first_index():
    check("""
        def f(x):
            A = np.zeros((3, 2))
            for i in range(3):
                A[i][0] = x[i] * 2.0
                A[i][1] = np.sin(x[i])
            A[0][1] = x[2] ** 2
            return np.sum(A ** 2)
    """, (np.array([0.3, 0.5, 0.9]),))
    # integer arithmetic of range() and enumerate() counters is an integer too
    check("""
        def f(x):
            A = np.outer(x, x)
            for i, row in enumerate(np.sin(A)):
                A[-1 - i][2] = np.sum(row) * x[i]
            for k in range(2):
                A[(k + 1) % 3][k * 1] = A[k][k] ** 2
            return np.sum(A ** 2)
    """, (np.array([0.3, 0.5, 0.9]),))
    # an index that is an integer only at run time is checked where the write happens
    src = """
        def f(x, n):
            A = np.outer(x, x)
            A[-1 - n][1 - n] = np.tanh(x[1 - n])
            A[n][0] = A[n][0] * x[2]
            return np.sum(A ** 2)
    """
    check(src, (np.array([0.3, 0.5, 0.9]), 1))
    check(src, (np.array([0.3, 0.5, 0.9]), np.int64(2)))
    f = load_function(src)
    with pytest.raises(srcdiff.SrcdiffError, match=r"gen_\d+\.py:6: nested subscript"):
        srcdiff.grad(f)(np.ones(3), np.array([0, 1]))
    with pytest.raises(srcdiff.SrcdiffError, match="nested subscript"):
        srcdiff.grad(f)(np.ones(3), True)
    f = load_function("""
        def f(x):
            A = np.zeros((3, 2))
            s = slice(0, 2)
            A[s][0] = x[0]
            return np.sum(A)
    """)
    with pytest.raises(srcdiff.SrcdiffError, match="nested subscript"):
        srcdiff.grad(f)(np.ones(3))


def test_branch_on_a_flag_the_branch_reassigns():
    check("""
        G = 0.3
        def f(A):
            w2 = 1.0 / np.cos(np.max(A))
            for i9, v8 in enumerate(A):
                for i10 in range(1):
                    w6 = w2
                    if w6 < 1.0:
                        return G * np.sum(A)
                return w6
    """, (np.array([[0.05, -0.44, -0.9], [1.1, 0.77, 0.61]]),))


def test_inactive_branch_writing_an_array_the_adjoint_reads():
    check("""
        def f(x, flag):
            y = x * 2.0
            z = np.sin(y)
            if flag > 0:
                y[0] = 5.0
            return np.sum(z * y)
    """, (np.array([0.3, 0.5]), 1.0))


def test_loop_over_a_global_array():
    check("""
        G = np.array([0.3, 0.5, 0.9])
        def f(x):
            s = 0.0
            for g in G:
                s = s + np.sin(g * x)
                if s > 10.0:
                    return s
            return s * x
    """, (0.7,), name="f")


def test_zero_gradient_of_a_parameter_the_body_rebinds():
    f = load_function("""
        def h(a):
            b = a * 2.0

        def f(x, s):
            for i in range(2):
                x = h(s)
            return s * 3.0
    """, "f")
    gx, gs = srcdiff.grad(f, wrt=(0, 1))(np.ones(4), 0.5)
    np.testing.assert_array_equal(gx, np.zeros(4))
    assert gs == 3.0
    gl, = srcdiff.grad(f, wrt=(0,))([1.0, np.ones(2)], 0.5)
    assert isinstance(gl, list) and len(gl) == 2


def test_value_with_leading_unit_axes_written_into_a_slot():
    # NumPy drops leading 1-axes of the value in y[idx] = v; its cotangent keeps them
    check("""
        def f(x, w):
            y = np.zeros((3, 4))
            y[1:] = np.outer(x[:2], w)[None, :, :] * 2.0
            y[0, 1:3] = x[None, 1:3] * w[0]
            return np.sum(y * y)
    """, (np.array([0.3, -0.7, 1.1]), np.array([0.9, 1.2, -0.4, 0.5])), (0, 1))


def test_list_slice_write_of_the_same_length():
    check("""
        def f(x):
            zs = [x, x * 2.0, x * 3.0]
            zs[1:3] = [x * x, np.sin(x)]
            return np.sum(zs[0] * zs[1] + zs[2])
    """, (X3,))


def test_helper_with_a_nested_function_called_by_keyword_inlined_twice():
    # the second copy renames the nested function's parameter; the keyword follows
    check("""
        def helper(a):
            def inner(z, k=0.4):
                return np.sin(z) * k
            return inner(a, k=0.3) + inner(a * 2.0)

        def f(x):
            k = x * 0.5
            return np.sum(helper(x) * helper(k) + k)
    """, (X3,), name="f")


def test_loop_variable_assigned_again_in_the_body():
    # the reversed loop binds the loop variable; the value the body left in it
    # must still reach the adjoint (fuzzer seed 5002 program 275)
    check("""
        def f(t):
            for s in np.linspace(1.0, 2.0, 1):
                s = math.tanh(t * s)
                return s
    """, (0.43,))
    check("""
        def f(x, w):
            acc = 0.0
            for i, v in enumerate(w):
                v = np.sin(v * np.sum(x)) + i
                acc = acc + v * v
                i = i * 2
            for a, b in zip(w, w * 2.0):
                a = a * b
                acc = acc + np.sum(a * x) * b
            return acc
    """, (X3, W3), (0, 1))


def test_lambda_reads_the_names_current_where_it_is_called():
    check("""
        def f(x):
            c = x
            c = 0.5
            g = lambda z: np.sum(c * z)
            c = np.sin(x) * 2.0
            return g(x) + np.sum(c)
    """, (X3,))


@pytest.mark.parametrize("call", ["g(0.0)", "sum(map(g, [1.0, 2.0]))"])
@pytest.mark.parametrize("define", ["g = lambda z: z + c",
                                    "def g(z):\n                return z + c"])
def test_function_kept_as_a_value_reads_the_names_current_where_it_is_called(define, call):
    # a call on constants is not inlined (nor is one made by map): the function
    # itself runs and reads c as bound then, not as bound where it was made
    # (fuzzer seed 7002 program 712)
    f = check(f"""
        def f(x):
            c = 1.0
            {define}
            c = c + 1.0
            c = c * {call}
            return c * np.sum(x)
    """, (X3,))
    value, _ = srcdiff.value_and_grad(f)(X3)
    assert np.isclose(value, f(X3))


def test_write_at_an_index_only_the_put_back_reads():
    # A[j] = ... then A is rebound: the adjoint of the write is empty, but putting
    # back A's old element before the sweep reads A (np.sin(A) below) needs j of
    # the same iteration
    f = load_function("""
        def f(x):
            A = x * 1.0
            out = 0.0
            for k in range(3):
                j = (k * 2) % 3
                B = np.sin(A)
                out = out + np.sum(B * B)
                A[j] = 0.5
                A = x * (k + 2.0)
            return out
    """)
    x = np.array([0.3, -0.7, 1.1])
    assert_grads(f, srcdiff.grad(f), (x,), 0)


@pytest.mark.parametrize("body", ["return SCALE", "return SCALE * a"])
def test_helper_global_that_the_caller_binds_as_a_local(body):
    # the helper's SCALE is the module's, not the caller's local SCALE
    m = load_module(f"""
SCALE = 2.0

def h(a):
    {body}

def f(x):
    SCALE = x * 3.0
    return np.sum(h(x) * x) + np.sum(SCALE)
""")
    x = np.array([0.3, -0.7, 1.1])
    assert_grads(m.f, srcdiff.grad(m.f), (x,), 0)


def test_lambda_in_a_helper_reads_the_helpers_parameter():
    m = load_module("""
def h(a, b):
    g = lambda z: a
    v = np.ones(3)
    v[0:3] = g(v)
    return v * b

def f(x, w):
    return np.sum(h(x, w) * x)
""")
    x, w = np.array([0.3, -0.7, 1.1]), np.array([0.5, 1.5, -2.0])
    assert_grads(m.f, srcdiff.grad(m.f, wrt=(0, 1)), (x, w), (0, 1))


@pytest.mark.parametrize("nested", ["def g():\n        return np.sum(np.sin(b * a))",
                                    "g = lambda: np.sum(np.sin(b * a))"],
                         ids=["def", "lambda"])
def test_nested_function_in_a_helper_reads_the_helpers_parameters(nested):
    # inlining h replaces a and b by the caller's temporaries t and t_1, which h's
    # own temporaries are also called: g() must read the caller's (fuzzer seed
    # 7005 program 878, bug55)
    m = load_module(f"""
def h(a, b):
    {nested}
    v = np.zeros(3)
    v[0] = np.mean(a) * np.cos(b) + g()
    return np.sum(v)

def f(s):
    A = np.ones((3, 1))
    A[0, 0] = h(np.sum(A, axis=1) * s, s * s)
    return np.sum(A)
""")
    assert_grads(m.f, srcdiff.grad(m.f), (-0.5,), 0)
    out, f_vjp = srcdiff.vjp(m.f, -0.5)
    assert np.allclose(out, m.f(-0.5))
