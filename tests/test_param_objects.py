"""Parameters in objects (issue 18): attribute reads of a NamedTuple, a dataclass or a
plain object passed in, methods calling methods of the same object, grad of a bound
method; gradients in the object's structure (a NamedTuple of cotangents, a dict of
field cotangents for other objects); jvp/hvp/hessian with such parameters. Every
value is checked against central differences."""
import copy
import dataclasses

import numpy as np
import pytest

import srcdiff
from srcdiff import grad, hessian, hvp, jvp, value_and_grad, vjp
from numeric import load_module

EPS = 1e-6
X = np.array([0.3, -0.2, 0.5])
A = np.array([0.5, 1.5, -0.7])
W = np.array([[0.4, -0.3, 0.2], [0.1, 0.6, -0.5]])

MOD = load_module('''
import dataclasses
from typing import NamedTuple


class P(NamedTuple):
    a: np.ndarray
    log_noise: float
    n: int


@dataclasses.dataclass
class D:
    W: np.ndarray
    b: float
    kind: str = "tanh"


class Plain:
    scale = 2.0          # a class attribute

    def __init__(self, W, b, steps):
        self.W = W
        self.b = b
        self.steps = steps


def f_named(p, x):
    s = 0.0
    for k in range(p.n):
        s = s + np.sum(np.sin(p.a * x) * x) * np.exp(p.log_noise)
    return s + p.log_noise ** 3


def f_data(d, x):
    z = d.W @ x + d.b
    if d.kind == "tanh":
        z = np.tanh(z)
    return np.sum(z * z) * d.b


def f_plain(o, x):
    h = x
    for _ in range(o.steps):
        h = np.tanh(o.W.T @ (o.W @ h) + o.b)
    return np.sum(h ** 2) * o.scale


def f_read_into_names(p, x):
    a, log_noise = p.a, p.log_noise
    q = p
    return np.sum(np.cos(a * x)) * np.exp(log_noise) + np.sum(q.a ** 2)


class Model:
    def __init__(self, W, c):
        self.W = W
        self.c = c

    def residuals(self, x):
        return self.W @ x - self.c

    def weight(self):
        return 1.0 + np.sum(self.c ** 2)

    @property
    def scale(self):
        return np.exp(self.c[0])

    @staticmethod
    def penalty(x):
        return np.sum(x ** 4)

    def loss(self, x):
        r = self.residuals(x)
        return self.weight() * np.sum(np.sin(r) ** 2) * self.scale + self.penalty(x)


class GP:
    """A Gaussian-process marginal likelihood whose hyperparameters are fields."""

    def __init__(self, log_ls, log_sf, log_noise):
        self.log_ls = log_ls
        self.log_sf = log_sf
        self.log_noise = log_noise

    def kernel(self, x1, x2):
        d = x1[:, None] - x2[None, :]
        return np.exp(2 * self.log_sf) * np.exp(-0.5 * d ** 2 / np.exp(2 * self.log_ls))

    def nll(self, x, y):
        K = self.kernel(x, x) + np.exp(2 * self.log_noise) * np.eye(x.shape[0])
        alpha = np.linalg.solve(K, y)
        return 0.5 * y @ alpha + 0.5 * np.linalg.slogdet(K)[1]


def gp_nll(gp, x, y):
    return gp.nll(x, y)
''')


# ---- objects as flat vectors of their float fields ----------------------------------

def float_fields(obj):
    names = obj._fields if hasattr(obj, "_fields") else \
        [f.name for f in dataclasses.fields(obj)] if dataclasses.is_dataclass(obj) \
        else sorted(vars(obj))
    return [n for n in names if isinstance(getattr(obj, n), (float, np.ndarray))]


def with_field(obj, name, value):
    if hasattr(obj, "_replace"):
        return obj._replace(**{name: value})
    new = copy.copy(obj)
    setattr(new, name, value)
    return new


def field(g, name):
    return g[name] if isinstance(g, dict) else getattr(g, name)


def numeric_field_grad(f, obj, name, *rest):
    """Central differences of scalar f(obj, *rest) w.r.t. the field ``name``."""
    v = getattr(obj, name)
    if isinstance(v, float):
        return (f(with_field(obj, name, v + EPS), *rest)
                - f(with_field(obj, name, v - EPS), *rest)) / (2 * EPS)
    g = np.zeros_like(v)
    for i in np.ndindex(v.shape):
        p, m = v.copy(), v.copy()
        p[i] += EPS
        m[i] -= EPS
        g[i] = (f(with_field(obj, name, p), *rest) - f(with_field(obj, name, m), *rest)) / (2 * EPS)
    return g


def numeric_x_grad(f, obj, x, *rest):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        p, m = x.copy(), x.copy()
        p[i] += EPS
        m[i] -= EPS
        g[i] = (f(obj, p, *rest) - f(obj, m, *rest)) / (2 * EPS)
    return g


def check_object_grad(f, obj, *rest, rtol=1e-5, atol=1e-7):
    g = grad(f)(obj, *rest)
    for name in float_fields(obj):
        np.testing.assert_allclose(field(g, name), numeric_field_grad(f, obj, name, *rest),
                                   rtol=rtol, atol=atol, err_msg=name)
    return g


def directional(fn, obj, x, t_obj, t_x, eps=EPS):
    """Central difference of fn along (t_obj fields, t_x)."""
    def moved(s):
        o = obj
        for name in float_fields(obj):
            o = with_field(o, name, getattr(obj, name) + s * field(t_obj, name))
        return o, x + s * t_x
    return [(a - b) / (2 * eps) for a, b in zip(_flat(fn(*moved(eps))), _flat(fn(*moved(-eps))))]


def _flat(v):
    if hasattr(v, "_fields"):
        v = [getattr(v, n) for n in v._fields]
    elif isinstance(v, dict):
        v = [v[k] for k in sorted(v)]
    elif not isinstance(v, (list, tuple)):
        v = [v]
    return [np.asarray(e, dtype=float) for e in v if e is not None]


# ---- NamedTuple --------------------------------------------------------------------

def test_namedtuple_grad_is_a_namedtuple():
    p = MOD.P(A, 0.2, 2)
    g = check_object_grad(MOD.f_named, p, X)
    assert type(g) is MOD.P
    assert g.n is None          # an int field has no derivative


def test_namedtuple_grad_wrt_both():
    p = MOD.P(A, 0.2, 2)
    gp, gx = grad(MOD.f_named, wrt=(0, 1))(p, X)
    np.testing.assert_allclose(gx, numeric_x_grad(MOD.f_named, p, X), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(gp.a, numeric_field_grad(MOD.f_named, p, "a", X), rtol=1e-5)


def test_namedtuple_hvp_and_hessian():
    p = MOD.P(A, 0.2, 2)
    v = MOD.P(np.array([0.3, -1.0, 0.4]), 0.7, 0)
    got = hvp(MOD.f_named)(p, X, v)
    assert type(got) is MOD.P
    want = directional(lambda o, x: grad(MOD.f_named)(o, x), p, X, v, np.zeros(3))
    for name, w in zip(["a", "log_noise"], want):
        np.testing.assert_allclose(getattr(got, name), w, rtol=1e-5, atol=1e-7)
    H = hessian(MOD.f_named)(p, X)
    # the a-a block against central differences of the gradient
    cols = []
    for j in range(3):
        e = np.zeros(3)
        e[j] = 1.0
        cols.append(hvp(MOD.f_named)(p, X, MOD.P(e, 0.0, 0)).a)
    np.testing.assert_allclose(H[0][0], np.array(cols).T, rtol=1e-10, atol=1e-12)


def test_namedtuple_jvp():
    p = MOD.P(A, 0.2, 2)
    tp = MOD.P(np.array([0.3, -1.0, 0.4]), 0.7, 0)
    tx = np.array([1.0, 0.5, -0.5])
    out, dout = jvp(MOD.f_named, (p, X), (tp, tx))
    assert np.isclose(out, MOD.f_named(p, X))
    np.testing.assert_allclose(dout, directional(MOD.f_named, p, X, tp, tx)[0], rtol=1e-6)


def test_fields_read_into_names_and_copies():
    p = MOD.P(A, 0.2, 1)
    check_object_grad(MOD.f_read_into_names, p, X)
    v = MOD.P(np.array([0.3, -1.0, 0.4]), 0.7, 0)
    got = hvp(MOD.f_read_into_names)(p, X, v)
    want = directional(lambda o, x: grad(MOD.f_read_into_names)(o, x), p, X, v, np.zeros(3))
    np.testing.assert_allclose(got.a, want[0], rtol=1e-5, atol=1e-7)


# ---- dataclasses and plain objects: dicts of field cotangents -------------------------

def test_dataclass_grad_is_a_dict_of_fields():
    d = MOD.D(W, 0.3)
    g = check_object_grad(MOD.f_data, d, X)
    assert set(g) == {"W", "b", "kind"} and g["kind"] is None
    gx = grad(MOD.f_data, wrt=1)(d, X)
    np.testing.assert_allclose(gx, numeric_x_grad(MOD.f_data, d, X), rtol=1e-5, atol=1e-8)


def test_dataclass_other_branch_is_its_own_variant():
    d = MOD.D(W, 0.3, "linear")
    check_object_grad(MOD.f_data, d, X)


def test_dataclass_hvp_with_dict_or_object_tangent():
    d = MOD.D(W, 0.3)
    tW = np.array([[0.2, 0.1, -0.3], [0.5, -0.4, 0.1]])
    for v in ({"W": tW, "b": -0.6}, MOD.D(tW, -0.6)):
        got = hvp(MOD.f_data)(d, X, v)
        want = directional(lambda o, x: grad(MOD.f_data)(o, x), d, X, MOD.D(tW, -0.6),
                           np.zeros(3))
        np.testing.assert_allclose(got["W"], want[0], rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(got["b"], want[1], rtol=1e-5, atol=1e-7)


def test_plain_object_with_class_attribute_and_int_field():
    o = MOD.Plain(W, 0.1, 3)
    g = check_object_grad(MOD.f_plain, o, X)
    assert set(g) == {"W", "b", "steps"} and g["steps"] is None
    tW = np.array([[0.2, 0.1, -0.3], [0.5, -0.4, 0.1]])
    got = hvp(MOD.f_plain, wrt=(0, 1))(o, X, ({"W": tW}, np.ones(3)))
    want = directional(lambda ob, x: grad(MOD.f_plain, wrt=(0, 1))(ob, x)[1], o, X,
                       {"W": tW, "b": 0.0}, np.ones(3))
    np.testing.assert_allclose(got[1], want[0], rtol=1e-5, atol=1e-7)


# ---- jacobian(grad(f)) with object parameters (order two) -----------------------------

def _block(J, okey, ikey):
    b = J if okey is None else field(J, okey)
    return b if ikey is None else field(b, ikey)


def _moved(o, x, ikey, idx, step):
    """(o, x) with element ``idx`` of x (ikey None) or of the field ikey moved by step."""
    v = x if ikey is None else getattr(o, ikey)
    if isinstance(v, float):
        v = v + step
    else:
        v = v.copy()
        v[idx] += step
    return (o, v) if ikey is None else (with_field(o, ikey, v), x)


def numeric_jacobian_block(g, o, x, okey, ikey):
    """Central differences of ``g(o, x)`` (its field okey, or itself) w.r.t. x (ikey
    None) or the field ikey of o: shape out.shape + in.shape."""
    out = _block(g(o, x), okey, None)
    v = x if ikey is None else getattr(o, ikey)
    res = np.zeros(np.shape(out) + np.shape(v))
    for idx in np.ndindex(np.shape(v)):
        plus = _block(g(*_moved(o, x, ikey, idx, EPS)), okey, None)
        minus = _block(g(*_moved(o, x, ikey, idx, -EPS)), okey, None)
        res[(Ellipsis,) + idx] = (plus - minus) / (2 * EPS)
    return res


def user_f(p, x):
    return np.sum(p.a * x ** 2) + p.log_noise * np.sum(x) + np.sum(np.sin(x) * p.a) * p.log_noise


@pytest.mark.parametrize("which", ["namedtuple", "dataclass", "plain", "user"])
def test_jacobian_of_grad_with_an_object_parameter(which):
    # (it was refused with "f_grad has *args or **kwargs parameters" when the
    # gradient was w.r.t. the object, and crashed on "'D' object is not
    # subscriptable" when it was w.r.t. x of a dataclass or plain object)
    f, o = {"namedtuple": (MOD.f_named, MOD.P(A, 0.2, 2)),
            "dataclass": (MOD.f_data, MOD.D(W, 0.3)),
            "plain": (MOD.f_plain, MOD.Plain(W, 0.1, 2)),
            "user": (user_f, MOD.P(A, 1.5, 0))}[which]
    keys = {0: float_fields(o), 1: [None]}
    for i in (0, 1):
        g = grad(f, wrt=i)
        for j in (0, 1):
            J = srcdiff.jacobian(g, wrt=j)(o, X)
            if i == 0:
                assert type(J) is (type(o) if hasattr(o, "_fields") else dict)
            for okey in keys[i]:
                for ikey in keys[j]:
                    np.testing.assert_allclose(_block(J, okey, ikey),
                                               numeric_jacobian_block(g, o, X, okey, ikey),
                                               rtol=1e-5, atol=1e-7, err_msg=f"{i}{j}{okey}{ikey}")
    # fields without a derivative have None, as in grad's gradient
    J = srcdiff.jacobian(grad(f, wrt=0), wrt=0)(o, X)
    for name in set(keys[0]) ^ set(o._fields if hasattr(o, "_fields") else
                                   [n for n in vars(o) if not n.startswith("_")]):
        assert field(J, name) is None
    H = hessian(f, wrt=1)(o, X)
    np.testing.assert_allclose(H, srcdiff.jacobian(grad(f, wrt=1), wrt=1)(o, X), rtol=1e-10)


# ---- methods ------------------------------------------------------------------------

def model():
    return MOD.Model(W, np.array([0.2, -0.1]))


def test_method_calling_methods_of_the_same_object():
    m = model()
    gm, gx = grad(MOD.Model.loss, wrt=(0, 1))(m, X)
    np.testing.assert_allclose(gx, numeric_x_grad(MOD.Model.loss, m, X), rtol=1e-5, atol=1e-8)
    for name in ("W", "c"):
        np.testing.assert_allclose(gm[name], numeric_field_grad(MOD.Model.loss, m, name, X),
                                   rtol=1e-5, atol=1e-8, err_msg=name)


def test_grad_of_a_bound_method_follows_the_object():
    m = model()
    g = grad(m.loss)
    np.testing.assert_allclose(g(X), numeric_x_grad(lambda o, x: o.loss(x), m, X),
                               rtol=1e-5, atol=1e-8)
    m.W = 2 * W      # (an optimizer's update: the next call sees it)
    np.testing.assert_allclose(g(X), numeric_x_grad(lambda o, x: o.loss(x), m, X),
                               rtol=1e-5, atol=1e-8)
    value, g2 = value_and_grad(m.loss)(X)
    assert np.isclose(value, m.loss(X))
    np.testing.assert_allclose(g2, g(X), rtol=1e-12)


def test_bound_method_at_order_two():
    m = model()
    v = np.array([0.4, -1.0, 0.3])
    got = hvp(m.loss)(X, v)
    want = directional(lambda o, x: grad(o.loss)(x), m, X, {"W": 0 * W, "c": np.zeros(2)}, v)
    np.testing.assert_allclose(got, want[0], rtol=1e-5, atol=1e-7)
    H = hessian(m.loss)(X)
    np.testing.assert_allclose(H @ v, got, rtol=1e-10, atol=1e-12)


def test_method_gradient_wrt_the_object_at_order_two():
    m = model()
    v = {"W": np.array([[0.2, 0.1, -0.3], [0.5, -0.4, 0.1]]), "c": np.array([1.0, -0.5])}
    got = hvp(MOD.Model.loss)(m, X, v)
    want = directional(lambda o, x: grad(MOD.Model.loss)(o, x), m, X, v, np.zeros(3))
    np.testing.assert_allclose(got["W"], want[0], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got["c"], want[1], rtol=1e-5, atol=1e-7)


def test_vjp_of_a_method():
    m = model()
    out, f_vjp = vjp(MOD.Model.loss, m, X)
    gm, gx = f_vjp(1.0)
    np.testing.assert_allclose(gx, numeric_x_grad(MOD.Model.loss, m, X), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(gm["c"], numeric_field_grad(MOD.Model.loss, m, "c", X),
                               rtol=1e-5, atol=1e-8)


def test_gaussian_process_hyperparameters():
    gp = MOD.GP(0.1, -0.2, -1.0)
    x = np.linspace(-1.0, 1.0, 5)
    y = np.sin(3 * x)
    g = check_object_grad(MOD.gp_nll, gp, x, y, rtol=1e-4)
    assert set(g) == {"log_ls", "log_sf", "log_noise"}
    v = {"log_ls": 0.3, "log_sf": -0.5, "log_noise": 1.0}
    got = hvp(MOD.gp_nll)(gp, x, y, v)
    want = directional(lambda o, xx: grad(MOD.gp_nll)(o, xx, y), gp, x, v, np.zeros(5))
    for name, w in zip(sorted(v), want):
        np.testing.assert_allclose(got[name], w, rtol=1e-4, atol=1e-6, err_msg=name)


# ---- refusals -----------------------------------------------------------------------

def test_attribute_that_is_not_a_field_is_refused_with_a_fitting_hint():
    f = load_module('''
def f(x):
    y = np.ones(3) * x
    return np.sum(y.base_value)
''').f
    with pytest.raises(srcdiff.SrcdiffError) as e:
        grad(f)(X)
    text = str(e.value)
    assert "attribute .base_value of y" in text and "vjp_rule" not in text
    assert "objects passed as arguments" in text


def test_method_of_a_local_value_is_refused_with_a_fitting_hint():
    f = load_module('''
def f(x):
    y = np.ones(3) * x
    return y.frobnicate()
''').f
    with pytest.raises(srcdiff.SrcdiffError) as e:
        grad(f)(X)
    text = str(e.value)
    assert ".frobnicate() of y" in text and "vjp_rule" not in text


def test_source_of_an_object_function_is_there_after_the_first_call():
    g = grad(MOD.f_data)
    with pytest.raises(srcdiff.SrcdiffError):
        srcdiff.source(g)
    g(MOD.D(W, 0.3), X)
    text = srcdiff.source(g)
    assert "d['W']" in text or 'd["W"]' in text


@pytest.mark.parametrize("which", ["namedtuple", "dataclass"])
def test_jvp_and_vjp_of_a_gradient_wrt_an_object(which):
    """The value (and the tangent) of grad(f, wrt=0) come back in grad's form (a
    NamedTuple, a dict of fields), not as the generated code's containers; its
    vjp takes a cotangent in that form."""
    f, o, t = {"namedtuple": (MOD.f_named, MOD.P(A, 0.2, 2), MOD.P(X, 0.7, 0)),
               "dataclass": (MOD.f_data, MOD.D(W, 0.3), MOD.D(W[::-1] * 0.5, 0.7))}[which]
    g = grad(f, wrt=0)
    form = type(o) if hasattr(o, "_fields") else dict
    out, dout = jvp(g, (o, X), (t, np.zeros(3)))
    assert type(out) is form and type(dout) is form
    want = directional(lambda ob, x: g(ob, x), o, X, t, np.zeros(3))
    for name, w in zip(float_fields(o), want):
        np.testing.assert_allclose(field(dout, name), w, rtol=1e-5, atol=1e-7, err_msg=name)
        np.testing.assert_allclose(field(out, name), field(g(o, X), name), rtol=1e-12)
    out, pullback = vjp(g, o, X)
    assert type(out) is form
    co, cx = pullback(out)
    # <out, d g(o, x)/dx . e_k> by central differences along x
    for k in range(3):
        e = np.zeros(3)
        e[k] = 1.0
        d = directional(lambda ob, x: g(ob, x), o, X, {n: 0.0 * getattr(o, n) for n in
                                                         float_fields(o)}, e)
        np.testing.assert_allclose(cx[k], sum(np.sum(field(out, n) * dd) for n, dd in
                                              zip(float_fields(o), d)), rtol=1e-5, atol=1e-7)
