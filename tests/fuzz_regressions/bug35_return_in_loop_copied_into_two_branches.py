"""wrong gradient (zero): a loop with a return inside, after an if whose
branches fall through differently (``if ...: pass`` / ``elif ...: return w``),
is copied into both branches when returns are lowered; the copy was taken
after the first copy's loop had already been rewritten in place, so the
second copy lost its ``if returned: return retval`` and returned None.
The continuation is now copied before either branch is rewritten, and the
returned-value names are bound at the top (the adjoint reads their shape
where branches join).

Found by tools/fuzz.py (seed 2001, program 1881; shrunk).
"""
import math
import numpy as np

def f(A, w):
    if -1.0 > 1.0:
        pass
    elif np.linspace(1.0, 0.1, 2)[1] > 1.0:
        return w
    c33 = A
    for s38, v37 in zip(w, c33):
        return np.min(v37)

FUNC = 'f'
ARGS = (np.array([[0.5181868891738393, -0.20900352016160983, 0.7808134076872011], [-0.5545716927163039, 1.1684443918523042, -0.13377577566561238], [0.4526480469188763, 0.3997650977452456, -1.1707773297590875], [-0.17701381097173385, -0.6541332533849211, -0.49121613864046265]]), np.array([0.8211356164797474, -0.16689962569564587, 0.4636561413017959, 0.8256911136811234]))
WRT = ('A',)
