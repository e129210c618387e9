"""hvp and jvp(grad): wrong second derivative (got 1.473, want 1.160 for the
first entry; jacobian(grad(f)) right). After the loops' early return, v5 = v4
shares v4's array, read before v4[0:1] += ...; the sweep puts v4's items back.
Forward mode over the gradient took v4's tangent as possibly shared where the
paths of the early return meet (the returning path leaves v4's placeholder
None, which was not counted as owned), so the put-back was made on a copy and
v5's tangent kept the written items. Fixed in session 17 (forward.py: a
placeholder None is owned; a name bound on one path only keeps what that path
owns).

Found by tools/fuzz.py --orders 1,2 --focus shared-restored (seed 17201,
program 52 of 200; session 17, on 00a3a2c), shrunk.
"""
import math
import numpy as np
from tools.fuzz_types import Layer, Params
G0 = 1.0


def f(pn):
    for s1 in pn.w:
        for s3, v2 in zip(np.ones(1), pn.w):
            if G0 <= 0.5:
                return v2
    v4 = np.square(pn.w)
    v5 = v4
    s6 = np.sum(np.sin(v5))
    v4[0:1] += np.sum(pn.w)
    for i9 in range(1):
        v4 = v4
    s7 = s6 + np.sum(v4)
    return s7


FUNC = 'f'
ARGS = (Params(w=np.array([-0.35565787173779817, -0.8109801555810814, 0.08239871410793143, 0.5165528667435744, -0.48470235571221465]), c=-0.6101151357476563),)
WRT = (0,)
ORDERS = (1, 2)


if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
