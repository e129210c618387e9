"""crash: ``q = 1j * x; v = np.imag(q); return np.mean(x) + np.mean(v)`` (x real):
grad raises UFuncTypeError "Cannot cast ufunc 'add' output from dtype('complex128')
to dtype('float64')": the complex cotangent that comes back through np.imag and
1j * x is added in place into x's real cotangent (the same class as bug72: a real
input must get a real cotangent) (issue 17 class 6).

Found by tools/fuzz.py --focus complex (seed 7002, programs 38, 57), shrunk by the
fuzzer.
"""
import math
import numpy as np

def f(x):
    q = 1j * x
    v = np.imag(q)
    return np.mean(x) + np.mean(v)

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8, 0.1]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
