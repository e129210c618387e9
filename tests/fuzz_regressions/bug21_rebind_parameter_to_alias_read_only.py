"""crash (output array is read-only): `v = x`, then `x = v` in a branch that is not taken.

The generated gradient writes into a read-only array
(ValueError: output array is read-only).

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(x, flag):
    v = x
    if flag:
        x = v
    return np.sum(x)


FUNC = 'f'
ARGS = (np.array([0.5, 1.0]), False)
WRT = 0
