"""refused a valid program: ``A14 = h1(...).reshape(2, 4); A14[:, 0] = 0.2``.
A helper call was inlined (so that the alias checks see the fresh array it
returns) only when its own result was written in place, not a view of it.
Names whose views or items are written now count as written.

Found by tools/fuzz.py (seed 5006, program 672; shrunk).
"""
import math
import numpy as np

def h1(a2, a3, scale=1.0):
    return np.outer(a3, np.ones(4))

def f(t):
    A14 = h1(0.5, np.linspace(1.0, 1.0, 2)).reshape(2, 4)
    A14[:, 0] = 0.2
    v19 = A14
    return np.sum(v19)

FUNC = 'f'
ARGS = (np.float64(-0.2034672526060345),)
WRT = (0,)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
