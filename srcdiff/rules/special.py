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
        return g * special.polygamma(1, x)

    @jvp_rule(special.digamma)
    def digamma_jvp(ans, x, *, dx):
        return dx * special.polygamma(1, x)

    @vjp_rule(special.polygamma)
    def polygamma(g, ans, n, x):
        """Differentiable in ``x`` (the order ``n`` is an integer)."""
        return None, unbroadcast(g * special.polygamma(n + 1, x), x)

    @jvp_rule(special.polygamma)
    def polygamma_jvp(ans, n, x, *, dx):
        return broadcast_like(dx * special.polygamma(n + 1, x), ans)

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

    nondifferentiable(special.round, special.factorial, special.comb, special.perm)
