"""value_and_grad and vjp: wrong value (7.089 for 7.217). w6 = res4.S names the
array the svd result holds; w6[1:2] *= 0.74 changes res4.S too. The clean-up
pass that folds single-use temporaries (optimize.forward_substitute) grouped
names by views but not by fields, so A7 = res4.U @ np.diag(res4.S) @ res4.Vh
was moved past the write. Fixed in session 18 (optimize.view_classes: a
field read joins its holder's class).

Found by tools/fuzz.py --orders 1,2 (seed 18001, program 1876 of 10,000;
session 18, on 32f0710).
"""
import math
import numpy as np
from tools.fuzz_types import Layer, Params


def h0(a1, a2, a3):
    return (a2 * np.ones((2, 4)))[:, 0:1]

def f(s, n, x, pn):
    s = -0.39
    A5 = np.tanh(np.sum(s * np.ones((2, 4)), axis=0, keepdims=True) * np.log(1.0 + np.square(s * np.ones((2, 4))))) + np.linspace(0.0, 1.0, 8).reshape(2, 4) + np.eye(2, 4) * np.linspace(1.0, 2.0, 4)
    res4 = np.linalg.svd(A5, full_matrices=False)
    w6 = res4.S
    A7 = res4.U @ np.diag(res4.S) @ res4.Vh
    s8 = pn.w[::-1][n]
    w6[1:2] *= 0.74
    return np.sum(A7) + np.mean(w6) + 0.27 * pn.c


FUNC = 'f'
ARGS = (-1.1999941717659748, 1, np.array([-0.09402961047949776, 0.2522509745385837, -0.17572679928770674, 0.12497455109577271]), Params(w=np.array([0.2197811631720692, 0.937900216392612, 0.48367687450199637, 0.5337367041588359]), c=1.00276716360349))
WRT = (0, 2, 3)
ORDERS = (1, 2)


if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
