"""Functions as values (issue 18): a function passed as an argument (a NumPy ufunc,
a user function, a lambda, a functools.partial), held in a tuple or dict literal,
returned by a factory, applied by map and functools.reduce, partial objects made in
the function. The generated code is specialised on the function's identity.
Gradients and Hessian-vector products against central differences."""
import functools

import numpy as np
import pytest

import srcdiff
from srcdiff import grad, hessian, hvp, jvp
from numeric import assert_grads, assert_orders_one_and_two, gradient_fd, load_module, numeric_grad

X = np.array([0.3, -0.2, 0.7])
Y = np.array([0.5, 1.5, -0.4])
V = np.array([1.0, -0.5, 0.25])

MOD = load_module('''
import functools


def loss(x, act):
    return np.sum(act(x) ** 2)


def apply_twice(x, act):
    return np.sum(act(act(x)) * x)


def sq(z):
    return z * z + np.sin(z)


cube = lambda z: z ** 3
gauss = lambda z: np.exp(-z * z)


def make(a):
    return lambda z: a * np.sin(z) * z


def f_factory(x, y):
    g = make(2.0)
    h = make(y[0])
    return np.sum(g(x)) + np.sum(h(x))


def f_partial(x, y):
    p = functools.partial(np.sum, axis=0)
    q = functools.partial(np.dot, y)
    return p(np.tanh(x) ** 2) + q(x) ** 2


def f_tuple(x, y):
    acts = (np.tanh, sq)
    return np.sum(acts[0](x) * acts[1](y))


def f_dict(x, y):
    acts = {"a": np.sin, "b": cube}
    return np.sum(acts["a"](x) * acts["b"](y))


def helper(fn, z):
    return fn(z) * z


def f_passed_on(x, y):
    return np.sum(helper(np.exp, x)) + np.sum(helper(cube, y))


def f_map(x, y):
    return sum(map(lambda z: np.sum(z ** 3), [x, y, x * y]))


def f_map2(x, y):
    return sum(list(map(lambda a, b: np.sum(np.sin(a) * b), [x, y], [y, x])))


def f_reduce(x, y):
    return np.sum(functools.reduce(lambda a, b: a * b, [x, y, np.cos(x)]))


def f_loop_over_functions(x, y):
    s = 0.0
    fns = [np.tanh, sq]
    for act in (np.sin, cube, lambda z: z * y):
        s = s + np.sum(act(x) * y)
    for fn in fns:
        s = s * 0.5 + np.sum(fn(y) * x)
    return s


def f_reduce_initial(x, y):
    return functools.reduce(lambda acc, v: acc + np.sum(v ** 2), [x, y], 0.5)
''')

SELF_CONTAINED = ["f_factory", "f_partial", "f_tuple", "f_dict", "f_passed_on", "f_map",
                  "f_map2", "f_reduce", "f_reduce_initial", "f_loop_over_functions"]


@pytest.mark.parametrize("name", SELF_CONTAINED)
def test_order_one(name):
    f = getattr(MOD, name)
    assert_grads(f, grad(f, wrt=(0, 1)), (X, Y), (0, 1))


@pytest.mark.parametrize("name", SELF_CONTAINED)
def test_order_two(name):
    f = getattr(MOD, name)
    for i in (0, 1):
        np.testing.assert_allclose(hvp(f, wrt=i)(X, Y, V), gradient_fd(f, (X, Y), i, V),
                                   rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", SELF_CONTAINED)
def test_forward_mode(name):
    f = getattr(MOD, name)
    _, dout = jvp(f, (X, Y), (V, None))
    np.testing.assert_allclose(dout, numeric_grad(f, (X, Y), 0) @ V, rtol=1e-6, atol=1e-8)


FUNCTIONS = [np.tanh, np.sin, MOD.sq, MOD.cube, MOD.gauss,
             functools.partial(np.power, 2.0), functools.partial(MOD.sq)]


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda fn: getattr(fn, "__name__", "partial"))
@pytest.mark.parametrize("name", ["loss", "apply_twice"])
def test_function_argument(name, fn):
    f = getattr(MOD, name)
    df = grad(f)
    assert_grads(f, df, (X, fn), 0)
    np.testing.assert_allclose(hvp(f)(X, fn, V), gradient_fd(f, (X, fn), 0, V), rtol=1e-5, atol=1e-7)
    _, dout = jvp(f, (X, fn), (V, None))
    np.testing.assert_allclose(dout, numeric_grad(f, (X, fn), 0) @ V, rtol=1e-6, atol=1e-8)


def test_one_transform_serves_each_function_by_identity():
    df = grad(MOD.loss)
    a = df(X, np.tanh)
    b = df(X, np.sin)
    np.testing.assert_allclose(a, 2 * np.tanh(X) * (1 - np.tanh(X) ** 2), rtol=1e-12)
    np.testing.assert_allclose(b, 2 * np.sin(X) * np.cos(X), rtol=1e-12)
    np.testing.assert_allclose(df(X, np.tanh), a, rtol=0)
    H = hessian(MOD.loss)(X, np.sin)
    np.testing.assert_allclose(np.diag(H), 2 * np.cos(2 * X), rtol=1e-10)


def test_map_of_a_nested_def_that_changes_its_caller():
    f = load_module('''
def f(x):
    acc = [0.0]
    def add(v):
        acc[0] = acc[0] + v
    list(map(add, [x * 2.0, x * x]))
    return acc[0]
''').f
    assert grad(f)(3.0) == pytest.approx(numeric_grad(f, (3.0,), 0), rel=1e-7)
    assert hvp(f)(3.0, 1.0) == pytest.approx(2.0, rel=1e-10)


def test_a_call_of_a_function_chosen_at_run_time_from_a_literal_is_differentiated():
    f = load_module('''
def f(x, k):
    acts = [np.tanh, np.sin]
    act = acts[k]
    return np.sum(act(x))
''').f
    for k in (0, 1, -1):
        np.testing.assert_allclose(grad(f)(X, k), numeric_grad(f, (X, k), 0), rtol=1e-6)


def test_a_call_of_a_function_chosen_at_run_time_is_refused_with_a_fitting_hint():
    f = load_module('''
def f(x, k):
    acts = []
    acts.append(np.tanh)
    act = acts[k]
    return np.sum(act(x))
''').f
    with pytest.raises(srcdiff.SrcdiffError) as e:
        grad(f)(X, 0)
    text = str(e.value)
    assert "local value 'act'" in text and "vjp_rule" not in text


# ---- closures, function defaults, module-level sequences of functions (issue 18) --------

CLOSURES = load_module('''
import srcdiff

FNS = (np.sin, lambda z: z ** 2, np.tanh)
FNS_LIST = [np.cos, lambda z: z * z * z]


def reduce_with(a, b, _r=np.sum):
    return _r(np.exp(a) * b)


def f_nested_def_called_twice(x, y):
    def g(z):
        return z * x
    return np.sum(g(x) + g(2.0 * y))


def f_local_lambda(x, y):
    fun = lambda z: np.sin(z) * x
    return np.sum(fun(y) * fun(x))


def f_closure_of_loop_variable(x, y):
    total = 0.0
    for i in range(3):
        g = lambda z: z * (i + 1.0) * y
        total = total + np.sum(g(x) ** 2)
    return total + np.sum(g(y) * x)      # (after the loop: the last i, as Python)


def f_factory(x, y):
    def make(c):
        return lambda z: c * z * x
    hs = [make(1.0), make(2.0)]
    return np.sum(hs[0](y) * hs[1](x))


def f_default_function(x, y):
    return reduce_with(x, y) + reduce_with(y, x, np.prod)


def f_module_tuple_of_functions(x, y):
    return np.sum(np.array([np.sum(f(x) * y) for f in FNS]))


def f_module_list_of_functions(x, y):
    out = 0.0
    for f in FNS_LIST:
        out = out + np.sum(f(x * y))
    return out
''')

CLOSURE_CASES = ["f_nested_def_called_twice", "f_local_lambda", "f_closure_of_loop_variable",
                 "f_factory", "f_default_function", "f_module_tuple_of_functions",
                 "f_module_list_of_functions"]


@pytest.mark.parametrize("name", CLOSURE_CASES)
def test_closures_and_function_values_order_one_and_two(name):
    f = getattr(CLOSURES, name)
    assert_grads(f, grad(f, wrt=(0, 1)), (X, Y), (0, 1))
    np.testing.assert_allclose(hvp(f, wrt=1)(X, Y, V), gradient_fd(f, (X, Y), 1, V),
                               rtol=1e-5, atol=1e-7)
    assert_orders_one_and_two(f, (X, Y), 0, V)


def test_a_function_default_of_the_differentiated_function_itself():
    f = CLOSURES.reduce_with
    a = 0.7
    assert grad(f)(a, Y) == pytest.approx(numeric_grad(f, (a, Y), 0), rel=1e-6)
    # given explicitly: its own variant
    g = grad(f, wrt=(0, 1))
    for args in ((a, Y, np.prod), (a, Y, np.max), (a, Y)):
        ga, gb = g(*args)
        assert ga == pytest.approx(numeric_grad(f, args, 0), rel=1e-6)
        np.testing.assert_allclose(gb, numeric_grad(f, args, 1), rtol=1e-6)
    assert hvp(f)(a, Y, 1.0) == pytest.approx(gradient_fd(f, (a, Y), 0, 1.0), rel=1e-5)


def test_a_module_list_of_functions_changed_after_the_transform_is_refused():
    mod = load_module('''
FNS = [np.sin, np.cos]


def f(x):
    return np.sum(np.array([np.sum(g(x)) for g in FNS]))
''')
    df = grad(mod.f)
    assert_grads(mod.f, df, (X,), 0)
    mod.FNS.append(np.tanh)
    with pytest.raises(srcdiff.SrcdiffError) as e:
        df(X)
    assert "changed" in str(e.value)


def test_transforms_of_a_functools_partial():
    # grad/jvp/hvp/jacobian(grad) of functools.partial(f, ...) of a Python function:
    # a function of the partial's remaining positional parameters
    mod = load_module('''
def f(x, y, scale=1.0):
    return np.sum(np.sin(x) * y) * scale
''')
    p = functools.partial(mod.f, y=Y, scale=2.0)
    fx = lambda x: mod.f(x, Y, 2.0)       # noqa: E731
    assert_grads(fx, grad(p), (X,), 0)
    np.testing.assert_allclose(hvp(p)(X, V), gradient_fd(fx, (X,), 0, V), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(srcdiff.jacobian(grad(p))(X) @ V, gradient_fd(fx, (X,), 0, V),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(jvp(p, (X,), (V,))[1], numeric_grad(fx, (X,), 0) @ V, rtol=1e-6)
    q = functools.partial(mod.f, X)         # a positional argument fixed
    assert_grads(lambda y: mod.f(X, y), grad(q), (Y,), 0)
    gx, gy = grad(functools.partial(mod.f, scale=3.0), wrt=(0, 1))(X, Y)
    np.testing.assert_allclose(gx, 3.0 * np.cos(X) * Y)
    np.testing.assert_allclose(gy, 3.0 * np.sin(X))


def test_a_function_default_naming_a_variable_of_the_defining_scope():
    # (the generated function's defaults were its source's: NameError for _r=red)
    def outer():
        red = np.max
        base = np.array([1.0, 2.0])

        def fun_plain(a, _r=red):
            return _r(np.exp(a) * base)
        return fun_plain
    f = outer()
    assert grad(f)(0.7) == pytest.approx(2.0 * np.exp(0.7), rel=1e-12)
    assert hvp(f)(0.7, 1.0) == pytest.approx(2.0 * np.exp(0.7), rel=1e-6)
