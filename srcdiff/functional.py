"""Python versions of ``map`` and ``functools.reduce`` that srcdiff inlines.

A call ``map(fn, xs)`` or ``functools.reduce(fn, xs, init)`` in differentiated
code becomes a call of one of these (values.py), so the function it applies
is inlined at each use like any call the user writes. ``map`` gives a list.
"""


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


def hvp_call(forward, *args):
    """``hvp(f)(*args)`` made in differentiated code: ``forward`` is the generated
    forward function of f's gradient (primals, then the vector)."""
    return forward(*args)[1]
