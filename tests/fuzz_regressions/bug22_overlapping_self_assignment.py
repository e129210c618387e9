"""wrong gradient (zeros): `w[::-1] = w` (NumPy copies the overlapping right-hand side first): the gradient
is all zeros instead of [3, 2, 1].

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(x):
    w = x * 1.0
    w[::-1] = w
    return np.sum(w * np.array([1.0, 2.0, 3.0]))


FUNC = 'f'
ARGS = (np.array([0.3, -0.7, 1.1]),)
WRT = 0
