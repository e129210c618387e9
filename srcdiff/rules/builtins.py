"""Python builtins: sum, abs, float, min/max, and the ones that carry no derivative."""
import builtins

import numpy as np

from ..runtime import unbroadcast, broadcast_like
from .registry import vjp_rule, jvp_rule, nondifferentiable, register_linear


def spread_sum(g, items):
    """The cotangent of ``items`` in ``sum(items)``: ``g`` for every element."""
    if hasattr(items, "shape"):
        return broadcast_like(g, items)
    return [unbroadcast(g, e) for e in items]


@vjp_rule(spread_sum)
def spread_sum_vjp(gg, ans, g, items):
    return builtins.sum(gg) if not hasattr(items, "shape") else np.sum(gg, axis=0), None


@jvp_rule(spread_sum)
def spread_sum_jvp(ans, g, items, *, dg):
    return spread_sum(dg, items)


@vjp_rule(builtins.sum)
def sum_(g, ans, iterable, start=0):
    return spread_sum(g, iterable), unbroadcast(g, start)   # (start's is unused when omitted)


@jvp_rule(builtins.sum)
def sum_jvp(ans, iterable, start=0, *, diterable, dstart):
    return broadcast_like(builtins.sum(diterable), ans) + broadcast_like(dstart, ans)


@vjp_rule(builtins.abs)
def abs_(g, ans, x):
    """As ``np.abs``: ``g * conj(x) / |x|``, 0 selected at x = 0."""
    return np.where(ans == 0, 0.0, np.real(g) * np.conj(x) / np.where(ans == 0, 1.0, ans))


@jvp_rule(builtins.abs)
def abs_jvp(ans, x, *, dx):
    return np.where(ans == 0, 0.0, np.real(np.conj(x) * dx) / np.where(ans == 0, 1.0, ans))


@vjp_rule(builtins.float)
def float_(g, ans, x):
    return g


@jvp_rule(builtins.float)
def float_jvp(ans, x, *, dx):
    return dx


def selected_index(items, which):
    """The index of the item ``which`` (builtin min or max) selects (the first)."""
    return which(range(len(items)), key=lambda i: items[i])


# (an index: a call of it stays a call when select_grad is differentiated again,
# its lambda is not inlined into code that forward mode cannot follow)
nondifferentiable(selected_index)


def select_grad(g, ans, args, which):
    """Cotangents of min/max: ``g`` goes to the (first) selected argument."""
    if len(args) == 1:
        items = args[0]
        out = [_zero_for(a, g) for a in items]
        out[selected_index(items, which)] = g
        return (out,)
    k = selected_index(args, which)
    return tuple(g if i == k else _zero_for(args[i], g) for i in range(len(args)))


def _zero_like(g):
    """A zero cotangent (selected, not g * 0.0, which is NaN for an infinite g)."""
    return 0.0 if isinstance(g, (float, int)) else np.zeros_like(g)


def _zero_for(a, g):
    """The zero cotangent of an argument min/max did not select: of that
    argument's shape (``g`` has the selected one's: min(x[0:1], b) of a number
    b gives b a number, not a 1-vector)."""
    if np.shape(a) == np.shape(g):
        return _zero_like(g)
    if isinstance(a, np.ndarray):
        return np.zeros(a.shape, dtype=np.result_type(g))
    return np.zeros((), dtype=np.result_type(g))[()]


@vjp_rule(builtins.max)
def max_(g, ans, *args):
    return select_grad(g, ans, args, builtins.max)


@vjp_rule(builtins.min)
def min_(g, ans, *args):
    return select_grad(g, ans, args, builtins.min)


def select_tangent(args, dargs, which):
    """The tangent of min/max: the selected argument's (zero where it has none)."""
    if len(args) == 1:
        items = list(args[0])
        k = which(range(len(items)), key=lambda i: items[i])
        tans = dargs[0]
        t = None if tans is None else tans[k]
        return 0.0 * items[k] if t is None else t
    k = which(range(len(args)), key=lambda i: args[i])
    t = dargs[k]
    return 0.0 * args[k] if t is None else t


@jvp_rule(builtins.max)
def max_jvp(ans, *args, dargs):
    return select_tangent(args, dargs, builtins.max)


@jvp_rule(builtins.min)
def min_jvp(ans, *args, dargs):
    return select_tangent(args, dargs, builtins.min)


register_linear((0,), spread_sum, builtins.float)

nondifferentiable(builtins.len, builtins.range, builtins.isinstance, builtins.print,
                  builtins.int, builtins.round, builtins.bool, builtins.str, builtins.type,
                  builtins.id, builtins.hash, builtins.callable, builtins.hasattr, builtins.repr,
                  builtins.format, builtins.any, builtins.all, builtins.issubclass,
                  builtins.divmod, builtins.ord, builtins.chr)


def reverse_cotangent(g, x):
    """The cotangent of ``x`` in ``reversed(x)``."""
    if hasattr(x, "shape") and not isinstance(g, (list, tuple)):
        return np.flip(g, 0)
    if hasattr(x, "shape"):
        return np.stack(list(reversed(g)))
    return list(reversed(g))


def sequence_cotangent(g, x):
    """The cotangent of ``x`` in ``list(x)`` / ``tuple(x)`` (rows of an array, or items)."""
    if hasattr(x, "shape"):
        # (a zero item may come as a plain 0.0: shaped like its row)
        return np.stack([np.zeros_like(x[i]) if gi is None else broadcast_like(gi, x[i])
                         for i, gi in enumerate(g)])
    return type(x)(g) if isinstance(x, (list, tuple)) else list(g)


@vjp_rule(builtins.reversed)
def reversed_(g, ans, x):
    return (reverse_cotangent(g, x),)


@jvp_rule(builtins.reversed)
def reversed_jvp(ans, x, *, dx):
    return reversed(dx)


@vjp_rule(builtins.list, builtins.tuple)
def list_(g, ans, x):
    return (sequence_cotangent(g, x),)


@jvp_rule(builtins.list)
def list_jvp(ans, x, *, dx):
    return list(dx)


@jvp_rule(builtins.tuple)
def tuple_jvp(ans, x, *, dx):
    return tuple(dx)


def enumerate_tangent(dx):
    """The tangent of ``enumerate(x)``: the pairs (index, item) with no tangent
    for the index (generated code keeps such a loop's sequence on a stack)."""
    return [(None, d) for d in dx]


def enumerate_cotangent(g, x):
    """The cotangent of ``x`` in ``enumerate(x)``: the items' part of each pair."""
    return sequence_cotangent([None if p is None else p[1] for p in g], x)


@vjp_rule(builtins.enumerate)
def enumerate_(g, ans, x, start=0):
    return (enumerate_cotangent(g, x),)


@jvp_rule(builtins.enumerate)
def enumerate_jvp(ans, x, start=0, *, dx):
    return enumerate_tangent(dx)


def zip_tangent(seqs, tangents):
    """The tangent of ``zip(*seqs)``: the tuples of the items' tangents (None for
    a sequence without one)."""
    n = min(len(a) for a in seqs) if seqs else 0
    return [tuple(_zero_item(s[i]) if d is None else d[i] for s, d in zip(seqs, tangents))
            for i in range(n)]


def _zero_item(x):
    """The zero tangent of an item (none for an integer's)."""
    if isinstance(x, (list, tuple, dict)) or not np.issubdtype(np.asarray(x).dtype, np.inexact):
        return None
    return np.zeros_like(x)


def zip_cotangent(g, x, j):
    """The cotangent of ``x``, the ``j``-th argument of ``zip``: part ``j`` of each
    tuple of ``g`` (none for the items zip stopped before)."""
    parts = [None if p is None else p[j] for p in g]
    return sequence_cotangent(parts + [None] * (len(x) - len(parts)), x)


def zip_part(gg, g, j):
    """Tuples shaped like ``g``'s holding ``gg``'s items at place ``j`` (the
    transpose of zip_cotangent)."""
    return [None if p is None else tuple(gg[i] if k == j else None for k in range(len(p)))
            for i, p in enumerate(g)]


@vjp_rule(zip_tangent)
def zip_tangent_vjp(gg, ans, seqs, tangents):
    return None, tuple(None if d is None else zip_cotangent(gg, d, j) for j, d in enumerate(tangents))


@jvp_rule(zip_tangent)
def zip_tangent_jvp(ans, seqs, tangents, *, dseqs, dtangents):
    return zip_tangent(seqs, dtangents)


@vjp_rule(zip_cotangent)
def zip_cotangent_vjp(gg, ans, g, x, j):
    return zip_part(gg, g, j), None, None


@jvp_rule(zip_cotangent)
def zip_cotangent_jvp(ans, g, x, j, *, dg, dx):
    return zip_cotangent(dg, x, j)


@vjp_rule(zip_part)
def zip_part_vjp(ggg, ans, gg, g, j):
    return zip_cotangent(ggg, gg, j), None, None


@jvp_rule(zip_part)
def zip_part_jvp(ans, gg, g, j, *, dgg, dg):
    return zip_part(dgg, g, j)


def zip_cotangents(g, args):
    """The cotangents of zip's arguments."""
    return tuple(zip_cotangent(g, x, j) for j, x in enumerate(args))


@vjp_rule(builtins.zip)
def zip_(g, ans, *args):
    return zip_cotangents(g, args)


@jvp_rule(builtins.zip)
def zip_jvp(ans, *args, dargs):
    return zip_tangent(args, dargs)


@vjp_rule(enumerate_tangent)
def enumerate_tangent_vjp(gg, ans, dx):
    return (enumerate_cotangent(gg, dx),)


@jvp_rule(enumerate_tangent)
def enumerate_tangent_jvp(ans, dx, *, ddx):
    return enumerate_tangent(ddx)


@vjp_rule(enumerate_cotangent)
def enumerate_cotangent_vjp(gg, ans, g, x):
    return enumerate_tangent(gg), None


@jvp_rule(enumerate_cotangent)
def enumerate_cotangent_jvp(ans, g, x, *, dg):
    return enumerate_cotangent(dg, x)


@vjp_rule(sequence_cotangent)
def sequence_cotangent_vjp(gg, ans, g, x):
    """``sequence_cotangent`` is linear in ``g``: its transpose splits ``gg`` back
    into ``g``'s items."""
    return (list(gg) if isinstance(g, list) else tuple(gg)), None


@jvp_rule(sequence_cotangent)
def sequence_cotangent_jvp(ans, g, x, *, dg, dx):
    return sequence_cotangent(dg, x)


@vjp_rule(reverse_cotangent)
def reverse_cotangent_vjp(gg, ans, g, x):
    return reverse_cotangent(gg, x), None


@jvp_rule(reverse_cotangent)
def reverse_cotangent_jvp(ans, g, x, *, dg):
    return reverse_cotangent(dg, x)


register_linear((0,), reverse_cotangent, builtins.reversed, builtins.list, builtins.tuple,
                builtins.enumerate, enumerate_tangent, enumerate_cotangent, zip_cotangent, zip_part)
