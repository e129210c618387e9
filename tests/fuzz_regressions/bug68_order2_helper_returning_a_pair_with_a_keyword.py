"""wrong value at order two: ``u, v = h(x, scale=3.0)`` with ``h`` returning a pair;
grad right, hvp/jvp(grad)/hessian wrong (about 2/3 of the right value) (issue 17
class 4, helpers returning pairs at order two).

Found by tools/fuzz.py --focus tuple-helpers --orders 1,2, shrunk by hand.

Fixed on main by the time it was saved (passes at 8a36bce): kept as a regression.
"""
import math
import numpy as np

def h(a, scale=0.5):
    return np.sin(a) * scale, a ** 2

def f(x):
    u, v = h(x, scale=3.0)
    return np.sum(u * v)

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
