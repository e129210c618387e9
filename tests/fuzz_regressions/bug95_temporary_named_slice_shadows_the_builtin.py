"""crash: a temporary of a slice read was named ``slice`` (session 8's names from
operations), shadowing the builtin the adjoint calls (``slice(0, 1, None)``):
'numpy.ndarray' object is not callable. Fixed in names.py: a fresh name is never a
builtin's name.

Found by tools/fuzz.py --orders 1,2 (seed 20261205, program 53; session 8), shrunk
by the fuzzer.
"""
import math
import numpy as np

def f(t):
    t = np.sum((1.5 + np.cos(t * np.linspace(1.0, 1.0, 1)))[0:1])
    x9 = t
    Ws11 = [0, 0, 0, 0]
    for W in Ws11:
        h10 = x9
    return h10

FUNC = 'f'
ARGS = (0.3,)
WRT = 't'
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
