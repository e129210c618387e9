"""``scipy.linalg`` solves, factorizations and matrix functions (optional:
registered only when SciPy imports).

Each rule is written with the functions it differentiates (a solve's
cotangent is another solve), so that its derivatives can be differentiated
again. Functions that read part of a matrix are differentiated as SciPy
computes them: the cotangent lives on what is read (the triangle of
``solve_triangular``, ``cho_factor``'s and ``cho_solve``'s triangle, the
triangle ``solve(assume_a='pos'/'sym')`` reads, the band of ``solve_banded``'s
storage). ``cho_factor``'s other triangle holds ``a``'s entries up to SciPy 1.17
and zeros from 1.18 (checked once at import: ``CHO_OTHER``), and is
differentiated as such. Holomorphic functions (``solve``, ``lu_*``,
``solve_triangular``, ``solve_banded``, ``solve_sylvester``, ``expm``,
``sqrtm``) follow the complex convention of ``support``; the Cholesky ones
refuse complex matrices. ``sqrtm`` needs a matrix whose square root is
differentiable (no eigenvalue on the closed negative real axis).
"""
import numpy as np

try:  # SciPy is an optional dependency
    from scipy import linalg
except ImportError:  # pragma: no cover
    linalg = None

from .registry import vjp_rule, jvp_rule, nondifferentiable
from .support import (fold_lower, sym_from_lower, fold_lower_h, hermitian_from_lower, ctrans,
                      unsupported)


def sylvester_check(x, a, b):
    """Refuse a complex solution with a real ``a`` or ``b``: SciPy passes the real
    Schur form of a real matrix (2x2 blocks for its complex eigenvalues) to the
    complex triangular solver, which ignores the blocks, so the x SciPy returns
    there is wrong and its derivative could not match it (SciPy 1.17/1.18)."""
    if np.iscomplexobj(x) and not (np.iscomplexobj(a) and np.iscomplexobj(b)):
        unsupported("the derivative of scipy.linalg.solve_sylvester with a complex q and a real "
                    "a or b (SciPy's solution is wrong there when the real matrix has complex "
                    "eigenvalues); pass a and b as complex arrays")
    return True


nondifferentiable(sylvester_check)


def _t(x):
    return np.swapaxes(x, -1, -2)


def _outer(u, x, vec):
    """``u x^T`` of two solutions (columns when ``vec``)."""
    return np.expand_dims(u, -1) * np.expand_dims(x, -2) if vec else u @ _t(x)


def solve_structure(assume_a, lower):
    """What ``scipy.linalg.solve`` reads of ``a``: 'general', 'lower' or 'upper'
    (a symmetric or triangular matrix is read from one triangle), 'hlower' or
    'hupper' (a Hermitian one: LAPACK's ?posv/?hesv read the triangle and the
    real part of the diagonal; for a real matrix the same as symmetric)."""
    kind = (assume_a or "gen").lower()
    if kind in ("gen", "general"):
        return "general"
    if kind in ("sym", "symmetric"):
        return "lower" if lower else "upper"
    if kind in ("pos", "positive definite", "her", "hermitian"):
        return "hlower" if lower else "hupper"
    if kind == "lower triangular":
        return "tril"
    if kind == "upper triangular":
        return "triu"
    return unsupported(f"the derivative of scipy.linalg.solve(assume_a={assume_a!r})")


def lu_permutation(piv):
    """The row order ``perm`` of LAPACK's interchanges: ``a[perm] == L @ U``."""
    perm = np.arange(len(piv))
    for i, p in enumerate(piv):
        perm[i], perm[p] = perm[p], perm[i]
    return perm


def band_indices(l_and_u, n):
    """Where ``solve_banded``'s storage ``ab[u + i - j, j] = a[i, j]`` puts each
    entry: the dense row of each storage entry (shaped like ``ab``, with the
    mask of those inside the matrix), and the storage row of each dense entry
    (n x n, with the mask of those inside the band)."""
    lo, up = l_and_u
    r = np.arange(lo + up + 1)[:, None]
    j = np.arange(n)[None, :]
    i = r - up + j
    inside = (i >= 0) & (i < n)
    band_row = up + np.arange(n)[:, None] - j
    in_band = (band_row >= 0) & (band_row <= lo + up)
    return np.where(inside, i, 0), inside, np.where(in_band, band_row, 0), in_band


def _dense(ab, l_and_u):
    """The n x n matrix that banded storage ``ab`` holds (a gather)."""
    n = np.shape(ab)[-1]
    band_row, in_band = band_indices(l_and_u, n)[2:]
    return np.where(in_band, ab[band_row, np.arange(n)[None, :]], 0.0)


nondifferentiable(solve_structure, lu_permutation, band_indices)


def _read(m, structure):
    """The matrix ``solve`` sees when it reads ``m`` as ``structure``."""
    if structure == "general":
        return m
    if structure in ("lower", "upper"):
        return sym_from_lower(m, structure == "lower")
    if structure in ("hlower", "hupper"):
        return hermitian_from_lower(m, structure == "hlower")
    return np.tril(m) if structure == "tril" else np.triu(m)


def _fold(ct, structure):
    """Adjoint of ``_read``: the cotangent on the entries that were read."""
    if structure == "general":
        return ct
    if structure in ("lower", "upper"):
        return fold_lower(ct, structure == "lower")
    if structure in ("hlower", "hupper"):
        return fold_lower_h(ct, structure == "hlower")
    return np.tril(ct) if structure == "tril" else np.triu(ct)


if linalg is not None:
    # 1.0 where cho_factor leaves a's entries in the triangle it does not use
    # (SciPy <= 1.17), 0.0 where it zeroes them (SciPy >= 1.18)
    CHO_OTHER = float(linalg.cho_factor(np.array([[4.0, 2.0], [2.0, 3.0]]))[0][1, 0] == 2.0)

    @vjp_rule(linalg.solve)
    def solve(g, ans, a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True,
              assume_a=None, transposed=False):
        """``b`` is a vector when it is 1-D."""
        structure = solve_structure(assume_a, lower)
        seen = _read(a, structure)
        gb = linalg.solve(seen if transposed else _t(seen), g)
        ga = -_outer(gb, ans, np.ndim(b) == 1)
        return _fold(_t(ga) if transposed else ga, structure), gb

    @jvp_rule(linalg.solve)
    def solve_jvp(ans, a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True,
                  assume_a=None, transposed=False, *, da, db):
        structure = solve_structure(assume_a, lower)
        seen = _read(a, structure)
        dseen = _read(da, structure)
        x = np.expand_dims(ans, -1) if np.ndim(b) == 1 else ans
        dx = -((_t(dseen) if transposed else dseen) @ x)
        op = _t(seen) if transposed else seen
        return linalg.solve(op, np.squeeze(dx, -1) if np.ndim(b) == 1 else dx) + linalg.solve(op, db)

    @vjp_rule(linalg.solve_triangular)
    def solve_triangular(g, ans, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                         check_finite=True):
        """Reads the ``lower`` (else upper) triangle, without the diagonal when
        ``unit_diagonal``. ``trans=2`` ('C') solves with ``a^H``: not holomorphic
        in ``a``, so its cotangents are conjugated (the complex convention)."""
        flip = trans in (0, "N")
        herm = trans in (2, "C")
        gb = (np.conj(linalg.solve_triangular(a, np.conj(g), trans=0, lower=lower, unit_diagonal=unit_diagonal))
              if herm else linalg.solve_triangular(a, g, trans=1 if flip else 0, lower=lower,
                                                   unit_diagonal=unit_diagonal))
        ga = -_outer(gb, ans, np.ndim(b) == 1)
        ga = ga if flip else (np.conj(_t(ga)) if herm else _t(ga))
        k = -1 if unit_diagonal else 0
        return (np.tril(ga, k) if lower else np.triu(ga, -k)), gb

    @jvp_rule(linalg.solve_triangular)
    def solve_triangular_jvp(ans, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                             check_finite=True, *, da, db):
        k = -1 if unit_diagonal else 0
        dseen = np.tril(da, k) if lower else np.triu(da, -k)
        x = np.expand_dims(ans, -1) if np.ndim(b) == 1 else ans
        dx = -((dseen if trans in (0, "N") else np.conj(_t(dseen)) if trans in (2, "C") else _t(dseen)) @ x)
        return (linalg.solve_triangular(a, np.squeeze(dx, -1) if np.ndim(b) == 1 else dx, trans=trans,
                                        lower=lower, unit_diagonal=unit_diagonal)
                + linalg.solve_triangular(a, db, trans=trans, lower=lower, unit_diagonal=unit_diagonal))

    @vjp_rule(linalg.cho_factor)
    def cho_factor(g, ans, a, lower=False, overwrite_a=False, check_finite=True):
        """Output (c, lower): c's ``lower`` (else upper) triangle is the Cholesky
        factor of that triangle of ``a`` (read as a Hermitian matrix); its other
        triangle is ``a``'s. ``Ab = L^-H Phi(L^H Lb) L^-1`` as for np.linalg.cholesky."""
        c = ans[0]
        L = np.tril(c) if lower else ctrans(np.triu(c))
        gc = g[0]
        Lb = np.conj(np.tril(gc)) if lower else _t(np.triu(gc))
        P = ctrans(L) @ Lb
        phi = np.tril(P) - 0.5 * P * np.eye(np.shape(a)[-1])
        inner = linalg.solve_triangular(L, ctrans(linalg.solve_triangular(L, ctrans(phi), trans=2, lower=True)),
                                        trans=2, lower=True)
        rest = np.triu(gc, 1) if lower else np.tril(gc, -1)
        return fold_lower_h(np.conj(inner), lower) + CHO_OTHER * rest

    @jvp_rule(linalg.cho_factor)
    def cho_factor_jvp(ans, a, lower=False, overwrite_a=False, check_finite=True, *, da):
        c = ans[0]
        L = np.tril(c) if lower else ctrans(np.triu(c))
        Linv_dA = linalg.solve_triangular(L, hermitian_from_lower(da, lower), lower=True)
        X = ctrans(linalg.solve_triangular(L, ctrans(Linv_dA), lower=True))
        dL = L @ (np.tril(X) - 0.5 * X * np.eye(np.shape(a)[-1]))
        return (dL + CHO_OTHER * np.triu(da, 1) if lower
                else ctrans(dL) + CHO_OTHER * np.tril(da, -1)), None

    @vjp_rule(linalg.cho_solve)
    def cho_solve(g, ans, c_and_lower, b, overwrite_b=False, check_finite=True):
        """Reads the factor's triangle of ``c`` (``A = L L^H`` or ``U^H U``); the
        cotangent of ``c_and_lower`` is (that of c, None). With ``Ab = -z x^H``,
        ``z = A^-1 conj(g)``: ``Lb = (Ab + Ab^H) L``, ``Ub = U (Ab + Ab^H)``."""
        c = c_and_lower[0]
        lower = c_and_lower[1]
        gb = np.conj(linalg.cho_solve((c, lower), np.conj(g)))
        gA = -_outer(gb, ans, np.ndim(b) == 1)
        S = gA + ctrans(gA)
        gc = np.tril(S @ np.conj(np.tril(c))) if lower else np.triu(np.conj(np.triu(c)) @ S)
        return (gc, None), gb

    @jvp_rule(linalg.cho_solve)
    def cho_solve_jvp(ans, c_and_lower, b, overwrite_b=False, check_finite=True, *, dc_and_lower, db):
        c = c_and_lower[0]
        lower = c_and_lower[1]
        F = np.tril(c) if lower else np.triu(c)
        dF = np.tril(dc_and_lower[0]) if lower else np.triu(dc_and_lower[0])
        dA = dF @ ctrans(F) + F @ ctrans(dF) if lower else ctrans(dF) @ F + ctrans(F) @ dF
        x = np.expand_dims(ans, -1) if np.ndim(b) == 1 else ans
        dx = -(dA @ x)
        return (linalg.cho_solve((c, lower), np.squeeze(dx, -1) if np.ndim(b) == 1 else dx)
                + linalg.cho_solve((c, lower), db))

    @vjp_rule(linalg.lu_factor)
    def lu_factor(g, ans, a, overwrite_a=False, check_finite=True):
        """Output (lu, piv): ``a[perm] = L U`` with L unit lower (below lu's
        diagonal) and U upper."""
        lu, piv = ans
        n = np.shape(lu)[-1]
        L = np.tril(lu, -1) + np.eye(n)
        U = np.triu(lu)
        glu = g[0]
        M = np.tril(_t(L) @ np.tril(glu, -1), -1) + np.triu(np.triu(glu) @ _t(U))
        X = linalg.solve_triangular(L, _t(linalg.solve_triangular(U, _t(M), lower=False, trans=0)),
                                    trans=1, lower=True, unit_diagonal=True)
        return X[np.argsort(lu_permutation(piv))]

    @jvp_rule(linalg.lu_factor)
    def lu_factor_jvp(ans, a, overwrite_a=False, check_finite=True, *, da):
        lu, piv = ans
        n = np.shape(lu)[-1]
        L = np.tril(lu, -1) + np.eye(n)
        U = np.triu(lu)
        Y = linalg.solve_triangular(L, da[lu_permutation(piv)], lower=True, unit_diagonal=True)
        X = _t(linalg.solve_triangular(U, _t(Y), trans=1, lower=False))
        return L @ np.tril(X, -1) + np.triu(X) @ U, None

    @vjp_rule(linalg.lu_solve)
    def lu_solve(g, ans, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
        """The cotangent of ``lu_and_piv`` is (that of lu, None). ``trans=2``
        solves with ``A^H`` (not holomorphic: conjugated cotangents)."""
        lu, piv = lu_and_piv
        n = np.shape(lu)[-1]
        flip = trans in (0, "N")
        herm = trans in (2, "C")
        gb = (np.conj(linalg.lu_solve((lu, piv), np.conj(g), trans=0)) if herm
              else linalg.lu_solve((lu, piv), g, trans=1 if flip else 0))
        g_op = -_outer(gb, ans, np.ndim(b) == 1)
        gA = g_op if flip else (np.conj(_t(g_op)) if herm else _t(g_op))
        gM = gA[lu_permutation(piv)]
        L = np.tril(lu, -1) + np.eye(n)
        U = np.triu(lu)
        return (np.tril(gM @ _t(U), -1) + np.triu(_t(L) @ gM), None), gb

    @jvp_rule(linalg.lu_solve)
    def lu_solve_jvp(ans, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True, *, dlu_and_piv, db):
        lu, piv = lu_and_piv
        n = np.shape(lu)[-1]
        L = np.tril(lu, -1) + np.eye(n)
        U = np.triu(lu)
        dM = np.tril(dlu_and_piv[0], -1) @ U + L @ np.triu(dlu_and_piv[0])
        dA = dM[np.argsort(lu_permutation(piv))]
        x = np.expand_dims(ans, -1) if np.ndim(b) == 1 else ans
        dx = -((dA if trans in (0, "N") else np.conj(_t(dA)) if trans in (2, "C") else _t(dA)) @ x)
        return (linalg.lu_solve((lu, piv), np.squeeze(dx, -1) if np.ndim(b) == 1 else dx, trans=trans)
                + linalg.lu_solve((lu, piv), db, trans=trans))

    @vjp_rule(linalg.solve_banded)
    def solve_banded(g, ans, l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True):
        """``ab[u + i - j, j] = a[i, j]``; storage outside the matrix is not read."""
        rows, inside = band_indices(l_and_u, np.shape(ab)[-1])[:2]
        gb = linalg.solve(_t(_dense(ab, l_and_u)), g)
        gA = -_outer(gb, ans, np.ndim(b) == 1)
        return None, np.where(inside, gA[rows, np.arange(np.shape(ab)[-1])[None, :]], 0.0), gb

    @jvp_rule(linalg.solve_banded)
    def solve_banded_jvp(ans, l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True, *,
                         dab, db):
        x = np.expand_dims(ans, -1) if np.ndim(b) == 1 else ans
        dx = -(_dense(dab, l_and_u) @ x)
        return (linalg.solve_banded(l_and_u, ab, np.squeeze(dx, -1) if np.ndim(b) == 1 else dx)
                + linalg.solve_banded(l_and_u, ab, db))

    @vjp_rule(linalg.solve_sylvester)
    def solve_sylvester(g, ans, a, b, q):
        """``a x + x b = q`` (holomorphic: plain transposes)."""
        y = linalg.solve_sylvester(_t(a), _t(b), g) if sylvester_check(ans, a, b) else None
        return -(y @ _t(ans)), -(_t(ans) @ y), y

    @jvp_rule(linalg.solve_sylvester)
    def solve_sylvester_jvp(ans, a, b, q, *, da, db, dq):
        return linalg.solve_sylvester(a, b, dq - da @ ans - ans @ db) if sylvester_check(ans, a, b) else None

    @vjp_rule(linalg.expm)
    def expm(g, ans, A):
        """The Frechet derivative: the upper right block of expm([[A^T, g], [0, A^T]])."""
        n = np.shape(A)[-1]
        At = _t(A)
        block = np.concatenate([np.concatenate([At, g], -1),
                                np.concatenate([np.zeros_like(At + 0.0 * g), At], -1)], -2)
        return linalg.expm(block)[..., :n, n:]

    @jvp_rule(linalg.expm)
    def expm_jvp(ans, A, *, dA):
        n = np.shape(A)[-1]
        block = np.concatenate([np.concatenate([A, dA], -1),
                                np.concatenate([np.zeros_like(A + 0.0 * dA), A], -1)], -2)
        return linalg.expm(block)[..., :n, n:]

    @vjp_rule(linalg.sqrtm)
    def sqrtm(g, ans, A, disp=None, blocksize=None):
        """``X X = A``: ``X dX + dX X = dA``."""
        return linalg.solve_sylvester(_t(ans), _t(ans), g)

    @jvp_rule(linalg.sqrtm)
    def sqrtm_jvp(ans, A, disp=None, blocksize=None, *, dA):
        return linalg.solve_sylvester(ans, ans, dA)
