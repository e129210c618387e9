"""crash in vjp (pop from empty list): srcdiff.vjp / value_and_grad of a function building an array from a list
comprehension over a scalar argument: IndexError: pop from empty list.

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(s, b):
    v = np.array([s for i in range(1)])
    u = v
    return np.sum(u) + b


FUNC = 'f'
ARGS = (0.3, 0.5)
WRT = (0, 1)
