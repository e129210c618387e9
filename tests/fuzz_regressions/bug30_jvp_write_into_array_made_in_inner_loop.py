"""crash in jvp (UnboundLocalError 'dr'): an array made anew in every
iteration of an inner loop (`r = ...`) and then written in place got a
"private copy" of its tangent before the inner loop, where that tangent does
not exist yet on the first iteration of the outer loop. An array the loop body
binds anew before anything writes into it needs no copy.

Found by tools/fuzz.py (seed 1001, program 935; simplified by hand).
"""
import math
import numpy as np


def f(x, B, b):
    for v in range(2):
        for s in x:
            r = np.mean(B, axis=0, keepdims=True) - s * b
            x = np.tanh(r[0])
            r[0, -2] = (b + s) ** 2
            x = x + r[0] * b
    return np.sum(x)


FUNC = 'f'
ARGS = (np.array([0.1, 0.2, 0.3]), np.array([[0.5, -0.2, 0.3], [0.1, 0.4, -0.6]]), 0.4)
WRT = (0, 1, 2)
