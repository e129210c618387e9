"""wrong value, silently: ``L = [p, q]; t = L[i]; t[0] = ...`` writes into the
caller's ``p`` (t is p), which the function reads afterwards. The alias check
named each array by the statement that made it and missed a parameter (made
by no statement) among the names sharing ``t``: gradient [6, 22, 6], right
[0, 40, 6]. Now the pairs of names that may share memory are followed
(sharing.py), ``p`` is checked where ``t`` is written, and the call is
refused there (it does share).

Found while making buffer swaps differentiable (issue 18), not by the fuzzer.
"""
import math
import numpy as np

def f(p, q, i):
    L = [p, q]
    t = L[i]
    t[0] = 3.0 * t[1]
    return np.sum(t * p)

FUNC = 'f'
ARGS = (np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]), 0)
WRT = 0
ORDERS = (1, 2)
ACCEPT_REFUSAL = True

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
