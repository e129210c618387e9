"""crash (jvp, AttributeError inside srcdiff): a call of a helper with a
keyword argument on constants (``h2(0.5, scale=1.0)``), not inlined, in a
loop. Forward mode read the call's keywords as a list of ast keywords; they
are a dict of name -> value.

Found by tools/fuzz.py (seed 6001, program 775; shrunk).
"""
import math
import numpy as np

def h2(a3, scale=1.0):
    return scale

def f(p):
    L5 = [p, 0.5, 0.5]
    A6 = (0, 0)
    w25 = L5
    for v30 in A6:
        w25 = h2(0.5, scale=1.0)
    return w25

FUNC = 'f'
ARGS = ({'w': np.array([0.9869937995789353, -0.7748675335842858, 0.8182159085544105]), 'b': 1.1555733950711182},)
WRT = 'p'
