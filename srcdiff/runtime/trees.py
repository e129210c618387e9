"""Values as trees: tuples, lists and dicts of arrays and numbers.

Tangents and cotangents of structured arguments have the structure of the
argument; these take a tree apart (``leaves``), put one together like another
(``rebuild``) and make its zero (``zero_like``).
"""
import numpy as np


def leaves(x):
    """The arrays and numbers in ``x``, in order (tuples, lists and dicts opened)."""
    if isinstance(x, (list, tuple)):
        return [leaf for e in x for leaf in leaves(e)]
    if isinstance(x, dict):
        return [leaf for v in x.values() for leaf in leaves(v)]
    return [x]


def rebuild(like, leaves):
    """``like``'s structure holding ``leaves`` (an iterator) in place of its own."""
    if isinstance(like, (list, tuple)):
        items = [rebuild(e, leaves) for e in like]
        return type(like)(*items) if hasattr(like, "_fields") else type(like)(items)
    if isinstance(like, dict):
        return {k: rebuild(v, leaves) for k, v in like.items()}
    return next(leaves)


def zero_like(x):
    """A zero tangent of ``x`` (of its structure, for a tuple, list or dict)."""
    if isinstance(x, (list, tuple, dict)):
        return rebuild(x, iter([zero_like(leaf) for leaf in leaves(x)]))
    if isinstance(x, float) or (np.ndim(x) == 0 and not hasattr(x, "shape")):
        return 0.0
    return np.zeros(np.shape(x), dtype=np.result_type(x, float))
