"""crash in jvp (UnboundLocalError 'dv'): an array made anew and then
written inside an inner (zip) loop got a private copy of its tangent at the
enclosing loop, before it was ever bound. An inner loop that binds the name
anew before writing it (or does not touch it) no longer counts as a write
into the old tangent (forward._first_touch).

Found by tools/fuzz.py (seed 2001, program 1410; shrunk).
"""
import math
import numpy as np

def f(A, w, B):
    for i20 in range(1):
        for i21 in range(0, 1):
            for s23, v22 in zip(w, B):
                v24 = np.square(A)
                v24[i21] = 1.0
                B = v24
    A33 = B
    return np.mean(A33)

FUNC = 'f'
ARGS = (np.array([[0.7240160324066403, -0.06948556127572991, 0.9953989465461655], [0.7871206057933215, 0.1594756906521948, -0.7627201738485736], [-1.1439317031257323, -1.0933140862883344, -0.874344464607816], [-0.7737002564449753, -0.2958525637515489, -0.5360014812062471]]), np.array([-0.2664778776652257, -0.09986870452515673, 1.105882550611106, -0.8651144274765945]), np.array([[-0.6678162815695405, -0.6585057920235587, 0.09428967710913971], [1.0302745197439298, 0.7053404884534236, 1.1144026720467177], [0.5122418357696064, -0.7719858654729153, 0.13403666888726096], [-0.3379554245936167, -0.6690620684767054, 0.550028984585238]]))
WRT = (0, 1, 2)
