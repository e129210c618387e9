"""Views and in-place updates of the Tensor shim, with PyTorch's bookkeeping.

A view (basic indexing, ``view``/``reshape`` when no copy is needed, ``T``,
``transpose``, ``permute``, ``squeeze``/``unsqueeze``, ``expand``, ``detach``,
``.data``, ``split``/``chunk``/``unbind``/``narrow``) is a Tensor whose
``_view`` records its base (the Tensor owning the memory, never a view
itself) and the steps, NumPy functions with a rule, that make the view's
values from the base's.

Arrays are still never written in place (values saved by graph nodes stay
valid). An in-place operation on a Tensor computes its new values out of
place; on a view, they are put into a copy of the base's array, which becomes
the base's array, and every live view of the base is made again from it. So
``x[0:2].mul_(10)`` and ``x.detach().zero_()`` change ``x``, as in PyTorch.

Autograd, as PyTorch records it: an in-place op on a differentiable view
gives the base a ``CopySlices`` node (the gradient of the written positions
goes to the new values, the rest to the base's old value), and every
differentiable view of the base a fresh view node of the base. Views made by
``detach()`` / ``.data`` share the memory only: writes through them reach the
base's values, not its graph.
"""
import operator
import weakref

import numpy as np

from .tensor import Node, TensorError, _apply, _edge, _ndarray, _state, _with_ellipsis

__all__ = ["make_view", "commit", "set_values", "unlink_views"]


class _View:
    """What makes a view: ``base``, ``steps`` (``(func, args)`` pairs applied to
    the base's array), ``diff`` (a differentiable view) and ``multi`` (one of
    several views returned by one call: ``split``, ``chunk``, ``unbind``)."""

    __slots__ = ("base", "steps", "diff", "multi")

    def __init__(self, base, steps, diff, multi):
        self.base = base
        self.steps = steps
        self.diff = diff
        self.multi = multi

    def of(self, array):
        """The view's values, made from the base's array (a NumPy view where it can)."""
        for func, args in self.steps:
            if func is operator.getitem:
                out = array[args[0]]
                array = out if out.__class__ is _ndarray else array[_with_ellipsis(args[0])]
            else:
                array = func(array, *args)
        return array

    def positions(self, shape):
        """Flat (C-order) positions in the base of each element of the view."""
        return self.of(np.arange(int(np.prod(shape)), dtype=np.intp).reshape(shape))


def _views_of(base):
    aux = base._aux
    if aux is None:
        aux = base._aux = weakref.WeakSet()
    return aux


def make_view(out, src, step=None, diff=True, multi=False):
    """Register ``out`` (``step`` applied to ``src``) as a view of ``src``'s base."""
    if out._data.__class__ is not _ndarray or src._data.__class__ is not _ndarray:
        return out      # duck arrays (Dask, ...) keep copy semantics
    v = src._view
    if v is None:
        base, steps = src, ()
    else:
        base, steps, diff = v.base, v.steps, v.diff and diff
    out._view = _View(base, steps + ((step,) if step is not None else ()), diff, multi)
    _views_of(base).add(out)
    return out


def unlink_views(t):
    """``t.data = ...``: ``t`` gets new memory; the views it had keep the old."""
    v = t._view
    if v is not None:
        _views_of(v.base).discard(t)
        t._view = None
    views = t._aux
    if views:
        for w in list(views):
            w._view = None
        t._aux = None


def check_inplace(t):
    """Refuse an in-place op where PyTorch does (with grad mode on)."""
    if not _state.enabled:
        return
    v = t._view
    if v is None:
        if t._rg and t.grad_fn is None:
            raise TensorError(
                "a leaf Tensor that requires grad is being used in an in-place operation",
                hint="update parameters inside `with srcdiff.no_grad():`, or work on t.detach()")
        return
    if not v.diff:
        return
    base = v.base
    if base._rg and base.grad_fn is None:
        raise TensorError(
            "a view of a leaf Tensor that requires grad is being used in an in-place operation",
            hint="write through it inside `with srcdiff.no_grad():`, or clone() the leaf first")
    if v.multi and (base._rg or t._rg):
        raise TensorError(
            "this view is one of several returned by one function (split, chunk, unbind): "
            "such views cannot be modified in place", hint="clone() it first")


def _cast(t, data):
    if data.dtype != t._data.dtype:
        if not np.can_cast(data.dtype, t._data.dtype, "same_kind"):
            raise TensorError(f"result type {data.dtype} can't be cast to the desired "
                              f"output type {t._data.dtype} of an in-place operation")
        data = data.astype(t._data.dtype)
    if data.shape != t._data.shape:
        raise TensorError(f"an in-place operation would change the shape {t._data.shape} "
                          f"to {data.shape}")
    return data


def _write(t, data):
    """Give ``t`` the values ``data``; returns the base whose memory changed."""
    v = t._view
    if v is None:
        t._data = data
        base = t
    else:
        base = v.base
        pos = v.positions(base._data.shape)
        if np.unique(pos).size != pos.size:
            raise TensorError("unsupported operation: more than one element of the written-to "
                              "Tensor refers to a single memory location (an expand()ed view)",
                              hint="clone() the Tensor before the in-place operation")
        new = base._data.copy(order="K")
        new.put(pos, data)
        base._data = new
    views = base._aux
    if views:
        arr = base._data
        for w in views:
            w._data = w._view.of(arr)
    return base


def set_values(t, data):
    """An in-place update of values only (no_grad semantics: the optimizers,
    gradient accumulation, ``load_state_dict``)."""
    _write(t, _cast(t, np.asarray(data)))
    return t


def commit(t, result):
    """Make ``t`` hold ``result``, an in-place op on ``t`` computed out of place."""
    base = _write(t, _cast(t, result._data))
    if not _state.enabled:
        return t
    v = t._view
    if v is None or not v.diff:
        if result._rg:
            t.grad_fn = result.grad_fn
            t._oi = result._oi
            t._rg = True
            if v is None:
                _regrad_views(t)
        return t
    if not (result._rg or base._rg):
        return t
    node = CopySlicesNode(v.positions(base._data.shape))
    node.edges = tuple(e for e in (_edge(base, 0) if base._rg else None,
                                   _edge(result, 1) if result._rg else None) if e is not None)
    base.grad_fn = node
    base._oi = 0
    base._rg = True
    _regrad_views(base)
    return t


def _regrad_views(base):
    """Every differentiable view of ``base`` differentiates through its new node."""
    views = base._aux
    if not views or not base._rg:
        return
    for w in list(views):
        v = w._view
        if not v.diff:
            continue
        cur = base
        for func, args in v.steps:
            cur = _apply(func, (cur,) + args)
        w.grad_fn = cur.grad_fn
        w._oi = cur._oi
        w._rg = True


class CopySlicesNode(Node):
    """``base[positions] = value`` as one node (PyTorch's CopySlices): the
    base's old value gets the cotangent outside the positions, the value the
    cotangent at them."""

    __slots__ = ("pos",)

    def __init__(self, pos):
        self.pos = pos
        self.n_out = 1
        self.retained = None

    def name(self):
        return "CopySlices"

    def apply(self, g):
        g = np.asarray(g)
        old = g.copy()
        old.put(self.pos, 0)
        return (old, np.take(g, self.pos))

    def free(self):
        pass


def view_step(out, src, func, args, multi=False):
    """``out = func(src, *args)`` is a view of ``src`` when NumPy made one."""
    od, sd = out._data, src._data
    if od.__class__ is _ndarray and sd.__class__ is _ndarray and od.size and \
            np.may_share_memory(od, sd):
        return make_view(out, src, (func, args), multi=multi)
    return out
