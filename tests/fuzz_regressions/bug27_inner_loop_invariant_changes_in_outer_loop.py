"""wrong gradient: `t = np.exp(A)` in an inner loop that does not change `A`
was treated as loop-invariant and never saved, but the outer loop changes `A`:
the adjoint of every outer iteration read the last iteration's `t` (exp's rule
reads its result). A value counts as invariant only if no enclosing loop
changes what it reads.

Found by tools/fuzz.py (seed 41, program 108, wrt A; shrunk, then simplified
by hand).
"""
import math
import numpy as np


def f(A, s):
    for i in range(2):
        L = []
        for j in range(2):
            t = np.exp(A) * s
            L.append(np.logaddexp(A, 0.3))
        A = t + L[0]
    return np.mean(A)


FUNC = 'f'
ARGS = (np.array([0.3, -0.5]), 0.7)
WRT = (0, 1)
