"""order2: jacobian(grad) @ v wrt B (hvp and jvp(grad) right). A loop writes
into bufb in place, a nested def reads bufb (so the gradient's code cannot
version it), then bufb is bound to a new array. The sweep refilled the loop's
old contents into whatever bufb named: the new array, whose values the adjoint
had read, so reverse mode over the gradient read them changed. The name's old
array is put back first now (reverse._put_back_into).

Found by tools/fuzz.py --orders 1,2 (seed 14001, program 2740 of 10,000;
session 14), shrunk.
"""
import math
import numpy as np

def f(A, B):
    bufa6 = A[:, 0] @ B
    bufb7 = np.zeros(4)
    for i5 in range(1):
        bufb7[0] = bufa6[0]

    def g9(z10, z11):
        return bufb7
    bufb7 = bufa6 / bufa6
    return np.sum(bufb7)

FUNC = 'f'
ARGS = (np.array([[0.8838528749663179, -0.8196384640396832, -0.5017187603549104, -0.8627887952925385], [0.5546079827849955, 0.5913451690007216, 0.12258278812674073, 0.25402933036786335], [-0.4125044636606342, 1.014307740798533, -0.6926642961636215, 0.6329236426004177]]), np.array([[1.0763927690538113, -0.5876218319129786, 0.9354907061497062, 0.318759094487417], [0.26270925838026327, -0.0074593594612204495, 1.1839900546110969, 0.55237471378512], [-1.1571992109247915, -0.6901522863139601, 0.7643572358322446, 0.8448162258982472]]))
WRT = 1
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
