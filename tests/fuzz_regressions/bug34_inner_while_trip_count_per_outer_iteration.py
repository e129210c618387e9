"""crash (pop from empty list) and, with other inputs, a wrong gradient: a
while loop (or a for loop with a break) inside another loop ran a different
number of times in each outer iteration, but its trip count was kept only
from the last one, so the adjoint replayed every outer iteration with that
count. The count is now pushed after the inner loop and popped before its
reversed replay.

Found by tools/fuzz.py (seed 2001, program 804; shrunk).
"""
import math
import numpy as np
G0 = 1.2

def f(xs, t):
    v6 = np.stack([np.linspace(1.0, 1.0, 4), np.linspace(1.0, 1.0, 4)])[0, :]
    s14 = v6[0]
    for i15 in range(2):
        i16 = 0
        while i16 < 1:
            if s14 >= 0.5:
                break
            for v18 in xs:
                s14 = G0
        if not 0.5 < 0.2:
            s14 = t
    return s14

FUNC = 'f'
ARGS = ([np.array([-0.19105012819108347, -0.8435462181616125, 1.1986798967017445, -0.617175629248725]), np.array([0.22470570880911778, -0.35720807093927454, -0.8990008500340441, -0.20587200851135257])], -1.1101551097310027)
WRT = (0, 1)
