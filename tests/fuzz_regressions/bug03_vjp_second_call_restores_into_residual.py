"""wrong cotangent on the second f_vjp call: The backward function undoes `v[0] = t` by writing the saved value back into the
residual `v` in place, so a second call of f_vjp sees the restored array and returns
dt = 2*x[0] instead of 2*t (API: f_vjp may be called many times).

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(x, t):
    v = x.copy()
    v[0] = t
    return np.sum(v ** 2)


FUNC = 'f'
ARGS = (np.array([0.9, -0.5, 0.8]), 0.4)
WRT = (0, 1)
