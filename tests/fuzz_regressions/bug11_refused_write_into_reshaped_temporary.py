"""refused valid code: `r = np.linspace(...).reshape(2, 3)` has no other name, yet `r[0, 0] = y` is refused
("may share memory with r_1"); same for a fresh value unpacked from a tuple
(`w1, b = (2.0 * x, x)`) and for `v = fresh if c else fresh`.

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(x, y):
    r = np.linspace(0.1, 0.9, 6).reshape(2, 3)
    r[0, 0] = y
    w1, b = (2.0 * x, x)
    w1[0] = y
    return np.sum(r ** 2) + np.sum(w1 * b)


FUNC = 'f'
ARGS = (np.array([0.9, -0.5, 0.8]), 0.3)
WRT = (0, 1)
