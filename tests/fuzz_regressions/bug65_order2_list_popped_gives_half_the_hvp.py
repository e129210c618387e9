"""wrong value at order two: ``L = [A, A * 2.0]; v = L.pop(); return np.sum(v * A)``.
grad is right (4A); hvp, jvp(grad) and hessian give half of it (2v instead of 4v):
the tangent of the popped item is lost (issue 17 class 4, containers at order two).

Found by tools/fuzz.py --orders 1,2 on the regression files (bug29's program gives
a zero hvp; this is it shrunk by hand).
"""
import math
import numpy as np

def f(A):
    L = [A, A * 2.0]
    v = L.pop()
    return np.sum(v * A)

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
