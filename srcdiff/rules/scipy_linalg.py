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
``sqrtm``) follow the complex convention of ``srcdiff.rules``; the Cholesky ones
refuse complex matrices. ``sqrtm`` needs a matrix whose square root is
differentiable (no eigenvalue on the closed negative real axis).
"""
import numpy as np

try:  # SciPy is an optional dependency
    from scipy import linalg
except ImportError:  # pragma: no cover
    linalg = None

from ..runtime import expand_reduced, size_of, cast_like
from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, nondifferentiable, register_linear
from . import linalg as np_linalg
from .linalg_eig import largest_entries, _gaps as eig_gaps
from .linalg_derivatives import (fold_lower, sym_from_lower, fold_lower_h, hermitian_from_lower,
                                 ctrans, phase_row, svd_check, svd_vectors_check, norm_kind,
                                 norm_weights)
from .zero_fill import fill_zeros


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


def lyapunov_check(x, a):
    """Refuse a complex solution with a real ``a`` (``solve_continuous_lyapunov``
    goes through SciPy's Sylvester solver: wrong there, see ``sylvester_check``)."""
    if np.iscomplexobj(x) and not np.iscomplexobj(a):
        unsupported("the derivative of scipy.linalg.solve_continuous_lyapunov with a complex q and a "
                    "real a (SciPy's solution is wrong there when a has complex eigenvalues); pass a "
                    "as a complex array")
    return True


nondifferentiable(sylvester_check, lyapunov_check)


def eigh_range(a, b, values_only, subset_by_index, subset_by_value):
    """The eigenvalues ``scipy.linalg.eigh``/``eigvalsh`` return, as the slice
    (lo, hi) of the ascending spectrum (``subset_by_index=[lo, hi - 1]``).
    Refuses the generalized problem (``b``), ``subset_by_value`` (its count
    moves with ``a``) and the eigenvectors of a subset."""
    n = np.shape(a)[-1]
    if b is not None:
        unsupported("the derivative of scipy.linalg.eigh/eigvalsh with b (the generalized eigenproblem)")
    if subset_by_value is not None:
        unsupported("the derivative of scipy.linalg.eigh/eigvalsh(subset_by_value=...) (use subset_by_index)")
    if subset_by_index is None:
        return 0, n
    if not values_only:
        unsupported("the derivative of the eigenvectors of scipy.linalg.eigh(subset_by_index=...) "
                    "(use eigvals_only=True or the full decomposition)")
    return int(subset_by_index[0]), int(subset_by_index[1]) + 1


def qr_options(a, mode, pivoting):
    """Refuse the scipy.linalg.qr derivatives srcdiff does not implement: m < n,
    mode='raw', mode='full' of a non-square matrix (Q's extra columns are not
    unique), pivoting."""
    m, n = np.shape(a)[-2:]
    if pivoting or m < n or mode == "raw" or (mode == "full" and m != n):
        unsupported(f"the derivative of scipy.linalg.qr(mode={mode!r}, pivoting={pivoting!r}) of a "
                    f"{m}x{n} matrix (m >= n without pivoting, mode='economic' or 'r', or a square "
                    "matrix, is supported)")
    return True


def lstsq_options(a, rank):
    """Refuse scipy.linalg.lstsq's derivative without full column rank (m < n or
    a rank-deficient ``a``: the minimum-norm solution jumps with the rank)."""
    m, n = np.shape(a)[-2:]
    if m < n or rank < n:
        unsupported(f"the derivative of scipy.linalg.lstsq of a {m}x{n} matrix of rank {rank} "
                    "(full column rank is supported)")
    return True


def square_only(a, what):
    """Refuse a non-square matrix."""
    m, n = np.shape(a)[-2:]
    if m != n:
        unsupported(f"the derivative of {what} of a non-square ({m}x{n}) matrix")
    return True


def eig_options(b, left, homogeneous_eigvals):
    """Refuse the scipy.linalg.eig/eigvals options srcdiff does not differentiate."""
    if b is not None or left or homogeneous_eigvals:
        unsupported("the derivative of scipy.linalg.eig/eigvals with b, left=True or "
                    "homogeneous_eigvals=True (the standard problem's w and right vectors are supported)")
    return True


def vector_only(what, *vs):
    """Refuse multi-dimensional ``c``/``r`` (SciPy ravels them with a warning,
    and treats them as batches from 1.19)."""
    if any(v is not None and np.ndim(v) > 1 for v in vs):
        unsupported(f"the derivative of {what} of a multi-dimensional c or r (pass 1-D arrays)")
    return True


def toeplitz_index(nc, nr):
    """Where ``toeplitz(c, r)`` reads each entry in ``concatenate([c, r])``:
    ``c[i - j]`` on and below the diagonal, ``r[j - i]`` above (``r[0]`` unread)."""
    i = np.arange(nc)[:, None]
    j = np.arange(nr)[None, :]
    return np.where(i >= j, i - j, nc + j - i)


def hankel_index(nc, nr):
    """Where ``hankel(c, r)`` reads each entry in ``concatenate([c, r])``:
    ``c[i + j]``, then ``r[i + j - nc + 1]`` (``r[0]`` unread)."""
    k = np.arange(nc)[:, None] + np.arange(nr)[None, :]
    return np.where(k < nc, k, k + 1)


def circulant_index(n):
    """``circulant(c)[..., i, j] = c[..., (i - j) % n]``."""
    return (np.arange(n)[:, None] - np.arange(n)[None, :]) % n


nondifferentiable(eigh_range, qr_options, lstsq_options, square_only, eig_options, vector_only,
                  toeplitz_index, hankel_index, circulant_index)


def index_sum(g, index, size):
    """``s[..., k]``: the sum of ``g[..., i, j]`` over the entries with
    ``index[i, j] == k`` (the adjoint of reading ``v[..., index]``)."""
    g = np.asarray(g)
    flat = np.reshape(g, (-1, np.size(index)))
    out = np.zeros((size, flat.shape[0]), dtype=np.result_type(g.dtype, float))
    np.add.at(out, np.ravel(index), flat.T)
    return np.reshape(out.T, g.shape[:-2] + (size,))


@vjp_rule(index_sum)
def index_sum_vjp(gg, ans, g, index, size):
    return gg[..., index], None, None


@jvp_rule(index_sum)
def index_sum_jvp(ans, g, index, size, *, dg, dindex, dsize):
    return index_sum(dg, index, size)


def block_diag_parts(g, arrs):
    """Each array's block of ``g`` (the cotangent of ``block_diag(*arrs)``),
    shaped like the array (a scalar is a 1x1 block, a vector a row)."""
    out, r, c = [], 0, 0
    for x in arrs:
        m, n = np.shape(np.atleast_2d(x))
        out.append(cast_like(np.reshape(g[r:r + m, c:c + n], np.shape(x)), x))
        r, c = r + m, c + n
    return tuple(out)


def block_diag_tangent(ts, arrs):
    """The tangent of ``block_diag(*arrs)`` (None: a constant array's zero)."""
    return linalg.block_diag(*fill_zeros(list(ts), list(arrs)))


@vjp_rule(block_diag_parts)
def block_diag_parts_vjp(gg, ans, g, arrs):
    return block_diag_tangent(gg, arrs), None


@jvp_rule(block_diag_parts)
def block_diag_parts_jvp(ans, g, arrs, *, dg, darrs):
    return block_diag_parts(dg, arrs)


@vjp_rule(block_diag_tangent)
def block_diag_tangent_vjp(gg, ans, ts, arrs):
    return block_diag_parts(gg, arrs), None


@jvp_rule(block_diag_tangent)
def block_diag_tangent_jvp(ans, ts, arrs, *, dts, darrs):
    return block_diag_tangent(dts, arrs)


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

    # ------------------------------------------------------------------------
    # the np.linalg counterparts (rules/linalg.py, linalg_eig.py): the same maths,
    # with SciPy's keywords (lower=, the UPPER Cholesky factor by default,
    # check_finite/overwrite_* ignored) and result layouts
    # ------------------------------------------------------------------------

    @vjp_rule(linalg.cholesky)
    def cholesky(g, ans, a, lower=False, overwrite_a=False, check_finite=True):
        """``lower=False`` (SciPy's default): the upper factor ``U`` (``a = U^H U``),
        read from a's upper triangle; np.linalg.cholesky's maths on ``L = U^H``."""
        L = ans if lower else ctrans(ans)
        Lb = np.conj(g) if lower else _t(g)
        Linv = np.linalg.inv(L)
        P = ctrans(L) @ Lb
        phi = np.tril(P) - 0.5 * P * np.eye(np.shape(a)[-1])
        return fold_lower_h(np.conj(ctrans(Linv) @ phi @ Linv), lower)

    @jvp_rule(linalg.cholesky)
    def cholesky_jvp(ans, a, lower=False, overwrite_a=False, check_finite=True, *, da):
        L = ans if lower else ctrans(ans)
        Linv = np.linalg.inv(L)
        X = Linv @ hermitian_from_lower(da, lower) @ ctrans(Linv)
        dL = L @ (np.tril(X) - 0.5 * X * np.eye(np.shape(a)[-1]))
        return dL if lower else ctrans(dL)

    @vjp_rule(linalg.det)
    def det(g, ans, a, overwrite_a=False, check_finite=True):
        return np.expand_dims(np.expand_dims(g * ans, -1), -1) * _t(np.linalg.inv(a))

    @jvp_rule(linalg.det)
    def det_jvp(ans, a, overwrite_a=False, check_finite=True, *, da):
        return ans * np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1)

    @vjp_rule(linalg.inv)
    def inv(g, ans, a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False):
        """``assume_a`` as for ``solve``: a symmetric/Hermitian/triangular ``a`` is
        read from one triangle."""
        return _fold(-(_t(ans) @ g @ _t(ans)), solve_structure(assume_a, lower))

    @jvp_rule(linalg.inv)
    def inv_jvp(ans, a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False, da):
        return -(ans @ _read(da, solve_structure(assume_a, lower)) @ ans)

    @vjp_rule(linalg.eigh)
    def eigh(g, ans, a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False,
             type=1, check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
        """np.linalg.eigh's maths (distinct eigenvalues; reads the ``lower`` triangle).
        ``eigvals_only`` (with ``subset_by_index``: the eigenvalues lo..hi) uses the
        full decomposition's vectors; ``b``, ``subset_by_value`` and the vectors
        of a subset are refused."""
        k = eigh_range(a, b, eigvals_only, subset_by_index, subset_by_value)
        w, v = linalg.eigh(a, lower=lower) if eigvals_only else ans
        gw = g if eigvals_only else g[0]
        gv = None if eigvals_only else g[1]
        n = np.shape(a)[-1]
        eye = np.eye(n)
        vs = v[..., :, k[0]:k[1]]
        F = (1 - eye) / (np.expand_dims(w, -2) - np.expand_dims(w, -1) + eye)
        G = ctrans(v) @ np.conj(gv) if gv is not None else None
        m = phase_row(v, 0 if lower else n - 1, "scipy.linalg.eigh") if np.iscomplexobj(v) and gv is not None else 0
        vm = v[..., m:m + 1, :]
        E = (np.swapaxes(np.conj(vm), -1, -2) * (1j * np.imag(np.expand_dims(np.diagonal(G, 0, -2, -1), -2))
                                                  / np.real(vm))
             if gv is not None and np.iscomplexobj(v) else 0.0)
        vjp_w = (vs * np.expand_dims(np.real(gw), -2)) @ ctrans(vs) if gw is not None else 0.0
        vjp_v = v @ (F * (G - E)) @ ctrans(v) if gv is not None else 0.0
        return fold_lower_h(np.conj(vjp_w + vjp_v), lower), None

    @jvp_rule(linalg.eigh)
    def eigh_jvp(ans, a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False,
                 type=1, check_finite=True, subset_by_index=None, subset_by_value=None, driver=None, da, db):
        k = eigh_range(a, b, eigvals_only, subset_by_index, subset_by_value)
        w, v = linalg.eigh(a, lower=lower) if eigvals_only else ans
        n = np.shape(a)[-1]
        eye = np.eye(n)
        F = (1 - eye) / (np.expand_dims(w, -2) - np.expand_dims(w, -1) + eye)
        M = ctrans(v) @ hermitian_from_lower(da, lower) @ v
        dw = np.real(np.diagonal(M, 0, -2, -1))[..., k[0]:k[1]]
        u = v @ (F * M)
        m = phase_row(v, 0 if lower else n - 1, "scipy.linalg.eigh") if np.iscomplexobj(v) and not eigvals_only else 0
        dv = (u - v * (1j * np.imag(u[..., m:m + 1, :]) / np.real(v[..., m:m + 1, :]))
              if np.iscomplexobj(v) else u)
        return dw if eigvals_only else (dw, dv)

    @vjp_rule(linalg.eigvalsh)
    def eigvalsh(g, ans, a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1,
                 check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
        k = eigh_range(a, b, True, subset_by_index, subset_by_value)
        v = linalg.eigh(a, lower=lower)[1][..., :, k[0]:k[1]]
        return fold_lower_h(np.conj((v * np.expand_dims(np.real(g), -2)) @ ctrans(v)), lower), None

    @jvp_rule(linalg.eigvalsh)
    def eigvalsh_jvp(ans, a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1,
                     check_finite=True, subset_by_index=None, subset_by_value=None, driver=None, da, db):
        k = eigh_range(a, b, True, subset_by_index, subset_by_value)
        v = linalg.eigh(a, lower=lower)[1][..., :, k[0]:k[1]]
        return np.real(np.diagonal(ctrans(v) @ hermitian_from_lower(da, lower) @ v, 0, -2, -1))

    @vjp_rule(linalg.norm)
    def norm(g, ans, a, ord=None, axis=None, keepdims=False, check_finite=True):
        """np.linalg.norm's maths."""
        kind = norm_kind(a, ord, axis)
        nb = expand_reduced(ans, a, kind[2], keepdims)
        w = (np.sign(a) * np.abs(a) ** (kind[1] - 1) / np.where(nb == 0, 1.0, nb) ** (kind[1] - 1)
             if kind[0] == "vec" else norm_weights(a, ans, ord, axis, keepdims))
        return expand_reduced(np.real(g), a, kind[2], keepdims) * np.conj(w)

    @jvp_rule(linalg.norm)
    def norm_jvp(ans, a, ord=None, axis=None, keepdims=False, check_finite=True, *, da):
        kind = norm_kind(a, ord, axis)
        nb = expand_reduced(ans, a, kind[2], keepdims)
        w = (np.sign(a) * np.abs(a) ** (kind[1] - 1) / np.where(nb == 0, 1.0, nb) ** (kind[1] - 1)
             if kind[0] == "vec" else norm_weights(a, ans, ord, axis, keepdims))
        return np.real(np.sum(np.conj(w) * da, axis=kind[2], keepdims=keepdims))

    @vjp_rule(linalg.svd)
    def svd(g, ans, a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True,
            lapack_driver="gesdd"):
        """np.linalg.svd's rule (distinct non-zero singular values; ``full_matrices=False``
        or a square matrix)."""
        return np_linalg.svd(g, ans, a, full_matrices, compute_uv)

    @jvp_rule(linalg.svd)
    def svd_jvp(ans, a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True,
                lapack_driver="gesdd", *, da):
        return np_linalg.svd_jvp(ans, a, full_matrices, compute_uv, da=da)

    @vjp_rule(linalg.svdvals)
    def svdvals(g, ans, a, overwrite_a=False, check_finite=True):
        u, s, vh = linalg.svd(a, full_matrices=False)
        return np.conj((u * np.expand_dims(np.real(g), -2)) @ vh)

    @jvp_rule(linalg.svdvals)
    def svdvals_jvp(ans, a, overwrite_a=False, check_finite=True, *, da):
        u, s, vh = linalg.svd(a, full_matrices=False)
        return np.real(np.diagonal(ctrans(u) @ da @ ctrans(vh), 0, -2, -1))

    @vjp_rule(linalg.qr)
    def qr(g, ans, a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
        """np.linalg.qr's maths (m >= n; mode='full' square only). ``mode='r'``
        returns ``(R,)``, R with m rows (those below n are zero)."""
        q, r = linalg.qr(a, mode="economic") if qr_options(a, mode, pivoting) else None
        gq = g[0] if mode != "r" else None
        gr = g[1] if mode != "r" else g[0]
        Qb = np.conj(gq) if gq is not None else 0.0
        M = ((ctrans(q) @ Qb if gq is not None else 0.0)
             - (np.conj(gr[..., :np.shape(a)[-1], :]) @ ctrans(r) if gr is not None else 0.0))
        C = (np.tril(M, -1) - np.tril(ctrans(M), -1) - M
             + (1j * np.eye(np.shape(r)[-1]) * np.imag(M) if np.iscomplexobj(q) else 0.0))
        B = q @ C + Qb
        return np.swapaxes(np.linalg.solve(r, ctrans(B)), -1, -2)

    @jvp_rule(linalg.qr)
    def qr_jvp(ans, a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True, *, da):
        q, r = linalg.qr(a, mode="economic") if qr_options(a, mode, pivoting) else None
        X = ctrans(np.linalg.solve(ctrans(r), ctrans(da)))
        Y = ctrans(q) @ X
        L = np.tril(Y, -1)
        O = L - ctrans(L) + (1j * np.eye(np.shape(r)[-1]) * np.imag(Y) if np.iscomplexobj(q) else 0.0)
        dr = (Y - O) @ r
        return (q @ (O - Y) + X, dr) if mode != "r" else (np.concatenate([dr, 0.0 * da[..., np.shape(a)[-1]:, :]], -2),)

    @vjp_rule(linalg.lstsq)
    def lstsq(g, ans, a, b, cond=None, overwrite_a=False, overwrite_b=False, check_finite=True,
              lapack_driver=None):
        """np.linalg.lstsq's rule; full column rank. Outputs (x, residues, rank, s):
        SciPy's residues are a scalar for a 1-D ``b``."""
        ct = np_linalg.lstsq(g, ans, a, b) if lstsq_options(a, ans[2]) else None
        return ct[0], ct[1]

    @jvp_rule(linalg.lstsq)
    def lstsq_jvp(ans, a, b, cond=None, overwrite_a=False, overwrite_b=False, check_finite=True,
                  lapack_driver=None, *, da, db):
        return np_linalg.lstsq_jvp(ans, a, b, da=da, db=db) if lstsq_options(a, ans[2]) else None

    @vjp_rule(linalg.pinv)
    def pinv(g, ans, a, *, atol=None, rtol=None, return_rank=False, check_finite=True):
        """np.linalg.pinv's maths: differentiable where the rank (after the
        atol/rtol cut) does not change. ``return_rank``: (B, rank)."""
        p = ans[0] if return_rank else ans
        gp = g[0] if return_rank else g
        pt = _t(p)
        im = np.eye(np.shape(a)[-2])
        i_n = np.eye(np.shape(a)[-1])
        return -(pt @ gp @ pt) + np.conj((im - a @ p) @ _t(gp) @ p @ ctrans(p) + ctrans(p) @ p @ _t(gp) @ (i_n - p @ a))

    @jvp_rule(linalg.pinv)
    def pinv_jvp(ans, a, *, atol=None, rtol=None, return_rank=False, check_finite=True, da):
        p = ans[0] if return_rank else ans
        ph = ctrans(p)
        dah = ctrans(da)
        im = np.eye(np.shape(a)[-2])
        i_n = np.eye(np.shape(a)[-1])
        dp = -(p @ da @ p) + p @ ph @ dah @ (im - a @ p) + (i_n - p @ a) @ dah @ ph @ p
        return (dp, None) if return_rank else dp

    @vjp_rule(linalg.pinvh)
    def pinvh(g, ans, a, atol=None, rtol=None, lower=True, return_rank=False, check_finite=True):
        """pinv of the Hermitian matrix read from the ``lower`` triangle."""
        p = ans[0] if return_rank else ans
        gp = g[0] if return_rank else g
        A = hermitian_from_lower(a, lower)
        pt = _t(p)
        i_n = np.eye(np.shape(a)[-1])
        ct = -(pt @ gp @ pt) + np.conj((i_n - A @ p) @ _t(gp) @ p @ ctrans(p) + ctrans(p) @ p @ _t(gp) @ (i_n - p @ A))
        return fold_lower_h(ct, lower)

    @jvp_rule(linalg.pinvh)
    def pinvh_jvp(ans, a, atol=None, rtol=None, lower=True, return_rank=False, check_finite=True, *, da):
        p = ans[0] if return_rank else ans
        A = hermitian_from_lower(a, lower)
        dA = hermitian_from_lower(da, lower)
        ph = ctrans(p)
        dah = ctrans(dA)
        i_n = np.eye(np.shape(a)[-1])
        dp = -(p @ dA @ p) + p @ ph @ dah @ (i_n - A @ p) + (i_n - p @ A) @ dah @ ph @ p
        return (dp, None) if return_rank else dp

    @vjp_rule(linalg.lu)
    def lu(g, ans, a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
        """Square ``a = P L U`` (P constant; ``permute_l``: outputs (P L, U)).
        lu_factor's maths: ``Ab = P L^-T (tril(L^T Lb, -1) + triu(Ub U^T)) U^-T``."""
        P, L, U = linalg.lu(a) if square_only(a, "scipy.linalg.lu") else None
        gl = g[0] if permute_l else g[1]
        gu = g[1] if permute_l else g[2]
        Lb = (_t(P) @ gl if permute_l else gl) if gl is not None else 0.0 * L
        Ub = gu if gu is not None else 0.0 * U
        M = np.tril(_t(L) @ Lb, -1) + np.triu(Ub @ _t(U))
        X = linalg.solve_triangular(L, _t(linalg.solve_triangular(U, _t(M), lower=False)),
                                    trans=1, lower=True, unit_diagonal=True)
        return P @ X

    @jvp_rule(linalg.lu)
    def lu_jvp(ans, a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False, *, da):
        P, L, U = linalg.lu(a) if square_only(a, "scipy.linalg.lu") else None
        Y = linalg.solve_triangular(L, _t(P) @ da, lower=True, unit_diagonal=True)
        X = _t(linalg.solve_triangular(U, _t(Y), trans=1, lower=False))
        dL = L @ np.tril(X, -1)
        dU = np.triu(X) @ U
        return (P @ dL, dU) if permute_l else (None, dL, dU)

    @vjp_rule(linalg.eig)
    def eig(g, ans, a, b=None, left=False, right=True, overwrite_a=False, overwrite_b=False,
            check_finite=True, homogeneous_eigvals=False):
        """np.linalg.eig's maths (distinct eigenvalues; LAPACK's normalisation of
        the right vectors). ``right=False``: w only. b, left, homogeneous_eigvals refused."""
        w, v = ans if eig_options(b, left, homogeneous_eigvals) and right else linalg.eig(a)
        gw = g[0] if right else g
        gv = (g[1] if g[1] is not None else 0.0 * v) if right else 0.0 * v
        n = np.shape(w)[-1]
        m = largest_entries(v)
        vm = np.real(np.take_along_axis(v, m, -2))
        s = np.sum(gv * v, axis=-2, keepdims=True)
        at_largest = np.expand_dims(np.arange(n), -1) == m
        gu = gv - np.real(s) * np.conj(v) - 1j * np.where(at_largest, np.imag(s) / vm, 0.0)
        gC = eig_gaps(w) * (_t(v) @ gu) + (np.expand_dims(gw, -1) * np.eye(n) if gw is not None else 0.0)
        ga = np.linalg.solve(_t(v), gC @ _t(v))
        return ga if np.iscomplexobj(a) else np.real(ga)

    @jvp_rule(linalg.eig)
    def eig_jvp(ans, a, b=None, left=False, right=True, overwrite_a=False, overwrite_b=False,
                check_finite=True, homogeneous_eigvals=False, *, da, db):
        w, v = ans if eig_options(b, left, homogeneous_eigvals) and right else linalg.eig(a)
        C = np.linalg.solve(v, da @ v)
        u = v @ (eig_gaps(w) * C)
        m = largest_entries(v)
        vm = np.real(np.take_along_axis(v, m, -2))
        um = np.take_along_axis(u, m, -2)
        c = -np.real(np.sum(np.conj(v) * u, axis=-2, keepdims=True)) - 1j * np.imag(um) / vm
        dw = cast_like(np.diagonal(C, 0, -2, -1), w)     # (SciPy's w is complex; v real when w is)
        return (dw, cast_like(u + v * c, v)) if right else dw

    @vjp_rule(linalg.eigvals)
    def eigvals(g, ans, a, b=None, overwrite_a=False, check_finite=True, homogeneous_eigvals=False):
        w, v = linalg.eig(a) if eig_options(b, False, homogeneous_eigvals) else None
        ga = np.linalg.solve(_t(v), np.expand_dims(g, -1) * _t(v))
        return ga if np.iscomplexobj(a) else np.real(ga)

    @jvp_rule(linalg.eigvals)
    def eigvals_jvp(ans, a, b=None, overwrite_a=False, check_finite=True, homogeneous_eigvals=False, *, da, db):
        w, v = linalg.eig(a) if eig_options(b, False, homogeneous_eigvals) else None
        return cast_like(np.diagonal(np.linalg.solve(v, da @ v), 0, -2, -1), ans)

    # ------------------------------------------------------------------------
    # linear constructors
    # ------------------------------------------------------------------------

    @vjp_rule(linalg.block_diag)
    def block_diag(g, ans, *arrs):
        """Each array's block (a scalar is 1x1, a vector a row)."""
        return block_diag_parts(g, arrs)

    @jvp_rule(linalg.block_diag)
    def block_diag_jvp(ans, *arrs, darrs):
        return block_diag_tangent(darrs, arrs)

    @vjp_rule(linalg.toeplitz)
    def toeplitz(g, ans, c, r=None):
        """1-D ``c``, ``r`` (``r = conj(c)`` when omitted; ``r[0]`` is not read)."""
        nc = size_of(c) if vector_only("scipy.linalg.toeplitz", c, r) else 0
        gv = index_sum(g, toeplitz_index(nc, np.shape(ans)[-1]), nc + np.shape(ans)[-1])
        return ((cast_like(np.reshape(gv[:nc], np.shape(c)), c), cast_like(np.reshape(gv[nc:], np.shape(r)), r))
                if r is not None else (cast_like(np.reshape(gv[:nc] + np.conj(gv[nc:]), np.shape(c)), c), None))

    @jvp_rule(linalg.toeplitz)
    def toeplitz_jvp(ans, c, r=None, *, dc, dr):
        return linalg.toeplitz(dc, dr) if r is not None else linalg.toeplitz(dc)

    @vjp_rule(linalg.hankel)
    def hankel(g, ans, c, r=None):
        """1-D ``c``, ``r`` (zeros when omitted; ``r[0]`` is not read)."""
        nc = size_of(c) if vector_only("scipy.linalg.hankel", c, r) else 0
        gv = index_sum(g, hankel_index(nc, np.shape(ans)[-1]), nc + np.shape(ans)[-1])
        return ((cast_like(np.reshape(gv[:nc], np.shape(c)), c), cast_like(np.reshape(gv[nc:], np.shape(r)), r))
                if r is not None else (cast_like(np.reshape(gv[:nc], np.shape(c)), c), None))

    @jvp_rule(linalg.hankel)
    def hankel_jvp(ans, c, r=None, *, dc, dr):
        return linalg.hankel(dc, dr) if r is not None else linalg.hankel(dc)

    @vjp_rule(linalg.circulant)
    def circulant(g, ans, c):
        return cast_like(index_sum(g, circulant_index(np.shape(c)[-1]), np.shape(c)[-1]), c)

    @jvp_rule(linalg.circulant)
    def circulant_jvp(ans, c, *, dc):
        return linalg.circulant(dc)

    register_linear((0,), linalg.circulant)

    @vjp_rule(linalg.khatri_rao)
    def khatri_rao(g, ans, a, b):
        """Column ``j`` is ``kron(a[:, j], b[:, j])``."""
        G = np.reshape(g, (np.shape(a)[0], np.shape(b)[0], np.shape(a)[1]))
        return np.sum(G * np.expand_dims(b, 0), 1), np.sum(G * np.expand_dims(a, 1), 0)

    @jvp_rule(linalg.khatri_rao)
    def khatri_rao_jvp(ans, a, b, *, da, db):
        return linalg.khatri_rao(da, b) + linalg.khatri_rao(a, db)

    # ------------------------------------------------------------------------
    # matrix functions and matrix equations
    # ------------------------------------------------------------------------

    @vjp_rule(linalg.logm)
    def logm(g, ans, A, disp=None):
        """The Frechet derivative: the upper right block of logm([[A^T, g], [0, A^T]])
        (A with no eigenvalue on the closed negative real axis)."""
        n = np.shape(A)[-1]
        At = _t(A)
        block = np.concatenate([np.concatenate([At, g], -1),
                                np.concatenate([np.zeros_like(At + 0.0 * g), At], -1)], -2)
        return cast_like(linalg.logm(block)[..., :n, n:], A)

    @jvp_rule(linalg.logm)
    def logm_jvp(ans, A, disp=None, *, dA):
        n = np.shape(A)[-1]
        block = np.concatenate([np.concatenate([A, dA], -1),
                                np.concatenate([np.zeros_like(A + 0.0 * dA), A], -1)], -2)
        return linalg.logm(block)[..., :n, n:]

    @vjp_rule(linalg.expm_frechet)
    def expm_frechet(g, ans, A, E, method=None, compute_expm=True, check_finite=True):
        """expm([[A, E], [0, A]]) holds expm(A) (upper left) and L(A, E) (upper
        right): the cotangent is expm's, L(X^T, G), on that block matrix X."""
        n = np.shape(A)[-1]
        Z = np.zeros_like(A + 0.0 * E)
        g0 = (g[0] if g[0] is not None else Z) if compute_expm else Z
        g1 = (g[1] if g[1] is not None else Z) if compute_expm else g
        X = np.concatenate([np.concatenate([A, E], -1), np.concatenate([Z, A], -1)], -2)
        G = np.concatenate([np.concatenate([g0, g1], -1), np.concatenate([Z, Z], -1)], -2)
        gX = linalg.expm_frechet(_t(X), G, compute_expm=False)
        return gX[..., :n, :n] + gX[..., n:, n:], gX[..., :n, n:]

    @jvp_rule(linalg.expm_frechet)
    def expm_frechet_jvp(ans, A, E, method=None, compute_expm=True, check_finite=True, *, dA, dE):
        n = np.shape(A)[-1]
        Z = np.zeros_like(A + 0.0 * E)
        X = np.concatenate([np.concatenate([A, E], -1), np.concatenate([Z, A], -1)], -2)
        dX = np.concatenate([np.concatenate([dA, dE], -1), np.concatenate([Z, dA], -1)], -2)
        dF = linalg.expm_frechet(X, dX, compute_expm=False)
        return (cast_like(dF[..., :n, :n], A), dF[..., :n, n:]) if compute_expm else dF[..., :n, n:]

    @vjp_rule(linalg.solve_continuous_lyapunov)
    def solve_continuous_lyapunov(g, ans, a, q):
        """``a x + x a^H = q``; with ``y`` solving ``a^H y + y a = conj(g)``:
        the gradients are ``-(y x^H + y^H x)`` (a) and ``y`` (q)."""
        y = linalg.solve_continuous_lyapunov(ctrans(a), np.conj(g)) if lyapunov_check(ans, a) else None
        return np.conj(-(y @ ctrans(ans) + ctrans(y) @ ans)), np.conj(y)

    @jvp_rule(linalg.solve_continuous_lyapunov)
    def solve_continuous_lyapunov_jvp(ans, a, q, *, da, dq):
        return (linalg.solve_continuous_lyapunov(a, dq - da @ ans - ans @ ctrans(da)) if lyapunov_check(ans, a)
                else None)

    @vjp_rule(linalg.solve_discrete_lyapunov)
    def solve_discrete_lyapunov(g, ans, a, q, method=None):
        """``a x a^H - x + q = 0``; with ``y`` solving ``a^H y a - y + conj(g) = 0``:
        the gradients are ``y a x^H + y^H a x`` (a) and ``y`` (q)."""
        y = linalg.solve_discrete_lyapunov(ctrans(a), np.conj(g), method)
        return np.conj(y @ a @ ctrans(ans) + ctrans(y) @ a @ ans), np.conj(y)

    @jvp_rule(linalg.solve_discrete_lyapunov)
    def solve_discrete_lyapunov_jvp(ans, a, q, method=None, *, da, dq):
        return linalg.solve_discrete_lyapunov(a, dq + da @ ans @ ctrans(a) + a @ ans @ ctrans(da), method)

    @vjp_rule(linalg.polar)
    def polar(g, ans, a, side="right"):
        """Square non-singular ``a = u p`` (side='left': ``a = p u``) with ``p``
        Hermitian positive definite: ``p dp + dp p = d(a^H a)`` (``d(a a^H)``) and
        ``du = (da - u dp) p^-1`` (``p^-1 (da - dp u)``). Gradients (``G = conj(g)``):
        ``R = Gu p^-1`` (``p^-1 Gu``), ``Y`` solves ``p Y + Y p = Gp - u^H R``
        (``Gp - R u^H``), and ``a``'s is ``R + a (Y + Y^H)`` (``R + (Y + Y^H) a``)."""
        u, p = ans if square_only(a, "scipy.linalg.polar") else None
        right = side == "right"
        Gu = np.conj(g[0]) if g[0] is not None else 0.0 * u
        Gp = np.conj(g[1]) if g[1] is not None else 0.0 * p
        pinv = np.linalg.inv(p)
        R = Gu @ pinv if right else pinv @ Gu
        Y = linalg.solve_sylvester(p, p, Gp - ctrans(u) @ R if right else Gp - R @ ctrans(u))
        return np.conj(R + a @ (Y + ctrans(Y)) if right else R + (Y + ctrans(Y)) @ a)

    @jvp_rule(linalg.polar)
    def polar_jvp(ans, a, side="right", *, da):
        u, p = ans if square_only(a, "scipy.linalg.polar") else None
        right = side == "right"
        dp = linalg.solve_sylvester(p, p, ctrans(da) @ a + ctrans(a) @ da if right else da @ ctrans(a) + a @ ctrans(da))
        pinv = np.linalg.inv(p)
        du = (da - u @ dp) @ pinv if right else pinv @ (da - dp @ u)
        return du, dp

    @vjp_rule(linalg.orthogonal_procrustes)
    def orthogonal_procrustes(g, ans, A, B, check_finite=True):
        """``(R, scale)``: ``M = A^H B = R P`` (right polar; ``scale = tr P``, the sum
        of M's singular values), differentiated as ``polar`` (M square non-singular);
        with ``GM`` M's gradient, A's is ``B GM^H`` and B's ``A GM``."""
        u, p = linalg.polar(ctrans(A) @ B)
        Gu = np.conj(g[0]) if g[0] is not None else 0.0 * u
        Gp = np.real(g[1]) * np.eye(np.shape(p)[-1]) if g[1] is not None else 0.0 * p
        R = Gu @ np.linalg.inv(p)
        Y = linalg.solve_sylvester(p, p, Gp - ctrans(u) @ R)
        GM = R + ctrans(A) @ B @ (Y + ctrans(Y))
        return np.conj(B @ ctrans(GM)), np.conj(A @ GM)

    @jvp_rule(linalg.orthogonal_procrustes)
    def orthogonal_procrustes_jvp(ans, A, B, check_finite=True, *, dA, dB):
        u, p = linalg.polar(ctrans(A) @ B)
        M = ctrans(A) @ B
        dM = ctrans(dA) @ B + ctrans(A) @ dB
        dp = linalg.solve_sylvester(p, p, ctrans(dM) @ M + ctrans(M) @ dM)
        return (dM - u @ dp) @ np.linalg.inv(p), np.real(np.trace(dp, axis1=-2, axis2=-1))
