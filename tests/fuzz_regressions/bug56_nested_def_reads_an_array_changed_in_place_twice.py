"""refused a valid program: ``A1 /= 1.5; A1 += A1; A1[0, n] = 1.0`` with a
nested ``def g9`` (not inlined: its call is not differentiated) reading ``A1``.
Straight-line code gives each re-assigned name a new version (``A1_1 = A1 /
1.5``), but a closure reads its free names when it runs, under the name as
written: the def kept reading the first version ``A1``, which the alias checks
then saw as a live name for the array changed in place (and which the
generated code really read: a stale value, silently, where no write refused
it). A name a nested function or lambda reads is now never versioned, and a
call of a nested function (or a statement handing it on) counts as reading
the names it reads.

Found by tools/fuzz.py (seed 7002, program 943; shrunk).
"""
import math
import numpy as np

def f(t, n):
    A1 = np.ones((1, 3))
    A1 /= 1.5
    A1 += A1
    A1[n % 1, n] = 1.0
    w7 = 0

    def g9(z10, z11):
        A12 = A1
        return np.sum(A12) + z11
    r21 = g9(0, np.mean(A1))
    return w7 + t * r21

FUNC = 'f'
ARGS = (0.5628390832423207, 2)
WRT = 't'

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
