"""wrong value at order two: a parameter packed in a tuple ``pt = (w, c)``; grad is
right, but hvp and jvp(grad) give 0 for the array item (only the float item is
right) (issue 17 class 4, tuple inputs at order two).

Found by tools/fuzz.py --focus packed-params --orders 1,2 (seed 5, program 27 had
the order-one symptom too), shrunk by hand.

Fixed on main by the time it was saved (passes at 8a36bce): kept as a regression.
"""
import math
import numpy as np

def f(pt):
    return np.sum(np.sin(pt[0])) * pt[1]

FUNC = 'f'
ARGS = ((np.array([0.3, -0.5, 0.8]), 0.7),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
