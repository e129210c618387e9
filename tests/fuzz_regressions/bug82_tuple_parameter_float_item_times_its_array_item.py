"""wrong structure: ``pt = (w, c)`` a parameter packed in a tuple, ``np.mean(pt[1] *
pt[0])``: the cotangent of the float item c comes back with w's shape (4,), not
summed to a float (the same product of two separate parameters is right) (issue
17: parameters packed in tuples).

Found by tools/fuzz.py --focus packed-params (seed 5, program 14: through a
helper returning a pair), shrunk by hand.
"""
import math
import numpy as np

def f(pt):
    return np.mean(pt[1] * pt[0])

FUNC = 'f'
ARGS = ((np.array([0.3, -0.5, 0.8, 0.1]), 0.7),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
