"""Jacobians of values nested in tuples, lists and dicts: unit tangents one
element at a time, and the blocks (one per pair of leaves) nested as JAX nests
them, the output's structure outside, the input's inside."""
import numpy as np

from ..runtime import trees


def _basis(x):
    """Unit tangents of ``x`` one element at a time (float arrays or floats)."""
    if np.ndim(x) == 0 and not hasattr(x, "shape"):
        yield 1.0
        return
    dtype = np.result_type(x, float)
    from ..runtime import size_of
    n = int(size_of(x))
    for j in range(n):
        e = np.zeros(n, dtype=dtype)
        e[j] = 1
        yield e.reshape(np.shape(x))


def _leaves_like(t, like):
    """The leaves of the tangent or cotangent ``t`` of ``like``, one per leaf of
    ``like`` (zeros where ``t`` is absent)."""
    if isinstance(like, (list, tuple, dict)):
        keys = like.keys() if isinstance(like, dict) else range(len(like))
        parts = like.values() if isinstance(like, dict) else like
        return [leaf for k, p in zip(keys, parts)
                for leaf in _leaves_like(None if t is None else t[k], p)]
    return [trees.zero_like(like) if t is None else t]


def _size(x):
    from ..runtime import size_of
    return sum(int(size_of(leaf)) for leaf in trees.leaves(x))


def _unit(like, j, e):
    """A tangent of ``like``: ``e`` at its ``j``-th leaf, zeros elsewhere."""
    return trees.rebuild(like, iter([e if k == j else trees.zero_like(leaf)
                                for k, leaf in enumerate(trees.leaves(like))]))


def _blocks(outer, inner, columns, axis):
    """The nested Jacobian from ``columns[i][j]``, the slices (stacked along
    ``axis``) of the block of ``outer``'s ``i``-th leaf and ``inner``'s ``j``-th."""
    rows = []
    for o, cols in zip(trees.leaves(outer), columns):
        row = []
        for x, col in zip(trees.leaves(inner), cols):
            shape = np.shape(o) + np.shape(x)
            row.append(np.stack(col, axis=axis).reshape(shape) if col
                       else np.zeros(shape, dtype=np.result_type(o, x, float)))
        rows.append(trees.rebuild(inner, iter(row)))
    return trees.rebuild(outer, iter(rows))


def _per_row(block, outer, fn):
    """``block`` (a Jacobian nested as ``_blocks`` nests it: ``outer``'s structure
    outside) with ``fn`` applied to each of its rows."""
    if isinstance(outer, (list, tuple, dict)):
        keys = list(outer.keys() if isinstance(outer, dict) else range(len(outer)))
        rows = [_per_row(block[k], outer[k], fn) for k in keys]
        if isinstance(outer, dict):
            return dict(zip(keys, rows))
        return type(outer)(*rows) if hasattr(outer, "_fields") else type(outer)(rows)
    return fn(block)
