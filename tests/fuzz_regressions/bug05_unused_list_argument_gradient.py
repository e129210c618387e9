"""wrong gradient structure: The gradient for a list argument the function does not use is an ndarray of shape
(len, n) (np.zeros_like of the list) instead of a list of zero arrays; for a dict
argument it is an ndarray too.

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(x, xs, p):
    return np.sum(x)


FUNC = 'f'
ARGS = (np.array([0.9, -0.5, 0.8]), [np.array([0.9, -0.5, 0.8]), np.array([0.9, -0.5, 0.8])], {'w': np.array([0.9, -0.5, 0.8]), 'b': 0.5})
WRT = (0, 1, 2)
