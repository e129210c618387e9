"""Products: dot, vdot, inner, outer, tensordot, einsum, kron, cross, ...

Most reverse rules are written with ``np.tensordot`` and ``np.transpose``
(whose own rules are again tensordots), so derivatives of derivatives stay
within the table. Axis bookkeeping is done by non-differentiable helpers
that compute only integers.
"""
import numpy as np

from ..runtime import unbroadcast, broadcast_like, matmul_grad_x, matmul_grad_y
from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, register_linear
from .operators import matmul as _matmul_vjp, matmul_jvp as _matmul_jvp
from .product_derivatives import (tensordot_spec, dot_spec, inner_spec, kron_spec, cross_axes,
                                  three_vectors, einsum_cotangents, einsum_tangent)
from .zero_fill import fill_zeros


@vjp_rule(np.dot)
def dot(g, ans, a, b, out=None):
    """N-D ``dot``: a's last axis against b's second-to-last (or only) axis."""
    axg, perm_a, axa, perm_b = tensordot_spec(np.ndim(a), np.ndim(b), dot_spec(np.ndim(a), np.ndim(b)))
    return np.transpose(np.tensordot(g, b, axg), perm_a), np.transpose(np.tensordot(a, g, axa), perm_b)


@jvp_rule(np.dot)
def dot_jvp(ans, a, b, out=None, *, da, db):
    return np.dot(da, b) + np.dot(a, db)


@vjp_rule(np.tensordot)
def tensordot(g, ans, a, b, axes=2):
    axg, perm_a, axa, perm_b = tensordot_spec(np.ndim(a), np.ndim(b), axes)
    return np.transpose(np.tensordot(g, b, axg), perm_a), np.transpose(np.tensordot(a, g, axa), perm_b)


@jvp_rule(np.tensordot)
def tensordot_jvp(ans, a, b, axes=2, *, da, db):
    return np.tensordot(da, b, axes) + np.tensordot(a, db, axes)


@vjp_rule(np.linalg.tensordot)
def linalg_tensordot(g, ans, x1, x2, *, axes=2):
    axg, perm_a, axa, perm_b = tensordot_spec(np.ndim(x1), np.ndim(x2), axes)
    return np.transpose(np.tensordot(g, x2, axg), perm_a), np.transpose(np.tensordot(x1, g, axa), perm_b)


@jvp_rule(np.linalg.tensordot)
def linalg_tensordot_jvp(ans, x1, x2, *, axes=2, dx1, dx2):
    return np.tensordot(dx1, x2, axes) + np.tensordot(x1, dx2, axes)


@vjp_rule(np.inner)
def inner(g, ans, a, b):
    axg, perm_a, axa, perm_b = tensordot_spec(np.ndim(a), np.ndim(b), inner_spec(np.ndim(a), np.ndim(b)))
    return np.transpose(np.tensordot(g, b, axg), perm_a), np.transpose(np.tensordot(a, g, axa), perm_b)


@jvp_rule(np.inner)
def inner_jvp(ans, a, b, *, da, db):
    return np.inner(da, b) + np.inner(a, db)


@vjp_rule(np.vdot)
def vdot(g, ans, a, b):
    """vdot conjugates ``a``: cotangents conj(g b) and g conj(a) (JAX convention)."""
    return np.reshape(np.conj(g * b), np.shape(a)), np.reshape(g * np.conj(a), np.shape(b))


@jvp_rule(np.vdot)
def vdot_jvp(ans, a, b, *, da, db):
    return np.vdot(da, b) + np.vdot(a, db)


@vjp_rule(np.outer, np.linalg.outer)
def outer(g, ans, a, b, out=None):
    return np.reshape(np.dot(g, np.ravel(b)), np.shape(a)), np.reshape(np.dot(np.ravel(a), g), np.shape(b))


@jvp_rule(np.outer, np.linalg.outer)
def outer_jvp(ans, a, b, out=None, *, da, db):
    return np.outer(da, b) + np.outer(a, db)


@vjp_rule(np.kron)
def kron(g, ans, a, b):
    inter, apos, bpos, pa, pb, ax = kron_spec(np.shape(a), np.shape(b))
    g4 = np.reshape(g, inter)
    return (np.reshape(np.tensordot(g4, np.reshape(b, pb), axes=(bpos, ax)), np.shape(a)),
            np.reshape(np.tensordot(g4, np.reshape(a, pa), axes=(apos, ax)), np.shape(b)))


@jvp_rule(np.kron)
def kron_jvp(ans, a, b, *, da, db):
    return np.kron(da, b) + np.kron(a, db)


@vjp_rule(np.cross)
def cross(g, ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """3-vectors (2-vectors are deprecated in NumPy and refused); vector axes
    elsewhere than last are moved last (the rule is again one of np.cross,
    np.moveaxis and unbroadcast, differentiable again)."""
    k = cross_axes(a, b, axisa, axisb, axisc, axis)
    am = np.moveaxis(a, k[0], -1)
    bm = np.moveaxis(b, k[1], -1)
    gm = np.moveaxis(g, k[2], -1)
    return (unbroadcast(np.cross(three_vectors(b, a), g), a)
            if axis is None and axisa == -1 and axisb == -1 and axisc == -1
            else np.moveaxis(unbroadcast(np.cross(bm, gm), am), -1, k[0]),
            unbroadcast(np.cross(g, three_vectors(a, b)), b)
            if axis is None and axisa == -1 and axisb == -1 and axisc == -1
            else np.moveaxis(unbroadcast(np.cross(gm, am), bm), -1, k[1]))


@jvp_rule(np.cross)
def cross_jvp(ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None, *, da, db):
    return (np.cross(da, b, axisa, axisb, axisc, axis)
            + np.cross(a, db, axisa, axisb, axisc, axis))


@vjp_rule(np.linalg.cross)
def linalg_cross(g, ans, x1, x2, *, axis=-1):
    k = cross_axes(x1, x2, axis=axis)
    am = np.moveaxis(x1, k[0], -1)
    bm = np.moveaxis(x2, k[1], -1)
    gm = np.moveaxis(g, k[2], -1)
    return (unbroadcast(np.cross(three_vectors(x2, x1), g), x1) if axis == -1
            else np.moveaxis(unbroadcast(np.cross(bm, gm), am), -1, k[0]),
            unbroadcast(np.cross(g, three_vectors(x1, x2)), x2) if axis == -1
            else np.moveaxis(unbroadcast(np.cross(gm, am), bm), -1, k[1]))


@jvp_rule(np.linalg.cross)
def linalg_cross_jvp(ans, x1, x2, *, axis=-1, dx1, dx2):
    return np.cross(dx1, x2, axis=axis) + np.cross(x1, dx2, axis=axis)


@vjp_rule(np.einsum)
def einsum(g, ans, *operands, out=None, optimize=False, **kwargs):
    """Any subscripts (explicit or implicit output, ellipsis, repeated indices
    within an operand); a tuple aligned with all positional arguments (the
    subscripts string gets ``None``)."""
    return einsum_cotangents(g, operands)


@jvp_rule(np.einsum)
def einsum_jvp(ans, *operands, out=None, optimize=False, doperands, **kwargs):
    return einsum_tangent(operands, doperands)


@vjp_rule(np.vecdot, np.linalg.vecdot)
def vecdot(g, ans, x1, x2, out=None, *, axis=-1, keepdims=False, **kwargs):
    """sum(conj(x1) * x2, axis): cotangents conj(g x2) and g conj(x1)."""
    gb = g if keepdims else np.expand_dims(g, axis)
    return unbroadcast(np.conj(gb * x2), x1), unbroadcast(gb * np.conj(x1), x2)


@jvp_rule(np.vecdot, np.linalg.vecdot)
def vecdot_jvp(ans, x1, x2, out=None, *, axis=-1, keepdims=False, dx1, dx2, **kwargs):
    return (broadcast_like(np.vecdot(dx1, x2, axis=axis, keepdims=keepdims), ans)
            + broadcast_like(np.vecdot(x1, dx2, axis=axis, keepdims=keepdims), ans))


def multi_dot_cotangents(g, arrays):
    """Cotangents (a list) of ``np.linalg.multi_dot(arrays)``."""
    n = len(arrays)
    first_vec = np.ndim(arrays[0]) == 1
    last_vec = np.ndim(arrays[-1]) == 1
    mats = list(arrays)
    if first_vec:
        mats[0] = np.reshape(mats[0], (1, -1))
    if last_vec:
        mats[-1] = np.reshape(mats[-1], (-1, 1))
    G = np.reshape(g, (np.shape(mats[0])[0], np.shape(mats[-1])[1]))
    pre = [None] * n
    suf = [None] * n
    for i in range(1, n):
        pre[i] = mats[i - 1] if i == 1 else pre[i - 1] @ mats[i - 1]
    for i in range(n - 2, -1, -1):
        suf[i] = mats[i + 1] if i == n - 2 else mats[i + 1] @ suf[i + 1]
    out = []
    for i in range(n):
        c = G
        if pre[i] is not None:
            c = np.swapaxes(pre[i], -1, -2) @ c
        if suf[i] is not None:
            c = c @ np.swapaxes(suf[i], -1, -2)
        out.append(np.reshape(c, np.shape(arrays[i])))
    return out


def multi_dot_tangent(arrays, tangents):
    """Tangent of ``np.linalg.multi_dot(arrays)``: one term per array."""
    total = None
    ts = fill_zeros(tangents, arrays)
    for i in range(len(arrays)):
        if tangents is not None and tangents[i] is None:
            continue
        t = np.linalg.multi_dot(list(arrays[:i]) + [ts[i]] + list(arrays[i + 1:]))
        total = t if total is None else total + t
    return total if total is not None else 0.0 * np.linalg.multi_dot(list(arrays))


@vjp_rule(np.linalg.multi_dot)
def multi_dot(g, ans, arrays, *, out=None):
    return multi_dot_cotangents(g, arrays)


@jvp_rule(np.linalg.multi_dot)
def multi_dot_jvp(ans, arrays, *, out=None, darrays):
    return multi_dot_tangent(arrays, darrays)


@vjp_rule(multi_dot_cotangents)
def multi_dot_cotangents_vjp(gg, ans, g, arrays):
    return multi_dot_tangent(arrays, gg), unsupported("second derivatives of multi_dot in its arrays")


@jvp_rule(multi_dot_cotangents)
def multi_dot_cotangents_jvp(ans, g, arrays, *, dg, darrays):
    return multi_dot_cotangents(dg, arrays) + unsupported("second derivatives of multi_dot in its arrays")


@vjp_rule(multi_dot_tangent)
def multi_dot_tangent_vjp(gg, ans, arrays, tangents):
    return unsupported("second derivatives of multi_dot in its arrays"), multi_dot_cotangents(gg, arrays)


@jvp_rule(multi_dot_tangent)
def multi_dot_tangent_jvp(ans, arrays, tangents, *, darrays, dtangents):
    return multi_dot_tangent(arrays, dtangents) + unsupported("second derivatives of multi_dot in its arrays")


vjp_rule(np.linalg.matmul)(_matmul_vjp)
jvp_rule(np.linalg.matmul)(_matmul_jvp)


# The runtime's matmul helpers (used by the ``@``/np.matmul rules) are bilinear:
# <matmul_grad_x(g, x, y), h> = <g, h @ y> and <matmul_grad_y(g, x, y), h> = <g, x @ h>.

@vjp_rule(matmul_grad_x)
def matmul_grad_x_vjp(gg, ans, g, x, y):
    return broadcast_like(np.matmul(gg, y), g), None, matmul_grad_y(g, gg, y)


@jvp_rule(matmul_grad_x)
def matmul_grad_x_jvp(ans, g, x, y, *, dg, dx, dy):
    return matmul_grad_x(dg, x, y) + matmul_grad_x(g, x, dy)


@vjp_rule(matmul_grad_y)
def matmul_grad_y_vjp(gg, ans, g, x, y):
    return broadcast_like(np.matmul(x, gg), g), matmul_grad_x(g, x, gg), None


@jvp_rule(matmul_grad_y)
def matmul_grad_y_jvp(ans, g, x, y, *, dg, dx, dy):
    return matmul_grad_y(dg, x, y) + matmul_grad_y(g, dx, y)


register_linear((0, 1), np.dot, np.tensordot, np.linalg.tensordot, np.inner, np.vdot, np.outer,
                np.linalg.outer, np.kron, np.cross, np.linalg.cross, np.vecdot, np.linalg.vecdot,
                np.linalg.matmul, matmul_grad_y)
register_linear((0, 2), matmul_grad_x)
register_linear((0,), multi_dot_cotangents)
