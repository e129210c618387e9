"""refused valid code (misleading message): `r[0][1] = y` on a local array is refused as "assignment into an attribute's
element (obj.a[i] = v) mutates an object that outlives the call" -- there is no
attribute and r is local.

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(A, y):
    r = A * 1.0
    r[0][1] = y
    return np.sum(r ** 2)


FUNC = 'f'
ARGS = (np.array([[0.1, -0.4, 0.7], [0.5, 0.2, -0.9]]), 0.3)
WRT = (0, 1)
