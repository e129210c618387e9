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

from .core import Tensor, _edge, _ndarray
from .errors import TensorError
from .grad_mode import _state
from .nodes import Node
from .recording import _apply

__all__ = ["make_view", "commit", "set_values", "unlink_views"]


def _with_ellipsis(idx):
    """``a[i, j]`` is a NumPy scalar (a copy); ``a[i, j, ...]`` a 0-d view."""
    return (idx if idx.__class__ is tuple else (idx,)) + (Ellipsis,)


class _View:
    """What makes a view: ``base`` (owning the memory) and ``steps`` (``(func,
    args)`` pairs making the view's array from the base's); for autograd,
    ``diff`` (a differentiable view, unlike ``detach()``/``.data``), ``abase``
    and ``asteps`` (its base for autograd: the memory's base, or the detached
    Tensor it was taken from, and the steps from there); ``multi`` (one of
    several views returned by one call: ``split``, ``chunk``, ``unbind``),
    ``leaf`` (``requires_grad_()`` was called on the view itself),
    ``counter`` (the version counter it shares: its base's, or, from ``.data``
    on, one of its own, as in PyTorch) and ``version`` (the counter's value
    when its node was made)."""

    __slots__ = ("base", "steps", "diff", "abase", "asteps", "multi", "leaf", "version",
                 "counter")

    def __init__(self, base, steps, diff, multi):
        self.base = base
        self.steps = steps
        self.diff = diff
        self.multi = multi
        self.leaf = False
        self.version = 0
        self.counter = None
        self.abase = None
        self.asteps = ()

    def of(self, array, steps=None):
        """The view's values, made from the base's array (a NumPy view where it can)."""
        for func, args in self.steps if steps is None else steps:
            if func is operator.getitem:
                out = array[args[0]]
                array = out if out.__class__ is _ndarray else array[_with_ellipsis(args[0])]
            else:
                array = func(array, *args)
        return array

    def positions(self, shape, steps=None):
        """Flat (C-order) positions in the base (of ``shape``) of each element."""
        return self.of(np.arange(int(np.prod(shape)), dtype=np.intp).reshape(shape), steps)


class _Views(weakref.WeakSet):
    """The live views of a base, and the base's version counter (how often it
    was written; a one-item list, shared by the views that share it)."""

    def __init__(self):
        super().__init__()
        self.counter = [0]


def _views_of(base):
    aux = base._aux
    if aux is None:
        aux = base._aux = _Views()
    return aux


def make_view(out, src, step=None, diff=True, multi=False, own_counter=False):
    """Register ``out`` (``step`` applied to ``src``) as a view of ``src``'s base."""
    if out._data.__class__ is not _ndarray or src._data.__class__ is not _ndarray:
        return out      # duck arrays (Dask, ...) keep copy semantics
    more = (step,) if step is not None else ()
    v = src._view
    views = _registry(src)
    if v is None:
        base, steps, abase, asteps, counter = src, (), src, (), views.counter
    else:
        base, steps = v.base, v.steps
        abase, asteps = (v.abase, v.asteps) if v.diff else (src, ())
        multi = (v.multi and v.diff) or multi
        counter = v.counter
    out._view = view = _View(base, steps + more, diff, multi)
    if diff:
        view.abase, view.asteps = abase, asteps + more
    view.counter = [0] if own_counter else counter
    views.add(out)
    view.version = view.counter[0]
    if diff and abase._rg and not out._rg:
        out._rg = True      # made under no_grad: requires grad as its base does (PyTorch)
    return out


def _registry(t):
    """The live views of the memory ``t`` uses."""
    return _views_of(t if t._view is None else t._view.base)


def follow_requires_grad(t):
    """``t.requires_grad_(flag)``: the differentiable views of ``t`` outside the
    graph follow; those made before the memory was last written get a view
    node, as PyTorch re-derives them."""
    views = _registry(t)
    stale = []
    for w in views:
        v = w._view
        if not v.diff or v.abase is not t:
            continue
        if t._rg and v.version != v.counter[0]:
            stale.append(w)
        elif w.grad_fn is None and not v.leaf:
            w._rg = t._rg
    _regrad(stale)


def own_requires_grad(t):
    """``t.requires_grad_()`` on a view: it is a leaf of its own (PyTorch)."""
    v = t._view
    if v is not None and t.grad_fn is None:
        v.leaf = t._rg
        if v.diff and v.abase._rg:
            t._rg = True    # still requires grad through its base


def is_diff_view(t):
    """A view whose gradient is its base's (it accumulates no ``.grad`` of its own)."""
    v = t._view
    return v is not None and v.diff and not v.leaf


def _memory(t):
    """The base and the flat positions in it of ``t``'s elements."""
    v = t._view
    if v is None:
        return t, np.arange(t._data.size).reshape(t._data.shape)
    return v.base, v.positions(v.base._data.shape)


def _dense(a):
    return a.__class__ is _ndarray and (a.flags.c_contiguous or a.flags.f_contiguous)


def check_overlap(t, other):
    """PyTorch refuses an in-place op whose operand partly overlaps the written
    Tensor (it checks only when both are dense in memory)."""
    if not isinstance(other, Tensor) or other is t or (t._view is None and other._view is None) \
            or not (_dense(t._data) and _dense(other._data)):
        return
    base, pos = _memory(t)
    obase, opos = _memory(other)
    if base is not obase:
        return
    if pos.shape == opos.shape and np.array_equal(pos, opos):
        return
    if np.intersect1d(pos, opos).size:
        raise TensorError("unsupported operation: some elements of the input Tensor and the "
                          "written-to Tensor refer to a single memory location",
                          hint="clone() the input first")


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
    if v is None or not v.diff or v.leaf:
        if t._rg and t.grad_fn is None:
            raise TensorError(
                "a leaf Tensor that requires grad is being used in an in-place operation",
                hint="update parameters inside `with srcdiff.no_grad():`, or work on t.detach()")
        return
    base = v.abase
    if (base._rg or t._rg) and base.grad_fn is None:
        raise TensorError(
            "a view of a leaf Tensor that requires grad is being used in an in-place operation",
            hint="write through it inside `with srcdiff.no_grad():`, or clone() the leaf first")
    if t._rg and t.grad_fn is None:
        raise TensorError("a view made under no_grad() (or of a Tensor that required grad "
                          "only later) is being modified in place with grad mode on",
                          hint="make the view with grad mode on, or write under no_grad()")
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


def _write(t, data, fill=False):
    """Give ``t`` the values ``data``; returns the base whose memory changed.
    Only a fill may write an ``expand``ed view (each element once, as PyTorch)."""
    v = t._view
    if v is None:
        t._data = data
        base = t
    else:
        base = v.base
        pos = v.positions(base._data.shape)
        if not fill and np.unique(pos).size != pos.size:
            raise TensorError("unsupported operation: more than one element of the written-to "
                              "Tensor refers to a single memory location (an expand()ed view)",
                              hint="clone() the Tensor before the in-place operation")
        new = base._data.copy(order="K")
        new.put(pos, data)
        base._data = new
    _counter(t)[0] += 1
    views = base._aux
    if views is not None:
        arr = base._data
        for w in views:
            w._data = w._view.of(arr)
    return base


def set_values(t, data, fill=False):
    """An in-place update of values only (no_grad semantics: the optimizers,
    gradient accumulation, ``load_state_dict``, ``fill_``)."""
    base = _write(t, _cast(t, np.asarray(data)), fill)
    _regrad_views(base, counter=_counter(t))
    return t


def _counter(t):
    return t._view.counter if t._view is not None else _registry(t).counter


def commit(t, result, fill=False):
    """Make ``t`` hold ``result``, an in-place op on ``t`` computed out of place
    (``fill``: a fill, allowed on an ``expand``ed view)."""
    v = t._view
    if v is not None and v.multi and v.diff and result._rg and _state.enabled:
        raise TensorError(
            "this view is one of several returned by one function (split, chunk, unbind): "
            "such views cannot be modified in place", hint="clone() it first")
    memory = _write(t, _cast(t, result._data), fill)
    if not _state.enabled:
        # PyTorch re-derives the views whose version counter changed
        _regrad_views(memory, counter=_counter(t))
        return t
    if v is None or not v.diff:     # t is its own base for autograd
        if result._rg:
            _set_grad_fn(t, result.grad_fn, result._oi)
            t._rg = True
            _regrad_views(memory, t)
        return t
    base = v.abase
    if not (result._rg or base._rg):
        return t
    node = CopySlicesNode(v.positions(base._data.shape, v.asteps))
    node.edges = tuple(e for e in (_edge(base, 0) if base._rg else None,
                                   _edge(result, 1) if result._rg else None) if e is not None)
    _set_grad_fn(base, node, 0)
    base._rg = True
    _regrad_views(memory, base)
    return t


def _set_grad_fn(t, node, oi):
    """``t`` now differentiates through ``node``; its ``retain_grad()`` moves along
    (its hooks stay with the old node, as in PyTorch)."""
    old = t.grad_fn
    if old is not None and old.retained and t.retains_grad:
        old.retained[:] = [e for e in old.retained if e[2] or e[1]() is not t]
        t.grad_fn, t._oi = node, oi
        t.retain_grad()
    t.grad_fn, t._oi = node, oi


def _regrad_views(memory, abase=None, counter=None):
    """The differentiable views of the memory of ``memory`` (those of ``abase``,
    or sharing ``counter``, if given) differentiate through their base's node."""
    views = memory._aux
    if views:
        _regrad([w for w in views if w._view.diff
                 and (abase is None or w._view.abase is abase)
                 and (counter is None or w._view.counter is counter)])


def _regrad(which):
    enabled = _state.enabled
    _state.enabled = True
    try:
        for w in which:
            v = w._view
            cur = v.abase
            if not cur._rg:
                continue
            for func, args in v.asteps:
                cur = _apply(func, (cur,) + args)
            _set_grad_fn(w, cur.grad_fn, cur._oi)
            w._rg = True
            v.version = v.counter[0]
    finally:
        _state.enabled = enabled


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
