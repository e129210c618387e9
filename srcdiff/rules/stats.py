"""``scipy.stats`` distributions (optional: registered only when SciPy
imports), w.r.t. the data, ``loc``, ``scale`` and the shape parameters.

Continuous (``pdf``, ``logpdf``, ``cdf``, ``logcdf``, ``sf``, ``logsf``):
``norm``, ``logistic``, ``laplace``, ``cauchy``, ``expon`` (no shapes), ``t``
(``df``), ``gamma`` (``a``), ``beta`` (``a``, ``b``), ``chi2`` (``df``),
``lognorm`` (``s``). With ``z = (x - loc) / scale`` each method ``F`` moves as

    dF = D (dx - dloc) / scale + (E - D z) dscale / scale + sum_k S_k dshape_k

where ``D`` is its derivative in ``z`` and ``E`` its derivative in
``log(scale)`` at fixed ``z``:

==========  =====================  =======  ==========================
method      D                      E        S_k
==========  =====================  =======  ==========================
logpdf      score(z)               -1       dlp/dshape
pdf         ans * score(z)         -ans     ans * dlp/dshape
cdf         exp(lp)                0        (no closed form but lognorm's s)
sf          -exp(lp)               0        -(cdf's)
logcdf      exp(lp - ans)          0        cdf's / cdf
logsf       -exp(lp - ans)         0        -(cdf's) / sf
==========  =====================  =======  ==========================

``lp`` is the standard log-density at ``z`` (the distribution's own
``logpdf(z, shapes)``, so that a second derivative goes through its rule)
and ``score`` its derivative in ``z``. The derivatives of the cdf-type
methods in ``t``'s and ``chi2``'s ``df``, ``gamma``'s ``a``, ``beta``'s ``a``
and ``b`` have no closed form: refused.

Discrete (``pmf``, ``logpmf``, ``cdf``, ``sf``) w.r.t. their real parameters:
``poisson`` (``mu``), ``binom`` (``p``; ``n`` is an integer), ``nbinom``
(``n``, ``p``; the cdf's ``n`` refused), ``geom`` (``p``). The count ``k``
and ``loc`` are integers (not differentiated).
"""
import numpy as np

try:  # SciPy is an optional dependency
    from scipy import stats, special
except ImportError:  # pragma: no cover
    stats = special = None

from ..runtime import unbroadcast, broadcast_like
from ..runtime.refusals import no_closed_form
from .registry import vjp_rule, jvp_rule, nondifferentiable
from .linalg_derivatives import real_only

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


def _z(x, loc, scale):
    """The standardised data (complex data refused: the densities are real)."""
    return (real_only(x, "scipy.stats (a density)") - loc) / scale


def locscale_cotangents(g, D, E, x, loc, scale):
    """The cotangents of (x, loc, scale) given ``D`` and ``E`` (module docstring)."""
    z = _z(x, loc, scale)
    return (unbroadcast(g * D / scale, x), unbroadcast(-g * D / scale, loc),
            unbroadcast(g * (E - D * z) / scale, scale))


def locscale_tangent(ans, D, E, x, loc, scale, dx, dloc, dscale):
    """The tangent of a method given ``D`` and ``E`` (module docstring)."""
    return broadcast_like((D * (dx - dloc) + (E - D * _z(x, loc, scale)) * dscale) / scale, ans)


def refused(method, param):
    """The derivative of ``scipy.stats.<method>`` w.r.t. ``param`` has no closed form."""
    return no_closed_form(f"scipy.stats.{method}", param)


nondifferentiable(refused)


# D of the cdf-type methods, from the standard log-density lp at z and the method's value
def cdf_slope(lp, ans):
    return np.exp(lp)


def sf_slope(lp, ans):
    return -np.exp(lp)


def logcdf_slope(lp, ans):
    return np.exp(lp - ans)


def logsf_slope(lp, ans):
    return -np.exp(lp - ans)


# score(z) = d lp / dz and the shape derivatives d lp / dshape of the standard densities
def norm_score(z):
    return -z


def logistic_score(z):
    return -np.tanh(z / 2)


def laplace_score(z):
    return -np.sign(z)


def cauchy_score(z):
    return -2 * z / (1 + z * z)


def expon_score(z):
    """z > 0 (the density is 0 below)."""
    return -1.0 + 0.0 * z


def t_score(z, df):
    return -(df + 1) * z / (df + z * z)


def t_ddf(z, df):
    return (0.5 * (special.digamma((df + 1) / 2) - special.digamma(df / 2)) - 0.5 / df
            - 0.5 * np.log1p(z * z / df) + (df + 1) * z * z / (2 * df * (df + z * z)))


def gamma_score(z, a):
    return (a - 1) / z - 1


def gamma_da(z, a):
    return np.log(z) - special.digamma(a)


def beta_score(z, a, b):
    return (a - 1) / z - (b - 1) / (1 - z)


def beta_da(z, a, b):
    return np.log(z) - special.digamma(a) + special.digamma(a + b)


def beta_db(z, a, b):
    return np.log1p(-z) - special.digamma(b) + special.digamma(a + b)


def chi2_score(z, df):
    return (df / 2 - 1) / z - 0.5


def chi2_ddf(z, df):
    return 0.5 * (np.log(z / 2) - special.digamma(df / 2))


def lognorm_score(z, s):
    return -(1 + np.log(z) / (s * s)) / z


def lognorm_ds(z, s):
    return (np.log(z) ** 2 / (s * s) - 1) / s


def lognorm_cdf_ds(z, s):
    """d cdf / ds divided by the standard density: the cdf is Phi(log(z) / s)."""
    return -z * np.log(z) / s


# discrete: d logpmf / dparam at the count k (k - loc), and d cdf / dparam at floor(k)
def poisson_dmu(k, mu):
    return k / mu - 1


def poisson_cdf_dmu(k, mu):
    return -stats.poisson.pmf(np.floor(k), mu)


def binom_dp(k, n, p):
    return k / p - (n - k) / (1 - p)


def binom_cdf_dp(k, n, p):
    return -(n - np.floor(k)) * stats.binom.pmf(np.floor(k), n, p) / (1 - p)


def nbinom_dn(k, n, p):
    return special.digamma(k + n) - special.digamma(n) + np.log(p)


def nbinom_dp(k, n, p):
    return n / p - k / (1 - p)


def nbinom_cdf_dp(k, n, p):
    return (n + np.floor(k)) * stats.nbinom.pmf(np.floor(k), n, p) / p


def geom_dp(k, p):
    return 1 / p - (k - 1) / (1 - p)


def geom_cdf_dp(k, p):
    return np.floor(k) * stats.geom.pmf(np.floor(k), p) / p


if stats is not None:
    L = stats     # a short name keeps each rule on one line

    # ---- norm --------------------------------------------------------------------------------------

    @vjp_rule(L.norm.logpdf)
    def norm_logpdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, norm_score(z), -1.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.norm.logpdf)
    def norm_logpdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, norm_score(z), -1.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.norm.pdf)
    def norm_pdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, ans * norm_score(z), -ans, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.norm.pdf)
    def norm_pdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, ans * norm_score(z), -ans, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.norm.cdf)
    def norm_cdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, cdf_slope(L.norm.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.norm.cdf)
    def norm_cdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, cdf_slope(L.norm.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.norm.sf)
    def norm_sf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, sf_slope(L.norm.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.norm.sf)
    def norm_sf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, sf_slope(L.norm.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.norm.logcdf)
    def norm_logcdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logcdf_slope(L.norm.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.norm.logcdf)
    def norm_logcdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, logcdf_slope(L.norm.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.norm.logsf)
    def norm_logsf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logsf_slope(L.norm.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.norm.logsf)
    def norm_logsf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, logsf_slope(L.norm.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    # ---- logistic ----------------------------------------------------------------------------------

    @vjp_rule(L.logistic.logpdf)
    def logistic_logpdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logistic_score(z), -1.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.logistic.logpdf)
    def logistic_logpdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, logistic_score(z), -1.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.logistic.pdf)
    def logistic_pdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, ans * logistic_score(z), -ans, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.logistic.pdf)
    def logistic_pdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, ans * logistic_score(z), -ans, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.logistic.cdf)
    def logistic_cdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, cdf_slope(L.logistic.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.logistic.cdf)
    def logistic_cdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, cdf_slope(L.logistic.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.logistic.sf)
    def logistic_sf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, sf_slope(L.logistic.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.logistic.sf)
    def logistic_sf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, sf_slope(L.logistic.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.logistic.logcdf)
    def logistic_logcdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logcdf_slope(L.logistic.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.logistic.logcdf)
    def logistic_logcdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, logcdf_slope(L.logistic.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.logistic.logsf)
    def logistic_logsf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logsf_slope(L.logistic.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.logistic.logsf)
    def logistic_logsf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, logsf_slope(L.logistic.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    # ---- laplace -----------------------------------------------------------------------------------

    @vjp_rule(L.laplace.logpdf)
    def laplace_logpdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, laplace_score(z), -1.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.laplace.logpdf)
    def laplace_logpdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, laplace_score(z), -1.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.laplace.pdf)
    def laplace_pdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, ans * laplace_score(z), -ans, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.laplace.pdf)
    def laplace_pdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, ans * laplace_score(z), -ans, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.laplace.cdf)
    def laplace_cdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, cdf_slope(L.laplace.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.laplace.cdf)
    def laplace_cdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, cdf_slope(L.laplace.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.laplace.sf)
    def laplace_sf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, sf_slope(L.laplace.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.laplace.sf)
    def laplace_sf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, sf_slope(L.laplace.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.laplace.logcdf)
    def laplace_logcdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logcdf_slope(L.laplace.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.laplace.logcdf)
    def laplace_logcdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, logcdf_slope(L.laplace.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.laplace.logsf)
    def laplace_logsf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logsf_slope(L.laplace.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.laplace.logsf)
    def laplace_logsf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, logsf_slope(L.laplace.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    # ---- cauchy ------------------------------------------------------------------------------------

    @vjp_rule(L.cauchy.logpdf)
    def cauchy_logpdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, cauchy_score(z), -1.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.cauchy.logpdf)
    def cauchy_logpdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, cauchy_score(z), -1.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.cauchy.pdf)
    def cauchy_pdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, ans * cauchy_score(z), -ans, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.cauchy.pdf)
    def cauchy_pdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, ans * cauchy_score(z), -ans, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.cauchy.cdf)
    def cauchy_cdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, cdf_slope(L.cauchy.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.cauchy.cdf)
    def cauchy_cdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, cdf_slope(L.cauchy.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.cauchy.sf)
    def cauchy_sf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, sf_slope(L.cauchy.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.cauchy.sf)
    def cauchy_sf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, sf_slope(L.cauchy.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.cauchy.logcdf)
    def cauchy_logcdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logcdf_slope(L.cauchy.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.cauchy.logcdf)
    def cauchy_logcdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, logcdf_slope(L.cauchy.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.cauchy.logsf)
    def cauchy_logsf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logsf_slope(L.cauchy.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.cauchy.logsf)
    def cauchy_logsf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, logsf_slope(L.cauchy.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    # ---- expon -------------------------------------------------------------------------------------

    @vjp_rule(L.expon.logpdf)
    def expon_logpdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, expon_score(z), -1.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.expon.logpdf)
    def expon_logpdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, expon_score(z), -1.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.expon.pdf)
    def expon_pdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, ans * expon_score(z), -ans, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.expon.pdf)
    def expon_pdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, ans * expon_score(z), -ans, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.expon.cdf)
    def expon_cdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, cdf_slope(L.expon.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.expon.cdf)
    def expon_cdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, cdf_slope(L.expon.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.expon.sf)
    def expon_sf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, sf_slope(L.expon.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.expon.sf)
    def expon_sf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, sf_slope(L.expon.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.expon.logcdf)
    def expon_logcdf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logcdf_slope(L.expon.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.expon.logcdf)
    def expon_logcdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, logcdf_slope(L.expon.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    @vjp_rule(L.expon.logsf)
    def expon_logsf(g, ans, x, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logsf_slope(L.expon.logpdf(z), ans), 0.0, x, loc, scale)
        return c[0], c[1], c[2]

    @jvp_rule(L.expon.logsf)
    def expon_logsf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return locscale_tangent(ans, logsf_slope(L.expon.logpdf(z), ans), 0.0, x, loc, scale, dx, dloc, dscale)

    # ---- t -----------------------------------------------------------------------------------------

    @vjp_rule(L.t.logpdf)
    def t_logpdf(g, ans, x, df, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, t_score(z, df), -1.0, x, loc, scale)
        return c[0], unbroadcast(g * t_ddf(z, df), df), c[1], c[2]

    @jvp_rule(L.t.logpdf)
    def t_logpdf_jvp(ans, x, df, loc=0, scale=1, *, dx, ddf, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, t_score(z, df), -1.0, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(ddf * t_ddf(z, df), ans))

    @vjp_rule(L.t.pdf)
    def t_pdf(g, ans, x, df, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, ans * t_score(z, df), -ans, x, loc, scale)
        return c[0], unbroadcast(g * ans * t_ddf(z, df), df), c[1], c[2]

    @jvp_rule(L.t.pdf)
    def t_pdf_jvp(ans, x, df, loc=0, scale=1, *, dx, ddf, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, ans * t_score(z, df), -ans, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(ddf * ans * t_ddf(z, df), ans))

    @vjp_rule(L.t.cdf)
    def t_cdf(g, ans, x, df, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, cdf_slope(L.t.logpdf(z, df), ans), 0.0, x, loc, scale)
        return c[0], refused("t.cdf", "df"), c[1], c[2]

    @jvp_rule(L.t.cdf)
    def t_cdf_jvp(ans, x, df, loc=0, scale=1, *, dx, ddf, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, cdf_slope(L.t.logpdf(z, df), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("t.cdf", "df") * ddf)

    @vjp_rule(L.t.sf)
    def t_sf(g, ans, x, df, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, sf_slope(L.t.logpdf(z, df), ans), 0.0, x, loc, scale)
        return c[0], refused("t.sf", "df"), c[1], c[2]

    @jvp_rule(L.t.sf)
    def t_sf_jvp(ans, x, df, loc=0, scale=1, *, dx, ddf, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, sf_slope(L.t.logpdf(z, df), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("t.sf", "df") * ddf)

    @vjp_rule(L.t.logcdf)
    def t_logcdf(g, ans, x, df, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logcdf_slope(L.t.logpdf(z, df), ans), 0.0, x, loc, scale)
        return c[0], refused("t.logcdf", "df"), c[1], c[2]

    @jvp_rule(L.t.logcdf)
    def t_logcdf_jvp(ans, x, df, loc=0, scale=1, *, dx, ddf, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, logcdf_slope(L.t.logpdf(z, df), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("t.logcdf", "df") * ddf)

    @vjp_rule(L.t.logsf)
    def t_logsf(g, ans, x, df, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logsf_slope(L.t.logpdf(z, df), ans), 0.0, x, loc, scale)
        return c[0], refused("t.logsf", "df"), c[1], c[2]

    @jvp_rule(L.t.logsf)
    def t_logsf_jvp(ans, x, df, loc=0, scale=1, *, dx, ddf, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, logsf_slope(L.t.logpdf(z, df), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("t.logsf", "df") * ddf)

    # ---- gamma -------------------------------------------------------------------------------------

    @vjp_rule(L.gamma.logpdf)
    def gamma_logpdf(g, ans, x, a, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, gamma_score(z, a), -1.0, x, loc, scale)
        return c[0], unbroadcast(g * gamma_da(z, a), a), c[1], c[2]

    @jvp_rule(L.gamma.logpdf)
    def gamma_logpdf_jvp(ans, x, a, loc=0, scale=1, *, dx, da, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, gamma_score(z, a), -1.0, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(da * gamma_da(z, a), ans))

    @vjp_rule(L.gamma.pdf)
    def gamma_pdf(g, ans, x, a, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, ans * gamma_score(z, a), -ans, x, loc, scale)
        return c[0], unbroadcast(g * ans * gamma_da(z, a), a), c[1], c[2]

    @jvp_rule(L.gamma.pdf)
    def gamma_pdf_jvp(ans, x, a, loc=0, scale=1, *, dx, da, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, ans * gamma_score(z, a), -ans, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(da * ans * gamma_da(z, a), ans))

    @vjp_rule(L.gamma.cdf)
    def gamma_cdf(g, ans, x, a, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, cdf_slope(L.gamma.logpdf(z, a), ans), 0.0, x, loc, scale)
        return c[0], refused("gamma.cdf", "a"), c[1], c[2]

    @jvp_rule(L.gamma.cdf)
    def gamma_cdf_jvp(ans, x, a, loc=0, scale=1, *, dx, da, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, cdf_slope(L.gamma.logpdf(z, a), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("gamma.cdf", "a") * da)

    @vjp_rule(L.gamma.sf)
    def gamma_sf(g, ans, x, a, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, sf_slope(L.gamma.logpdf(z, a), ans), 0.0, x, loc, scale)
        return c[0], refused("gamma.sf", "a"), c[1], c[2]

    @jvp_rule(L.gamma.sf)
    def gamma_sf_jvp(ans, x, a, loc=0, scale=1, *, dx, da, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, sf_slope(L.gamma.logpdf(z, a), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("gamma.sf", "a") * da)

    @vjp_rule(L.gamma.logcdf)
    def gamma_logcdf(g, ans, x, a, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logcdf_slope(L.gamma.logpdf(z, a), ans), 0.0, x, loc, scale)
        return c[0], refused("gamma.logcdf", "a"), c[1], c[2]

    @jvp_rule(L.gamma.logcdf)
    def gamma_logcdf_jvp(ans, x, a, loc=0, scale=1, *, dx, da, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, logcdf_slope(L.gamma.logpdf(z, a), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("gamma.logcdf", "a") * da)

    @vjp_rule(L.gamma.logsf)
    def gamma_logsf(g, ans, x, a, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logsf_slope(L.gamma.logpdf(z, a), ans), 0.0, x, loc, scale)
        return c[0], refused("gamma.logsf", "a"), c[1], c[2]

    @jvp_rule(L.gamma.logsf)
    def gamma_logsf_jvp(ans, x, a, loc=0, scale=1, *, dx, da, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, logsf_slope(L.gamma.logpdf(z, a), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("gamma.logsf", "a") * da)

    # ---- beta --------------------------------------------------------------------------------------

    @vjp_rule(L.beta.logpdf)
    def beta_logpdf(g, ans, x, a, b, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, beta_score(z, a, b), -1.0, x, loc, scale)
        return c[0], unbroadcast(g * beta_da(z, a, b), a), unbroadcast(g * beta_db(z, a, b), b), c[1], c[2]

    @jvp_rule(L.beta.logpdf)
    def beta_logpdf_jvp(ans, x, a, b, loc=0, scale=1, *, dx, da, db, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, beta_score(z, a, b), -1.0, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(da * beta_da(z, a, b), ans)
                + broadcast_like(db * beta_db(z, a, b), ans))

    @vjp_rule(L.beta.pdf)
    def beta_pdf(g, ans, x, a, b, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, ans * beta_score(z, a, b), -ans, x, loc, scale)
        return c[0], unbroadcast(g * ans * beta_da(z, a, b), a), unbroadcast(g * ans * beta_db(z, a, b), b), c[1], c[2]

    @jvp_rule(L.beta.pdf)
    def beta_pdf_jvp(ans, x, a, b, loc=0, scale=1, *, dx, da, db, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, ans * beta_score(z, a, b), -ans, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(da * ans * beta_da(z, a, b), ans)
                + broadcast_like(db * ans * beta_db(z, a, b), ans))

    @vjp_rule(L.beta.cdf)
    def beta_cdf(g, ans, x, a, b, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, cdf_slope(L.beta.logpdf(z, a, b), ans), 0.0, x, loc, scale)
        return c[0], refused("beta.cdf", "a"), refused("beta.cdf", "b"), c[1], c[2]

    @jvp_rule(L.beta.cdf)
    def beta_cdf_jvp(ans, x, a, b, loc=0, scale=1, *, dx, da, db, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, cdf_slope(L.beta.logpdf(z, a, b), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("beta.cdf", "a") * da
                + refused("beta.cdf", "b") * db)

    @vjp_rule(L.beta.sf)
    def beta_sf(g, ans, x, a, b, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, sf_slope(L.beta.logpdf(z, a, b), ans), 0.0, x, loc, scale)
        return c[0], refused("beta.sf", "a"), refused("beta.sf", "b"), c[1], c[2]

    @jvp_rule(L.beta.sf)
    def beta_sf_jvp(ans, x, a, b, loc=0, scale=1, *, dx, da, db, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, sf_slope(L.beta.logpdf(z, a, b), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("beta.sf", "a") * da
                + refused("beta.sf", "b") * db)

    @vjp_rule(L.beta.logcdf)
    def beta_logcdf(g, ans, x, a, b, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logcdf_slope(L.beta.logpdf(z, a, b), ans), 0.0, x, loc, scale)
        return c[0], refused("beta.logcdf", "a"), refused("beta.logcdf", "b"), c[1], c[2]

    @jvp_rule(L.beta.logcdf)
    def beta_logcdf_jvp(ans, x, a, b, loc=0, scale=1, *, dx, da, db, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, logcdf_slope(L.beta.logpdf(z, a, b), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("beta.logcdf", "a") * da
                + refused("beta.logcdf", "b") * db)

    @vjp_rule(L.beta.logsf)
    def beta_logsf(g, ans, x, a, b, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logsf_slope(L.beta.logpdf(z, a, b), ans), 0.0, x, loc, scale)
        return c[0], refused("beta.logsf", "a"), refused("beta.logsf", "b"), c[1], c[2]

    @jvp_rule(L.beta.logsf)
    def beta_logsf_jvp(ans, x, a, b, loc=0, scale=1, *, dx, da, db, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, logsf_slope(L.beta.logpdf(z, a, b), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("beta.logsf", "a") * da
                + refused("beta.logsf", "b") * db)

    # ---- chi2 --------------------------------------------------------------------------------------

    @vjp_rule(L.chi2.logpdf)
    def chi2_logpdf(g, ans, x, df, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, chi2_score(z, df), -1.0, x, loc, scale)
        return c[0], unbroadcast(g * chi2_ddf(z, df), df), c[1], c[2]

    @jvp_rule(L.chi2.logpdf)
    def chi2_logpdf_jvp(ans, x, df, loc=0, scale=1, *, dx, ddf, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, chi2_score(z, df), -1.0, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(ddf * chi2_ddf(z, df), ans))

    @vjp_rule(L.chi2.pdf)
    def chi2_pdf(g, ans, x, df, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, ans * chi2_score(z, df), -ans, x, loc, scale)
        return c[0], unbroadcast(g * ans * chi2_ddf(z, df), df), c[1], c[2]

    @jvp_rule(L.chi2.pdf)
    def chi2_pdf_jvp(ans, x, df, loc=0, scale=1, *, dx, ddf, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, ans * chi2_score(z, df), -ans, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(ddf * ans * chi2_ddf(z, df), ans))

    @vjp_rule(L.chi2.cdf)
    def chi2_cdf(g, ans, x, df, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, cdf_slope(L.chi2.logpdf(z, df), ans), 0.0, x, loc, scale)
        return c[0], refused("chi2.cdf", "df"), c[1], c[2]

    @jvp_rule(L.chi2.cdf)
    def chi2_cdf_jvp(ans, x, df, loc=0, scale=1, *, dx, ddf, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, cdf_slope(L.chi2.logpdf(z, df), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("chi2.cdf", "df") * ddf)

    @vjp_rule(L.chi2.sf)
    def chi2_sf(g, ans, x, df, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, sf_slope(L.chi2.logpdf(z, df), ans), 0.0, x, loc, scale)
        return c[0], refused("chi2.sf", "df"), c[1], c[2]

    @jvp_rule(L.chi2.sf)
    def chi2_sf_jvp(ans, x, df, loc=0, scale=1, *, dx, ddf, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, sf_slope(L.chi2.logpdf(z, df), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("chi2.sf", "df") * ddf)

    @vjp_rule(L.chi2.logcdf)
    def chi2_logcdf(g, ans, x, df, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logcdf_slope(L.chi2.logpdf(z, df), ans), 0.0, x, loc, scale)
        return c[0], refused("chi2.logcdf", "df"), c[1], c[2]

    @jvp_rule(L.chi2.logcdf)
    def chi2_logcdf_jvp(ans, x, df, loc=0, scale=1, *, dx, ddf, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, logcdf_slope(L.chi2.logpdf(z, df), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("chi2.logcdf", "df") * ddf)

    @vjp_rule(L.chi2.logsf)
    def chi2_logsf(g, ans, x, df, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logsf_slope(L.chi2.logpdf(z, df), ans), 0.0, x, loc, scale)
        return c[0], refused("chi2.logsf", "df"), c[1], c[2]

    @jvp_rule(L.chi2.logsf)
    def chi2_logsf_jvp(ans, x, df, loc=0, scale=1, *, dx, ddf, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, logsf_slope(L.chi2.logpdf(z, df), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + refused("chi2.logsf", "df") * ddf)

    # ---- lognorm -----------------------------------------------------------------------------------

    @vjp_rule(L.lognorm.logpdf)
    def lognorm_logpdf(g, ans, x, s, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, lognorm_score(z, s), -1.0, x, loc, scale)
        return c[0], unbroadcast(g * lognorm_ds(z, s), s), c[1], c[2]

    @jvp_rule(L.lognorm.logpdf)
    def lognorm_logpdf_jvp(ans, x, s, loc=0, scale=1, *, dx, ds, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, lognorm_score(z, s), -1.0, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(ds * lognorm_ds(z, s), ans))

    @vjp_rule(L.lognorm.pdf)
    def lognorm_pdf(g, ans, x, s, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, ans * lognorm_score(z, s), -ans, x, loc, scale)
        return c[0], unbroadcast(g * ans * lognorm_ds(z, s), s), c[1], c[2]

    @jvp_rule(L.lognorm.pdf)
    def lognorm_pdf_jvp(ans, x, s, loc=0, scale=1, *, dx, ds, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, ans * lognorm_score(z, s), -ans, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(ds * ans * lognorm_ds(z, s), ans))

    @vjp_rule(L.lognorm.cdf)
    def lognorm_cdf(g, ans, x, s, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, cdf_slope(L.lognorm.logpdf(z, s), ans), 0.0, x, loc, scale)
        return c[0], unbroadcast(g * cdf_slope(L.lognorm.logpdf(z, s), ans) * lognorm_cdf_ds(z, s), s), c[1], c[2]

    @jvp_rule(L.lognorm.cdf)
    def lognorm_cdf_jvp(ans, x, s, loc=0, scale=1, *, dx, ds, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, cdf_slope(L.lognorm.logpdf(z, s), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(ds * cdf_slope(L.lognorm.logpdf(z, s), ans) * lognorm_cdf_ds(z, s), ans))

    @vjp_rule(L.lognorm.sf)
    def lognorm_sf(g, ans, x, s, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, sf_slope(L.lognorm.logpdf(z, s), ans), 0.0, x, loc, scale)
        return c[0], unbroadcast(g * sf_slope(L.lognorm.logpdf(z, s), ans) * lognorm_cdf_ds(z, s), s), c[1], c[2]

    @jvp_rule(L.lognorm.sf)
    def lognorm_sf_jvp(ans, x, s, loc=0, scale=1, *, dx, ds, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, sf_slope(L.lognorm.logpdf(z, s), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(ds * sf_slope(L.lognorm.logpdf(z, s), ans) * lognorm_cdf_ds(z, s), ans))

    @vjp_rule(L.lognorm.logcdf)
    def lognorm_logcdf(g, ans, x, s, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logcdf_slope(L.lognorm.logpdf(z, s), ans), 0.0, x, loc, scale)
        return c[0], unbroadcast(g * logcdf_slope(L.lognorm.logpdf(z, s), ans) * lognorm_cdf_ds(z, s), s), c[1], c[2]

    @jvp_rule(L.lognorm.logcdf)
    def lognorm_logcdf_jvp(ans, x, s, loc=0, scale=1, *, dx, ds, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, logcdf_slope(L.lognorm.logpdf(z, s), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(ds * logcdf_slope(L.lognorm.logpdf(z, s), ans) * lognorm_cdf_ds(z, s), ans))

    @vjp_rule(L.lognorm.logsf)
    def lognorm_logsf(g, ans, x, s, loc=0, scale=1):
        z = _z(x, loc, scale)
        c = locscale_cotangents(g, logsf_slope(L.lognorm.logpdf(z, s), ans), 0.0, x, loc, scale)
        return c[0], unbroadcast(g * logsf_slope(L.lognorm.logpdf(z, s), ans) * lognorm_cdf_ds(z, s), s), c[1], c[2]

    @jvp_rule(L.lognorm.logsf)
    def lognorm_logsf_jvp(ans, x, s, loc=0, scale=1, *, dx, ds, dloc, dscale):
        z = _z(x, loc, scale)
        return (locscale_tangent(ans, logsf_slope(L.lognorm.logpdf(z, s), ans), 0.0, x, loc, scale, dx, dloc, dscale)
                + broadcast_like(ds * logsf_slope(L.lognorm.logpdf(z, s), ans) * lognorm_cdf_ds(z, s), ans))

    # ---- poisson -----------------------------------------------------------------------------------

    @vjp_rule(L.poisson.logpmf)
    def poisson_logpmf(g, ans, k, mu, loc=0):
        return None, unbroadcast(g * poisson_dmu(k - loc, mu), mu), None

    @jvp_rule(L.poisson.logpmf)
    def poisson_logpmf_jvp(ans, k, mu, loc=0, *, dmu):
        return broadcast_like(dmu * poisson_dmu(k - loc, mu), ans)

    @vjp_rule(L.poisson.pmf)
    def poisson_pmf(g, ans, k, mu, loc=0):
        return None, unbroadcast(g * ans * poisson_dmu(k - loc, mu), mu), None

    @jvp_rule(L.poisson.pmf)
    def poisson_pmf_jvp(ans, k, mu, loc=0, *, dmu):
        return broadcast_like(dmu * ans * poisson_dmu(k - loc, mu), ans)

    @vjp_rule(L.poisson.cdf)
    def poisson_cdf(g, ans, k, mu, loc=0):
        return None, unbroadcast(g * poisson_cdf_dmu(k - loc, mu), mu), None

    @jvp_rule(L.poisson.cdf)
    def poisson_cdf_jvp(ans, k, mu, loc=0, *, dmu):
        return broadcast_like(dmu * poisson_cdf_dmu(k - loc, mu), ans)

    @vjp_rule(L.poisson.sf)
    def poisson_sf(g, ans, k, mu, loc=0):
        return None, unbroadcast(g * -poisson_cdf_dmu(k - loc, mu), mu), None

    @jvp_rule(L.poisson.sf)
    def poisson_sf_jvp(ans, k, mu, loc=0, *, dmu):
        return broadcast_like(dmu * -poisson_cdf_dmu(k - loc, mu), ans)

    # ---- binom -------------------------------------------------------------------------------------

    @vjp_rule(L.binom.logpmf)
    def binom_logpmf(g, ans, k, n, p, loc=0):
        return None, refused("binom.logpmf", "n (an integer)"), unbroadcast(g * binom_dp(k - loc, n, p), p), None

    @jvp_rule(L.binom.logpmf)
    def binom_logpmf_jvp(ans, k, n, p, loc=0, *, dn, dp):
        return refused("binom.logpmf", "n (an integer)") * dn + broadcast_like(dp * binom_dp(k - loc, n, p), ans)

    @vjp_rule(L.binom.pmf)
    def binom_pmf(g, ans, k, n, p, loc=0):
        return None, refused("binom.pmf", "n (an integer)"), unbroadcast(g * ans * binom_dp(k - loc, n, p), p), None

    @jvp_rule(L.binom.pmf)
    def binom_pmf_jvp(ans, k, n, p, loc=0, *, dn, dp):
        return refused("binom.pmf", "n (an integer)") * dn + broadcast_like(dp * ans * binom_dp(k - loc, n, p), ans)

    @vjp_rule(L.binom.cdf)
    def binom_cdf(g, ans, k, n, p, loc=0):
        return None, refused("binom.cdf", "n (an integer)"), unbroadcast(g * binom_cdf_dp(k - loc, n, p), p), None

    @jvp_rule(L.binom.cdf)
    def binom_cdf_jvp(ans, k, n, p, loc=0, *, dn, dp):
        return refused("binom.cdf", "n (an integer)") * dn + broadcast_like(dp * binom_cdf_dp(k - loc, n, p), ans)

    @vjp_rule(L.binom.sf)
    def binom_sf(g, ans, k, n, p, loc=0):
        return None, refused("binom.sf", "n (an integer)"), unbroadcast(g * -binom_cdf_dp(k - loc, n, p), p), None

    @jvp_rule(L.binom.sf)
    def binom_sf_jvp(ans, k, n, p, loc=0, *, dn, dp):
        return refused("binom.sf", "n (an integer)") * dn + broadcast_like(dp * -binom_cdf_dp(k - loc, n, p), ans)

    # ---- nbinom ------------------------------------------------------------------------------------

    @vjp_rule(L.nbinom.logpmf)
    def nbinom_logpmf(g, ans, k, n, p, loc=0):
        return None, unbroadcast(g * nbinom_dn(k - loc, n, p), n), unbroadcast(g * nbinom_dp(k - loc, n, p), p), None

    @jvp_rule(L.nbinom.logpmf)
    def nbinom_logpmf_jvp(ans, k, n, p, loc=0, *, dn, dp):
        return broadcast_like(dn * nbinom_dn(k - loc, n, p), ans) + broadcast_like(dp * nbinom_dp(k - loc, n, p), ans)

    @vjp_rule(L.nbinom.pmf)
    def nbinom_pmf(g, ans, k, n, p, loc=0):
        return (None, unbroadcast(g * ans * nbinom_dn(k - loc, n, p), n),
                unbroadcast(g * ans * nbinom_dp(k - loc, n, p), p), None)

    @jvp_rule(L.nbinom.pmf)
    def nbinom_pmf_jvp(ans, k, n, p, loc=0, *, dn, dp):
        return (broadcast_like(dn * ans * nbinom_dn(k - loc, n, p), ans)
                + broadcast_like(dp * ans * nbinom_dp(k - loc, n, p), ans))

    @vjp_rule(L.nbinom.cdf)
    def nbinom_cdf(g, ans, k, n, p, loc=0):
        return None, refused("nbinom.cdf", "n"), unbroadcast(g * nbinom_cdf_dp(k - loc, n, p), p), None

    @jvp_rule(L.nbinom.cdf)
    def nbinom_cdf_jvp(ans, k, n, p, loc=0, *, dn, dp):
        return refused("nbinom.cdf", "n") * dn + broadcast_like(dp * nbinom_cdf_dp(k - loc, n, p), ans)

    @vjp_rule(L.nbinom.sf)
    def nbinom_sf(g, ans, k, n, p, loc=0):
        return None, refused("nbinom.sf", "n"), unbroadcast(g * -nbinom_cdf_dp(k - loc, n, p), p), None

    @jvp_rule(L.nbinom.sf)
    def nbinom_sf_jvp(ans, k, n, p, loc=0, *, dn, dp):
        return refused("nbinom.sf", "n") * dn + broadcast_like(dp * -nbinom_cdf_dp(k - loc, n, p), ans)

    # ---- geom --------------------------------------------------------------------------------------

    @vjp_rule(L.geom.logpmf)
    def geom_logpmf(g, ans, k, p, loc=0):
        return None, unbroadcast(g * geom_dp(k - loc, p), p), None

    @jvp_rule(L.geom.logpmf)
    def geom_logpmf_jvp(ans, k, p, loc=0, *, dp):
        return broadcast_like(dp * geom_dp(k - loc, p), ans)

    @vjp_rule(L.geom.pmf)
    def geom_pmf(g, ans, k, p, loc=0):
        return None, unbroadcast(g * ans * geom_dp(k - loc, p), p), None

    @jvp_rule(L.geom.pmf)
    def geom_pmf_jvp(ans, k, p, loc=0, *, dp):
        return broadcast_like(dp * ans * geom_dp(k - loc, p), ans)

    @vjp_rule(L.geom.cdf)
    def geom_cdf(g, ans, k, p, loc=0):
        return None, unbroadcast(g * geom_cdf_dp(k - loc, p), p), None

    @jvp_rule(L.geom.cdf)
    def geom_cdf_jvp(ans, k, p, loc=0, *, dp):
        return broadcast_like(dp * geom_cdf_dp(k - loc, p), ans)

    @vjp_rule(L.geom.sf)
    def geom_sf(g, ans, k, p, loc=0):
        return None, unbroadcast(g * -geom_cdf_dp(k - loc, p), p), None

    @jvp_rule(L.geom.sf)
    def geom_sf_jvp(ans, k, p, loc=0, *, dp):
        return broadcast_like(dp * -geom_cdf_dp(k - loc, p), ans)
