"""crash at order two: ``s2 = v0[0]; v0[0:1] = s; return s2 + np.sum(w ** 2)``;
grad, hvp and jvp(grad) are right, ``jacobian(grad(f))`` raises AttributeError
"'Name' object has no attribute 'elts'" in reverse.py (block): reverse mode of the
generated gradient (a tuple assignment it restores?) crashes.

Found by tools/fuzz.py --orders 1,2 (seed 7001, program 2; also 111, 118),
shrunk by the fuzzer and by hand.
"""
import math
import numpy as np

def f(w, s):
    v0 = np.zeros(1)
    s2 = v0[0]
    v0[0:1] = s
    return s2 + np.sum(w ** 2)

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8]), 0.4)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
