"""Objects made inside the differentiated function: a NamedTuple, a
collections.namedtuple or a dataclass constructed there (keywords, positions,
field defaults), its fields read as attributes, by unpacking and by index,
``_replace``, passed to helpers and methods that read its fields. Each function
is checked at orders one and two against central differences; what srcdiff does
not follow (returning the object, writing a field, a __post_init__) is refused
with the user's file and line."""
import inspect

import inspect

import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, gradient_fd, load_module, numeric_grad

X = np.array([0.3, -0.2, 0.5, 0.7])
V = np.array([1.0, -0.5, 0.3, 0.2])

MOD = load_module('''
import collections
import dataclasses
from typing import NamedTuple


class P(NamedTuple):
    w: np.ndarray
    b: float
    scale: float = 2.0

    def energy(self):
        return np.sum(self.w ** 2) * self.scale

    @property
    def shift(self):
        return self.b * self.scale


Q = collections.namedtuple("Q", ["w", "b"])


@dataclasses.dataclass
class D:
    w: np.ndarray
    b: float
    kind: str = "tanh"

    def predict(self, X):
        return np.tanh(X @ self.w + self.b)

    def scaled(self, s):
        return D(self.w * s, self.b)


@dataclasses.dataclass
class Post:
    w: np.ndarray

    def __post_init__(self):
        self.w = self.w * 2


def helper(p, x):
    return np.sum(np.sin(p.w * x[:3])) * p.b


def f_keywords(x):
    p = P(w=x[:3], b=x[3])
    return np.sum(np.tanh(p.w) * p.b) + p.b ** 2


def f_positional_default(x):
    p = P(x[:3] * 2, x[3])
    return np.sum(np.tanh(p.w) * p.b) * p.scale + p.scale


def f_namedtuple_unpack_index(x):
    p = Q(x[:3], x[3])
    w, b = p
    return np.sum(np.tanh(w) * b) + p[1] ** 2 + np.sum(p[0] ** 3)


def f_dataclass(x):
    d = D(w=x[:3], b=x[3])
    if d.kind == "tanh":
        return np.sum(np.tanh(d.w) * d.b) + d.b ** 2
    return np.sum(d.w)


def f_replace(x):
    p = P(w=x[:3], b=x[3])
    p = p._replace(b=p.b * 2, scale=3.0)
    return np.sum(np.tanh(p.w) * p.b) * p.scale


def f_helper_method_property(x):
    p = P(np.cos(x[:3]), x[3] ** 2, scale=x[0])
    return helper(p, x) + p.energy() + p.shift


def f_dataclass_method(x):
    A = np.array([[0.5, -0.3, 0.2], [0.1, 0.4, -0.6]])
    d = D(x[:3], x[3])
    return np.sum(d.predict(A) ** 2)


def f_method_makes_another(x):
    d = D(x[:3], x[3])
    e = d.scaled(x[0])
    return np.sum(np.sin(e.w)) * d.b


def f_nested(x):
    inner = D(x[:3], x[3])
    p = P(w=inner, b=x[0], scale=2.0)
    q = P(D(np.cos(x[:3]), x[1]), x[2])
    layer = q.w
    s = np.sum(np.tanh(p.w.w) * p.w.b) * p.b + layer.predict(np.eye(3)).sum()
    if isinstance(layer, D) and type(p.w) is D:
        s = s + np.sum(q.w.w ** 2) * q.b
    return s


def f_returns_inner(x):
    p = P(w=D(x[:3], x[3]), b=x[0])
    return p.w


def f_in_loop(x):
    s = 0.0
    for k in range(3):
        p = P(w=x[:3] * (k + 1), b=x[3])
        s = s + np.sum(np.sin(p.w)) * p.b
    return s


def f_returns_object(x):
    p = P(w=x[:3], b=x[3])
    return p


def f_writes_field(x):
    d = D(w=x[:3], b=x[3])
    d.b = d.b * 2
    return np.sum(d.w) * d.b


def f_class_tests(x):
    p = P(x[:3], x[3])
    d = D(x[:3] ** 2, x[3])
    s = np.sum(p.w)
    if isinstance(p, P) and isinstance(d, (P, D)) and type(d) is D:
        s = s * p.b
    if d.__class__ is D and not isinstance(p, tuple.__class__):
        s = s + np.sum(d.w) * d.b
    return s


def f_len(x):
    p = P(x[:3], x[3])
    return np.sum(p.w) * len(p)


def f_in_tuple(x):
    d = D(x[:3], x[3])
    out = (np.sum(d.w), d)
    return out


def f_to_library(x):
    p = Q(x[:3], x[3])
    return np.sum(np.hstack(p))


def f_branches(x):
    if x[0] > 0:
        p = P(x[:3], x[3])
    else:
        p = P(x[:3] * 2, x[3])
    w, b = p[0], p[1]
    return np.sum(w) * b


def f_returned_by_helper(x):
    p = P(x[:3], x[3])
    q = same(p)
    return np.sum(q.w) * q.b


def same(p):
    return p


def f_param_replace(p, x):
    q = p._replace(b=x[0] * p.b)
    return np.sum(np.sin(q.w * x[:3])) * q.b + q.scale


def f_param_class_tests(d, x):
    s = np.sum(d.w * x)
    if isinstance(d, D) and type(d) is D and d.__class__ is D:
        s = s * d.b
    return s


def f_post_init(x):
    d = Post(x[:3])
    return np.sum(d.w)
''')


@pytest.mark.parametrize("name", ["f_keywords", "f_positional_default",
                                  "f_namedtuple_unpack_index", "f_dataclass", "f_replace",
                                  "f_helper_method_property", "f_dataclass_method",
                                  "f_in_loop", "f_returned_by_helper", "f_method_makes_another",
                                  "f_nested",
                                  "f_class_tests"])
def test_orders_one_and_two(name):
    assert_orders_one_and_two(getattr(MOD, name), [X.copy()], 0, V)


def test_value_and_grad_value_is_the_function_value():
    val, _ = srcdiff.value_and_grad(MOD.f_replace)(X.copy())
    assert np.isclose(val, MOD.f_replace(X.copy()))


@pytest.mark.parametrize("name, line, words", [
    ("f_returns_object", "p = P(w=x[:3], b=x[3])", "returns the P it makes"),
    ("f_writes_field", "d.b = d.b * 2", "assignment to an attribute"),
    ("f_post_init", "d = Post(x[:3])", "__post_init__"),
    ("f_len", "return np.sum(p.w) * len(p)", "used here as a whole"),
    ("f_returns_inner", "return p.w", "returns the D it makes"),
    ("f_in_tuple", "out = (np.sum(d.w), d)", "used here as a whole"),
    ("f_to_library", "return np.sum(np.hstack(p))", "used here as a whole"),
    ("f_branches", "p = P(x[:3], x[3])", "assigned elsewhere too"),
])
def test_refused_with_file_and_line(name, line, words):
    f = getattr(MOD, name)
    with pytest.raises(srcdiff.SrcdiffError) as e:
        if name in ("f_returns_object", "f_returns_inner"):
            srcdiff.jvp(f, (X.copy(),), (V,))
        else:
            srcdiff.grad(f)(X.copy())
    text = str(e.value)
    assert words in text
    src, first = inspect.getsourcelines(f)
    lineno = first + next(i for i, s in enumerate(src) if s.strip() == line)
    assert f"{MOD.__file__}:{lineno}:" in text, text


def test_class_tests_of_a_parameter_object_are_its_class():
    # (the generated code holds a dict of the fields: isinstance(d, D) was False)
    d = MOD.D(np.array([0.2, 0.4, -0.1]), 1.5)
    g = srcdiff.grad(MOD.f_param_class_tests, wrt=1)(d, X[:3].copy())
    np.testing.assert_allclose(g, d.w * d.b, rtol=1e-12)


def test_replace_of_a_parameter_namedtuple():
    p = MOD.P(np.array([0.2, 0.4, -0.1]), 1.5, 0.5)
    f = MOD.f_param_replace
    np.testing.assert_allclose(srcdiff.grad(f, wrt=1)(p, X.copy()), numeric_grad(f, [p, X], 1),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(srcdiff.hvp(f, wrt=1)(p, X.copy(), V),
                               gradient_fd(f, [p, X.copy()], 1, V), rtol=1e-5, atol=1e-7)
    g = srcdiff.grad(f, wrt=0)(p, X.copy())
    eps = 1e-6
    for k, field in enumerate(p._fields):
        base = np.asarray(p[k], dtype=float)
        want = np.zeros(base.shape)
        for i in np.ndindex(base.shape):
            up, down = base.copy(), base.copy()
            up[i] += eps
            down[i] -= eps
            want[i] = (f(p._replace(**{field: up}), X) - f(p._replace(**{field: down}), X)) \
                / (2 * eps)
        np.testing.assert_allclose(getattr(g, field), want, rtol=1e-6, atol=1e-8)
