"""wrong value, silently: ``parts = np.split(q, 2); a = parts[0]; a[0] = ...`` writes
into ``q`` (np.split gives views), which is read afterwards; the alias checks took
np.split for a function that makes new arrays: gradient [12, 4, 6, 8], right
[0, 40, 6, 8]. np.split, array_split, hsplit, vsplit, dsplit and unstack are
views of their first argument now, and the write is refused naming the line.

Found while checking which bindings own their arrays (issue 18), not by the fuzzer.
"""
import math
import numpy as np

def f(p):
    q = p * 1.0
    parts = np.split(q, 2)
    a = parts[0]
    a[0] = 3.0 * a[1]
    return np.sum(q * q)

FUNC = 'f'
ARGS = (np.array([1.0, 2.0, 3.0, 4.0]),)
WRT = 0
ORDERS = (1, 2)
ACCEPT_REFUSAL = True

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
