"""crash: jacobian(grad): IndexError in generated code: pop from empty list.
The gradient pushes each iteration's ``items`` list (the comprehension's) and
its backward pops it back and takes its items off (``items.pop()``). Reverse
mode over that code saved ``items`` by pushing the list object itself, which
the backward it also runs then emptied. Such a push keeps a copy of the lists
now (reverse._revisited_lists).

Found by tools/fuzz.py --orders 1,2 (seed 13200, program 6845 of 10,000;
session 13), shrunk.
"""
import math
import numpy as np

def f(p, t):
    c20 = np.ones((1, 1))
    pair23 = (c20, p['w'])
    w22 = pair23[1]
    for s27, v26 in zip(w22, w22):
        s28 = w22
        c20[0, 0] = np.sum([s28 for i29 in range(1)])
    c20[0, 0] = t
    return np.sum(c20 ** 0)

FUNC = 'f'
ARGS = ({'w': np.array([0.9412088759827044, 0.5979967158471511, -0.9457080686910975]), 'b': -0.6559310204556819}, 0.14272094705741734)
WRT = 't'
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
