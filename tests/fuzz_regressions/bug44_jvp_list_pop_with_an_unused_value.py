"""forward and reverse disagreed: ``A9 = L7.pop()`` with A9 never used was kept
in the primal, but forward mode skipped the statement's tangent (A9 is not
active), so the tangent list kept one item more than the list and L7[-1] was
paired with the wrong tangent. The tangent list is now popped too. (A
mutating method such as ``pop(0)`` whose result is unused is now refused in
both modes; it was ignored.)

Found by tools/fuzz.py (seed 5004, program 288).
"""
import math
import numpy as np

def f(w, B):
    L7 = [np.tanh(B), w[:, None] * np.linspace(0.1, 0.9, 5).reshape(1, 5)]
    if np.mean(B) >= -0.2:
        A9 = L7.pop()
    A10 = L7[-1].copy()
    return 0.31 * np.mean(A10 ** 2) + 0.46 * np.sum(B ** 2)

FUNC = 'f'
ARGS = (np.array([0.5769414903860026, -0.5742121518957972, -1.1586810101378653, 1.02707296721673]), np.array([[-0.39965477746506883, -0.6373481690272094, 0.8288583101281859, 0.10678476961232475, 1.1377047545442662], [0.5107849922771668, 0.3299043391839207, -0.7687755927729889, 0.5238233894613034, -0.9809345525125485], [-0.9778700688745318, -0.312432157946383, 1.1599936526848886, -0.8201767150252841, 0.6417279580607322], [-0.505205700324401, -0.0010132219550342825, 0.39724364540345647, -0.913826901064581, 0.20245224628324054]]))
WRT = (0, 1)
