"""wrong value (fixed): ``v5 = np.tanh(W0)``, where a nested def reads v5 (so
normalize never versions it, bug53), then ``v5[0] = t``, then ``v5 = W0``, a
global. The adjoint sweep puts the overwritten item back with ``v5[0] = ...``
while v5 already names the global W0, so the generated code writes into the
user's global: the next call sees a different W0. The same happened for a
name rebound in a loop body (not versioned either). Present since the bug53
fix.

Found by tools/fuzz.py (seed 9050, program 265, at aa8f5b9, after the 10,000-
program run at efbd8a5). Fix: putting old items back (``v5[0] = old``) counts
as a read of v5 for the restores before it, so v5 gets its array back first.
"""
import math
import numpy as np
W0 = np.linspace(0.5, 0.5, 1)

def f(B, t):
    v5 = np.tanh(W0)

    def g7(z8, z9):
        return v5
    v5[0] = t
    v5 = W0
    return np.sum(v5)

FUNC = 'f'
ARGS = (np.array([[-0.7937457058864655, 0.706753100614917, -0.6424517252935937, 0.5484275003502896, -0.3003041013878984], [-0.5010536080665975, -0.18341337898603527, 0.6927374338485028, -0.1726254139561656, 0.6880065334241969], [-0.5722663857622416, -0.575878884998596, 0.09053156692320719, -0.1734147498609988, 0.8002529597610268], [0.970089608399155, -0.7408874959899707, -1.121978280617782, 0.7386136969012291, -0.4974940788612431]]), 0.823859304758874)
WRT = 0

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
