"""``scipy.stats.multivariate_normal`` (``logpdf``, ``pdf`` w.r.t. ``x``,
``mean``, ``cov``) and ``scipy.stats.dirichlet`` (``logpdf``, ``pdf`` w.r.t.
``x`` and ``alpha``); optional: registered only when SciPy imports.

multivariate_normal, with ``r = x - mean`` (one row per point), ``P = S^-1``
and ``s = P r``: ``logpdf = -(d log 2 pi + log det S + r.s) / 2``, so
``d logpdf = -s.(dx - dmean) - tr(P dS) / 2 + s.dS.s / 2``. ``S`` is the
matrix SciPy uses for ``cov``: a number or a vector is a diagonal; of a
matrix SciPy reads one triangle (``MVN_READS``, checked once at import), and
the cotangent goes to that triangle. With ``allow_singular=True`` and a
singular ``cov`` (SciPy's eigenvalue cutoff), ``P`` is SciPy's pseudo-inverse:
the derivatives w.r.t. ``x`` and ``mean`` (points on the support) are those of
the formula; w.r.t. such a ``cov`` (its pseudo-determinant changes rank) they
are refused.

dirichlet: ``logpdf = gammaln(sum alpha) - sum gammaln(alpha) + sum (alpha - 1) log x``
(``x``'s first axis runs over the components). Its derivative w.r.t. ``x``
is that of this formula: SciPy refuses points off the simplex, so move ``x``
along it (a softmax) to compare with differences. An ``x`` with one
component fewer than ``alpha`` (SciPy then completes it) is refused.
"""
import numpy as np

try:  # SciPy is an optional dependency
    from scipy import stats, special
except ImportError:  # pragma: no cover
    stats = special = None

from ..runtime import unbroadcast, zeros_like_value
from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, nondifferentiable
from .linalg_derivatives import real_only


def _reads():
    """Which part of a non-symmetric ``cov`` SciPy's multivariate_normal uses:
    "lower" or "upper" triangle (mirrored), "mean" (the symmetric part), else None."""
    x, A = np.array([0.3, -0.2]), np.array([[1.0, 0.4], [0.1, 2.0]])
    got = stats.multivariate_normal.logpdf(x, cov=A)
    for name, S in (("lower", np.tril(A) + np.tril(A, -1).T), ("upper", np.triu(A) + np.triu(A, 1).T),
                    ("mean", (A + A.T) / 2)):
        if np.isclose(got, stats.multivariate_normal.logpdf(x, cov=S), rtol=1e-13, atol=0):
            return name
    return None


MVN_READS = _reads() if stats is not None else None


def mvn_dim(x, mean, cov):
    """The dimension d of the points."""
    if np.ndim(cov) > 0:
        return np.shape(cov)[-1]
    if np.ndim(mean) > 0:
        return np.shape(mean)[-1]
    return 1          # SciPy's dimension of a number mean and cov


def mvn_matrix(cov, d):
    """The covariance matrix SciPy uses for ``cov`` (linear in ``cov``)."""
    if np.ndim(cov) == 0:
        return cov * np.eye(d)
    if np.ndim(cov) == 1:
        return np.diag(cov)
    if MVN_READS == "lower":
        return np.tril(cov) + np.transpose(np.tril(cov, -1))
    if MVN_READS == "upper":
        return np.triu(cov) + np.transpose(np.triu(cov, 1))
    if MVN_READS == "mean":
        return (cov + np.transpose(cov)) / 2
    return unsupported("the derivative of scipy.stats.multivariate_normal w.r.t. cov "
                       "(this SciPy reads the matrix in a way srcdiff does not know)")


def mvn_cov_cotangent(G, cov, regular=True):
    """The cotangent of ``cov`` given ``G``, that of the matrix ``mvn_matrix`` made of it
    (refused for a singular ``cov``: ``regular`` False)."""
    if not regular:
        unsupported("the derivative of scipy.stats.multivariate_normal w.r.t. a singular cov "
                    "(allow_singular=True)")
    if np.ndim(cov) == 0:
        return np.trace(G)
    if np.ndim(cov) == 1:
        return np.diag(G)
    if MVN_READS == "lower":
        return np.tril(G + np.transpose(G)) - np.diag(np.diag(G))
    if MVN_READS == "upper":
        return np.triu(G + np.transpose(G)) - np.diag(np.diag(G))
    return (G + np.transpose(G)) / 2


def mvn_regular(allow_singular):
    """Refuse ``allow_singular=True`` (a rule line reads it, so the rule stays
    inlinable); True otherwise."""
    if allow_singular:
        unsupported("the derivative of scipy.stats.multivariate_normal with allow_singular=True")
    return True


def mvn_full_rank(S, allow_singular):
    """Is ``S`` regular for SciPy (always, without allow_singular: SciPy refuses
    a singular one then)? SciPy's cutoff: eigenvalues up to 1e6 * eps * the largest."""
    if not allow_singular:
        return True
    s = np.linalg.eigvalsh(S)
    return bool(np.min(s) > 1e6 * np.finfo(float).eps * np.max(np.abs(s)))


def mvn_pinv(S):
    """SciPy's pseudo-inverse of a singular ``S`` (its eigenvalue cutoff)."""
    s, u = np.linalg.eigh(S)
    keep = s > 1e6 * np.finfo(float).eps * np.max(np.abs(s))
    return (u[:, keep] / s[keep]) @ np.transpose(u[:, keep])


def mvn_singular_dcov(dcov, d):
    """The tangent of a singular ``cov`` (as a d x d matrix): refused unless it is zero."""
    if dcov is not None and np.any(np.asarray(dcov) != 0):
        unsupported("the derivative of scipy.stats.multivariate_normal w.r.t. a singular cov "
                    "(allow_singular=True)")
    return np.zeros((d, d))


nondifferentiable(mvn_regular, mvn_full_rank)


@vjp_rule(mvn_pinv)
def mvn_pinv_vjp(g, ans, S):
    return unsupported("the derivative of scipy.stats.multivariate_normal w.r.t. a singular cov "
                       "(allow_singular=True)")


@jvp_rule(mvn_pinv)
def mvn_pinv_jvp(ans, S, *, dS):
    return unsupported("the derivative of scipy.stats.multivariate_normal w.r.t. a singular cov "
                       "(allow_singular=True)")


@vjp_rule(mvn_singular_dcov)
def mvn_singular_dcov_vjp(g, ans, dcov, d):
    return unsupported("the derivative of scipy.stats.multivariate_normal w.r.t. a singular cov "
                       "(allow_singular=True)")


@jvp_rule(mvn_singular_dcov)
def mvn_singular_dcov_jvp(ans, dcov, d, *, ddcov):
    return unsupported("the derivative of scipy.stats.multivariate_normal w.r.t. a singular cov "
                       "(allow_singular=True)")


def mvn_cotangents(g, x, mean, cov, allow_singular):
    """The cotangents of (x, mean) of logpdf given its cotangent ``g``, then ``G``
    (that of the matrix SciPy makes of ``cov``; mvn_cov_cotangent) and whether
    that matrix is regular."""
    r = real_only(x, "scipy.stats.multivariate_normal") - mean
    d = mvn_dim(x, mean, cov)
    S = mvn_matrix(cov, d)
    regular = mvn_full_rank(S, allow_singular)
    P = np.linalg.inv(S) if regular else mvn_pinv(S)
    s = np.reshape(r, (-1, d)) @ P
    w = np.reshape(g, (-1, 1)) + np.zeros((np.shape(s)[0], 1))      # one weight per point
    ct_r = np.reshape(-w * s, np.shape(r))
    G = -0.5 * (np.sum(w) * P - np.transpose(s) @ (w * s))
    return unbroadcast(ct_r, x), unbroadcast(-ct_r, mean), G, regular


def mvn_tangent(ans, x, mean, cov, allow_singular, dx, dmean, dcov):
    """The tangent of logpdf."""
    r = real_only(x, "scipy.stats.multivariate_normal") - mean
    d = mvn_dim(x, mean, cov)
    S = mvn_matrix(cov, d)
    regular = mvn_full_rank(S, allow_singular)
    P = np.linalg.inv(S) if regular else mvn_pinv(S)
    s = np.reshape(r, (-1, d)) @ P
    dr = np.reshape(np.zeros(np.shape(r)) + (dx - dmean), (-1, d))
    dS = mvn_matrix(dcov, d) if regular else mvn_singular_dcov(dcov, d)
    t = -np.sum(s * dr, axis=-1) - 0.5 * np.sum(P * dS) + 0.5 * np.sum((s @ dS) * s, axis=-1)
    return np.reshape(t, np.shape(ans))


def dirichlet_checked(x, alpha):
    """``x``, refusing one with a component fewer than ``alpha``."""
    if np.shape(x)[0] != np.shape(alpha)[0]:
        unsupported("the derivative of scipy.stats.dirichlet at an x with one component fewer than alpha")
    return real_only(x, "scipy.stats.dirichlet")


def dirichlet_alpha(alpha, x):
    """``alpha`` shaped to broadcast against ``x`` (components along the first axis)."""
    return np.reshape(alpha, np.shape(alpha) + (1,) * (np.ndim(x) - 1))


def dirichlet_dx(x, alpha):
    return (dirichlet_alpha(alpha, x) - 1) / dirichlet_checked(x, alpha)


def dirichlet_dalpha(x, alpha):
    """d logpdf / d alpha at each point (shape of x)."""
    a = dirichlet_alpha(alpha, x)
    return special.digamma(np.sum(alpha)) - special.digamma(a) + np.log(dirichlet_checked(x, alpha))


def _sum_points(G, alpha):
    """Sum a per-point cotangent (shape of x) over the points."""
    return np.reshape(np.sum(np.reshape(G, (np.shape(G)[0], -1)), axis=1), np.shape(alpha))


nondifferentiable(mvn_dim)

if stats is not None:
    L = stats

    @vjp_rule(L.multivariate_normal.logpdf)
    def mvn_logpdf(g, ans, x, mean=None, cov=1, allow_singular=False):
        c = mvn_cotangents(g, x, 0.0 if mean is None else mean, cov, allow_singular)
        return c[0], c[1], mvn_cov_cotangent(c[2], cov, c[3])

    @jvp_rule(L.multivariate_normal.logpdf)
    def mvn_logpdf_jvp(ans, x, mean=None, cov=1, allow_singular=False, *, dx, dmean, dcov):
        return mvn_tangent(ans, x, 0.0 if mean is None else mean, cov, allow_singular,
                           dx, 0.0 if mean is None else dmean, dcov)

    @vjp_rule(L.multivariate_normal.pdf)
    def mvn_pdf(g, ans, x, mean=None, cov=1, allow_singular=False):
        c = mvn_cotangents(g * ans, x, 0.0 if mean is None else mean, cov, allow_singular)
        return c[0], c[1], mvn_cov_cotangent(c[2], cov, c[3])

    @jvp_rule(L.multivariate_normal.pdf)
    def mvn_pdf_jvp(ans, x, mean=None, cov=1, allow_singular=False, *, dx, dmean, dcov):
        return ans * mvn_tangent(ans, x, 0.0 if mean is None else mean, cov, allow_singular,
                                 dx, 0.0 if mean is None else dmean, dcov)

    # entropy = (d log(2 pi e) + log det S) / 2: a function of cov only
    @vjp_rule(L.multivariate_normal.entropy)
    def mvn_entropy(g, ans, mean=None, cov=1, allow_singular=False):
        S = mvn_matrix(cov, mvn_dim(0.0, mean, cov)) if mvn_regular(allow_singular) else None
        return (None if mean is None else zeros_like_value(mean),
                mvn_cov_cotangent(0.5 * g * np.transpose(np.linalg.inv(S)), cov))

    @jvp_rule(L.multivariate_normal.entropy)
    def mvn_entropy_jvp(ans, mean=None, cov=1, allow_singular=False, *, dmean, dcov):
        d = mvn_dim(0.0, mean, cov) if mvn_regular(allow_singular) else None
        return 0.5 * np.trace(np.linalg.solve(mvn_matrix(cov, d), mvn_matrix(dcov, d)))

    @vjp_rule(L.dirichlet.logpdf)
    def dirichlet_logpdf(g, ans, x, alpha):
        return g * dirichlet_dx(x, alpha), _sum_points(g * dirichlet_dalpha(x, alpha), alpha)

    @jvp_rule(L.dirichlet.logpdf)
    def dirichlet_logpdf_jvp(ans, x, alpha, *, dx, dalpha):
        return (np.sum(dx * dirichlet_dx(x, alpha), axis=0)
                + np.sum(dirichlet_alpha(dalpha, x) * dirichlet_dalpha(x, alpha), axis=0))

    @vjp_rule(L.dirichlet.pdf)
    def dirichlet_pdf(g, ans, x, alpha):
        return g * ans * dirichlet_dx(x, alpha), _sum_points(g * ans * dirichlet_dalpha(x, alpha), alpha)

    @jvp_rule(L.dirichlet.pdf)
    def dirichlet_pdf_jvp(ans, x, alpha, *, dx, dalpha):
        return ans * (np.sum(dx * dirichlet_dx(x, alpha), axis=0)
                      + np.sum(dirichlet_alpha(dalpha, x) * dirichlet_dalpha(x, alpha), axis=0))
