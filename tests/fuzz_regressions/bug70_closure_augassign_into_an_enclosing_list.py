"""wrong value, silently zero: ``acc = [np.zeros(3)]; def add(v): acc[0] += v * v``,
``add(np.tanh(x))``: the gradient is 0 (right: 2 tanh(x) (1 - tanh(x)^2)). A
nested def changing a list of its enclosing function must be differentiated or
refused (issue 17 class 9, closures that mutate captured lists).

Found by tools/fuzz.py --focus closure-acc (seed 5, program 18), shrunk by hand.
"""
import math
import numpy as np

def f(x):
    acc = [np.zeros(3)]

    def add(v):
        acc[0] += v * v
    add(np.tanh(x))
    return np.sum(acc[0])

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
