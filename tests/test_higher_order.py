"""Second derivatives: hvp (forward-over-reverse), hessian, jvp of a gradient and
grad of grad, against central differences of srcdiff's own (checked) gradient."""
import numpy as np
import pytest

import srcdiff
from srcdiff.api.forward_mode import jvp, hvp, hessian
from numeric import load_function

X3 = np.array([0.3, -0.7, 1.1])
W3 = np.array([0.9, 1.2, -0.4])
M23 = np.array([[0.5, -0.2, 0.8], [1.1, 0.3, -0.6]])

# scalar functions: (source, args, wrt position)
SCALAR = {
    "straight_line": ("""
        def f(x, y):
            a = np.sin(x) * y
            return np.sum(np.exp(a / 3.0) * x ** 3 - np.tanh(y * x))
    """, (X3, W3), 0),
    "broadcasting": ("""
        def f(m, v):
            a = m * v + v ** 2
            b = np.sum(a * a, axis=0) / (1.0 + np.mean(m ** 2))
            return np.sum(np.log1p(b * b))
    """, (M23, X3), 1),
    "matmul_and_reductions": ("""
        def f(w, x, m):
            h = np.tanh(m @ w + x[:2])
            return np.sum(h ** 2) + np.dot(w, w) * np.max(x)
    """, (W3, X3, M23), 0),
    "loop_with_overwrites": ("""
        def f(x, w):
            h = x
            for i in range(4):
                h = np.tanh(w * h + 0.1 * i)
            return np.sum(h * h)
    """, (X3, W3), 0),
    "branches": ("""
        def f(x):
            s = np.sum(x)
            if s > 0.0:
                y = x ** 3
            else:
                y = np.sin(x)
            z = y if y[0] > 0 else -y
            return np.sum(z * x)
    """, (X3,), 0),
    "while_and_break": ("""
        def f(x):
            s = x * 0.5
            k = 0
            while k < 10:
                s = np.sin(s) * x + 0.1
                k += 1
                if np.sum(s) > 100.0:
                    break
            return np.sum(s ** 2)
    """, (X3,), 0),
    "subscript_writes_in_loop": ("""
        def f(x):
            y = np.zeros(x.shape)
            y[0] = x[0]
            for i in range(1, x.shape[0]):
                y[i] = y[i - 1] * x[i] + np.sin(x[i])
            return np.sum(y ** 2)
    """, (X3,), 0),
    "helper_function_in_loop": ("""
        def cell(h, x, scale=2.0):
            return np.tanh(h * scale + x)

        def f(x):
            h = x * 0.0
            for i in range(3):
                h = cell(h, x)
            return np.sum(h ** 3)
    """, (X3,), 0),
    "scalar_float": ("""
        def f(a, b):
            return np.sin(a * b) * a ** 3 / b
    """, (0.7, 1.3), 0),
    "rosenbrock": ("""
        def f(p):
            return (1.0 - p[0]) ** 2 + 100.0 * (p[1] - p[0] ** 2) ** 2
    """, (np.array([-1.2, 1.0]),), 0),
}


def numeric_hvp(g, args, i, v, eps=1e-5):
    plus, minus = list(args), list(args)
    plus[i] = args[i] + eps * v
    minus[i] = args[i] - eps * v
    return (np.asarray(g(*plus)) - np.asarray(g(*minus))) / (2 * eps)


@pytest.fixture(params=sorted(SCALAR))
def scalar_program(request):
    src, args, i = SCALAR[request.param]
    return request.param, load_function(src, "f"), args, i


def _vector(x, rng):
    return float(rng.normal()) if isinstance(x, float) else rng.normal(size=np.shape(x))


def test_hvp_against_differences_of_the_gradient(scalar_program, rng):
    name, f, args, i = scalar_program
    g = srcdiff.grad(f, wrt=i)
    v = _vector(args[i], rng)
    got = hvp(f, wrt=i)(*args, v)
    want = numeric_hvp(g, args, i, v)
    assert np.shape(got) == np.shape(args[i])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_hessian_against_differences_of_the_gradient(scalar_program):
    name, f, args, i = scalar_program
    g = srcdiff.grad(f, wrt=i)
    H = hessian(f, wrt=i)(*args)
    x = args[i]
    assert np.shape(H) == np.shape(x) + np.shape(x)
    for j, e in enumerate(np.eye(np.size(x))):
        e = e.reshape(np.shape(x)) if np.ndim(x) else 1.0
        col = numeric_hvp(g, args, i, e)
        np.testing.assert_allclose(np.reshape(H, (np.size(x), np.size(x)))[:, j],
                                   np.ravel(col), rtol=1e-5, atol=1e-6)
    Hm = np.reshape(H, (np.size(x), np.size(x)))
    np.testing.assert_allclose(Hm, Hm.T, rtol=1e-9, atol=1e-9)


def test_jvp_of_grad_is_hvp(rng):
    src, args, i = SCALAR["loop_with_overwrites"]
    f = load_function(src, "f")
    v = rng.normal(size=3)
    g = srcdiff.grad(f)
    gx, dg = jvp(g, args, (v, None))
    np.testing.assert_allclose(gx, g(*args))
    np.testing.assert_allclose(dg, hvp(f)(*args, v), rtol=1e-12)


def test_hvp_wrt_tuple_and_hessian_blocks(rng):
    f = load_function("""
        def f(x, y):
            return np.sum(np.sin(x) * y ** 2) + np.sum(x) * np.sum(y ** 3)
    """)
    x, y = X3, W3
    vx, vy = rng.normal(size=3), rng.normal(size=3)
    hx, hy = hvp(f, wrt=(0, 1))(x, y, (vx, vy))
    blocks = hessian(f, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(hx, blocks[0][0] @ vx + blocks[0][1] @ vy, rtol=1e-10)
    np.testing.assert_allclose(hy, blocks[1][0] @ vx + blocks[1][1] @ vy, rtol=1e-10)
    np.testing.assert_allclose(blocks[0][1], blocks[1][0].T, rtol=1e-10)
    gx = srcdiff.grad(f, wrt=0)
    col = numeric_hvp(lambda x, y: gx(x, y), (x, y), 1, vy)
    np.testing.assert_allclose(blocks[0][1] @ vy, col, rtol=1e-5, atol=1e-6)


def test_decorator_forms():
    @hessian
    def h1(x):
        return np.sum(x ** 3)

    @hvp(wrt="x")
    def h2(x, c):
        return np.sum(c * x ** 2)

    np.testing.assert_allclose(h1(X3), np.diag(6 * X3))
    np.testing.assert_allclose(h2(X3, 2.0, np.ones(3)), 4.0 * np.ones(3))


def test_second_derivative_source_is_readable():
    f = load_function(SCALAR["straight_line"][0], "f")
    text = srcdiff.source(hvp(f))
    assert "def f_grad_jvp(" in text
    assert "np.cos(x)" in text
    assert "# a = np.sin(x) * y" in text     # comments point at the user's source


def test_grad_of_grad_scalar():
    f = load_function("""
        def f(x):
            return np.sin(x) * x ** 3
    """)
    d2 = srcdiff.grad(srcdiff.grad(f))
    x = 0.7
    want = -np.sin(x) * x ** 3 + 6 * np.cos(x) * x ** 2 + 6 * x * np.sin(x)
    np.testing.assert_allclose(d2(x), want, rtol=1e-10)


def test_grad_of_grad_through_a_loop():
    f = load_function("""
        def f(x):
            h = x
            for i in range(3):
                h = np.sin(h) * x
            return h
    """)
    d2 = srcdiff.grad(srcdiff.grad(f))
    g = srcdiff.grad(f)
    x, eps = 0.7, 1e-5
    np.testing.assert_allclose(d2(x), (g(x + eps) - g(x - eps)) / (2 * eps), rtol=1e-6)


def test_hvp_of_mlp_loss(rng):
    f = load_function("""
        def loss(w1, w2, x, y):
            h = np.tanh(x @ w1)
            p = h @ w2
            return np.mean((p - y) ** 2)
    """, "loss")
    w1, w2 = rng.normal(size=(4, 5)) * 0.5, rng.normal(size=(5, 2)) * 0.5
    x, y = rng.normal(size=(8, 4)), rng.normal(size=(8, 2))
    v = rng.normal(size=w1.shape)
    got = hvp(f, wrt=0)(w1, w2, x, y, v)
    want = numeric_hvp(srcdiff.grad(f, wrt=0), (w1, w2, x, y), 0, v)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


# A temporary assigned twice: first a value with no derivative (a constant,
# np.zeros), then one that depends on x. Its tangent in forward-over-reverse must
# follow the second assignment (and the first must not be read as the second).
REBOUND_TEMPORARY = {
    "zeros_then_varied": """
        def f(x, n):
            t = np.zeros(3)
            s = np.sum(t * x)
            t = np.sin(x) * x
            return s + np.sum(t * t)
    """,
    "number_then_varied_reduction": """
        def f(x, n):
            t = 1.5
            a = t * x
            t = np.sum(x * x)
            return np.sum(a * t) + t * t
    """,
    "zeros_then_varied_in_a_loop": """
        def f(x, n):
            t = np.zeros(3)
            for i in range(n):
                u = t * x
                t = np.cos(x) * x + u
            return np.sum(t * t)
    """,
    "number_then_varied_in_a_branch": """
        def f(x, n):
            t = 2.0
            if x[0] > 0:
                t = x * x
            return np.sum(np.sin(t) * x)
    """,
    "constant_then_augmented": """
        def f(x, n):
            t = np.ones(3)
            t += x * x
            t = t * np.tanh(x)
            return np.sum(t ** 2)
    """,
    "in_a_helper": """
        def helper(x):
            t = 0.0
            t = np.exp(0.3 * x)
            return t * x

        def f(x, n):
            return np.sum(helper(x) ** 2)
    """,
}


@pytest.mark.parametrize("name", sorted(REBOUND_TEMPORARY))
@pytest.mark.parametrize("x0", [0.7, -0.2])
def test_temporary_rebound_from_a_constant_to_a_varied_value(name, x0):
    from test_loops_closures import check, SECOND
    f = load_function(REBOUND_TEMPORARY[name], name="f")
    check(f, (np.array([x0, -0.3, 1.1]), 2), 0, SECOND)


BUFFER_WRITTEN_AFTER_A_READ = """
    def f(w, b):
        v0 = w
        for k in range(1):
            v10 = np.zeros_like(v0)
            for i in range(2):
                v0 = np.sin(v10)
                v10[i] = b
        return np.sum(v0)
"""


def test_buffer_without_derivative_then_written_in_a_loop_forward_over_reverse():
    """fuzz bug96: the tangent of a buffer the gradient code pushes on a stack and
    then writes in place must be written in place too (hvp and jvp(grad) gave 0)."""
    f = load_function(BUFFER_WRITTEN_AFTER_A_READ, name="f")
    w, b = np.array([0.3, -0.2]), 0.4
    want = -np.sin(b)       # f = sin(b) + sin(0)
    np.testing.assert_allclose(hvp(f, wrt=1)(w, b, 1.0), want, rtol=1e-10)
    np.testing.assert_allclose(hessian(f, wrt=1)(w, b), want, rtol=1e-10)
    np.testing.assert_allclose(jvp(srcdiff.grad(f, wrt=1), (w, b), (np.zeros(2), 1.0))[1],
                               want, rtol=1e-10)


def test_buffer_without_derivative_then_written_in_a_loop_reverse_over_reverse():
    """The gradient code pushed the buffer right after making it and then wrote
    it in place; its reverse iteration pops it when it starts (the end of the
    iteration). Reverse over reverse read the stack entry as the value at the
    push (zeros) and gave 0: the push now follows the last write."""
    from srcdiff.api.forward_mode import jacobian
    f = load_function(BUFFER_WRITTEN_AFTER_A_READ, name="f")
    w, b = np.array([0.3, -0.2]), 0.4
    g = srcdiff.grad(f, wrt=1)
    np.testing.assert_allclose(jacobian(g, wrt=1)(w, b), -np.sin(b), rtol=1e-8)
    np.testing.assert_allclose(srcdiff.grad(g, wrt=1)(w, b), -np.sin(b), rtol=1e-8)


# A buffer made in each iteration and written in place, read after the writes
# (the gradient code pushes it once the iteration is done with it), one written
# past a `break` (saved before it is rebound instead), and a list made in each
# iteration and appended to.
MADE_EACH_ITERATION_THEN_WRITTEN = {
    "written_then_read": """
        def f(u0, k):
            a = u0 * 1.0
            for _ in range(3):
                v = np.zeros_like(a)
                v[0] = k
                v[1:] = a[1:] * k
                a = np.sin(v) + a
            return np.sum(a * a)
    """,
    "written_past_a_break": """
        def f(u0, k):
            a = u0 * 1.0
            for i in range(4):
                v = np.zeros_like(a)
                v[0] = k * a[1]
                if i == 2:
                    break
                v[1:] = a[1:] * k
                a = np.sin(v) + a
            return np.sum(a * a) + np.sum(v * a)
    """,
    "list_appended_to": """
        def f(u0, k):
            s = 0.0
            for i in range(3):
                acc = []
                acc.append(u0 * k)
                acc.append(np.sin(u0 + i) * k)
                s = s + np.sum(acc[0] * acc[1])
            return s
    """,
}


@pytest.mark.parametrize("name", sorted(MADE_EACH_ITERATION_THEN_WRITTEN))
@pytest.mark.parametrize("i", [0, 1])
def test_buffer_made_each_iteration_then_written_at_order_two(name, i):
    from test_loops_closures import check, SECOND
    f = load_function(MADE_EACH_ITERATION_THEN_WRITTEN[name], name="f")
    check(f, (np.array([0.3, -0.2, 0.5]), 0.7), i, SECOND)


def test_generated_code_that_writes_a_pushed_array_is_refused():
    """Generated code differentiated again (its file name starts with <srcdiff):
    a stack entry is the array itself, so an array written in place after it is
    pushed (and before its name is bound again) would be differentiated as if
    the entry were a copy taken at the push. srcdiff's own gradient code never
    does that (tests above); any code that does is refused, naming the line."""
    import linecache
    src = (
        "def h(x):\n"
        "    st = []\n"
        "    s = 0.0\n"
        "    for i in range(2):\n"
        "        v = np.zeros(2)\n"
        "        st.append(v)\n"
        "        v[0] = x * (i + 1)\n"
        "        s = s + np.sum(np.sin(v))\n"
        "    for i in range(2):\n"
        "        w = st.pop()\n"
        "        s = s + np.sum(w * w)\n"
        "    return s\n")
    name = "<srcdiff-test: pushed then written>"
    linecache.cache[name] = (len(src), None, src.splitlines(True), name)
    ns = {"np": np}
    exec(compile(src, name, "exec"), ns)
    with pytest.raises(srcdiff.SrcdiffError, match=r"test: pushed then written>:7: 'v' is "
                       r"changed in place here after st\.append\(v\)"):
        srcdiff.grad(ns["h"])(0.3)


LIST_REBOUND_IN_A_BRANCH = """
def f(B):
    x = B
    for W in [np.ones((3, 3)), B.T]:
        x = x @ W
    if np.mean(B) < 0.1:
        return 0.5
    if np.sum(B) > 1.0:
        Ws = [2.0, B]
        Ws[0] = Ws[0] * np.sum(B)
        for W in Ws:
            pass
    return np.sum(x)
"""


def _fd_jacobian(g, x, eps=1e-6):
    """Central differences of g (array valued) w.r.t. array x: shape g.shape + x.shape."""
    cols = []
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = eps
        cols.append((np.asarray(g(x + e)) - np.asarray(g(x - e))) / (2 * eps))
    return np.moveaxis(np.array(cols), 0, -1).reshape(np.shape(g(x)) + x.shape)


def test_reverse_over_reverse_puts_a_list_back_before_its_items():
    """fuzz bug210: the gradient saves a list bound in a branch (None before it)
    and pops it back; reverse over reverse put back the list's item into None
    (TypeError in generated code) because the rebinding was not undone first."""
    from srcdiff.api.forward_mode import jacobian
    f = load_function(LIST_REBOUND_IN_A_BRANCH, name="f")
    g = srcdiff.grad(f)
    B = np.array([[0.06, 0.59, -0.63], [1.07, 0.67, -0.67]])
    for x in (B, B + 0.3):        # (the early return, then the list's branch)
        np.testing.assert_allclose(jacobian(g)(x), _fd_jacobian(g, x), rtol=1e-6, atol=1e-7)
        v = np.cos(np.arange(x.size)).reshape(x.shape)
        np.testing.assert_allclose(hvp(f)(x, v), numeric_hvp(g, (x,), 0, v), rtol=1e-6,
                                   atol=1e-7)


THIRD_ORDER_LOOPS = """
def over_sorted_keys(d):
    s = 0.0
    for k in sorted(d):
        s = s + np.sin(d[k]) * d[k]
    return s

def over_a_list_of_items(d):
    s = 0.0
    for v in [d['a'], 2.0 * d['b'], d['c']]:
        s = s + np.sin(v) * v
    return s

def over_a_range(d):
    s = 0.0
    for i in range(3):
        s = s + np.sin(d['a'] * i) * d['b']
    return s
"""

THIRD_ORDER_PICK = """
def pick(d):
    g = G(d)
    return g['a'] + 0.5 * g['b']
"""


@pytest.mark.parametrize("name", ["over_sorted_keys", "over_a_list_of_items", "over_a_range"])
def test_third_order_through_a_loop_with_stacks(name):
    """A loop's stacks (a list the gradient appends to) hold tangents at order
    three: hvp and hessian of a function of grad(f), and grad(grad(grad(f))),
    raised NameError 'ds_stack_dot' (the list bound outside the loop with a zero
    tangent, appended to inside it, got no tangent list). Checked against
    central differences of the order-two result."""
    f = load_function(THIRD_ORDER_LOOPS, name=name)
    pick = load_function(THIRD_ORDER_PICK, name="pick", G=srcdiff.grad(f))
    d = {'b': 0.4, 'a': 0.7, 'c': -0.3}
    v = {'b': 0.3, 'a': -1.1, 'c': 0.6}
    gp = srcdiff.grad(pick)
    eps = 1e-5
    want = {k: (gp({j: d[j] + eps * v[j] for j in d})[k]
                - gp({j: d[j] - eps * v[j] for j in d})[k]) / (2 * eps) for k in d}
    got = hvp(pick)(d, v)
    for k in d:
        np.testing.assert_allclose(got[k], want[k], rtol=1e-6, atol=1e-8)
    H = hessian(pick)(d)
    for k in d:
        np.testing.assert_allclose(sum(H[k][j] * v[j] for j in d), want[k], rtol=1e-6,
                                   atol=1e-8)
    # and on a scalar, hvp of grad(f) and jvp of grad(grad(f))
    g2, want3 = _scalar_third(f)
    np.testing.assert_allclose(jvp(g2, (0.7,), (1.0,))[1], want3, rtol=1e-6, atol=1e-8)


def _scalar_third(f):
    h = load_function("""
def h(x):
    return F({'a': x, 'b': 2.0 * x, 'c': np.cos(x)})
""", name="h", F=f)
    g2 = srcdiff.grad(srcdiff.grad(h))
    x, eps = 0.7, 1e-5
    want3 = (g2(x + eps) - g2(x - eps)) / (2 * eps)
    np.testing.assert_allclose(hvp(srcdiff.grad(h))(x, 1.0), want3, rtol=1e-6, atol=1e-8)
    return g2, want3


@pytest.mark.parametrize("name", [
    "over_sorted_keys",
    # (grad(grad(grad(f))) refused the gradient's gradient's code, "'k' is changed
    # in place here after k_stack.append(k) keeps its array", until such a push
    # became k_stack.append(stacked(k)): reverse.keep_pushed_arrays)
    "over_a_list_of_items",
    "over_a_range"])
def test_grad_of_grad_of_grad_through_a_loop_with_stacks(name):
    f = load_function(THIRD_ORDER_LOOPS, name=name)
    g2, want3 = _scalar_third(f)
    np.testing.assert_allclose(srcdiff.grad(g2)(0.7), want3, rtol=1e-6, atol=1e-8)


EARLY_RETURN = """
def f(w, p):
    if p >= 0.13:
        return np.tanh(np.sum(w))
    A = np.cos(w)
    return np.mean(A)
"""


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_third_order_through_an_early_return(p):
    """fuzz bug212: reverse over a gradient with an early return made a zero
    adjoint, in the branch that did not run, shaped like a value bound only in
    the branch that did (UnboundLocalError in generated code)."""
    f = load_function(EARLY_RETURN, name="f")
    u = np.array([1.0, -0.5, 0.25])
    pick = load_function("""
def pick(w, p):
    return np.sum(G(w, p) * U)
""", name="pick", G=srcdiff.grad(f), U=u)
    w, v = np.array([0.3, -0.5, 0.2]), np.array([0.2, 0.7, -0.4])
    gp = srcdiff.grad(pick)
    want = numeric_hvp(gp, (w, p), 0, v)
    np.testing.assert_allclose(gp(w, p), numeric_hvp(srcdiff.grad(f), (w, p), 0, u),
                               rtol=1e-6, atol=1e-8)      # (pick's gradient: order two)
    np.testing.assert_allclose(hvp(pick)(w, p, v), want, rtol=1e-6, atol=1e-8)
