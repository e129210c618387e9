"""grad(f, checkpoint=K): binomial checkpointing of loops with a known trip count.

Every test compares the checkpointed gradient with the one that saves every
step (to 1e-12), through the public transforms, on functions in real files."""
import tracemalloc

import numpy as np
import pytest

import srcdiff
from srcdiff.reverse.checkpoint import Checkpoints, recomputations
from tests.numeric import load_function, numeric_grad

BUDGETS = (1, 2, 3, 5, 64)


def same(a, b):
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b)
        for u, v in zip(a, b):
            same(u, v)
        return
    np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)


def check_all(f, args, wrt=0, budgets=BUDGETS):
    plain = srcdiff.grad(f, wrt)(*args)
    for k in budgets:
        same(plain, srcdiff.grad(f, wrt, checkpoint=k)(*args))
    return plain


RECURRENCE = """
def f(x, n):
    s = x
    for i in range(n):
        s = np.sin(s) * 0.9 + x * 0.1
    return np.sum(s ** 2)
"""


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 10, 13])
def test_recurrence_every_budget_and_trip_count(n):
    f = load_function(RECURRENCE)
    x = np.linspace(0.1, 1.0, 6)
    g = check_all(f, (x, n))
    np.testing.assert_allclose(g, numeric_grad(f, (x, n), 0), rtol=1e-6, atol=1e-8)


def test_budget_at_least_trip_count_and_not_a_multiple():
    f = load_function(RECURRENCE)
    x = np.linspace(0.1, 1.0, 4)
    check_all(f, (x, 11), budgets=(4, 10, 11, 12, 1000))


def test_value_and_grad_and_vjp_run_again():
    f = load_function(RECURRENCE)
    x = np.linspace(0.1, 1.0, 5)
    v0, g0 = srcdiff.value_and_grad(f)(x, 9)
    v1, g1 = srcdiff.value_and_grad(f, checkpoint=2)(x, 9)
    same(v0, v1)
    same(g0, g1)
    out0, back0 = srcdiff.vjp(f, x, 9, wrt=0)
    out1, back1 = srcdiff.vjp(f, x, 9, wrt=0, checkpoint=3)
    same(out0, out1)
    for dout in (1.0, -2.5, 0.5):      # the backward runs again: the snapshots stay
        same(back0(dout), back1(dout))


def test_loop_over_rows_with_a_branch():
    f = load_function("""
    def f(x, a):
        s = x
        for row in a:
            s = s * row
            if np.sum(s) > 0:
                s = s + 1.0
            else:
                s = np.tanh(s)
        return np.sum(s)
    """)
    rng = np.random.default_rng(0)
    x, a = rng.normal(size=4), rng.normal(size=(12, 4))
    check_all(f, (x, a), wrt=(0, 1))


def test_subscript_writes_in_the_loop():
    f = load_function("""
    def f(x, n):
        y = np.zeros(n + 1)
        y[0] = x[0]
        h = x * 1.0
        for i in range(n):
            y[i + 1] = np.sin(y[i]) + x[1]
            h[i % 3] = h[i % 3] * y[i + 1]
        return np.sum(y ** 2) + np.sum(h)
    """)
    x = np.array([0.3, 0.7, 1.1])
    g = check_all(f, (x, 8))
    np.testing.assert_allclose(g, numeric_grad(f, (x, 8), 0), rtol=1e-6, atol=1e-8)


def test_loop_inside_a_helper_and_value_carried_from_the_previous_step():
    mod_src = """
    def step(s, prev, c):
        return 0.5 * s + 0.3 * prev * c, s

    def run(x, c, n):
        s = x
        prev = x * 0.0
        for k in range(n):
            s, prev = step(s, prev, c)
        return s

    def f(x, c):
        return np.sum(run(x, c, 9) ** 2)
    """
    f = load_function(mod_src, "f")
    x, c = np.array([0.5, -1.0, 2.0]), 1.3
    check_all(f, (x, c), wrt=(0, 1))


def test_nested_loops():
    f = load_function("""
    def f(x, n, m):
        s = x
        for i in range(n):
            for j in range(m):
                s = np.cos(s) * 0.5 + x * j
            s = s * 1.1
        return np.sum(s)
    """)
    x = np.array([0.2, 0.4])
    g = check_all(f, (x, 6, 3))
    np.testing.assert_allclose(g, numeric_grad(f, (x, 6, 3), 0), rtol=1e-6, atol=1e-8)


def test_continue_and_break():
    f = load_function("""
    def f(x, n):
        s = x
        for i in range(n):
            if i % 3 == 1:
                continue
            s = np.sin(s) + 0.5 * x
        return np.sum(s)
    """)
    x = np.array([0.2, 0.4])
    check_all(f, (x, 10))
    # a break: the trip count is not known when the loop starts (saves every step)
    fb = load_function("""
    def f(x, n):
        s = x
        for i in range(n):
            if np.sum(s) > 5.0:
                break
            s = s * 1.5 + 0.1
        return np.sum(s)
    """)
    check_all(fb, (np.array([0.2, 0.4]), 20))
    assert "Checkpoints" not in srcdiff.source(srcdiff.grad(fb, checkpoint=2))


def test_while_loop_keeps_saving_every_step():
    f = load_function("""
    def f(x):
        s = x
        k = 0
        while k < 7:
            s = np.sin(s) + x
            k += 1
        return np.sum(s)
    """)
    x = np.array([0.2, 0.4])
    check_all(f, (x,))
    assert "Checkpoints" not in srcdiff.source(srcdiff.grad(f, checkpoint=2))


def test_list_grown_in_the_loop():
    f = load_function("""
    def f(x, n):
        out = []
        s = x
        for i in range(n):
            s = s * 0.9 + 0.1
            out.append(s)
        return np.sum(out[-1]) + np.sum(out[0] * out[1])
    """)
    check_all(f, (np.array([0.2, 0.4, 0.9]), 6))


def test_source_shows_the_schedule_as_plain_code():
    f = load_function(RECURRENCE)
    src = srcdiff.source(srcdiff.grad(f, checkpoint=4))
    assert "Checkpoints(len(" in src and ", 4)" in src
    assert ".reverse_sweep()" in src and "action == 'advance'" in src
    assert "i_checkpoints.save(i_step, s)" in src and "i_checkpoints.load(i_step)" in src
    # today's code is unchanged without the keyword
    assert "Checkpoints" not in srcdiff.source(srcdiff.grad(f))
    exec_ns = {}
    exec(compile(src, "<cp>", "exec"), exec_ns)     # runs on its own
    x = np.linspace(0.1, 1.0, 3)
    fn = [v for k, v in exec_ns.items() if k.endswith("_grad")][0]
    same(srcdiff.grad(f)(x, 7), fn(x, 7))


def test_bad_budget_is_refused():
    f = load_function(RECURRENCE)
    for k in (0, -1, 2.5, "3", True):
        with pytest.raises(srcdiff.SrcdiffError, match="checkpoint="):
            srcdiff.grad(f, checkpoint=k)


def test_random_draws_in_a_checkpointed_loop_are_refused():
    f = load_function("""
    def f(x, n):
        s = x
        for i in range(n):
            s = s * np.random.rand()
        return np.sum(s)
    """)
    with pytest.raises(srcdiff.SrcdiffError, match="random"):
        srcdiff.grad(f, checkpoint=2)(np.ones(2), 3)


def test_higher_order_of_a_checkpointed_gradient_is_refused():
    f = load_function(RECURRENCE)
    x = np.linspace(0.1, 1.0, 3)
    g = srcdiff.grad(f, checkpoint=2)
    with pytest.raises(srcdiff.SrcdiffError, match="checkpoint=2"):
        srcdiff.jvp(g, (x, 5), (np.ones(3), 0))
    with pytest.raises(srcdiff.SrcdiffError, match="checkpoint=2"):
        srcdiff.grad(lambda x: np.sum(g(x, 5)))(x)
    with pytest.raises(srcdiff.SrcdiffError, match="checkpoint=2"):
        srcdiff.vjp(g, x, 5)
    with pytest.raises(srcdiff.SrcdiffError, match="checkpoint=2"):
        srcdiff.jacobian(g)(x, 5)
    # higher order of the function itself stays available (and right)
    h = srcdiff.hvp(f)(x, 5, np.ones(3))
    e = 1e-5
    fd = (srcdiff.grad(f)(x + e, 5) - srcdiff.grad(f)(x - e, 5)) / (2 * e)
    np.testing.assert_allclose(h, fd, rtol=1e-5, atol=1e-7)


# ---- the schedule ------------------------------------------------------------------

def _simulate(n, k, reusable=False):
    """Run a schedule on a counter state; return (recomputed steps, most snapshots held)."""
    cp = Checkpoints(n, k, reusable)
    for step in range(n):
        if step in cp.first_saves:
            cp.save(step, step)
    held = len(cp.saved)
    state, order, advanced = n, [], 0
    for action, step in cp.reverse_sweep():
        if action == "restore":
            (state,) = cp.load(step)
        elif action == "save":
            cp.save(step, state)
        elif action == "advance":
            advanced += 1
        assert action == "restore" or state == step, (action, step, state)
        state = step + 1 if action == "advance" else (None if action == "reverse" else state)
        if action == "reverse":
            order.append(step)
        held = max(held, len(cp.saved))
    assert order == list(range(n - 1, -1, -1))
    return advanced, held


@pytest.mark.parametrize("k", [1, 2, 3, 4, 7, 64])
def test_schedule_reverses_every_step_within_the_budget(k):
    for n in list(range(0, 60)) + [257, 1000]:
        advanced, held = _simulate(n, k)
        assert held <= k
        # the binomial minimum, plus at most the primal sweep's run past the last snapshot
        assert advanced <= recomputations(n, k)


def test_recomputations_are_the_binomial_minimum():
    best = {}

    def opt(n, c):        # every split tried (small n)
        if n <= 1:
            return 0
        if c == 1:
            return n * (n - 1) // 2
        if (n, c) not in best:
            best[n, c] = min(m + opt(n - m, c - 1) + opt(m, c) for m in range(1, n))
        return best[n, c]

    for c in range(1, 6):
        for n in range(1, 40):
            assert recomputations(n, c) == opt(n, c)


def test_reusable_schedule_runs_twice():
    cp = Checkpoints(30, 3, reusable=True)
    for step in range(30):
        if step in cp.first_saves:
            cp.save(step, step)
    first = list(cp.reverse_sweep())
    assert list(cp.reverse_sweep()) == first


# ---- memory --------------------------------------------------------------------

LONG = """
def f(x, n):
    s = x
    for i in range(n):
        s = np.sin(s) * 0.5 + x * 0.25
    return np.sum(s)
"""


def test_memory_of_a_long_loop_stays_within_the_budget():
    f = load_function(LONG)
    x = np.linspace(0.0, 1.0, 5000)
    g = srcdiff.grad(f, checkpoint=64)
    small = g(x, 3)      # generated and compiled before measuring
    tracemalloc.start()
    try:
        got = g(x, 4000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= 16 * 2 ** 20, peak
    assert small.shape == x.shape
    same(srcdiff.grad(f)(x, 4000), got)


def test_enumerate_zip_reversed_else_and_the_target_after_the_loop():
    f = load_function("""
    def f(x, a, b):
        s = x
        for k, row in enumerate(a):
            s = s * row + k
        for u, v in zip(a, b):
            s = np.tanh(s + u * v)
        for row in reversed(b):
            s = s - 0.1 * row * s
        for j in range(3):
            s = s * 1.01
        else:
            s = s + 1.0
        return np.sum(s * row) + j
    """)
    rng = np.random.default_rng(1)
    x, a, b = rng.normal(size=3), rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    g = check_all(f, (x, a, b), wrt=(0, 1, 2))
    for i, arg in enumerate((x, a, b)):
        np.testing.assert_allclose(g[i], numeric_grad(f, (x, a, b), i), rtol=1e-6, atol=1e-7)


def test_loop_in_a_branch_and_tuple_and_dict_state():
    f = load_function("""
    def f(p, n, flag):
        w = p["w"]
        pair = (w, w * 2.0)
        if flag:
            for i in range(n):
                pair = (pair[1] * 0.5, np.sin(pair[0]) + p["b"])
        return np.sum(pair[0] * pair[1])
    """)
    p = {"w": np.array([0.3, -0.2]), "b": np.array([0.1, 0.5])}
    for flag in (True, False):
        plain = srcdiff.grad(f)(p, 7, flag)
        for k in (1, 2, 3):
            got = srcdiff.grad(f, checkpoint=k)(p, 7, flag)
            for key in p:
                same(plain[key], got[key])


def test_two_loops_one_after_the_other_share_a_stack():
    f = load_function("""
    def f(x, n):
        s = x
        for i in range(n):
            s = np.sin(s) + x
        s = s * 2.0
        for i in range(n + 2):
            s = np.cos(s) * x
        return np.sum(s)
    """)
    x = np.array([0.2, 0.7])
    g = check_all(f, (x, 6))
    np.testing.assert_allclose(g, numeric_grad(f, (x, 6), 0), rtol=1e-6, atol=1e-8)


def test_list_items_replaced_by_an_input_are_not_written_into():
    # restoring a snapshot of the list must not refill the arrays it holds now
    # (here the input itself) with the snapshot's values
    f = load_function("""
    def f(x, n):
        lst = [x * 0.0, x * 1.0]
        for i in range(n):
            if i % 3 == 0:
                lst[i % 2] = x
            else:
                lst[i % 2] = np.sin(lst[(i + 1) % 2]) + x
        return np.sum(lst[0] * lst[1])
    """)
    x = np.array([0.7, 0.3])
    kept = x.copy()
    g = check_all(f, (x, 7))
    np.testing.assert_array_equal(x, kept)
    np.testing.assert_allclose(g, numeric_grad(f, (x, 7), 0), rtol=1e-6, atol=1e-8)


def test_vjp_of_an_array_filled_in_the_loop_runs_again_and_keeps_its_output():
    f = load_function("""
    def f(x, n):
        y = np.zeros(n + 1)
        y[0] = 1.0
        for i in range(n):
            y[i + 1] = y[i] * x[0] + x[1]
        return y
    """)
    x = np.array([0.7, 0.3])
    out0, back0 = srcdiff.vjp(f, x, 6, wrt=0)
    for k in (1, 2, 3):
        out, back = srcdiff.vjp(f, x, 6, wrt=0, checkpoint=k)
        kept = out.copy()
        for dout in (np.arange(7.0), np.ones(7)):
            same(back0(dout), back(dout))
        np.testing.assert_array_equal(out, kept)
        same(out0, out)


def test_inner_while_and_break_inside_a_checkpointed_loop():
    f = load_function("""
    def f(x, n):
        s = x
        for i in range(n):
            k = 0
            while k < i % 3 + 1:
                s = np.sin(s) + 0.1 * x
                k += 1
            for j in range(5):
                if j > i % 4:
                    break
                s = s * 0.9 + x * j
        return np.sum(s)
    """)
    x = np.array([0.3, -0.4])
    g = check_all(f, (x, 9))
    assert "Checkpoints" in srcdiff.source(srcdiff.grad(f, checkpoint=3))
    np.testing.assert_allclose(g, numeric_grad(f, (x, 9), 0), rtol=1e-6, atol=1e-8)


def test_has_aux_and_decorator_form():
    src = """
    import srcdiff

    @srcdiff.grad(has_aux=True, checkpoint=2)
    def df(x, n):
        s = x
        for i in range(n):
            s = np.sin(s) * 1.1
        return np.sum(s), s

    def f(x, n):
        s = x
        for i in range(n):
            s = np.sin(s) * 1.1
        return np.sum(s), s
    """
    mod_df = load_function(src, "df")
    f = load_function(src, "f")
    x = np.array([0.3, -0.4, 1.0])
    g0, aux0 = srcdiff.grad(f, has_aux=True)(x, 8)
    g1, aux1 = mod_df(x, 8)
    same(g0, g1)
    same(aux0, aux1)


def test_arrays_written_by_calls_are_snapshotted():
    # buf is written through out= after it is read: the state of a step includes it
    f = load_function("""
    def f(x, n):
        buf = np.zeros(2)
        order = [0.5, 0.1, 0.9]
        s = x
        for i in range(n):
            s = s * (1.0 + buf) * order[0]
            np.multiply(np.cos(i) * np.ones(2), 0.1 * (i + 1), out=buf)
            order.sort()
            order.insert(0, order.pop())
        return np.sum(s)
    """)
    x = np.array([0.7, 0.3])
    want = numeric_grad(f, (x, 6), 0)
    for k in (1, 2, 3, 10):
        np.testing.assert_allclose(srcdiff.grad(f, checkpoint=k)(x, 6), want, rtol=1e-6)


def test_state_first_bound_inside_the_loop():
    f = load_function("""
    def f(x, n):
        s = x
        for i in range(n):
            if i > 0:
                s = s + 0.5 * last
            last = np.sin(s)
        return np.sum(s * last)
    """)
    x = np.array([0.3, -0.4])
    g = check_all(f, (x, 7))
    np.testing.assert_allclose(g, numeric_grad(f, (x, 7), 0), rtol=1e-6, atol=1e-8)
