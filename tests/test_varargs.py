"""``*args`` and ``**kwargs`` in the user's helpers and lambdas (issue 18): the
extra positional arguments of a call are bound to a tuple, the extra keywords to
a dict, and the helper is inlined; ``fn(*args, **kw)`` inside it passes them on.
Gradients (order one) and Hessian-vector products (order two) against central
differences."""
import numpy as np
import pytest

import srcdiff
from srcdiff import grad, hvp, jvp
from numeric import assert_grads, assert_orders_one_and_two, gradient_fd, load_module, numeric_grad

X = np.array([0.3, -0.2, 0.7])
Y = np.array([0.5, 1.5, -0.4])
V = np.array([1.0, -0.5, 0.25])

MOD = load_module('''
def sumsq(*xs):
    return sum(np.sum(x * x) for x in xs)


def sum_loop(*xs, scale=1.0, **kw):
    s = 0.0
    for x in xs:
        s = s + np.sum(np.sin(x) * x)
    return s * scale * kw["w"]


def apply(fn, *args, **kw):
    return fn(*args, **kw)


def weighted(x, y, w=1.0):
    return np.sum(np.cos(x) * y) * w


def first_and_rest(first, *rest):
    out = first
    for r in rest:
        out = out * r
    return np.sum(out)


def f_genexp(x, y):
    return sumsq(x, y, x * y)


def f_keywords(x, y):
    return sum_loop(x, y, scale=2.0, w=0.5)


def f_apply(x, y):
    return apply(weighted, x, y, w=3.0) + apply(weighted, y, x)


def f_lambda(x, y):
    g = lambda *args: np.sum(args[0] * np.exp(args[1]))
    return g(x, y) + g(y, x)


def f_rest(x, y):
    return first_and_rest(x, y, np.tanh(x))


def f_no_extra(x, y):
    return first_and_rest(x * y)
''')

CASES = ["f_genexp", "f_keywords", "f_apply", "f_lambda", "f_rest", "f_no_extra"]


@pytest.mark.parametrize("name", CASES)
def test_order_one(name):
    f = getattr(MOD, name)
    assert_grads(f, grad(f, wrt=(0, 1)), (X, Y), (0, 1))


@pytest.mark.parametrize("name", CASES)
def test_order_two(name):
    f = getattr(MOD, name)
    for i in (0, 1):
        np.testing.assert_allclose(hvp(f, wrt=i)(X, Y, V), gradient_fd(f, (X, Y), i, V),
                                   rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", CASES)
def test_forward_mode(name):
    f = getattr(MOD, name)
    _, dout = jvp(f, (X, Y), (V, None))
    np.testing.assert_allclose(dout, numeric_grad(f, (X, Y), 0) @ V, rtol=1e-6, atol=1e-8)


def test_a_call_spreading_a_tuple_it_cannot_see_is_refused_with_a_fitting_hint():
    f = load_module('''
def g(*xs):
    return np.sum(xs[0])


def f(x, parts):
    return g(*parts) * np.sum(x)
''').f
    with pytest.raises(srcdiff.SrcdiffError) as e:
        grad(f, wrt=1)(X, [X, Y])
    text = str(e.value)
    assert "*args" in text and "vjp_rule" not in text


# ---- grad of a function that has *args itself -----------------------------------------

TOP = load_module('''
def sumcube(*xs):
    return sum(np.sum(x * x * x) for x in xs)


def scaled(a, *xs):
    s = 0.0
    for x in xs:
        s = s + np.sum(np.sin(a * x))
    return s
''')


def test_grad_wrt_positions_into_args():
    f = TOP.sumcube
    args = (X, Y, X * Y)
    assert_grads(f, grad(f), args, 0)
    assert_grads(f, grad(f, wrt=2), args, 2)
    assert_grads(f, grad(f, wrt=(0, 1, 2)), args, (0, 1, 2))
    # the same array given twice: each position has its own gradient
    g0, g2 = grad(f, wrt=(0, 2))(X, Y, X)
    np.testing.assert_allclose(g0, 3 * X ** 2, rtol=1e-12)
    np.testing.assert_allclose(g2, 3 * X ** 2, rtol=1e-12)


def test_grad_wrt_a_named_parameter_and_args_items():
    f = TOP.scaled
    args = (0.5, X, Y)
    assert_grads(f, grad(f, wrt=(0, 2)), args, (0, 2))
    assert_grads(f, grad(f, wrt="a"), args, 0)
    value, (ga, gx) = srcdiff.value_and_grad(f, wrt=(0, 1))(*args)
    assert value == pytest.approx(f(*args))
    assert ga == pytest.approx(numeric_grad(f, args, 0), rel=1e-6)
    # a different number of *args: its own variant
    assert_grads(f, grad(f, wrt=(0, 3)), (0.5, X, Y, Y), (0, 3))


def test_jvp_vjp_hvp_hessian_of_a_function_with_args():
    f = TOP.sumcube
    args = (X, Y, X * Y)
    # order one
    _, dout = srcdiff.jvp(f, args, (V, None, V))
    want = numeric_grad(f, args, 0) @ V + numeric_grad(f, args, 2) @ V
    assert dout == pytest.approx(want, rel=1e-6)
    value, pullback = srcdiff.vjp(f, *args)
    assert value == pytest.approx(f(*args))
    for g, i in zip(pullback(2.0), range(3)):
        np.testing.assert_allclose(g, 2.0 * numeric_grad(f, args, i), rtol=1e-6)
    # order two: the Hessian (w.r.t. an item of *args) against differences of grad
    for i in (0, 2):
        np.testing.assert_allclose(srcdiff.hvp(f, wrt=i)(*args, V), gradient_fd(f, args, i, V),
                                   rtol=1e-5, atol=1e-7)
    H = srcdiff.hessian(f, wrt=1)(*args)
    np.testing.assert_allclose(H @ V, gradient_fd(f, args, 1, V), rtol=1e-5, atol=1e-7)
    # a named parameter and *args items; another number of arguments
    g = TOP.scaled
    np.testing.assert_allclose(srcdiff.hvp(g, wrt=2)(0.5, X, Y, V), gradient_fd(g, (0.5, X, Y), 2, V),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(srcdiff.hvp(g, wrt=1)(0.5, X, V), gradient_fd(g, (0.5, X), 1, V),
                               rtol=1e-5, atol=1e-7)


def test_negative_wrt_into_args_is_refused():
    with pytest.raises(srcdiff.SrcdiffError) as e:
        srcdiff.grad(TOP.sumcube, wrt=-1)(X, Y)
    assert "*args" in str(e.value) or "*xs" in str(e.value)


def test_transforms_of_the_gradient_of_a_function_with_args():
    # jacobian(grad(f)), jvp/vjp/hvp of grad(f): per number of arguments, of grad
    # of f with named parameters (grad's options kept)
    for f, args in ((TOP.sumcube, (X, Y)), (TOP.scaled, (0.5, X, Y)),
                    (TOP.scaled, (0.5, X, Y, X * Y))):
        for w in (0, 1):
            g = srcdiff.grad(f, wrt=w)
            v = V if np.ndim(args[w]) else 1.0
            want = gradient_fd(f, args, w, v)
            J = srcdiff.jacobian(g, wrt=w)(*args)
            np.testing.assert_allclose(J @ V if np.ndim(args[w]) else J, want, rtol=1e-5,
                                       atol=1e-7)
            tangents = tuple(v if i == w else None for i in range(len(args)))
            np.testing.assert_allclose(srcdiff.jvp(g, args, tangents)[1], want, rtol=1e-5,
                                       atol=1e-7)
            np.testing.assert_allclose(srcdiff.hvp(f, wrt=w)(*args, v), want, rtol=1e-5,
                                       atol=1e-7)
            _, pullback = srcdiff.vjp(g, *args)
            cts = pullback(v)
            assert len(cts) == len(args)
            np.testing.assert_allclose(cts[w], want, rtol=1e-5, atol=1e-7)   # (symmetric)


# ---- a new list of the arguments, slices and concatenations of *args (issue 18) ---------

LISTS = load_module('''
def fun(a, b, c=1.0):
    return np.sum(a * np.sin(b)) * c


def symmetrized(*args, **kwargs):
    args = list(args)
    args[0] = 0.5 * (args[0] + args[0][::-1])
    return fun(*args, **kwargs)


def f_list_args(x, y):
    return symmetrized(x, y) + symmetrized(y, x, c=2.0)


def rebind_items(*args):
    args = list(args)
    args[1] = np.sin(args[1])
    args[0] = args[0] * args[1]
    return np.sum(args[0] * args[1])


def f_rebind_items(x, y):
    return rebind_items(x, y)


def f_literal_slot(x, y):
    args = [x, y]
    args[0] = x * 3.0
    return fun(*args)


def f_splat_slice(x, y):
    new_fun = lambda *args: fun(args[0] * 2.0, *args[1:])
    h = lambda *a: fun(*a[:2], *a[2:])
    return new_fun(x, y) + h(y, x, 2.0)


def f_splat_concat(x, y):
    args = (x, y)
    rev = (y, x, x)
    return fun(*(args + (3.0,))) + fun(*rev[::-1][1:])


def f_item_augassign(x, y):
    acc = [np.zeros(3), 0.0]
    d = {"a": np.zeros(3)}
    for i in range(3):
        acc[0] += x * y * i
        acc[1] += np.sum(x) * i
        d["a"] += np.sin(x)
    return np.sum(acc[0] ** 2) + acc[1] ** 2 + np.sum(d["a"] * y)
''')

LIST_CASES = ["f_list_args", "f_rebind_items", "f_literal_slot", "f_splat_slice",
              "f_splat_concat", "f_item_augassign"]


@pytest.mark.parametrize("name", LIST_CASES)
def test_new_lists_and_slices_of_args_order_one_and_two(name):
    f = getattr(LISTS, name)
    assert_grads(f, grad(f, wrt=(0, 1)), (X, Y), (0, 1))
    np.testing.assert_allclose(hvp(f, wrt=1)(X, Y, V), gradient_fd(f, (X, Y), 1, V),
                               rtol=1e-5, atol=1e-7)
    assert_orders_one_and_two(f, (X, Y), 0, V)


BAD = load_module('''
def inc_shared(x, y):
    args = list((x, y))
    args[0] += 1.0              # changes x's array in place (Python), and x is read below
    return np.sum(x * args[0])


def inc_literal(x, y):
    args = [x, y]
    args[0] += 1.0
    return np.sum(x * args[0])


def inc_held_twice(x, y):
    L = [x * 1.0]
    L.append(L[0])
    L[0] += y                   # L[1] is the same array
    return np.sum(L[1] * x)


def write_into_item(*args):
    args = list(args)
    args[0][0] = 5.0            # a write into the caller's array
    return np.sum(args[0] * args[1])


def f_write_into_item(x, y):
    return write_into_item(x, y)


def other_name_of_a_new_list(x, y):
    a = list((x, y))
    b = a                       # the same list: b[0] sees the slot rebound
    a[0] = x * 2.0
    return np.sum(b[0] * y)


def new_list_held_by_another(x, y):
    a = list((x, y))
    b = [a]
    a[0] = x * 2.0
    return np.sum(b[0][0] * y)


def other_name_of_a_new_dict(x, y):
    a = dict({"p": x})
    b = a
    a["p"] = x * 2.0
    return np.sum(b["p"] * y)


def inc_dict_shared(x, y):
    d = {"a": x}
    d["a"] += x
    return np.sum(d["a"] * x)
''')


@pytest.mark.parametrize("name", ["other_name_of_a_new_list", "new_list_held_by_another",
                                  "other_name_of_a_new_dict"])
def test_a_slot_rebound_under_one_name_and_read_under_another_is_followed(name):
    """``b = a`` (or ``b = [a]``), ``a[0] = v``, then ``b[0]`` read: both names hold
    the same list or dict and neither is rebound, so b's reads are a's
    (srcdiff/list_names.py; refused before)."""
    f = getattr(BAD, name)
    for i in (0, 1):
        assert_orders_one_and_two(f, (X.copy(), Y.copy()), i, V)


@pytest.mark.parametrize("name", ["inc_shared", "inc_literal", "inc_held_twice",
                                  "f_write_into_item", "inc_dict_shared"])
def test_writes_into_an_item_array_that_another_name_reads_are_refused(name):
    f = getattr(BAD, name)
    for call in (lambda: grad(f)(X.copy(), Y.copy()),
                 lambda: jvp(f, (X.copy(), Y.copy()), (V, V)),
                 lambda: hvp(f)(X.copy(), Y.copy(), V)):
        with pytest.raises(srcdiff.SrcdiffError) as e:
            call()
        assert "gen_" in str(e.value) and "vjp_rule" not in str(e.value)
