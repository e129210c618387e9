"""refused valid code: An early return inside a loop is refused ("'return' inside a loop is not supported
yet"); issue 3 lists early returns and loops among the supported constructs.

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(x):
    s = 0.0
    for i in range(3):
        s = s + np.sum(x) * i
        if s > 1.0:
            return s
    return s * 2.0


FUNC = 'f'
ARGS = (np.array([0.9, -0.5, 0.8]),)
WRT = 0
