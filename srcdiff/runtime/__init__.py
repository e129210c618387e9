"""Helpers that generated code and rules call.

Each helper is plain NumPy-API code (it dispatches through NEP-13/18, so
Dask or CuPy arrays stay in their own library) and has its own derivative
rules (rules/helpers.py), so generated derivatives can be differentiated
again.
"""
import math
import sys

import numpy as np

__all__ = ["unbroadcast", "broadcast_like", "sum_to_shape", "expand_reduced",
           "zeros_like_value", "add_cotangents", "complete_cotangent", "size_of",
           "reduced_size"]


_CONTAINERS = (list, tuple, dict)


def is_foreign(x):
    """True for an array of another library (Dask, CuPy, ...) that takes part in
    NumPy calls through NEP-13/18: the few NumPy-only operations (``np.copy``
    where the library lacks it, ``np.add.at``, assignment through ``None``) are
    replaced or refused for it, never run by converting it to NumPy."""
    return not isinstance(x, np.ndarray) and hasattr(x, "__array_function__")


def size_of(x):
    """The number of elements of ``x`` (``np.size`` without making a library that
    lacks ``np.size`` convert ``x`` to NumPy)."""
    return x.size if isinstance(x, np.ndarray) else math.prod(np.shape(x))


def reduced_size(x, axis=None):
    """How many elements of ``x`` a reduction over ``axis`` combines into each
    of its results (read from ``x``'s shape alone)."""
    shape = np.shape(x)
    if axis is None:
        return math.prod(shape)
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return math.prod(shape[a % len(shape)] for a in axes) if shape else 1


def array_copy(x):
    """A copy of the array ``x`` in its own library (``np.copy`` for NumPy)."""
    return x.copy() if is_foreign(x) and hasattr(x, "copy") else np.copy(x)


def sum_to_shape(g, shape):
    """Sum ``g`` over the axes that broadcasting added to reach ``shape``.
    (``shape`` may have more axes than ``g``: a value with leading 1-axes
    written into a slot, ``y[1:] = v`` with ``v.shape == (1, n)``.)"""
    gshape = np.shape(g)
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    if lead < 0:
        g = np.reshape(g, (1,) * -lead + gshape)
        gshape = np.shape(g)
    elif lead > 0:
        g = np.sum(g, axis=tuple(range(lead)))
        gshape = gshape[lead:]
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and gshape[i] != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    return g


def unbroadcast(g, x):
    """The cotangent ``g`` of a broadcast result, summed back to ``x``'s shape
    (and to a real cotangent for a real ``x``)."""
    if type(g) is np.ndarray and g.dtype.kind != "c":
        tx = type(x)    # (the common case first: a real NumPy cotangent)
        shape = x.shape if tx is np.ndarray or tx is ShapeOf else np.shape(x)
        return g if g.shape == shape else sum_to_shape(g, shape)
    if isinstance(x, _CONTAINERS):
        return g        # (a tuple, list or dict is never broadcast)
    if getattr(getattr(g, "dtype", None), "kind", None) == "c" and not np.iscomplexobj(x):
        g = np.real(g)
    shape = np.shape(x)
    if np.shape(g) == shape:
        return g
    return sum_to_shape(g, shape)


def broadcast_like(t, ref):
    """``t`` broadcast to the shape of ``ref`` (a no-op when shapes agree, and for
    the tangent of a tuple, list or dict)."""
    if isinstance(ref, _CONTAINERS):
        return t
    shape = np.shape(ref)
    if np.shape(t) == shape:
        return t
    return np.broadcast_to(in_library_of(t, ref), shape)


def unbroadcast_each(gs, xs):
    """Each cotangent of ``gs`` summed back to the shape of its primal in ``xs``
    (None stays None): the cotangents of ``np.broadcast_arrays``."""
    return tuple(None if g is None else unbroadcast(g, x) for g, x in zip(gs, xs))


def broadcast_each(ts, refs):
    """Each tangent of ``ts`` broadcast to the shape of its value in ``refs``
    (None: zeros): the transpose of ``unbroadcast_each``."""
    return tuple(zeros_like_value(r) if t is None else broadcast_like(t, r)
                 for t, r in zip(ts, refs))


def expand_reduced(g, x, axis=None, keepdims=False):
    """Undo a reduction over ``axis``: broadcast ``g`` back to ``x``'s shape. A
    Python float ``g`` (the seed 1.0 of a real output) takes the floating-point
    type of ``x``, as in arithmetic with it."""
    shape = np.shape(x)
    if type(g) is float and getattr(getattr(x, "dtype", None), "kind", None) == "f":
        g = x.dtype.type(g)
    if not keepdims and axis is not None:
        ndim = len(shape)
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        axes = sorted(a % ndim for a in axes)
        for a in axes:
            g = np.expand_dims(g, a)
    return np.broadcast_to(in_library_of(g, x), shape)


def items_like(g, x):
    """The cotangent ``g`` of the list or tuple ``x`` as ``x`` holds its items,
    where a NumPy function's rule gave it as one array (shaped like
    ``np.asarray(x)``: ``np.sum(L)``); anything else as it is."""
    if isinstance(x, (list, tuple)) and isinstance(g, np.ndarray):
        return like_container(x, [items_like(g[i], e) for i, e in enumerate(x)])
    return g


def items_array(g, x):
    """The transpose of ``items_like``: a list or tuple cotangent ``g`` of ``x``
    as one array shaped like ``np.asarray(x)``."""
    if isinstance(g, (list, tuple)) and isinstance(x, (list, tuple)):
        return np.asarray(complete_cotangent(g, x))
    return g


def in_library_of(value, ref):
    """``value`` (a number or a small NumPy array: a seed, a reduced cotangent) as an
    array of ``ref``'s library when ``ref`` is a foreign array (Dask, CuPy, ...), so
    that broadcasting it to ``ref``'s shape stays in that library (for Dask: a lazy
    broadcast in the graph, not a NumPy array of the data's size built here)."""
    if is_foreign(ref) and not is_foreign(value):
        try:
            return np.asarray(value, like=ref)
        except TypeError:       # (a library without ``like=``: broadcast as before)
            return value
    return value


def like_container(x, items):
    """A list or tuple of ``items`` of the kind of ``x`` (a named tuple such as
    ``np.linalg.svd``'s result keeps its type; its fields are positional)."""
    if isinstance(x, tuple) and hasattr(type(x), "_fields"):
        return type(x)(*items)
    return type(x)(items)


def zeros_like_value(x):
    """A zero with the shape and dtype of ``x`` (a Python 0.0 for Python scalars;
    lists, tuples and dicts of zeros for containers)."""
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return 0.0
    if type(x) is ShapeOf:
        return x.zeros()
    if type(x) is Stacked:      # (its value is the copy it holds)
        return zeros_like_value(x.value)
    if isinstance(x, (list, tuple)):      # a container's zero has its structure
        return like_container(x, [zeros_like_value(e) for e in x])
    if isinstance(x, dict):
        return {k: zeros_like_value(v) for k, v in x.items()}
    return np.zeros_like(x)


def rule_cotangents(result, n):
    """A VJP rule's value as a tuple of ``n`` cotangents: a single value is the
    first argument's, and the ones a short tuple leaves out are None (for a rule
    whose source srcdiff cannot read; see rules/registry.py)."""
    if not isinstance(result, tuple):
        result = (result,)
    return tuple(result[:n]) + (None,) * (n - len(result))


def rule_result_like(cts, result):
    """The cotangents ``cts`` (a tuple) arranged as ``result``, a VJP rule's value
    (the transpose of ``rule_cotangents``)."""
    if not isinstance(result, tuple):
        return cts[0]
    return tuple(cts[:len(result)]) + (None,) * (len(result) - len(cts))


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


def add_cotangents(a, b):
    """``a + b`` for cotangents that may be containers (tuples, lists, dicts,
    added element by element) or ``None`` (an absent cotangent)."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, (tuple, list)):
        return like_container(a, [add_cotangents(x, y) for x, y in zip(a, b)])
    if isinstance(a, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = add_cotangents(out.get(k), v)
        return out
    return a + b


def is_complex(x):
    dt = getattr(x, "dtype", None)
    if dt is not None:
        return np.issubdtype(dt, np.complexfloating)
    return isinstance(x, complex)


def cast_like(ct, x):
    """The cotangent/tangent ``ct`` given the dtype kind of ``x``: the real part
    when ``x`` is real and ``ct`` complex (the JAX convention), complex when
    ``x`` is complex and ``ct`` real, else ``ct``."""
    if ct is None:
        return None
    if isinstance(x, (list, tuple)) and type(ct) is np.ndarray and _shape_of(x) == ct.shape:
        # a list or tuple used as an array: its cotangent is a list or tuple again
        return _structured_like(cast_like(ct, np.asarray(x)), x)
    if type(x) is np.ndarray and isinstance(ct, (list, tuple)) and _shape_of(ct) == x.shape:
        return cast_like(np.asarray(ct), x)
    if type(ct) is np.ndarray and ct.ndim == 0 and type(x) is not np.ndarray:
        ct = ct[()]        # a number's, not a 0-d array (np.where gives those)
    if is_complex(ct):
        return ct if is_complex(x) else np.real(ct)
    if is_complex(x):
        return ct + 0j
    return ct


def _shape_of(x):
    """np.shape of a (nested) list or tuple, None when it is ragged."""
    try:
        return np.shape(x)
    except ValueError:
        return None


def _structured_like(g, x):
    """Array ``g`` split into the nesting of the list/tuple ``x`` (same shape)."""
    if isinstance(x, (list, tuple)):
        return type(x)(_structured_like(g[i], o) for i, o in enumerate(x))
    if isinstance(x, np.ndarray):
        return np.asarray(g)
    return g[()] if isinstance(g, np.ndarray) else g


def complete_cotangent(g, x):
    """``g`` with every absent (None) part replaced by zeros shaped like ``x``'s
    (and each part of the dtype kind of ``x``'s: see cast_like)."""
    if g is None:
        if isinstance(x, (tuple, list)):
            return like_container(x, [complete_cotangent(None, e) for e in x])
        if isinstance(x, dict):
            return {k: complete_cotangent(None, v) for k, v in x.items()}
        return zeros_like_value(x)
    if isinstance(g, (tuple, list)) and isinstance(x, (tuple, list)):
        return like_container(x, [complete_cotangent(a, e) for a, e in zip(g, x)])
    if isinstance(g, dict) and isinstance(x, dict):
        return {k: complete_cotangent(g.get(k), v) for k, v in x.items()}
    if isinstance(g, (tuple, list, dict)):
        return g
    return cast_like(g, x)      # real for a real x, complex for a complex x


def matmul_grad_x(g, x, y):
    """Cotangent of ``x`` in ``x @ y`` (1-D, 2-D and batched operands)."""
    if np.ndim(y) == 1:
        if np.ndim(x) == 1:
            return g * y
        return unbroadcast(np.expand_dims(g, -1) * y, x)
    if np.ndim(x) == 1:
        return unbroadcast(y @ np.expand_dims(g, -1), np.expand_dims(x, -1))[..., 0] \
            if np.ndim(y) > 2 else y @ g
    return unbroadcast(g @ np.swapaxes(y, -1, -2), x)


def matmul_grad_y(g, x, y):
    """Cotangent of ``y`` in ``x @ y`` (1-D, 2-D and batched operands)."""
    if np.ndim(x) == 1:
        if np.ndim(y) == 1:
            return g * x
        return unbroadcast(np.expand_dims(x, -1) * np.expand_dims(g, -2), y)
    if np.ndim(y) == 1:
        return unbroadcast(np.swapaxes(x, -1, -2) @ np.expand_dims(g, -1), np.expand_dims(y, -1))[..., 0] \
            if np.ndim(x) > 2 else g @ x
    return unbroadcast(np.swapaxes(x, -1, -2) @ g, y)


def scalar_seed(out):
    """The cotangent 1.0 of a real output with one element (shape ``()``, ``(1,)``,
    ``(1, 1)``, ...), shaped like it; refuses any other output with a SrcdiffError
    naming the user's function (the origin of the generated code calling it)."""
    if type(out) is float:
        return 1.0
    kind = getattr(getattr(out, "dtype", None), "kind", None)
    if isinstance(out, (complex, bool, np.bool_)) or kind in ("c", "b"):
        adjective = "complex" if isinstance(out, complex) or kind == "c" else "boolean"
        raise _output_error(
            f"grad needs a real-valued output, but {{}} returned a {adjective} value",
            "differentiate a real function of it (np.real, np.abs, ...), or use "
            "srcdiff.vjp(f, *args) to pass a cotangent for the output yourself")
    if np.ndim(out) == 0:
        return np.ones_like(out) if hasattr(out, "dtype") else 1.0
    if size_of(out) == 1:
        return np.ones_like(out, dtype=np.result_type(out, float))
    raise _output_error(
        f"grad needs a function with a scalar output, but {{}} returned shape {np.shape(out)}",
        "use srcdiff.vjp(f, *args) for a vector-Jacobian product, or "
        "srcdiff.jacobian(f) for the whole Jacobian")


def _output_error(message, hint):
    """The SrcdiffError of scalar_seed, naming the function whose generated code
    called it (its file and line)."""
    from ..errors import SrcdiffError
    from .origins import origin_of
    name, filename, line = origin_of(sys._getframe(2).f_code.co_filename) or ("it", None, None)
    return SrcdiffError(message.format(name), filename, line, hint=hint)


def as_sequence(it):
    """A re-iterable, reversible sequence of what ``it`` yields (a list is copied:
    the loop's items stay as they were if the list changes later)."""
    if isinstance(it, (range, tuple)) or hasattr(it, "shape"):
        return it
    return list(it)


def zero_at(g, index):
    """A copy of the cotangent ``g`` with the elements at ``index`` zeroed
    (an in-place write's target has no derivative w.r.t. what it overwrote)."""
    if isinstance(g, (list, dict)):
        g = list(g) if isinstance(g, list) else dict(g)
        g[index] = zeros_like_value(g[index])
        return g
    g = array_copy(g)
    if is_foreign(g):
        index = drop_newaxes(index)
    g[index] = 0
    return g


def written_piece(g, index):
    """``g[index]``, the cotangent of the value ``y[index] = v`` wrote, where an
    integer-array index may name an element more than once: NumPy keeps the last
    write, so only each element's last occurrence gets its cotangent (the earlier
    writes are overwritten and reach nothing)."""
    return last_writes(g[index], g, index)


def last_writes(piece, g, index):
    """``piece`` (shaped like ``g[index]``) with the entries of every occurrence
    of an element but its last zeroed; as it is when ``index`` repeats nothing."""
    if isinstance(g, (list, tuple, dict)) or _plain_slices(index):
        return piece
    if is_basic_index(index):
        return piece
    ids = np.arange(int(np.prod(np.shape(g)))).reshape(np.shape(g))[index]
    flat = np.ravel(ids)
    if np.unique(flat).size == flat.size:
        return piece
    _, last = np.unique(flat[::-1], return_index=True)
    keep = np.zeros(flat.size, dtype=bool)
    keep[flat.size - 1 - last] = True
    return np.where(np.reshape(keep, np.shape(ids)), piece, 0)


def saved_copy(value):
    """A copy of an array region about to be overwritten (scalars as they are;
    a ``ShapeOf`` too: it holds no elements, and ``np.copy`` would make it a
    0-d object array that ``unbroadcast`` then sums everything to)."""
    if type(value) is ShapeOf or not hasattr(value, "shape"):
        return value
    return array_copy(value)


def saved_contents(value):
    """The contents of a value a block changes in place, saved before it: a copy
    of an array, a new list (or dict) of a list's (dict's) items: the list
    itself may be resized by later code before the sweep puts its items back
    (a derivative's own backward popping what it appended). Numbers as they
    are."""
    if type(value) is list:
        return list(value)
    if type(value) is dict:
        return dict(value)
    return saved_copy(value)


def saved_items(value):
    """A new list of a list's items: a list a block of code grows or shrinks,
    saved before the block (the items stay as they are). Anything else (None:
    a name not bound yet on this path) as it is."""
    return list(value) if type(value) is list else value


class Stacked:
    """A stack entry of generated code for an array (or list, or dict) the code
    goes on to change in place while the entry is on the stack: the object
    itself and a copy of its contents at the push. The code pops the object
    itself (``unstacked``), so the names and views that share it stay shared;
    code that differentiates the generated code again takes the entry's value
    to be the copy (rules/helpers.py), which the later writes do not reach."""
    __slots__ = ("object", "value")

    def __init__(self, obj, value):
        self.object = obj
        self.value = value

    def __repr__(self):
        return f"Stacked({self.value!r})"


def stacked(x):
    """``x`` to push on a stack while later code changes it in place (Stacked)."""
    return Stacked(x, copy_structure(x, True))


def unstacked(entry):
    """The object a ``stacked`` entry popped off a stack holds."""
    return entry.object if type(entry) is Stacked else entry


class Kept:
    """A stack entry of generated code for a list (or dict) that later code may
    take back out of a container and resize while the entry is on the stack
    (the gradient's own backward pops the lists it pushed and empties them):
    the object itself and its items at the push, nested lists' items too. The
    pop (``refilled``) puts those items back into the object and returns it, so
    the other names and containers that hold the list still hold it (a copy
    pushed instead left ``P = {'a': L}`` holding a list one item short)."""
    __slots__ = ("object", "items")

    def __init__(self, obj, items):
        self.object = obj
        self.items = items

    def __repr__(self):
        return f"Kept({self.object!r})"


def _items_tree(x, memo):
    """x's items, and (for the lists and dicts among them) theirs: pairs
    (item, its tree or None). A list reached twice is recorded once."""
    if id(x) in memo:
        return None
    memo.add(id(x))
    sub = (lambda v: _items_tree(v, memo) if type(v) in (list, dict) else None)
    if type(x) is list:
        return [(v, sub(v)) for v in x]
    return {k: (v, sub(v)) for k, v in x.items()}


def _refill(x, tree):
    if tree is None:
        return
    if type(x) is list:
        x[:] = [v for v, _ in tree]
        for v, t in tree:
            _refill(v, t)
    else:
        x.clear()
        x.update((k, v) for k, (v, _) in tree.items())
        for v, t in tree.values():
            _refill(v, t)


def kept(x):
    """``x`` to push on a stack while later code may resize it (Kept); other
    values as they are."""
    if type(x) in (list, dict):
        return Kept(x, _items_tree(x, set()))
    return x


def refilled(entry):
    """The list a ``kept`` entry popped off a stack holds, its items (and its
    nested lists' items) as at the push."""
    if type(entry) is Kept:
        _refill(entry.object, entry.items)
        return entry.object
    return entry


def saved_item(y, key):
    """A copy of ``y[key]`` about to be overwritten, or None where ``y`` is a
    dict without that key (``d["new"] = v``: putting None back leaves a dead
    entry in the local dict the backward restores, never read again)."""
    if isinstance(y, dict) and key not in y:
        return None
    return saved_copy(y[key])


def add_at(d, index, g):
    """``d[index] += g`` in place (repeated fancy indices accumulate); returns ``d``.

    Generated code uses it only on cotangent buffers it created itself, so the
    in-place update is never visible elsewhere. Arrays of other libraries
    (Dask, CuPy) are updated by item assignment, which they support; see
    ``index_add`` for the indices that cannot be expressed that way.
    """
    if type(d) is np.ndarray and not d.flags.writeable:
        # (a read-only broadcast of a seed or reduction reached here as the loop's
        # buffer after an earlier iteration rebound it: add on a copy)
        d = d.copy()
    if type(d) is np.ndarray and (type(g) is np.ndarray or type(g) is float) \
            and _plain_slices(index):
        d[index] += g          # the common case: a NumPy buffer, constant slices
        return d
    if isinstance(d, (list, dict)):
        d[index] = add_cotangents(d[index], g)
        return d
    if isinstance(d, tuple):      # (as a list: a negative index or a slice too)
        out = list(d)
        out[index] = add_cotangents(out[index], g)
        return tuple(out)
    if is_foreign(g) and not is_foreign(d):   # a NumPy buffer, a Dask/CuPy cotangent
        return d + scatter_add(g, d, index)
    index_add(d, index, g)
    return d


def add_at_copied(d, index, g):
    """``add_at`` on a copy of an array ``d`` (a list or dict is updated in
    place, as by add_at). Code that differentiates generated code again calls it
    for add_at: there the buffer may be another value's array (``dy = dv`` then
    ``dy = add_at(dy, i, g)``) that the derivative reads afterwards."""
    if isinstance(d, np.ndarray):
        d = np.array(d, copy=True)
    return add_at(d, index, g)


def add_at_owned_copied(d, index, g):
    """``add_at_owned`` on a copy of an array ``d`` (see add_at_copied)."""
    if isinstance(d, np.ndarray):
        d = np.array(d, copy=True)
    return add_at_owned(d, index, g)


def _plain_slices(index):
    t = type(index)
    if t is slice or t is int:
        return True
    if t is tuple:
        for i in index:
            if type(i) is not slice and type(i) is not int:
                return False
        return True
    return False


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def sum_product(a, b, x):
    """``unbroadcast(a * b, x)``: the elementwise product summed back to ``x``'s
    shape, without the product array where ``a`` and ``b`` are real NumPy
    arrays of one shape (``np.vdot`` for a scalar ``x``, else ``np.einsum``)."""
    if type(a) is np.ndarray and type(b) is np.ndarray and a.shape == b.shape \
            and a.dtype.kind == "f" and b.dtype.kind == "f":
        shape = () if type(x) is float else np.shape(x)
        if shape == ():
            return np.vdot(a, b)
        nd = a.ndim
        lead = nd - len(shape)
        if 0 <= lead and nd <= len(_LETTERS) and all(
                s == 1 or s == n for s, n in zip(shape, a.shape[lead:])):
            sub = _LETTERS[:nd]
            out = "".join(sub[lead + i] for i, s in enumerate(shape)
                          if s != 1 or a.shape[lead + i] == 1)
            return np.reshape(np.einsum(sub + "," + sub + "->" + out, a, b), shape)
    return unbroadcast(a * b, x)


def replace_at(g, index, v):
    """A copy of the cotangent ``g`` with ``v`` written at ``index``: what
    ``add_at(zero_at(g, index), index, v)`` computes, in one write."""
    if type(g) is np.ndarray and _plain_slices(index):
        vt = getattr(v, "dtype", None)
        if vt == g.dtype or (vt is None and type(v) is float and g.dtype.kind in "fc"):
            out = g.copy()
        else:
            out = g.astype(np.result_type(g, v))
        out[index] = v
        return out
    return add_at_owned(zero_at(g, index), index, v)


def add_at_owned(d, index, g):
    """``d[index] += g`` into a cotangent buffer the generated code owns (no one
    else sees it); ``d`` is first converted where its dtype cannot hold the sum."""
    t = getattr(d, "dtype", None)
    if t is not None and np.result_type(d, g) != t:
        d = d.astype(np.result_type(d, g))
    return add_at(d, index, g)


def drop_newaxes(index):
    """``index`` without its ``None`` entries (they only add length-1 axes)."""
    if index is None:
        return ()
    if isinstance(index, tuple) and any(i is None for i in index):
        return tuple(i for i in index if i is not None)
    return index


def set_index(out, index, v):
    """``out[index] = v`` in place (for arrays of other libraries, ``None``
    entries of the index are dropped and ``v`` reshaped to match)."""
    if is_foreign(out):
        plain = drop_newaxes(index)
        if plain is not index:
            v = np.reshape(np.broadcast_to(v, np.shape(out[index])), np.shape(out[plain]))
            index = plain
    out[index] = v


def index_add(d, index, g):
    """``d[index] += g`` in place, repeated fancy indices accumulating.

    NumPy arrays use ``+=`` or ``np.add.at``. Other libraries' arrays use item
    assignment only: ``None`` entries of the index are dropped (``g`` reshaped
    to match), and a NumPy/list integer index with repeats is applied in rounds
    of distinct positions. What that cannot express (several integer arrays,
    an index that is itself a foreign array) raises ``SrcdiffError`` rather
    than converting ``d`` to NumPy or losing the repeats.
    """
    if not is_foreign(d):
        if is_basic_index(index):
            d[index] += g
        else:
            np.add.at(d, index, g)
        return
    plain = drop_newaxes(index)
    if plain is not index:
        g = np.reshape(np.broadcast_to(g, np.shape(d[index])), np.shape(d[plain]))
        index = plain
    if is_basic_index(index):
        d[index] += g
        return
    _index_add_rounds(d, index, g)


def _index_add_rounds(d, index, g):
    from ..errors import SrcdiffError
    parts = index if isinstance(index, tuple) else (index,)
    arrays = [k for k, i in enumerate(parts) if not isinstance(i, (slice, int, np.integer))]
    if (len(arrays) != 1 or any(i is Ellipsis for i in parts) or is_foreign(parts[arrays[0]])
            or any(isinstance(i, (int, np.integer)) for i in parts)):
        raise SrcdiffError(
            f"the cotangent of x[{index!r}] for a {type(d).__module__}.{type(d).__name__} "
            "needs a scatter-add (np.add.at), which only NumPy arrays support here",
            hint="index with one NumPy integer array (and slices), or convert to NumPy "
                 "explicitly")
    ax = arrays[0]
    idx = np.asarray(parts[ax])       # the index (not a value): concrete integers
    if idx.dtype.kind not in "iu":
        raise SrcdiffError(f"cannot scatter-add through an index of dtype {idx.dtype}",
                           hint="index with integers, slices or a boolean mask")
    rest = np.shape(d[parts[:ax] + (slice(None),) + parts[ax + 1:]])   # basic slicing only
    g = np.broadcast_to(g, rest[:ax] + idx.shape + rest[ax + 1:])
    g = np.reshape(g, rest[:ax] + (idx.size,) + rest[ax + 1:])
    flat = np.ravel(idx)
    flat = np.where(flat < 0, flat + np.shape(d)[ax], flat)
    order = np.argsort(flat, kind="stable")
    srt = flat[order]
    first = np.ones(len(srt), dtype=bool)
    first[1:] = srt[1:] != srt[:-1]
    pos = np.arange(len(srt))
    occurrence = np.empty(len(srt), dtype=np.intp)
    occurrence[order] = pos - np.maximum.accumulate(np.where(first, pos, 0))
    for k in range(int(occurrence.max()) + 1 if len(srt) else 0):
        sel = np.nonzero(occurrence == k)[0]
        d[parts[:ax] + (flat[sel],) + parts[ax + 1:]] += np.take(g, sel, axis=ax)


def is_basic_index(idx):
    """True when ``idx`` selects each element at most once (ints, slices,
    ``None``, ``...``, or a boolean mask): plain assignment then suffices."""
    if idx is None or idx is Ellipsis or isinstance(idx, (int, np.integer, slice)):
        return True
    if isinstance(idx, tuple):
        return all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice))
                   for i in idx) or (len(idx) == 1 and is_basic_index(idx[0]))
    return getattr(idx, "dtype", None) == np.bool_


def scatter_add(g, x, idx):
    """Zeros shaped like ``x`` with ``g`` added at ``x[idx]`` (repeats add up).

    For a Dask/CuPy ``x`` the zeros are made in ``x``'s library; an index that
    item assignment cannot express raises ``SrcdiffError`` (``runtime.index_add``)."""
    if isinstance(x, (list, tuple, dict)):
        return add_at(zeros_like_value(x), idx, g)     # (zeros of the same structure)
    if type(x) is ShapeOf:    # the adjoint sweep kept only x's shape
        out = x.zeros(np.result_type(x.dtype, g))
    else:
        out = np.zeros_like(x, dtype=np.result_type(x, g))
    if is_foreign(g) and not is_foreign(out):   # a NumPy x, a Dask/CuPy cotangent
        out = np.zeros(np.shape(out), out.dtype, like=g)
    if is_basic_index(idx) and not is_foreign(out):
        out[idx] = g
    else:
        index_add(out, idx, g)
    return out


def index_update(x, idx, v):
    """A copy of ``x`` with ``x[idx] = v`` (out of place)."""
    out = array_copy(x)
    set_index(out, idx, v)
    return out


def zeros_like_list(items):
    """A list of zero cotangents, one per element of ``items``."""
    return [zeros_like_value(v) for v in items]


def pop_tail(items, n):
    """Remove and return the last ``n`` elements of a list (the adjoint of extend)."""
    tail = items[len(items) - n:]
    del items[len(items) - n:]
    return tail


def cotangent_item(g, key, like):
    """``g[key]`` of a container cotangent, or a zero shaped like ``like``."""
    try:
        v = g[key]
    except (KeyError, IndexError, TypeError):
        v = None
    return zeros_like_value(like) if v is None else v


def item_cotangent(gg, g, key):
    """The cotangent of ``g`` from the cotangent ``gg`` of ``cotangent_item(g, key,
    like)``: ``gg`` at ``key``, zeros elsewhere (all zeros where ``g`` has no
    item ``key``: the result did not read it; None for an absent ``g``)."""
    if g is None:
        return None
    try:
        g[key]
    except (KeyError, IndexError, TypeError):
        return complete_cotangent(None, g)
    return scatter_add(gg, g, key)


class ShapeOf:
    """What the adjoint sweep keeps of a value it only needs the shape of:
    saving the array itself would keep it alive (and make every later
    allocation slower); its shape and dtype are all ``unbroadcast`` and
    friends read."""
    __slots__ = ("shape", "dtype", "ndim", "like")

    def __init__(self, value):
        self.shape = np.shape(value)
        self.dtype = getattr(value, "dtype", np.dtype(type(value)) if isinstance(
            value, (int, float, complex)) else None)
        self.ndim = len(self.shape)
        # an empty array of value's library (Dask, CuPy), so zeros made from the
        # shape stay in that library; None for NumPy
        self.like = np.zeros_like(value, shape=(0,)) if is_foreign(value) else None

    def zeros(self, dtype=None):
        """Zeros of this shape (and ``dtype``, default the value's) in the value's library."""
        dtype = self.dtype if dtype is None else dtype
        if self.like is None:
            return np.zeros(self.shape, dtype)
        return np.zeros(self.shape, dtype, like=self.like)

    def __repr__(self):
        return f"ShapeOf{self.shape}"


def shape_of(value):
    """``ShapeOf(value)`` for arrays; numbers are kept as they are (they are small)."""
    if type(value) is float or type(value) is int or value is None:
        return value
    if type(value) is np.ndarray:      # (the common case, without the generic look-ups)
        s = ShapeOf.__new__(ShapeOf)
        s.shape, s.dtype, s.ndim, s.like = value.shape, value.dtype, value.ndim, None
        return s
    return ShapeOf(value)


def copy_structure(value, arrays=False):
    """A copy of the lists, tuples and dicts in ``value`` (arrays shared, or
    copied too with ``arrays=True``): what a backward function pops from and
    restores in place, so that it can run again."""
    if isinstance(value, list):
        if any(type(v) is Kept for v in value):
            # (a stack of kept lists: one copy of a list pushed twice)
            return copy_together((value,), arrays)[0]
        return [copy_structure(v, arrays) for v in value]
    if isinstance(value, dict):
        return {k: copy_structure(v, arrays) for k, v in value.items()}
    if type(value) is Kept:
        return copy_together((value,), arrays)[0]
    if arrays and isinstance(value, tuple):
        items = [copy_structure(v, arrays) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if arrays and hasattr(value, "shape") and hasattr(value, "copy"):
        return array_copy(value)
    return value


def copy_together(values, arrays=False):
    """``copy_structure`` of each item of the tuple ``values``, where a list or
    dict that several items reach is copied once: names that alias one list
    (``P = {'a': L}``) still alias its copy, so restoring the copy in place
    (``L.append(item)``) is seen through every name. A ``Kept`` stack entry
    becomes an entry of the copies (its list and the items it puts back)."""
    memo = {}

    def copy(value):
        if isinstance(value, (list, dict)):
            if id(value) not in memo:
                memo[id(value)] = out = [] if isinstance(value, list) else {}
                if isinstance(value, list):
                    out.extend(copy(v) for v in value)
                else:
                    out.update((k, copy(v)) for k, v in value.items())
            return memo[id(value)]
        if type(value) is Kept:
            return Kept(copy(value.object), tree(value.items))
        if isinstance(value, tuple) and not hasattr(value, "_fields"):
            return tuple(copy(v) for v in value)
        if arrays and isinstance(value, tuple):
            return type(value)(*[copy(v) for v in value])
        if arrays and hasattr(value, "shape") and hasattr(value, "copy"):
            if id(value) not in memo:
                memo[id(value)] = array_copy(value)
            return memo[id(value)]
        return value

    def tree(t):
        if t is None:
            return None
        if type(t) is list:
            return [(copy(v), tree(s)) for v, s in t]
        return {k: (copy(v), tree(s)) for k, (v, s) in t.items()}
    return tuple(copy(v) for v in values)


def restore_contents(value, snapshot):
    """Put back the contents ``value`` had when a forward function returned
    (``snapshot`` is a copy taken then): arrays are refilled in place, so views
    of them that the backward function reads stay valid; lists and dicts are
    new containers of their refilled items."""
    if isinstance(value, np.ndarray) and isinstance(snapshot, np.ndarray) \
            and value.shape == snapshot.shape and value.flags.writeable:
        np.copyto(value, snapshot)
        return value
    if isinstance(value, list) and isinstance(snapshot, list) and len(value) == len(snapshot):
        # a stack of saved values: a new list (the backward pops it) of the same
        # arrays refilled (a view on the stack stays a view of its base)
        return [restore_contents(v, s) for v, s in zip(value, snapshot)]
    if isinstance(value, dict) and isinstance(snapshot, dict) and value.keys() == snapshot.keys():
        return {k: restore_contents(value[k], snapshot[k]) for k in value}
    return copy_structure(snapshot, True)


def restore_together(values, snapshots):
    """``restore_contents`` of each item of ``values`` from the same item of
    ``snapshots`` (``None``: no snapshot, a ``copy_structure`` of the value), where
    a list or dict that several items reach is restored once: a list pushed on two
    stacks, or held by a stack and by a name, is still one list after it (restored
    one by one, each name got a copy of its own, and a backward that restored an
    item through one name read the other: IndexError on an emptied list)."""
    memo = {}

    def restore(value, snapshot):
        if isinstance(value, list) and isinstance(snapshot, list) and len(value) == len(snapshot):
            if id(value) not in memo:
                memo[id(value)] = out = []
                out.extend(restore(v, s) for v, s in zip(value, snapshot))
            return memo[id(value)]
        if isinstance(value, dict) and isinstance(snapshot, dict) and value.keys() == snapshot.keys():
            if id(value) not in memo:
                memo[id(value)] = out = {}
                out.update((k, restore(value[k], snapshot[k])) for k in value)
            return memo[id(value)]
        if type(value) is Kept and type(snapshot) is Kept:
            if id(value) not in memo:
                memo[id(value)] = Kept(restore(value.object, snapshot.object),
                                       tree(value.items, snapshot.items))
            return memo[id(value)]
        if snapshot is value:
            if isinstance(value, tuple) and any(isinstance(v, (list, dict, tuple, Kept))
                                                for v in value):
                items = [restore(v, v) for v in value]     # (its lists, as restored)
                return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
            return value        # (no snapshot: arrays and other values shared)
        return restore_contents(value, snapshot)

    def tree(t, snap):
        if t is None or snap is None:
            return t
        if type(t) is list:
            return [(restore(v, sv), tree(s, ss)) for (v, s), (sv, ss) in zip(t, snap)]
        return {k: (restore(v, snap[k][0]), tree(s, snap[k][1])) for k, (v, s) in t.items()}

    return tuple(restore(v, v if s is None else s) for v, s in zip(values, snapshots))


def same_length_slice(target, index, value, filename, lineno):
    """``L[a:b] = v`` on a list: only a write that keeps the list's length is
    differentiated (items keep their places); returns ``index``."""
    if type(target) is list and type(index) is slice \
            and len(range(*index.indices(len(target)))) != len(value):
        from ..errors import SrcdiffError
        raise SrcdiffError("a slice assignment that changes a list's length is not "
                           "supported", filename, lineno,
                           "build a new list: L = L[:a] + [...] + L[b:]")
    return index


def not_shared(value, name, others, filename, lineno):
    """``y += v`` changes y's array in place in Python but is differentiated as
    ``y = y + v``: where a value read later (``others``) may share y's memory,
    that is refused here, when it happens (a number is never changed in place)."""
    if isinstance(value, np.ndarray):
        for other_name, other in others:
            if isinstance(other, (np.ndarray, list, tuple, dict)) and _may_share(value, other):
                from ..errors import SrcdiffError
                held = not isinstance(other, np.ndarray)      # a list or dict holding it
                raise SrcdiffError(f"'{name}' is changed in place here, but '{other_name}' "
                                   + ("holds the same array" if held else "names the same array")
                                   + " and is used afterwards; srcdiff differentiates this as "
                                   "a new value", filename, lineno,
                                   f"write {name} = {name} <op> ... (or copy it first: "
                                   + (f"{name} = {name}.copy() before it is stored)" if held
                                      else f"{other_name} = {name}.copy())"))
    return value


def same_items(seq, items):
    """The list of functions a loop was unrolled over still holds these (values.py)."""
    if len(seq) != len(items) or any(a is not b for a, b in zip(seq, items)):
        from ..errors import SrcdiffError
        raise SrcdiffError("a list of functions the differentiated code loops over has "
                           "changed since the code was generated", None, None,
                           "make it a tuple, or differentiate the function again")
    return None


def item_alone(container, key, name, filename, lineno):
    """``L[key] += v`` changes the item's array in place in Python but is
    differentiated as ``L[key] = L[key] + v``: refused, when it happens, where
    another item of ``L`` shares that array (a number is never changed in place).
    Run before the item is stored, on the item as the program holds it."""
    from ..errors import SrcdiffError
    try:
        value = container[key]
    except (TypeError, KeyError, IndexError):
        return None
    if not isinstance(value, np.ndarray):
        return None
    if isinstance(container, dict):
        others = [v for k, v in container.items() if k != key]
    elif isinstance(container, (list, tuple)) and isinstance(key, (int, np.integer)):
        k = key % len(container) if container else key
        others = [v for i, v in enumerate(container) if i != k]
    else:
        raise SrcdiffError(f"'{name}[...] += ...' with this index changes arrays held in "
                           f"{name} in place; srcdiff differentiates it as a new value",
                           filename, lineno, f"write {name}[i] = {name}[i] + ... (a new array)")
    for other in others:
        if _may_share(value, other):
            raise SrcdiffError(f"'{name}[...] += ...' changes an array in place that another "
                               f"item of {name} holds too; srcdiff differentiates this as a new "
                               "value", filename, lineno,
                               f"write {name}[i] = {name}[i] + ... (a new array)")
    return None


def read_after_write(name, array):
    """The message and hint for a value that shares ``array``'s memory read
    after ``array`` is written in place (inline.py, and unshared_at_write)."""
    return (f"'{name}' (which may share memory with '{array}') is used after '{array}' "
            "is written in place here", f"copy it where it is made: {name} = ....copy()")


def _may_share(array, value):
    """Could writing into ``array``'s elements change ``value``? Numbers and
    None hold no memory; containers are looked into; ``array`` must be a
    NumPy array (a write into a list element is not followed here)."""
    if value is None or isinstance(value, (bool, int, float, complex, str, np.generic)):
        return False
    if isinstance(value, (list, tuple)):
        return any(_may_share(array, v) for v in value)
    if isinstance(value, dict):
        return any(_may_share(array, v) for v in value.values())
    if isinstance(value, np.ndarray) and isinstance(array, np.ndarray):
        return np.may_share_memory(array, value)
    return True


def unshared_at_write(array, name, others, filename, lineno):
    """``y[i] = v`` where values read later (``others``) may, statically, share
    y's memory (an item of y, which is a row view or a number depending on
    y's rank; builtin min() of one): srcdiff differentiates them as they were
    made, so one that really shares y's memory is refused here, when it happens."""
    for other_name, other in others:
        if _may_share(array, other):
            from ..errors import SrcdiffError
            message, hint = read_after_write(other_name, name)
            raise SrcdiffError(message, filename, lineno, hint)


def owned_value(array, name, params, filename, lineno):
    """``t[i] = v`` where t may (statically) be (part of) a parameter's array, on
    some paths or always: a write into the caller's array is not followed, so
    it is refused here, when it happens."""
    for param_name, param in params:
        if _may_share(array, param):
            from ..errors import SrcdiffError
            raise SrcdiffError(f"'{name}' and the argument '{param_name}' share memory "
                               f"here, where '{name}' is written in place; srcdiff cannot "
                               "follow writes into an argument's arrays", filename, lineno,
                               f"make a private copy first: {name} = ....copy()")


def _holds(source, value):
    """Could ``value`` be (or share memory with) part of ``source``?"""
    if isinstance(source, np.ndarray):
        return _may_share(source, value)
    if isinstance(source, (list, tuple)):
        return any(s is value or _holds(s, value) for s in source)
    if isinstance(source, dict):
        return any(s is value or _holds(s, value) for s in source.values())
    return False


def fresh_value(value, name, sources, array, line, filename, lineno):
    """``t = y[k]`` (or builtin min(), ...) where t may, statically, share the
    memory of an array changed in place later by ``array += ...`` (at ``line``)
    while t is still used: srcdiff differentiates t as it was made, so a t that
    really shares its sources' memory (a row of a matrix, not an item of a
    vector) is refused here, where it is made."""
    for source_name, source in sources:
        if _holds(source, value):
            from ..errors import SrcdiffError
            raise SrcdiffError(f"'{name}' and '{source_name}' share memory here, and '{array}' "
                               f"is changed in place at line {line} while '{name}' is used "
                               "afterwards; srcdiff differentiates that as a new value",
                               filename, lineno, f"copy it where it is made: {name} = ....copy()")


def array_target(a, filename, lineno):
    """``a[i][j] = v`` is generated as ``a[i, j] = v``: the same write only for an
    array; a list's (or dict's) item is refused where it happens."""
    if isinstance(a, (list, tuple, dict)):
        from ..errors import SrcdiffError
        raise SrcdiffError(f"nested subscript assignment a[i][j] = v into an item of a "
                           f"{type(a).__name__} changes an array it holds in place",
                           filename, lineno, "build the item anew and assign a[i] = new")


def int_index(i, filename, lineno):
    """``a[i][j] = v`` is generated as ``a[i, j] = v``: the same write only when
    ``i`` is one integer (a slice, mask or index array makes ``a[i]`` a copy or a
    different view), so anything else is refused where it happens."""
    if isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_)):
        return i
    from ..errors import SrcdiffError
    raise SrcdiffError(f"nested subscript assignment a[i][j] = v with i = {type(i).__name__} "
                       "(not an integer) writes into a copy or a different view",
                       filename, lineno, "write a[i, j] = v, or index a copy")


def added_at(array, index, values):
    """``np.add.at(array, index, values)`` (repeated indices add up) made on a copy
    of ``array``, returned; generated code writes it back with ``array[...] =
    ...`` (as for written_copy), and its derivative rules make a differentiated
    np.add.at followable."""
    out = np.array(array, copy=True)
    np.add.at(out, index, values)
    return out


def subtracted_at(array, index, values):
    """``np.subtract.at(array, index, values)`` made on a copy (see added_at)."""
    out = np.array(array, copy=True)
    np.subtract.at(out, index, values)
    return out


def written_copy(writer, array, *args, **kwargs):
    """``writer(array, *args, **kwargs)`` (np.add.at, np.put, a shuffle: a call that
    writes into its first argument) made on a copy of ``array``, returned: the
    generated code writes it back with ``array[...] = ...``, an item store that
    srcdiff's analyses of in-place writes see."""
    copy = np.array(array, copy=True)
    writer(copy, *args, **kwargs)
    return copy


# The helpers of generated code that change their first argument in place (and
# return it): the transforms and the optimizer must not take a call of one for
# a pure value (a refill whose result is unread still changes what others read).
WRITES_FIRST_ARGUMENT = (add_at, add_at_owned, index_add, set_index, restore_contents,
                         restore_together, pop_tail)
