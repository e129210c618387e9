"""wrong gradient: A variable initialised to a constant and overwritten in a branch with a product
that reads it: the adjoint uses the overwritten value, dt = s3 * ... is wrong
(d/dt = -1; srcdiff gives -t). Also `v = 1.0; if ...: v = v * y`.

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(t):
    s = -1.0
    if t < 1.0:
        s = s * t
    return s


FUNC = 'f'
ARGS = (0.3,)
WRT = 0
