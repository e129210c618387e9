"""``srcdiff.nn.functional``: the functions behind the modules, with the
formulas PyTorch documents (``torch.nn.functional``). Class weights and
integer targets are constants (no gradient reaches them)."""
import numpy as np

from ..tensor import Tensor, as_tensor
from ..tensor.recording import _apply
from ..tensor.ops import log_sigmoid

__all__ = ["softmax", "log_softmax", "logsumexp", "relu", "sigmoid", "logsigmoid", "tanh",
           "linear", "mse_loss", "nll_loss", "cross_entropy",
           "binary_cross_entropy_with_logits"]


def softmax(input, dim, dtype=None):
    return input.softmax(dim, dtype=dtype)


def log_softmax(input, dim, dtype=None):
    return input.log_softmax(dim, dtype=dtype)


def logsumexp(input, dim, keepdim=False):
    return input.logsumexp(dim, keepdim)


def relu(input):
    return input.relu()


def sigmoid(input):
    return input.sigmoid()


def logsigmoid(input):
    """``log(sigmoid(x))``, stable for large ``|x|``."""
    return _apply(log_sigmoid, (input,))


def tanh(input):
    return input.tanh()


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``."""
    y = input @ weight.T
    return y if bias is None else y + bias


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction")


def mse_loss(input, target, reduction="mean"):
    return _reduce((input - target) ** 2, reduction)


def _labels(target):
    t = target._data if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind not in "iu":
        raise TypeError(f"expected integer class indices as target, got {t.dtype}")
    return t


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """``loss_n = -weight[y_n] * input[n, y_n]`` (0 where ``y_n == ignore_index``);
    ``mean`` divides the sum by the total weight of the targets that count."""
    labels = _labels(target)
    if input.ndim == 1:             # one sample, C classes
        input = input.unsqueeze(0)
        labels = labels[None]
    if labels.shape != input.shape[:1] + input.shape[2:]:
        raise ValueError(f"target of shape {labels.shape} does not match input of shape "
                         f"{tuple(input.shape)}")
    valid = labels != ignore_index
    safe = np.where(valid, labels, 0)
    if valid.any() and (safe.min() < 0 or safe.max() >= input.shape[1]):
        raise IndexError(f"target {int(safe.max())} is out of bounds for "
                         f"{input.shape[1]} classes")
    picked = input.gather(1, np.expand_dims(safe, 1)).squeeze(1)
    w = np.ones(input.shape[1]) if weight is None else np.asarray(as_tensor(weight)._data)
    w = np.where(valid, w[safe], 0).astype(input.dtype)
    loss = -picked * w
    if np.ndim(target) == 0:
        loss = loss.reshape(())
    if reduction == "mean":
        return loss.sum() / w.sum()
    return _reduce(loss, reduction)


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """``nll_loss(log_softmax(input, 1), target)`` for class indices; for class
    probabilities (a float target shaped as ``input``),
    ``loss_n = -sum_c weight_c * target_nc * log_softmax(input)_nc`` and
    ``mean`` divides by the number of samples."""
    dim = 0 if input.ndim == 1 else 1
    logp = input.log_softmax(dim)
    probs = target._data if isinstance(target, Tensor) else np.asarray(target)
    if probs.dtype.kind in "iu":
        return nll_loss(logp, target, weight, ignore_index, reduction)
    if probs.shape != tuple(input.shape):
        raise ValueError("a float target must have the shape of the input (class probabilities)")
    terms = logp * target
    if weight is not None:
        shape = [1] * input.ndim
        shape[dim] = -1
        terms = terms * np.asarray(as_tensor(weight)._data).reshape(shape)
    return _reduce(-terms.sum(dim), reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean",
                                     pos_weight=None):
    """``loss = -weight * (pos_weight * y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x)))``
    with ``log(sigmoid(x))`` computed stably."""
    log_p = logsigmoid(input)
    log_q = logsigmoid(-input)      # log(1 - sigmoid(x))
    pos = target * log_p if pos_weight is None else pos_weight * target * log_p
    loss = -(pos + (1 - target) * log_q)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)
