"""Tensor shim: every operator and method against central differences.

Each op's gradient comes from the rule table; a test whose rule has not been
registered yet is skipped with the name of the missing rule.
"""
import operator

import numpy as np
import pytest

from srcdiff.rules import lookup
from srcdiff.tensor import Tensor, tensor, no_grad


def needs(*funcs):
    """Skip unless every one of ``funcs`` has a vjp rule."""
    for f in funcs:
        rule = lookup(f)
        if rule is None or rule.vjp is None:
            name = getattr(f, "__name__", repr(f))
            pytest.skip(f"waiting for the vjp rule of {name}")


def central(fn, arrays, i, w, eps=1e-6):
    """d sum(w * fn(*arrays)) / d arrays[i] by central differences."""
    x = np.array(arrays[i], dtype=float)
    g = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        vals = []
        for s in (+1, -1):
            xs = x.copy()
            xs[k] += s * eps
            args = list(arrays)
            args[i] = xs
            with no_grad():
                out = fn(*[tensor(a) for a in args])
            vals.append(np.sum(w * np.asarray(out.data, dtype=float)))
        g[k] = (vals[0] - vals[1]) / (2 * eps)
    return g


def check(fn, *arrays, rtol=1e-5, atol=1e-6, seed=0):
    """Compare the Tensor gradients of ``fn`` with central differences."""
    rng = np.random.default_rng(seed)
    ts = [tensor(a, requires_grad=True) for a in arrays]
    out = fn(*ts)
    assert isinstance(out, Tensor)
    assert out.requires_grad and out.grad_fn is not None
    w = rng.standard_normal(out.shape)
    out.backward(gradient=w)
    for i, (t, a) in enumerate(zip(ts, arrays)):
        num = central(fn, arrays, i, w)
        assert t.grad is not None, f"no gradient for argument {i}"
        assert t.grad.shape == np.shape(a)
        np.testing.assert_allclose(t.grad.data, num, rtol=rtol, atol=atol,
                                   err_msg=f"argument {i}")
    return ts


R = np.random.default_rng(42)
A = R.standard_normal((3, 4))
B = R.standard_normal((3, 4))
P = R.uniform(0.5, 2.0, (3, 4))       # positive
ROW = R.standard_normal(4)
COL = R.standard_normal((3, 1))
M = R.standard_normal((4, 2))
V3 = R.standard_normal(3)
V4 = R.standard_normal(4)
S = np.array(0.7)


# ---- operators ---------------------------------------------------------------

@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv])
@pytest.mark.parametrize("shapes", [(A, B), (A, ROW), (COL, A), (A, S), (S, A)])
def test_binary_operators_broadcasting(op, shapes):
    x, y = shapes
    if op is operator.truediv:
        y = np.abs(y) + 0.5
    check(op, x, y)


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv,
                                operator.pow])
def test_operators_with_python_scalars(op):
    check(lambda t: op(t, 1.7), P)
    check(lambda t: op(2.3, t), P)


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv,
                                operator.matmul])
def test_operators_with_arrays_on_either_side(op):
    y = M if op is operator.matmul else P
    check(lambda t: op(t, y), A)
    x = A if op is operator.matmul else P
    check(lambda t: op(x, t), M if op is operator.matmul else B)


def test_array_on_the_left_returns_a_tensor():
    t = tensor(A, requires_grad=True)
    for out in (P + t, P * t, P - t, P / t, A.T @ t):
        assert isinstance(out, Tensor) and out.requires_grad


@pytest.mark.parametrize("exponent", [2, 3, 4, 0.5, -1, 2.5])
def test_power_constant_exponent(exponent):
    check(lambda t: t ** exponent, P)
    check(lambda t: t.pow(exponent), P)


def test_power_tensor_exponent_and_base():
    check(lambda x, y: x ** y, P, B)
    check(lambda y: 1.5 ** y, B)


def test_fast_integer_power_matches_numpy():
    x = tensor(A)
    np.testing.assert_allclose((x ** 3).data, A ** 3, rtol=1e-15)
    np.testing.assert_allclose((x ** 4).data, A ** 4, rtol=1e-15)


def test_negation_and_positive():
    check(operator.neg, A)
    check(operator.pos, A)


def test_mod():
    check(lambda x: x % 0.7, P)


@pytest.mark.parametrize("shapes", [(A, M), (V4, M), (A, V4), (V4, V4),
                                    (R.standard_normal((2, 3, 4)), M)])
def test_matmul(shapes):
    check(operator.matmul, *shapes)
    check(lambda x, y: x.matmul(y), *shapes)


def test_mm_and_dot():
    check(lambda x, y: x.mm(y), A, M)
    check(lambda x, y: x.dot(y), V4, V4)
    check(lambda x, y: x.dot(y), A, M)
    check(lambda x, y: np.dot(x, y), A, V4)


# ---- elementwise methods and NumPy functions ----------------------------------

@pytest.mark.parametrize("name,func,data", [
    ("exp", np.exp, A), ("log", np.log, P), ("sqrt", np.sqrt, P), ("sin", np.sin, A),
    ("cos", np.cos, A), ("tanh", np.tanh, A), ("tan", np.tan, A * 0.3), ("abs", np.abs, A),
    ("square", np.square, A), ("log1p", np.log1p, P), ("expm1", np.expm1, A),
    ("log2", np.log2, P), ("log10", np.log10, P), ("sinh", np.sinh, A), ("cosh", np.cosh, A),
    ("arcsin", np.arcsin, A * 0.2), ("arccos", np.arccos, A * 0.2), ("arctan", np.arctan, A),
])
def test_unary_methods(name, func, data):
    needs(func)
    check(lambda t: getattr(t, name)(), data)
    check(func, data)            # np.func(t) through __array_ufunc__


def test_abs_operator():
    needs(np.abs)
    check(abs, A)


def test_sigmoid_relu_reciprocal_rsqrt():
    check(lambda t: t.sigmoid(), A)
    check(lambda t: t.relu(), A)
    check(lambda t: t.reciprocal(), P)
    check(lambda t: t.rsqrt(), P)
    x = tensor([-1.0, 0.0, 2.0], requires_grad=True)
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 1.0])    # 0 at 0, like PyTorch


def test_clamp():
    needs(np.clip)
    data = np.linspace(-2, 2, 12).reshape(3, 4) + 0.01
    check(lambda t: t.clamp(-1.0, 1.0), data)
    check(lambda t: t.clamp(min=0.0), data)
    check(lambda t: t.clamp(max=0.5), data)
    check(lambda t: t.clip(-1.0, 1.0), data)


def test_maximum_minimum():
    check(lambda x, y: np.maximum(x, y), A, B)
    check(lambda x: x.maximum(tensor(0.1)), A)
    check(lambda x, y: x.max(y), A, B)
    needs(np.minimum)
    check(lambda x, y: np.minimum(x, y), A, B)
    check(lambda x, y: x.min(y), A, B)


# ---- reductions -----------------------------------------------------------------

@pytest.mark.parametrize("kw", [{}, {"dim": 0}, {"dim": 1}, {"dim": 1, "keepdim": True},
                                {"dim": (0, 1)}, {"axis": 0, "keepdims": True}])
def test_sum_and_mean(kw):
    check(lambda t: t.sum(**kw), A)
    check(lambda t: t.mean(**kw), A)


def test_numpy_reductions_on_tensors():
    check(lambda t: np.sum(t), A)
    check(lambda t: np.sum(t, axis=0), A)
    check(lambda t: np.mean(t, axis=1, keepdims=True), A)


def test_prod():
    needs(np.prod)
    check(lambda t: t.prod(), P)
    check(lambda t: t.prod(dim=1), P)


@pytest.mark.parametrize("method", ["var", "std"])
def test_var_std(method):
    needs(getattr(np, method))
    check(lambda t: getattr(t, method)(), A)
    check(lambda t: getattr(t, method)(dim=0), A)
    check(lambda t: getattr(t, method)(dim=1, unbiased=False, keepdim=True), A)


def test_max_min_reductions():
    needs(np.max, np.min)
    check(lambda t: t.max(), A)
    check(lambda t: t.min(), A)
    check(lambda t: t.amax(dim=0), A)
    check(lambda t: t.amin(dim=1, keepdim=True), A)
    check(lambda t: t.max(dim=1).values, A)
    check(lambda t: t.min(0)[0], A)
    t = tensor(A)
    values, indices = t.max(dim=1)
    np.testing.assert_array_equal(indices.data, np.argmax(A, axis=1))
    np.testing.assert_allclose(values.data, A.max(axis=1))
    v, i = t.min(dim=0, keepdim=True)
    assert v.shape == (1, 4) and i.shape == (1, 4)


def test_argmax_is_not_differentiable():
    t = tensor(A, requires_grad=True)
    i = t.argmax()
    assert i.data == np.argmax(A) and not i.requires_grad
    j = np.argmax(t, axis=0)          # NumPy function: integer result, no rule needed
    assert isinstance(j, Tensor) and not j.requires_grad


def test_cumsum():
    needs(np.cumsum)
    check(lambda t: t.cumsum(0), A)
    check(lambda t: t.cumsum(dim=1), A)


def test_norm():
    needs(np.linalg.norm)
    check(lambda t: t.norm(), A)
    check(lambda t: t.norm(dim=1), A)


# ---- shapes -------------------------------------------------------------------------

def test_reshape_view_flatten():
    needs(np.reshape)
    check(lambda t: t.reshape(4, 3), A)
    check(lambda t: t.reshape((2, 6)), A)
    check(lambda t: t.view(-1), A)
    check(lambda t: t.view(6, 2) * 2.0, A)
    check(lambda t: t.flatten(), R.standard_normal((2, 3, 2)))
    check(lambda t: t.flatten(1), R.standard_normal((2, 3, 2)))
    check(lambda t: t.view_as(tensor(np.zeros((4, 3)))), A)


def test_transposes():
    needs(np.transpose, np.swapaxes)
    check(lambda t: t.T, A)
    check(lambda t: t.t(), A)
    check(lambda t: t.transpose(0, 1), A)
    X = R.standard_normal((2, 3, 4))
    check(lambda t: t.permute(2, 0, 1), X)
    check(lambda t: t.transpose(-1, -2), X)
    check(lambda t: t.mT, X)


def test_squeeze_unsqueeze_expand():
    needs(np.squeeze, np.expand_dims, np.broadcast_to)
    check(lambda t: t.unsqueeze(0), A)
    check(lambda t: t.unsqueeze(-1), A)
    check(lambda t: t.squeeze(), COL)
    check(lambda t: t.squeeze(1), COL)
    check(lambda t: t.expand(3, 5), COL)
    check(lambda t: t.expand(2, -1, 4), COL)


def test_flip():
    needs(np.flip)
    check(lambda t: t.flip(0), A)


def test_outer():
    needs(np.outer)
    check(lambda x, y: x.outer(y), V3, V4)


def test_concatenate_and_stack_of_tensors():
    needs(np.concatenate)
    check(lambda x, y: np.concatenate([x, y]), A, B)
    check(lambda x, y: np.concatenate([x, y, np.ones((1, 4))], axis=0), A, B)
    needs(np.stack)
    check(lambda x, y: np.stack([x, y], axis=1), A, B)


def test_where():
    needs(np.where)
    check(lambda x, y: np.where(A > 0, x, y), A, B)


# ---- indexing ---------------------------------------------------------------------------

@pytest.mark.parametrize("idx", [
    1, -1, (1, 2), slice(1, 3), (slice(None), 2), (Ellipsis, 0), (None, 1),
    [0, 2], [2, 2, 0], (np.array([0, 0, 2]), np.array([1, 1, 3])),
    np.array([[True, False, True, False]] * 3), (slice(None), [3, 3, 1]),
])
def test_getitem(idx):
    check(lambda t: t[idx] * 1.0, A)


def test_getitem_with_tensor_indices():
    i = tensor([0, 2, 2])
    check(lambda t: t[i], A)
    mask = tensor(A) > 0
    check(lambda t: t[mask], A)


def test_getitem_repeated_indices_accumulate():
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 0, 2]].sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 0.0, 1.0])


def test_iteration_records_getitem():
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    total = sum(v * v for v in x)
    total.backward()
    np.testing.assert_allclose(x.grad.data, 2 * x.data)


@pytest.mark.parametrize("idx,value_shape", [
    (1, (4,)), ((0, 2), ()), (slice(0, 2), (2, 4)), (slice(0, 2), (4,)),
    ([0, 2], (2, 4)), ((slice(None), 1), (3,)), ((slice(None), 1), (1,)),
    ((slice(0, 2), slice(1, 3)), (1, 2)),
])
def test_setitem_gradients(idx, value_shape):
    v = R.standard_normal(value_shape)

    def f(x, v):
        y = x * 1.0          # a non-leaf copy
        y[idx] = v
        return y * np.arange(1.0, 13.0).reshape(3, 4)
    check(f, A, v)


def test_setitem_on_a_plain_tensor_makes_it_require_grad():
    w = tensor(2.0, requires_grad=True)
    buf = tensor(np.zeros(3))
    buf[1] = w * 3.0
    assert buf.requires_grad and not buf.is_leaf
    (buf * tensor([1.0, 5.0, 1.0])).sum().backward()
    assert w.grad.item() == 15.0


def test_setitem_does_not_corrupt_saved_values():
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1.0
    z = (y * y).sum()          # saves y's values
    y[0] = 100.0               # rebinds y.data; the saved array is unchanged
    z.backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 4.0, 6.0])


# ---- in-place operators on non-leaf tensors ---------------------------------------------

def test_inplace_ops_on_nonleaf_are_recorded():
    def f(x, y):
        z = x * 1.0
        z += y
        z *= x
        z -= 2.0
        z /= 3.0
        z **= 2
        return z
    check(f, A, B)


def test_inplace_methods():
    def f(x, y):
        z = x * 1.0
        z.add_(y, alpha=2.0).mul_(x).sub_(y).div_(2.0)
        return z
    check(f, A, B)


def test_clone_and_copy_():
    check(lambda t: t.clone() * 2.0, A)

    def f(x, y):
        z = x * 1.0
        z.copy_(y * 3.0)
        return z
    check(f, A, B)


def test_clamp_inplace():
    needs(np.clip)
    data = np.linspace(-2, 2, 12).reshape(3, 4) + 0.01

    def f(x):
        z = x * 1.0
        z.clamp_(-1.0, 1.0)
        return z
    check(f, data)


def test_dtype_conversion():
    needs(np.astype)
    x = tensor(A, requires_grad=True)
    y = x.float()
    assert y.dtype == np.float32 and y.requires_grad
    (y * 2.0).double().sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad.data, 2.0)
    assert x.double() is x and x.to(np.float64) is x
    assert x.long().dtype == np.int64 and not x.long().requires_grad
