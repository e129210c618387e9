"""wrong gradient: Broadcasting a keepdims reduction of shape (M,1) against one of shape (1,N): the
adjoint of the sum is passed to each reduction's expand_reduced without first being
summed over the broadcast axis, so dA is 1.25 instead of 3.0 for a (4,2) input.

Found by tools/fuzz.py (shrunk, then simplified by hand).
"""
import math
import numpy as np


def f(A):
    B = np.sum(A, axis=1, keepdims=True) + np.mean(A, axis=0, keepdims=True)
    return np.sum(B)


FUNC = 'f'
ARGS = (np.array([[0.1, -0.4], [0.5, 0.2], [0.3, 0.6], [-0.7, 0.8]]),)
WRT = 0
