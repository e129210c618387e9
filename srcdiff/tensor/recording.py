"""Running a NumPy function on Tensors: ``_apply`` computes on their arrays
and, when an input requires grad, records the node whose rule differentiates
the call (``_record``)."""
import inspect

import numpy as np

from ..errors import SrcdiffError
from ..rules import lookup, qualified_name
from .core import Tensor, _edge, _generic, _is_inexact, _ndarray, _new, _new_out, _wrap
from .grad_mode import _state
from .nodes import RuleNode, _MultiRuleNode
from .specialize import _specialized_vjp


def _missing_rule(func):
    owner = getattr(func, "__self__", None)
    if isinstance(owner, np.ufunc):          # np.add.reduce, np.multiply.outer, ...
        name = f"numpy.{owner.__name__}.{func.__name__}"
    else:
        name = qualified_name(func)
    return SrcdiffError(
        f"no derivative rule for {name}: a Tensor that requires grad was passed to it",
        hint=f"register one with @srcdiff.vjp_rule({name}) (or mark it "
             f"srcdiff.nondifferentiable), or call it on t.detach() / under no_grad()")


def _record(func, out, raw, kwargs, edges, rule=None):
    """Create the node of ``out = func(*raw, **kwargs)`` (one array) and wrap ``out``."""
    if rule is None:
        rule = lookup(func)
    if out.__class__ is not _ndarray:
        out = np.asarray(out)
    if rule is None or rule.vjp is None:
        if (rule is not None and rule.nondiff) or out.dtype.kind not in "fc":
            return _new(out)   # no derivative (integer / boolean results carry none)
        raise _missing_rule(func)
    if out.dtype.kind not in "fc":
        return _new(out)
    vjp = rule.vjp
    if len(edges) < len(raw):
        needed = tuple(sorted({e[0] for e in edges}))
        if len(needed) < len(raw):
            vjp = _specialized_vjp(vjp, needed)
    return _new_out(out, RuleNode(rule, vjp, raw, kwargs, out, tuple(edges)))


_NEEDS_0 = (0,)
_NEEDS_1 = (1,)


def _record_multi(rule, vjp, out, raw, kwargs, edges):
    cls = out.__class__
    items = [np.asarray(o) if isinstance(o, _generic) else o for o in out]
    node = _MultiRuleNode(rule, vjp, raw, kwargs, out, tuple(edges), n_out=len(items))
    node.out_meta = [(np.shape(o), getattr(o, "dtype", float)) for o in items]
    res = []
    for k, o in enumerate(items):
        if _is_inexact(o) and hasattr(o, "shape"):
            res.append(_new_out(o, node, k))
        else:
            res.append(_wrap(o))
    if hasattr(out, "_fields"):
        return cls(*res)
    return cls(res)


def _record_any(func, out, raw, kwargs, edges):
    cls = out.__class__
    if cls is _ndarray or isinstance(out, _generic):
        return _record(func, out, raw, kwargs, edges)
    if not isinstance(out, (tuple, list)):
        if hasattr(out, "__array_function__") and hasattr(out, "dtype"):
            return _record(func, out, raw, kwargs, edges)
        return out      # a Python value (a shape, a bool): nothing to differentiate
    rule = lookup(func)
    if rule is None or rule.vjp is None:
        if (rule is not None and rule.nondiff) or not any(_is_inexact(o) for o in out):
            return _wrap(out)
        raise _missing_rule(func)
    needed = tuple(sorted({e[0] for e in edges}))
    vjp = _specialized_vjp(rule.vjp, needed) if len(needed) < len(raw) else rule.vjp
    return _record_multi(rule, vjp, out, raw, kwargs, edges)


def _unwrap_seq(a, i, edges):
    items = []
    for j, e in enumerate(a):
        if isinstance(e, Tensor):
            items.append(e._data)
            if e._rg:
                edges.append(_edge(e, i, j))
        else:
            items.append(e)
    return type(a)(items)


def _apply(func, args, kwargs=None):
    """``func(*args, **kwargs)`` with Tensors among the arguments: computes on
    the arrays, records a node when an input requires grad."""
    raw = list(args)
    edges = []
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            raw[i] = a._data
            if a._rg:
                edges.append(_edge(a, i))
        elif (a.__class__ is list or a.__class__ is tuple) and a \
                and any(isinstance(e, Tensor) for e in a):
            raw[i] = _unwrap_seq(a, i, edges)
    if kwargs:
        rkw = {}
        grad_kw = False
        for k, v in kwargs.items():
            if isinstance(v, Tensor):
                rkw[k] = v._data
                grad_kw = grad_kw or v._rg
            else:
                rkw[k] = v
        if grad_kw and _state.enabled:
            return _apply_bound(func, args, kwargs)
    else:
        rkw = {}
    out = func(*raw, **rkw)
    if edges and _state.enabled:
        return _record_any(func, out, tuple(raw), rkw, edges)
    return _wrap(out)


def _apply_bound(func, args, kwargs):
    """A Tensor requiring grad passed by keyword: move it to its position."""
    rule = lookup(func)
    if rule is None or rule.vjp is None:
        raise _missing_rule(func)
    sig = inspect.signature(rule.vjp)
    try:
        bound = sig.bind(None, None, *args, **kwargs)
    except TypeError as exc:
        raise SrcdiffError(f"cannot match the arguments of {rule.name} to its vjp rule: {exc}")
    bound.apply_defaults()
    new_args = bound.args[2:]
    new_kwargs = dict(bound.kwargs)
    if any(isinstance(v, Tensor) and v._rg for v in new_kwargs.values()):
        raise SrcdiffError(f"{rule.name}: a Tensor that requires grad passed as a keyword-only "
                           "argument cannot be differentiated",
                           hint="pass it positionally")
    return _apply(func, new_args, new_kwargs)
