"""wrong cotangent from vjp (grad was right): ``t = r0[0]`` is a view saved
on a stack, ``r0[0] = ...`` writes into it. The backward restores r0 in place
so the view shows the old values again, but f_bwd deep-copied its stacks (to
be able to run twice), so the popped ``t`` was a copy holding the new values.
The forward now keeps a copy of the stacks and the backward refills the saved
arrays in place (runtime.restore_contents), so views stay views.

Found by tools/fuzz.py (seed 2001, program 1253; shrunk).
"""
import math
import numpy as np


def f(B):
    r0 = np.mean(B, axis=0, keepdims=True)
    for i2 in range(1):
        r0[0] = r0[0] ** 2
    s20 = np.var(r0)
    return s20


FUNC = 'f'
ARGS = (np.array([[0.587, -0.530, 0.659, 1.117, 0.223], [0.232, -1.035, 0.629, 0.270, 0.855],
              [0.292, -0.136, -1.109, -1.182, 0.849], [0.493, -1.044, -0.943, -0.238, 1.111]]),)
WRT = (0,)
