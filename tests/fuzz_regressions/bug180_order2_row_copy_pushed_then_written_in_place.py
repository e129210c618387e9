"""wrong value at order two (hvp, jvp(grad(f)) were 1.477, not 1.723; shrunk: -1.30,
not 2.0): the gradient's primal sweep pushes the loop's row ``v8`` on a stack and
then writes into it, so the stack holds the written row. Forward mode gave ``v8``
a tangent it did not own (``v7.copy()``'s tangent is ``v7``'s; ``as_sequence``'s
was not taken as a view), so it wrote that tangent out of place (``set_item``, a
copy): the pushed tangent kept the old values while the pushed primal had the new
ones. Fixed in forward.py for the whole class: a buffer the function writes into
item by item is appended to a list with a tangent of its own (a private copy, or a
materialized zero where its tangent is zero), so its later writes stay in place in
both; and ``as_sequence`` joins ``_MIRRORS`` (its tangent shares memory exactly
where the primal does).

Found by tools/fuzz.py --orders 1,2 (seed 2026120602, program 269), shrunk by the
fuzzer.
"""
import math
import numpy as np

def f(p):
    for v7 in p['w'] * np.ones((1, 1)):
        v8 = v7.copy()
        v8[::1] = p['b'] * np.linspace(-1.0, 1.0, 4)
        return np.var(v8)

FUNC = 'f'
ARGS = ({'w': np.array([-0.32758701842652427, 0.40719703316287337, 0.048016237758253144, 1.1915528132122495]), 'b': -0.7213683294522388},)
WRT = (0,)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
