"""order2: jacobian(grad) @ v wrt y (one row wrong; hvp and jvp(grad) right).
The gradient's code took the first contribution as y's cotangent, dy = dv2_gx,
and added the item's in place, dy = add_at(dy, 1, g); differentiated again in
reverse mode, dv2_gx is read after that addition changed it. Code
differentiated again adds on a copy (reverse._copy_accumulations).

Found by tools/fuzz.py --orders 1,2 (seed 13100, program 1133 of 10,000; session 13).
"""
import math
import numpy as np

W0 = np.linspace(-0.5, 0.5, 2)

def f(n, y):
    s1 = 0.92 * y[1]
    v2 = y / (1.0 + s1 * s1)
    v3 = W0 * s1
    return 0.97 * np.mean(v2 ** 2)

FUNC = 'f'
ARGS = (3, np.array([-0.9423889130660188, 0.5906678861379364]))
WRT = 'y'
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
