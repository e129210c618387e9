"""jvp refuses builtins.max/min: `python -m srcdiff rules` lists builtins.max and builtins.min with a vjp rule only,
so jvp of a function using max(a, b) raises "builtins.max has no forward-mode rule".

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(x):
    return max(np.sum(x), 0.1) + min(x[0], 0.95)


FUNC = 'f'
ARGS = (np.array([0.9, -0.5, 0.8]),)
WRT = 0
