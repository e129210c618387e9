"""crash in jvp (UnboundLocalError 'dv'): like bug30, but the array is made
anew after an `if ...: break` at the top of the inner loop's body (the rest
of the body becomes that if's else branch), so the check "bound anew before
anything writes into it" has to look into branches that go on.

Found by tools/fuzz.py (seed 2001, program 1608; simplified by hand).
"""
import math
import numpy as np


def f(A):
    for i1 in range(2):
        for i4 in range(2):
            if np.sum(A) > 100.0:
                break
            v5 = A * 2.0
            A = v5 - 1.0
            v5[0] = 1.0
            A = A * v5
    return np.sum(A)


FUNC = 'f'
ARGS = (np.array([[0.3, -0.2], [0.5, 0.1]]),)
WRT = 0
