"""refused at order two: bug60's program (a tuple repeated with * and joined with
+=): hvp and jvp(grad) raise "no forward-mode derivative for a call of the local
value 'seq_add_vjp_fn'": the generated gradient calls a helper forward mode has no
rule for (issue 17 class 5, generated code differentiable again).

Found by tools/fuzz.py --orders 1,2 on the regression files (bug60).

Fixed on main by the time it was saved (passes at 8a36bce): kept as a regression.
"""
import math
import numpy as np

def f(w, B):
    L2 = (np.exp(-np.square(w)),) * 2
    L2 += (np.max(B, axis=1),)
    s1 = np.sum(L2[-1] * L2[0]) + np.sum(L2[-1])
    return s1 + np.sum(L2[1:][0] * w)

FUNC = 'f'
ARGS = (np.array([0.56, -0.4, 0.28]), np.array([[0.63, -0.92], [0.16, -1.03], [1.07, 0.71]]))
WRT = (0, 1)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
