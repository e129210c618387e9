"""crash: grad: ValueError in generated code: NumPy boolean array indexing
assignment cannot assign N input values to the 20 output values where the
mask is true. The sweep puts back the items a masked write ``A23[A23 < 0.5] =
1.0`` overwrote, in a loop that rebinds A23, after a loop that may return
early: the mask was not saved. The tail after the early-return loop is
generated twice, so the mask's name is bound twice and saved as any rebound
name is, where the sweep reads it after: reads of a put-back's index were not
counted (reverse._put_back_into). Fixed in session 16.

Found by tools/fuzz.py --orders 1,2 (seed 15002, program 1963 of 2,000;
session 15, on the session's final code), shrunk.
"""
import math
import numpy as np


def f(p):
    r4 = p
    if p['w'][0] > -1.0:
        L8 = [p, p, r4, 1.0]
        for v9 in L8:
            while p['w'][0] > 1.0:
                return p
    A23 = np.linspace(1.0, 1.0, 20).reshape(4, 5)
    L42 = []
    L42.append(p['b'] * np.ones((4, 5)))
    for i44 in range(2):
        A23[A23 < 0.5] = 1.0
        A23 = np.sum(L42, axis=0)
    return np.mean(A23)


FUNC = 'f'
ARGS = ({'w': np.array([-0.26628191477198604, -0.20287460608373176, -0.056764613162814115, -0.30610896061495907, -0.8775720322849219]), 'b': -0.24482672688010532},)
WRT = (0,)
ORDERS = (1, 2)


if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
