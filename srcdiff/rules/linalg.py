"""``np.linalg``: inverses, determinants, solves, factorizations, norms.

Real matrices (batched where NumPy batches). Functions that read only one
triangle (``cholesky``, ``eigh``, ``eigvalsh``) are differentiated exactly
as NumPy computes them: the cotangent lives on that triangle (an
off-diagonal entry there counts for both symmetric positions), so central
differences on the full matrix agree with the rules.
Eigen/singular vectors need distinct eigen/singular values; ``svd`` needs
``full_matrices=False`` for non-square input; ``qr`` any shape (reduced; complete
when m <= n).
Complex matrices follow the convention of ``srcdiff.rules`` (the cotangent of ``z``
is ``dL/dRe(z) - 1j dL/dIm(z)``): the non-holomorphic rules are written with
``Xb = conj(g)`` (the gradient paired as ``Re tr(Xb^H dX)``) and conjugate
transposes, and return ``conj`` of the input's ``Ab``. Hermitian inputs
(``cholesky``, ``eigh``, ``eigvalsh``) are read from one triangle and the real
part of the diagonal, as LAPACK reads them. Complex eigen/singular vectors are
differentiated under the phase LAPACK gives them (a real row, ``phase_row``).
A real output's tangent is real.
"""
import numpy as np

from ..runtime import expand_reduced, unbroadcast, size_of, scatter_add, cast_like
from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, nondifferentiable, register_linear
from .linalg_derivatives import (fold_lower_h, hermitian_from_lower, ctrans, phase_row, svd_check,
                                 svd_vectors_check, norm_kind, norm_weights)

@vjp_rule(np.linalg.inv)
def inv(g, ans, a):
    return -(np.swapaxes(ans, -1, -2) @ g @ np.swapaxes(ans, -1, -2))


@jvp_rule(np.linalg.inv)
def inv_jvp(ans, a, *, da):
    return -(ans @ da @ ans)


@vjp_rule(np.linalg.pinv)
def pinv(g, ans, a, rcond=None, hermitian=False, *, rtol=None):
    """Full-rank input (the pseudo-inverse is not differentiable where the
    rank changes). ``hermitian=True`` reads the lower triangle (NumPy's eigh)."""
    p = ans
    A = hermitian_from_lower(a) if hermitian else a
    pt = np.swapaxes(p, -1, -2)
    gt = np.swapaxes(g, -1, -2)
    im = np.eye(np.shape(a)[-2])
    i_n = np.eye(np.shape(a)[-1])
    ct = -(pt @ g @ pt) + np.conj((im - A @ p) @ gt @ p @ ctrans(p) + ctrans(p) @ p @ gt @ (i_n - p @ A))
    return fold_lower_h(ct) if hermitian else ct


@jvp_rule(np.linalg.pinv)
def pinv_jvp(ans, a, rcond=None, hermitian=False, *, rtol=None, da):
    p = ans
    A = hermitian_from_lower(a) if hermitian else a
    dA = hermitian_from_lower(da) if hermitian else da
    ph = ctrans(p)
    dah = ctrans(dA)
    im = np.eye(np.shape(a)[-2])
    i_n = np.eye(np.shape(a)[-1])
    return -(p @ dA @ p) + p @ ph @ dah @ (im - A @ p) + (i_n - p @ A) @ dah @ ph @ p


@vjp_rule(np.linalg.det)
def det(g, ans, a):
    return np.expand_dims(np.expand_dims(g * ans, -1), -1) * np.swapaxes(np.linalg.inv(a), -1, -2)


@jvp_rule(np.linalg.det)
def det_jvp(ans, a, *, da):
    return ans * np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1)


@vjp_rule(np.linalg.slogdet)
def slogdet(g, ans, a):
    """Outputs (sign, logabsdet). With ``t = tr(a^-1 da)``: d logabsdet = Re t
    and d sign = 1j Im(t) sign (a real matrix's sign is piecewise constant)."""
    w = ((np.real(g[1]) if g[1] is not None else 0.0)
         + (1j * np.imag(g[0] * ans[0]) if g[0] is not None and np.iscomplexobj(a) else 0.0))
    return (np.expand_dims(np.expand_dims(w, -1), -1) * np.swapaxes(np.linalg.inv(a), -1, -2)
            if g[1] is not None or (g[0] is not None and np.iscomplexobj(a)) else None)


@jvp_rule(np.linalg.slogdet)
def slogdet_jvp(ans, a, *, da):
    t = np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1)
    return ans[0] * (1j * np.imag(t)) if np.iscomplexobj(ans[0]) else None, np.real(t)


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
    """Reads the lower (upper=True: upper) triangle of ``a`` as a Hermitian
    matrix. ``Ab = L^-H Phi(L^H Lb) L^-1`` with ``Phi`` the lower triangle with
    the diagonal halved; the cotangent is ``conj(Ab)`` folded onto the triangle."""
    L = ctrans(ans) if upper else ans
    Lb = np.swapaxes(g, -1, -2) if upper else np.conj(g)
    Linv = np.linalg.inv(L)
    P = ctrans(L) @ Lb
    phi = np.tril(P) - 0.5 * P * np.eye(np.shape(a)[-1])
    return fold_lower_h(np.conj(ctrans(Linv) @ phi @ Linv), not upper)


@jvp_rule(np.linalg.cholesky)
def cholesky_jvp(ans, a, *, upper=False, da):
    L = ctrans(ans) if upper else ans
    Linv = np.linalg.inv(L)
    X = Linv @ hermitian_from_lower(da, not upper) @ ctrans(Linv)
    dL = L @ (np.tril(X) - 0.5 * X * np.eye(np.shape(a)[-1]))
    return ctrans(dL) if upper else dL


@vjp_rule(np.linalg.eigh)
def eigh(g, ans, a, UPLO="L"):
    """Distinct eigenvalues; reads the ``UPLO`` triangle of ``a``. ``g`` is
    (cotangent of w, cotangent of v), either may be None. With ``G = V^H Vb``:
    ``Ab = V (F * G + diag(wb)) V^H``; complex eigenvectors keep row ``m`` real
    (``phase_row``), which adds ``-F * (V^H E)``, ``E[m, k] = 1j Im(G[k, k]) / V[m, k]``."""
    w, v = ans
    n = np.shape(a)[-1]
    eye = np.eye(n)
    F = (1 - eye) / (np.expand_dims(w, -2) - np.expand_dims(w, -1) + eye)
    G = ctrans(v) @ np.conj(g[1]) if g[1] is not None else None
    m = phase_row(v, 0 if UPLO == "L" else n - 1, "np.linalg.eigh") if np.iscomplexobj(v) else 0
    vm = v[..., m:m + 1, :]
    E = (np.swapaxes(np.conj(vm), -1, -2) * (1j * np.imag(np.expand_dims(np.diagonal(G, 0, -2, -1), -2))
                                              / np.real(vm))
         if G is not None and np.iscomplexobj(v) else 0.0)
    inner = ((np.expand_dims(np.real(g[0]), -1) * eye if g[0] is not None else 0.0)
             + (F * (G - E) if g[1] is not None else 0.0))
    return fold_lower_h(np.conj(v @ inner @ ctrans(v)), UPLO == "L")


@jvp_rule(np.linalg.eigh)
def eigh_jvp(ans, a, UPLO="L", *, da):
    w, v = ans
    n = np.shape(a)[-1]
    eye = np.eye(n)
    F = (1 - eye) / (np.expand_dims(w, -2) - np.expand_dims(w, -1) + eye)
    M = ctrans(v) @ hermitian_from_lower(da, UPLO == "L") @ v
    u = v @ (F * M)
    m = phase_row(v, 0 if UPLO == "L" else n - 1, "np.linalg.eigh") if np.iscomplexobj(v) else 0
    dv = (u - v * (1j * np.imag(u[..., m:m + 1, :]) / np.real(v[..., m:m + 1, :]))
          if np.iscomplexobj(v) else u)
    return np.real(np.diagonal(M, 0, -2, -1)), dv


@vjp_rule(np.linalg.eigvalsh)
def eigvalsh(g, ans, a, UPLO="L"):
    w, v = np.linalg.eigh(a, UPLO)
    return fold_lower_h(np.conj((v * np.expand_dims(np.real(g), -2)) @ ctrans(v)), UPLO == "L")


@jvp_rule(np.linalg.eigvalsh)
def eigvalsh_jvp(ans, a, UPLO="L", *, da):
    w, v = np.linalg.eigh(a, UPLO)
    return np.real(np.diagonal(ctrans(v) @ hermitian_from_lower(da, UPLO == "L") @ v, 0, -2, -1))


@vjp_rule(np.linalg.svd)
def svd(g, ans, a, full_matrices=True, compute_uv=True, hermitian=False):
    """Distinct non-zero singular values; ``full_matrices=False`` (or square).
    ``g`` is (gU, gS, gVh) with None for unused outputs. Written with
    ``Ub = conj(gU)``, ``Vb = gVh^T`` (the gradient of ``V``); complex singular
    vectors keep row 0 of ``V`` (m >= n; of ``U`` when m < n) real.
    ``hermitian=True`` reads the lower triangle (NumPy's eigh)."""
    u, s, vh = (ans if compute_uv and svd_check(a, full_matrices)
                else np.linalg.svd(a, full_matrices=False, hermitian=hermitian))
    gu, gs, gvh = g if compute_uv else (None, g, None)
    uh = ctrans(u)
    v = ctrans(vh)
    k = np.shape(svd_vectors_check(a, s, gu, gvh))[-1]     # (refuses degenerate s; unused U, Vh need no check)
    wide = np.shape(a)[-2] < np.shape(a)[-1]
    eye = np.eye(k)
    s2 = s ** 2
    F = (1 - eye) / (np.expand_dims(s2, -2) - np.expand_dims(s2, -1) + eye)
    Ub = np.conj(gu) if gu is not None else None
    Vb = np.swapaxes(gvh, -1, -2) if gvh is not None else None
    GU = uh @ Ub if gu is not None else 0.0 * eye
    GV = vh @ Vb if gvh is not None else 0.0 * eye
    fixed = ((u if wide else v)[..., phase_row(u if wide else v, 0, "np.linalg.svd"):1, :]
             if np.iscomplexobj(u) else None)
    E = (np.swapaxes(np.conj(fixed), -1, -2)
         * (1j * np.imag(np.expand_dims(np.diagonal(GU + GV, 0, -2, -1), -2)) / np.real(fixed))
         if np.iscomplexobj(u) else 0.0)
    GU = GU - E if wide else GU
    GV = GV if wide else GV - E
    Ju = F * GU
    Jv = F * GV
    inner = ((Ju + ctrans(Ju)) * np.expand_dims(s, -2)
             + np.expand_dims(s, -1) * (Jv + ctrans(Jv))
             + (np.expand_dims(np.real(gs), -1) * eye if gs is not None else 0.0)
             + (1j * eye * np.imag(GU) / np.expand_dims(s, -2) if np.iscomplexobj(u) else 0.0))
    extra_u = ((Ub - u @ (uh @ Ub)) / np.expand_dims(s, -2) @ vh
               if gu is not None and np.shape(a)[-2] > k else 0.0)
    extra_v = (u @ (np.conj(gvh) / np.expand_dims(s, -1)) @ (np.eye(np.shape(a)[-1]) - v @ vh)
               if gvh is not None and np.shape(a)[-1] > k else 0.0)
    ct = np.conj(u @ inner @ vh + extra_u + extra_v)
    return fold_lower_h(ct) if hermitian else ct


@jvp_rule(np.linalg.svd)
def svd_jvp(ans, a, full_matrices=True, compute_uv=True, hermitian=False, *, da):
    u, s, vh = (ans if compute_uv and svd_check(a, full_matrices)
                else np.linalg.svd(a, full_matrices=False, hermitian=hermitian))
    dA = hermitian_from_lower(da) if hermitian else da
    uh = ctrans(u)
    v = ctrans(vh)
    k = np.shape(svd_vectors_check(a, s) if compute_uv else s)[-1]     # (refuses degenerate s)
    wide = np.shape(a)[-2] < np.shape(a)[-1]
    eye = np.eye(k)
    s2 = s ** 2
    F = (1 - eye) / (np.expand_dims(s2, -2) - np.expand_dims(s2, -1) + eye)
    dS = uh @ dA @ v
    ds = np.real(np.diagonal(dS, 0, -2, -1))
    dSS = dS * np.expand_dims(s, -2)
    SdS = np.expand_dims(s, -1) * dS
    Ju = F * (dSS + ctrans(dSS)) + (1j * eye * np.imag(dS) / np.expand_dims(s, -2) if np.iscomplexobj(u)
                                    else 0.0)
    dU = u @ Ju
    dV = v @ (F * (SdS + ctrans(SdS)))
    fixed = phase_row(u if wide else v, 0, "np.linalg.svd") if np.iscomplexobj(u) else 0
    phase = (-1j * np.imag((dU if wide else dV)[..., fixed:1, :]) / np.real((u if wide else v)[..., fixed:1, :])
             if np.iscomplexobj(u) else 0.0)
    dU = dU + u * phase + ((dA @ v - u @ (uh @ dA @ v)) / np.expand_dims(s, -2) if np.shape(a)[-2] > k else 0.0)
    dV = dV + v * phase + ((ctrans(dA) @ u - v @ (vh @ ctrans(dA) @ u)) / np.expand_dims(s, -2)
                           if np.shape(a)[-1] > k else 0.0)
    return (dU, ds, ctrans(dV)) if compute_uv else ds


@vjp_rule(np.linalg.svdvals)
def svdvals(g, ans, x):
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    return np.conj((u * np.expand_dims(np.real(g), -2)) @ vh)


@jvp_rule(np.linalg.svdvals)
def svdvals_jvp(ans, x, *, dx):
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    return np.real(np.diagonal(ctrans(u) @ dx @ ctrans(vh), 0, -2, -1))


def qr_check(a, mode):
    """Refuse the QR derivatives srcdiff does not implement ('complete' for a
    tall matrix, whose extra columns of Q are not unique; 'raw')."""
    m, n = np.shape(a)[-2:]
    if mode == "raw" or (mode == "complete" and m > n):
        unsupported(f"the derivative of np.linalg.qr(mode={mode!r}) of a {m}x{n} matrix "
                    "(reduced QR, and complete QR with m <= n, are supported)")
    return True


nondifferentiable(qr_check)


# QR of an m x n matrix, k = min(m, n): A = [X Y] with X its first k columns,
# X = Q R1 (R1 square, real diagonal: LAPACK's) and R2 = Q^H Y (empty when m >= n).
# X's terms use Q^H dQ = tril(W, -1) - tril(W, -1)^H + 1j Im diag(W), W = Q^H dX R1^-1.

@vjp_rule(np.linalg.qr)
def qr(g, ans, a, mode="reduced"):
    """``g`` is (gQ, gR), either may be None (mode='r': the cotangent of R);
    written with ``Qb = conj(gQ)`` plus R2's term through Q, ``Rb = conj(gR1)``."""
    q, r = ans if mode != "r" and qr_check(a, mode) else np.linalg.qr(a)
    gq, gr = g if mode != "r" else (None, g)
    k = np.shape(r)[-2]
    Qb = (np.conj(gq) if gq is not None else 0.0) + (a[..., k:] @ np.swapaxes(gr[..., k:], -1, -2) if gr is not None else 0.0)
    M = ctrans(q) @ Qb - (np.conj(gr[..., :k]) @ ctrans(r[..., :k]) if gr is not None else 0.0)
    C = (np.tril(M, -1) - np.tril(ctrans(M), -1) - M
         + (1j * np.eye(k) * np.imag(M) if np.iscomplexobj(q) else 0.0))
    gx = np.swapaxes(np.linalg.solve(r[..., :k], ctrans(q @ C + Qb)), -1, -2)
    gy = np.conj(q) @ gr[..., k:] if gr is not None else 0.0 * a[..., k:]
    return np.concatenate([gx, gy], axis=-1)


@jvp_rule(np.linalg.qr)
def qr_jvp(ans, a, mode="reduced", *, da):
    q, r = ans if mode != "r" and qr_check(a, mode) else np.linalg.qr(a)
    k = np.shape(r)[-2]
    X = ctrans(np.linalg.solve(ctrans(r[..., :k]), ctrans(da[..., :k])))
    W = ctrans(q) @ X
    L = np.tril(W, -1)
    O = L - ctrans(L) + (1j * np.eye(k) * np.imag(W) if np.iscomplexobj(q) else 0.0)
    dq = q @ (O - W) + X
    dr = np.concatenate([(W - O) @ r[..., :k], ctrans(dq) @ a[..., k:] + ctrans(q) @ da[..., k:]], axis=-1)
    return (dq, dr) if mode != "r" else dr


# The norms: d norm = Re(sum(conj(w) * dx)) with w = sign(x) |x|**(p-1) / norm**(p-1)
# for the smooth orders (norm_weights for the others), so the cotangent of x is
# g * conj(w) (the complex convention of ``srcdiff.rules``); 0 at a zero norm.

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


def lstsq_check(a, rank):
    """Refuse np.linalg.lstsq's derivative without full column rank (m < n or a
    rank-deficient ``a``: the minimum-norm solution jumps with the rank)."""
    m, n = np.shape(a)[-2:]
    if m < n or np.any(np.asarray(rank) < n):
        unsupported(f"the derivative of np.linalg.lstsq of a {m}x{n} matrix of rank "
                    f"{rank} (full column rank is supported)")
    return True


nondifferentiable(lstsq_check)


@vjp_rule(np.linalg.lstsq)
def lstsq(g, ans, a, b, rcond=None):
    """Full column rank (m >= n). Outputs (x, residuals, rank, s): cotangents of
    x, of the residuals and of the singular values are used. Written with
    ``xb = conj(g[0])`` and ``Z = (a^H a)^-1 xb``."""
    x, res, rank, sv = ans if lstsq_check(a, ans[2]) else None
    vec = np.ndim(b) == 1
    X = np.expand_dims(x, -1) if vec else x
    r = (np.expand_dims(b, -1) if vec else b) - a @ X
    ah = ctrans(a)
    Z = (np.linalg.solve(ah @ a, np.conj(np.expand_dims(g[0], -1) if vec else g[0])) if g[0] is not None
         else 0.0 * X)
    R2 = 2.0 * r * np.real(g[1]) if g[1] is not None and size_of(res) > 0 else 0.0 * r
    usv = np.linalg.svd(a, full_matrices=False) if g[3] is not None else None
    S = (usv[0] * np.expand_dims(np.real(g[3]), -2)) @ usv[2] if g[3] is not None else 0.0
    ct_a = np.conj(r @ ctrans(Z) - a @ Z @ ctrans(X) - R2 @ ctrans(X) + S)
    ct_b = np.conj(a @ Z + R2)
    return cast_like(ct_a, a), cast_like(np.squeeze(ct_b, -1) if vec else ct_b, b)


@jvp_rule(np.linalg.lstsq)
def lstsq_jvp(ans, a, b, rcond=None, *, da, db):
    x, res, rank, sv = ans if lstsq_check(a, ans[2]) else None
    vec = np.ndim(b) == 1
    X = np.expand_dims(x, -1) if vec else x
    r = (np.expand_dims(b, -1) if vec else b) - a @ X
    ah = ctrans(a)
    M = ah @ a
    has_res = size_of(res) > 0
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    dB = np.reshape(db, np.shape(r))
    return ((np.reshape(np.linalg.solve(M, ctrans(da) @ r - ah @ (da @ X)), np.shape(x))
             + np.reshape(np.linalg.solve(M, ah @ dB), np.shape(x))),
            # (the residues' shape and dtype: SciPy's are a scalar for a 1-D b, and complex
            # for complex input from SciPy 1.18)
            (cast_like(np.reshape(np.sum(2.0 * np.real(np.conj(r) * (dB - da @ X)), axis=0),
                                  np.shape(res)), res)
             if has_res else 0.0 * res),
            None,
            np.real(np.diagonal(ctrans(u) @ da @ ctrans(vh), 0, -2, -1)))


# The derivative of A^n along E (any integer n) is the upper-right block of
# [[A, E], [0, A]]^n: again a matrix power, so every order is one.

@vjp_rule(np.linalg.matrix_power)
def matrix_power(g, ans, a, n):
    m = np.shape(a)[-1]
    at = np.swapaxes(a, -1, -2)
    block = np.concatenate([np.concatenate([at, g], -1), np.concatenate([0.0 * g, at], -1)], -2)
    return np.linalg.matrix_power(block, n)[..., :m, m:]


@jvp_rule(np.linalg.matrix_power)
def matrix_power_jvp(ans, a, n, *, da):
    m = np.shape(a)[-1]
    block = np.concatenate([np.concatenate([a, da], -1), np.concatenate([0.0 * da, a], -1)], -2)
    return np.linalg.matrix_power(block, n)[..., :m, m:]


nondifferentiable(np.linalg.matrix_rank)


# ----------------------------------------------------------------------------
# np.linalg results read by attribute (NumPy 2 named tuples: r.S, r.eigenvalues,
# r.logabsdet): the field is the item at its position
# ----------------------------------------------------------------------------

# the fields of SVDResult, EighResult/EigResult, QRResult and SlogdetResult
RESULT_FIELDS = ("U", "S", "Vh", "eigenvalues", "eigenvectors", "Q", "R", "sign", "logabsdet")
# (each field's position, the same in every result type that has it)
RESULT_POSITIONS = {"U": 0, "S": 1, "Vh": 2, "eigenvalues": 0, "eigenvectors": 1, "Q": 0,
                    "R": 1, "sign": 0, "logabsdet": 1}


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
FIELD_POSITIONS = {FIELD_READERS[name]: RESULT_POSITIONS[name] for name in RESULT_FIELDS}
globals().update({f.__name__: f for f in FIELD_READERS.values()})
nondifferentiable(_position)


# ----------------------------------------------------------------------------
# np.linalg.trace, cond, tensorinv, tensorsolve
# ----------------------------------------------------------------------------

@vjp_rule(np.linalg.trace)
def trace(g, ans, x, *, offset=0, dtype=None):
    """The trace of the last two axes."""
    return cast_like(np.expand_dims(np.expand_dims(g, -1), -1)
                     * np.eye(np.shape(x)[-2], np.shape(x)[-1], offset), x)


@jvp_rule(np.linalg.trace)
def trace_jvp(ans, x, *, offset=0, dtype=None, dx):
    return np.linalg.trace(dx, offset=offset, dtype=dtype)


register_linear((0,), np.linalg.trace)


def cond_kind(p):
    """'svd' for p None, 2, -2 (a ratio of extreme singular values), 'fro' for
    'fro'; the other orders are refused."""
    if p is None or (not isinstance(p, str) and p in (2, -2)):
        return "svd"
    if p == "fro":
        return "fro"
    return unsupported(f"the derivative of np.linalg.cond(p={p!r}) (p None, 2, -2 or 'fro' is supported)")


nondifferentiable(cond_kind)


@vjp_rule(np.linalg.cond)
def cond(g, ans, x, p=None):
    """p None/2: ``s_max / s_min`` (p=-2 its inverse), with ``d s_i = Re(u_i^H dx v_i)``:
    the extreme singular values must be simple. 'fro': ``|x| |x^-1|``."""
    kind = cond_kind(p)
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    k = np.shape(svd_vectors_check(x, s))[-1]
    sgn = -1.0 if p == -2 else 1.0
    W = (sgn * (u[..., :, :1] @ vh[..., :1, :] / np.expand_dims(s[..., :1], -1)
                - u[..., :, k - 1:k] @ vh[..., k - 1:k, :] / np.expand_dims(s[..., k - 1:k], -1))
         if kind == "svd" else None)
    b = np.linalg.inv(x) if kind == "fro" else None
    na = np.expand_dims(np.linalg.norm(x, axis=(-2, -1)), (-2, -1)) if kind == "fro" else None
    nb = np.expand_dims(np.linalg.norm(b, axis=(-2, -1)), (-2, -1)) if kind == "fro" else None
    grad = (np.expand_dims(ans, (-2, -1)) * W if kind == "svd"
            else nb / na * x - na / nb * (ctrans(b) @ b @ ctrans(b)))
    return cast_like(np.conj(np.expand_dims(np.real(g), (-2, -1)) * grad), x)


@jvp_rule(np.linalg.cond)
def cond_jvp(ans, x, p=None, *, dx):
    kind = cond_kind(p)
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    k = np.shape(svd_vectors_check(x, s))[-1]
    sgn = -1.0 if p == -2 else 1.0
    ds = np.real(np.diagonal(ctrans(u) @ dx @ ctrans(vh), 0, -2, -1))
    b = np.linalg.inv(x) if kind == "fro" else None
    na = np.linalg.norm(x, axis=(-2, -1)) if kind == "fro" else None
    nb = np.linalg.norm(b, axis=(-2, -1)) if kind == "fro" else None
    db = -(b @ dx @ b) if kind == "fro" else None
    return (ans * sgn * (ds[..., 0] / s[..., 0] - ds[..., k - 1] / s[..., k - 1]) if kind == "svd"
            else (nb / na * np.real(np.sum(np.conj(x) * dx, axis=(-2, -1)))
                  + na / nb * np.real(np.sum(np.conj(b) * db, axis=(-2, -1)))))


@vjp_rule(np.linalg.tensorinv)
def tensorinv(g, ans, a, ind=2):
    """``inv`` of ``a`` reshaped to a square matrix (the first ``ind`` axes as rows)."""
    m = np.reshape(ans, (size_of(g) // size_of(np.zeros(np.shape(a)[:ind])), -1))
    gm = np.reshape(g, np.shape(m))
    return np.reshape(-(np.swapaxes(m, -1, -2) @ gm @ np.swapaxes(m, -1, -2)), np.shape(a))


@jvp_rule(np.linalg.tensorinv)
def tensorinv_jvp(ans, a, ind=2, *, da):
    m = np.reshape(ans, (size_of(ans) // size_of(np.zeros(np.shape(a)[:ind])), -1))
    dm = np.reshape(da, (np.shape(m)[1], np.shape(m)[0]))
    return np.reshape(-(m @ dm @ m), np.shape(ans))


def tensorsolve_check(axes):
    """Refuse ``axes`` (moved axes of a): srcdiff differentiates axes=None."""
    if axes is not None:
        unsupported("the derivative of np.linalg.tensorsolve with axes= (move the axes of a "
                    "with np.moveaxis first)")
    return True


nondifferentiable(tensorsolve_check)


@vjp_rule(np.linalg.tensorsolve)
def tensorsolve(g, ans, a, b, axes=None):
    """``a`` reshaped to (b.size, x.size): ``solve`` of ``b`` flattened."""
    A = np.reshape(a, (size_of(b), -1)) if tensorsolve_check(axes) else None
    gb = np.linalg.solve(np.swapaxes(A, -1, -2), np.reshape(g, (-1,)))
    return (np.reshape(-(np.expand_dims(gb, -1) * np.expand_dims(np.reshape(ans, (-1,)), -2)), np.shape(a)),
            np.reshape(gb, np.shape(b)))


@jvp_rule(np.linalg.tensorsolve)
def tensorsolve_jvp(ans, a, b, axes=None, *, da, db):
    A = np.reshape(a, (size_of(b), -1)) if tensorsolve_check(axes) else None
    dA = np.reshape(da, np.shape(A))
    return np.reshape(np.linalg.solve(A, np.reshape(db, (-1,)) - dA @ np.reshape(ans, (-1,))), np.shape(ans))
