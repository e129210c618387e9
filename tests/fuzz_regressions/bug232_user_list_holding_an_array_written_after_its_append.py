"""grad: crash in generated code, "unsupported operand type(s) for +:
'Stacked' and 'float'". The user's list L20 holds v18's array
(L23 = P22[1]; L23.append(v18)), and v18 is written in place after the
append. keep_pushed_arrays took every ``S.append(v)`` of the finished gradient
for a push onto one of its own stacks and wrapped it, ``L20.append(stacked(v18))``,
so the program's ``L20[-1]`` read the wrapper. Fixed in session 17: only the
generator's own stacks are wrapped. (The gradient differentiated again by
reverse mode still refuses ``L20.append(v18)`` followed by the write, naming
the line; hvp and jvp(grad) are right.)

Found by tools/fuzz.py --orders 1,2 (seed 17001, program 5605 of 10,000;
session 17, on a608654), reduced by hand.
"""
import math
import numpy as np


def f(x, c):
    v18 = np.zeros(4)
    for i in range(4):
        L20 = [np.tanh(x / 1.5)]
        P22 = (np.sin(x), L20)
        L23 = P22[1]
        L23.append(v18)
        v24 = L20[-1] + L20[0] * 0.5
        v24[-2] -= c
        v18[i] = np.tanh(np.sum(x) - c + x[i])
    return np.sum(v18 ** 2) + np.sum(v24 * x)


FUNC = 'f'
ARGS = (np.array([0.3, -0.2, 0.5, 0.1]), 0.7)
WRT = (0, 1)
ORDERS = (1, 2)


if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
