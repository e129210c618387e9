"""crash: a named-tuple parameter ``pn = Params(w, c)`` read by index (``pn[0]``):
vjp raises "Params.__new__() missing 1 required positional argument: 'c'" in
runtime.zeros_like_value (issue 17 class 8 for named-tuple parameters).

Found by tools/fuzz.py --focus packed-params (seed 5, program 25), shrunk by the
fuzzer.
"""
import math
import numpy as np
from tools.fuzz_types import Params

def f(pn, B):
    q = pn[0]
    return np.sum(np.sin(q)) + np.sum(B ** 2)

FUNC = 'f'
ARGS = (Params(w=np.array([0.3, -0.5, 0.8]), c=-1.07), np.array([[0.76, -0.77], [0.83, 0.6]]))
WRT = 'B'
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
