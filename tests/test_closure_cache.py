"""A loss rebuilt as a closure every step reuses the generated code (issue 19).

``lambda w: model(w, batch)`` and ``make_loss(batch)`` (a nested def) are new
function objects each step. Their generated code is keyed by what determines
it (code object, options, argument kinds, the identity of the helpers and
globals the transform read; the closed-over data only by type and shape), so
a fresh closure runs no transform, memory stays flat, and the derivative
follows the closure's own values and helpers.
"""
import gc
import linecache
import tracemalloc

import numpy as np
import pytest

import srcdiff
from srcdiff.api import generate as api, forward_generate as forward_api
from srcdiff.frontend import prepare as pipeline
from srcdiff.frontend.parse import materialized

from numeric import load_module, numeric_grad

SOURCE = """
def model(w, X):
    return np.tanh(X @ w)


def make_loss(X, y):
    def loss(w):
        r = model(w, X) - y
        return np.mean(r ** 2)
    return loss


def make_lambda(X, y):
    return lambda w: np.mean((model(w, X) - y) ** 2)


def make_regularised(X, lam):
    def loss(w):
        return np.sum(model(w, X)) + lam * np.sum(w ** 2)
    return loss


def make_act_loss(act, X):
    def loss(w):
        return np.sum(act(X @ w))
    return loss


def cube(z):
    return z ** 3


def square_sum(z):
    return np.sum(z ** 2)


def make_with_default(c):
    def loss(w, s=1.0, *, t=2.0):
        return np.sum(s * w ** 2) + t * np.sum(w)
    loss.__defaults__ = (c,)
    loss.__kwdefaults__ = {"t": 2 * float(np.sum(c))}
    return loss


def make_with_global_data(v):
    def loss(w):
        return np.sum(w * v) + square_sum(w * DATA)
    return loss
"""

rng = np.random.default_rng(19)
W = rng.normal(size=3)
V = rng.normal(size=3)


def batch(i, rows=8):
    r = np.random.default_rng(i)
    return r.normal(size=(rows, 3)), r.normal(size=rows)


@pytest.fixture(scope="module")
def mod():
    return load_module(SOURCE, DATA=np.arange(3.0))


def expected_grad(X, y, w):
    t = np.tanh(X @ w)
    return X.T @ (2 * (t - y) * (1 - t ** 2)) / len(y)


def expected_hvp(X, y, w, v):
    """The Hessian of the mean squared loss times v (central differences of the
    closed-form gradient)."""
    eps = 1e-6
    return (expected_grad(X, y, w + eps * v) - expected_grad(X, y, w - eps * v)) / (2 * eps)


def run(transform, f):
    """One derivative of the scalar ``f`` at W by ``transform``, as an array."""
    if transform == "grad":
        return srcdiff.grad(f)(W)
    if transform == "value_and_grad":
        return srcdiff.value_and_grad(f)(W)[1]
    if transform == "vjp":
        return srcdiff.vjp(f, W)[1](1.0)[0]
    if transform == "jvp":
        return srcdiff.jvp(f, (W,), (V,))[1]
    return srcdiff.hvp(f)(W, V)


def expected(transform, X, y):
    if transform == "jvp":
        return expected_grad(X, y, W) @ V
    if transform == "hvp":
        return expected_hvp(X, y, W, V)
    return expected_grad(X, y, W)


def derivative(transform, gradient):
    """What ``run(transform, f)`` gives for an ``f`` with this closed-form
    gradient (its Hessian times V by central differences of the gradient)."""
    if transform == "jvp":
        return gradient(W) @ V
    if transform == "hvp":
        eps = 1e-6
        return (gradient(W + eps * V) - gradient(W - eps * V)) / (2 * eps)
    return gradient(W)


TRANSFORMS = ["grad", "value_and_grad", "vjp", "jvp", "hvp"]
FORMS = ["make_loss", "lambda"]


def fresh(mod, form, i):
    X, y = batch(i)
    return (mod.make_loss if form == "make_loss" else mod.make_lambda)(X, y), X, y


@pytest.fixture
def transforms_run(monkeypatch):
    """Counts the functions parsed and transformed (pipeline._prepare)."""
    count = [0]
    prepare = pipeline._prepare

    def counting(*args, **kwargs):
        count[0] += 1
        return prepare(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_prepare", counting)
    return count


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("transform", TRANSFORMS)
def test_fresh_closure_is_not_transformed_again(mod, transform, form, transforms_run):
    """After the first closure, a fresh closure of the same def over new data
    runs no transform, and its derivative is that of its own data."""
    f, X, y = fresh(mod, form, 0)
    np.testing.assert_allclose(run(transform, f), expected(transform, X, y), rtol=1e-6,
                               atol=1e-8)
    before = transforms_run[0]
    for i in range(1, 20):
        f, X, y = fresh(mod, form, i)
        np.testing.assert_allclose(run(transform, f), expected(transform, X, y), rtol=1e-6,
                                   atol=1e-8)
    assert transforms_run[0] == before


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("transform", TRANSFORMS)
def test_memory_is_flat_over_fresh_closures(mod, transform, form):
    """2,000 fresh closures (each over a new batch) leave no more than 256 KB
    behind (before: about 23 KB each, 46 MB)."""
    X, y = batch(0)

    def step():
        f = (mod.make_loss if form == "make_loss" else mod.make_lambda)(X + 0.0, y)
        return run(transform, f)

    for _ in range(200):
        step()
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(100):
            step()
        gc.collect()
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(2000):
            step()
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert growth < 256 * 1024, f"{growth} bytes kept by 2,000 fresh closures"


@pytest.mark.parametrize("transform", TRANSFORMS)
def test_changed_closed_over_values_are_followed(mod, transform):
    """Closed-over data changes between closures (new arrays, a new float, an
    array of another shape, a float where an array was): each derivative is
    that of its own closure's values."""
    def reference(X, lam):
        def gradient(w):
            return X.T @ (1 - np.tanh(X @ w) ** 2) + 2 * lam * w
        return derivative(transform, gradient)

    for i, (rows, lam) in enumerate([(8, 0.5), (8, 2.0), (5, -1.0), (5, np.float64(0.25)),
                                     (8, np.array(3.0))]):
        X = batch(i, rows)[0]
        got = run(transform, mod.make_regularised(X, lam))
        np.testing.assert_allclose(got, reference(X, lam), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("transform", ["grad", "value_and_grad", "vjp", "jvp", "hvp"])
def test_changed_closed_over_helpers_are_followed(mod, transform):
    """A closed-over helper function differs between closures of the same def:
    each derivative is that of its own helper (tanh, sin, a user function),
    also when helpers alternate."""
    X = batch(3)[0]
    slopes = {np.tanh: lambda z: 1 - np.tanh(z) ** 2, np.sin: np.cos,
              mod.cube: lambda z: 3 * z ** 2}
    for act in [np.tanh, np.sin, mod.cube, np.tanh, mod.cube, np.sin]:
        f = mod.make_act_loss(act, X)
        want = derivative(transform, lambda w: X.T @ slopes[act](X @ w))
        np.testing.assert_allclose(run(transform, f), want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("transform", TRANSFORMS)
def test_defaults_of_fresh_closures_are_followed(mod, transform):
    """Default values differ between closures of the same def (a float, a
    keyword-only one, an array): each derivative uses its own closure's."""
    for c in [1.0, 3.0, np.array([1.0, 2.0, -1.0]), -0.5]:
        def gradient(w, c=c):
            return 2 * c * w + 2 * float(np.sum(c))
        np.testing.assert_allclose(run(transform, mod.make_with_default(c)),
                                   derivative(transform, gradient), rtol=1e-6, atol=1e-7)


def test_rebound_global_helper_is_followed(mod):
    """A global helper the cached code inlined is rebound: the next fresh
    closure is transformed again and follows it."""
    X, y = batch(4)
    np.testing.assert_allclose(srcdiff.grad(mod.make_loss(X, y))(W), expected_grad(X, y, W))
    model = mod.model
    try:
        mod.model = lambda w, X: np.sin(X @ w)
        got = srcdiff.grad(mod.make_loss(X, y))(W)
        want = numeric_grad(lambda w: np.mean((np.sin(X @ w) - y) ** 2), [W], 0)
        np.testing.assert_allclose(got, want, rtol=1e-6)
    finally:
        mod.model = model
    np.testing.assert_allclose(srcdiff.grad(mod.make_loss(X, y))(W), expected_grad(X, y, W))


def test_closure_value_that_is_also_a_callees_global(mod):
    """The closed-over array is the very object an inlined helper reads as a
    global (both are one name in the generated code): a later closure over
    another array must not rebind the helper's global with it."""
    data = mod.DATA
    for v in [data, data + 1.0, data * 2.0, data]:
        got = srcdiff.grad(mod.make_with_global_data(v))(W)
        np.testing.assert_allclose(got, v + 2 * W * data ** 2)


def test_linecache_entry_released_with_the_code(mod):
    """Generated source stays in linecache while a function made from it
    lives, and is released once it and its cache entries are gone."""
    f = load_module("def once(w):\n    return np.sum(np.cos(w))\n").once
    g = srcdiff.grad(f)
    srcdiff.source(g)       # (the code for unknown argument kinds is made when first needed)
    filename = g.__srcdiff_wrapped__.__code__.co_filename
    assert filename in linecache.cache
    np.testing.assert_allclose(g(W), -np.sin(W))
    del g
    for cache in (api._cache, forward_api._cache, pipeline._prepared):
        cache.clear()
    gc.collect()
    assert filename not in linecache.cache


def test_caches_are_bounded(mod, monkeypatch):
    """The generated-code cache holds at most its size (least recently used
    entries go first)."""
    monkeypatch.setattr(api._cache, "size", 4)
    for k in range(10):
        f = load_module(f"def f{k}(w):\n    return np.sum(w ** {k + 2})\n").__dict__[f"f{k}"]
        np.testing.assert_allclose(srcdiff.grad(f)(W), (k + 2) * W ** (k + 1))
        assert len(api._cache) <= 4


@pytest.fixture
def reverse_transforms(monkeypatch):
    """Counts the reverse transforms made (api._generate_uncached)."""
    count = [0]
    generate = api._generate_uncached

    def counting(*args, **kwargs):
        count[0] += 1
        return generate(*args, **kwargs)

    monkeypatch.setattr(api, "_generate_uncached", counting)
    return count


def test_grad_and_its_first_call_transform_once(reverse_transforms):
    """grad(f) prepares f; its first call makes the one variant it runs (for
    its arguments' kinds); the variant for unknown kinds is made only when
    something needs it (a transform of the gradient, srcdiff.jit, source
    before any call), and gives the same numbers."""
    f = load_module("def h(w):\n    return np.sum(np.sin(w) * w)\n").h
    g = srcdiff.grad(f)
    assert reverse_transforms[0] == 0
    expected = np.cos(W) * W + np.sin(W)
    np.testing.assert_allclose(g(W), expected)
    assert reverse_transforms[0] == 1
    assert "def h_grad(w):" in srcdiff.source(g)      # (the variant that ran)
    assert reverse_transforms[0] == 1
    core = materialized(g).__srcdiff_wrapped__
    assert reverse_transforms[0] == 2
    np.testing.assert_allclose(core(W), expected)
    assert g.__name__ == core.__name__ == "h_grad"
    g2 = srcdiff.grad(f)                  # (before any call: the code for unknown kinds)
    assert "def h_grad(w):" in srcdiff.source(g2)
    assert reverse_transforms[0] == 2


def test_refusals_of_preparation_come_from_grad_itself():
    """What parsing and normalizing refuse is refused when the gradient is
    requested, not later at its first call."""
    f = load_module("def h(w):\n    try:\n        return np.sum(w)\n    except ValueError:\n"
                    "        return 0.0\n").h
    with pytest.raises(srcdiff.SrcdiffError, match="try"):
        srcdiff.grad(f)
