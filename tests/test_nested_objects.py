"""Nested parameter objects (issue 18): ``p.layer.W`` of an object held in an
object (a NamedTuple in a NamedTuple, a dataclass in a dataclass, a plain
object in a dataclass), read directly, through a name (``layer = p.layer``) or
by a method of the inner object; classes with ``__slots__``. Gradients come back
in the same nested structure (a NamedTuple of NamedTuples; a dict of dicts for
other objects); jvp and hvp take tangents of the same structure. Values against
central differences over every float leaf."""
import copy

import numpy as np
import pytest

import srcdiff
from srcdiff import grad, hvp, jvp
from numeric import load_module

EPS = 1e-6
X = np.array([0.4, -0.6, 0.2])
W = np.array([[0.3, -0.2, 0.1], [0.5, 0.1, -0.4], [0.2, 0.3, 0.6]])
B = np.array([0.1, -0.3, 0.2])

MOD = load_module('''
import dataclasses
from typing import NamedTuple


class Layer(NamedTuple):
    W: np.ndarray
    b: np.ndarray


class Net(NamedTuple):
    layer: Layer
    out: Layer
    scale: float


@dataclasses.dataclass
class DLayer:
    W: np.ndarray
    b: np.ndarray

    def forward(self, x):
        return np.tanh(self.W @ x + self.b)


class Head:
    def __init__(self, v, bias):
        self.v = v
        self.bias = bias


@dataclasses.dataclass
class DNet:
    layer: DLayer
    head: Head
    depth: int


class Slotted:
    __slots__ = ("W", "c")

    def __init__(self, W, c):
        self.W = W
        self.c = c


class SlottedNet:
    __slots__ = ("inner", "gain")

    def __init__(self, inner, gain):
        self.inner = inner
        self.gain = gain


def f_named(p, x):
    h = np.tanh(p.layer.W @ x + p.layer.b)
    return np.sum(np.sin(p.out.W @ h + p.out.b)) * p.scale


def f_named_through_names(p, x):
    layer = p.layer
    W, b = layer.W, layer.b
    h = np.tanh(W @ x + b)
    o = p[1]
    return np.sum(h * (o.W @ h)) + np.sum(o.b) * p.scale


def f_dataclasses(n, x):
    h = x
    for _ in range(n.depth):
        h = n.layer.forward(h)
    return np.sum(h * n.head.v) + n.head.bias ** 2


def f_slots(s, x):
    return np.sum(np.sin(s.W @ x)) * s.c


def f_slots_nested(s, x):
    return np.sum(np.cos(s.inner.W @ x) * s.gain) + s.inner.c * s.gain
''')


def net():
    return MOD.Net(MOD.Layer(W, B), MOD.Layer(W.T * 0.5, -B), 1.3)


def dnet():
    return MOD.DNet(MOD.DLayer(W, B), MOD.Head(np.array([0.5, -1.0, 0.3]), 0.7), 2)


def slotted():
    return MOD.Slotted(W, 0.8)


def slotted_net():
    return MOD.SlottedNet(MOD.Slotted(W * 0.7, 1.1), 0.6)


CASES = [("f_named", net), ("f_named_through_names", net), ("f_dataclasses", dnet),
         ("f_slots", slotted), ("f_slots_nested", slotted_net)]


# ---- leaves of nested objects -------------------------------------------------------

def _fields(obj):
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return list(obj._fields)
    if isinstance(obj, dict):
        return list(obj)
    slots = getattr(type(obj), "__slots__", None)
    return list(slots) if slots is not None else list(vars(obj))


def _get(obj, f):
    return obj[f] if isinstance(obj, dict) else getattr(obj, f)


def leaves(obj, path=()):
    """[(path, value)] of the float leaves of a nested object (or dict of its fields)."""
    if isinstance(obj, (float, np.floating)) or (isinstance(obj, np.ndarray)
                                                   and obj.dtype.kind == "f"):
        return [(path, obj)]
    if isinstance(obj, (int, str, bool)) or obj is None:
        return []
    out = []
    for f in _fields(obj):
        out += leaves(_get(obj, f), path + (f,))
    return out


def replaced(obj, path, value):
    if not path:
        return value
    f, rest = path[0], path[1:]
    new = replaced(_get(obj, f), rest, value)
    if isinstance(obj, tuple):
        return obj._replace(**{f: new})
    obj = copy.copy(obj)
    setattr(obj, f, new)
    return obj


def at(obj, path):
    for f in path:
        obj = _get(obj, f)
    return obj


def numeric_leaf_grads(f, obj, x):
    out = {}
    for path, v in leaves(obj):
        v = np.asarray(v, dtype=float)
        g = np.zeros_like(v)
        for idx in np.ndindex(v.shape):
            e = np.zeros_like(v)
            e[idx] = EPS
            plus = replaced(obj, path, v + e if v.ndim else float(v + e))
            minus = replaced(obj, path, v - e if v.ndim else float(v - e))
            g[idx] = (f(plus, x) - f(minus, x)) / (2 * EPS)
        out[path] = g
    return out


def directional(f, obj, x, t_obj, t_x, eps=1e-5):
    def moved(s):
        o = obj
        for path, v in leaves(obj):
            o = replaced(o, path, v + s * np.asarray(at(t_obj, path)))
        return o, x + s * t_x
    return moved


# ---- tests ---------------------------------------------------------------------------

@pytest.mark.parametrize("name,make", CASES)
def test_grad_has_the_objects_nested_structure(name, make):
    f, obj = getattr(MOD, name), make()
    g = grad(f)(obj, X)
    if isinstance(obj, tuple):
        assert type(g) is type(obj)
        assert type(g.layer) is type(obj.layer)
    else:
        assert isinstance(g, dict)
    want = numeric_leaf_grads(f, obj, X)
    assert want
    for path, w in want.items():
        np.testing.assert_allclose(np.asarray(at(g, path), dtype=float), w, rtol=1e-5,
                                   atol=1e-7, err_msg=str(path))


def _tangent(obj, seed):
    rng = np.random.default_rng(seed)
    t = obj
    for path, v in leaves(obj):
        t = replaced(t, path, rng.normal(size=np.shape(v)) if np.ndim(v) else float(rng.normal()))
    return t


@pytest.mark.parametrize("name,make", CASES)
def test_jvp_and_hvp_with_nested_tangents(name, make):
    f, obj = getattr(MOD, name), make()
    t_obj, t_x = _tangent(obj, 1), np.array([0.3, 0.2, -0.5])
    moved = directional(f, obj, X, t_obj, t_x)
    eps = 1e-5
    _, dout = jvp(f, (obj, X), (t_obj, t_x))
    want = (f(*moved(eps)) - f(*moved(-eps))) / (2 * eps)
    assert dout == pytest.approx(want, rel=1e-5, abs=1e-7)
    # order two: the Hessian-vector product in the object's direction, per leaf
    got = hvp(f)(obj, X, t_obj)
    g = grad(f)
    plus, minus = g(moved(eps)[0], X), g(moved(-eps)[0], X)
    for path, _ in leaves(obj):
        w = (np.asarray(at(plus, path)) - np.asarray(at(minus, path))) / (2 * eps)
        np.testing.assert_allclose(np.asarray(at(got, path), dtype=float), w, rtol=1e-4,
                                   atol=1e-6, err_msg=str(path))


# ---- objects inside lists and dicts ---------------------------------------------------

CONTAINERS = load_module('''
from typing import NamedTuple


class Layer(NamedTuple):
    W: np.ndarray
    b: np.ndarray


def f_list_loop(layers, x):
    for layer in layers:
        x = np.tanh(layer.W @ x + layer.b)
    return np.sum(x * x)


def f_list_index(layers, x):
    s = 0.0
    for k in range(len(layers)):
        s = s + np.sum(np.sin(layers[k].W @ x) * layers[k].b)
    return s


def f_dict(d, x):
    h = np.tanh(d["enc"].W @ x + d["enc"].b)
    return np.sum(d["dec"].W @ h * d["dec"].b)


def f_two_loops(layers, x):
    s = 0.0
    for layer in layers:
        s = s + np.sum(layer.b ** 2)
    for layer in layers:
        x = np.tanh(layer.W @ x + layer.b)
    return s + np.sum(x * x)


def f_loop_in_a_loop_then_a_loop(layers, x):
    # (the normalizer turns loops over lists into index loops one by one: the
    # inner loop was counted before it was turned, the last one after, and the
    # function refused as if layer were assigned something else; fuzz seed
    # 15002 program 1053)
    s = 0.0
    for c in x[:2]:
        for layer in layers:
            s = s + np.sum(layer.b * layer.W[0]) * c
    for layer in layers:
        x = np.tanh(layer.W @ x + layer.b)
    return s + np.sum(x * x)


def f_loop_name_rebound(layers, x):
    for layer in layers:
        x = np.tanh(layer.W @ x)
    layer = x * 2.0
    return np.sum(layer)


def f_loop_name_reused(layers, x):
    for layer in layers:
        x = np.tanh(layer.W @ x)
    for layer in range(2):
        x = x * (layer + 1.5)
    return np.sum(x)
''')


def layers():
    L = CONTAINERS.Layer
    return [L(W, B), L(W.T * 0.5, -B), L(W * 0.3, B * 2.0)]


def layer_dict():
    L = CONTAINERS.Layer
    return {"enc": L(W, B), "dec": L(W.T * 0.7, -B)}


def _leaves_of(c):
    items = c.items() if isinstance(c, dict) else enumerate(c)
    return [((k, f), getattr(v, f)) for k, v in items for f in v._fields]


def _with(c, key, f, value):
    c = dict(c) if isinstance(c, dict) else list(c)
    c[key] = c[key]._replace(**{f: value})
    return c


@pytest.mark.parametrize("name,make", [("f_list_loop", layers), ("f_list_index", layers),
                                       ("f_dict", layer_dict), ("f_two_loops", layers),
                                       ("f_loop_in_a_loop_then_a_loop", layers),
                                       ("f_loop_name_rebound", layers)])
def test_objects_in_lists_and_dicts(name, make):
    f, c = getattr(CONTAINERS, name), make()
    g = grad(f)(c, X)
    assert type(g) is type(c)
    for (key, fld), v in _leaves_of(c):
        assert type(g[key]) is CONTAINERS.Layer
        want = np.zeros_like(v)
        for idx in np.ndindex(v.shape):
            e = np.zeros_like(v)
            e[idx] = EPS
            want[idx] = (f(_with(c, key, fld, v + e), X) - f(_with(c, key, fld, v - e), X)) \
                / (2 * EPS)
        np.testing.assert_allclose(getattr(g[key], fld), want, rtol=1e-5, atol=1e-7)
    # order two: hvp in the direction of every leaf at once, against differences of grad
    rng = np.random.default_rng(3)
    t = make()
    for (key, fld), v in _leaves_of(c):
        t = _with(t, key, fld, rng.normal(size=v.shape))
    moved = lambda s: [c] and _moved(c, t, s)  # noqa: E731
    got = hvp(f)(c, X, t)
    plus, minus = grad(f)(moved(1e-5), X), grad(f)(moved(-1e-5), X)
    for (key, fld), _ in _leaves_of(c):
        np.testing.assert_allclose(getattr(got[key], fld),
                                   (getattr(plus[key], fld) - getattr(minus[key], fld)) / 2e-5,
                                   rtol=1e-4, atol=1e-6)
    _, dout = jvp(f, (c, X), (t, np.zeros(3)))
    want = (f(moved(1e-5), X) - f(moved(-1e-5), X)) / 2e-5
    assert dout == pytest.approx(want, rel=1e-5, abs=1e-7)


def _moved(c, t, s):
    out = c
    for (key, fld), v in _leaves_of(c):
        out = _with(out, key, fld, v + s * getattr(t[key], fld))
    return out


def test_loop_variable_of_two_loops_over_objects():
    """Two loops over the objects of a list with one loop variable (the fuzzer's
    seed 12041206 program 380: the second loop's ``layer.W`` was left an attribute
    read of the tuple that stands for the object, an AttributeError in the
    generated code when only ``x`` was differentiated). Gradient in x against
    central differences, and hvp in x against differences of that gradient."""
    f, c = CONTAINERS.f_two_loops, layers()
    g = grad(f, wrt=1)(c, X)
    want = np.array([(f(c, X + e) - f(c, X - e)) / (2 * EPS) for e in np.eye(3) * EPS])
    np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-8)
    u = np.array([0.3, -0.5, 0.2])
    got = hvp(f, wrt=1)(c, X, u)
    fd = (grad(f, wrt=1)(c, X + 1e-5 * u) - grad(f, wrt=1)(c, X - 1e-5 * u)) / 2e-5
    np.testing.assert_allclose(got, fd, rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("wrt", [0, 1])
def test_loop_variable_over_objects_assigned_elsewhere_is_refused(wrt):
    from srcdiff import SrcdiffError
    with pytest.raises(SrcdiffError, match=r"loop variable 'layer' holds the Layer objects"):
        grad(CONTAINERS.f_loop_name_reused, wrt=wrt)(layers(), X)


NESTED_DEF = load_module('''
def layers_looped_in_a_nested_def_too(t, layers):
    x = t * np.ones(2)
    for layer in layers:
        h = x @ layer.W + layer.b
        x = np.tanh(h)

    def g(z, k=0.37):
        x1 = h * 1.0
        for layer in layers:
            h2 = x1 @ layer.W + layer.b
            x1 = np.tanh(h2)
        return x1
    return np.sum(x ** 2)
''')


def test_a_nested_defs_loop_variable_is_its_own():
    """A nested def's ``for layer in layers`` binds its own ``layer``: counted with
    the function's, it made vjp (w.r.t. the layers too) refuse the function
    (fuzz seed 14001 program 8712)."""
    from collections import namedtuple
    L = namedtuple("L", ["W", "b"])
    layers = [L(np.eye(2) * 0.5, np.ones(2)), L(np.eye(2) * 0.3, np.zeros(2))]
    f = NESTED_DEF.layers_looped_in_a_nested_def_too
    out, f_vjp = srcdiff.vjp(f, 0.3, layers)
    dt, dlayers = f_vjp(1.0)
    eps = 1e-6
    np.testing.assert_allclose(dt, (f(0.3 + eps, layers) - f(0.3 - eps, layers)) / (2 * eps),
                               rtol=1e-6)
    bumped = [L(layers[0].W, layers[0].b + eps * np.array([1.0, 0.0])), layers[1]]
    low = [L(layers[0].W, layers[0].b - eps * np.array([1.0, 0.0])), layers[1]]
    np.testing.assert_allclose(dlayers[0].b[0], (f(0.3, bumped) - f(0.3, low)) / (2 * eps),
                               rtol=1e-6)
