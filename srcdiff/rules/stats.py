"""``scipy.stats`` location-scale distributions (optional: registered only
when SciPy imports): ``norm`` (pdf, logpdf, cdf, logcdf, sf, logsf) and
``logistic``, ``laplace``, ``cauchy``, ``expon`` (pdf, logpdf), w.r.t. the
data ``x``, ``loc`` and ``scale``.

With ``z = (x - loc) / scale``, each method ``F`` moves as
``dF = D (dx - dloc) / scale + (E - D z) dscale / scale``, where ``D`` is its
derivative in ``z`` and ``E`` its derivative in ``log(scale)`` at fixed ``z``
(-1 for logpdf, -pdf for pdf, 0 for the others). ``D`` comes from the
standard log-density ``lphi(z)`` and its derivative ``score(z)``.
"""
import numpy as np

try:  # SciPy is an optional dependency
    from scipy import stats
except ImportError:  # pragma: no cover
    stats = None

from ..runtime import unbroadcast, broadcast_like
from .registry import vjp_rule, jvp_rule
from .support import real_only

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


def _z(x, loc, scale):
    """The standardised data (complex data refused: the densities are real)."""
    return (real_only(x, "scipy.stats (a density)") - loc) / scale


def locscale_cotangents(g, D, E, x, loc, scale):
    """The cotangents of (x, loc, scale) given ``D`` and ``E`` (module docstring)."""
    z = _z(x, loc, scale)
    return (unbroadcast(g * D / scale, x), unbroadcast(-g * D / scale, loc),
            unbroadcast(g * (E - D * z) / scale, scale))


if stats is not None:

    # ---- norm -------------------------------------------------------------------------

    def _norm_lphi(z):
        return -0.5 * z * z - _LOG_SQRT_2PI

    @vjp_rule(stats.norm.logpdf)
    def norm_logpdf(g, ans, x, loc=0, scale=1):
        cts = locscale_cotangents(g, -_z(x, loc, scale), -1.0, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.norm.logpdf)
    def norm_logpdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return (broadcast_like(-z * dx / scale, ans)
                + (broadcast_like(z * dloc / scale, ans) if dloc is not None else 0.0)
                + (broadcast_like((z * z - 1) * dscale / scale, ans) if dscale is not None else 0.0))

    @vjp_rule(stats.norm.pdf)
    def norm_pdf(g, ans, x, loc=0, scale=1):
        cts = locscale_cotangents(g, -ans * _z(x, loc, scale), -ans, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.norm.pdf)
    def norm_pdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        return (broadcast_like(-ans * z * dx / scale, ans)
                + (broadcast_like(ans * z * dloc / scale, ans) if dloc is not None else 0.0)
                + (broadcast_like(ans * (z * z - 1) * dscale / scale, ans) if dscale is not None else 0.0))

    @vjp_rule(stats.norm.cdf)
    def norm_cdf(g, ans, x, loc=0, scale=1):
        cts = locscale_cotangents(g, np.exp(_norm_lphi(_z(x, loc, scale))), 0.0, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.norm.cdf)
    def norm_cdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        D = np.exp(_norm_lphi(z))
        return (broadcast_like(D * dx / scale, ans)
                - (broadcast_like(D * dloc / scale, ans) if dloc is not None else 0.0)
                - (broadcast_like(D * z * dscale / scale, ans) if dscale is not None else 0.0))

    @vjp_rule(stats.norm.sf)
    def norm_sf(g, ans, x, loc=0, scale=1):
        cts = locscale_cotangents(g, -np.exp(_norm_lphi(_z(x, loc, scale))), 0.0, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.norm.sf)
    def norm_sf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        D = -np.exp(_norm_lphi(z))
        return (broadcast_like(D * dx / scale, ans)
                - (broadcast_like(D * dloc / scale, ans) if dloc is not None else 0.0)
                - (broadcast_like(D * z * dscale / scale, ans) if dscale is not None else 0.0))

    @vjp_rule(stats.norm.logcdf)
    def norm_logcdf(g, ans, x, loc=0, scale=1):
        cts = locscale_cotangents(g, np.exp(_norm_lphi(_z(x, loc, scale)) - ans), 0.0, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.norm.logcdf)
    def norm_logcdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        D = np.exp(_norm_lphi(z) - ans)
        return (broadcast_like(D * dx / scale, ans)
                - (broadcast_like(D * dloc / scale, ans) if dloc is not None else 0.0)
                - (broadcast_like(D * z * dscale / scale, ans) if dscale is not None else 0.0))

    @vjp_rule(stats.norm.logsf)
    def norm_logsf(g, ans, x, loc=0, scale=1):
        cts = locscale_cotangents(g, -np.exp(_norm_lphi(_z(x, loc, scale)) - ans), 0.0, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.norm.logsf)
    def norm_logsf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        D = -np.exp(_norm_lphi(z) - ans)
        return (broadcast_like(D * dx / scale, ans)
                - (broadcast_like(D * dloc / scale, ans) if dloc is not None else 0.0)
                - (broadcast_like(D * z * dscale / scale, ans) if dscale is not None else 0.0))

    # ---- logistic, laplace, cauchy, expon: logpdf and pdf --------------------------------------
    # score(z) = d lphi / dz: logistic -tanh(z / 2), laplace -sign(z), cauchy -2 z / (1 + z^2),
    # expon -1 (z > 0; the density is 0 below).

    def _logistic_score(z):
        return -np.tanh(z / 2)

    def _laplace_score(z):
        return -np.sign(z)

    def _cauchy_score(z):
        return -2 * z / (1 + z * z)

    def _expon_score(z):
        return -1.0 + 0.0 * z

    @vjp_rule(stats.logistic.logpdf)
    def logistic_logpdf(g, ans, x, loc=0, scale=1):
        cts = locscale_cotangents(g, _logistic_score(_z(x, loc, scale)), -1.0, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.logistic.logpdf)
    def logistic_logpdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        D = _logistic_score(z)
        return (broadcast_like(D * dx / scale, ans)
                - (broadcast_like(D * dloc / scale, ans) if dloc is not None else 0.0)
                + (broadcast_like((-1.0 - D * z) * dscale / scale, ans) if dscale is not None else 0.0))

    @vjp_rule(stats.logistic.pdf)
    def logistic_pdf(g, ans, x, loc=0, scale=1):
        cts = locscale_cotangents(g, ans * _logistic_score(_z(x, loc, scale)), -ans, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.logistic.pdf)
    def logistic_pdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        D = ans * _logistic_score(z)
        return (broadcast_like(D * dx / scale, ans)
                - (broadcast_like(D * dloc / scale, ans) if dloc is not None else 0.0)
                + (broadcast_like((-ans - D * z) * dscale / scale, ans) if dscale is not None else 0.0))

    @vjp_rule(stats.laplace.logpdf)
    def laplace_logpdf(g, ans, x, loc=0, scale=1):
        cts = locscale_cotangents(g, _laplace_score(_z(x, loc, scale)), -1.0, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.laplace.logpdf)
    def laplace_logpdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        D = _laplace_score(z)
        return (broadcast_like(D * dx / scale, ans)
                - (broadcast_like(D * dloc / scale, ans) if dloc is not None else 0.0)
                + (broadcast_like((-1.0 - D * z) * dscale / scale, ans) if dscale is not None else 0.0))

    @vjp_rule(stats.laplace.pdf)
    def laplace_pdf(g, ans, x, loc=0, scale=1):
        cts = locscale_cotangents(g, ans * _laplace_score(_z(x, loc, scale)), -ans, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.laplace.pdf)
    def laplace_pdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        D = ans * _laplace_score(z)
        return (broadcast_like(D * dx / scale, ans)
                - (broadcast_like(D * dloc / scale, ans) if dloc is not None else 0.0)
                + (broadcast_like((-ans - D * z) * dscale / scale, ans) if dscale is not None else 0.0))

    @vjp_rule(stats.cauchy.logpdf)
    def cauchy_logpdf(g, ans, x, loc=0, scale=1):
        cts = locscale_cotangents(g, _cauchy_score(_z(x, loc, scale)), -1.0, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.cauchy.logpdf)
    def cauchy_logpdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        D = _cauchy_score(z)
        return (broadcast_like(D * dx / scale, ans)
                - (broadcast_like(D * dloc / scale, ans) if dloc is not None else 0.0)
                + (broadcast_like((-1.0 - D * z) * dscale / scale, ans) if dscale is not None else 0.0))

    @vjp_rule(stats.cauchy.pdf)
    def cauchy_pdf(g, ans, x, loc=0, scale=1):
        cts = locscale_cotangents(g, ans * _cauchy_score(_z(x, loc, scale)), -ans, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.cauchy.pdf)
    def cauchy_pdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        D = ans * _cauchy_score(z)
        return (broadcast_like(D * dx / scale, ans)
                - (broadcast_like(D * dloc / scale, ans) if dloc is not None else 0.0)
                + (broadcast_like((-ans - D * z) * dscale / scale, ans) if dscale is not None else 0.0))

    @vjp_rule(stats.expon.logpdf)
    def expon_logpdf(g, ans, x, loc=0, scale=1):
        """Inside the support (x > loc): outside, logpdf is -inf."""
        cts = locscale_cotangents(g, _expon_score(_z(x, loc, scale)), -1.0, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.expon.logpdf)
    def expon_logpdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        D = _expon_score(z)
        return (broadcast_like(D * dx / scale, ans)
                - (broadcast_like(D * dloc / scale, ans) if dloc is not None else 0.0)
                + (broadcast_like((-1.0 - D * z) * dscale / scale, ans) if dscale is not None else 0.0))

    @vjp_rule(stats.expon.pdf)
    def expon_pdf(g, ans, x, loc=0, scale=1):
        """0 outside the support (x < loc)."""
        cts = locscale_cotangents(g, ans * _expon_score(_z(x, loc, scale)), -ans, x, loc, scale)
        return cts[0], cts[1], cts[2]

    @jvp_rule(stats.expon.pdf)
    def expon_pdf_jvp(ans, x, loc=0, scale=1, *, dx, dloc, dscale):
        z = _z(x, loc, scale)
        D = ans * _expon_score(z)
        return (broadcast_like(D * dx / scale, ans)
                - (broadcast_like(D * dloc / scale, ans) if dloc is not None else 0.0)
                + (broadcast_like((-ans - D * z) * dscale / scale, ans) if dscale is not None else 0.0))
