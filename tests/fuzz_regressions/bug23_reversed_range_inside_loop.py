"""crash ('range_iterator' object is not reversible): `for i in reversed(range(2))` nested in another loop: the adjoint sweep calls
reversed() on the saved iterator of the inner loop and fails with TypeError.

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(t, s):
    for v in np.ones(2):
        for i in reversed(range(2)):
            t = t + s
    return t


FUNC = 'f'
ARGS = (0.3, 0.5)
WRT = (0, 1)
