"""wrong value, silently zero: the smallest member of the closure class (bug70):
``acc = [0]; def add(v): acc[0] = v; add(t); return np.mean(acc)``: the gradient
is 0 (right: 1). 16 of 60 programs of a closure-acc run returned wrong gradients,
most of them zero (issue 17 class 9, closures that mutate captured lists).

Found by tools/fuzz.py --focus closure-acc (seed 7004, program 5), shrunk by the
fuzzer.
"""
import math
import numpy as np

def f(t):
    acc = [0]

    def add(v):
        acc[0] = v
    add(t)
    return np.mean(acc)

FUNC = 'f'
ARGS = (0.4,)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
