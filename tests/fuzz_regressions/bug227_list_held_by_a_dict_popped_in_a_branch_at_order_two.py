"""crash: jacobian(grad): IndexError in generated code: list index out of range.
The gradient pops the item ``L41.append(W0)`` added off L41 in the branch
taken, while the dict P42 (and s40_1 = P42['a']) holds the same list. The
vjp of that gradient pushes L41 as a copy (reverse._revisited_lists: L41 is
resized and bound from a stack pop), so its backward puts the item back into
the copy only: P42['a'] stays one item short, its cotangent too, and adding
the two list cotangents loses an item before dL41[0] is read (grad, hvp and
jvp(grad) were right; jacobian(grad) crashed). Fixed in session 16: such a
push keeps the list itself and its items, kept(L41), and the pop puts the
items back into it, refilled(...), so P42 holds the same list; the backward's
copies of its stacks are made together.

Found by tools/fuzz.py --orders 1,2 (seed 15001, program 8915 of 10,000;
session 15), shrunk.
"""
import math
import numpy as np
W0 = 0.5


def f(t, pt):
    if pt[1] > 1.0:
        pass
    elif 0 > -1.0:
        pass
    else:
        return t
    L39 = [t, t]
    L41 = [L39[0]]
    L41.append(W0)
    P42 = {'a': L41, 'b': t}
    s40 = P42['a'][0] * L41[0]
    return s40


FUNC = 'f'
ARGS = (np.float64(1.192493299453768), (np.array([0.375118004353417, -0.9937519601803452, -0.6254130482769089, 1.0239952888928878, -1.09751965303732]), -0.252153685476894))
WRT = 't'
ORDERS = (1, 2)


if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
