"""crash: ``if s > -0.5: return math.cos(s)`` taken, then (never run) a loop binding
``h`` and ``return h`` after it: grad raises UnboundLocalError "cannot access
local variable 'h'" in the generated code (the adjoint reads the loop's temporary
on the early-return path). The same with layer lists (``for W, b in layers: h =
x @ W + b``, h read after the loop) (issue 17 class 11, temporaries read after
their loop).

Found by tools/fuzz.py --focus layer-list (seed 7005, program 16, at d22ee6b:
main with the loops-closures branch merged; present at fd23e1a too), shrunk by hand.
"""
import math
import numpy as np

def f(s):
    if s > -0.5:
        return math.cos(s)
    for i in range(2):
        h = s * i
    return h

FUNC = 'f'
ARGS = (0.4,)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
