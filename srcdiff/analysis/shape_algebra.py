"""Symbolic shapes and their algebra. A symbolic shape is a tuple of
dimensions: 1, or ("d", length, offset) -- a length named by a symbol (the
call's number for its dimensions of that size, or (p, i): dimension i of
parameter p's shape at entry) plus a slice's offset -- and, last, perhaps
("rest", p, i): the dimensions i, i+1, ... of p's shape at entry, of a rank
not known. These functions give the shape of a broadcast and of an index."""
import gast


def has_rest(s):
    """Does symbolic shape s end in ("rest", p, i) -- the dimensions i, i+1, ...
    of parameter p's shape at entry, of a rank not known?"""
    return bool(s) and isinstance(s[-1], tuple) and s[-1][0] == "rest"


def sym_rank(s):
    """The rank of symbolic shape s, where known."""
    return None if s is None or has_rest(s) else len(s)


def _expand(s, n):
    """s with at least n explicit dimensions before its rest (indexing n
    dimensions of a value succeeds only where it has that many)."""
    while has_rest(s) and len(s) - 1 < n:
        _, p, i = s[-1]
        s = s[:-1] + (("d", (p, i), 0), ("rest", p, i + 1))
    return s


def _canon(s):
    """One spelling per shape: a trailing ("d", (p, i), 0), ("rest", p, i + 1)
    is ("rest", p, i)."""
    while len(s) >= 2 and has_rest(s):
        _, p, i = s[-1]
        if s[-2] != ("d", (p, i - 1), 0):
            break
        s = s[:-2] + (("rest", p, i - 1),)
    return s


def broadcast_shape(shapes):
    """The symbolic shape of a broadcast, or None where it cannot be told."""
    if any(s is None for s in shapes):
        return None
    if any(has_rest(s) for s in shapes):
        # rank unknown: only a broadcast of one shape with scalars is known
        arrays = {s for s in shapes if s != ()}
        return arrays.pop() if len(arrays) == 1 else None
    n = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(n):
        dims = {s[len(s) - n + i] for s in shapes if len(s) - n + i >= 0}
        dims.discard(1)
        if len(dims) > 1:
            return None
        out.append(dims.pop() if dims else 1)
    return tuple(out)


def index_shape(base, idx, sc):
    """The symbolic shape of ``base[idx]`` for integer indices and constant slices."""
    if base is None:
        return None
    items = list(idx.elts) if isinstance(idx, gast.Tuple) else [idx]
    base = _expand(base, len(items))
    out = []
    pos = 0
    for it in items:
        if pos >= len(base):
            return None
        if isinstance(it, gast.Slice):
            d = base[pos]
            start, stop = it.lower, it.upper
            if it.step is not None or not isinstance(d, tuple) or d[0] != "d":
                return None
            a = 0 if start is None else (start.value if isinstance(start, gast.Constant)
                                         and type(start.value) is int and start.value >= 0
                                         else None)
            b = 0 if stop is None else (stop.value if isinstance(stop, gast.Constant)
                                        and type(stop.value) is int and stop.value < 0
                                        else None)
            if a is None or b is None:
                return None
            out.append((d[0], d[1], d[2] - a + b))
            pos += 1
        elif (isinstance(it, gast.Constant) and type(it.value) is int) or (
                isinstance(it, gast.Name) and sc.ndims.get(it.id) == 0
                and sc.classes.get(it.id) is None):
            pos += 1
        else:
            return None
    return _canon(tuple(out) + tuple(base[pos:]))
