"""``SGD``, ``Adam`` and ``AdamW`` on Tensor parameters, with PyTorch's
update formulas. Parameters are updated in place (views of them see the
update), outside the graph."""
import numpy as np

from .tensor import Tensor
from .tensor.views import set_values

__all__ = ["Optimizer", "SGD", "Adam", "AdamW"]


class Optimizer:
    """Holds ``param_groups`` (a list of dicts with ``"params"`` and options)."""

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}
        if isinstance(params, Tensor):
            raise TypeError("params must be an iterable of Tensors (or of dicts), "
                            "not a single Tensor")
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        self.param_groups = []
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, group):
        group = dict(group)
        ps = group["params"]
        group["params"] = [ps] if isinstance(ps, Tensor) else list(ps)
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for k, v in self.defaults.items():
            group.setdefault(k, v)
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    if set_to_none:
                        p.grad = None
                    else:
                        set_values(p.grad, np.zeros_like(p.grad._data))

    def step(self, closure=None):
        loss = None
        if closure is not None:
            from .tensor import enable_grad
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    d = p.grad._data
                    new = self._update(p._data, -d if group["maximize"] else d, group,
                                       self.state.setdefault(id(p), {}))
                    set_values(p, new)
        return loss

    def _update(self, p, d, group, state):
        """The new value of one parameter ``p`` (an array) with gradient ``d``."""
        raise NotImplementedError(f"{type(self).__name__} must define _update")


class SGD(Optimizer):
    """Stochastic gradient descent::

        d = grad + weight_decay * p
        buf = d                      (first step)
        buf = momentum * buf + (1 - dampening) * d
        d = d + momentum * buf       (nesterov) or buf
        p = p - lr * d

    Parameters whose ``.grad`` is ``None`` are skipped.
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False, maximize=False):
        if lr < 0.0:
            raise ValueError(f"invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def _update(self, p, d, group, state):
        if group["weight_decay"]:
            d = d + group["weight_decay"] * p
        momentum = group["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = np.array(d, copy=True)
            else:
                buf = momentum * buf + (1.0 - group["dampening"]) * d
            state["momentum_buffer"] = buf
            d = d + momentum * buf if group["nesterov"] else buf
        return p - group["lr"] * d


class Adam(Optimizer):
    """Adam (PyTorch's formulas, step ``t`` from 1)::

        d = grad + weight_decay * p            (Adam; AdamW decays p instead)
        m = beta1 * m + (1 - beta1) * d
        v = beta2 * v + (1 - beta2) * d * d
        v_max = max(v_max, v)                  (amsgrad: v_max replaces v below)
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False, maximize=False):
        if lr < 0.0:
            raise ValueError(f"invalid learning rate: {lr}")
        if eps < 0.0:
            raise ValueError(f"invalid epsilon value: {eps}")
        if not (0.0 <= betas[0] < 1.0 and 0.0 <= betas[1] < 1.0):
            raise ValueError(f"invalid beta parameters: {betas}")
        if weight_decay < 0.0:
            raise ValueError(f"invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize))

    def _decay(self, p, d, group):
        """Adam: L2 penalty added to the gradient."""
        return p, (d + group["weight_decay"] * p if group["weight_decay"] else d)

    def _update(self, p, d, group, state):
        b1, b2 = group["betas"]
        p, d = self._decay(p, d, group)
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p)
        t = state["step"] = state["step"] + 1
        m = state["exp_avg"] = b1 * state["exp_avg"] + (1 - b1) * d
        v = state["exp_avg_sq"] = b2 * state["exp_avg_sq"] + (1 - b2) * d * d
        if group["amsgrad"]:
            v = state["max_exp_avg_sq"] = np.maximum(state["max_exp_avg_sq"], v)
        denom = np.sqrt(v) / np.sqrt(1 - b2 ** t) + group["eps"]
        return p - group["lr"] / (1 - b1 ** t) * m / denom


class AdamW(Adam):
    """Adam with decoupled weight decay: ``p = p * (1 - lr * weight_decay)`` before
    the Adam step (whose gradient has no penalty)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize)

    def _decay(self, p, d, group):
        wd = group["weight_decay"]
        return (p * (1 - group["lr"] * wd) if wd else p), d
