"""refused a valid program: ``s40 = v31[0]`` (an item of a vector: a number),
then ``v31 *= s41`` with s40 read afterwards, then ``v31[0] += s40``. s40 may,
statically, share v31's array (a row of a matrix would), and s40 also shares
the array the subscript write changes, so the reverse transform might copy it,
which would hide the sharing from the check ``y *= v`` gets where it runs: the
program was refused outright. Now such a name is checked where it is made
(runtime.fresh_value: a value sharing its sources' memory is refused there)
and is a fresh value for the analyses; and an augmented assignment's old name
(a fresh array, never copied) no longer counts as one the reverse transform
may copy.

Found by tools/fuzz.py (seed 9009, program 918; shrunk).
"""
import math
import numpy as np

def f(y, s):
    v31 = np.sum(y[None, :], axis=0)
    v31 *= s
    s40 = v31[0]
    s41 = np.sin(s40)
    v31 *= s41
    v31[0] += s40
    return np.sum(v31 ** 2) + s40 * s41

FUNC = 'f'
ARGS = (np.array([0.31, -0.52, 0.77]), 0.4)
WRT = (0, 1)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
