"""refused valid code (wrong message): A nested def inside a loop body is refused as "'return' inside a loop is not
supported yet" -- the return belongs to the nested function.

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(x):
    s = 0.0
    for i in range(2):
        def g(z):
            return z * 2.0
        s = s + np.sum(g(x))
    return s


FUNC = 'f'
ARGS = (np.array([0.9, -0.5, 0.8]),)
WRT = 0
