"""Tensor shim: graph semantics, grad modes, errors, creation, repr."""
import copy
import pickle
import threading

import numpy as np
import pytest

from srcdiff.errors import SrcdiffError
from srcdiff.rules import registry
from srcdiff.tensor import (Tensor, TensorError, tensor, zeros, ones, full, rand, randn,
                            linspace, arange, zeros_like, ones_like, from_numpy, manual_seed,
                            no_grad, enable_grad, set_grad_enabled, is_grad_enabled)


# ---- the classic tutorial ---------------------------------------------------------

def test_tutorial_gradient_with_external_grad():
    a = tensor([2.0, 3.0], requires_grad=True)
    b = tensor([6.0, 4.0], requires_grad=True)
    Q = 3 * a ** 3 - b ** 2
    Q.backward(gradient=tensor([1.0, 1.0]))
    np.testing.assert_allclose(a.grad.data, 9 * a.data ** 2)
    np.testing.assert_allclose(b.grad.data, -2 * b.data)


def test_requires_grad_propagates():
    x = rand(5, 5)
    y = rand(5, 5)
    z = rand(5, 5, requires_grad=True)
    assert not (x + y).requires_grad
    assert (x + z).requires_grad
    assert (np.sin(x) * z).requires_grad
    assert not np.sin(x).requires_grad
    assert (x + z).grad_fn is not None and (x + y).grad_fn is None


def test_leaf_and_grad_fn():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert x.is_leaf and x.grad_fn is None
    assert not y.is_leaf and y.grad_fn is not None
    assert "Backward" in y.grad_fn.name()
    assert tensor([1.0]).is_leaf
    assert y.grad_fn.next_functions == ((None, 0),)     # x is a leaf
    z = y * y
    assert z.grad_fn.next_functions[0][0] is y.grad_fn


# ---- backward semantics ---------------------------------------------------------

def test_gradients_accumulate_across_backward_calls_and_reset():
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 4 * x.data)
    grad_obj = x.grad
    (x * 3.0).sum().backward()
    assert x.grad is grad_obj                      # accumulated into the same Tensor
    np.testing.assert_allclose(x.grad.data, 4 * x.data + 3)
    x.grad = None
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 3.0, 3.0])
    x.grad.zero_()
    np.testing.assert_allclose(x.grad.data, 0.0)
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 3.0, 3.0])


def test_dag_with_shared_subexpressions():
    x = tensor(1.5, requires_grad=True)
    a = x * x            # used twice
    b = a * x + a        # x^3 + x^2
    c = np.sin(a) * b    # sin(x^2) (x^3 + x^2)
    c.backward()
    xv = 1.5
    expected = (np.cos(xv ** 2) * 2 * xv * (xv ** 3 + xv ** 2)
                + np.sin(xv ** 2) * (3 * xv ** 2 + 2 * xv))
    np.testing.assert_allclose(x.grad.item(), expected)


def test_deep_chain_does_not_recurse():
    x = tensor(1.0, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 1.0001 ** 5000)


def test_second_backward_through_freed_graph_raises():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(TensorError, match="second time") as info:
        y.backward()
    assert isinstance(info.value, RuntimeError) and "retain_graph" in str(info.value)


def test_retain_graph_allows_a_second_backward():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, 4 * x.data)


def test_backward_on_non_scalar_needs_gradient():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(TensorError, match="scalar outputs"):
        y.backward()
    with pytest.raises(TensorError, match="shape"):
        y.backward(gradient=tensor([1.0, 1.0, 1.0]))
    y.backward(gradient=np.array([1.0, 10.0]))
    np.testing.assert_allclose(x.grad.data, [2.0, 20.0])


def test_backward_on_size_one_tensor_without_gradient():
    x = tensor([3.0], requires_grad=True)
    (x * x).backward()
    np.testing.assert_allclose(x.grad.data, [6.0])


def test_backward_without_requires_grad_raises():
    with pytest.raises(TensorError, match="does not require grad"):
        (tensor([1.0]) * 2).sum().backward()


def test_backward_on_leaf():
    x = tensor(2.0, requires_grad=True)
    x.backward()
    assert x.grad.item() == 1.0


def test_retain_grad_on_non_leaf():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    assert y.retains_grad
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad.data, 2 * y.data)
    z = x * 4
    (z * z).sum().backward()
    assert z.grad is None                      # not retained


def test_grad_dtype_and_shape_follow_the_leaf():
    x = tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    (x * np.float64(2.0)).sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.shape == (3,)
    s = tensor(2.0, requires_grad=True)
    (s * np.ones((2, 3))).sum().backward()      # broadcast: summed back to ()
    assert s.grad.shape == () and s.grad.item() == 6.0


def test_leaf_grads_do_not_alias():
    a = tensor([1.0, 2.0], requires_grad=True)
    b = tensor([1.0, 2.0], requires_grad=True)
    (a + b).sum().backward()
    assert not np.shares_memory(a.grad.data, b.grad.data)
    a.grad.data[0] = 99.0
    assert b.grad.data[0] == 1.0


def test_in_place_leaf_update_refused_outside_no_grad():
    w = tensor([1.0, 2.0], requires_grad=True)
    for update in (lambda: w.__iadd__(1.0), lambda: w.__setitem__(0, 5.0),
                   lambda: w.zero_(), lambda: w.mul_(2.0), lambda: w.add_(1.0),
                   lambda: w.fill_(1.0), lambda: w.copy_(tensor([0.0, 0.0]))):
        with pytest.raises(TensorError, match="in-place") as info:
            update()
        assert isinstance(info.value, SrcdiffError) and isinstance(info.value, RuntimeError)
    np.testing.assert_array_equal(w.data, [1.0, 2.0])
    with no_grad():
        w -= 0.5
        w[1] = 7.0
    np.testing.assert_array_equal(w.data, [0.5, 7.0])
    assert w.is_leaf and w.requires_grad


def test_update_under_no_grad_keeps_the_graph_values():
    w = tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    with no_grad():
        w -= 10.0
    loss.backward()                                   # d/dw at the recorded values
    np.testing.assert_allclose(w.grad.data, [2.0, 4.0])


def test_requires_grad_flag_rules():
    x = tensor([1.0], requires_grad=True)
    y = x * 2
    with pytest.raises(TensorError, match="leaf"):
        y.requires_grad = False
    with pytest.raises(TensorError, match="floating point"):
        tensor([1, 2], requires_grad=True)
    t = tensor([1.0])
    assert t.requires_grad_() is t and t.requires_grad
    t.requires_grad_(False)
    assert not t.requires_grad


def test_detach():
    x = tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.is_leaf
    y = (d * x).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.data, d.data)


# ---- grad modes -------------------------------------------------------------------------

def test_no_grad_context_and_decorators():
    x = tensor([1.0], requires_grad=True)
    with no_grad():
        assert not is_grad_enabled()
        assert not (x * 2).requires_grad
        with enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad
    assert is_grad_enabled() and (x * 2).requires_grad

    @no_grad()
    def f(t):
        return t * 2

    @no_grad
    def g(t):
        return t * 2

    @enable_grad()
    def h(t):
        return t * 2

    assert not f(x).requires_grad and not g(x).requires_grad
    with no_grad():
        assert h(x).requires_grad
    assert is_grad_enabled()


def test_no_grad_restores_on_exception_and_nests():
    ng = no_grad()
    try:
        with ng:
            with ng:
                raise ValueError
    except ValueError:
        pass
    assert is_grad_enabled()


def test_set_grad_enabled():
    with set_grad_enabled(False):
        assert not is_grad_enabled()
    assert is_grad_enabled()
    set_grad_enabled(False)
    assert not is_grad_enabled()
    set_grad_enabled(True)
    assert is_grad_enabled()

    @set_grad_enabled(False)
    def f():
        return is_grad_enabled()
    assert f() is False and is_grad_enabled()


def test_grad_mode_is_thread_local():
    seen = {}

    def worker():
        seen["enabled"] = is_grad_enabled()
        x = tensor([1.0], requires_grad=True)
        seen["rg"] = (x * 2).requires_grad

    with no_grad():
        th = threading.Thread(target=worker)
        th.start()
        th.join()
    assert seen == {"enabled": True, "rg": True}


# ---- NumPy interop and the rule table ---------------------------------------------------

def test_numpy_functions_return_tensors_and_record_nodes():
    x = tensor([0.1, 0.2], requires_grad=True)
    y = np.sin(x)
    assert isinstance(y, Tensor) and y.grad_fn is not None
    s = np.sum(y * y, axis=0)
    assert isinstance(s, Tensor) and s.shape == ()
    s.backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.sin(x.data) * np.cos(x.data))


def test_arrays_mixed_with_tensors_are_constants():
    a = np.array([1.0, 2.0])
    x = tensor([3.0, 4.0], requires_grad=True)
    y = (a * x + np.exp(a)).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.data, a)


def test_missing_rule_raises_srcdiff_error(monkeypatch):
    monkeypatch.delitem(registry._RULES, np.sin)
    x = tensor([1.0], requires_grad=True)
    with pytest.raises(SrcdiffError, match="numpy.sin") as info:
        np.sin(x)
    assert "vjp_rule" in str(info.value)
    with no_grad():                         # nothing to record: no rule needed
        assert isinstance(np.sin(x), Tensor)
    assert isinstance(np.sin(tensor([1.0])), Tensor)


def test_nondifferentiable_functions_give_constant_tensors():
    x = tensor([1.5, -2.5], requires_grad=True)
    for out in (np.floor(x), x > 0, x == x, x // 1.0):
        assert isinstance(out, Tensor) and not out.requires_grad
    assert (x < 0).dtype == bool
    # sign has a (zero) derivative on real input, as torch.sign's SignBackward
    s = np.sign(x)
    s.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])


def test_comparisons():
    x = tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal((x > 1.5).data, [False, True, True])
    np.testing.assert_array_equal((x <= 2.0).data, [True, True, False])
    np.testing.assert_array_equal((x != tensor([1.0, 0.0, 3.0])).data, [False, True, False])
    np.testing.assert_array_equal(((x > 1) & (x < 3)).data, [False, True, False])
    assert hash(x) == hash(x) and {x: 1}[x] == 1


def test_numpy_helpers_that_return_python_values():
    x = tensor(np.ones((2, 3)), requires_grad=True)
    assert np.shape(x) == (2, 3) and np.ndim(x) == 2 and np.size(x) == 6
    assert np.allclose(x, np.ones((2, 3)))


def test_asarray_of_a_tensor_requiring_grad_is_refused():
    x = tensor([1.0], requires_grad=True)
    with pytest.raises(TensorError, match="detach"):
        np.asarray(x)
    with pytest.raises(TensorError, match="detach"):
        x.numpy()
    np.testing.assert_array_equal(np.asarray(x.detach()), [1.0])
    assert x.detach().numpy() is x.data.numpy()      # both share x's memory


def test_ufunc_out_argument_with_tensor():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    np.multiply(y, 3.0, out=y)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 3.0])


def test_inplace_numpy_function_refused():
    x = tensor([1.0, 2.0])
    with pytest.raises(SrcdiffError, match="in place"):
        np.copyto(x, np.zeros(2))


# ---- conversions, metadata, repr ------------------------------------------------------

def test_metadata_and_conversions():
    x = tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert x.shape == (2, 3) and x.ndim == 2 and x.dtype == np.float64
    assert x.size() == (2, 3) and x.size(1) == 3 and x.numel() == 6 and x.dim() == 2
    assert len(x) == 2
    assert x.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert x[1, 2].item() == 6.0 and float(x[0, 0]) == 1.0 and int(x[1, 0]) == 4
    assert isinstance(x.numpy(), np.ndarray)
    assert f"{x.sum():.1f}" == "21.0"
    assert bool(tensor(1.0)) and not bool(tensor(0.0))


def test_repr():
    assert repr(tensor([1.0, 2.0], requires_grad=True)) == "tensor([1., 2.], requires_grad=True)"
    assert repr(tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(tensor(3.0)) == "tensor(3.)"
    x = tensor([1.0, 2.0], requires_grad=True)
    r = repr(x * 2)
    assert r.startswith("tensor([2., 4.], grad_fn=<") and r.endswith("Backward>)")
    assert "dtype=float32" in repr(tensor([1.0], dtype=np.float32))
    m = repr(tensor(np.arange(6.0).reshape(2, 3)))
    assert m == "tensor([[0., 1., 2.],\n        [3., 4., 5.]])"


def test_clone_and_detach_share_or_copy():
    x = tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert c.requires_grad and not c.is_leaf and not np.shares_memory(c.data, x.data)
    d = x.detach()
    assert np.shares_memory(d.data, x.data)
    e = tensor([1.0, 2.0]).clone()
    assert e.is_leaf and not e.requires_grad


def test_zero_and_fill():
    x = tensor([1.0, 2.0])
    assert x.zero_() is x and x.tolist() == [0.0, 0.0]
    x.fill_(3.0)
    assert x.tolist() == [3.0, 3.0]


def test_deepcopy_and_pickle_of_leaves():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = copy.deepcopy(x)
    assert y is not x and y.requires_grad and y.tolist() == x.tolist()
    z = pickle.loads(pickle.dumps(x))
    assert z.requires_grad and z.tolist() == [1.0, 2.0]
    with pytest.raises(TensorError):
        copy.deepcopy(x * 2)


# ---- creation helpers -------------------------------------------------------------------

def test_creation_helpers():
    assert zeros(2, 3).shape == (2, 3) and zeros((2, 3)).tolist() == [[0.0] * 3] * 2
    assert ones(4).tolist() == [1.0] * 4
    assert full((2,), 7.0).tolist() == [7.0, 7.0]
    assert linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert arange(3).tolist() == [0, 1, 2] and arange(1.0, 2.0, 0.5).tolist() == [1.0, 1.5]
    manual_seed(0)
    a = randn(3, 2)
    manual_seed(0)
    assert randn(3, 2).tolist() == a.tolist()
    r = rand(1000)
    assert 0 <= r.data.min() and r.data.max() < 1
    for make in (lambda **k: zeros(2, **k), lambda **k: ones(2, **k),
                 lambda **k: full(2, 1.0, **k), lambda **k: rand(2, **k),
                 lambda **k: randn(2, **k), lambda **k: linspace(0, 1, 3, **k),
                 lambda **k: arange(0.0, 3.0, **k), lambda **k: tensor([1.0], **k),
                 lambda **k: zeros_like(a, **k), lambda **k: ones_like(a, **k)):
        t = make(requires_grad=True)
        assert t.requires_grad and t.is_leaf
        assert not make().requires_grad
    assert zeros(2, dtype=np.float32).dtype == np.float32


def test_tensor_copies_and_from_numpy_shares():
    a = np.array([1.0, 2.0])
    t = tensor(a)
    a[0] = 5.0
    assert t.tolist() == [1.0, 2.0]
    s = from_numpy(a)
    assert np.shares_memory(s.data, a)
    assert Tensor(a).numpy() is a
