"""crash (NameError in the generated code): a lambda in a helper returns the
helper's parameter a5. Inlining the lambda renamed the free names it found
in the lambda's statements, but ``lambda z9: a5`` has none (its value is
the output), so a5 stayed; and the versions current at the call were not
renamed when the helper itself was inlined. The same gap gave a wrong
gradient when a helper returned a module global that its caller binds as a
local of the same name (tests/test_control_flow.py).

Found by tools/fuzz.py (seed 5009, program 280; shrunk).
"""
import math
import numpy as np

def h4(a5, a6, a7):
    g8 = lambda z9: a5
    v10 = np.ones(3)
    v10[0:3] = g8(v10)

def f(x, w):
    w28 = h4(x, 1.0, w)
    return np.sum(w)

FUNC = 'f'
ARGS = (np.array([0.04213713355917825, 0.45399254456505256, 0.5770655661294464]), np.array([0.5894540839245588, -1.0871022758719955]))
WRT = (0, 1)
