"""Dicts, ``sorted`` and lists in generated code: their items, values and
sources with the cotangents and tangents of each, ``+``/``*`` of sequences,
and re-iterable sequences of what an iterator yields."""

from .cotangents import complete_cotangent


def dict_get(d, key, default=None):
    """``d.get(key, default)``: the transforms use it, with its rules, for a
    ``.get`` on a differentiated value."""
    return d.get(key, default)


def dict_items(d):
    """``d.items()`` as a list of pairs: the transforms use it, with its rules,
    for ``.items()`` on a differentiated dict."""
    return list(d.items())


def dict_values(d):
    """``d.values()`` as a list (see ``dict_items``)."""
    return list(d.values())


def items_cotangent(g, d):
    """The cotangent of dict ``d`` from the cotangent ``g`` of ``list(d.items())``
    (each pair's value cotangent goes to its key; missing ones are zeros)."""
    return complete_cotangent({k: pair[1] for k, pair in zip(d, g) if pair is not None}, d)


def items_tangent(dd, d):
    """The tangent of ``list(d.items())`` from the tangent ``dd`` of ``d``."""
    return [(None, dd[k]) for k in d]


def values_cotangent(g, d):
    """The cotangent of dict ``d`` from the cotangent ``g`` of ``list(d.values())``."""
    return complete_cotangent(dict(zip(d, g)), d)


def values_tangent(dd, d):
    """The tangent of ``list(d.values())`` from the tangent ``dd`` of ``d``."""
    return [dd[k] for k in d]


def dict_source_cotangent(g, src):
    """The cotangent of ``src`` (a dict, or a sequence of (key, value) pairs) from
    the cotangent ``g`` of ``dict(src)`` (of pairs with a repeated key, only the
    last one's value is in the dict)."""
    if isinstance(src, dict):
        return complete_cotangent(None if g is None else {k: g.get(k) for k in src}, src)
    pairs = list(src)
    last = {k: i for i, (k, _) in enumerate(pairs)}
    out = [(None, complete_cotangent(g.get(k) if g is not None and last[k] == i else None, v))
           for i, (k, v) in enumerate(pairs)]
    return tuple(out) if isinstance(src, tuple) else out


def dict_source_tangent(dsrc, src):
    """The tangent of ``dict(src)`` from the tangent ``dsrc`` of ``src``."""
    if isinstance(src, dict):
        return {k: None if dsrc is None else dsrc.get(k) for k in src}
    out = {}
    for (k, v), dp in zip(list(src), dsrc if dsrc is not None else [None] * len(src)):
        out[k] = None if dp is None else dp[1]
    return out


def dict_items_like(t, g):
    """The dict ``t`` with a zero for every other key of the dict ``g``."""
    if not isinstance(g, dict) or not isinstance(t, dict):
        return t
    return {k: t[k] if k in t and t[k] is not None else complete_cotangent(None, v)
            for k, v in g.items()}


def sorted_order(x, key=None, reverse=False):
    """The positions ``sorted(x, key=key, reverse=reverse)`` takes its items
    from (Python's stable sort; a dict: its keys)."""
    items = list(x)
    k = (lambda i: items[i]) if key is None else (lambda i: key(items[i]))
    return sorted(range(len(items)), key=k, reverse=reverse)


def sorted_cotangent(g, x, key=None, reverse=False):
    """The cotangent of the sequence ``x`` from the cotangent ``g`` of
    ``sorted(x, ...)``: each item's goes back to where it came from (the order
    is constant where it is differentiable). A dict's keys carry none."""
    if isinstance(x, dict) or g is None:
        return None
    order = sorted_order(x, key, reverse)
    out = [None] * len(order)
    for j, i in enumerate(order):
        out[i] = g[j]
    return complete_cotangent(out, list(x) if not isinstance(x, (list, tuple)) else x)


def sorted_tangent(dx, x, key=None, reverse=False):
    """The tangent of ``sorted(x, ...)`` from the tangent ``dx`` of ``x`` (a
    dict's sorted keys: constants, no tangent)."""
    if isinstance(x, dict) or dx is None:
        return [None] * len(x)
    return [dx[i] for i in sorted_order(x, key, reverse)]


def sorted_keys_only(x):
    """Forward mode takes ``sorted(x)`` of a differentiated ``x`` as constant
    keys: right for a dict (its keys), refused for values, whose order moves."""
    if not isinstance(x, dict):
        from ..errors import SrcdiffError
        raise SrcdiffError("forward mode differentiates sorted() of a dict's keys only, not "
                           f"sorted() of a differentiated {type(x).__name__}",
                           hint="sort indices with np.argsort and index with them")


def seq_add(a, b):
    """``a + b`` where a or b may be a list or tuple (which it joins): the
    transforms use it, with its rules, for a ``+`` on such a value."""
    return a + b


def seq_mul(a, b):
    """``a * b`` where a or b may be a list or tuple (repeated ``n`` times)."""
    return a * b


def as_sequence(it):
    """A re-iterable, reversible sequence of what ``it`` yields (a list is copied:
    the loop's items stay as they were if the list changes later)."""
    if isinstance(it, (range, tuple)) or hasattr(it, "shape"):
        return it
    return list(it)


def pop_tail(items, n):
    """Remove and return the last ``n`` elements of a list (the adjoint of extend)."""
    tail = items[len(items) - n:]
    del items[len(items) - n:]
    return tail
