"""The ``math`` module's scalar functions, with rules written in ``math``."""
import math

from .builtins import spread_sum
from .registry import vjp_rule, jvp_rule, nondifferentiable

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


@vjp_rule(math.sin)
def sin(g, ans, x):
    return g * math.cos(x)


@jvp_rule(math.sin)
def sin_jvp(ans, x, *, dx):
    return dx * math.cos(x)


@vjp_rule(math.cos)
def cos(g, ans, x):
    return -g * math.sin(x)


@jvp_rule(math.cos)
def cos_jvp(ans, x, *, dx):
    return -dx * math.sin(x)


@vjp_rule(math.tan)
def tan(g, ans, x):
    return g * (1 + ans ** 2)


@jvp_rule(math.tan)
def tan_jvp(ans, x, *, dx):
    return dx * (1 + ans ** 2)


@vjp_rule(math.asin)
def asin(g, ans, x):
    return g / math.sqrt(1 - x ** 2)


@jvp_rule(math.asin)
def asin_jvp(ans, x, *, dx):
    return dx / math.sqrt(1 - x ** 2)


@vjp_rule(math.acos)
def acos(g, ans, x):
    return -g / math.sqrt(1 - x ** 2)


@jvp_rule(math.acos)
def acos_jvp(ans, x, *, dx):
    return -dx / math.sqrt(1 - x ** 2)


@vjp_rule(math.atan)
def atan(g, ans, x):
    return g / (1 + x ** 2)


@jvp_rule(math.atan)
def atan_jvp(ans, x, *, dx):
    return dx / (1 + x ** 2)


@vjp_rule(math.sinh)
def sinh(g, ans, x):
    return g * math.cosh(x)


@jvp_rule(math.sinh)
def sinh_jvp(ans, x, *, dx):
    return dx * math.cosh(x)


@vjp_rule(math.cosh)
def cosh(g, ans, x):
    return g * math.sinh(x)


@jvp_rule(math.cosh)
def cosh_jvp(ans, x, *, dx):
    return dx * math.sinh(x)


@vjp_rule(math.tanh)
def tanh(g, ans, x):
    return g * (1 - ans ** 2)


@jvp_rule(math.tanh)
def tanh_jvp(ans, x, *, dx):
    return dx * (1 - ans ** 2)


@vjp_rule(math.asinh)
def asinh(g, ans, x):
    return g / math.sqrt(x ** 2 + 1)


@jvp_rule(math.asinh)
def asinh_jvp(ans, x, *, dx):
    return dx / math.sqrt(x ** 2 + 1)


@vjp_rule(math.acosh)
def acosh(g, ans, x):
    return g / math.sqrt(x ** 2 - 1)


@jvp_rule(math.acosh)
def acosh_jvp(ans, x, *, dx):
    return dx / math.sqrt(x ** 2 - 1)


@vjp_rule(math.atanh)
def atanh(g, ans, x):
    return g / (1 - x ** 2)


@jvp_rule(math.atanh)
def atanh_jvp(ans, x, *, dx):
    return dx / (1 - x ** 2)


@vjp_rule(math.exp)
def exp(g, ans, x):
    return g * ans


@jvp_rule(math.exp)
def exp_jvp(ans, x, *, dx):
    return dx * ans


@vjp_rule(math.expm1)
def expm1(g, ans, x):
    return g * (ans + 1)


@jvp_rule(math.expm1)
def expm1_jvp(ans, x, *, dx):
    return dx * (ans + 1)


@vjp_rule(math.log)
def log(g, ans, x, base=None):
    """``math.log(x)`` and ``math.log(x, base)`` (both arguments differentiable)."""
    return (g / x if base is None else g / (x * math.log(base)),
            -g * ans / (base * math.log(base)) if base is not None else None)


@jvp_rule(math.log)
def log_jvp(ans, x, base=None, *, dx, dbase):
    return (dx / (x * (1.0 if base is None else math.log(base)))
            - (dbase * ans / (base * math.log(base)) if base is not None else 0.0))


@vjp_rule(math.log2)
def log2(g, ans, x):
    return g / (x * _LN2)


@jvp_rule(math.log2)
def log2_jvp(ans, x, *, dx):
    return dx / (x * _LN2)


@vjp_rule(math.log10)
def log10(g, ans, x):
    return g / (x * _LN10)


@jvp_rule(math.log10)
def log10_jvp(ans, x, *, dx):
    return dx / (x * _LN10)


@vjp_rule(math.log1p)
def log1p(g, ans, x):
    return g / (1 + x)


@jvp_rule(math.log1p)
def log1p_jvp(ans, x, *, dx):
    return dx / (1 + x)


@vjp_rule(math.sqrt)
def sqrt(g, ans, x):
    return g * 0.5 / ans


@jvp_rule(math.sqrt)
def sqrt_jvp(ans, x, *, dx):
    return dx * 0.5 / ans


@vjp_rule(math.pow)
def pow(g, ans, x, y):
    """d/dx is ``y x**(y-1)``, 0 for y == 0 (the power taken is then x**0, not 1/x)."""
    return g * y * math.pow(x, y - 1 + (y == 0)), (g * ans * math.log(x) if x > 0 else 0.0)


@jvp_rule(math.pow)
def pow_jvp(ans, x, y, *, dx, dy):
    return dx * y * math.pow(x, y - 1 + (y == 0)) + (dy * ans * math.log(x) if x > 0 else 0.0)


@vjp_rule(math.atan2)
def atan2(g, ans, y, x):
    return g * x / (x ** 2 + y ** 2), -g * y / (x ** 2 + y ** 2)


@jvp_rule(math.atan2)
def atan2_jvp(ans, y, x, *, dy, dx):
    return dy * x / (x ** 2 + y ** 2) - dx * y / (x ** 2 + y ** 2)


@vjp_rule(math.fsum)
def fsum(g, ans, iterable):
    """The exactly rounded sum: a sum's derivative, ``g`` for every item."""
    return spread_sum(g, iterable)


@jvp_rule(math.fsum)
def fsum_jvp(ans, iterable, *, diterable):
    return math.fsum(diterable)


def hypot_cotangents(g, ans, coordinates):
    """Cotangents of ``math.hypot(*coordinates)``: ``g * c / ans`` each (0 at the origin)."""
    return tuple(g * c / (ans or 1.0) for c in coordinates)


def hypot_tangent(ans, coordinates, tangents):
    """Tangent of ``math.hypot(*coordinates)``."""
    return math.fsum(t * c for t, c in zip(tangents, coordinates) if t is not None) / (ans or 1.0)


@vjp_rule(math.hypot)
def hypot(g, ans, *coordinates):
    return hypot_cotangents(g, ans, coordinates)


@jvp_rule(math.hypot)
def hypot_jvp(ans, *coordinates, dcoordinates):
    return hypot_tangent(ans, coordinates, dcoordinates)


@vjp_rule(hypot_cotangents)
def hypot_cotangents_vjp(gg, ans, g, h, coordinates):
    # ans_i = g c_i / h
    return (math.fsum(t * c for t, c in zip(gg, coordinates) if t is not None) / h,
            -math.fsum(t * c for t, c in zip(gg, coordinates) if t is not None) * g / h ** 2,
            tuple(None if t is None else t * g / h for t in gg))


@jvp_rule(hypot_cotangents)
def hypot_cotangents_jvp(ans, g, h, coordinates, *, dg, dh, dcoordinates):
    return tuple(dg * c / h - dh * g * c / h ** 2 + (0.0 if dc is None else dc * g / h)
                 for c, dc in zip(coordinates, dcoordinates))


@vjp_rule(hypot_tangent)
def hypot_tangent_vjp(gg, ans, h, coordinates, tangents):
    return (-gg * ans / h,
            tuple(None if t is None else gg * t / h for t in tangents),
            tuple(gg * c / h for c in coordinates))


@jvp_rule(hypot_tangent)
def hypot_tangent_jvp(ans, h, coordinates, tangents, *, dh, dcoordinates, dtangents):
    return (-dh * ans / h
            + math.fsum(0.0 if (t is None or dc is None) else t * dc for t, dc in zip(tangents, dcoordinates)) / h
            + math.fsum(0.0 if dt is None else dt * c for dt, c in zip(dtangents, coordinates)) / h)


@vjp_rule(math.fabs)
def fabs(g, ans, x):
    return g * math.copysign(1.0, x) if x != 0 else 0.0


@jvp_rule(math.fabs)
def fabs_jvp(ans, x, *, dx):
    return dx * math.copysign(1.0, x) if x != 0 else 0.0


@vjp_rule(math.erf)
def erf(g, ans, x):
    return g * 2 / math.sqrt(math.pi) * math.exp(-x ** 2)


@jvp_rule(math.erf)
def erf_jvp(ans, x, *, dx):
    return dx * 2 / math.sqrt(math.pi) * math.exp(-x ** 2)


@vjp_rule(math.erfc)
def erfc(g, ans, x):
    return -g * 2 / math.sqrt(math.pi) * math.exp(-x ** 2)


@jvp_rule(math.erfc)
def erfc_jvp(ans, x, *, dx):
    return -dx * 2 / math.sqrt(math.pi) * math.exp(-x ** 2)


@vjp_rule(math.degrees)
def degrees(g, ans, x):
    return g * (180 / math.pi)


@jvp_rule(math.degrees)
def degrees_jvp(ans, x, *, dx):
    return dx * (180 / math.pi)


@vjp_rule(math.radians)
def radians(g, ans, x):
    return g * (math.pi / 180)


@jvp_rule(math.radians)
def radians_jvp(ans, x, *, dx):
    return dx * (math.pi / 180)


@vjp_rule(math.copysign)
def copysign(g, ans, x, y):
    """Differentiable in ``x`` only."""
    return g * math.copysign(1.0, x) * math.copysign(1.0, y), None


@jvp_rule(math.copysign)
def copysign_jvp(ans, x, y, *, dx):
    return dx * math.copysign(1.0, x) * math.copysign(1.0, y)


@vjp_rule(math.fmod)
def fmod(g, ans, x, y):
    return g, -g * math.trunc(x / y)


@jvp_rule(math.fmod)
def fmod_jvp(ans, x, y, *, dx, dy):
    return dx - dy * math.trunc(x / y)


@vjp_rule(math.ldexp)
def ldexp(g, ans, x, i):
    return math.ldexp(g, i), None


@jvp_rule(math.ldexp)
def ldexp_jvp(ans, x, i, *, dx):
    return math.ldexp(dx, i)


nondifferentiable(math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite,
                  math.isclose, math.factorial, math.comb, math.perm, math.gcd, math.isqrt)


@vjp_rule(math.frexp)
def frexp(g, ans, x):
    """(m, e) with x = m * 2**e: m changes as x / 2**e, e is piecewise constant."""
    return math.ldexp(g[0], -ans[1]) if g[0] is not None else 0.0


@jvp_rule(math.frexp)
def frexp_jvp(ans, x, *, dx):
    return math.ldexp(dx, -ans[1]), 0

if hasattr(math, "exp2"):
    @vjp_rule(math.exp2)
    def exp2(g, ans, x):
        return g * ans * _LN2

    @jvp_rule(math.exp2)
    def exp2_jvp(ans, x, *, dx):
        return dx * ans * _LN2

if hasattr(math, "cbrt"):
    @vjp_rule(math.cbrt)
    def cbrt(g, ans, x):
        return g / (3 * ans ** 2)

    @jvp_rule(math.cbrt)
    def cbrt_jvp(ans, x, *, dx):
        return dx / (3 * ans ** 2)


@vjp_rule(math.gamma)
def gamma(g, ans, x):
    return g * ans * _digamma(x)


@jvp_rule(math.gamma)
def gamma_jvp(ans, x, *, dx):
    return dx * ans * _digamma(x)


@vjp_rule(math.lgamma)
def lgamma(g, ans, x):
    return g * _digamma(x)


@jvp_rule(math.lgamma)
def lgamma_jvp(ans, x, *, dx):
    return dx * _digamma(x)


def _digamma(x):
    """psi(x) for Python floats (recurrence + asymptotic series)."""
    result = 0.0
    if x <= 0 and x == math.floor(x):
        return math.nan
    if x < 0.5:  # reflection
        return _digamma(1 - x) - math.pi / math.tan(math.pi * x)
    while x < 6:
        result -= 1 / x
        x += 1
    f = 1 / (x * x)
    return result + math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))))


def _trigamma(x):
    """psi'(x) for Python floats."""
    if x < 0.5:
        return -_trigamma(1 - x) + (math.pi / math.sin(math.pi * x)) ** 2
    result = 0.0
    while x < 6:
        result += 1 / (x * x)
        x += 1
    f = 1 / (x * x)
    return result + 1 / x + f / 2 + f / x * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f / 30)))


@vjp_rule(_digamma)
def _digamma_vjp(g, ans, x):
    return g * _trigamma(x)


@jvp_rule(_digamma)
def _digamma_jvp(ans, x, *, dx):
    return dx * _trigamma(x)
