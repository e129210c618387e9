"""Minimal PyTorch-style modules on the Tensor shim: ``Module``, ``Linear``,
``Sequential``, ``Tanh``, ``ReLU``, ``Sigmoid``, ``Identity``, ``Softmax``,
``LogSoftmax``, and the losses ``MSELoss``, ``NLLLoss``, ``CrossEntropyLoss``,
``BCEWithLogitsLoss`` (their formulas: ``srcdiff.nn.functional``).

A ``Module`` registers as parameters the ``Parameter``s (and leaf Tensors
that require grad) assigned to its attributes, and as sub-modules the
``Module``s assigned to them, as in PyTorch.
"""
import collections
import math

import numpy as np

from ..tensor import Tensor, Parameter, no_grad
from ..tensor.views import set_values
from . import functional

__all__ = ["Module", "Parameter", "Linear", "Sequential", "Tanh", "ReLU", "Sigmoid",
           "Identity", "Softmax", "LogSoftmax", "MSELoss", "NLLLoss", "CrossEntropyLoss",
           "BCEWithLogitsLoss", "functional", "init"]


class Module:
    """Base class of models: override ``forward``; call the module to run it."""

    def __init__(self):
        object.__setattr__(self, "_parameters", collections.OrderedDict())
        object.__setattr__(self, "_modules", collections.OrderedDict())
        object.__setattr__(self, "training", True)

    # ---- registration by attribute ----------------------------------------
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError("call super().__init__() before assigning attributes "
                                 f"of {type(self).__name__}")
        params, modules = self._parameters, self._modules
        params.pop(name, None)
        modules.pop(name, None)
        if isinstance(value, Parameter) or (
                isinstance(value, Tensor) and value.is_leaf and value.requires_grad):
            params[name] = value
            self.__dict__.pop(name, None)
        elif isinstance(value, Module):
            modules[name] = value
            self.__dict__.pop(name, None)
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        d = self.__dict__
        if "_parameters" in d and name in d["_parameters"]:
            return d["_parameters"][name]
        if "_modules" in d and name in d["_modules"]:
            return d["_modules"][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name):
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def register_parameter(self, name, param):
        if param is None:
            self._parameters.pop(name, None)
            object.__setattr__(self, name, None)
        else:
            self._parameters[name] = param

    def add_module(self, name, module):
        self._modules[name] = module

    register_module = add_module

    # ---- traversal ---------------------------------------------------------
    def named_parameters(self, prefix="", recurse=True):
        seen = set()
        for mod_prefix, module in (self.named_modules(prefix) if recurse
                                   else [(prefix, self)]):
            for name, p in module._parameters.items():
                if p is None or id(p) in seen:
                    continue
                seen.add(id(p))
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), p

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_modules(self, prefix="", memo=None):
        if memo is None:
            memo = set()
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is None:
                continue
            yield from m.named_modules(f"{prefix}.{name}" if prefix else name, memo)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        yield from self._modules.items()

    def children(self):
        yield from self._modules.values()

    def apply(self, fn):
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # ---- state ---------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    set_values(p.grad, np.zeros_like(p.grad._data))

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def train(self, mode=True):
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def state_dict(self):
        return collections.OrderedDict((name, p._data.copy())
                                       for name, p in self.named_parameters())

    def load_state_dict(self, state):
        params = dict(self.named_parameters())
        missing = set(params) - set(state)
        unexpected = set(state) - set(params)
        if missing or unexpected:
            raise KeyError(f"state_dict mismatch: missing {sorted(missing)}, "
                           f"unexpected {sorted(unexpected)}")
        for name, value in state.items():
            value = value._data if isinstance(value, Tensor) else np.asarray(value)
            p = params[name]
            if value.shape != p.shape:
                raise ValueError(f"{name}: shape {value.shape} does not match {p.shape}")
            set_values(p, value)

    # ---- calling -------------------------------------------------------------
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"{type(self).__name__}({self.extra_repr()}"]
        if self._modules:
            for name, m in self._modules.items():
                sub = repr(m).replace("\n", "\n  ")
                lines.append(f"\n  ({name}): {sub}")
            lines.append("\n")
        return "".join(lines) + ")"


class Linear(Module):
    """``y = x @ W.T + b`` with ``W`` of shape ``(out_features, in_features)``,
    initialised as PyTorch does: ``W, b ~ U(-1/sqrt(in), 1/sqrt(in))``
    (kaiming_uniform with ``a = sqrt(5)``)."""

    def __init__(self, in_features, out_features, bias=True, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        dtype = np.dtype(dtype or np.float64)
        bound = 1.0 / math.sqrt(in_features) if in_features > 0 else 0.0
        self.weight = Parameter(
            np.random.uniform(-bound, bound, (out_features, in_features)).astype(dtype))
        if bias:
            self.bias = Parameter(np.random.uniform(-bound, bound, (out_features,)).astype(dtype))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        y = x @ self.weight.T
        if self.bias is not None:
            y = y + self.bias
        return y

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Sequential(Module):
    """Modules applied in order: ``Sequential(Linear(2, 8), Tanh(), Linear(8, 1))``."""

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], collections.OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                self.add_module(str(i), m)

    def forward(self, x):
        for m in self._modules.values():
            x = m(x)
        return x

    def __getitem__(self, i):
        mods = list(self._modules.values())
        if isinstance(i, slice):
            return Sequential(*mods[i])
        return mods[i]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        self.add_module(str(len(self._modules)), module)
        return self


class Tanh(Module):
    def forward(self, x):
        return np.tanh(x)


class ReLU(Module):
    def forward(self, x):
        return x.relu()


class Sigmoid(Module):
    def forward(self, x):
        return x.sigmoid()


class Identity(Module):
    def forward(self, x):
        return x


class Softmax(Module):
    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return x.softmax(self.dim)


class LogSoftmax(Module):
    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return x.log_softmax(self.dim)


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"reduction must be 'mean', 'sum' or 'none', not {reduction!r}")
        self.reduction = reduction


class MSELoss(_Loss):
    """Mean (or sum) of squared differences."""

    def forward(self, input, target):
        return functional.mse_loss(input, target, self.reduction)


class NLLLoss(_Loss):
    """``-weight[y] * input[n, y]`` from log-probabilities (``functional.nll_loss``)."""

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__(reduction)
        self.weight = weight
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return functional.nll_loss(input, target, self.weight, self.ignore_index,
                                   self.reduction)


class CrossEntropyLoss(NLLLoss):
    """``nll_loss(log_softmax(input, 1), target)``, or with class probabilities
    as target (``functional.cross_entropy``)."""

    def forward(self, input, target):
        return functional.cross_entropy(input, target, self.weight, self.ignore_index,
                                        self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of ``sigmoid(input)``, computed stably from the logits."""

    def __init__(self, weight=None, reduction="mean", pos_weight=None):
        super().__init__(reduction)
        self.weight = weight
        self.pos_weight = pos_weight

    def forward(self, input, target):
        return functional.binary_cross_entropy_with_logits(
            input, target, self.weight, self.reduction, self.pos_weight)


class _Init:
    """``nn.init``: in-place initialisers (recorded nothing; call them under no_grad
    or on fresh parameters)."""

    @staticmethod
    def uniform_(t, a=0.0, b=1.0):
        with no_grad():
            return t.uniform_(a, b)

    @staticmethod
    def normal_(t, mean=0.0, std=1.0):
        with no_grad():
            return t.normal_(mean, std)

    @staticmethod
    def zeros_(t):
        with no_grad():
            return t.zero_()

    @staticmethod
    def constant_(t, value):
        with no_grad():
            return t.fill_(value)


init = _Init()
