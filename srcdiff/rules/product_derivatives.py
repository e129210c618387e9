"""Pieces of the product rules' derivatives (products.py): the axes of
``tensordot``, ``dot``, ``inner``, ``kron`` and ``cross``, and the cotangents
and tangents of ``einsum``.

Plain NumPy-API code (it never forces values through ``np.asarray`` or
``float()``, so Dask or CuPy arrays stay in their own library). A piece that
carries derivative information has its own vjp/jvp rules (after its section),
so derivative code that calls it can be differentiated again; one that only
computes constants (masks, axes, subscripts) is ``nondifferentiable``.
"""
import numpy as np

from ..runtime import unbroadcast, add_cotangents, cast_like
from ..runtime.refusals import unsupported
from .registry import vjp_rule, jvp_rule, nondifferentiable, register_linear


def tensordot_spec(na, nb, axes=2):
    """Axes and permutations for the cotangents of ``np.tensordot(a, b, axes)``:
    returns ``(axes_gb, perm_a, axes_ag, perm_b)`` with
    ``ct_a = transpose(tensordot(g, b, axes_gb), perm_a)`` and
    ``ct_b = transpose(tensordot(a, g, axes_ag), perm_b)``."""
    if np.ndim(axes) == 0:
        k = int(axes)
        ax_a = list(range(na - k, na))
        ax_b = list(range(k))
    else:
        aa, bb = axes
        ax_a = [int(aa)] if np.ndim(aa) == 0 else [int(x) for x in aa]
        ax_b = [int(bb)] if np.ndim(bb) == 0 else [int(x) for x in bb]
    ax_a = [x % na for x in ax_a] if na else ax_a
    ax_b = [x % nb for x in ax_b] if nb else ax_b
    free_a = [i for i in range(na) if i not in ax_a]
    free_b = [i for i in range(nb) if i not in ax_b]
    nfa, nfb = len(free_a), len(free_b)
    # ct_a: contract g's b-free dims with b's free dims -> free_a + (b contracted dims in b order)
    axes_gb = (list(range(nfa, nfa + nfb)), free_b)
    # the remaining b dims come in increasing b-axis order; map each to its a axis
    b_rem = sorted(ax_b)
    order_a = free_a + [ax_a[ax_b.index(j)] for j in b_rem]
    perm_a = tuple(int(i) for i in np.argsort(order_a))
    # ct_b: contract a's free dims with g's a-free dims -> (a contracted dims in a order) + free_b
    axes_ag = (free_a, list(range(nfa)))
    a_rem = sorted(ax_a)
    order_b = [ax_b[ax_a.index(i)] for i in a_rem] + free_b
    perm_b = tuple(int(i) for i in np.argsort(order_b))
    return axes_gb, perm_a, axes_ag, perm_b


def dot_spec(na, nb):
    """``np.dot`` as ``np.tensordot``: the ``axes`` argument."""
    if na == 0 or nb == 0:
        return 0
    return ([na - 1], [0 if nb == 1 else nb - 2])


def inner_spec(na, nb):
    """``np.inner`` as ``np.tensordot``: the ``axes`` argument."""
    if na == 0 or nb == 0:
        return 0
    return ([na - 1], [nb - 1])


def kron_spec(sa, sb):
    """Shapes for ``np.kron``'s cotangents: the interleaved shape of the output,
    the positions of a's and b's axes in it, and the padded shapes of a and b."""
    nd = max(len(sa), len(sb))
    pa = (1,) * (nd - len(sa)) + tuple(sa)
    pb = (1,) * (nd - len(sb)) + tuple(sb)
    inter = []
    for x, y in zip(pa, pb):
        inter += [x, y]
    apos = list(range(0, 2 * nd, 2))
    bpos = list(range(1, 2 * nd, 2))
    return tuple(inter), apos, bpos, pa, pb, list(range(nd))


def cross_axes(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The vector axes (of a, b, the output) of ``np.cross`` (``axis`` overrides
    them); 2-vectors are refused."""
    if axis is not None:
        axisa = axisb = axisc = axis
    if np.shape(a)[axisa] != 3 or np.shape(b)[axisb] != 3:
        unsupported("the derivative of np.cross of 2-vectors")
    return axisa, axisb, axisc


nondifferentiable(cross_axes)


def three_vectors(v, other):
    """``v``, checking that the last axes of ``v`` and ``other`` hold 3-vectors: the
    reverse rule of ``np.cross`` with its default axes reads an operand through
    this, so that 2-vectors are refused there too (the refusal in cross_axes is
    dead code in that branch)."""
    if np.shape(v)[-1] != 3 or np.shape(other)[-1] != 3:
        unsupported("the derivative of np.cross of 2-vectors")
    return v


@vjp_rule(three_vectors)
def three_vectors_vjp(g, ans, v, other):
    return g, None


@jvp_rule(three_vectors)
def three_vectors_jvp(ans, v, other, *, dv):
    return dv


def _einsum_parse(subscripts, shapes):
    """Explicit form of an einsum string: list of input index strings and the
    output string, with any ellipsis replaced by fresh upper-case letters."""
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        ins, out = subscripts.split("->")
        explicit = True
    else:
        ins, out = subscripts, None
        explicit = False
    ins = ins.split(",")
    used = set(subscripts)
    fresh = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
    ell_n = 0
    for s, shp in zip(ins, shapes):
        if "..." in s:
            ell_n = max(ell_n, len(shp) - (len(s) - 3))
    ell = "".join(fresh[:ell_n])
    new_ins = []
    for s, shp in zip(ins, shapes):
        if "..." in s:
            k = len(shp) - (len(s) - 3)
            s = s.replace("...", ell[ell_n - k:] if k else "")
        new_ins.append(s)
    if not explicit:
        counts = {}
        for s in new_ins:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
    return new_ins, out, fresh[ell_n:]


def _einsum_sizes(ins, shapes):
    sizes = {}
    for s, shp in zip(ins, shapes):
        for c, n in zip(s, shp):
            if n != 1 or c not in sizes:
                sizes[c] = n
    return sizes


_EINSUM_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _einsum_sublist(sub):
    return "".join("..." if i is Ellipsis else _EINSUM_LETTERS[i] for i in sub)


def einsum_form(operands):
    """(subscripts string, arrays, their positions in ``operands``) of an einsum
    call in either form: ``(subscripts, *ops)`` or the interleaved
    ``(op0, sublist0, op1, sublist1, ..., [output sublist])``."""
    if isinstance(operands[0], str):
        return operands[0], list(operands[1:]), list(range(1, len(operands)))
    n = len(operands) // 2
    pos = list(range(0, 2 * n, 2))
    ins = ",".join(_einsum_sublist(operands[p + 1]) for p in pos)
    out = "->" + _einsum_sublist(operands[-1]) if len(operands) % 2 else ""
    return ins + out, [operands[p] for p in pos], pos


def einsum_pick(values, operands, pos):
    """The entries of ``values`` (aligned with ``operands``, or already with the
    arrays only) that belong to the arrays."""
    if values is None:
        return None
    values = list(values)
    return [values[p] for p in pos] if len(values) == len(operands) else values


def einsum_place(values, operands, pos):
    """A tuple aligned with ``operands`` holding ``values`` (one per array) at
    the arrays' positions, None elsewhere."""
    out = [None] * len(operands)
    for p, v in zip(pos, values):
        out[p] = v
    return tuple(out)


def einsum_cotangents(g, operands):
    """Cotangents of ``np.einsum(subscripts, *ops)`` (either form, see
    einsum_form): a tuple aligned with ``operands`` (None for subscripts)."""
    subscripts, ops, pos = einsum_form(operands)
    shapes = [np.shape(x) for x in ops]
    ins, out, spare = _einsum_parse(subscripts, shapes)
    sizes = _einsum_sizes(ins, shapes)
    res = []
    for k, x in enumerate(ops):
        sk = ins[k]
        # repeated letters of operand k: give later occurrences fresh letters, tie with eye
        letters = []
        extra_ops, extra_subs = [], []
        pool = list(spare)
        for c in sk:
            if c in letters:
                f = pool.pop(0)
                letters.append(f)
                extra_ops.append(np.eye(sizes[c]))
                extra_subs.append(c + f)
            else:
                letters.append(c)
        target = "".join(letters)
        present = set(out).union(*[set(s) for j, s in enumerate(ins) if j != k]).union(*[set(s) for s in extra_subs])
        for c in set(target):
            if c not in present:
                extra_ops.append(np.ones(sizes[c] if np.shape(x)[target.index(c)] != 1 else 1))
                extra_subs.append(c)
        others = [o for j, o in enumerate(ops) if j != k]
        osubs = [s for j, s in enumerate(ins) if j != k]
        spec = ",".join([out] + osubs + extra_subs) + "->" + target
        ct = np.einsum(spec, g, *others, *extra_ops)
        if np.shape(ct) != np.shape(x):  # size-1 broadcasting either way
            ct = np.broadcast_to(unbroadcast(ct, x), np.shape(x))
        res.append(cast_like(ct, x))
    return einsum_place(res, operands, pos)


def einsum_tangent(operands, tangents):
    """Tangent of ``np.einsum(subscripts, *ops)``: the sum over operands of the
    einsum with that operand replaced by its tangent (``None`` = zero)."""
    subscripts, ops, pos = einsum_form(operands)
    douts = einsum_pick(tangents, operands, pos)
    total = None
    for k, d in enumerate(douts):
        if d is None:
            continue
        args = ops[:k] + [d] + ops[k + 1:]
        t = np.einsum(subscripts, *args)
        total = t if total is None else total + t
    if total is None:
        return np.zeros_like(np.einsum(subscripts, *ops))
    return total


@vjp_rule(einsum_cotangents)
def einsum_cotangents_vjp(gg, ans, g, operands):
    # ans[k] = einsum(s_k, g, *others): linear in g and in each operand.
    cts = einsum_cotangents_transpose(gg, g, operands)
    return cts[0], cts[1]


@jvp_rule(einsum_cotangents)
def einsum_cotangents_jvp(ans, g, operands, *, dg, doperands):
    return add_cotangents(einsum_cotangents(dg, operands), einsum_cotangents_dops(g, operands, doperands))


def einsum_cotangents_dops(g, operands, doperands):
    """Tangent of einsum_cotangents(g, operands) along the operands' tangents."""
    if doperands is None:
        return None
    subscripts, ops, pos = einsum_form(operands)
    douts = einsum_pick(doperands, operands, pos)
    total = None
    for j, d in enumerate(douts):
        if d is None:
            continue
        new_ops = [subscripts] + ops[:j] + [d] + ops[j + 1:]
        cts = list(einsum_cotangents(g, new_ops)[1:])
        cts[j] = None  # operand j's cotangent does not involve operand j
        total = add_cotangents(total, einsum_place(cts, operands, pos))
    # an operand whose cotangent no tangent reached: a zero tangent, not None
    return None if total is None else einsum_place(
        [0.0 * x if total[p] is None else total[p] for p, x in zip(pos, ops)], operands, pos)


def einsum_cotangents_transpose(gg, g, operands):
    """vjp of einsum_cotangents: cotangents of g and of the operands."""
    subscripts, ops, pos = einsum_form(operands)
    ggl = einsum_pick(gg, operands, pos)
    ct_g = None
    ct_ops = [None] * len(ops)
    for k, t in enumerate(ggl):
        if t is None:
            continue
        # ans_k = einsum(s_k, g, ops != k): <t, ans_k> -> cotangent of g and others
        args = ops[:k] + [t] + ops[k + 1:]
        ct_g = add_cotangents(ct_g, np.einsum(subscripts, *args))
        for j in range(len(ops)):
            if j == k:
                continue
            # <t, E_k(g, ops)> as a function of op j: einsum with op k -> t and take op j's cotangent
            cts = einsum_cotangents(g, [subscripts] + args)
            ct_ops[j] = add_cotangents(ct_ops[j], cts[j + 1])
    # an operand no cotangent reached (einsum is linear in it alone): zeros, not None
    return ct_g, einsum_place([0.0 * x if c is None else c for c, x in zip(ct_ops, ops)],
                              operands, pos)


@vjp_rule(einsum_tangent)
def einsum_tangent_vjp(gg, ans, operands, tangents):
    subscripts, ops, pos = einsum_form(operands)
    dts = einsum_pick(tangents, operands, pos)
    ct_d = einsum_cotangents(gg, operands)
    ct_ops = [None] * len(ops)
    for k, d in enumerate(dts):
        if d is None:
            continue
        cts = einsum_cotangents(gg, [subscripts] + ops[:k] + [d] + ops[k + 1:])
        for j in range(len(ops)):
            if j != k:
                ct_ops[j] = add_cotangents(ct_ops[j], cts[j + 1])
    return einsum_place(ct_ops, operands, pos), tuple(ct_d)


@jvp_rule(einsum_tangent)
def einsum_tangent_jvp(ans, operands, tangents, *, doperands, dtangents):
    return einsum_tangent(operands, dtangents) + einsum_tangent_second(operands, tangents, doperands)


def einsum_tangent_second(operands, d1, d2):
    """Sum over ordered pairs k != j of einsum with op k -> d1[k], op j -> d2[j]."""
    subscripts, ops, pos = einsum_form(operands)
    a = einsum_pick(d1, operands, pos)
    b = einsum_pick(d2, operands, pos)
    total = None
    for k in range(len(ops)):
        for j in range(len(ops)):
            if k == j or a[k] is None or b[j] is None:
                continue
            args = list(ops)
            args[k] = a[k]
            args[j] = b[j]
            t = np.einsum(subscripts, *args)
            total = t if total is None else total + t
    if total is None:
        return 0.0
    return total


register_linear((0,), three_vectors, einsum_cotangents)


nondifferentiable(tensordot_spec, dot_spec, inner_spec, kron_spec)
