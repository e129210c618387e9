"""crash at order two (jacobian(grad(f)): "'NoneType' object does not support
item assignment" in generated code): the gradient of f saves ``Ws21`` (bound in a
branch, so None before it) and pops it back in its own sweep, leaving it None at
the end. Differentiating that gradient again, the second sweep puts back
``Ws21[0]``'s old item (the list is needed there: ``as_sequence(Ws21)`` is a view
the sweep reads) but did not first undo ``Ws21 = Ws21_stack.pop()``, because
which rebindings to undo was decided (``_reads_after_restores``) before
``_restore_view_bases`` marked ``Ws21`` needed. Fixed in reverse.py: the view
bases are marked needed first, then the item indices and the restores read after
each point are decided with them.

Found by tools/fuzz.py --programs 1000 --seed 2026120602 --orders 1,2 (program
548), shrunk by the fuzzer.
"""
import math
import numpy as np

def f(B):
    x1 = B
    Ws3 = [np.linspace(0.5, 0.5, 18).reshape(3, 6), np.linspace(0.5, 0.5, 12).reshape(6, 2), B]
    for W in Ws3:
        h2 = x1 @ W
        x1 = h2
    if np.mean(B) < 0.1:
        return 0.5
    if np.sum(B) > 1.0:
        Ws21 = [0, B]
        Ws21[0] = Ws21[0]
        for W in Ws21:
            pass
    return np.sum(x1)

FUNC = 'f'
ARGS = (np.array([[0.05873238254112412, 0.5943040935929222, -0.6332307514852639], [1.0731411627523844, 0.6736538512859667, -0.6720554177848411]]),)
WRT = 'B'
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
