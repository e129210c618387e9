"""More ``scipy.special``: incomplete gamma and beta functions, Bessel
functions of real order, ``rgamma``, ``multigammaln``, ``gammasgn``
(optional: registered only when SciPy imports).

Differentiated in the argument ``x``/``z``. Their derivatives in the shape
parameters or the order (``a``, ``b``, ``v``) have no closed form in
SciPy's functions: differentiating w.r.t. them is refused (an integer or
constant order is fine).
"""
import numpy as np

try:  # SciPy is an optional dependency
    from scipy import special
except ImportError:  # pragma: no cover
    special = None

from ..runtime import unbroadcast, broadcast_like
from ..runtime.refusals import no_closed_form
from .registry import vjp_rule, jvp_rule, nondifferentiable


def _no_closed_form(name, param):
    return no_closed_form(f"scipy.special.{name}", param)


nondifferentiable(_no_closed_form)

if special is not None:

    def _gammainc_dx(a, x):
        """x^(a-1) e^-x / Gamma(a)."""
        return np.exp((a - 1) * np.log(x) - x - special.gammaln(a))

    def _betainc_dx(a, b, x):
        """x^(a-1) (1-x)^(b-1) / B(a, b)."""
        return np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - special.betaln(a, b))

    @vjp_rule(special.gammainc)
    def gammainc(g, ans, a, x):
        return _no_closed_form("gammainc", "a"), unbroadcast(g * _gammainc_dx(a, x), x)

    @jvp_rule(special.gammainc)
    def gammainc_jvp(ans, a, x, *, da, dx):
        return _no_closed_form("gammainc", "a") * da + broadcast_like(dx * _gammainc_dx(a, x), ans)

    @vjp_rule(special.gammaincc)
    def gammaincc(g, ans, a, x):
        return _no_closed_form("gammaincc", "a"), unbroadcast(-g * _gammainc_dx(a, x), x)

    @jvp_rule(special.gammaincc)
    def gammaincc_jvp(ans, a, x, *, da, dx):
        return _no_closed_form("gammaincc", "a") * da - broadcast_like(dx * _gammainc_dx(a, x), ans)

    @vjp_rule(special.betainc)
    def betainc(g, ans, a, b, x):
        return (_no_closed_form("betainc", "a"), _no_closed_form("betainc", "b"),
                unbroadcast(g * _betainc_dx(a, b, x), x))

    @jvp_rule(special.betainc)
    def betainc_jvp(ans, a, b, x, *, da, db, dx):
        return (_no_closed_form("betainc", "a") * da + _no_closed_form("betainc", "b") * db
                + broadcast_like(dx * _betainc_dx(a, b, x), ans))

    @vjp_rule(special.jv)
    def jv(g, ans, v, z):
        return _no_closed_form("jv", "the order v"), unbroadcast(g * (special.jv(v - 1, z) - special.jv(v + 1, z)) / 2, z)

    @jvp_rule(special.jv)
    def jv_jvp(ans, v, z, *, dv, dz):
        return (_no_closed_form("jv", "the order v") * dv
                + broadcast_like(dz * (special.jv(v - 1, z) - special.jv(v + 1, z)) / 2, ans))

    @vjp_rule(special.yn)
    def yn(g, ans, n, x):
        """The integer order ``n`` is not differentiated."""
        return None, unbroadcast(g * (special.yn(n - 1, x) - special.yn(n + 1, x)) / 2, x)

    @jvp_rule(special.yn)
    def yn_jvp(ans, n, x, *, dx):
        return broadcast_like(dx * (special.yn(n - 1, x) - special.yn(n + 1, x)) / 2, ans)

    @vjp_rule(special.iv)
    def iv(g, ans, v, z):
        return _no_closed_form("iv", "the order v"), unbroadcast(g * (special.iv(v - 1, z) + special.iv(v + 1, z)) / 2, z)

    @jvp_rule(special.iv)
    def iv_jvp(ans, v, z, *, dv, dz):
        return (_no_closed_form("iv", "the order v") * dv
                + broadcast_like(dz * (special.iv(v - 1, z) + special.iv(v + 1, z)) / 2, ans))

    @vjp_rule(special.ive)
    def ive(g, ans, v, z):
        """ive = iv e^-|Re z|: holomorphic times a function of Re z."""
        return (_no_closed_form("ive", "the order v"),
                unbroadcast(g * (special.ive(v - 1, z) + special.ive(v + 1, z)) / 2
                            - np.sign(np.real(z)) * np.real(g * ans), z))

    @jvp_rule(special.ive)
    def ive_jvp(ans, v, z, *, dv, dz):
        return (_no_closed_form("ive", "the order v") * dv
                + broadcast_like(dz * (special.ive(v - 1, z) + special.ive(v + 1, z)) / 2
                                 - ans * np.sign(np.real(z)) * np.real(dz), ans))

    @vjp_rule(special.kv)
    def kv(g, ans, v, z):
        return _no_closed_form("kv", "the order v"), unbroadcast(-g * (special.kv(v - 1, z) + special.kv(v + 1, z)) / 2, z)

    @jvp_rule(special.kv)
    def kv_jvp(ans, v, z, *, dv, dz):
        return (_no_closed_form("kv", "the order v") * dv
                - broadcast_like(dz * (special.kv(v - 1, z) + special.kv(v + 1, z)) / 2, ans))

    @vjp_rule(special.rgamma)
    def rgamma(g, ans, x):
        return -g * ans * special.digamma(x)

    @jvp_rule(special.rgamma)
    def rgamma_jvp(ans, x, *, dx):
        return -dx * ans * special.digamma(x)

    @vjp_rule(special.multigammaln)
    def multigammaln(g, ans, a, d):
        """sum over j < d of digamma(a - j / 2); the dimension ``d`` is an integer."""
        return g * np.sum(special.digamma(np.expand_dims(a, -1) - np.arange(d) / 2), axis=-1), None

    @jvp_rule(special.multigammaln)
    def multigammaln_jvp(ans, a, d, *, da):
        return da * np.sum(special.digamma(np.expand_dims(a, -1) - np.arange(d) / 2), axis=-1)

    nondifferentiable(special.gammasgn)
