"""false refusal: ``u, v = h(x)`` where the helper returns two fresh arrays, then
``u[0] = 2.0``: "'u' is written in place but may share memory with t". u shares
memory with nothing the program reads later (the out-of-place variant computes
the same), so the program must be differentiated (a write into a helper's single
result is accepted, bug48).

Found by tools/fuzz.py --focus tuple-helpers (seed 5, program 29), shrunk by hand.
"""
import math
import numpy as np

def h(a):
    return np.sin(a), np.cos(a)

def f(x):
    u, v = h(x)
    u[0] = 2.0
    return np.sum(u * v)

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
