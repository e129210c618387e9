"""wrong gradient: the lambda reads c18, which is assigned again after the
lambda is made. Python reads the binding current at the call (c18 = B), but
normalize had renamed the lambda's names to the SSA versions current where it
was made (c18_1 = 0.5). A lambda called in the function is now inlined from
its names as written, mapped to the versions current at the call, like a
nested def.

Found by tools/fuzz.py (seed 5004, program 815; shrunk).
"""
import math
import numpy as np

def f(B):
    c18 = B
    c18 = 0.5
    g35 = lambda z36: np.sum(c18)
    c18 = B
    c38 = np.square(c18)
    c38[0, 0] = g35(c18)
    return np.mean(c38)

FUNC = 'f'
ARGS = (np.array([[-1.063080870645899, 0.16567128309986945, -0.7689988759189021, 0.8900043563290232, -0.26215571960352746], [-0.9677430693071443, -0.3061543808406324, -0.7420616586989051, -0.17232897855002904, 0.1738864106397502]]),)
WRT = (0,)
