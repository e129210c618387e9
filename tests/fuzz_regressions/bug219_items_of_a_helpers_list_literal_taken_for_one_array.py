"""refused: grad: 'r11' is changed in place here, but 'c12' names the same
array. h2's ``return [a4 * 1.0, 0.5]`` inlined is ``H = [h2_1_1, 0.5]``, then
``r11 = H[0]; c12 = H[1]``: the alias analysis took every item of a list for
every other, and with ``r11[0] = ...`` later the check could not be left to
run time. Items of a literal read at constant items are followed one by one
now (sharing.LiteralItems).

Found by tools/fuzz.py --orders 1,2 (seed 13200, program 9826 of 10,000; also
7151, 8680, 9224; session 13), shrunk.
"""
import math
import numpy as np

def h2(a3, a4):
    return [a4 * 1.0, 0.5]

def f(y):
    r11, c12 = h2(0, y[None, :])
    r11 -= 1.0
    g13 = lambda z14: c12
    v15 = y
    r11[0] = v15
    r18, c19 = h2(g13(c12), r11)
    return np.sum(r18)

FUNC = 'f'
ARGS = (np.array([-0.9853871061930207, -0.04420898833013909, -0.9000555953247708]),)
WRT = (0,)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
