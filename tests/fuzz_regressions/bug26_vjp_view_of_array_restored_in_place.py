"""wrong cotangent from f_vjp: `t = A[:, 0]` is a view of `A`, which is written
in place afterwards. The backward function copied `A` before restoring the
overwritten row into it (so that it can run again), so the view `t` that the
rule of `y * t` reads still showed the new row: dy was sum(y) instead of 1.
The forward now keeps a copy of `A` as it leaves it, and the backward refills
`A` in place from it.

Found by tools/fuzz.py (seed 404, program 228; shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(n, y, w):
    A = np.ones((1, 1))
    w = y * A[:, n % 1]
    A[0] = np.sum(w)
    return np.sum(w * w)


FUNC = 'f'
ARGS = (2, np.array([-0.49035091810733333, 0.9269017126453225]),
        np.array([-1.1496517824799681, 0.4928021133945055, -0.7827073404485372]))
WRT = ('w', 'y')
