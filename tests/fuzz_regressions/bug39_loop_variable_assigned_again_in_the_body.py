"""wrong gradient: the loop variable is assigned again in the body
(``for s4 in ...: s4 = math.tanh(t); return s4``); the adjoint's reversed
loop binds s4 to the loop's item at each iteration, so the tanh rule read
the item instead of tanh(t). Such loops now get a loop variable of their own
(``for s4_item in ...: s4 = s4_item``), normalize._own_loop_target.

Found by tools/fuzz.py (seed 5002, program 275; shrunk).
"""
import math
import numpy as np

def f(t):
    for s4 in np.linspace(1.0, 1.0, 1):
        s4 = math.tanh(t)
        return s4

FUNC = 'f'
ARGS = (np.array(0.438711765818937),)
WRT = 0
