"""crash (IndentationError in generated code): An assignment inside a branch whose result is never used is removed from the
generated code and leaves an `if` with an empty body: IndentationError from
codegen.compile_functions. Same with an `else:` or a `for` body.

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(x):
    if x[0] > 1.0:
        s = 0.5
    return np.sum(x)


FUNC = 'f'
ARGS = (np.array([0.9, -0.5, 0.8]),)
WRT = 0
