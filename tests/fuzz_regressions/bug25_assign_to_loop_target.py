"""crash (UnboundLocalError in generated code): Assigning to the loop variable of an enumerate loop (`v = s`): the generated
gradient reads v before it is bound (UnboundLocalError).

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(s):
    for i, v in enumerate(np.ones(2)):
        s = v * s
        v = s
    return s


FUNC = 'f'
ARGS = (0.3,)
WRT = 0
