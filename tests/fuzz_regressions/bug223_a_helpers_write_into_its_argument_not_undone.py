"""order2: jacobian(grad) @ v wrt t: 0 instead of 2 (hvp and jvp(grad) right).
The gradient ends with w3 = restore_contents(w3, saved), which refills w3's
array in place; reverse mode over it versions the name (w3_5 =
restore_contents(w3_3, ...)) and took the call for a value of its own, so
its sweep read the refilled contents of w3_3. The sweep now puts back the
contents of an argument such a helper writes (reverse._refilled_argument).

Found by tools/fuzz.py --orders 1,2 (seed 14001, program 2938 of 10,000;
session 14), shrunk.
"""
import math
import numpy as np

def f(t):
    w3 = np.zeros(4)
    for i4 in range(1):
        w3[i4] = 1.0
    w3 *= np.linspace(1.0, 1.0, 8).reshape(4, 2) @ [t for i8 in range(2)]
    return np.mean(w3 ** 2)

FUNC = 'f'
ARGS = (np.array(0.9314403246544394),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
