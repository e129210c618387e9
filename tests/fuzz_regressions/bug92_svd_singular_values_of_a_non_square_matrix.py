"""silently wrong value: ``w = np.linalg.svd(A, compute_uv=False); v = A; return
np.sum(v) + np.sum(w)`` (wrt=(0,)):
the svd rule's cotangent has shape (5,), not A's (4, 5) (issue 17 class 1, alone
it is a wrong shape); added to np.sum's cotangent it broadcasts into a gradient
of the right shape and wrong values.

Found by tools/fuzz.py --focus linalg-results (seed 7007, programs 11 and 21) and
--focus loop-temporary (seed 7006, program 28), shrunk by the fuzzer.
"""
import math
import numpy as np

def f(A):
    w = np.linalg.svd(A, compute_uv=False)
    v = A
    return np.sum(v) + np.sum(w)

FUNC = 'f'
ARGS = (np.array([[-0.24271293062084243, -0.8241120245331781, 0.3495590728318114, -0.5302112766818917, 0.16468915797344819], [-1.1392831328663278, 0.42146014576226865, -0.0007130039542553313, 0.2721429795659871, -0.8058156685061759], [0.9700694331118942, 0.9898497285662653, 0.6678939822613028, 0.47239506508955587, -0.7451855582732143], [0.4867250606510478, -0.771077430663599, 0.02374435057741975, -0.13594610043646616, -0.2735480383504123]]),)
WRT = (0,)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
