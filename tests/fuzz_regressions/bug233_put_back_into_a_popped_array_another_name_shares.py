"""hvp and jvp(grad): wrong second derivative (0.305 for 1.0; jacobian(grad(f))
right). ``choice = v0`` (the conditional expression's branch) shares v0's
array; the sweep puts back v0[1:-1], which restores choice too. The
while loop rebinds v0, so the sweep pops v0's arrays off a stack, and forward
mode over the gradient took the popped tangent as a buffer it might share:
it put the items back into a copy (``v0_dot = set_item(v0_dot, ...)``), and
choice's tangent kept the written items. Fixed in session 17 (forward.py: a
stack whose every pushed tangent is a buffer of its own gives such buffers
back; the put-back is made in place, as the primal's is).

Found by tools/fuzz.py --orders 1,2 (seed 17001, program 8292 of 10,000;
session 17, on a608654), shrunk (the loop never runs at this input).
"""
import math
import numpy as np


def f(t):
    v0 = np.array(t * np.linspace(1.0, 1.0, 4))
    v0[1:-1] = (v0 * (v0 if t < 0.2 else t))[2:]
    while v0[0] > 1.0:
        s6 += t
        v0 += s6
    A10 = v0
    return np.mean(A10)


FUNC = 'f'
ARGS = (np.array(-0.8947703437444858),)
WRT = (0,)
ORDERS = (1, 2)


if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
