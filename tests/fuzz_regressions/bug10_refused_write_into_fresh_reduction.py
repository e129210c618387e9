"""refused valid code: `r = np.sum(A, axis=0, keepdims=True)` (or np.clip(A, ...)) is a new array, yet writing
r[0, 0] is refused: "'r' is written in place but may share memory with A".

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(A, y):
    r = np.sum(A, axis=0, keepdims=True)
    r[0, 0] = y
    c = np.clip(A, -0.95, 0.95)
    c[1, 1] = y
    return np.sum(r ** 2) + np.sum(c ** 2)


FUNC = 'f'
ARGS = (np.array([[0.1, -0.4, 0.7], [0.5, 0.2, -0.9]]), 0.3)
WRT = (0, 1)
