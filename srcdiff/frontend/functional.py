"""Python versions of ``map``, ``functools.reduce`` and the ``itertools``
basics (``pairwise``, ``product``, ``accumulate``) that srcdiff inlines.

A call ``map(fn, xs)`` or ``functools.reduce(fn, xs, init)`` in differentiated
code becomes a call of one of these (values.py), so the function it applies
is inlined at each use like any call the user writes. ``map`` and the
itertools versions give lists (of tuples for ``pairwise`` and ``product``).
"""

import numpy as np

from ..rules.registry import nondifferentiable


def map1(fn, xs):
    return [fn(x) for x in xs]


def map2(fn, xs, ys):
    return [fn(x, y) for x, y in zip(xs, ys)]


def map3(fn, xs, ys, zs):
    return [fn(x, y, z) for x, y, z in zip(xs, ys, zs)]


def reduce2(fn, seq):
    items = list(seq)
    acc = items[0]
    for item in items[1:]:
        acc = fn(acc, item)
    return acc


def reduce3(fn, seq, initial):
    acc = initial
    for item in seq:
        acc = fn(acc, item)
    return acc


def pairwise(xs):
    items = list(xs)
    return [(a, b) for a, b in zip(items[:-1], items[1:])]


def product1(xs):
    return [(x,) for x in xs]


def product2(xs, ys):
    ys = list(ys)
    return [(x, y) for x in xs for y in ys]


def product3(xs, ys, zs):
    ys = list(ys)
    zs = list(zs)
    return [(x, y, z) for x in xs for y in ys for z in zs]


def accumulate(fn, seq):
    items = list(seq)
    out = []
    for item in items[:1]:
        out.append(item)
    for item in items[1:]:
        out.append(fn(out[-1], item))
    return out


def accumulate_from(fn, seq, initial):
    out = [initial]
    for item in seq:
        out.append(fn(out[-1], item))
    return out


def hvp_call(forward, *args):
    """``hvp(f)(*args)`` made in differentiated code: ``forward`` is the generated
    forward function of f's gradient (primals, then the vector)."""
    return forward(*args)[1]


def jacobian_call(forward, *args):
    """``jacobian(f)(*args)`` (w.r.t. the first argument) made in differentiated
    code: one jvp per element of the first argument, ``forward`` being f's
    generated jvp function (primals, then the tangent); shaped
    ``out.shape + x.shape``."""
    x = args[0]
    cols = [forward(*args, e)[1] for e in jacobian_basis(x)]
    return np.reshape(np.stack(cols, axis=-1), np.shape(cols[0]) + np.shape(x))


def jacobian_basis(x):
    """The unit tangents of the array or number ``x``, stacked (tuples, lists
    and dicts refused)."""
    if isinstance(x, (list, tuple, dict)):
        from ..errors import SrcdiffError
        from ..runtime.origins import user_location
        raise SrcdiffError("srcdiff.jacobian in differentiated code is differentiated w.r.t. "
                           "an array or a number, not a tuple, list or dict", *user_location(),
                           hint="take the jacobian w.r.t. each array")
    n = int(np.size(x))
    return np.reshape(np.eye(n, dtype=np.result_type(x, float)), (n,) + np.shape(x))


nondifferentiable(jacobian_basis)
