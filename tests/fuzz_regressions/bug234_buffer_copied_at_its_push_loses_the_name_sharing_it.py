"""hvp: wrong second derivative (got 0.174, want -0.122 for the pn.c entry;
jacobian(grad(f)) right). v31 = v30 shares v30's array, read before v30[0] =
0.2; the loop rebinds v30 (v30 * 0.5), whose tangent, broadcast_like(v30_dot *
0.5, v30), may be a read-only view, so forward mode over the gradient made a
private copy of v30's tangent where the loop pushes it: in the first
iteration that is the buffer v31's tangent shares, and the sweep's put-back
into the popped copy did not reach v31. Fixed in session 17 (forward.py: such
a buffer is made an array of its own where it is bound, not where it is
pushed).

Found by tools/fuzz.py --orders 1,2 --focus shared-restored (seed 17200,
program 131 of 150; session 17), shrunk.
"""
import math
import numpy as np
from tools.fuzz_types import Layer, Params


def f(pn):
    s6 = pn.c
    v30 = np.tanh(s6 * np.linspace(1.0, 1.0, 1))
    v31 = v30
    s32 = np.sum(np.sin(v31))
    v30[0] = 0.2
    for i35 in range(1):
        v30 = v30 * 0.5
    s33 = s32 + np.sum(v30)
    return s33


FUNC = 'f'
ARGS = (Params(w=np.array([-0.36767930830898166, -0.26236772926356156, 0.6556443336439515, 1.1978881656538165, 0.5312824979776201]), c=0.9744491381691691),)
WRT = 'pn'
ORDERS = (1, 2)


if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
