"""crash: ``U, S, Vt = np.linalg.svd(A, full_matrices=False)`` then S and U * S @ Vt
used: TypeError "SVDResult.__new__() missing 2 required positional arguments" in
runtime.zeros_like_value (eigh, slogdet and qr results unpacked crash the same
way) (issue 17 class 8, named-tuple results).

Found by tools/fuzz.py --focus linalg-results, shrunk by hand.
"""
import math
import numpy as np

def f(A):
    U, S, Vt = np.linalg.svd(A, full_matrices=False)
    return np.sum(S ** 2) + np.sum((U * S) @ Vt)

FUNC = 'f'
ARGS = (np.array([[0.3, -0.5, 0.8], [0.1, 0.9, -0.4]]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
