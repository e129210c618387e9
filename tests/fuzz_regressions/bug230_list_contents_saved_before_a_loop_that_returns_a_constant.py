"""crash: jacobian(grad): IndexError in generated code: pop from empty list.
The gradient saves L23's contents before the loop that writes L23[0], as the
list object itself, and its own backward then pops the item appended before:
the gradient's gradient, on the path that returns a constant, puts back the
emptied list and pops it again. Fixed in session 16: a list's contents are
saved as a new list of its items (runtime.saved_contents).

Found by tools/fuzz.py --orders 1,2 (seed 16001, program 8269 of 10,000;
session 16), shrunk (the loop that never runs kept as range(0)).
"""
import math
import numpy as np
G0 = 1.0


def f(A):
    v19 = 0
    L23 = []
    for i24 in range(1):
        L23.append(v19)
    for s26 in A:
        if 1.0 > 0.5:
            return G0
        L23[0] = G0
    for i31 in range(0):
        v19[0:1] = L23 * A
    A40 = v19
    return A40


FUNC = 'f'
ARGS = (np.array([[-0.5210696867273666, -0.8871066437041524], [0.1317549026069984, -0.14807937946869365], [-1.1650598589352732, -0.6424905727394605]]),)
WRT = 0
ORDERS = (1, 2)


if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
