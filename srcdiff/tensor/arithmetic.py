"""Tensor's operators (``+``, ``*``, ``@``, ``**``, comparisons, ...),
differentiated by the rules of ``operator.add``, ``operator.mul``, ...,
and the comparisons ``allclose`` and ``equal``."""
import operator

import numpy as np

from ..rules import lookup
from .core import Tensor, _edge, _ndarray, _new, _new_object, tensor_methods
from .grad_mode import _state
from .nodes import RuleNode
from .recording import _NEEDS_0, _NEEDS_1, _apply, _record
from .specialize import _specialized_vjp


def _binop(func):
    """``self <op> other`` and ``other <op> self``, differentiated by the rule of
    ``func`` (``operator.add``, ...). The hot path of the shim: kept flat."""
    cache = []   # the Rule object of func (the registry never replaces it)

    def rule_of():
        if cache:
            return cache[0]
        rule = lookup(func)
        if rule is not None:
            cache.append(rule)
        return rule

    def node(out, sd, od, edges, needed):
        rule = cache[0] if cache else rule_of()
        if rule is None or rule.vjp is None or out.dtype.kind not in "fc":
            return _record(func, out, (sd, od), None, edges, rule)
        vjp = rule.vjp if needed is None else _specialized_vjp(rule.vjp, needed)
        t = _new_object(Tensor)
        t._data = out
        t._rg = True
        t.grad = None
        t.grad_fn = RuleNode(rule, vjp, (sd, od), None, out, edges)
        t._oi = 0
        t._view = None
        t._aux = None
        return t

    def forward(self, other):
        sd = self._data
        if isinstance(other, Tensor):
            od = other._data
            orq = other._rg
        else:
            od = other
            orq = False
        out = func(sd, od)
        if out.__class__ is not _ndarray:
            if out is NotImplemented:
                return out
            out = np.asarray(out)
        if self._rg:
            if _state.enabled:
                if orq:
                    return node(out, sd, od, (_edge(self, 0), _edge(other, 1)), None)
                return node(out, sd, od, (_edge(self, 0),), _NEEDS_0)
        elif orq and _state.enabled:
            return node(out, sd, od, (_edge(other, 1),), _NEEDS_1)
        t = _new_object(Tensor)
        t._data = out
        t._rg = False
        t.grad = None
        t.grad_fn = None
        t._oi = 0
        t._view = None
        t._aux = None
        return t

    def reflected(self, other):
        sd = self._data
        out = func(other, sd)
        if out.__class__ is not _ndarray:
            if out is NotImplemented:
                return out
            out = np.asarray(out)
        if self._rg and _state.enabled:
            return node(out, other, sd, (_edge(self, 1),), _NEEDS_1)
        return _new(out)

    return forward, reflected


def _compare(func):
    def method(self, other):
        od = other._data if isinstance(other, Tensor) else other
        out = func(self._data, od)
        if out.__class__ is not _ndarray:
            if out is NotImplemented:
                return out
            out = np.asarray(out)
        return _new(out)
    return method


def _fast_int_power(x, n):
    """``x ** n`` for a small integer ``n``, by multiplication (NumPy's general
    power is ~100x slower than a multiply for n = 3, 4)."""
    if n == 3:
        return x * x * x
    x2 = x * x
    return x2 * x2


@tensor_methods
class Operators:
    """Python's operators and comparisons on Tensors."""

    __add__, __radd__ = _binop(operator.add)
    __sub__, __rsub__ = _binop(operator.sub)
    __mul__, __rmul__ = _binop(operator.mul)
    __truediv__, __rtruediv__ = _binop(operator.truediv)
    __floordiv__, __rfloordiv__ = _binop(operator.floordiv)
    __mod__, __rmod__ = _binop(operator.mod)
    __matmul__, __rmatmul__ = _binop(operator.matmul)
    _pow, __rpow__ = _binop(operator.pow)

    def __pow__(self, exponent):
        if exponent.__class__ is int and (exponent == 3 or exponent == 4):
            # same value as NumPy's power, computed much faster; rule: operator.pow
            sd = self._data
            out = _fast_int_power(sd, exponent)
            if self._rg and _state.enabled:
                return _record(operator.pow, out, (sd, exponent), {}, [_edge(self, 0)])
            return _new(out)
        return self._pow(exponent)

    def __neg__(self):
        return _apply(operator.neg, (self,))

    def __pos__(self):
        return _apply(operator.pos, (self,))

    def __abs__(self):
        return _apply(np.abs, (self,))

    def __invert__(self):
        return _new(~self._data)

    __lt__ = _compare(operator.lt)
    __le__ = _compare(operator.le)
    __gt__ = _compare(operator.gt)
    __ge__ = _compare(operator.ge)
    __eq__ = _compare(operator.eq)
    __ne__ = _compare(operator.ne)
    __and__ = _compare(operator.and_)
    __or__ = _compare(operator.or_)
    __xor__ = _compare(operator.xor)

    def allclose(self, other, rtol=1e-05, atol=1e-08):
        od = other._data if isinstance(other, Tensor) else other
        return bool(np.allclose(self._data, od, rtol=rtol, atol=atol))

    def equal(self, other):
        od = other._data if isinstance(other, Tensor) else other
        return bool(np.array_equal(self._data, od))
