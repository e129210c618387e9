"""wrong gradient: `B = np.cos(B)` in a loop: the adjoint evaluates -dB * np.sin(B) with the new B
(cos of the input) before popping the saved one. The same happens for `s = abs(s)`
(sign of the new value: +1 instead of -1) and `s *= 0.5 + 0.5 * np.sin(t)` (d/dt).

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(B, s, t, u):
    for i in range(1):
        B = np.cos(B)
    for i in range(2):
        s = abs(s)
    for i in range(2):
        t *= 0.5 + 0.5 * np.sin(u)
    return np.sum(B) + s + t


FUNC = 'f'
ARGS = (np.array([0.5, 1.0]), -0.5, 0.7, 0.3)
WRT = (0, 1, 3)
