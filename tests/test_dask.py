"""Generated derivatives run unchanged on Dask arrays (NEP-13/18 dispatch).

For functions from the examples and a representative set of rules, ``grad``,
``vjp`` and ``jvp`` called with chunked Dask arrays must return Dask arrays
without computing anything (a Dask callback counts every computation, and
Dask's "not implemented by Dask, computing" fallback is an error), and their
computed values must equal the NumPy results.
"""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
from dask.callbacks import Callback  # noqa: E402

import srcdiff  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error:.*is not implemented by Dask")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class CountComputes(Callback):
    def __init__(self):
        super().__init__()
        self.n = 0

    def _start(self, dsk):
        self.n += 1


# ---- functions under test ---------------------------------------------------

def elementwise(x):
    return np.sum(np.sin(x) * np.exp(x) + np.tanh(x) ** 2 + np.sqrt(x * x + 1.0))


def reductions(X):
    return (np.sum(np.mean(X ** 2, axis=0) * np.max(X, axis=0))
            + np.sum(np.var(X, axis=1)) + np.mean(np.std(X, axis=0, keepdims=True))
            + np.sum(np.cumsum(X, axis=0)[-1]))


def matmul(X, w):
    return np.sum((X @ w - 1.0) ** 2) + np.sum(np.dot(X.T, X) * 0.01)


def broadcasting(X, w):
    return np.sum((X - w) * (X + w[None, :]) / (1.0 + w ** 2))


def where_clip(x):
    return np.sum(np.where(x > 0, x ** 2, -x) + np.clip(x, -0.5, 0.5) + np.maximum(x, 0.1))


def loop(x):
    s = x
    for i in range(4):
        s = np.sin(s) * 0.5 + x
    return np.sum(s)


def slicing(X):
    return np.sum(X[2:10, 1:4] ** 2) + np.sum(X[:, 0] * X[:, 1]) + np.sum(X[-1] ** 3)


def rows_loop(X, w):
    s = 0.0
    for i in range(4):
        s = s + np.sum(np.tanh(X[i] * w) ** 2)
    return s


def fancy_index(X):
    return np.sum(X[[0, 2, 2, -1]] ** 2) + np.sum(np.take(X, [1, 3, 3], axis=1) ** 3)


def diag_take(X):
    return np.sum(np.diag(X[:6, :6], 1) ** 2) + np.sum(np.take(X[3], [0, 5, 5]) ** 2)


def concat(X, w):
    return np.sum(np.concatenate([X[0], w, X[1]]) ** 2) + np.sum(np.stack([w, X[3]]) ** 3)


def logistic(w, b, X, y):          # examples/dask_logistic.py
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - y * z)


def sine_fit(m, n, o, p, a, target):   # examples/sine_fit.py
    pred = m + n * a + o * a ** 2 + p * a ** 3
    return np.sum((pred - target) ** 2)


def cell(h, x, W, U, b):            # examples/rnn.py
    return np.tanh(W @ h + U @ x + b)


def rnn(W, U, b, xs, target):
    h = np.zeros(W.shape[0])
    states = []
    for x in xs:
        h = cell(h, x, W, U, b)
        states.append(h)
    h = (states[-1] + states[-2] + states[-3]) / 3.0
    return np.sum((h - target) ** 2)


def quickstart(x, y):               # examples/quickstart.py
    return 3 * x ** 3 - y ** 2


rng = np.random.default_rng(0)
X = rng.normal(size=(40, 6))
w = rng.normal(size=6)
xs = rng.normal(size=(5, 3))


def dask_of(a):
    if np.ndim(a) == 0:
        return a
    return da.from_array(a, chunks=tuple(max(1, n // 2) for n in np.shape(a)))


CASES = {
    "elementwise": (elementwise, [w]),
    "reductions": (reductions, [X]),
    "matmul": (matmul, [X, w]),
    "broadcasting": (broadcasting, [X, w]),
    "where_clip": (where_clip, [w]),
    "loop": (loop, [w]),
    "slicing": (slicing, [X]),
    "rows_loop": (rows_loop, [X, w]),
    "fancy_index": (fancy_index, [X]),
    "concat": (concat, [X, w]),
    "diag_take": (diag_take, [X]),
    "logistic": (logistic, [w, 0.3, X, (X[:, 0] > 0).astype(float)]),
    "sine_fit": (sine_fit, [0.1, 0.2, 0.3, 0.4, np.linspace(-3, 3, 50), np.sin(np.linspace(-3, 3, 50))]),
    "rnn": (rnn, [rng.normal(size=(4, 4)) * 0.5, rng.normal(size=(4, 3)) * 0.5, np.zeros(4), xs,
                  rng.normal(size=4) * 0.5]),
}


def _check(results, expected):
    """Every array result is a lazy Dask array whose value matches NumPy's."""
    assert len(results) == len(expected)
    for r, e in zip(results, expected):
        if np.ndim(e) > 0:
            assert isinstance(r, da.Array), type(r)
        val = r.compute() if isinstance(r, da.Array) else r
        np.testing.assert_allclose(val, e, rtol=1e-10, atol=1e-12)


def _array_positions(args):
    return tuple(i for i, a in enumerate(args) if np.ndim(a) > 0)


@pytest.mark.parametrize("name", sorted(CASES))
def test_grad_on_dask(name):
    f, args = CASES[name]
    wrt = tuple(range(len(args)))
    g = srcdiff.grad(f, wrt=wrt)
    expected = g(*args)
    dargs = [dask_of(a) for a in args]
    with CountComputes() as c:
        got = g(*dargs)
        assert c.n == 0, "the gradient computed a Dask array before .compute()"
    pos = _array_positions(args)
    _check([got[i] for i in pos], [expected[i] for i in pos])
    # scalar (Python float) inputs get a 0-d cotangent: a lazy Dask scalar or a float
    for i in set(wrt) - set(pos):
        np.testing.assert_allclose(np.asarray(da.compute(got[i])[0]), expected[i], rtol=1e-10)


@pytest.mark.parametrize("name", sorted(CASES))
def test_vjp_on_dask(name):
    f, args = CASES[name]
    out, f_vjp = srcdiff.vjp(f, *args)
    expected = f_vjp(1.0)
    dargs = [dask_of(a) for a in args]
    with CountComputes() as c:
        dout, df_vjp = srcdiff.vjp(f, *dargs)
        got = df_vjp(1.0)
        assert c.n == 0
    pos = _array_positions(args)
    _check([dout] + [got[i] for i in pos], [out] + [expected[i] for i in pos])


@pytest.mark.parametrize("name", sorted(CASES))
def test_jvp_on_dask(name):
    f, args = CASES[name]
    tangents = tuple(np.full(np.shape(a), 0.3) if np.ndim(a) else 0.3 for a in args)
    out, dout = srcdiff.jvp(f, tuple(args), tangents)
    dargs = tuple(dask_of(a) for a in args)
    dtans = tuple(dask_of(t) for t in tangents)
    with CountComputes() as c:
        got_out, got_dout = srcdiff.jvp(f, dargs, dtans)
        assert c.n == 0
    assert isinstance(got_out, da.Array) and isinstance(got_dout, da.Array)
    _check([got_out, got_dout], [out, dout])


def test_vector_output_vjp_on_dask():
    """quickstart's W(x, y) with a Dask cotangent: dW/dx = 9x^2, dW/dy = -2y."""
    x, y = dask_of(np.array([2.0, 3.0, 1.0, 4.0])), dask_of(np.array([6.0, 4.0, 1.0, 2.0]))
    with CountComputes() as c:
        out, f_vjp = srcdiff.vjp(quickstart, x, y)
        dx, dy = f_vjp(da.ones_like(out))
        assert c.n == 0
    _check([dx, dy], [9 * x.compute() ** 2, -2 * y.compute()])


def test_numpy_parameters_dask_data():
    """The common case: small NumPy parameters, large Dask data; the gradient of
    the NumPy parameters is a lazy Dask array (no NumPy buffer is written with
    Dask values, which would compute them)."""
    def f(p, X):
        return np.sum(np.tanh(X @ p[0:6]) ** 2) + p[6] ** 2 + np.sum(p[[1, 1]])
    p = rng.normal(size=7)
    expected = srcdiff.grad(f)(p, X)
    with CountComputes() as c:
        got = srcdiff.grad(f)(p, dask_of(X))
        assert c.n == 0
    _check([got], [expected])


def test_foreign_scatter_refused():
    """The cotangent of ``X[idx]`` for a Dask integer array ``idx`` needs a
    scatter-add whose repeats cannot be checked without computing ``idx``:
    refused with a SrcdiffError, never converted to NumPy."""
    def f(X, idx):
        return np.sum(X[idx] ** 2)
    idx = np.array([0, 2, 2])
    assert np.allclose(srcdiff.grad(f)(X, idx)[2], 4 * X[2])
    with pytest.raises(srcdiff.SrcdiffError, match="scatter-add"):
        srcdiff.grad(f)(dask_of(X), da.from_array(idx, chunks=2))


def test_runtime_index_add_rounds():
    """Repeated indices accumulate on Dask arrays (Dask's item assignment alone
    would keep only one of the repeats)."""
    from srcdiff.runtime import index_add
    g = np.arange(12.0).reshape(4, 3)
    for index in ([0, 2, 2, 2], (slice(None), [1, 1, 0]), np.array([[3, 3], [0, 3]])):
        gi = np.zeros((5, 3))[index].shape
        gv = np.arange(float(np.prod(gi))).reshape(gi) + 1
        ref = np.zeros((5, 3))
        np.add.at(ref, index, gv)
        d = da.zeros((5, 3), chunks=2)
        index_add(d, index, dask_of(gv))
        np.testing.assert_allclose(d.compute(), ref)
    del g


def test_dask_logistic_example():
    pytest.importorskip("distributed")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proc = subprocess.run(
            [sys.executable, os.path.join(ROOT, "examples", "dask_logistic.py"),
             "--rows", "20000", "--steps", "3", "--check"],
            capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "dask_logistic: OK" in proc.stdout
    assert "dashboard:" in proc.stdout and "peak memory" in proc.stdout
    assert "graph of one step:" in proc.stdout and "Sending large graph" not in proc.stderr


# ---- the graph stays small: nothing of the data's size is built on the client ----

def logistic(w, b, X, y):
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - y * z)


def mean_square(X):
    return np.mean(X ** 2)


def scaled_sum(s, X):
    return np.sum(X * s, axis=0)


class _ArrayCensus(__import__("pickle").Pickler):
    """Pickles a graph and notes the size of every NumPy array in it (the
    pickler visits every value the graph holds: tasks, their arguments,
    literals)."""

    def __init__(self, fh):
        super().__init__(fh, protocol=5)
        self.sizes = []

    def reducer_override(self, obj):
        if isinstance(obj, np.ndarray):
            self.sizes.append(obj.size)
        return NotImplemented


def graph_census(*arrays):
    """(the pickled size in bytes of the graph of ``arrays``, the largest NumPy
    array it holds)."""
    import io
    import dask
    graph = dask.base.collections_to_expr(arrays).__dask_graph__()
    fh = io.BytesIO()
    p = _ArrayCensus(fh)
    p.dump(dict(graph))
    return len(fh.getvalue()), max(p.sizes, default=0)


def _logistic_graph(rows):
    X = da.ones((rows, 5), chunks=(rows // 8, 5))
    y = da.zeros(rows, chunks=rows // 8)
    value, (gw, gb) = srcdiff.value_and_grad(logistic, wrt=("w", "b"))(np.zeros(5), 0.0, X, y)
    return graph_census(value, gw, gb)


def test_value_and_grad_graph_stays_small():
    """The value-and-grad graph of a logistic loss on millions of rows (never
    computed at that size): no NumPy array in it grows with the number of rows
    (the seed cotangent and the broadcasts undoing the mean are Dask's own), and
    it pickles to under 1 MiB."""
    with CountComputes() as c:
        small_bytes, small_largest = _logistic_graph(1_600_000)
        big_bytes, big_largest = _logistic_graph(8_000_000)
        assert c.n == 0
    assert big_largest == small_largest and big_largest <= 5, (small_largest, big_largest)
    assert big_bytes < 2 ** 20, big_bytes


def test_numpy_cotangent_broadcast_stays_in_dask():
    """A NumPy cotangent (vjp's ``dout``) or tangent (jvp of a NumPy scalar
    parameter) broadcast to the shape of Dask data becomes a lazy Dask broadcast,
    not a NumPy array of the data's size; the values are NumPy's."""
    rows = 4_000_000
    X = da.ones((rows, 3), chunks=(rows // 4, 3))
    with CountComputes() as c:
        out, f_vjp = srcdiff.vjp(mean_square, X)
        (gX,) = f_vjp(np.float64(1.0))
        assert isinstance(gX, da.Array)
        vjp_bytes, vjp_largest = graph_census(gX)
        out, dout = srcdiff.jvp(scaled_sum, (2.0, X), (np.float64(1.0), da.zeros_like(X)))
        assert isinstance(dout, da.Array)
        jvp_bytes, jvp_largest = graph_census(dout)
        assert c.n == 0
    assert vjp_largest <= 3 and jvp_largest <= 3, (vjp_largest, jvp_largest)
    assert vjp_bytes < 2 ** 20 and jvp_bytes < 2 ** 20
    small = np.arange(12.0).reshape(4, 3)
    (g_np,) = srcdiff.vjp(mean_square, small)[1](np.float64(1.0))
    (g_da,) = srcdiff.vjp(mean_square, dask_of(small))[1](np.float64(1.0))
    _check([g_da], [g_np])
