"""wrong value: a real parameter ``x`` and a complex ``z`` of one shape; the
adjoint of ``q = G0 + np.sign(z)`` summed its cotangent back with
``unbroadcast(g, x)`` (x stood in for the shape of ``np.sign(z)``), which took
the real part: z's gradient came back 0 (session 8; fixed by keeping real and
complex arrays apart in the shape groups, and no unbroadcast stand-ins where a
value may be complex).

Found by tools/fuzz.py --focus complex --orders 1,2 (seed 11, program 21), shrunk
by the fuzzer.
"""
import math
import numpy as np
G0 = 1.0

def f(x, z):
    q2 = G0 + np.sign(z)
    v4 = q2.imag
    v6 = v4
    return np.sum(v6)

FUNC = 'f'
ARGS = (np.array([-1.040376565821991, -0.27458790124194876, 0.15019923124165957, 0.34494794626719294]), np.array([(0.9298158979610751-0.4142102584924997j), (0.5395319698192569-0.8532821081087885j), (0.7395983993191855+0.1453525119556054j), (0.7871227847872644+0.1286451139231286j)]))
WRT = 'x'
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
