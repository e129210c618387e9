"""The backward pass of the Tensor shim: ``run_backward`` runs the graph from
its roots in reverse topological order: every node gets the sum of its
outputs' cotangents once all the nodes that use it are done. Tensor hooks
(``Tensor.register_hook``) see, and may replace, the gradient of their
Tensor before it flows on; ``retain_grad()`` stores it after them, as in
PyTorch.
"""
import weakref

import numpy as np

from ..errors import SrcdiffError
from .core import Tensor, _new
from .errors import TensorError
from .views import is_diff_view, set_values


_LEAF_HOOKS = {}   # id(leaf Tensor) -> (weak reference, [hook, ...]); Tensors compare elementwise


def _leaf_hooks(t, create=False):
    entry = _LEAF_HOOKS.get(id(t))
    if entry is not None and entry[0]() is t:
        return entry[1]
    if not create:
        return None
    key = id(t)
    hooks = []
    _LEAF_HOOKS[key] = (weakref.ref(t, lambda _, key=key: _LEAF_HOOKS.pop(key, None)), hooks)
    return hooks


class RemovableHandle:
    """What ``register_hook`` returns: ``.remove()`` takes the hook off."""

    def __init__(self, hooks, entry):
        self._hooks = hooks
        self._entry = entry

    def remove(self):
        hooks = self._hooks
        if self._entry in hooks:
            hooks.remove(self._entry)


def register_hook(t, hook):
    """``t.register_hook(hook)``: ``hook(grad)`` is called with the gradient of
    ``t``; a Tensor it returns replaces that gradient."""
    if not t._rg:
        raise TensorError("cannot register a hook on a Tensor that doesn't require gradient")
    if t.grad_fn is None:
        hooks = _leaf_hooks(t, create=True)
        entry = hook
    else:
        node = t.grad_fn
        if node.retained is None:
            node.retained = []
        hooks = node.retained
        entry = (t._oi, hook, True)
    hooks.append(entry)
    return RemovableHandle(hooks, entry)


def retain_grad(t):
    """Keep ``.grad`` of a non-leaf Tensor after backward() (once, however often asked)."""
    if not t._rg:
        raise TensorError("can't retain_grad on Tensor that has requires_grad=False")
    node = t.grad_fn
    if node is None or t.retains_grad:
        return
    if node.retained is None:
        node.retained = []
    node.retained.append((t._oi, weakref.ref(t), False))


def retains_grad(t):
    node = t.grad_fn
    return node is not None and node.retained is not None and \
        any(not is_hook and ref() is t for _, ref, is_hook in node.retained)


def _call_hooks(hooks, g):
    for hook in list(hooks):
        r = hook(_new(np.asarray(g)))
        if r is not None:
            g = r._data if isinstance(r, Tensor) else np.asarray(r)
    return g


def _node_hooks(node, gn, store):
    """Run the tensor hooks of ``node``'s outputs on ``gn``; then retain_grad."""
    entries = node.retained
    single = node.n_out == 1
    if not single:
        gn = list(gn)
    for oi, obj, is_hook in list(entries):
        g = gn if single else gn[oi]
        if g is None or not is_hook:
            continue
        g = _call_hooks([obj], g)
        if single:
            gn = g
        else:
            gn[oi] = g
    if store:
        for oi, ref, is_hook in entries:
            t = None if is_hook else ref()
            g = gn if single else gn[oi]
            if t is not None and g is not None:
                _accumulate(t, g)
    return gn


def _accumulate(t, g):
    dtype = t._data.dtype
    g = np.array(g, dtype=dtype if dtype.kind in "fc" else None)   # own copy
    if t.grad is None:
        t.grad = _new(g)
    else:
        set_values(t.grad, t.grad._data + g)    # in place, as PyTorch accumulates


def _count_deps(nodes):
    """For every node reachable from ``nodes``, how many edges point to it."""
    deps = {n: 0 for n in nodes}
    stack = list(deps)
    while stack:
        n = stack.pop()
        for e in n.edges:
            if e[5]:
                t = e[2]
                c = deps.get(t)
                if c is None:
                    deps[t] = 1
                    stack.append(t)
                else:
                    deps[t] = c + 1
    return deps


def _seed(grads, node, oi, g):
    if node.n_out == 1:
        prev = grads.get(node)
        grads[node] = g if prev is None else prev + g
    else:
        slot = grads.get(node)
        if slot is None:
            slot = grads[node] = [None] * node.n_out
        slot[oi] = g if slot[oi] is None else slot[oi] + g


def run_backward(roots, retain_graph, capture=None):
    """Backpropagate ``roots`` (``(tensor, cotangent)`` pairs). Without
    ``capture`` the leaves' ``.grad`` accumulate; with it (a dict whose keys
    are leaf Tensors and ``(node, output_index)`` pairs) the gradients of
    those keys are stored in it instead, and no ``.grad`` changes."""
    leaf_grads = {}
    grads = {}
    for t, g in roots:
        if t.grad_fn is None:
            prev = leaf_grads.get(t)
            leaf_grads[t] = g if prev is None else prev + g
        else:
            _seed(grads, t.grad_fn, t._oi, g)
    deps = _count_deps(list(grads))
    ready = [n for n in grads if deps[n] == 0]
    while ready:
        n = ready.pop()
        gn = grads.pop(n, None)
        if n.retained is not None and gn is not None:
            gn = _node_hooks(n, gn, capture is None)
        if capture:
            _capture_node(capture, n, gn)
        res = None
        if gn is not None and (n.n_out == 1 or any(x is not None for x in gn)):
            res = n.apply(gn)
            nres = len(res)
        for pos, sub, t, oi, shape, is_node in n.edges:
            c = res[pos] if res is not None and pos < nres else None
            if c is not None:
                if sub is not None:
                    c = c[sub]
                if getattr(c, "shape", ()) != shape:
                    c = _fix_shape(n, pos, c, shape)
            if is_node:
                if c is not None:
                    _seed(grads, t, oi, c)
                d = deps[t] - 1
                deps[t] = d
                if d == 0:
                    ready.append(t)
            elif c is not None:
                prev = leaf_grads.get(t)
                leaf_grads[t] = c if prev is None else prev + c
        if not retain_graph:
            n.free()
    _finish_leaves(leaf_grads, capture)


def _capture_node(capture, node, gn):
    for oi in range(node.n_out):
        key = (node, oi)
        if key in capture:
            capture[key] = gn if node.n_out == 1 else (None if gn is None else gn[oi])


def _finish_leaves(leaf_grads, capture):
    for leaf, g in leaf_grads.items():
        if leaf.grad_fn is not None:
            raise TensorError("leaf variable has been moved into the graph interior: an "
                              "in-place op made a leaf of this graph part of another graph",
                              hint="clone() the leaf before the in-place op")
        hooks = _leaf_hooks(leaf) if _LEAF_HOOKS else None
        if hooks:
            g = _call_hooks(hooks, g)
        if capture is not None:
            if leaf in capture:
                capture[leaf] = g
        elif leaf._rg and not is_diff_view(leaf):
            _accumulate(leaf, g)    # not after requires_grad_(False), nor into a view


def _fix_shape(node, pos, c, shape):
    cshape = np.shape(c)
    if cshape == shape:
        return c
    if np.size(c) == 1 and int(np.prod(shape)) == 1:
        return np.reshape(c, shape)
    raise SrcdiffError(f"the vjp rule of {node.name()} returned a cotangent of shape {cshape} "
                       f"for argument {pos} of shape {shape}")
