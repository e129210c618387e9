"""``np.linalg``: inverses, determinants, solves, factorizations, norms.

Real matrices (batched where NumPy batches). Functions that read only one
triangle (``cholesky``, ``eigh``, ``eigvalsh``) are differentiated exactly
as NumPy computes them: the cotangent lives on that triangle (an
off-diagonal entry there counts for both symmetric positions), so central
differences on the full matrix agree with the rules.
Eigen/singular vectors need distinct eigen/singular values; ``svd`` needs
``full_matrices=False`` for non-square input; ``qr`` needs m >= n.
Complex matrices (the convention of ``support``): ``inv``, ``det``, ``solve``,
``matrix_power`` (holomorphic) and the norms are differentiated; the others
refuse them (``real_only``).
"""
import numpy as np

from ..runtime import expand_reduced, unbroadcast, size_of
from .registry import vjp_rule, jvp_rule, nondifferentiable
from .indexing import scatter_add
from .support import (fold_lower, sym_from_lower, svd_check, norm_kind, norm_weights,
                      matrix_power_cotangent, matrix_power_tangent, unsupported, real_only)

@vjp_rule(np.linalg.inv)
def inv(g, ans, a):
    return -(np.swapaxes(ans, -1, -2) @ g @ np.swapaxes(ans, -1, -2))


@jvp_rule(np.linalg.inv)
def inv_jvp(ans, a, *, da):
    return -(ans @ da @ ans)


@vjp_rule(np.linalg.pinv)
def pinv(g, ans, a, rcond=None, hermitian=False, *, rtol=None):
    """Full-rank input (the pseudo-inverse is not differentiable where the
    rank changes)."""
    p = real_only(ans, "np.linalg.pinv")
    pt = np.swapaxes(p, -1, -2)
    gt = np.swapaxes(g, -1, -2)
    im = np.eye(np.shape(a)[-2])
    i_n = np.eye(np.shape(a)[-1])
    return -(pt @ g @ pt) + (im - a @ p) @ gt @ p @ pt + pt @ p @ gt @ (i_n - p @ a)


@jvp_rule(np.linalg.pinv)
def pinv_jvp(ans, a, rcond=None, hermitian=False, *, rtol=None, da):
    p = real_only(ans, "np.linalg.pinv")
    pt = np.swapaxes(p, -1, -2)
    dat = np.swapaxes(da, -1, -2)
    im = np.eye(np.shape(a)[-2])
    i_n = np.eye(np.shape(a)[-1])
    return -(p @ da @ p) + p @ pt @ dat @ (im - a @ p) + (i_n - p @ a) @ dat @ pt @ p


@vjp_rule(np.linalg.det)
def det(g, ans, a):
    return np.expand_dims(np.expand_dims(g * ans, -1), -1) * np.swapaxes(np.linalg.inv(a), -1, -2)


@jvp_rule(np.linalg.det)
def det_jvp(ans, a, *, da):
    return ans * np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1)


@vjp_rule(np.linalg.slogdet)
def slogdet(g, ans, a):
    """Outputs (sign, logabsdet): the sign is piecewise constant."""
    return (np.expand_dims(np.expand_dims(g[1], -1), -1)
            * np.swapaxes(np.linalg.inv(real_only(a, "np.linalg.slogdet")), -1, -2)
            if g[1] is not None else None)


@jvp_rule(np.linalg.slogdet)
def slogdet_jvp(ans, a, *, da):
    return None, np.trace(np.linalg.solve(real_only(a, "np.linalg.slogdet"), da), axis1=-2, axis2=-1)


@vjp_rule(np.linalg.solve)
def solve(g, ans, a, b):
    """NumPy 2 semantics: ``b`` is a vector only when it is 1-D."""
    vec = np.ndim(b) == 1
    x = np.expand_dims(ans, -1) if vec else ans
    gb = np.linalg.solve(np.swapaxes(a, -1, -2), np.expand_dims(g, -1) if vec else g)
    return (unbroadcast(-(gb @ np.swapaxes(x, -1, -2)), a),
            unbroadcast(np.squeeze(gb, -1) if vec else gb, b))


@jvp_rule(np.linalg.solve)
def solve_jvp(ans, a, b, *, da, db):
    return ((np.squeeze(np.linalg.solve(a, -(da @ np.expand_dims(ans, -1))), -1) if np.ndim(b) == 1
             else np.linalg.solve(a, -(da @ ans)))
            + np.linalg.solve(a, db))


@vjp_rule(np.linalg.cholesky)
def cholesky(g, ans, a, *, upper=False):
    """Reads the lower (upper=True: upper) triangle of ``a``."""
    L = real_only(np.swapaxes(ans, -1, -2) if upper else ans, "np.linalg.cholesky")
    gL = np.swapaxes(g, -1, -2) if upper else g
    Linv = np.linalg.inv(L)
    P = np.swapaxes(L, -1, -2) @ gL
    phi = np.tril(P) - 0.5 * P * np.eye(np.shape(a)[-1])
    return fold_lower(np.swapaxes(Linv, -1, -2) @ phi @ Linv, not upper)


@jvp_rule(np.linalg.cholesky)
def cholesky_jvp(ans, a, *, upper=False, da):
    L = real_only(np.swapaxes(ans, -1, -2) if upper else ans, "np.linalg.cholesky")
    Linv = np.linalg.inv(L)
    X = Linv @ sym_from_lower(da, not upper) @ np.swapaxes(Linv, -1, -2)
    dL = L @ (np.tril(X) - 0.5 * X * np.eye(np.shape(a)[-1]))
    return np.swapaxes(dL, -1, -2) if upper else dL


@vjp_rule(np.linalg.eigh)
def eigh(g, ans, a, UPLO="L"):
    """Distinct eigenvalues; reads the ``UPLO`` triangle of ``a``. ``g`` is
    (cotangent of w, cotangent of v), either may be None."""
    w, v = ans
    vt = np.swapaxes(real_only(v, "np.linalg.eigh"), -1, -2)
    eye = np.eye(np.shape(a)[-1])
    F = (1 - eye) / (np.expand_dims(w, -2) - np.expand_dims(w, -1) + eye)
    inner = ((np.expand_dims(g[0], -1) * eye if g[0] is not None else 0.0)
             + (F * (vt @ g[1]) if g[1] is not None else 0.0))
    return fold_lower(v @ inner @ vt, UPLO == "L")


@jvp_rule(np.linalg.eigh)
def eigh_jvp(ans, a, UPLO="L", *, da):
    w, v = ans
    eye = np.eye(np.shape(a)[-1])
    F = (1 - eye) / (np.expand_dims(w, -2) - np.expand_dims(w, -1) + eye)
    M = np.swapaxes(real_only(v, "np.linalg.eigh"), -1, -2) @ sym_from_lower(da, UPLO == "L") @ v
    return np.diagonal(M, 0, -2, -1), v @ (F * M)


@vjp_rule(np.linalg.eigvalsh)
def eigvalsh(g, ans, a, UPLO="L"):
    w, v = np.linalg.eigh(real_only(a, "np.linalg.eigvalsh"), UPLO)
    return fold_lower((v * np.expand_dims(g, -2)) @ np.swapaxes(v, -1, -2), UPLO == "L")


@jvp_rule(np.linalg.eigvalsh)
def eigvalsh_jvp(ans, a, UPLO="L", *, da):
    w, v = np.linalg.eigh(real_only(a, "np.linalg.eigvalsh"), UPLO)
    return np.diagonal(np.swapaxes(v, -1, -2) @ sym_from_lower(da, UPLO == "L") @ v, 0, -2, -1)


@vjp_rule(np.linalg.svd)
def svd(g, ans, a, full_matrices=True, compute_uv=True, hermitian=False):
    """Distinct non-zero singular values; ``full_matrices=False`` (or square).
    ``g`` is (gU, gS, gVh) with None for unused outputs."""
    u, s, vh = ans if compute_uv and svd_check(a, full_matrices) else np.linalg.svd(a, full_matrices=False)
    u = real_only(u, "np.linalg.svd")
    gu, gs, gvh = g if compute_uv else (None, g, None)
    ut = np.swapaxes(u, -1, -2)
    v = np.swapaxes(vh, -1, -2)
    k = np.shape(s)[-1]
    eye = np.eye(k)
    s2 = s ** 2
    F = (1 - eye) / (np.expand_dims(s2, -2) - np.expand_dims(s2, -1) + eye)
    Ju = F * (ut @ gu) if gu is not None else 0.0 * eye
    Jv = F * (vh @ np.swapaxes(gvh, -1, -2)) if gvh is not None else 0.0 * eye
    inner = ((Ju + np.swapaxes(Ju, -1, -2)) * np.expand_dims(s, -2)
             + np.expand_dims(s, -1) * (Jv + np.swapaxes(Jv, -1, -2))
             + (np.expand_dims(gs, -1) * eye if gs is not None else 0.0))
    extra_u = ((np.eye(np.shape(a)[-2]) - u @ ut) @ (gu / np.expand_dims(s, -2)) @ vh
               if gu is not None and np.shape(a)[-2] > k else 0.0)
    extra_v = (u @ (gvh / np.expand_dims(s, -1)) @ (np.eye(np.shape(a)[-1]) - v @ vh)
               if gvh is not None and np.shape(a)[-1] > k else 0.0)
    return u @ inner @ vh + extra_u + extra_v


@jvp_rule(np.linalg.svd)
def svd_jvp(ans, a, full_matrices=True, compute_uv=True, hermitian=False, *, da):
    u, s, vh = ans if compute_uv and svd_check(a, full_matrices) else np.linalg.svd(a, full_matrices=False)
    u = real_only(u, "np.linalg.svd")
    ut = np.swapaxes(u, -1, -2)
    v = np.swapaxes(vh, -1, -2)
    k = np.shape(s)[-1]
    eye = np.eye(k)
    s2 = s ** 2
    F = (1 - eye) / (np.expand_dims(s2, -2) - np.expand_dims(s2, -1) + eye)
    dS = ut @ da @ v
    ds = np.diagonal(dS, 0, -2, -1)
    dSS = dS * np.expand_dims(s, -2)
    SdS = np.expand_dims(s, -1) * dS
    dU = u @ (F * (dSS + np.swapaxes(dSS, -1, -2)))
    dV = v @ (F * (SdS + np.swapaxes(SdS, -1, -2)))
    dU = dU + ((da @ v - u @ (ut @ da @ v)) / np.expand_dims(s, -2) if np.shape(a)[-2] > k else 0.0)
    dV = dV + ((np.swapaxes(da, -1, -2) @ u - v @ (vh @ np.swapaxes(da, -1, -2) @ u)) / np.expand_dims(s, -2)
               if np.shape(a)[-1] > k else 0.0)
    return (dU, ds, np.swapaxes(dV, -1, -2)) if compute_uv else ds


@vjp_rule(np.linalg.svdvals)
def svdvals(g, ans, x):
    u, s, vh = np.linalg.svd(real_only(x, "np.linalg.svdvals"), full_matrices=False)
    return (u * np.expand_dims(g, -2)) @ vh


@jvp_rule(np.linalg.svdvals)
def svdvals_jvp(ans, x, *, dx):
    u, s, vh = np.linalg.svd(real_only(x, "np.linalg.svdvals"), full_matrices=False)
    return np.diagonal(np.swapaxes(u, -1, -2) @ dx @ np.swapaxes(vh, -1, -2), 0, -2, -1)


def qr_check(a, mode):
    """Refuse the QR derivatives srcdiff does not implement (m < n, 'complete'
    for non-square input, 'raw')."""
    m, n = np.shape(real_only(a, "np.linalg.qr"))[-2:]
    if m < n or mode == "raw" or (mode == "complete" and m != n):
        unsupported(f"the derivative of np.linalg.qr(mode={mode!r}) of a {m}x{n} matrix "
                    "(reduced QR with m >= n is supported)")
    return True


nondifferentiable(qr_check)


@vjp_rule(np.linalg.qr)
def qr(g, ans, a, mode="reduced"):
    """Reduced QR, m >= n. ``g`` is (gQ, gR), either may be None (mode='r':
    the cotangent of R)."""
    q, r = ans if mode != "r" and qr_check(a, mode) else np.linalg.qr(real_only(a, "np.linalg.qr"))
    gq, gr = g if mode != "r" else (None, g)
    qt = np.swapaxes(q, -1, -2)
    A1 = (qt @ gq if gq is not None else 0.0) - (gr @ np.swapaxes(r, -1, -2) if gr is not None else 0.0)
    C = np.tril(A1 - np.swapaxes(A1, -1, -2), -1) - A1
    B = q @ C + (gq if gq is not None else 0.0)
    return np.swapaxes(np.linalg.solve(r, np.swapaxes(B, -1, -2)), -1, -2)


@jvp_rule(np.linalg.qr)
def qr_jvp(ans, a, mode="reduced", *, da):
    q, r = ans if mode != "r" and qr_check(a, mode) else np.linalg.qr(real_only(a, "np.linalg.qr"))
    X = np.swapaxes(np.linalg.solve(np.swapaxes(r, -1, -2), np.swapaxes(da, -1, -2)), -1, -2)
    Y = np.swapaxes(q, -1, -2) @ X
    L = np.tril(Y, -1)
    O = L - np.swapaxes(L, -1, -2)
    return (q @ (O - Y) + X, (Y - O) @ r) if mode != "r" else (Y - O) @ r


# The norms: d norm = Re(sum(conj(w) * dx)) with w = sign(x) |x|**(p-1) / norm**(p-1)
# for the smooth orders (norm_weights for the others), so the cotangent of x is
# g * conj(w) (the complex convention of ``support``); 0 at a zero norm.

@vjp_rule(np.linalg.norm)
def norm(g, ans, x, ord=None, axis=None, keepdims=False):
    """Vector orders p (smooth |x|^p formula), inf/-inf (ties split evenly),
    matrix orders 'fro', 'nuc', 1, -1, 2, -2, inf, -inf."""
    kind = norm_kind(x, ord, axis)
    nb = expand_reduced(ans, x, kind[2], keepdims)
    w = (np.sign(x) * np.abs(x) ** (kind[1] - 1) / np.where(nb == 0, 1.0, nb) ** (kind[1] - 1)
         if kind[0] == "vec" else norm_weights(x, ans, ord, axis, keepdims))
    return expand_reduced(np.real(g), x, kind[2], keepdims) * np.conj(w)


@jvp_rule(np.linalg.norm)
def norm_jvp(ans, x, ord=None, axis=None, keepdims=False, *, dx):
    kind = norm_kind(x, ord, axis)
    nb = expand_reduced(ans, x, kind[2], keepdims)
    w = (np.sign(x) * np.abs(x) ** (kind[1] - 1) / np.where(nb == 0, 1.0, nb) ** (kind[1] - 1)
         if kind[0] == "vec" else norm_weights(x, ans, ord, axis, keepdims))
    return np.real(np.sum(np.conj(w) * dx, axis=kind[2], keepdims=keepdims))


@vjp_rule(np.linalg.vector_norm)
def vector_norm(g, ans, x, *, axis=None, keepdims=False, ord=2):
    kind = norm_kind(x, ord, axis, True)
    nb = expand_reduced(ans, x, kind[2], keepdims)
    w = (np.sign(x) * np.abs(x) ** (kind[1] - 1) / np.where(nb == 0, 1.0, nb) ** (kind[1] - 1)
         if kind[0] == "vec" else norm_weights(x, ans, ord, axis, keepdims, True))
    return expand_reduced(np.real(g), x, kind[2], keepdims) * np.conj(w)


@jvp_rule(np.linalg.vector_norm)
def vector_norm_jvp(ans, x, *, axis=None, keepdims=False, ord=2, dx):
    kind = norm_kind(x, ord, axis, True)
    nb = expand_reduced(ans, x, kind[2], keepdims)
    w = (np.sign(x) * np.abs(x) ** (kind[1] - 1) / np.where(nb == 0, 1.0, nb) ** (kind[1] - 1)
         if kind[0] == "vec" else norm_weights(x, ans, ord, axis, keepdims, True))
    return np.real(np.sum(np.conj(w) * dx, axis=kind[2], keepdims=keepdims))


@vjp_rule(np.linalg.matrix_norm)
def matrix_norm(g, ans, x, *, keepdims=False, ord="fro"):
    kind = norm_kind(x, ord, (-2, -1))
    nb = expand_reduced(ans, x, kind[2], keepdims)
    w = (x / np.where(nb == 0, 1.0, nb)
         if kind[0] == "vec" else norm_weights(x, ans, ord, (-2, -1), keepdims))
    return expand_reduced(np.real(g), x, kind[2], keepdims) * np.conj(w)


@jvp_rule(np.linalg.matrix_norm)
def matrix_norm_jvp(ans, x, *, keepdims=False, ord="fro", dx):
    kind = norm_kind(x, ord, (-2, -1))
    nb = expand_reduced(ans, x, kind[2], keepdims)
    w = (x / np.where(nb == 0, 1.0, nb)
         if kind[0] == "vec" else norm_weights(x, ans, ord, (-2, -1), keepdims))
    return np.real(np.sum(np.conj(w) * dx, axis=kind[2], keepdims=keepdims))


@vjp_rule(np.linalg.lstsq)
def lstsq(g, ans, a, b, rcond=None):
    """Full column rank (m >= n). Outputs (x, residuals, rank, s): cotangents of
    x, of the residuals and of the singular values are used."""
    x, res, rank, sv = ans
    vec = np.ndim(b) == 1
    X = np.expand_dims(x, -1) if vec else x
    r = (np.expand_dims(b, -1) if vec else b) - a @ X
    at = np.swapaxes(real_only(a, "np.linalg.lstsq"), -1, -2)
    Z = np.linalg.solve(at @ a, np.expand_dims(g[0], -1) if vec else g[0]) if g[0] is not None else 0.0 * X
    R2 = 2.0 * r * g[1] if g[1] is not None and size_of(res) > 0 else 0.0 * r
    usv = np.linalg.svd(a, full_matrices=False) if g[3] is not None else None
    S = (usv[0] * np.expand_dims(g[3], -2)) @ usv[2] if g[3] is not None else 0.0
    ct_a = r @ np.swapaxes(Z, -1, -2) - a @ Z @ np.swapaxes(X, -1, -2) - R2 @ np.swapaxes(X, -1, -2) + S
    ct_b = a @ Z + R2
    return ct_a, np.squeeze(ct_b, -1) if vec else ct_b


@jvp_rule(np.linalg.lstsq)
def lstsq_jvp(ans, a, b, rcond=None, *, da, db):
    x, res, rank, sv = ans
    vec = np.ndim(b) == 1
    X = np.expand_dims(x, -1) if vec else x
    r = (np.expand_dims(b, -1) if vec else b) - a @ X
    at = np.swapaxes(real_only(a, "np.linalg.lstsq"), -1, -2)
    M = at @ a
    has_res = size_of(res) > 0
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return ((np.reshape(np.linalg.solve(M, np.swapaxes(da, -1, -2) @ r - at @ (da @ X)), np.shape(x))
             + np.reshape(np.linalg.solve(M, at @ np.reshape(db, np.shape(r))), np.shape(x))),
            (np.sum(-2.0 * r * (da @ X), axis=0) + np.sum(2.0 * r * np.reshape(db, np.shape(r)), axis=0))
            if has_res else 0.0 * res,
            None,
            np.diagonal(np.swapaxes(u, -1, -2) @ da @ np.swapaxes(vh, -1, -2), 0, -2, -1))


@vjp_rule(np.linalg.matrix_power)
def matrix_power(g, ans, a, n):
    return matrix_power_cotangent(g, a, n)


@jvp_rule(np.linalg.matrix_power)
def matrix_power_jvp(ans, a, n, *, da):
    return matrix_power_tangent(da, a, n)


nondifferentiable(np.linalg.matrix_rank)


# ----------------------------------------------------------------------------
# np.linalg results read by attribute (NumPy 2 named tuples: r.S, r.eigenvalues,
# r.logabsdet): the field is the item at its position
# ----------------------------------------------------------------------------

# the fields of SVDResult, EighResult/EigResult, QRResult and SlogdetResult
RESULT_FIELDS = ("U", "S", "Vh", "eigenvalues", "eigenvectors", "Q", "R", "sign", "logabsdet")


def _position(r, name):
    """The index of field ``name`` in the named tuple ``r`` (refused otherwise)."""
    fields = getattr(type(r), "_fields", None)
    if not isinstance(r, tuple) or fields is None or name not in fields:
        unsupported(f"attribute .{name} of a {type(r).__name__} (only np.linalg results "
                    "are read by attribute)")
    return fields.index(name)


def _field_reader(field):
    # (the field name is a default argument: rule templates read no closures)
    def read(r, name=field):
        return r[_position(r, name)]
    read.__name__ = read.__qualname__ = f"field_{field}"
    read.__doc__ = f"``r.{field}`` of an np.linalg named-tuple result ``r``."

    @vjp_rule(read)
    def read_vjp(g, ans, r, name=field):
        return scatter_add(g, r, _position(r, name)), None

    @jvp_rule(read)
    def read_jvp(ans, r, name=field, *, dr):
        return dr[_position(r, name)]
    return read


FIELD_READERS = {name: _field_reader(name) for name in RESULT_FIELDS}
globals().update({f.__name__: f for f in FIELD_READERS.values()})
nondifferentiable(_position)
