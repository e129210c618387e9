"""grad: RecursionError in liveness.nonempty. x = x (in a while loop) binds x
once, to itself; whether for s7 in x certainly runs followed that binding
without end. Fixed in session 18 (liveness.loops_that_run: a name already
followed says nothing).

Found by tools/fuzz.py --orders 1,2 (seed 18001, program 3021 of 10,000;
session 18, on 32f0710).
"""
import math
import numpy as np

G0 = 0.63

def f(n, x, A, s):
    r1 = np.arctan2(x, 1.5 + np.cos(x[None, :])).copy()
    r1[0] = x
    if not np.mean(r1) < 0.15:
        v3 = np.sin(s / (1.0 + x * x))
        v4 = np.tanh(x ** 2)
        s5 = 0.0
        for i2 in range(1):
            v3 = v3 + v4
            v4 = np.sin(np.tanh(np.log(2.0 + np.cos(-x)))) * (i2 + 1.0)
            s5 = s5 + np.sum(v3[i2:i2 + 2] ** 2)
    else:
        i6 = 0
        while i6 < n % 4 + 1:
            x = x
            i6 += 1
    r1 *= np.cos(np.where(0.81 > r1, 0.81, r1))
    r1 += np.tanh(np.logaddexp(x, 0.3))
    for s7 in x:

        def g8(z9, z10):
            pair13 = (np.cosh(np.tanh(G0)) + np.vdot(x, x), 1.0 / (1.5 + np.cos(np.exp(-np.square(np.mean(z9))))))
            s11 = pair13[0]
            s12 = pair13[-1]
            return r1 * 1.0
        v14 = abs(np.log(1.0 + np.square(r1[0])))
    return 0.43 * np.sum(r1) + np.sum(A)


FUNC = 'f'
ARGS = (4, np.array([0.29381100759867573, 0.5241003556744264]), np.array([[-0.006220571206879466, -0.6957476552197109], [0.5904287957226804, 0.13824981702238026], [-1.0962533517388597, 0.5064323821178207]]), np.float64(1.0014406305319417))
WRT = 2
ORDERS = (1, 2)


if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
