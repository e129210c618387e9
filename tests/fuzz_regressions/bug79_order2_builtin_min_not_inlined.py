"""refused at order two: builtin max/min (bug15's program): hvp and jvp(grad) raise
"a call of the user function min_ was not inlined; forward mode cannot follow it"
(issue 17 class 5, generated code that cannot be differentiated again; clip,
einsum and atleast_* too).

Found by tools/fuzz.py --orders 1,2 on the regression files (bug15, bug51).
"""
import math
import numpy as np

def f(x):
    return max(np.sum(x), 0.1) + min(x[0], 0.95)

FUNC = 'f'
ARGS = (np.array([0.9, -0.5, 0.8]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
