"""wrong structure at order two: with wrt=(0,) srcdiff.grad returns a 1-tuple, but
hvp(f, wrt=(0,))(x, v) and jvp(grad(f, wrt=(0,)), ...) return a bare array (both
the primal output and the tangent), so the two disagree about the gradient's
structure (issue 17 class 10, a 1-tuple wrt). The numbers themselves are right.

Found by tools/fuzz.py --orders 1,2 (the first order-two run: most programs whose
wrt is a 1-tuple; also every 1-tuple regression file, e.g. bug33, bug35, bug48).

Fixed on main by the time it was saved (passes at 8a36bce): kept as a regression.
"""
import math
import numpy as np

def f(x):
    return np.sum(np.sin(x) ** 3)

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8]),)
WRT = (0,)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
