"""OPEN BUG found by tools/fuzz.py (seed 5004, program 815; shrunk):
wrong gradient. The lambda reads c18, which is assigned again after the
lambda is made; Python reads the binding current at the call (c18 = B), but
normalize renames the lambda's names to the SSA version current where it is
made (c18_1 = 0.5). Fix, then remove the XFAIL line.
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
XFAIL = 'wrong gradient (grad wrt B, max abs diff 0.036)'
