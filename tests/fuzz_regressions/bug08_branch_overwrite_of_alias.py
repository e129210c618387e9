"""wrong gradient: `a = w` then, in a branch, `a = w * a`: the adjoint reads the new a (w*w) instead of
the old one (w), so dw = w*w + w instead of 2w.

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(w, flag):
    a = w
    if flag:
        a = w * a
    return np.sum(a)


FUNC = 'f'
ARGS = (np.array([0.9, -0.5, 0.8]), True)
WRT = 0
