"""Arithmetic: Python operators and their NumPy ufunc twins share one rule.

Every binary rule sums its cotangent back to each input's shape
(``unbroadcast``), so broadcasting is handled for every operator,
``/`` and ``**`` included.
"""
import operator

import numpy as np

from ..runtime import (unbroadcast, broadcast_like, matmul_grad_x, matmul_grad_y, seq_add, seq_mul,
                       add_cotangents, complete_cotangent)
from .registry import vjp_rule, jvp_rule, nondifferentiable, register_linear


@vjp_rule(operator.add, np.add)
def add(g, ans, x, y):
    return unbroadcast(g, x), unbroadcast(g, y)


@jvp_rule(operator.add, np.add)
def add_jvp(ans, x, y, *, dx, dy):
    return broadcast_like(dx, ans) + broadcast_like(dy, ans)


# ``a + b`` and ``a * b`` where a or b may be a list or tuple: joined or repeated
# sequences (their cotangents are split or added up), arrays otherwise
@vjp_rule(seq_add)
def seq_add_vjp(g, ans, x, y):
    if isinstance(x, (list, tuple)):
        n = len(x)
        return type(x)(g[:n]), type(y)(g[n:])
    return unbroadcast(g, x), unbroadcast(g, y)


@jvp_rule(seq_add)
def seq_add_jvp(ans, x, y, *, dx=None, dy=None):
    if isinstance(x, (list, tuple)):
        return complete_cotangent(dx, x) + complete_cotangent(dy, y)
    return add_cotangents(None if dx is None else broadcast_like(dx, ans),
                          None if dy is None else broadcast_like(dy, ans))


@vjp_rule(seq_mul)
def seq_mul_vjp(g, ans, x, y):
    if isinstance(x, (list, tuple)):
        return repeated_parts(g, x, y), None
    if isinstance(y, (list, tuple)):
        return None, repeated_parts(g, y, x)
    return unbroadcast(g * y, x), unbroadcast(x * g, y)


@jvp_rule(seq_mul)
def seq_mul_jvp(ans, x, y, *, dx=None, dy=None):
    if isinstance(x, (list, tuple)):
        return complete_cotangent(dx, x) * y
    if isinstance(y, (list, tuple)):
        return x * complete_cotangent(dy, y)
    return add_cotangents(None if dx is None else broadcast_like(dx * y, ans),
                          None if dy is None else broadcast_like(x * dy, ans))


# generated gradients call the two rules above. seq_add_vjp is linear in ``g``
# alone, and so is seq_mul_vjp for a repeated sequence; for arrays seq_mul_vjp
# is (g * y, x * g), which moves with x and y too.
@jvp_rule(seq_add_vjp)
def seq_add_vjp_jvp(res, g, ans, x, y, *, dg, dans, dx, dy):
    return seq_add_vjp(dg, ans, x, y)


@vjp_rule(seq_add_vjp)
def seq_add_vjp_vjp(gg, res, g, ans, x, y):
    return seq_add_jvp(ans, x, y, dx=gg[0], dy=gg[1]), None, None, None


def _repeats(x, y):
    return isinstance(x, (list, tuple)) or isinstance(y, (list, tuple))


@jvp_rule(seq_mul_vjp)
def seq_mul_vjp_jvp(res, g, ans, x, y, *, dg, dans, dx, dy):
    return add_cotangents(None if dg is None else seq_mul_vjp(dg, ans, x, y),
                          None if _repeats(x, y) else
                          (None if dy is None else unbroadcast(g * dy, x),
                           None if dx is None else unbroadcast(dx * g, y)))


@vjp_rule(seq_mul_vjp)
def seq_mul_vjp_vjp(gg, res, g, ans, x, y):
    return (seq_mul_jvp(ans, x, y, dx=gg[0], dy=gg[1]), None,
            None if _repeats(x, y) or gg[1] is None else unbroadcast(broadcast_like(gg[1], g) * g, x),
            None if _repeats(x, y) or gg[0] is None else unbroadcast(g * broadcast_like(gg[0], g), y))


register_linear((0,), seq_add_vjp, seq_mul_vjp)


def repeated_parts(g, x, n):
    """The cotangent of ``x`` from the cotangent ``g`` of ``x * n``: its parts add up."""
    k = len(x)
    out = complete_cotangent(None, x)
    for i in range(int(n)):
        out = add_cotangents(out, type(x)(g[i * k:(i + 1) * k]))
    return out


@vjp_rule(operator.sub, np.subtract)
def subtract(g, ans, x, y):
    return unbroadcast(g, x), -unbroadcast(g, y)      # negate after any reduction


@jvp_rule(operator.sub, np.subtract)
def subtract_jvp(ans, x, y, *, dx, dy):
    return broadcast_like(dx, ans) - broadcast_like(dy, ans)


@vjp_rule(operator.mul, np.multiply)
def multiply(g, ans, x, y):
    return unbroadcast(g * y, x), unbroadcast(x * g, y)


@jvp_rule(operator.mul, np.multiply)
def multiply_jvp(ans, x, y, *, dx, dy):
    return broadcast_like(dx * y, ans) + broadcast_like(x * dy, ans)


@vjp_rule(operator.truediv, np.divide, np.true_divide)
def divide(g, ans, x, y):
    gx = g / y                     # shared: d/dy = -g x / y**2 = -(g / y) * ans
    return unbroadcast(gx, x), -unbroadcast(gx * ans, y)


@jvp_rule(operator.truediv, np.divide, np.true_divide)
def divide_jvp(ans, x, y, *, dx, dy):
    return broadcast_like(dx / y, ans) - broadcast_like(dy * ans / y, ans)


@vjp_rule(operator.pow, np.power)
def power(g, ans, x, y):
    """d/dx is ``y x**(y-1)``; where y == 0 the power taken is x**0 (so the
    derivative is 0 at x = 0 too, not 0 * inf)."""
    return (unbroadcast(g * y * x ** (y - 1 + (y == 0)), x),
            unbroadcast(g * ans * np.log(np.where(x == 0, 1.0, x)), y))


@jvp_rule(operator.pow, np.power)
def power_jvp(ans, x, y, *, dx, dy):
    return (broadcast_like(dx * y * x ** (y - 1 + (y == 0)), ans)
            + broadcast_like(dy * ans * np.log(np.where(x == 0, 1.0, x)), ans))


@vjp_rule(operator.mod, np.mod, np.remainder)
def mod(g, ans, x, y):
    return unbroadcast(g, x), unbroadcast(-g * np.floor_divide(x, y), y)


@jvp_rule(operator.mod, np.mod, np.remainder)
def mod_jvp(ans, x, y, *, dx, dy):
    return broadcast_like(dx, ans) - broadcast_like(dy * np.floor_divide(x, y), ans)


@vjp_rule(operator.matmul, np.matmul)
def matmul(g, ans, x, y):
    return matmul_grad_x(g, x, y), matmul_grad_y(g, x, y)


@jvp_rule(operator.matmul, np.matmul)
def matmul_jvp(ans, x, y, *, dx, dy):
    return dx @ y + x @ dy


@vjp_rule(operator.neg, np.negative)
def negative(g, ans, x):
    return -g


@jvp_rule(operator.neg, np.negative)
def negative_jvp(ans, x, *, dx):
    return -dx


@vjp_rule(operator.pos, np.positive)
def positive(g, ans, x):
    return g


@jvp_rule(operator.pos, np.positive)
def positive_jvp(ans, x, *, dx):
    return dx


# Piecewise constant: a zero derivative almost everywhere.
nondifferentiable(operator.floordiv, np.floor_divide)
# Comparisons and boolean logic give booleans: never differentiated.
nondifferentiable(operator.lt, operator.le, operator.gt, operator.ge, operator.eq,
                  operator.ne, operator.not_, operator.and_, operator.or_,
                  operator.xor, operator.invert, operator.truth,
                  np.less, np.less_equal, np.greater, np.greater_equal, np.equal,
                  np.not_equal, np.logical_and, np.logical_or, np.logical_not,
                  np.logical_xor)

register_linear((0, 1), operator.mul, np.multiply, operator.matmul, np.matmul)
register_linear((0,), operator.truediv, np.divide, np.true_divide,
                operator.neg, np.negative, operator.pos, np.positive)
