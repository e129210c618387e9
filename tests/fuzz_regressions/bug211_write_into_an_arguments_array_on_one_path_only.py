"""false refusal: "'v19' is written in place but may share memory with v19" (the
version of v19 the conditional expression is computed into, shown under the
user's name). ``v19`` is a new array on one path and the argument's ``pn.w`` on
the other, then written in place: whether the write goes into the caller's array
depends on the path, so it is now checked where the write runs
(runtime.owned_value, inserted by inline.protect_writes before the writes of a
name bound where the only origins that are not the function's own are parts of
parameters the function never changes); here the new array's path is taken and
the program is differentiated. A static refusal names the foreign origin (``G``, ``L[0]``)
instead of a version of the written name.

Found by tools/fuzz.py --programs 60 --seed 90909 --orders 1,2 (program 42),
shrunk by the fuzzer.
"""
import math
import numpy as np
from tools.fuzz_types import Layer, Params

def f(B, pn):
    A18 = np.outer(B, pn.w)
    v19 = np.square(pn.w) if A18[0][3] > 0.03 else pn.w
    v19[0] = pn.c
    A34 = B
    return np.sum(A34) + np.sum(v19 * pn.w)

FUNC = 'f'
ARGS = (np.array([[-0.4494110946861093, -0.050286565122644955, -0.4822647625064783, -0.5890293668816855], [0.782763585716435, -0.3034307863337268, 0.6897875605249377, -0.9385006937832036], [0.7907475629614888, 0.6922581946779389, 0.5207315930390268, -0.35144650816373557]]), Params(w=np.array([0.18228055208833682, 0.5264367019495717, 1.154876081458833, -0.7321572515370729]), c=-0.6208456220776368))
WRT = (0, 1)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
