"""order2: hvp wrt w, jvp(grad) wrt w, and "jvp(grad) primal output is not the
gradient". svd's singular values (a field of its result) written in a branch:
the gradient's code refills them after the adjoint,
``w7_3 = restore_contents(w7_1, saved)``, and nothing reads w7_3. Differentiated
again, optimize.dead_code took the call for a pure value (it has rules) and
dropped it, so svd's adjoint read the halved values. Calls that change their
first argument in place (runtime.WRITES_FIRST_ARGUMENT) are effects now.

Found by tools/fuzz.py --orders 1,2 (seed 13001, program 1819; session 13), shrunk.
"""
import math
import numpy as np
G0 = 1.0

def f(w):
    A6 = np.outer(w, 1)
    res5 = np.linalg.svd(A6, full_matrices=False)
    w7 = res5.S
    A8 = res5[0]
    if [G0 for i30 in range(1)][0] > 0.5:
        w7[0:1] *= 0.5
    x66 = A8
    return np.mean(x66)

FUNC = 'f'
ARGS = (np.array([0.22521423261784745, 1.0470784696146926, 0.9107919107419311, -0.0736095683010356]),)
WRT = (0,)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
