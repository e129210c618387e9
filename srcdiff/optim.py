"""``SGD`` on Tensor parameters, with PyTorch's semantics for momentum,
dampening, Nesterov and weight decay."""
import numpy as np

from .tensor import Tensor, _new

__all__ = ["Optimizer", "SGD"]


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
                        p.grad = _new(np.zeros_like(p.grad.data))

    def step(self):
        raise NotImplementedError


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

    def step(self, closure=None):
        loss = None
        if closure is not None:
            from .tensor import enable_grad
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr = group["lr"]
            momentum = group["momentum"]
            dampening = group["dampening"]
            wd = group["weight_decay"]
            nesterov = group["nesterov"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                d = p.grad.data
                if group["maximize"]:
                    d = -d
                if wd:
                    d = d + wd * p.data
                if momentum:
                    state = self.state.setdefault(id(p), {})
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = np.array(d, copy=True)
                    else:
                        buf = momentum * buf + (1.0 - dampening) * d
                    state["momentum_buffer"] = buf
                    d = d + momentum * buf if nesterov else buf
                # parameters are updated out of place (see srcdiff.tensor)
                p.data = (p.data - lr * d).astype(p.data.dtype, copy=False)
        return loss
