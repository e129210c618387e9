"""refused: 's29' (which may share memory with 'w27') is used after 'w27' is
written in place. ``s29 = min(w27[-1 - i28], ...)`` (a number: w27 is a vector)
was checked where the loop writes w27, but after the loop, where w27 is a new
array, the reverse transform's analysis (liveness.points_to, which joins the
path of a loop run no times with the values of its last iteration) said s29
might still share it and copied s29, which would hide it from the check. Fixed
in inline.py (_check_reads_after_writes): a checked name is checked at every
write where points_to says it may share too.

Found by tools/fuzz.py --orders 1,2 (seed 2026120604, program 932; session 12),
shrunk by hand.
"""
import math
import numpy as np

def f(x, c):
    w27 = (c * np.sqrt(np.square(c * np.ones(3)) + 0.5) + x[:3]).copy()
    for i28 in range(2):
        s29 = min(w27[-1 - i28], np.log1p(c ** 2))
        w27[-1 - i28] += np.log1p(np.sum(x) ** 2)
        s30 = np.sin(s29)
        w27 = np.sin(w27 * s30)
    w27[-1] = np.clip(c, -0.73, 0.88)
    return np.mean(w27) + s30

FUNC = 'f'
ARGS = (np.array([0.47866975489282204, 0.5340050254260766, -0.8926212579398761, -0.836406908694743]), -0.927152855461358)
WRT = (0, 1)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
