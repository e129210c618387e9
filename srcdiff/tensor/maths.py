"""Tensor's mathematical methods: elementwise functions (``exp``, ``sin``,
``relu``, ``clamp``, ...) and products (``matmul``, ``dot``, ``outer``), each
the NumPy function or operator whose rule differentiates it."""
import numpy as np

from .core import _new, tensor_methods
from .recording import _apply


@tensor_methods
class MathMethods:
    """Elementwise functions and products."""

    def pow(self, exponent):
        return self ** exponent

    def square(self):
        return _apply(np.square, (self,))

    def exp(self):
        return _apply(np.exp, (self,))

    def expm1(self):
        return _apply(np.expm1, (self,))

    def log(self):
        return _apply(np.log, (self,))

    def log1p(self):
        return _apply(np.log1p, (self,))

    def log2(self):
        return _apply(np.log2, (self,))

    def log10(self):
        return _apply(np.log10, (self,))

    def sqrt(self):
        return _apply(np.sqrt, (self,))

    def rsqrt(self):
        return 1.0 / _apply(np.sqrt, (self,))

    def abs(self):
        return _apply(np.abs, (self,))

    def sin(self):
        return _apply(np.sin, (self,))

    def cos(self):
        return _apply(np.cos, (self,))

    def tan(self):
        return _apply(np.tan, (self,))

    def sinh(self):
        return _apply(np.sinh, (self,))

    def cosh(self):
        return _apply(np.cosh, (self,))

    def tanh(self):
        return _apply(np.tanh, (self,))

    def arcsin(self):
        return _apply(np.arcsin, (self,))

    def arccos(self):
        return _apply(np.arccos, (self,))

    def arctan(self):
        return _apply(np.arctan, (self,))

    asin, acos, atan = arcsin, arccos, arctan

    def relu(self):
        # where(x > 0, x, 0): the gradient is 0 (never nan) at x <= 0; NaN stays NaN
        d = self._data
        return _apply(np.where, (~(d <= 0), self, np.zeros((), d.dtype)))

    def neg(self):
        return -self

    negative = neg

    def reciprocal(self):
        return 1.0 / self

    def sign(self):
        return _apply(np.sign, (self,))

    def floor(self):
        return _apply(np.floor, (self,))

    def ceil(self):
        return _apply(np.ceil, (self,))

    def round(self):
        return _apply(np.round, (self,))

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise TypeError("clamp() needs at least one of min and max")
        return _apply(np.clip, (self, min, max))

    clip = clamp

    def add(self, other, alpha=1):
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other, alpha=1):
        return self - (other if alpha == 1 else other * alpha)

    def mul(self, other):
        return self * other

    def div(self, other):
        return self / other

    def matmul(self, other):
        return self @ other

    def mm(self, other):
        return self @ other

    def mv(self, other):
        return self @ other

    def dot(self, other):
        return _apply(np.dot, (self, other))

    def outer(self, other):
        return _apply(np.outer, (self, other))

    def isnan(self):
        return _new(np.isnan(self._data))
