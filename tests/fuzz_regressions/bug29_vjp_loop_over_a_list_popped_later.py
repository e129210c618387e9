"""crash in f_vjp (IndexError in add_at): a loop over the list `L` iterated
`L` itself, which `L.pop()` shrinks afterwards. The backward function works
on a copy of `L` (so it can run again) and restores the popped item into the
copy, so the loop's sequence stayed short. Loops over a list now iterate a
copy of it taken where the loop starts (runtime.as_sequence).

Found by tools/fuzz.py (seed 1001, program 547; shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(A):
    L = [1.0, A, A * 2.0]
    v2 = [v1 * 3.0 for v1 in L]
    v3 = L.pop()
    A4 = v2
    if A.shape[0] > 1:
        A4 = v3 * v2[1]
    return np.sum(A4)


FUNC = 'f'
ARGS = (np.array([[-0.08, 0.72, -0.88], [-0.62, 0.85, 0.37]]),)
WRT = 0
