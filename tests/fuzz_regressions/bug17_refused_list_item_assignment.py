"""refused valid code: `L[0] = v` replaces a list element; it writes into no array, yet srcdiff refuses
"'v' (read from 'L') is used after 'L' is written in place".

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(A):
    L = []
    for i in range(2):
        L.append(A * 1.0)
    v = L.pop()
    L[0] = v
    return np.sum(v) + np.sum(L[0] ** 2)


FUNC = 'f'
ARGS = (np.array([[0.1, -0.4, 0.7], [0.5, 0.2, -0.9]]),)
WRT = 0
