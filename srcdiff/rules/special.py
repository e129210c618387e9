"""``scipy.special`` (optional: registered only when SciPy imports)."""
import numpy as np

try:  # SciPy is an optional dependency
    from scipy import special
except ImportError:  # pragma: no cover
    special = None

from ..runtime import expand_reduced, unbroadcast, broadcast_like
from .registry import vjp_rule, jvp_rule, nondifferentiable

_SQRT_PI = np.sqrt(np.pi)
_SQRT_2PI = np.sqrt(2 * np.pi)

# B_2, B_4, ..., B_12: the asymptotic series of the polygamma functions
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730)


def polygamma_any(n, x):
    """``scipy.special.polygamma(n, x)``, for complex ``x`` too (SciPy's takes
    real input only): the recurrence moves ``x`` to real part >= 20, where the
    asymptotic series is exact to double precision."""
    if not np.iscomplexobj(x):
        return special.polygamma(n, x)
    if np.ndim(n):
        return sum(np.where(n == k, polygamma_any(int(k), x), 0.0) for k in np.unique(n))
    if n == 0:
        return special.digamma(x)
    x = np.asarray(x)
    shift = int(max(0.0, np.ceil(20.0 - np.min(np.real(x))))) if x.size else 0
    fact = float(np.prod(np.arange(1, n + 1)))
    near = sum((x + k) ** -(n + 1) for k in range(shift)) if shift else 0.0
    w = x + shift
    far = fact / n / w ** n + fact / (2 * w ** (n + 1))
    for k, b in enumerate(_BERNOULLI, start=1):
        far = far + b * float(np.prod(np.arange(2 * k + 1, 2 * k + n))) / w ** (2 * k + n)
    return (-1) ** (n + 1) * (fact * near + far)

if special is not None:

    @vjp_rule(special.gammaln)
    def gammaln(g, ans, x):
        return g * special.digamma(x)

    @jvp_rule(special.gammaln)
    def gammaln_jvp(ans, x, *, dx):
        return dx * special.digamma(x)

    @vjp_rule(special.gamma)
    def gamma(g, ans, x):
        return g * ans * special.digamma(x)

    @jvp_rule(special.gamma)
    def gamma_jvp(ans, x, *, dx):
        return dx * ans * special.digamma(x)

    @vjp_rule(special.digamma)
    def digamma(g, ans, x):
        return g * polygamma_any(1, x)

    @jvp_rule(special.digamma)
    def digamma_jvp(ans, x, *, dx):
        return dx * polygamma_any(1, x)

    @vjp_rule(polygamma_any)
    def polygamma_any_vjp(g, ans, n, x):
        return None, unbroadcast(g * polygamma_any(n + 1, x), x)

    @jvp_rule(polygamma_any)
    def polygamma_any_jvp(ans, n, x, *, dx):
        return broadcast_like(dx * polygamma_any(n + 1, x), ans)

    @vjp_rule(special.polygamma)
    def polygamma(g, ans, n, x):
        """Differentiable in ``x`` (the order ``n`` is an integer)."""
        return None, unbroadcast(g * polygamma_any(n + 1, x), x)

    @jvp_rule(special.polygamma)
    def polygamma_jvp(ans, n, x, *, dx):
        return broadcast_like(dx * polygamma_any(n + 1, x), ans)

    @vjp_rule(special.erf)
    def erf(g, ans, x):
        return g * (2 / _SQRT_PI) * np.exp(-x ** 2)

    @jvp_rule(special.erf)
    def erf_jvp(ans, x, *, dx):
        return dx * (2 / _SQRT_PI) * np.exp(-x ** 2)

    @vjp_rule(special.erfc)
    def erfc(g, ans, x):
        return -g * (2 / _SQRT_PI) * np.exp(-x ** 2)

    @jvp_rule(special.erfc)
    def erfc_jvp(ans, x, *, dx):
        return -dx * (2 / _SQRT_PI) * np.exp(-x ** 2)

    @vjp_rule(special.erfinv)
    def erfinv(g, ans, x):
        return g * (_SQRT_PI / 2) * np.exp(ans ** 2)

    @jvp_rule(special.erfinv)
    def erfinv_jvp(ans, x, *, dx):
        return dx * (_SQRT_PI / 2) * np.exp(ans ** 2)

    @vjp_rule(special.erfcinv)
    def erfcinv(g, ans, x):
        return -g * (_SQRT_PI / 2) * np.exp(ans ** 2)

    @jvp_rule(special.erfcinv)
    def erfcinv_jvp(ans, x, *, dx):
        return -dx * (_SQRT_PI / 2) * np.exp(ans ** 2)

    @vjp_rule(special.erfcx)
    def erfcx(g, ans, x):
        return g * (2 * x * ans - 2 / _SQRT_PI)

    @jvp_rule(special.erfcx)
    def erfcx_jvp(ans, x, *, dx):
        return dx * (2 * x * ans - 2 / _SQRT_PI)

    @vjp_rule(special.expit)
    def expit(g, ans, x):
        return g * ans * (1 - ans)

    @jvp_rule(special.expit)
    def expit_jvp(ans, x, *, dx):
        return dx * ans * (1 - ans)

    @vjp_rule(special.logit)
    def logit(g, ans, x):
        return g / (x * (1 - x))

    @jvp_rule(special.logit)
    def logit_jvp(ans, x, *, dx):
        return dx / (x * (1 - x))

    @vjp_rule(special.log_expit)
    def log_expit(g, ans, x):
        return g * special.expit(-x)

    @jvp_rule(special.log_expit)
    def log_expit_jvp(ans, x, *, dx):
        return dx * special.expit(-x)

    @vjp_rule(special.ndtr)
    def ndtr(g, ans, x):
        return g * np.exp(-0.5 * x ** 2) / _SQRT_2PI

    @jvp_rule(special.ndtr)
    def ndtr_jvp(ans, x, *, dx):
        return dx * np.exp(-0.5 * x ** 2) / _SQRT_2PI

    @vjp_rule(special.log_ndtr)
    def log_ndtr(g, ans, x):
        return g * np.exp(-0.5 * x ** 2 - ans) / _SQRT_2PI

    @jvp_rule(special.log_ndtr)
    def log_ndtr_jvp(ans, x, *, dx):
        return dx * np.exp(-0.5 * x ** 2 - ans) / _SQRT_2PI

    @vjp_rule(special.ndtri)
    def ndtri(g, ans, y):
        return g * _SQRT_2PI * np.exp(0.5 * ans ** 2)

    @jvp_rule(special.ndtri)
    def ndtri_jvp(ans, y, *, dy):
        return dy * _SQRT_2PI * np.exp(0.5 * ans ** 2)

    @vjp_rule(special.xlogy)
    def xlogy(g, ans, x, y):
        return unbroadcast(g * np.log(y), x), unbroadcast(g * x / y, y)

    @jvp_rule(special.xlogy)
    def xlogy_jvp(ans, x, y, *, dx, dy):
        return broadcast_like(dx * np.log(y), ans) + broadcast_like(dy * x / y, ans)

    @vjp_rule(special.xlog1py)
    def xlog1py(g, ans, x, y):
        return unbroadcast(g * np.log1p(y), x), unbroadcast(g * x / (1 + y), y)

    @jvp_rule(special.xlog1py)
    def xlog1py_jvp(ans, x, y, *, dx, dy):
        return broadcast_like(dx * np.log1p(y), ans) + broadcast_like(dy * x / (1 + y), ans)

    @vjp_rule(special.entr)
    def entr(g, ans, x):
        return -g * (np.log(x) + 1)

    @jvp_rule(special.entr)
    def entr_jvp(ans, x, *, dx):
        return -dx * (np.log(x) + 1)

    @vjp_rule(special.rel_entr)
    def rel_entr(g, ans, x, y):
        return unbroadcast(g * (np.log(x / y) + 1), x), unbroadcast(-g * x / y, y)

    @jvp_rule(special.rel_entr)
    def rel_entr_jvp(ans, x, y, *, dx, dy):
        return broadcast_like(dx * (np.log(x / y) + 1), ans) - broadcast_like(dy * x / y, ans)

    @vjp_rule(special.kl_div)
    def kl_div(g, ans, x, y):
        return unbroadcast(g * np.log(x / y), x), unbroadcast(g * (1 - x / y), y)

    @jvp_rule(special.kl_div)
    def kl_div_jvp(ans, x, y, *, dx, dy):
        return broadcast_like(dx * np.log(x / y), ans) + broadcast_like(dy * (1 - x / y), ans)

    @vjp_rule(special.beta)
    def beta(g, ans, a, b):
        return (unbroadcast(g * ans * (special.digamma(a) - special.digamma(a + b)), a),
                unbroadcast(g * ans * (special.digamma(b) - special.digamma(a + b)), b))

    @jvp_rule(special.beta)
    def beta_jvp(ans, a, b, *, da, db):
        return (broadcast_like(da * ans * (special.digamma(a) - special.digamma(a + b)), ans)
                + broadcast_like(db * ans * (special.digamma(b) - special.digamma(a + b)), ans))

    @vjp_rule(special.betaln)
    def betaln(g, ans, a, b):
        return (unbroadcast(g * (special.digamma(a) - special.digamma(a + b)), a),
                unbroadcast(g * (special.digamma(b) - special.digamma(a + b)), b))

    @jvp_rule(special.betaln)
    def betaln_jvp(ans, a, b, *, da, db):
        return (broadcast_like(da * (special.digamma(a) - special.digamma(a + b)), ans)
                + broadcast_like(db * (special.digamma(b) - special.digamma(a + b)), ans))

    @vjp_rule(special.i0)
    def i0(g, ans, x):
        return g * special.i1(x)

    @jvp_rule(special.i0)
    def i0_jvp(ans, x, *, dx):
        return dx * special.i1(x)

    @vjp_rule(special.i1)
    def i1(g, ans, x):
        """i1' = i0 - i1 / x (and 1/2 at 0)."""
        return g * (special.i0(x) - np.where(x == 0, 0.5, ans / np.where(x == 0, 1.0, x)))

    @jvp_rule(special.i1)
    def i1_jvp(ans, x, *, dx):
        return dx * (special.i0(x) - np.where(x == 0, 0.5, ans / np.where(x == 0, 1.0, x)))

    @vjp_rule(special.i0e)
    def i0e(g, ans, x):
        return g * (special.i1e(x) - np.sign(x) * ans)

    @jvp_rule(special.i0e)
    def i0e_jvp(ans, x, *, dx):
        return dx * (special.i1e(x) - np.sign(x) * ans)

    @vjp_rule(special.i1e)
    def i1e(g, ans, x):
        """i1e' = i0e - i1e (sign(x) + 1/x), 1/2 at 0 (i0e's rules call it)."""
        nonzero = np.where(x == 0, 1.0, x)
        return g * np.where(x == 0, 0.5, special.i0e(x) - ans * (np.sign(x) + 1 / nonzero))

    @jvp_rule(special.i1e)
    def i1e_jvp(ans, x, *, dx):
        nonzero = np.where(x == 0, 1.0, x)
        return dx * np.where(x == 0, 0.5, special.i0e(x) - ans * (np.sign(x) + 1 / nonzero))

    @vjp_rule(special.j0)
    def j0(g, ans, x):
        return -g * special.j1(x)

    @jvp_rule(special.j0)
    def j0_jvp(ans, x, *, dx):
        return -dx * special.j1(x)

    @vjp_rule(special.j1)
    def j1(g, ans, x):
        """j1' = j0 - j1 / x (and 1/2 at 0)."""
        return g * (special.j0(x) - np.where(x == 0, 0.5, ans / np.where(x == 0, 1.0, x)))

    @jvp_rule(special.j1)
    def j1_jvp(ans, x, *, dx):
        return dx * (special.j0(x) - np.where(x == 0, 0.5, ans / np.where(x == 0, 1.0, x)))

    @vjp_rule(special.y0)
    def y0(g, ans, x):
        return -g * special.y1(x)

    @jvp_rule(special.y0)
    def y0_jvp(ans, x, *, dx):
        return -dx * special.y1(x)

    @vjp_rule(special.y1)
    def y1(g, ans, x):
        """y1' = y0 - y1 / x."""
        return g * (special.y0(x) - ans / x)

    @jvp_rule(special.y1)
    def y1_jvp(ans, x, *, dx):
        return dx * (special.y0(x) - ans / x)

    @vjp_rule(special.exp10)
    def exp10(g, ans, x):
        return g * ans * np.log(10.0)

    @jvp_rule(special.exp10)
    def exp10_jvp(ans, x, *, dx):
        return dx * ans * np.log(10.0)

    @vjp_rule(special.logsumexp)
    def logsumexp(g, ans, a, axis=None, b=None, keepdims=False, return_sign=False):
        """Cotangents of ``a`` and of the weights ``b`` (return_sign=False)."""
        e = np.exp(a - expand_reduced(ans, a, axis, keepdims)) * expand_reduced(g, a, axis, keepdims)
        return (e * b if b is not None else e, None,
                unbroadcast(e, b) if b is not None else None)

    @jvp_rule(special.logsumexp)
    def logsumexp_jvp(ans, a, axis=None, b=None, keepdims=False, return_sign=False, *, da, db):
        p = np.exp(a - expand_reduced(ans, a, axis, keepdims))
        return (np.sum(da * p * (b if b is not None else 1.0), axis=axis, keepdims=keepdims)
                + (np.sum(db * p, axis=axis, keepdims=keepdims) if b is not None else 0.0))

    @vjp_rule(special.softmax)
    def softmax(g, ans, x, axis=None):
        return ans * (g - np.sum(g * ans, axis=axis, keepdims=True))

    @jvp_rule(special.softmax)
    def softmax_jvp(ans, x, axis=None, *, dx):
        return ans * (dx - np.sum(dx * ans, axis=axis, keepdims=True))

    @vjp_rule(special.log_softmax)
    def log_softmax(g, ans, x, axis=None):
        return g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True)

    @jvp_rule(special.log_softmax)
    def log_softmax_jvp(ans, x, axis=None, *, dx):
        return dx - np.sum(dx * np.exp(ans), axis=axis, keepdims=True)

    @vjp_rule(special.sindg)
    def sindg(g, ans, x):
        return g * (np.pi / 180) * special.cosdg(x)

    @jvp_rule(special.sindg)
    def sindg_jvp(ans, x, *, dx):
        return dx * (np.pi / 180) * special.cosdg(x)

    @vjp_rule(special.cosdg)
    def cosdg(g, ans, x):
        return -g * (np.pi / 180) * special.sindg(x)

    @jvp_rule(special.cosdg)
    def cosdg_jvp(ans, x, *, dx):
        return -dx * (np.pi / 180) * special.sindg(x)

    @vjp_rule(special.expm1)
    def sp_expm1(g, ans, x):
        return g * (ans + 1)

    @jvp_rule(special.expm1)
    def sp_expm1_jvp(ans, x, *, dx):
        return dx * (ans + 1)

    @vjp_rule(special.log1p)
    def sp_log1p(g, ans, x):
        return g / (1 + x)

    @jvp_rule(special.log1p)
    def sp_log1p_jvp(ans, x, *, dx):
        return dx / (1 + x)

    @vjp_rule(special.cbrt)
    def sp_cbrt(g, ans, x):
        return g / (3 * ans ** 2)

    @jvp_rule(special.cbrt)
    def sp_cbrt_jvp(ans, x, *, dx):
        return dx / (3 * ans ** 2)

    @vjp_rule(special.exp2)
    def sp_exp2(g, ans, x):
        return g * ans * np.log(2.0)

    @jvp_rule(special.exp2)
    def sp_exp2_jvp(ans, x, *, dx):
        return dx * ans * np.log(2.0)

    nondifferentiable(special.round)

    # factorial, comb and perm of floats (exact=False) are Gamma-function ratios,
    # smooth in their arguments inside the region where they are not set to 0;
    # exact=True takes integer values and returns integers (a zero derivative).

    def factorial_slope(ans, n, exact=False, extend="zero"):
        """d factorial(n) / dn = Gamma(n + 1) psi(n + 1); 0 where the value is set to 0."""
        inside = ((np.asarray(n) >= 0) | (extend == "complex")) & (not exact)
        return np.where(inside, ans * special.digamma(np.where(inside, n, 0.0) + 1), 0.0)

    def comb_slopes(ans, N, k, exact=False, repetition=False):
        """(d/dN, d/dk) of binom(N, k) (of binom(N + k - 1, k) with repetition)."""
        top = N + k - 1 if repetition else N
        inside = (k <= top) & (top >= 0) & (k >= 0) & (not exact)
        top, k = np.where(inside, top, 1.0), np.where(inside, k, 0.0)
        d_top = np.where(inside, ans * (special.digamma(top + 1) - special.digamma(top - k + 1)), 0.0)
        d_k = np.where(inside, ans * (special.digamma(top - k + 1) - special.digamma(k + 1)), 0.0)
        return d_top, d_k + d_top if repetition else d_k

    def perm_slopes(ans, N, k, exact=False):
        """(d/dN, d/dk) of poch(N - k + 1, k) = Gamma(N + 1) / Gamma(N - k + 1)."""
        inside = (k <= N) & (N >= 0) & (k >= 0) & (not exact)
        N, k = np.where(inside, N, 1.0), np.where(inside, k, 0.0)
        return (np.where(inside, ans * (special.digamma(N + 1) - special.digamma(N - k + 1)), 0.0),
                np.where(inside, ans * special.digamma(N - k + 1), 0.0))

    @vjp_rule(special.factorial)
    def factorial(g, ans, n, exact=False, extend="zero"):
        return unbroadcast(g * factorial_slope(ans, n, exact, extend), n)

    @jvp_rule(special.factorial)
    def factorial_jvp(ans, n, exact=False, extend="zero", *, dn):
        return dn * factorial_slope(ans, n, exact, extend)

    @vjp_rule(special.comb)
    def comb(g, ans, N, k, *, exact=False, repetition=False):
        d_n, d_k = comb_slopes(ans, N, k, exact, repetition)
        return unbroadcast(g * d_n, N), unbroadcast(g * d_k, k)

    @jvp_rule(special.comb)
    def comb_jvp(ans, N, k, *, exact=False, repetition=False, dN, dk):
        d_n, d_k = comb_slopes(ans, N, k, exact, repetition)
        return broadcast_like(dN * d_n, ans) + broadcast_like(dk * d_k, ans)

    @vjp_rule(special.perm)
    def perm(g, ans, N, k, exact=False):
        d_n, d_k = perm_slopes(ans, N, k, exact)
        return unbroadcast(g * d_n, N), unbroadcast(g * d_k, k)

    @jvp_rule(special.perm)
    def perm_jvp(ans, N, k, exact=False, *, dN, dk):
        d_n, d_k = perm_slopes(ans, N, k, exact)
        return broadcast_like(dN * d_n, ans) + broadcast_like(dk * d_k, ans)
