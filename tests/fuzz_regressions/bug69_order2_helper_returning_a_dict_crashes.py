"""crash at order two: a helper returns a dict read by key and with .get; grad
right, hvp/jvp(grad)/hessian raise ``TypeError: unsupported operand type(s) for
+: 'dict' and 'dict'`` in the generated code (issue 17 class 4, dicts at order two).

Found by tools/fuzz.py --focus tuple-helpers --orders 1,2 (seed 101 program 6 of
the first order-two run crashed the same way through a dict parameter).

Fixed on main by the time it was saved (passes at 8a36bce): kept as a regression.
"""
import math
import numpy as np

def h(a):
    return {'u': np.sin(a), 'v': a ** 2}

def f(x):
    d = h(x)
    return np.sum(d['u'] * d.get('v'))

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
