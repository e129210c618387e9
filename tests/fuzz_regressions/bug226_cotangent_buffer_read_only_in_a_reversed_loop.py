"""crash: grad: ValueError in srcdiff/runtime.py:add_at: output array is read-only.
In the reversed loop, the cotangent buffer dA is rebound at the end of each
iteration to a read-only broadcast (expand_reduced of a keepdims sum), and the
next iteration's add_at wrote into it: the reverse transform's ownership of
the buffer did not follow the loop. add_at adds on a copy of a read-only array
now; the ownership analysis itself is left as it is (open).

Found by tools/fuzz.py --orders 1,2 (seed 14002, program 598 of 1,000;
session 14), shrunk.
"""
import math
import numpy as np

def f(A):
    A6 = np.empty((2, 1))
    for i7 in range(2):
        A = np.sum(A, axis=1, keepdims=True)
        A6[i7, :] = A[0]
    A = A6
    A13 = A
    return np.sum(A13)

FUNC = 'f'
ARGS = (np.array([[-0.21354629284806026, 0.4522559937364439, 0.24800096419252204, 1.1029846774179861, 0.03932608796649362], [-1.1816925525442208, -0.6867263917101364, -0.39791813051263303, -0.679192640721572, -1.0901581919725964], [-0.03719685440593601, 0.7419865151982503, 0.7849526946929677, 0.8713582258449735, 0.6406398041859227], [-1.0286344556280866, -0.358859734474568, 0.7525068536514345, 0.5911642362662188, -0.9405267877095354]]),)
WRT = (0,)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
