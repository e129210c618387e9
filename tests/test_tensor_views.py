"""Views, in-place ops through them, and the autograd bookkeeping PyTorch users
rely on (issue 22). Each test states what PyTorch 2.x does; the numbers were
checked against it (tests/test_tensor_torch_diff.py compares many more)."""
import numpy as np
import pytest

import srcdiff
from srcdiff import tensor, no_grad
from srcdiff.tensor import TensorError


def test_inplace_through_a_slice_reaches_the_base():
    x = tensor([1.0, 2.0, 3.0])
    x[0:2].mul_(10)                     # PyTorch: tensor([10., 20., 3.])
    assert x.tolist() == [10.0, 20.0, 3.0]


def test_inplace_through_detach_and_data_reaches_the_base():
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.detach().zero_()                  # PyTorch: x is tensor([0., 0., 0.], requires_grad=True)
    assert x.tolist() == [0.0, 0.0, 0.0] and x.requires_grad and x.is_leaf
    x.data.add_(2.0)
    assert x.tolist() == [2.0, 2.0, 2.0]


def test_grad_data_zero_():
    p = tensor([1.0, 2.0], requires_grad=True)
    (p * p).sum().backward()
    g = p.grad
    p.grad.data.zero_()                 # the PyTorch habit; the same Tensor object is zeroed
    assert p.grad is g and p.grad.tolist() == [0.0, 0.0]


def test_data_is_array_like():
    x = tensor([1.0, 2.0], requires_grad=True)
    assert np.asarray(x.data) is x.numpy(force=True)
    assert isinstance(x.data.copy(), np.ndarray)
    np.testing.assert_allclose(x.data * 2, [2.0, 4.0])
    x.data = np.array([5.0, 6.0])       # replaces the values, untracked
    assert x.tolist() == [5.0, 6.0] and x.is_leaf


def test_views_share_values_with_the_base():
    x = tensor(np.arange(6.0).reshape(2, 3))
    v, t, r, u = x[1], x.T, x.view(6), x.unsqueeze(0)
    x.add_(100)
    assert v.tolist() == [103.0, 104.0, 105.0]
    assert t[0].tolist() == [100.0, 103.0]
    assert r.tolist() == list(np.arange(6.0) + 100)
    assert u.shape == (1, 2, 3) and u[0, 1, 2].item() == 105.0
    t[2, 0] = -1.0                      # a write through the transpose
    assert x[0, 2].item() == -1.0 and r[2].item() == -1.0


def test_integer_index_is_a_0d_view():
    x = tensor([1.0, 2.0, 3.0])
    e = x[1]
    e.fill_(7.0)
    assert x.tolist() == [1.0, 7.0, 3.0] and e.item() == 7.0


def test_copies_are_not_views():
    x = tensor([1.0, 2.0, 3.0])
    c, f = x.clone(), x[[0, 2]]         # advanced indexing copies, as in PyTorch
    c.mul_(0)
    f.mul_(0)
    assert x.tolist() == [1.0, 2.0, 3.0]


def test_view_of_non_viewable_raises_and_reshape_copies():
    x = tensor(np.arange(6.0).reshape(2, 3))
    with pytest.raises(TensorError, match="reshape"):
        x.T.view(6)                      # PyTorch: RuntimeError, use .reshape
    r = x.T.reshape(6)
    r.zero_()
    assert x.sum().item() == 15.0


def test_inplace_on_view_of_leaf_requiring_grad_is_refused():
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(TensorError, match="view of a leaf"):
        x[0:2].mul_(10)                  # PyTorch refuses the same
    with no_grad():
        x[0:2].mul_(10)                  # allowed, not recorded
    assert x.tolist() == [10.0, 20.0, 3.0] and x.is_leaf


def test_inplace_on_view_of_non_leaf_is_recorded_as_copyslices():
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v = y[0:2]
    v.mul_(10)
    assert y.tolist() == [10.0, 20.0, 3.0] and y.grad_fn.name() == "CopySlices"
    y.sum().backward()
    assert x.grad.tolist() == [10.0, 10.0, 1.0]     # PyTorch: tensor([10., 10., 1.])


def test_view_written_with_a_value_requiring_grad():
    w = tensor([2.0, 3.0], requires_grad=True)
    x = srcdiff.zeros(3)
    x[1:].copy_(w * w)                   # x becomes part of the graph (PyTorch: CopySlices)
    assert x.requires_grad and x.tolist() == [0.0, 4.0, 9.0]
    (x * tensor([1.0, 10.0, 100.0])).sum().backward()
    assert w.grad.tolist() == [40.0, 600.0]


def test_other_views_follow_the_base_after_an_inplace_write():
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    a, b = y[0:2], y[1:3]
    a.mul_(3)                            # y = [6, 12, 6]; b sees it and differentiates through it
    assert b.tolist() == [12.0, 6.0]
    b.sum().backward()
    assert x.grad.tolist() == [0.0, 6.0, 2.0]


def test_expanded_view_cannot_be_written():
    x = tensor([1.0, 2.0])
    e = x.expand(3, 2)
    x.mul_(2)
    assert e.tolist() == [[2.0, 4.0]] * 3
    with pytest.raises(TensorError, match="single memory location"):
        e.add_(1)


def test_split_outputs_cannot_be_modified_in_place_when_recording():
    x = tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    a, b = (x * 1).split(2)
    with pytest.raises(TensorError, match="several"):
        a.mul_(2)


def test_saved_values_stay_valid_after_inplace_writes():
    # PyTorch raises "modified by an inplace operation" here; the shim keeps the
    # values the op saw (arrays are never written in place) and differentiates them
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    z = (y * y).sum()
    y.mul_(0)
    z.backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]


def test_requires_grad_false_before_backward_leaves_grad_none():
    x = tensor([1.0, 2.0], requires_grad=True)
    w = tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x * w).sum()
    x.requires_grad_(False)
    loss.backward()
    assert x.grad is None and w.grad.tolist() == [1.0, 4.0]   # PyTorch: None


def test_zero_on_a_non_leaf_keeps_it_in_the_graph():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.zero_()                            # PyTorch: requires_grad stays, ZeroBackward
    assert y.requires_grad and not y.is_leaf
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_retain_grad_twice_counts_once_and_needs_requires_grad():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.retain_grad()
    y.sum().backward()
    assert y.grad.tolist() == [1.0, 1.0]
    with pytest.raises(TensorError, match="requires_grad=False"):
        tensor([1.0]).retain_grad()      # PyTorch raises RuntimeError too


def test_squeeze_of_a_dimension_not_of_size_one_is_a_new_view():
    x = tensor(np.ones((2, 3)), requires_grad=True)
    s = x.squeeze(0)
    assert s is not x and s.shape == (2, 3) and not s.is_leaf
    assert x.squeeze().shape == (2, 3) and tensor(np.ones((1, 3, 1))).squeeze((0, 2)).shape == (3,)


@pytest.mark.parametrize("method", ["sum", "mean", "prod", "amax", "logsumexp", "softmax",
                                    "cumsum", "norm"])
def test_dim_zero_on_a_0d_tensor(method):
    t = tensor(1.5, requires_grad=True)
    out = getattr(t, method)(0) if method != "norm" else t.norm(dim=0)
    assert out.shape == ()
    out.backward()
    assert t.grad.shape == () and np.isfinite(t.grad.item())


def test_dim_zero_on_0d_max_and_out_of_range():
    t = tensor(1.5, requires_grad=True)
    values, indices = t.max(0)
    assert values.item() == 1.5 and indices.item() == 0
    with pytest.raises(IndexError):
        t.sum(1)


def test_hooks_replace_gradients_and_retain_grad_sees_the_result():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    handle = y.register_hook(lambda g: g * 10)   # PyTorch: retain_grad runs after hooks
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    y.sum().backward()
    assert y.grad.tolist() == [10.0, 10.0] and x.grad.tolist() == [20.0, 20.0]
    assert seen == [[20.0, 20.0]]
    handle.remove()
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_autograd_grad_does_not_touch_dot_grad():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    z = (3 * y).sum()
    gx, gy = srcdiff.autograd.grad(z, (x, y), retain_graph=True)
    assert gx.tolist() == [6.0, 12.0] and gy.tolist() == [3.0, 3.0] and x.grad is None
    (g,) = srcdiff.autograd.grad([y], [x], grad_outputs=[tensor([1.0, 10.0])])
    assert g.tolist() == [2.0, 40.0]
    u = tensor([1.0], requires_grad=True)
    with pytest.raises(TensorError, match="not have been used"):
        srcdiff.autograd.grad((x * 2).sum(), (x, u))
    assert srcdiff.autograd.grad((x * 2).sum(), (x, u), allow_unused=True)[1] is None


def test_accumulation_into_grad_is_in_place():
    x = tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    g = x.grad
    (x * 3).sum().backward()
    assert x.grad is g and g.tolist() == [5.0, 5.0]        # as PyTorch's AccumulateGrad


def test_optimizer_updates_are_seen_by_views():
    w = tensor([1.0, 2.0], requires_grad=True)
    d = w.detach()
    opt = srcdiff.optim.SGD([w], lr=0.5)
    (w * w).sum().backward()
    opt.step()
    assert w.tolist() == [0.0, 0.0] and d.tolist() == [0.0, 0.0]
