"""wrong gradient: `c = A[:, 0]` is a view of `A`, which a branch then writes
in place. The adjoint undid the branch by rebinding `A` to the copy saved
before it, so the view (read by outer's rule) still showed the new row. Arrays
a block only writes in place now get their old contents back in place
(runtime.restore_contents).

Found by tools/fuzz.py (seed 2001, program 1525; shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(y):
    A = np.stack([y, y, y, y])
    B = np.outer(A[:, 0], y)
    if y[1] > -5.0:
        A[0] += y
    return np.mean(B)


FUNC = 'f'
ARGS = (np.array([0.24, -0.12, 0.79, -0.58, 0.19]),)
WRT = 0
