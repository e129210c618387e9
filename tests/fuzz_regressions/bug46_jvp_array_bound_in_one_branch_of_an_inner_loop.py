"""crash (jvp, UnboundLocalError in the generated code): v16 is bound anew in
one branch of an if inside an inner loop (the other branch does not touch it),
then written in place. Forward mode asked whether the inner loop's body binds
v16 before writing it and took the branch that does not touch v16 for a
"touched", so it made v16's tangent private before the inner loop, where it
is not bound yet. A branch that leaves v16 alone now goes on to the
statements after the if.

Found by tools/fuzz.py (seed 5006, program 808; shrunk by hand).
"""
import numpy as np

def f(B):
    out = np.sum(B)
    for s55 in (1.0, 0.0):
        for s56 in range(2):
            if s55 > 0.5:
                pass
            else:
                v16 = np.array(B * 1.0)
                v16[0] = 1.0
                out = out + np.sum(v16 * v16)
            out = out * 1.0
    return out

FUNC = 'f'
ARGS = (np.array([0.3, 0.5]),)
WRT = (0,)
