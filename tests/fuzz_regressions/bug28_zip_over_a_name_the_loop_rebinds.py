"""wrong value and gradient: `for s, v in zip(A, A)` was lowered to an index
loop reading `A[k]`, but the loop body rebinds `A`; zip holds the sequences it
was given, so later iterations must still read the original `A`. Names the
loop rebinds are now read through a snapshot taken before the loop (also for
enumerate).

Found by tools/fuzz.py (seed 1001, program 533; shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(A):
    A6 = np.copy(A)
    for s10, v9 in zip(A, A):
        A = np.ones((2, 5))
        A6[:, 0] = np.dot(A6, v9) * s10[1]
    for i, row in enumerate(A6):
        A6 = A6 * 0.5
        A6[i, 1] = np.sum(row ** 2)
    return np.sum(A6)


FUNC = 'f'
ARGS = (np.array([[-0.86, -0.12, 0.25, 0.73, 0.90], [0.16, 0.62, 0.48, 0.39, 0.05]]),)
WRT = 0
