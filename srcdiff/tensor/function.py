"""Custom autograd functions, as in PyTorch: a ``Function`` subclass with
``forward`` and ``backward``; ``FunctionCtx`` is their ``ctx``."""
import functools
import inspect

import numpy as np

from ..errors import SrcdiffError
from ..rules import lookup
from .core import Tensor, _as_data, _edge, _generic, _is_inexact, _ndarray, _new, _new_object, \
    _new_out
from .errors import TensorError
from .grad_mode import _state, no_grad
from .nodes import Node


class FunctionCtx:
    """The ``ctx`` of a custom ``Function``: ``save_for_backward``,
    ``saved_tensors``, ``needs_input_grad``, and any attribute you set."""

    def __init__(self):
        self._saved = ()
        self._freed = False
        self.needs_input_grad = ()
        self.materialize_grads = True
        self._non_diff = ()

    def save_for_backward(self, *tensors):
        self._saved = tensors

    @property
    def saved_tensors(self):
        if self._freed:
            raise TensorError("Trying to backward through the graph a second time (or access "
                              "saved tensors after they have been freed)",
                              hint="call .backward(retain_graph=True) the first time")
        return self._saved

    def mark_non_differentiable(self, *tensors):
        self._non_diff = tensors

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)

    def mark_dirty(self, *tensors):
        pass


class FunctionNode(Node):
    """The node of a custom ``Function``: its backward is the Function's ``backward``."""

    __slots__ = ("fn_cls", "ctx", "n_in", "out_meta")

    def name(self):
        return self.fn_cls.__name__ + "Backward"

    def apply(self, g):
        ctx = self.ctx
        if ctx._freed:
            raise self._freed_error()
        gs = (g,) if self.n_out == 1 else tuple(g)
        grads = []
        for gi, (shape, dtype) in zip(gs, self.out_meta):
            if gi is None:
                grads.append(_new(np.zeros(shape, dtype)) if ctx.materialize_grads else None)
            else:
                grads.append(_new(np.asarray(gi)))
        with no_grad():
            res = self.fn_cls.backward(ctx, *grads)
        if not isinstance(res, tuple):
            res = (res,)
        if len(res) < self.n_in:
            res = res + (None,) * (self.n_in - len(res))
        elif len(res) > self.n_in:
            extra = res[self.n_in:]
            if any(r is not None for r in extra):
                raise SrcdiffError(f"{self.fn_cls.__name__}.backward returned {len(res)} "
                                   f"gradients, but forward took {self.n_in} inputs")
            res = res[:self.n_in]
        return tuple(r._data if isinstance(r, Tensor) else r for r in res)

    def free(self):
        self.ctx._freed = True
        self.ctx._saved = ()


class Function:
    """A custom differentiable operation, as in PyTorch::

        class Cube(Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3
            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return g * 3 * x ** 2

        y = Cube.apply(x)
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("a Function subclass must define backward(ctx, *grads)")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _register_function_rule(cls)

    @classmethod
    def _run_forward(cls, ctx, args, kwargs):
        with no_grad():
            if cls.setup_context is not Function.setup_context:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        return out

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` and, when an input requires grad, record a node whose
        backward is ``backward``. Called with arrays only (as generated code
        does), it returns arrays."""
        if not any(isinstance(a, Tensor) for a in args):
            ctx = FunctionCtx()
            ctx.needs_input_grad = tuple(False for _ in args)
            out = cls._run_forward(ctx, tuple(_tensor_arg(a) for a in args), kwargs)
            return _unwrap_out(out)
        ctx = FunctionCtx()
        needs = tuple(isinstance(a, Tensor) and a._rg for a in args)
        ctx.needs_input_grad = needs
        out = cls._run_forward(ctx, args, kwargs)
        multi = isinstance(out, tuple)
        outs = out if multi else (out,)
        datas = [o._data if isinstance(o, Tensor) else _as_data(o) for o in outs]
        if any(needs) and _state.enabled:
            res = _record_function(cls, ctx, args, outs, datas)
        else:
            res = tuple(_new(d) for d in datas)
        return res if multi else res[0]


def _record_function(cls, ctx, args, outs, datas):
    """The outputs (``outs``, whose arrays are ``datas``) of ``cls.apply(*args)``
    as Tensors of one ``FunctionNode`` (those marked non-differentiable, and
    integer ones, outside the graph)."""
    node = _new_object(FunctionNode)
    node.fn_cls = cls
    node.ctx = ctx
    node.n_in = len(args)
    node.n_out = len(datas)
    node.retained = None
    node.out_meta = [(d.shape, d.dtype) for d in datas]
    node.edges = tuple(_edge(a, i) for i, a in enumerate(args)
                       if isinstance(a, Tensor) and a._rg)
    non_diff = {id(t) for t in ctx._non_diff}
    res = []
    for k, (o, d) in enumerate(zip(outs, datas)):
        if id(o) in non_diff or not _is_inexact(d):
            res.append(_new(d))
        else:
            res.append(_new_out(d, node, k))
    return tuple(res)


def _tensor_arg(a):
    if isinstance(a, (_ndarray, _generic, float)) and _is_inexact(a):
        return _new(np.asarray(a))
    return a


def _unwrap_out(out):
    if isinstance(out, Tensor):
        return out._data
    if isinstance(out, tuple):
        return tuple(o._data if isinstance(o, Tensor) else o for o in out)
    return out


def _function_vjp(cls, g, args):
    """The Function's ``backward`` as a rule: re-runs ``forward`` for its ctx."""
    ctx = FunctionCtx()
    ctx.needs_input_grad = tuple(_is_inexact(a) for a in args)
    out = cls._run_forward(ctx, tuple(_tensor_arg(a) for a in args), {})
    gs = g if isinstance(out, tuple) else (g,)
    with no_grad():
        res = cls.backward(ctx, *(_new(np.asarray(gi)) for gi in gs))
    if not isinstance(res, tuple):
        res = (res,)
    return tuple(r._data if isinstance(r, Tensor) else r for r in res[:len(args)])


def _register_function_rule(cls):
    """Register ``cls.apply`` in the rule table with ``cls.backward`` as its vjp,
    so source-transformed code (``srcdiff.grad``, ``srcdiff.gradcheck``) can
    call a custom Function too."""
    from ..rules.registry import vjp_rule
    forward = cls.forward
    if cls.setup_context is Function.setup_context:
        params = list(inspect.signature(forward).parameters.values())[1:]
    else:
        params = list(inspect.signature(forward).parameters.values())
    if not params or any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                         for p in params):
        return
    names = [p.name for p in params]
    if any(not n.isidentifier() or n in ("g", "ans", "_run") for n in names):
        return
    fname = f"{cls.__name__}_backward_rule"
    src = (f"def {fname}(g, ans, {', '.join(names)}):\n"
           f"    return _run(g, ({', '.join(names)},))\n")
    namespace = {"_run": functools.partial(_function_vjp, cls)}
    exec(src, namespace)
    rule_fn = namespace[fname]
    rule_fn.__qualname__ = f"{cls.__qualname__}.backward"
    vjp_rule(cls.apply)(rule_fn)
    entry = lookup(cls.apply)
    if entry is not None:
        entry.name = f"{cls.__module__}.{cls.__qualname__}.apply"
