"""forward mode gave a nonzero tangent for a value that does not depend on
the input: ``w22 = A18[:, 0] + 1.0`` is a new array, but its tangent was
passed through as the view ``dA18[:, 0]``; the later write
``A18[:, 0:1] = ...`` then wrote into that view's base tangent in place.
A tangent handed on without a copy now also gives up ownership of the
buffers its operands' tangents are views of (forward.set_tangent), so the
write copies (set_item).

Found by tools/fuzz.py (seed 2001, program 1316; shrunk).
"""
import math
import numpy as np

def f(p):
    A18 = np.linspace(0.1, 0.9, 4).reshape(1, 4)
    w22 = A18[:, 0] + 1.0
    A18[:, 0:1] = p['b']
    return np.sum(w22)

FUNC = 'f'
ARGS = ({'w': np.array([0.6786342343029446, 0.6096575727648603, 1.1341592764486805, 0.7014124828175767]), 'b': -0.40633688501391263},)
WRT = (0,)
