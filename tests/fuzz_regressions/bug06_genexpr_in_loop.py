"""crash (pop from empty list): A generator expression inside a loop body: the generated gradient pops a stack that
was never pushed (IndexError: pop from empty list).

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(xs):
    w = np.zeros(2)
    for i in range(2):
        w[i] = sum(np.sum(v) for v in xs)
    return np.sum(w)


FUNC = 'f'
ARGS = ([np.array([0.9, -0.5, 0.8]), np.array([0.9, -0.5, 0.8])],)
WRT = 0
