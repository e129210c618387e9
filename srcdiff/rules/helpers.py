"""Rules for the runtime helpers that generated code calls, so that
generated derivatives can themselves be differentiated."""
import numpy as np

from ..runtime import (unbroadcast, broadcast_like, expand_reduced, sum_to_shape,
                       zeros_like_value)
from .registry import vjp_rule, jvp_rule, register_linear, nondifferentiable


@vjp_rule(unbroadcast)
def unbroadcast_vjp(gg, ans, g, x):
    return broadcast_like(gg, g), None


@jvp_rule(unbroadcast)
def unbroadcast_jvp(ans, g, x, *, dg, dx):
    return unbroadcast(dg, x)


@vjp_rule(broadcast_like)
def broadcast_like_vjp(gg, ans, t, ref):
    return unbroadcast(gg, t), None


@jvp_rule(broadcast_like)
def broadcast_like_jvp(ans, t, ref, *, dt, dref):
    return broadcast_like(dt, ref)


@vjp_rule(expand_reduced)
def expand_reduced_vjp(gg, ans, g, x, axis=None, keepdims=False):
    return np.sum(gg, axis=axis, keepdims=keepdims), None


@jvp_rule(expand_reduced)
def expand_reduced_jvp(ans, g, x, axis=None, keepdims=False, *, dg, dx):
    return expand_reduced(dg, x, axis, keepdims)


register_linear((0,), unbroadcast, broadcast_like, expand_reduced, sum_to_shape)
nondifferentiable(zeros_like_value)
