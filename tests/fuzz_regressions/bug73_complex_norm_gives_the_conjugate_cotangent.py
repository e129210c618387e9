"""wrong value: ``np.linalg.norm(z)`` of a complex vector: the gradient is the
conjugate of JAX's ``dL/dRe(z) - 1j dL/dIm(z)`` (issue 17 class 6).

Found by tools/fuzz.py --focus complex, shrunk by hand.
"""
import math
import numpy as np

def f(z):
    return np.linalg.norm(z)

FUNC = 'f'
ARGS = (np.array([(0.3+0.2j), (-0.5+0.1j), (0.8-0.6j)]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
