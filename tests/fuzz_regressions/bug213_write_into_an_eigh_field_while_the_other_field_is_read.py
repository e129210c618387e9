"""refused: 'w18' is written in place but may share memory with res16: the
eigenvalues of an np.linalg.eigh result (read by field, ``res16.eigenvalues``)
written in place after both fields were read. The items of a tuple of new
arrays share nothing with each other; the alias analyses now name each item
(sharing.TupleItems), and OwnedArrays takes a field read as a part of the
result, as an item read is. eigh's rule reads its outputs in the adjoint: the
write is undone before (checked at orders one and two).

Found by tools/fuzz.py --orders 1,2 (seed 2026120604, program 722; session 12),
shrunk by hand.
"""
import math
import numpy as np

def f(A, pt):
    s10 = 0.065 * (pt[1] - np.logaddexp(pt[0], pt[0])).sum()
    G17 = A @ A.T + np.diag(np.linspace(1.0, 2.0, 3))
    res16 = np.linalg.eigh(G17)
    w18 = res16.eigenvalues
    w19 = np.sum(res16.eigenvectors ** 2, axis=0) * res16.eigenvalues
    w18[2:3] = np.log(1.0 + np.square(np.square(np.log1p((np.tanh(w19) - s10) ** 2))))[1:2]
    return np.sum(w18 ** 2) + np.sum(w19)

FUNC = 'f'
ARGS = (np.array([[0.5122489427616299, -0.7704021236931469, -0.600729590405378, -0.36280831391038304, -0.9446534136290161], [0.7785048117145463, -0.0203823757348216, -0.7817647329586879, -0.6606072134107192, -1.1166223592084834], [0.4090562975576333, 0.6612760539828002, 0.758442758734255, -1.1899354982873036, -1.1050860540970762]]), (np.array([-1.0696351490512461, 0.3973167520591352, 0.46662868119014567, -0.9857356124338826, 0.7188397495544752]), -0.41837609134133935))
WRT = (0, 1)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
