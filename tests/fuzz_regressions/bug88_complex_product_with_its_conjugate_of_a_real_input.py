"""wrong structure: ``q = z * w`` (z complex, w real), ``v = (q * np.conj(q)).real``:
the gradient w.r.t. the real w comes back complex128 (the same class as bug72,
through conj and .real) (issue 17 class 6).

Found by tools/fuzz.py --focus complex (seed 7002, programs 2, 13, 39, 41, 42),
shrunk by hand.
"""
import math
import numpy as np

def f(w, z):
    q = z * w
    v = (q * np.conj(q)).real
    return np.sum(v ** 2)

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8, 0.1]), np.array([(0.3+0.1j), (-0.5+0.2j), (0.8-0.3j), (0.1+0.4j)]))
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
