"""What the shape analyses know about the operations a program calls: which
act elementwise, which reduce to a number, which give a Python number."""
import math
import operator

import numpy as np

from .. import runtime

_ELEMENTWISE_OPS = {operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
                    operator.mod, operator.neg, operator.pos}
FULL_REDUCTIONS = {np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.std,
                   np.var, np.linalg.det, np.vdot, np.trace}
SCALAR_FUNCS = {float, int, len, math.sqrt, math.exp, math.log, math.sin, math.cos, math.tan,
                math.tanh, math.atan2, math.pow, math.hypot}
# (not runtime.scalar_seed: the seed of an output of shape (1,) or (1, 1) has its shape)

_SHAPE_PRESERVING = {np.copy, runtime.saved_copy, np.positive, np.negative, np.conj,
                     np.conjugate, np.real_if_close}


def elementwise(func):
    """Is ``func``'s result shaped like the broadcast of its operands?"""
    if func in _ELEMENTWISE_OPS or func in _SHAPE_PRESERVING:
        return True
    # (a generalized ufunc -- np.matmul, np.vecdot, np.matvec -- has core dimensions:
    # its result is not shaped like its broadcast operands)
    return isinstance(func, np.ufunc) and func.nout == 1 and func.signature is None


def reads_by_op(ops):
    """The names each operation reads, by ``id(op)`` (read once, not on every
    round of a fixpoint)."""
    return {id(op): op.reads() if op.kind != "const" else () for _, op in ops}
