"""wrong value at order two (hvp, jvp(grad(f)) were 0, not -0.389): the gradient's
primal sweep pushes a buffer on a stack and then writes into it item by item, so
the stack holds the written buffer (its reverse sweep rewinds the writes from the
saved items). Forward mode took the tangent of ``saved_item(v10, i11)`` as a new
array that might share ``v10``'s tangent, so it wrote ``v10``'s tangent out of
place (``set_item``, a copy): the pushed tangent kept the old values while the
pushed primal had the new ones. Fixed in forward.py: saved_item/saved_copy, like
an item read, give a tangent that shares memory exactly where the primal does
(_MIRRORS), and the tangent write stays in place.

Found by tools/fuzz.py --orders 1,2 (seed 2026120601, program 9 of 1000; session 9),
shrunk by the fuzzer.
"""
import math
import numpy as np

def f(p):
    v0 = p['w']
    for i8 in range(1):
        t9 = v0
        v10 = np.zeros_like(t9)
        for i11 in range(2):
            v0 = np.sin(v10)
            v10[i11] = p['b']
    return np.sum(v0)

FUNC = 'f'
ARGS = ({'w': np.array([-0.5857370491522645, -0.550869551551062]), 'b': -0.25767797115663194},)
WRT = 'p'
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
