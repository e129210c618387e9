"""wrong value and gradient: the lambda reads s5, which is assigned again after
the lambda is made, and is called on constants, so the call is not inlined
(bug41 fixed only inlined calls) and the generated code calls the lambda
itself. Normalize had given the straight-line re-assignment of s5 a new SSA
version (s5_1 = 1.0 + s5), so the lambda, binding late like Python, read the
stale s5 (1.0, not 2.0). Names that nested defs and lambdas read are no longer
versioned.

Found by tools/fuzz.py (seed 7002, program 712; shrunk).
"""
import math
import numpy as np

def f(xs):
    s5 = 1.0
    g11 = lambda z12: s5
    s5 = 1.0 + s5
    s5 /= g11(0)
    return s5 * np.sum(xs)

FUNC = 'f'
ARGS = (np.array([-1.110295592807019, 0.10592359678989616, 0.5196492904273649]),)
WRT = (0,)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
