"""crash: ``for W in Ws: h = x @ W; x = np.tanh(h)`` over matrices of shapes (3, 4)
and (4, 2), ``h`` read after the loop: ValueError "operands could not be broadcast
together with shapes (2,) (4,)" in runtime.add_cotangents (issue 17 class 11,
loops whose temporaries change shape).

Found by tools/fuzz.py --focus layer-list (seed 5, programs 8, 20, 22, 28).

Fixed on main by the time it was saved (passes at 8a36bce): kept as a regression.
"""
import math
import numpy as np

def f(x, Ws):
    for W in Ws:
        h = x @ W
        x = np.tanh(h)
    return np.sum(h ** 2)

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8]), [np.array([[0.2, 0.2, 0.2, 0.2], [0.2, 0.2, 0.2, 0.2], [0.2, 0.2, 0.2, 0.2]]), np.array([[-0.3, -0.3], [-0.3, -0.3], [-0.3, -0.3], [-0.3, -0.3]])])
WRT = (0, 1)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
