"""wrong value, silently: ``acts = [np.tanh, np.sin]; acts[0] = np.cos`` and then
``acts[0](x)`` was differentiated as ``np.tanh`` (the literal's item), not the
``np.cos`` the list holds when it is called: gradient 1 - tanh(x)**2, right
-sin(x). The same for a loop over a list grown by ``append`` (unrolled over the
literal's items only). A list literal of functions read or written other than
by ``acts[i]`` reads is no longer taken for its items: refused ("a call of the
local value"), naming the line.

Found while adding ``acts[k](x)`` at run-time indices (issue 18), not by the fuzzer.
"""
import math
import numpy as np

def f(x):
    acts = [np.tanh, np.sin]
    acts[0] = np.cos
    return np.sum(acts[0](x))

FUNC = 'f'
ARGS = (np.array([0.3, 0.5]),)
WRT = 0
ORDERS = (1, 2)
ACCEPT_REFUSAL = True

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
