"""crash: grad: IndexError in scatter_add: list index out of range.
``s13 = L1.pop()`` in an ``if`` whose adjoint has no code (s13 is unused):
the whole branch became one block restore, which put back the names the
block binds and the arrays it writes by item, but not the list that its
``.pop()`` shrank (the pop's own restore, ``L1.append(s13)``, was dropped
with the branch). The adjoint of the earlier ``L1[1]`` then saw the short
list. A block restore now also saves and puts back the items of the lists
the block changes with ``.append``/``.extend``/``.pop()``.

Found by tools/fuzz.py (seed 7002, program 693; shrunk).
"""
import math
import numpy as np

def f(t):
    L1 = []
    for i2 in range(2):
        L1.append(t)
    w4 = 1
    w4 -= L1[1]
    if w4 > -1.0:
        s13 = L1.pop()
    return w4

FUNC = 'f'
ARGS = (np.array(1.1253418784852383),)
WRT = 0

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
