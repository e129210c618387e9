"""wrong gradient (in the original program a crash of vjp/value_and_grad:
operands could not be broadcast together): a nested def g in a helper h reads
h's parameters, which inlining h replaced by the caller's temporaries t and
t_1. The versions current at the call g() were kept under h's own names as
written, and h's own temporaries are spelled t and t_1 too, so inlining g then
read h's temporaries instead of the caller's. The names the versions are
keyed by are now renamed with the bodies (a lambda's body as written too).

Found by tools/fuzz.py (seed 7005, program 878; shrunk).
"""
import math
import numpy as np

def h(a, b):
    def g():
        return np.sum(np.sin(b * a))
    v = np.zeros(3)
    v[0] = np.mean(a) * np.cos(b) + g()
    return np.sum(v)

def f(s):
    A = np.ones((3, 1))
    A[0, 0] = h(np.sum(A, axis=1) * s, s * s)
    return np.sum(A)

FUNC = 'f'
ARGS = (-0.5,)
WRT = (0,)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
