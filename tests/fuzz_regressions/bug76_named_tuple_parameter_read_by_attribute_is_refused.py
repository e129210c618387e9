"""false refusal: a parameter packed in a named tuple ``Params(w, c)`` read as
``pn.w`` and ``pn.c``: "no derivative rule for attribute .c"; with other programs
(seed 5 program 25) ``zeros_like_value`` crashes building a Params (issue 17:
parameters packed in named tuples).

Found by tools/fuzz.py --focus packed-params (seed 5, programs 15, 21, 24-26, 34).
"""
import math
import numpy as np
from tools.fuzz_types import Params

def f(pn):
    return np.sum(np.sin(pn.w)) * pn.c

FUNC = 'f'
ARGS = (Params(w=np.array([0.3, -0.5, 0.8]), c=0.7),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
