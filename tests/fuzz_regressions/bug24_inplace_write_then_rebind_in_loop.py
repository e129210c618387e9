"""crash ('ShapeOf' object does not support item assignment): `B[0, :] *= 2.0` and later `B = A.copy()` inside a loop: the generated adjoint
writes into a ShapeOf placeholder (TypeError: 'ShapeOf' object does not support
item assignment).

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(A):
    B = A * A
    B[0, :] *= 2.0
    for i in range(1):
        B = A.copy()
    return np.sum(B)


FUNC = 'f'
ARGS = (np.array([[0.1, -0.4, 0.7], [0.5, 0.2, -0.9]]),)
WRT = 0
