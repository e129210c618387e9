"""silently wrong value at order two (hvp, jvp(grad(f)) gave 0.26 where central
differences give -0.52): ``A2`` is a 4x3 matrix of rank two for every input
(``linspace(...).reshape(4, 3)`` is rank two and adding a row-constant term keeps
it so), so its third singular value is zero up to rounding (1e-16). The gradient
of ``np.sum(S4)`` is ``U @ Vh``; its tangent needs the tangent of the singular
vectors, which np.linalg.svd's jvp rule computes with
``(dA @ v - u @ (uh @ dA @ v)) / s``: 0/0 rounding noise for that singular value,
returned as an O(1) number. Singular vectors have no derivative at a zero singular
value of a non-square matrix (they are not unique) nor at repeated singular
values. Fixed in rules/support.py (svd_vectors_check, used by rules/linalg.py):
svd's jvp rule and its vjp rule (when a cotangent of U or Vh is non-zero) refuse
those points with a SrcdiffError naming the user's line (np.linalg.matrix_rank's
tolerance), so forward mode and order two are refused here, never wrong; the
order-one gradient (only S's cotangent) is unchanged.

Found by tools/fuzz.py --orders 1,2 (seed 2026120602, program 312), shrunk by hand.
"""
import math
import numpy as np

def f(B, x):
    A2 = 0.417 * np.minimum(np.log(1.0 + np.square(0.5 * np.ones((4, 1)))), B[1] - x[None, :]) + np.linspace(0.0, 1.0, 12).reshape(4, 3)
    U3, S4, Vt5 = np.linalg.svd(A2, full_matrices=False)
    return np.sum(S4)

FUNC = 'f'
ARGS = (np.array([[0.940409588866501, -0.0202817629134191, -0.8226406111275186], [0.8263527931890493, -0.11718206907186901, 0.6607330869363797], [-0.2731413574432475, 0.7083344457605603, -0.2501548125078984], [-0.31339285071119194, -1.1072740139941941, 0.31584995400123006]]), np.array([-0.5650898715049866, -0.4517383821713403, 0.952843597367399]))
WRT = (0, 1)
ORDERS = (1, 2)
ACCEPT_REFUSAL = True

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
