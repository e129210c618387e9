"""wrong value and gradient: ``L12 = (w7, 1.0)``, then ``w7 += ...``, then
``L12[0]`` read. In Python the tuple holds w7's array, which += changes in
place; srcdiff differentiates ``w7 += v`` as a new value, and its alias
analysis counted a tuple literal as a fresh value holding no array, so the
check where ``+=`` runs never looked at L12. Now a literal holds its elements'
arrays, and that check looks into lists, tuples and dicts: refused, with the
line ('L12' holds the same array).

Found by tools/fuzz.py (seed 611, program 117) once the aliased-write feature
put the array into a container; the same run at c44ce90 also gave a wrong
gradient for program 138 (``L22 = (v19, 1.0)``).
"""
import math
import numpy as np

W0 = np.linspace(-0.5, 0.5, 5)
h1 = lambda a2: a2 * 1.0

def f(flag, t):
    v3 = W0
    if np.sum(0.5 * W0) > 0.07:
        A5 = np.array([t + t for i4 in range(5)]) - np.sqrt(np.square(np.cosh(np.tanh(0.5 * np.ones((2, 1))))) + 0.5)
    v6 = np.sin(v3)
    w7 = np.sin(np.stack([np.log(2.0 + np.cos(W0)), np.log(2.0 + np.cos(W0))]).dot(np.sqrt(1.0 + (-v6) ** 2)))
    for i9, v8 in enumerate(np.linspace(-1.0, 1.0, 10).reshape(2, 5)):
        v6 += np.logaddexp(t, 0.3) + (0.51 - t)
        for s10 in np.logaddexp(t * np.linspace(-1.0, 1.0, 5), 0.3):
            v11 = W0
        w7 = math.sin(np.clip(t, -0.34, 0.79)) * np.sin(np.linspace(-0.51, 0.18, 2) if np.mean(w7) < -0.02 else w7)
    else:
        v6 = v3 * t
    L12 = (w7, 1.0)
    w7 += np.arctan(w7) / (1.0 + np.square(np.arctan(w7)))
    s13 = np.sum(np.sin(L12[0]))
    w14 = np.expm1(np.tanh(w7 * w7))
    w15 = w14.copy()
    w15[0:1] = w15[0:1]
    w15[-2] += np.sin(s13)
    if flag:
        for i16 in range(1):
            v17 = ((v3 if np.sum(s13) > -0.76 else v6) if np.sum(np.cosh(np.tanh(W0))) > 0.33 else np.linspace(-1.0, 1.0, 10).reshape(2, 5)[1 - i16]).copy()
            w18 = (w15 if t <= 0.16 else w7).copy()
            A19 = np.log(1.0 + np.square(v3 - t * np.ones((2, 5))))
        else:
            v6 = np.sin(s13 - v6) + (t + W0)
    return 0.48 * np.sum(v3) + np.sum(w15) + s13

FUNC = 'f'
ACCEPT_REFUSAL = True     # (the value depends on the sharing: refused)
ARGS = (True, -0.9268342390829755)
WRT = (1,)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
