"""crash at order two: bug06's program (``w[i] = sum(np.sum(v) for v in xs)`` in a
loop, xs a list parameter): hvp and jvp(grad) raise ValueError in
runtime.broadcast_like "(2,3) and requested shape (4,3)" (issue 17 class 4, lists
at order two).

Found by tools/fuzz.py --orders 1,2 on the regression files (bug06).

Fixed on main by the time it was saved (passes at 8a36bce): kept as a regression.
"""
import math
import numpy as np

def f(xs):
    w = np.zeros(2)
    for i in range(2):
        w[i] = sum(np.sum(v) for v in xs)
    return np.sum(w)

FUNC = 'f'
ARGS = ([np.array([0.9, -0.5, 0.8]), np.array([0.9, -0.5, 0.8])],)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
