"""false refusal: ``res = np.linalg.eigh(G); res.eigenvalues`` raises "no derivative
rule for attribute .eigenvalues" (also ``.S``/``.U``/``.Vh`` of svd, ``.Q``/``.R``
of qr, ``.logabsdet`` of slogdet). NumPy 2's named-tuple results are read by
attribute in real code (issue 17 class 8, named-tuple results).

Found by tools/fuzz.py --focus linalg-results (seed 5, programs 1 and 17).
"""
import math
import numpy as np

def f(A):
    G = A @ A.T + np.eye(2)
    res = np.linalg.eigh(G)
    return np.sum(res.eigenvalues ** 2)

FUNC = 'f'
ARGS = (np.array([[0.3, -0.5, 0.8], [0.1, 0.9, -0.4]]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
