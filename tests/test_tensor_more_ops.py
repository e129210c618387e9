"""The ops PyTorch users reach for (issue 22), each against the formula PyTorch
documents, gradients against central differences; and the edge gradients
PyTorch gets right."""
import numpy as np
import pytest

import srcdiff
import srcdiff.nn.functional as F
from srcdiff import nn, tensor

RNG = np.random.default_rng(22)
A = RNG.normal(size=(4, 5))
LABELS = np.array([0, 3, 1, 4])
PROBS = RNG.dirichlet(np.ones(5), size=4)
W = RNG.uniform(0.5, 2.0, size=5)


def numeric_grad(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def check(op, formula, x=A, rtol=1e-10):
    """``op`` on a Tensor equals ``formula`` on the array; its gradient (of a
    weighted sum) equals central differences of the formula."""
    w = RNG.normal(size=np.shape(formula(x)))
    t = tensor(x, requires_grad=True)
    out = op(t)
    np.testing.assert_allclose(out.detach().numpy(), formula(x), rtol=rtol, atol=1e-12)
    (out * w).sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), numeric_grad(lambda a: np.sum(w * formula(a)), x),
                               rtol=1e-5, atol=1e-7)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _lse(x, axis, keepdims=False):
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_log_softmax_logsumexp(dim):
    check(lambda t: t.softmax(dim), lambda x: _softmax(x, dim))
    check(lambda t: F.softmax(t, dim), lambda x: _softmax(x, dim))
    check(lambda t: t.log_softmax(dim), lambda x: x - _lse(x, dim, True))
    check(lambda t: F.log_softmax(t, dim), lambda x: x - _lse(x, dim, True))
    check(lambda t: t.logsumexp(dim), lambda x: _lse(x, dim))
    check(lambda t: t.logsumexp(dim, keepdim=True), lambda x: _lse(x, dim, True))


def test_softmax_family_is_stable_for_large_inputs():
    x = tensor([1000.0, 0.0, -1000.0], requires_grad=True)
    np.testing.assert_allclose(x.softmax(0).detach().numpy(), [1.0, 0.0, 0.0])
    np.testing.assert_allclose(x.log_softmax(0).detach().numpy(), [0.0, -1000.0, -2000.0])
    assert x.logsumexp(0).item() == 1000.0
    x.log_softmax(0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [-2.0, 1.0, 1.0])


def _nll(logp, labels, weight=None, reduction="mean"):
    w = np.ones(logp.shape[1]) if weight is None else weight
    losses = -w[labels] * logp[np.arange(len(labels)), labels]
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.sum() / w[labels].sum()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weight", [None, W])
def test_cross_entropy_and_nll_with_class_indices(reduction, weight):
    wt = None if weight is None else tensor(weight)
    check(lambda t: nn.CrossEntropyLoss(weight=wt, reduction=reduction)(t, LABELS),
          lambda x: _nll(x - _lse(x, 1, True), LABELS, weight, reduction))
    check(lambda t: nn.NLLLoss(weight=wt, reduction=reduction)(t, tensor(LABELS)),
          lambda x: _nll(x, LABELS, weight, reduction))


def test_cross_entropy_ignore_index_and_probabilities():
    labels = np.array([0, -100, 1, 4])
    keep = labels != -100
    check(lambda t: F.cross_entropy(t, labels),
          lambda x: _nll((x - _lse(x, 1, True))[keep], labels[keep]))
    check(lambda t: F.cross_entropy(t, PROBS, weight=tensor(W)),
          lambda x: np.mean(-np.sum(W * PROBS * (x - _lse(x, 1, True)), axis=1)))
    check(lambda t: F.cross_entropy(t[0], 2), lambda x: -(x[0] - _lse(x[0], 0))[2])


def _bce(x, y, weight=1.0, pos_weight=1.0):
    p = 1 / (1 + np.exp(-x))
    return np.mean(-weight * (pos_weight * y * np.log(p) + (1 - y) * np.log(1 - p)))


def test_bce_with_logits():
    y = RNG.uniform(size=A.shape)
    check(lambda t: nn.BCEWithLogitsLoss()(t, y), lambda x: _bce(x, y))
    check(lambda t: nn.BCEWithLogitsLoss(weight=tensor(W), pos_weight=tensor(W[::-1]))(t, y),
          lambda x: _bce(x, y, W, W[::-1]))
    x = tensor([-800.0, 800.0], requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, np.array([1.0, 0.0]), reduction="sum")
    assert loss.item() == 1600.0                       # finite where log(sigmoid) is not
    loss.backward()
    assert x.grad.tolist() == [-1.0, 1.0]              # sigmoid(x) - y


def test_masked_fill_gather_index_select():
    mask = A > 0.3
    check(lambda t: t.masked_fill(tensor(mask), -2.0), lambda x: np.where(mask, -2.0, x))
    idx = RNG.integers(0, 4, size=(3, 5))
    check(lambda t: t.gather(0, tensor(idx)), lambda x: np.take_along_axis(x, idx, 0))
    idx = RNG.integers(0, 5, size=(2, 3))               # smaller than the input: PyTorch's gather
    check(lambda t: t.gather(1, idx), lambda x: np.take_along_axis(x[:2], idx, 1))
    sel = np.array([4, 0, 4])
    check(lambda t: t.index_select(1, tensor(sel)), lambda x: x[:, sel])
    s = tensor(A)
    s.masked_fill_(tensor(mask), 0.0)
    np.testing.assert_array_equal(s.numpy(), np.where(mask, 0.0, A))


def test_split_chunk_unbind_narrow():
    check(lambda t: t.split(2, 1)[2], lambda x: x[:, 4:])
    check(lambda t: t.split([1, 3], 0)[1], lambda x: x[1:])
    assert [p.shape for p in tensor(A).chunk(3, 1)] == [(4, 2), (4, 2), (4, 1)]
    check(lambda t: t.chunk(2)[1] * 2, lambda x: x[2:] * 2)
    check(lambda t: t.unbind(1)[3], lambda x: x[:, 3])
    check(lambda t: t.narrow(1, 1, 3), lambda x: x[:, 1:4])
    with pytest.raises(RuntimeError, match="sum exactly"):
        tensor(A).split([1, 1], 0)


def test_tril_triu_clamp_min_max_where():
    check(lambda t: t.tril(), np.tril)
    check(lambda t: t.triu(1), lambda x: np.triu(x, 1))
    check(lambda t: t.clamp_min(0.1), lambda x: np.maximum(x, 0.1))
    check(lambda t: t.clamp_max(-0.1), lambda x: np.minimum(x, -0.1))
    cond = A > 0
    check(lambda t: t.where(tensor(cond), 0.5), lambda x: np.where(cond, x, 0.5))


def test_comparison_methods():
    x, y = tensor([1.0, 2.0, 3.0]), tensor([3.0, 2.0, 1.0])
    for name, op in [("eq", np.equal), ("ne", np.not_equal), ("lt", np.less),
                     ("le", np.less_equal), ("gt", np.greater), ("ge", np.greater_equal),
                     ("greater", np.greater), ("less_equal", np.less_equal)]:
        out = getattr(x, name)(y)
        assert out.dtype == bool and not out.requires_grad
        np.testing.assert_array_equal(out.numpy(), op(x.numpy(), y.numpy()))
    assert x.lt(2.5).tolist() == [True, True, False]


def test_relu_then_sqrt_at_negative_inputs_has_zero_gradient():
    x = tensor([-1.0, 0.0, 4.0], requires_grad=True)
    with np.errstate(divide="ignore"):
        x.relu().sqrt().sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.25]        # PyTorch: tensor([0., 0., 0.25])


def test_sigmoid_is_stable_and_has_zero_gradient_far_out():
    x = tensor([-800.0, 0.0, 800.0], requires_grad=True)
    s = x.sigmoid()
    assert s.tolist() == [0.0, 0.5, 1.0]
    s.sum().backward()
    assert x.grad.tolist() == [0.0, 0.25, 0.0]
    check(lambda t: t.sigmoid(), lambda a: 1 / (1 + np.exp(-a)))
    check(lambda t: F.logsigmoid(t), lambda a: -np.log1p(np.exp(-a)))


def test_max_with_dim_gives_ties_gradient_to_the_returned_index():
    a = tensor([[1.0, 5.0, 5.0], [2.0, 2.0, 0.0]], requires_grad=True)
    values, indices = a.max(1)
    assert indices.tolist() == [1, 0]
    values.sum().backward()
    assert a.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    a.grad = None
    values, indices = a.min(0, keepdim=True)
    assert values.shape == (1, 3) and indices.tolist() == [[0, 1, 1]]
    a.max().backward()                   # no dim: ties share, as PyTorch's max()
    assert a.grad.tolist() == [[0.0, 0.5, 0.5], [0.0, 0.0, 0.0]]


@pytest.mark.parametrize("case", ["norm", "pow0"])
def test_edge_gradients_from_rules(case):
    x = srcdiff.zeros(3, requires_grad=True)
    with np.errstate(all="ignore"):
        (x.norm() if case == "norm" else (x ** 0).sum()).backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]          # PyTorch: 0 for both


def test_adam_and_adamw_follow_pytorchs_formulas():
    def reference(p, grads, lr, b1, b2, eps, wd, decoupled, amsgrad=False):
        m = v = vmax = np.zeros_like(p)
        for t, g in enumerate(grads, 1):
            if decoupled:
                p = p * (1 - lr * wd)
            elif wd:
                g = g + wd * p
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            vmax = np.maximum(vmax, v)
            vh = vmax if amsgrad else v
            p = p - lr / (1 - b1 ** t) * m / (np.sqrt(vh) / np.sqrt(1 - b2 ** t) + eps)
        return p

    for cls, wd, decoupled, amsgrad in [(srcdiff.optim.Adam, 0.0, False, False),
                                        (srcdiff.optim.Adam, 0.1, False, True),
                                        (srcdiff.optim.AdamW, 0.1, True, False)]:
        w = tensor([1.0, -2.0, 3.0], requires_grad=True)
        opt = cls([w], lr=0.1, betas=(0.8, 0.99), eps=1e-6, weight_decay=wd, amsgrad=amsgrad)
        grads = []
        for _ in range(4):
            opt.zero_grad()
            (w ** 3).sum().backward()
            grads.append(3 * w.detach().numpy() ** 2)
            opt.step()
        np.testing.assert_allclose(w.detach().numpy(),
                                   reference(np.array([1.0, -2.0, 3.0]), grads, 0.1, 0.8, 0.99,
                                             1e-6, wd, decoupled, amsgrad), rtol=1e-12)
