"""Specs of the scipy.linalg rules that mirror np.linalg (rules/scipy_linalg.py),
imported at the end of tests/rule_specs.py (whose helpers it uses)."""
import inspect

import numpy as np

from rule_specs import Case, spec, uni, spd, wellcond, sym_distinct, distinct

try:
    from scipy import linalg as SL
except ImportError:  # pragma: no cover
    SL = None

if SL is not None:
    spec(SL.cholesky, [Case(SL.cholesky, spd(3)), Case(SL.cholesky, spd(3), lower=True),
                       Case(SL.cholesky, spd(4), True)])
    spec(SL.det, [Case(SL.det, wellcond(3)), Case(SL.det, uni((2, 2)) + 2 * np.eye(2))])
    # (assume_a and lower are new in SciPy 1.16)
    spec(SL.inv, [Case(SL.inv, wellcond(3))]
         + ([Case(SL.inv, spd(3), assume_a="pos", lower=True)]
            if "assume_a" in inspect.signature(SL.inv).parameters else []))
    # (the vectors with driver='evd': the default 'evr' returns them with a sign that
    # flips between nearby matrices, so differences of a sign-dependent loss jump)
    spec(SL.eigh, [Case(SL.eigh, sym_distinct(3), driver="evd"), Case(SL.eigh, sym_distinct(3), lower=False, driver="evd"),
                   Case(SL.eigh, sym_distinct(4), eigvals_only=True),
                   Case(SL.eigh, sym_distinct(4), eigvals_only=True, subset_by_index=[1, 2])])
    spec(SL.eigvalsh, [Case(SL.eigvalsh, sym_distinct(3)),
                       Case(SL.eigvalsh, sym_distinct(4), lower=False, subset_by_index=[2, 3])])
    spec(SL.norm, [Case(SL.norm, uni((2, 3))), Case(SL.norm, uni((4,)), 3),
                   Case(SL.norm, distinct((2, 3)) + 0.05, 1), Case(SL.norm, uni((2, 3, 2)), None, (0, 2), True),
                   Case(SL.norm, uni((3, 3)) + np.diag([3.0, 2.0, 1.0]), 2, second=False),
                   Case(SL.norm, uni((2, 3)), "fro")])
    spec(SL.svd, [Case(SL.svd, uni((3, 3)) + np.diag([3.0, 2.0, 1.0])),
                  Case(SL.svd, uni((4, 2)) + np.eye(4, 2) * [3, 1], full_matrices=False),
                  Case(SL.svd, uni((4, 3)) + np.eye(4, 3) * [3, 2, 1], compute_uv=False)])
    spec(SL.svdvals, [Case(SL.svdvals, uni((3, 2)) + np.eye(3, 2) * [3, 1])])
    spec(SL.qr, [Case(SL.qr, wellcond(3)), Case(SL.qr, uni((4, 2)) + np.eye(4, 2) * 2, mode="economic"),
                 Case(SL.qr, uni((4, 3)) + np.eye(4, 3) * 2, mode="r")])
    spec(SL.lstsq, [Case(SL.lstsq, uni((4, 2)) + np.eye(4, 2) * 2, uni((4,))),
                    Case(SL.lstsq, uni((4, 2)) + np.eye(4, 2) * 2, uni((4, 3))),
                    Case(SL.lstsq, wellcond(3), uni((3,)))])
    spec(SL.pinv, [Case(SL.pinv, uni((4, 2)) + np.eye(4, 2)), Case(SL.pinv, uni((2, 3)) + np.eye(2, 3)),
                   Case(SL.pinv, wellcond(3), return_rank=True)])
    spec(SL.pinvh, [Case(SL.pinvh, sym_distinct(3)), Case(SL.pinvh, sym_distinct(3) - 2.5 * np.eye(3), lower=False)])
    spec(SL.lu, [Case(SL.lu, uni((3, 3))), Case(SL.lu, uni((3, 3)), permute_l=True),
                 Case(SL.lu, uni((4, 4)), p_indices=True)])
    spec(SL.eig, [Case(SL.eig, np.array([[1.0, -2.0, 0.3], [1.5, 0.5, 0.2], [0.1, 0.4, 3.0]]) + 0.1 * uni((3, 3))),
                  Case(SL.eig, sym_distinct(3) + 0.2 * uni((3, 3)), right=False)])
    spec(SL.eigvals, [Case(SL.eigvals, np.array([[1.0, -2.0, 0.3], [1.5, 0.5, 0.2], [0.1, 0.4, 3.0]])
                           + 0.1 * uni((3, 3)))])
    spec(SL.block_diag, [Case(SL.block_diag, uni((2, 2)), uni((3,)), uni(()), uni((2, 1)))])
    spec(SL.toeplitz, [Case(SL.toeplitz, uni((3,))), Case(SL.toeplitz, uni((3,)), uni((4,)))])
    spec(SL.hankel, [Case(SL.hankel, uni((3,))), Case(SL.hankel, uni((3,)), uni((4,)))])
    spec(SL.circulant, [Case(SL.circulant, uni((4,))), Case(SL.circulant, uni((2, 3)))])
    spec(SL.khatri_rao, [Case(SL.khatri_rao, uni((2, 3)), uni((4, 3)))])
    spec(SL.logm, [Case(SL.logm, spd(3)), Case(SL.logm, wellcond(2) + 1.0)])
    spec(SL.expm_frechet, [Case(SL.expm_frechet, uni((3, 3)), uni((3, 3))),
                           Case(SL.expm_frechet, uni((2, 2)), uni((2, 2)), compute_expm=False)])
    spec(SL.solve_continuous_lyapunov, [Case(SL.solve_continuous_lyapunov, -wellcond(3), uni((3, 3)))])
    spec(SL.solve_discrete_lyapunov, [Case(SL.solve_discrete_lyapunov, 0.3 * uni((3, 3)), uni((3, 3)))])

# np.linalg.trace, cond, tensorinv, tensorsolve (rules/linalg.py)
L = np.linalg
spec(L.trace, [Case(L.trace, uni((3, 3))), Case(L.trace, uni((2, 3, 4)), offset=1)])
spec(L.cond, [Case(L.cond, uni((3, 3)) + np.diag([3.0, 2.0, 1.0])), Case(L.cond, uni((3, 2)) + np.eye(3, 2) * [3, 1], -2),
              Case(L.cond, wellcond(3), "fro")])
spec(L.tensorinv, [Case(L.tensorinv, np.reshape(wellcond(6), (2, 3, 6))), Case(L.tensorinv, np.reshape(wellcond(4), (4, 2, 2)), 1)])
spec(L.tensorsolve, [Case(L.tensorsolve, np.reshape(wellcond(6), (2, 3, 6)), uni((2, 3))),
                     Case(L.tensorsolve, np.reshape(wellcond(4), (2, 2, 2, 2)), uni((2, 2)))])

if SL is not None:
    spec(SL.polar, [Case(SL.polar, wellcond(3)), Case(SL.polar, wellcond(3), "left")])
    spec(SL.orthogonal_procrustes, [Case(SL.orthogonal_procrustes, uni((4, 3)) + np.eye(4, 3) * [3, 2, 1], uni((4, 3)) + np.eye(4, 3))])
