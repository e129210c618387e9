"""refused: grad: 'v12' is changed in place here, but a name that may share its
array is used afterwards and written in place later. v12 is the parameter's
array on one path (pn.w if ... else a new array), so ``v12 -= pn.c`` is
checked where it runs not to share pn's memory; the reverse transform also
keeps v12's values as a copy where it is bound (it is written in place later,
v12[0] = ...), which would hide that sharing from the check, so the function
was refused although at these inputs v12 is a new array. The check now
reads the value as the program made it (v12_held, reverse._check_before_copies).

Found by tools/fuzz.py --orders 1,2 (seed 14001, program 7449 of 10,000;
session 14), shrunk.
"""
import math
import numpy as np
from tools.fuzz_types import Layer, Params

def f(pn):
    v12 = pn.w if np.mean(pn.w > 0.5) < 0.5 else np.exp(pn.c * np.linspace(1.0, 1.0, 1))
    L13 = [1.0, pn.c, pn.c]
    for i15, w14 in enumerate(L13):
        v12 -= pn.c
        v12[0] = 1.0
    return np.sum(v12)

FUNC = 'f'
ARGS = (Params(w=np.array([-0.727026831648526, 0.1548829405268053, 0.5706839599536921, 1.0861035541485287, 1.1304280892637062]), c=-0.11460041020645928),)
WRT = 0
ORDERS = (1, 2)


if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
