"""wrong value at order two: a list holding the same array twice (``L = [t];
L.append(t)``), reduced by a NumPy function (``np.sum(L)``). jacobian(grad(f))
gives half the Hessian (hessian and hvp are right). The first-order gradient
code takes the cotangent of ``np.sum(L)`` as one array shaped like
``np.asarray(L)`` rather than a list, so when it is differentiated again the
list's items do not each get their share. The same code with two different
arrays, ``L = [w]; L.append(w)``, crashes the reverse-over-reverse
('numpy.ndarray' object has no attribute 'pop').

Found by tools/fuzz.py --focus inplace-call --orders 1,2 (seed 777, program 15; session 8),
shrunk by the fuzzer. Present before session 8's merges (324f961).
"""
import math
import numpy as np



def f(w):
    t19 = w
    t28 = t19
    L30 = [t28]
    L30.append(t28)
    P31 = (L30, 1.0)
    s29 = np.sum(P31[0]) * np.sum(P31[0])
    return s29

FUNC = 'f'
ARGS = (np.array([-0.2624421050872823, -1.1891337563685596]),)
WRT = 'w'
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
