"""refused at order two: a list held by a dict (``P = {'a': L}``; ``P['a'][-1]``):
grad right, hvp and jvp(grad) raise "no forward-mode derivative for a call of the
local value 'out_fn'" (issue 17 class 5: generated code differentiable again; and
class 4, containers at order two).

Later (session 8) a wrong number at order two: the product of two list items
is compiled as ``seq_mul`` (either may be a sequence), whose vjp's forward and
reverse rules took it as linear in the cotangent only; and reverse over reverse
copied the popped list ``L`` for the backward but not ``P`` and ``P['a']``, which
alias it (now ``copy_together``).

Found by tools/fuzz.py --orders 1,2 (seed 7001, programs 13, 68, 78), shrunk by the
fuzzer and by hand.
"""
import math
import numpy as np

def f(y):
    L = [y * 2.0]
    L.append(y ** 2)
    P = {'a': L}
    return np.sum(P['a'][-1] * L[0])

FUNC = 'f'
ARGS = (np.array([0.3, -0.5, 0.8]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
