"""wrong gradient: `y *= 2.0` on an ndarray mutates the object `z` also names; srcdiff desugars it to
`y = y * 2.0` so z keeps the old value: gradient 1 instead of 2 (no refusal either).

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(x):
    y = x * 1.0
    z = y
    y *= 2.0
    return np.sum(z)


FUNC = 'f'
ARGS = (np.array([0.9, -0.5, 0.8]),)
WRT = 0
ACCEPT_REFUSAL = True   # refused clearly: y is changed in place while z names the same array
