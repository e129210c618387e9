"""refused a valid program: ``s13 = w12[-2]``, writes ``w12[-1] = ...``, then
``w12 += ...`` in a loop, with s13 read afterwards. ``y += v`` where another
live name may share y is checked where it runs, but was refused outright when
y or that name takes part in subscript writes (the reverse transform may copy
such a name, hiding the sharing from the check). A name read after a write is
checked at every write it may share and never copied, so only the other
sharers of written arrays still refuse it.

Found by tools/fuzz.py (seed 9001, program 682; shrunk by hand).
"""
import math
import numpy as np

def f(y, s):
    w12 = np.arctan(np.linspace(-0.12, 0.24, 2))
    w12[::2] = np.sum((y / (1.0 + s * s))[2:3])
    s13 = w12[-2]
    w12[-1] = np.tanh(math.cos(w12.sum()))
    s14 = np.sin(s13)
    for i15 in range(2):
        w12[i15 % 2] -= s13
        w12 += (np.ones((2, 4)).dot(y) + w12) / (1.0 + np.square(np.ones((2, 4)).dot(y) + w12))
    w12[1:2] = (s13 * np.linspace(-1.0, 1.0, 4))[0:1]
    return np.sum(w12 ** 2) + s14

FUNC = 'f'
ARGS = (np.array([0.31, -0.52, 0.77, 0.12]), 0.4)
WRT = (0, 1)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
