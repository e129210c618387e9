"""crash: jacobian(grad): IndexError in generated code: list index out of range.
vjp's backward copies the lists it restores (L gets its item back) before it
runs, with every residual that may hold one; ``P = [L]; s51 = P[0][0]`` in
the branch after a loop with a return was left out (only the bindings at the
top level were followed), so P[0] stayed the list the forward shrank.

Found by tools/fuzz.py --orders 1,2 (seed 13200, program 7172 of 10,000;
session 13), shrunk.
"""
import math
import numpy as np

def f(B, s):
    for s14 in (0, 0):
        A16 = B
        U17, S18, Vt19 = A16
        if 0 > -1.0:
            pass
        else:
            w41 = S18
            return w41
    L52 = [s]
    L52.append(1.0)
    P53 = [L52]
    s51 = P53[0][0] * L52[0]
    s60 = s51
    return s60

FUNC = 'f'
ARGS = (np.array([[-0.48157652490650904, -1.0292862684080542, 1.0469254009296713, 0.6224249755768743, 0.3637525788143652], [-1.1900050833548945, 0.9190539503821424, 0.7118359913397645, -0.3845522974443534, -0.6822870719694021], [-0.8239397266759771, 0.09470196275316667, -0.25914458802163653, 0.6518329304740786, 0.9521826957245423]]), np.float64(1.0673374736324142))
WRT = 1
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
