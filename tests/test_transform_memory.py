"""Transforms of new functions keep nothing beyond their bounded caches (issue 19).

The clean-up passes used to define a visitor class per call (``_replace`` of
forward substitution, ``put_unit_seed``); ``syntax.Transformer`` keeps a table
of the classes it has met, so every such class, with the tree its closure
held, stayed alive for good: about 50 classes and 2,000 objects a small
transform, growing without bound over a test suite or a training script
that differentiates many functions.
"""
import numpy as np

import srcdiff
from srcdiff.ir import syntax

from numeric import assert_grads, load_function

SOURCE = """
def f(x):
    a = np.sin(x) * {k}.0
    b = a * x + np.cos(a)
    c = np.tanh(b) / (1.0 + x * x)
    return np.sum(c * c) + np.sum(a * b)
"""


def test_new_functions_leave_no_visitor_classes_behind():
    x = np.array([0.3, -0.7, 1.1])
    fs = [load_function(SOURCE.format(k=k), "f") for k in range(1, 4)]
    known = None
    for f in fs:
        assert_grads(f, srcdiff.grad(f), (x,), 0)
        srcdiff.hvp(f)(x, np.ones_like(x))      # (and the gradient's own transforms)
        if known is None:
            known = len(syntax._VISITORS)
    assert len(syntax._VISITORS) == known
