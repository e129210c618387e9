"""wrong value, silently: ``hist.append(u)`` puts the array ``u`` itself into the
list, and ``u[1:-1] = ...`` then changes the item the list holds too; the sum over
``hist`` afterwards reads the changed values. The alias checks did not see that
``append`` makes the list share the array's memory: gradient [1.8, 0.017, ...],
right [1.8, 0.00033, ...]. Now a value put into a container (``L.append(v)``,
``L[i] = v``) pairs the container with it (sharing.py), so ``hist`` is checked
where ``u`` is written, and the call is refused there (it does share).

Found while making buffer swaps differentiable (issue 18), not by the fuzzer.
"""
import math
import numpy as np

def f(u0, k):
    u = u0 * 1.0
    hist = []
    for _ in range(3):
        hist.append(u)
        u[1:-1] = u[1:-1] * k
    return sum(np.sum(h * h) for h in hist)

FUNC = 'f'
ARGS = (np.array([0.3, 0.9, 1.2, 1.1, 0.7]), 0.2)
WRT = 0
ORDERS = (1, 2)
ACCEPT_REFUSAL = True

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
