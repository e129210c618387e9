"""wrong gradient: ``t = v16[1:2]`` is a view the adjoint reads (for the
cotangent of s20 in ``v16[0:1] = s20 * t``), but the adjoint reads it after
it has put back the earlier write ``v16[0:2] *= 0.4``, so t showed the
values from before that write. A view the adjoint reads whose base is
written in place is now made as a copy (the alias checks guarantee the primal
never reads it after such a write), reverse._restore_view_bases.

Found by tools/fuzz.py (seed 5006, program 685; shrunk).
"""
import math
import numpy as np
W0 = np.linspace(0.5, 0.5, 2)

def f(y, A):
    v16 = np.tanh(W0)
    y = A[0]
    for v17 in A:
        pass
    else:
        s20, w21 = (np.dot(W0, y), 0.5)
        v16[0:2] *= 0.4
        v16[0:1] = s20 * v16[1:2]
    return np.mean(v16)

FUNC = 'f'
ARGS = (np.array([0.5041935921947132, -0.09833185133424038]), np.array([[0.7152982172702527, 0.7278168434863068], [-0.5397494017537916, -0.8613890984046266], [0.5871409444751985, 0.017470947069483156], [-0.033478014352966934, -0.28642627359367656]]))
WRT = 0
