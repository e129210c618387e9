"""wrong gradient (introduced in dfd787c, the bug55 fix): h2(B, W1) binds the
helper's parameter a4 to the global W1 and re-assigns a4; the nested def g6
reads the global W1. Renaming the keys of the call's ssa_env (names as written
-> their versions at the call) turned "a4 -> a4_1" into "W1 -> a4_1", so g6's
W1 read the list a4 had become. A renamed key whose version is another name
is left out: a name a nested function reads is never versioned.

Found by tools/fuzz.py (seed 9003, program 738; shrunk).
"""
import math
import numpy as np

G0 = 1.0
W1 = 0.5

def h2(a3, a4):
    a4 = [G0 > a4 for i5 in range(1)]

    def g6(z7, z8):
        return np.outer(z8, W1)
    return g6(a3, a3)

def f(B):
    A22 = h2(B, W1)
    return np.sum(A22)

FUNC = 'f'
ARGS = (np.array([[0.364016713867501, 0.047487102988438945, 1.1091135177631901], [0.6606493248897081, 1.1516996043162548, -0.05256202454085401]]),)
WRT = (0,)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
