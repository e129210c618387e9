"""crash: ``q0 = 0.49j * x; v1 = np.abs(q0)`` (x real), ``x`` also read on another
path: grad raises UFuncTypeError "Cannot cast ufunc 'add' output from dtype('complex128')
to dtype('float64')". The cotangent coming back through np.abs and the complex
product is complex; the ``unbroadcast`` that takes a real input's real part was
pruned (equal shapes), and the complex constant, held in a name of its own, was not
seen by the check that keeps it (bug89's). Now no unbroadcast is pruned in a function
with a complex constant or parameter, or a call that makes complex values.

Found by the 10,000-program order-two fuzz run (seed 2026120601, program 244; also 269),
shrunk by the fuzzer.
"""
import math
import numpy as np

def f(n, x):
    q0 = 0.49j * x
    v1 = np.abs(q0)
    v2 = v1
    if np.mean(v1) < 0.2:
        return x[n]
    return np.sum(v2)

FUNC = 'f'
ARGS = (1, np.array([-0.5618318254509814, -0.5829275421384349, 0.17700907307139957, 0.13725486271116916, 0.8874907401932368]))
WRT = (1,)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
