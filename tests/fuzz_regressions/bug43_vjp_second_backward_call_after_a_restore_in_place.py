"""Found by tools/fuzz.py (seed 5006, program 188; seed 5004, program 626; shrunk by hand):
the backward function of ``srcdiff.vjp`` puts back the contents ``v1`` had before
the loop wrote into it (``restore_contents``), in place; it was not counted as a
write in place, so ``v1`` was not refilled before a second call of the same
``f_vjp``, which then read the zeros of before the loop."""
import numpy as np


def f(y):
    v1 = np.zeros(5)
    for i in range(5):
        v1[i] = 0.1 * i
    v1 *= y
    return np.mean(v1)


FUNC = 'f'
ARGS = (np.array([-1.03, 0.42, -0.35, -0.94, -1.06]),)
WRT = (0,)
