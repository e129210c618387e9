"""refused valid code: A write into a local copy inside a branch inside a loop is refused: "'t' (read from
'v') is used across iterations of a loop that writes 'v' in place".

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(y):
    v = y.copy()
    for i in range(2):
        if np.sum(v) > 1.0:
            v[0] = 0.5 * v[1]
    return np.sum(v ** 2)


FUNC = 'f'
ARGS = (np.array([0.9, 0.5, 0.8]),)
WRT = 0
