"""wrong value, silently zero: the closure class of bug70 through a dict,
``acc = {'t': 0.0}; def add(v): acc['t'] = acc['t'] + 2.0 * v`` (issue 17 class 9).

Found by tools/fuzz.py --focus closure-acc (seed 5, program 19), shrunk by hand.
"""
import math
import numpy as np

def f(x):
    acc = {'t': 0.0}

    def add(v):
        acc['t'] = acc['t'] + 2.0 * v
    add(np.sum(x))
    add(x[0] * x[1])
    return acc['t']

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
