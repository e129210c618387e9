"""Elementwise NumPy functions (ufuncs and friends): one reverse and one
forward rule each.

Complex values follow the JAX/autograd convention (see ``srcdiff.rules``): the
cotangent ``c`` of ``z`` pairs with a tangent ``t`` as ``Re(sum(c * t))``,
so a holomorphic ``f`` has the rules ``g * f'(z)`` and ``dz * f'(z)``.
Binary rules sum the cotangent back to each input's shape (``unbroadcast``)
and broadcast each tangent term to the output's shape (``broadcast_like``).
"""
import numpy as np

from ..runtime import unbroadcast, broadcast_like, cast_like
from .registry import vjp_rule, jvp_rule, nondifferentiable, register_linear
from .zero_fill import fill_zeros

_LN2 = np.log(2.0)
_LN10 = np.log(10.0)


# ----------------------------------------------------------------------------
# trigonometric and hyperbolic
# ----------------------------------------------------------------------------

@vjp_rule(np.sin)
def sin(g, ans, x):
    return g * np.cos(x)


@jvp_rule(np.sin)
def sin_jvp(ans, x, *, dx):
    return dx * np.cos(x)


@vjp_rule(np.cos)
def cos(g, ans, x):
    return -g * np.sin(x)


@jvp_rule(np.cos)
def cos_jvp(ans, x, *, dx):
    return -dx * np.sin(x)


@vjp_rule(np.tan)
def tan(g, ans, x):
    return g * (1 + ans ** 2)


@jvp_rule(np.tan)
def tan_jvp(ans, x, *, dx):
    return dx * (1 + ans ** 2)


@vjp_rule(np.arcsin)
def arcsin(g, ans, x):
    return g / np.sqrt(1 - x ** 2)


@jvp_rule(np.arcsin)
def arcsin_jvp(ans, x, *, dx):
    return dx / np.sqrt(1 - x ** 2)


@vjp_rule(np.arccos)
def arccos(g, ans, x):
    return -g / np.sqrt(1 - x ** 2)


@jvp_rule(np.arccos)
def arccos_jvp(ans, x, *, dx):
    return -dx / np.sqrt(1 - x ** 2)


@vjp_rule(np.arctan)
def arctan(g, ans, x):
    return g / (1 + x ** 2)


@jvp_rule(np.arctan)
def arctan_jvp(ans, x, *, dx):
    return dx / (1 + x ** 2)


@vjp_rule(np.sinh)
def sinh(g, ans, x):
    return g * np.cosh(x)


@jvp_rule(np.sinh)
def sinh_jvp(ans, x, *, dx):
    return dx * np.cosh(x)


@vjp_rule(np.cosh)
def cosh(g, ans, x):
    return g * np.sinh(x)


@jvp_rule(np.cosh)
def cosh_jvp(ans, x, *, dx):
    return dx * np.sinh(x)


@vjp_rule(np.tanh)
def tanh(g, ans, x):
    return g * (1 - ans ** 2)


@jvp_rule(np.tanh)
def tanh_jvp(ans, x, *, dx):
    return dx * (1 - ans ** 2)


@vjp_rule(np.arcsinh)
def arcsinh(g, ans, x):
    return g / np.sqrt(x ** 2 + 1)


@jvp_rule(np.arcsinh)
def arcsinh_jvp(ans, x, *, dx):
    return dx / np.sqrt(x ** 2 + 1)


@vjp_rule(np.arccosh)
def arccosh(g, ans, x):
    return g / np.sqrt(x ** 2 - 1)


@jvp_rule(np.arccosh)
def arccosh_jvp(ans, x, *, dx):
    return dx / np.sqrt(x ** 2 - 1)


@vjp_rule(np.arctanh)
def arctanh(g, ans, x):
    return g / (1 - x ** 2)


@jvp_rule(np.arctanh)
def arctanh_jvp(ans, x, *, dx):
    return dx / (1 - x ** 2)


@vjp_rule(np.deg2rad, np.radians)
def deg2rad(g, ans, x):
    return g * (np.pi / 180)


@jvp_rule(np.deg2rad, np.radians)
def deg2rad_jvp(ans, x, *, dx):
    return dx * (np.pi / 180)


@vjp_rule(np.rad2deg, np.degrees)
def rad2deg(g, ans, x):
    return g * (180 / np.pi)


@jvp_rule(np.rad2deg, np.degrees)
def rad2deg_jvp(ans, x, *, dx):
    return dx * (180 / np.pi)


@vjp_rule(np.sinc)
def sinc(g, ans, x):
    """d sinc(x)/dx = (cos(pi x) - sinc(x)) / x, and 0 at x = 0."""
    safe = np.where(x == 0, 1.0, x)
    return g * np.where(x == 0, 0.0, (np.cos(np.pi * x) - ans) / safe)


@jvp_rule(np.sinc)
def sinc_jvp(ans, x, *, dx):
    safe = np.where(x == 0, 1.0, x)
    return dx * np.where(x == 0, 0.0, (np.cos(np.pi * x) - ans) / safe)


# ----------------------------------------------------------------------------
# exponentials and logarithms, powers
# ----------------------------------------------------------------------------

@vjp_rule(np.exp)
def exp(g, ans, x):
    return g * ans


@jvp_rule(np.exp)
def exp_jvp(ans, x, *, dx):
    return dx * ans


@vjp_rule(np.exp2)
def exp2(g, ans, x):
    return g * ans * _LN2


@jvp_rule(np.exp2)
def exp2_jvp(ans, x, *, dx):
    return dx * ans * _LN2


@vjp_rule(np.expm1)
def expm1(g, ans, x):
    return g * (ans + 1)


@jvp_rule(np.expm1)
def expm1_jvp(ans, x, *, dx):
    return dx * (ans + 1)


@vjp_rule(np.log)
def log(g, ans, x):
    return g / x


@jvp_rule(np.log)
def log_jvp(ans, x, *, dx):
    return dx / x


@vjp_rule(np.log2)
def log2(g, ans, x):
    return g / (x * _LN2)


@jvp_rule(np.log2)
def log2_jvp(ans, x, *, dx):
    return dx / (x * _LN2)


@vjp_rule(np.log10)
def log10(g, ans, x):
    return g / (x * _LN10)


@jvp_rule(np.log10)
def log10_jvp(ans, x, *, dx):
    return dx / (x * _LN10)


@vjp_rule(np.log1p)
def log1p(g, ans, x):
    return g / (1 + x)


@jvp_rule(np.log1p)
def log1p_jvp(ans, x, *, dx):
    return dx / (1 + x)


@vjp_rule(np.sqrt)
def sqrt(g, ans, x):
    return g * 0.5 / ans


@jvp_rule(np.sqrt)
def sqrt_jvp(ans, x, *, dx):
    return dx * 0.5 / ans


@vjp_rule(np.cbrt)
def cbrt(g, ans, x):
    return g / (3 * ans ** 2)


@jvp_rule(np.cbrt)
def cbrt_jvp(ans, x, *, dx):
    return dx / (3 * ans ** 2)


@vjp_rule(np.square)
def square(g, ans, x):
    return g * 2 * x


@jvp_rule(np.square)
def square_jvp(ans, x, *, dx):
    return dx * 2 * x


@vjp_rule(np.reciprocal)
def reciprocal(g, ans, x):
    return -g * ans ** 2


@jvp_rule(np.reciprocal)
def reciprocal_jvp(ans, x, *, dx):
    return -dx * ans ** 2


@vjp_rule(np.float_power)
def float_power(g, ans, x, y):
    return (unbroadcast(g * y * np.float_power(x, y - 1 + (y == 0)), x),
            unbroadcast(g * ans * np.log(np.where(x == 0, 1.0, x)), y))


@jvp_rule(np.float_power)
def float_power_jvp(ans, x, y, *, dx, dy):
    return (broadcast_like(dx * y * np.float_power(x, y - 1 + (y == 0)), ans)
            + broadcast_like(dy * ans * np.log(np.where(x == 0, 1.0, x)), ans))


@vjp_rule(np.logaddexp)
def logaddexp(g, ans, x, y):
    return unbroadcast(g * np.exp(x - ans), x), unbroadcast(g * np.exp(y - ans), y)


@jvp_rule(np.logaddexp)
def logaddexp_jvp(ans, x, y, *, dx, dy):
    return broadcast_like(dx * np.exp(x - ans), ans) + broadcast_like(dy * np.exp(y - ans), ans)


@vjp_rule(np.logaddexp2)
def logaddexp2(g, ans, x, y):
    return unbroadcast(g * np.exp2(x - ans), x), unbroadcast(g * np.exp2(y - ans), y)


@jvp_rule(np.logaddexp2)
def logaddexp2_jvp(ans, x, y, *, dx, dy):
    return broadcast_like(dx * np.exp2(x - ans), ans) + broadcast_like(dy * np.exp2(y - ans), ans)


@vjp_rule(np.ldexp)
def ldexp(g, ans, x, i):
    """Differentiable in the mantissa ``x`` only (``i`` is an integer)."""
    return unbroadcast(np.ldexp(g, i), x), None


@jvp_rule(np.ldexp)
def ldexp_jvp(ans, x, i, *, dx):
    return broadcast_like(np.ldexp(dx, i), ans)


# ----------------------------------------------------------------------------
# absolute values, signs, extrema
# ----------------------------------------------------------------------------

@vjp_rule(np.absolute)
def absolute(g, ans, x):
    """``g * conj(x) / |x|`` (``g * sign(x)`` for real x); 0 at x = 0, selected
    (not multiplied: an infinite ``g`` there gives 0, not NaN)."""
    return np.where(ans == 0, 0.0, np.real(g) * np.conj(x) / np.where(ans == 0, 1.0, ans))


@jvp_rule(np.absolute)
def absolute_jvp(ans, x, *, dx):
    return np.where(ans == 0, 0.0, np.real(np.conj(x) * dx) / np.where(ans == 0, 1.0, ans))


@vjp_rule(np.fabs)
def fabs(g, ans, x):
    return np.where(x == 0, 0.0, g * np.sign(x))


@jvp_rule(np.fabs)
def fabs_jvp(ans, x, *, dx):
    return np.where(x == 0, 0.0, dx * np.sign(x))


@vjp_rule(np.copysign)
def copysign(g, ans, x, y):
    """Differentiable in ``x`` only (the sign source ``y`` has zero derivative)."""
    return unbroadcast(np.where(x == 0, 0.0, g * np.sign(x) * np.copysign(1.0, y)), x), None


@jvp_rule(np.copysign)
def copysign_jvp(ans, x, y, *, dx):
    return broadcast_like(np.where(x == 0, 0.0, dx * np.sign(x) * np.copysign(1.0, y)), ans)


# The masking rules SELECT the cotangent (np.where), never multiply it by a 0/1
# mask: an infinite cotangent where the mask is 0 (sqrt(maximum(x, 0)) at x < 0)
# gives 0, not 0 * inf = NaN.

@vjp_rule(np.maximum)
def maximum(g, ans, x, y):
    """Ties (x == y) split the cotangent evenly between x and y."""
    return (unbroadcast(np.where(x == y, 0.5 * g, np.where(x > y, g, 0.0)), x),
            unbroadcast(np.where(x == y, 0.5 * g, np.where(x < y, g, 0.0)), y))


@jvp_rule(np.maximum)
def maximum_jvp(ans, x, y, *, dx, dy):
    return (broadcast_like(np.where(x == y, 0.5 * dx, np.where(x > y, dx, 0.0)), ans)
            + broadcast_like(np.where(x == y, 0.5 * dy, np.where(x < y, dy, 0.0)), ans))


@vjp_rule(np.minimum)
def minimum(g, ans, x, y):
    """Ties (x == y) split the cotangent evenly between x and y."""
    return (unbroadcast(np.where(x == y, 0.5 * g, np.where(x < y, g, 0.0)), x),
            unbroadcast(np.where(x == y, 0.5 * g, np.where(x > y, g, 0.0)), y))


@jvp_rule(np.minimum)
def minimum_jvp(ans, x, y, *, dx, dy):
    return (broadcast_like(np.where(x == y, 0.5 * dx, np.where(x < y, dx, 0.0)), ans)
            + broadcast_like(np.where(x == y, 0.5 * dy, np.where(x > y, dy, 0.0)), ans))


@vjp_rule(np.fmax)
def fmax(g, ans, x, y):
    """As np.maximum, but a NaN loses: the other argument is the result."""
    return (unbroadcast(np.where(x == y, 0.5 * g, np.where((x > y) | np.isnan(y), g, 0.0)), x),
            unbroadcast(np.where(x == y, 0.5 * g, np.where((x < y) | np.isnan(x), g, 0.0)), y))


@jvp_rule(np.fmax)
def fmax_jvp(ans, x, y, *, dx, dy):
    return (broadcast_like(np.where(x == y, 0.5 * dx, np.where((x > y) | np.isnan(y), dx, 0.0)), ans)
            + broadcast_like(np.where(x == y, 0.5 * dy, np.where((x < y) | np.isnan(x), dy, 0.0)), ans))


@vjp_rule(np.fmin)
def fmin(g, ans, x, y):
    """As np.minimum, but a NaN loses: the other argument is the result."""
    return (unbroadcast(np.where(x == y, 0.5 * g, np.where((x < y) | np.isnan(y), g, 0.0)), x),
            unbroadcast(np.where(x == y, 0.5 * g, np.where((x > y) | np.isnan(x), g, 0.0)), y))


@jvp_rule(np.fmin)
def fmin_jvp(ans, x, y, *, dx, dy):
    return (broadcast_like(np.where(x == y, 0.5 * dx, np.where((x < y) | np.isnan(y), dx, 0.0)), ans)
            + broadcast_like(np.where(x == y, 0.5 * dy, np.where((x > y) | np.isnan(x), dy, 0.0)), ans))


@vjp_rule(np.arctan2)
def arctan2(g, ans, y, x):
    r2 = x ** 2 + y ** 2
    return unbroadcast(g * x / r2, y), unbroadcast(-g * y / r2, x)


@jvp_rule(np.arctan2)
def arctan2_jvp(ans, y, x, *, dy, dx):
    return broadcast_like(dy * x / (x ** 2 + y ** 2), ans) - broadcast_like(dx * y / (x ** 2 + y ** 2), ans)


@vjp_rule(np.hypot)
def hypot(g, ans, x, y):
    """0 at x = y = 0 (as np.linalg.norm at the zero vector), not 0 / 0."""
    r = np.where(ans == 0, 1.0, ans)
    return unbroadcast(g * x / r, x), unbroadcast(g * y / r, y)


@jvp_rule(np.hypot)
def hypot_jvp(ans, x, y, *, dx, dy):
    r = np.where(ans == 0, 1.0, ans)
    return broadcast_like(dx * x / r, ans) + broadcast_like(dy * y / r, ans)


@vjp_rule(np.fmod)
def fmod(g, ans, x, y):
    return unbroadcast(g, x), unbroadcast(-g * np.trunc(x / y), y)


@jvp_rule(np.fmod)
def fmod_jvp(ans, x, y, *, dx, dy):
    return broadcast_like(dx, ans) - broadcast_like(dy * np.trunc(x / y), ans)


@vjp_rule(np.nan_to_num)
def nan_to_num(g, ans, x, copy=True, nan=0.0, posinf=None, neginf=None):
    """Zero cotangent where x is not finite (NaN and infinities are replaced)."""
    return np.where(np.isfinite(x), g, 0.0)


@jvp_rule(np.nan_to_num)
def nan_to_num_jvp(ans, x, copy=True, nan=0.0, posinf=None, neginf=None, *, dx):
    return np.where(np.isfinite(x), dx, 0.0)


@vjp_rule(np.nextafter)
def nextafter(g, ans, x1, x2):
    """The next float after x1 towards x2: it moves with x1 (derivative 1)."""
    return unbroadcast(g, x1), None


@jvp_rule(np.nextafter)
def nextafter_jvp(ans, x1, x2, *, dx1):
    return broadcast_like(dx1, ans)


# ----------------------------------------------------------------------------
# complex parts
# ----------------------------------------------------------------------------

@vjp_rule(np.real)
def real(g, ans, val):
    """The real part of ``g`` (the output is real): complex for a complex input."""
    return cast_like(np.real(g), val)


@jvp_rule(np.real)
def real_jvp(ans, val, *, dval):
    return np.real(dval)


@vjp_rule(np.imag)
def imag(g, ans, val):
    """Cotangent ``-1j * Re(g)`` (JAX convention); zero for a real input."""
    return cast_like(-1j * np.real(g), val)


@jvp_rule(np.imag)
def imag_jvp(ans, val, *, dval):
    return np.imag(dval)


@vjp_rule(np.conjugate)
def conjugate(g, ans, x):
    return np.conj(g)


@jvp_rule(np.conjugate)
def conjugate_jvp(ans, x, *, dx):
    return np.conj(dx)


@vjp_rule(np.angle)
def angle(g, ans, z, deg=False):
    """d angle = Im(conj(z) dz) / |z|^2; zero for a real input."""
    return cast_like(-1j * np.real(g) * np.conj(z) / (np.real(z) ** 2 + np.imag(z) ** 2)
                     * (180 / np.pi if deg else 1.0), z)


@jvp_rule(np.angle)
def angle_jvp(ans, z, deg=False, *, dz):
    return (np.imag(np.conj(z) * dz) / (np.real(z) ** 2 + np.imag(z) ** 2)
            * (180 / np.pi if deg else 1.0))


@vjp_rule(np.sign)
def sign(g, ans, x):
    """Piecewise constant on real ``x`` (a zero cotangent); on complex ``x``
    sign(x) = x / |x|, so d sign = (dx - s Re(conj(s) dx)) / |x|; 0 at x = 0."""
    ax = np.abs(x)
    return cast_like(np.where(ax == 0, 0.0, (g - np.real(g * ans) * np.conj(ans))
                              / np.where(ax == 0, 1.0, ax)), x)


@jvp_rule(np.sign)
def sign_jvp(ans, x, *, dx):
    ax = np.abs(x)
    return np.where(ax == 0, 0.0, (dx - ans * np.real(np.conj(ans) * dx)) / np.where(ax == 0, 1.0, ax))


# ----------------------------------------------------------------------------
# selection
# ----------------------------------------------------------------------------

@vjp_rule(np.where)
def where(g, ans, condition, x=None, y=None):
    return (None, unbroadcast(np.where(condition, g, 0.0), x),
            unbroadcast(np.where(condition, 0.0, g), y))


@jvp_rule(np.where)
def where_jvp(ans, condition, x=None, y=None, *, dx, dy):
    return broadcast_like(np.where(condition, dx, 0.0), ans) + broadcast_like(np.where(condition, 0.0, dy), ans)


@vjp_rule(np.clip)
def clip(g, ans, a, a_min=None, a_max=None, out=None, *, min=None, max=None, **kwargs):
    """Inside [a_min, a_max] the cotangent goes to ``a``, below to ``a_min``,
    above to ``a_max`` (a bound of ``None`` is never active)."""
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    below = (a < lo) if lo is not None else False
    above = (a > hi) if hi is not None else False
    ct_a = unbroadcast(np.where(below | above, 0.0, g), a)
    return (ct_a,) if a_min is None and a_max is None else (
        ct_a,
        unbroadcast(np.where(below, g, 0.0), a_min) if a_min is not None else None,
        unbroadcast(np.where(above & np.logical_not(below), g, 0.0), a_max) if a_max is not None else None)


@jvp_rule(np.clip)
def clip_jvp(ans, a, a_min=None, a_max=None, out=None, *, min=None, max=None, da, da_min, da_max, **kwargs):
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    below = (a < lo) if lo is not None else False
    above = (a > hi) if hi is not None else False
    return (broadcast_like(np.where(below | above, 0.0, da), ans)
            + broadcast_like(np.where(below, da_min, 0.0), ans)
            + broadcast_like(np.where(above & np.logical_not(below), da_max, 0.0), ans))


register_linear((0,), np.deg2rad, np.radians, np.rad2deg, np.degrees, np.real, np.imag,
                np.conjugate, np.ldexp)

nondifferentiable(np.floor, np.ceil, np.round, np.rint, np.trunc, np.fix, np.heaviside,
                  np.signbit, np.spacing, np.isnan, np.isinf, np.isfinite, np.isreal,
                  np.iscomplex, np.isclose, np.allclose, np.array_equal)
