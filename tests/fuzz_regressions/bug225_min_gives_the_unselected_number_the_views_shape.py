"""grad: grad p: structure (gradient shape (1,) != argument shape ()). Builtin
min of a one-element view and a number gave the number it did not select a
zero cotangent of the view's shape (rules/builtins._zero_for).

Found by tools/fuzz.py --orders 1,2 (seed 14001, program 9747 of 10,000;
session 14), shrunk.
"""
import math
import numpy as np

def f(p):
    A32 = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    s35 = min(A32[0:1, 0], p['b'])
    s36 = np.sum(s35)
    return s36

FUNC = 'f'
ARGS = ({'w': np.array([0.2627033538439767, -0.6389266739643729, 0.1402174377310479]), 'b': 0.4886303896227855},)
WRT = (0,)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
