"""silently wrong value: ``np.linalg.svd(A, hermitian=True)`` (and ``compute_uv=False``): NumPy computes
it with eigh, which reads only the lower triangle of ``A``; the rules
differentiated the full matrix (gradients off by 30 for a symmetric A).

Found by review (issue 17, np.linalg on complex input); not by the fuzzer.
"""
import math
import numpy as np

def f(A):
    u, s, vh = np.linalg.svd(A, hermitian=True)
    return np.sum(s ** 3) + np.sum(u[0] * vh[:, 1]) + np.sum(np.linalg.svd(A, compute_uv=False, hermitian=True))

FUNC = 'f'
ARGS = (np.array([[1.2, 0.7, -0.1], [0.4, -0.9, 0.5], [-0.3, 0.6, 2.1]]),)
WRT = (0,)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
