"""wrong value: value_and_grad returns None as the value of any function with more than one
return statement.

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(t):
    if t > 1.0:
        return t
    return 2.0 * t


FUNC = 'f'
ARGS = (0.3,)
WRT = 0
