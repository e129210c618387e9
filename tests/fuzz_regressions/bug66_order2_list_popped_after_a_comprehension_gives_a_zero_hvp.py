"""wrong value at order two, silently zero: bug29's program (a list comprehension
over L, then L.pop()): f = 6 * sum(A ** 2), grad right, but hvp, jvp(grad) and
hessian are 0 (issue 17 class 4, containers at order two).

Found by tools/fuzz.py --orders 1,2 re-checking tests/fuzz_regressions/bug29 at
order two.
"""
import math
import numpy as np

def f(A):
    L = [1.0, A, A * 2.0]
    v2 = [v1 * 3.0 for v1 in L]
    v3 = L.pop()
    return np.sum(v3 * v2[1])

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
