"""refused a valid program: ``s13 = min(v4[4 - n], ...)``, then ``v4[3:4] = ...``,
then s13 used. An item of a 1-d array is a number, of a 2-d one a row view, so
statically s13 may share v4's memory. Now checked where the write runs
(runtime.unshared_at_write): a value that really shares it is refused there.

Found by tools/fuzz.py (seed 6003, program 960; shrunk by hand, the shrinker
turned the item into the whole array, a real alias).
"""
import math
import numpy as np

def f(xs, n):
    v4 = np.empty(5)
    for i5 in range(5):
        v4[i5] = np.tanh(xs[0][i5])
    s13 = min(v4[4 - n], np.arctan(xs[1])[-1 - n])
    v4[3:4] = np.sqrt(np.square(v4) + 0.5).sum()
    return np.sum(np.sin(s13 + v4)) + s13 ** 2

FUNC = 'f'
ARGS = ([np.array([-0.8271564647530765, 0.6209690887054062, -0.8816559174107073, 0.13272596949924687, -0.10328090630177122]), np.array([-0.676613243448427, 0.9912973906490559, 0.8440548607470297, -0.12187503534565036, -0.6715831481712998]), np.array([0.04986809023875294, -0.49573195311387763, -1.0149568402993645, 0.4768297888458386, 0.35045435963745497])], 2)
WRT = 'xs'

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
