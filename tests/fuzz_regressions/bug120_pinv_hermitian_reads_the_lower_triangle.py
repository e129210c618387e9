"""silently wrong value: ``np.linalg.pinv(A, hermitian=True)``: NumPy computes it with eigh, which reads
only the lower triangle of ``A``; the rule differentiated the full matrix
(the gradient was off by 0.8 for a symmetric A, and its upper triangle nonzero).

Found by review (issue 17, np.linalg on complex input); not by the fuzzer.
"""
import math
import numpy as np

def f(A):
    P = np.linalg.pinv(A, hermitian=True)
    return np.sum(P * P[::-1])

FUNC = 'f'
ARGS = (np.array([[1.2, 0.7, -0.1], [0.4, -0.9, 0.5], [-0.3, 0.6, 2.1]]),)
WRT = (0,)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
