"""Pieces of the linear-algebra rules' derivatives (linalg.py,
scipy_linalg.py, stats): identity and off-diagonal inverses, symmetric and
Hermitian folds, checks of SVD and eigenvector phases, norm weights, and the
refusal of complex matrices where a rule holds for real ones only.

Plain NumPy-API code (it never forces values through ``np.asarray`` or
``float()``, so Dask or CuPy arrays stay in their own library). A piece that
carries derivative information has its own vjp/jvp rules (after its section),
so derivative code that calls it can be differentiated again; one that only
computes constants (masks, axes, subscripts) is ``nondifferentiable``.
"""
import numpy as np

from ..runtime import expand_reduced, size_of, is_complex
from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, nondifferentiable, register_linear


def eye_like(a):
    """The identity matching the last two axes of ``a`` (a constant)."""
    return np.eye(np.shape(a)[-1], dtype=float)


def off_diag_inverse(w):
    """``F[..., i, j] = 1 / (w[j] - w[i])`` off the diagonal, 0 on it; written in
    differentiable NumPy so that derivatives using it can be differentiated."""
    return _off_diag_inverse(w)


def _off_diag_inverse(w):
    n = np.shape(w)[-1]
    eye = np.eye(n, dtype=bool)
    d = np.expand_dims(w, -2) - np.expand_dims(w, -1)
    return np.where(eye, 0.0, 1.0 / np.where(eye, 1.0, d))


def fold_lower(S, lower=True):
    """Adjoint of ``A -> tril(A) + tril(A, -1)^T`` (how eigh/cholesky read a
    matrix): the cotangent of the full matrix argument."""
    St = np.swapaxes(S, -1, -2)
    if lower:
        return np.tril(S) + np.tril(St, -1)
    return np.triu(S) + np.triu(St, 1)


def sym_from_lower(dA, lower=True):
    """The symmetric matrix eigh/cholesky actually see: ``tril(A) + tril(A,-1)^T``."""
    if lower:
        return np.tril(dA) + np.swapaxes(np.tril(dA, -1), -1, -2)
    return np.triu(dA) + np.swapaxes(np.triu(dA, 1), -1, -2)


def ctrans(x):
    """The conjugate transpose of the last two axes (the transpose of a real ``x``)."""
    return np.conj(np.swapaxes(x, -1, -2))


def fold_lower_h(S, lower=True):
    """Adjoint, in the complex convention, of ``A -> tril(A, -1) + diag(Re A) +
    tril(A, -1)^H`` (how LAPACK reads a Hermitian matrix from one triangle: the
    other triangle and the imaginary part of the diagonal are not read): the
    cotangent of the full matrix argument. ``fold_lower`` for a real ``S``."""
    Sh = np.conj(np.swapaxes(S, -1, -2))
    diag = np.eye(np.shape(S)[-1]) * np.real(S)
    if lower:
        return np.tril(S, -1) + np.tril(Sh, -1) + diag
    return np.triu(S, 1) + np.triu(Sh, 1) + diag


def hermitian_from_lower(dA, lower=True):
    """The Hermitian matrix LAPACK sees when it reads one triangle of ``dA``:
    ``tril(dA, -1) + diag(Re dA) + tril(dA, -1)^H`` (``sym_from_lower`` for a
    real ``dA``)."""
    part = np.tril(dA, -1) if lower else np.triu(dA, 1)
    return part + np.eye(np.shape(dA)[-1]) * np.real(dA) + np.conj(np.swapaxes(part, -1, -2))


def phase_row(x, row, what):
    """``row``, after checking that row ``row`` of the unit vectors ``x`` (the
    columns) is real, as LAPACK's Householder reductions leave it (zheevd: row 0
    for UPLO='L', the last for 'U'; zgesdd: row 0 of V, or of U when m < n).
    That fixes each complex vector's otherwise arbitrary phase, and the rule
    differentiates under it; another LAPACK's convention is refused. Real up to
    rounding counts (zgesdd of a wide matrix leaves row 0 of U with imaginary
    parts of about 1e-16: it comes from the SVD of the square factor of an LQ)."""
    tol = 64 * np.finfo(float).eps
    if is_complex(x) and size_of(x) and np.max(np.abs(np.imag(np.take(x, row, axis=-2)))) > tol:
        unsupported(f"the derivative of the complex vectors of {what}: this LAPACK does not "
                    "return them with a real row (their phase convention is unknown)")
    return row


def svd_check(a, full_matrices):
    """Refuse the non-unique full_matrices=True derivative of a non-square svd."""
    m, n = np.shape(a)[-2:]
    if full_matrices and m != n:
        unsupported("the derivative of np.linalg.svd(full_matrices=True) of a non-square "
                    "matrix (use full_matrices=False)")
    return True


def svd_vectors_check(a, s, *cotangents):
    """Refuse the derivative of singular vectors where it is not defined: two
    (numerically) equal singular values (the rules divide by their squares'
    difference), or a zero one of a non-square matrix (they divide by it; its
    vectors are not unique). Returning a number there would be silently wrong
    (0/0 rounding noise); the tolerance is ``np.linalg.matrix_rank``'s.
    ``cotangents``: the reverse rule's cotangents of U and Vh; none of them
    non-zero (unused vectors) needs no check. Returns ``s`` (so that a rule
    template, whose lines are assignments, keeps the check)."""
    if cotangents and all(c is None or not np.any(c != 0) for c in cotangents):
        return s
    m, n = np.shape(a)[-2:]
    s_in, s = s, np.asarray(s)
    if s.size == 0:
        return s_in
    tol = max(m, n) * np.finfo(np.result_type(s.dtype, float)).eps * np.max(s, axis=-1, keepdims=True)
    gaps = np.where(np.eye(s.shape[-1], dtype=bool), np.inf,
                    np.abs(np.expand_dims(s, -1) - np.expand_dims(s, -2)))
    zero = m != n and bool(np.any(s <= tol))
    if zero or bool(np.any(gaps <= np.expand_dims(tol, -1))):
        unsupported("the derivative of np.linalg.svd's singular vectors at "
                    + ("a zero singular value of a non-square matrix" if zero
                       else "repeated singular values")
                    + " (not defined there: the matrix is rank-deficient or degenerate)")
    return s_in


def norm_kind(x, ord=None, axis=None, vector=False):
    """Classify an ``np.linalg.norm`` call: ('vec', p) with p a finite order
    handled by the smooth formula, ('vecw', ord) for inf/-inf/0 vector orders,
    ('mat', ord) for matrix orders, and the reduced axes. ``vector``: the
    ``vector_norm`` semantics (axis=None flattens whatever the ord)."""
    nd = np.ndim(x)
    if vector and (axis is None or np.ndim(axis) == 0 or len(axis) == 1 or True):
        p = 2.0 if ord is None else ord
        if p in (np.inf, -np.inf, 0):
            return "vecw", p, (None if axis is None else axis)
        return "vec", float(p), (None if axis is None else axis)
    if axis is None:
        if ord is None:
            return "vec", 2.0, None
        if nd == 1:
            axes = None
            vec = True
        elif nd == 2:
            axes = (0, 1)
            vec = False
        else:
            unsupported("np.linalg.norm with ord and ndim > 2 without axis")
    elif np.ndim(axis) == 0 or len(axis) == 1:
        axes = axis if np.ndim(axis) == 0 else axis[0]
        vec = True
    else:
        axes = tuple(axis)
        vec = False
    if vec:
        if ord is None or ord == "fro":
            return "vec", 2.0, axes
        if ord in (np.inf, -np.inf, 0):
            return "vecw", ord, axes
        return "vec", float(ord), axes
    if ord is None or ord == "fro":
        return "vec", 2.0, axes
    return "mat", ord, axes


def norm_axis(x, ord=None, axis=None):
    """The reduced axes of an ``np.linalg.norm`` call (for expand_reduced)."""
    return norm_kind(x, ord, axis)[2]


def norm_weights(x, ans, ord=None, axis=None, keepdims=False, vector=False):
    """d norm / d x for the orders that are not smooth powers: vector inf/-inf
    (ties split evenly) and 0, and the matrix orders 1, -1, inf, -inf, 2, -2,
    'nuc'. Shape of ``x``."""
    kind, p, axes = norm_kind(x, ord, axis, vector)
    nd = np.ndim(x)
    if kind == "vec":
        ansb = expand_reduced(ans, x, axes, keepdims)
        return np.sign(x) * np.abs(x) ** (p - 1) / np.where(ansb == 0, 1.0, ansb) ** (p - 1)
    if kind == "vecw":
        if p == 0:
            return np.zeros_like(x)
        ax = axes
        absx = np.abs(x)
        ext = np.max(absx, axis=ax, keepdims=True) if p > 0 else np.min(absx, axis=ax, keepdims=True)
        mask = absx == ext
        return np.sign(x) * mask / np.sum(mask, axis=ax, keepdims=True)
    a0, a1 = (ax % nd for ax in axes)
    xm = np.moveaxis(x, (a0, a1), (-2, -1))
    if p in (1, -1, np.inf, -np.inf):
        red = -2 if p in (1, -1) else -1  # 1: max column sum (sum over rows)
        sums = np.sum(np.abs(xm), axis=red, keepdims=True)
        other = -1 if red == -2 else -2
        ext = np.max(sums, axis=other, keepdims=True) if p > 0 else np.min(sums, axis=other, keepdims=True)
        mask = sums == ext
        w = np.sign(xm) * mask / np.sum(mask, axis=other, keepdims=True)
    else:
        u, s, vh = np.linalg.svd(xm, full_matrices=False)
        if p == "nuc":
            w = u @ vh
        elif p == 2:
            w = u[..., :, :1] @ vh[..., :1, :]
        elif p == -2:
            w = u[..., :, -1:] @ vh[..., -1:, :]
        else:
            unsupported(f"np.linalg.norm with ord={p!r}")
    return np.moveaxis(w, (-2, -1), (a0, a1))


def norm_weights_smooth(ord, x, axis=None):
    """True when the derivative of norm(x, ord, axis) is the smooth power
    formula written in the rule itself."""
    return norm_kind(x, ord, axis)[0] == "vec"


@vjp_rule(norm_weights)
def norm_weights_vjp(gg, ans, x, nrm, ord=None, axis=None, keepdims=False, vector=False):
    # (the Hessian is symmetric for the pairing Re(sum(conj(a) * b)): the cotangent
    # pairs as Re(sum(c * t)), so the transpose is conj(H conj(gg)))
    return np.conj(norm_weights_second(np.conj(gg), x, ord, axis, vector)), None


@jvp_rule(norm_weights)
def norm_weights_jvp(ans, x, nrm, ord=None, axis=None, keepdims=False, vector=False, *, dx, dnrm):
    return norm_weights_second(dx, x, ord, axis, vector)


def norm_weights_second(v, x, ord=None, axis=None, vector=False):
    """Hessian-vector product: zero for the piecewise-linear norms; for 'nuc' the
    tangent along ``v`` of its weights ``U V^H`` (the polar factor, full rank);
    the spectral norms (2, -2) have no second derivative rule here."""
    kind, p, axes = norm_kind(x, ord, axis, vector)
    if kind == "vecw" or (kind == "mat" and p in (1, -1, np.inf, -np.inf)):
        return np.zeros_like(x * v)
    if kind == "mat" and p == "nuc":
        return nuclear_weights_tangent(v, x, axes)
    return unsupported(f"second derivatives of np.linalg.norm(ord={ord!r})")


def nuclear_weights_tangent(v, x, axes):
    """The tangent of ``U V^H`` (x = U S V^H, thin SVD) along ``v``, over the axes
    ``axes`` of x: ``U (F o (M - M^H)) V^H`` with ``M = U^H v V`` and
    ``F_ij = 1 / (s_i + s_j)``, plus ``(I - U U^H) v V S^-1 V^H`` for a tall x
    and ``U S^-1 U^H v (I - V V^H)`` for a wide one. Refused where x loses rank."""
    nd = np.ndim(x)
    a0, a1 = (ax % nd for ax in axes)
    xm = np.moveaxis(x, (a0, a1), (-2, -1))
    vm = np.moveaxis(v + np.zeros_like(x), (a0, a1), (-2, -1))
    u, s, vh = np.linalg.svd(xm, full_matrices=False)
    if np.any(s <= np.finfo(float).eps * np.max(s, axis=-1, keepdims=True) * max(np.shape(xm)[-2:])):
        unsupported("second derivatives of np.linalg.norm(ord='nuc') at a matrix that is "
                    "not of full rank")
    uh, vv = ctrans(u), ctrans(vh)
    uv = uh @ vm
    m = uv @ vv
    w = u @ ((m - ctrans(m)) / (s[..., :, None] + s[..., None, :])) @ vh
    rows, cols = np.shape(xm)[-2:]
    if rows > cols:
        w = w + ((vm @ vv - u @ m) / s[..., None, :]) @ vh
    elif rows < cols:
        w = w + u @ ((uv - m @ vh) / s[..., :, None])
    return np.moveaxis(w, (-2, -1), (a0, a1))


nondifferentiable(phase_row, eye_like, svd_check, svd_vectors_check, norm_kind, norm_axis,
                  norm_weights_smooth)


# ----------------------------------------------------------------------------
# np.linalg functions whose rules hold for real matrices only
# ----------------------------------------------------------------------------
def real_only(x, what):
    """``x``, refusing a complex one: the rule of ``what`` is written for real
    matrices (its complex derivative needs conjugate transposes)."""
    if is_complex(x):
        unsupported(f"the derivative of {what} of a complex matrix")
    return x


@vjp_rule(real_only)
def real_only_vjp(g, ans, x, what):
    return g, None


@jvp_rule(real_only)
def real_only_jvp(ans, x, what, *, dx):
    return dx


register_linear((0,), real_only)
