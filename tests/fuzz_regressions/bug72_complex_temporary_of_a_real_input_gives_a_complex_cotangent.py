"""wrong structure: a real input x, a complex temporary ``q = (0.3 + 0.4j) * x``, a
real output ``sum(|q|^2)``: the gradient w.r.t. the real x comes back complex
(its real part is right). A real input gets a real cotangent (issue 17 class 6).

Found by tools/fuzz.py --focus complex (seed 5, programs 7, 9, 12), shrunk by hand.
"""
import math
import numpy as np

def f(x):
    q = (0.3 + 0.4j) * x
    return np.sum(np.abs(q) ** 2)

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
