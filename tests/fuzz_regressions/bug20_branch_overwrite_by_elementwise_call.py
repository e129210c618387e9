"""wrong gradient: `s = np.square(s)` inside an if (or `t = t * t` in a for ... else): the adjoint uses
the new value of s, d/ds = 2 * s**2 instead of 2 * s.

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(s, t, flag):
    if flag:
        s = np.square(s)
    for i in range(1):
        pass
    else:
        t = t * t
    return s + t


FUNC = 'f'
ARGS = (0.45, 1.3, True)
WRT = (0, 1)
