"""crash at order three (UnboundLocalError in generated code): hvp of
``sum(grad(f) * u)`` -- its gradient, reverse over the inlined gradient of f --
made a zero adjoint for ``f_2`` (bound only where ``p >= 0.13``) in the other
branch of a reversed ``if`` (``df_2 = zeros_like_value(f_2)``), where no value of
``f_2`` exists to shape it like. Fixed in reverse.py (rev_if): a name that may be
unbound after that branch gets ``None`` there, an absent adjoint, made a zero
shaped like the value where it is read (as after a loop).

Found by tools/fuzz.py --programs 60 --seed 31337 --orders 1,2,3 (program 26,
the first run of the order-three check), shrunk by hand.
"""
import math
import numpy as np

def f(w, p):
    if p >= 0.13:
        return np.tanh(np.sum(w))
    A14 = np.cos(w)
    return np.mean(A14)

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.2]), 0.0)
WRT = 0
ORDERS = (1, 2, 3)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
