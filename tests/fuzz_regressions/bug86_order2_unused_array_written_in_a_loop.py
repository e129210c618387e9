"""refused at order two: an array made and written in a loop but never used
(``v1 = np.sin(s * y); v1[i] = s``): grad right, hvp and jvp(grad) raise
"assignment into an attribute's element (obj.a[i] = v) mutates an object that
outlives the call" at a line of the generated gradient (issue 17 class 5:
generated code differentiable again).

Found by tools/fuzz.py --orders 1,2 (seed 7001, programs 40, 55, 58, 61, ...:
eleven of 200), shrunk by the fuzzer and by hand.
"""
import math
import numpy as np

def f(s, y):
    for i in range(2):
        v1 = np.sin(s * y)
        v1[i] = s
    return np.mean(y ** 2)

FUNC = 'f'
ARGS = (0.4, np.array([0.3, -0.5, 0.8, 0.1, 0.2]))
WRT = 1
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
