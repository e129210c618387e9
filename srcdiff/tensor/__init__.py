"""A PyTorch-style runtime ``Tensor`` on top of NumPy and srcdiff's rule table.

Every differentiable operation a ``Tensor`` records is differentiated by the
rule the source transformer uses (``srcdiff.rules.lookup(func).vjp``):
``t * u`` uses the rule of ``operator.mul``, ``np.sin(t)`` the rule of
``np.sin``, ``t.sum(0)`` the rule of ``np.sum``, ``t[i]`` the rule of
``operator.getitem``. Nothing here knows a derivative of its own.

Graph semantics follow PyTorch: a DAG of nodes from leaves to roots;
``backward()`` runs it in reverse topological order, accumulates into the
``.grad`` of leaves, and frees the graph unless ``retain_graph=True``.

Arrays are never modified in place: an "in-place" operation on a Tensor
(``t += 1``, ``t[i] = v``, ``t.zero_()``) computes a new array and gives it to
the Tensor (recording a node when gradients flow), so values saved by earlier
nodes stay valid. Views (``t[0]``, ``t.T``, ``t.detach()``, ``t.data``, ...)
follow their base as in PyTorch (``srcdiff.tensor_views``); NumPy arrays taken
from a Tensor earlier (``t.numpy()``) do not see the update.
"""
import ast
import builtins
import collections
import functools
import inspect
import operator
import textwrap
import threading
import weakref

import numpy as np

from ..errors import SrcdiffError
from ..rules import lookup, qualified_name

__all__ = [
    "Tensor", "Parameter", "tensor", "as_tensor", "from_numpy",
    "zeros", "ones", "full", "empty", "rand", "randn", "linspace", "arange",
    "zeros_like", "ones_like", "full_like", "rand_like", "randn_like", "manual_seed",
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "Function", "FunctionCtx", "compile", "TensorError",
]

_ndarray = np.ndarray
_generic = np.generic
_new_object = object.__new__


class TensorError(SrcdiffError, RuntimeError):
    """A misuse of the Tensor shim (both a ``SrcdiffError`` and a ``RuntimeError``,
    as PyTorch raises ``RuntimeError`` for the same mistakes)."""


# --------------------------------------------------------------------------
# grad mode (thread-local)

class _GradState(threading.local):
    enabled = True


_state = _GradState()


def is_grad_enabled():
    """Whether operations on Tensors are recorded (in the current thread)."""
    return _state.enabled


class _GradMode:
    """Base of ``no_grad`` / ``enable_grad``: a context manager and a decorator,
    usable as ``@no_grad()`` and as bare ``@no_grad``."""

    _mode = True

    def __new__(cls, func=None):
        self = _new_object(cls)
        self._prev = []
        if func is not None:
            if not callable(func):
                raise TypeError(f"{cls.__name__}() takes no arguments (got {func!r})")
            return self(func)
        return self

    def __enter__(self):
        self._prev.append(_state.enabled)
        _state.enabled = self._mode
        return self

    def __exit__(self, *exc):
        _state.enabled = self._prev.pop()
        return False

    def __call__(self, func):
        cls = type(self)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with cls():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_GradMode):
    """Switch graph recording off: ``with no_grad(): ...`` or ``@no_grad()``."""
    _mode = False


class enable_grad(_GradMode):
    """Switch graph recording on (inside ``no_grad``): a context manager and decorator."""
    _mode = True


class set_grad_enabled(_GradMode):
    """``set_grad_enabled(mode)``: sets the mode at once, and restores it when
    used as a context manager."""

    def __new__(cls, mode):
        self = _new_object(cls)
        self._mode = bool(mode)
        self._prev = [_state.enabled]
        _state.enabled = self._mode
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _state.enabled = self._prev.pop()
        return False

    def __call__(self, func):
        mode = self._mode
        _state.enabled = self._prev.pop()   # used as a decorator: undo the immediate switch

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            prev = _state.enabled
            _state.enabled = mode
            try:
                return func(*args, **kwargs)
            finally:
                _state.enabled = prev
        return wrapper


# --------------------------------------------------------------------------
# graph nodes

class Node:
    """One recorded operation. ``edges`` holds, per differentiable input,
    ``(position, sub_index, target, output_index, shape)`` where ``target`` is
    the input's node or, for a leaf, the leaf Tensor itself."""

    __slots__ = ("edges", "n_out", "retained", "__weakref__")

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{self.name()}>"

    @property
    def next_functions(self):
        return tuple((e[2] if e[5] else None, e[3]) for e in self.edges)

    def _freed_error(self):
        return TensorError(
            f"Trying to backward through the graph a second time (through {self.name()}): "
            "its saved values were freed by the first backward()",
            hint="call .backward(retain_graph=True) the first time if you need to "
                 "backward through the graph again")


class RuleNode(Node):
    """A NumPy function / operator differentiated by its rule in the table."""

    __slots__ = ("rule", "vjp", "args", "kwargs", "ans")

    def __init__(self, rule, vjp, args, kwargs, ans, edges, n_out=1):
        self.rule = rule
        self.vjp = vjp
        self.args = args
        self.kwargs = kwargs
        self.ans = ans
        self.edges = edges
        self.n_out = n_out
        self.retained = None

    def name(self):
        short = self.rule.name.rsplit(".", 1)[-1]
        return "".join(p[:1].upper() + p[1:] for p in short.split("_")) + "Backward"

    def apply(self, g):
        args = self.args
        if args is None:
            raise self._freed_error()
        kwargs = self.kwargs
        try:
            if kwargs:
                res = self.vjp(g, self.ans, *args, **kwargs)
            else:
                res = self.vjp(g, self.ans, *args)
        except TypeError as exc:
            raise SrcdiffError(f"the vjp rule of {self.rule.name} failed on the arguments "
                               f"the Tensor shim recorded: {exc}") from exc
        if res.__class__ is not tuple:
            return (res,)
        if len(res) > len(args):
            raise SrcdiffError(f"the vjp rule of {self.rule.name} returned {len(res)} "
                               f"cotangents for {len(args)} arguments")
        return res

    def free(self):
        self.args = self.kwargs = self.ans = None


# ---- specialising a rule to the cotangents actually needed ---------------
#
# A rule returns the cotangents of all its arguments, e.g. for ``x ** 3`` the
# cotangent of the exponent ``3`` (a log of the whole base). The Tensor shim
# knows which arguments require grad, so it runs a copy of the rule whose
# return tuple has ``None`` for the others, with the assignments only they
# used removed. The rule's text is unchanged otherwise.

_SPECIALIZED = {}


def _specialized_vjp(vjp, needed):
    key = (vjp, needed)
    try:
        return _SPECIALIZED[key]
    except KeyError:
        pass
    except TypeError:
        return vjp
    try:
        spec = _build_specialized(vjp, needed)
    except Exception:           # any failure: use the rule as written
        spec = None
    _SPECIALIZED[key] = spec = spec or vjp
    return spec


def _names_in(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _build_specialized(vjp, needed):
    code = getattr(vjp, "__code__", None)
    if code is None or code.co_freevars:
        return None
    lines, first = inspect.getsourcelines(vjp)
    tree = ast.parse(textwrap.dedent("".join(lines)))
    fdef = tree.body[0]
    if not isinstance(fdef, ast.FunctionDef):
        return None
    fdef.decorator_list = []
    returns = [n for n in ast.walk(fdef) if isinstance(n, ast.Return)]
    if not returns or not all(isinstance(r.value, ast.Tuple) for r in returns):
        return None
    changed = False
    for r in returns:
        for k, elt in enumerate(r.value.elts):
            if k not in needed and not (isinstance(elt, ast.Constant) and elt.value is None):
                r.value.elts[k] = ast.copy_location(ast.Constant(None), elt)
                changed = True
    if not changed:
        return None
    # drop straight-line assignments whose names are no longer read
    body = fdef.body
    if all(isinstance(s, (ast.Assign, ast.Return, ast.Expr)) for s in body):
        keep = []
        live = set()
        for stmt in reversed(body):
            if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
                if not any(t.id in live for t in stmt.targets):
                    continue
                for t in stmt.targets:
                    live.discard(t.id)
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue   # docstring
            live |= _names_in(stmt)
            keep.append(stmt)
        fdef.body = list(reversed(keep))
    ast.increment_lineno(tree, first - 1)
    filename = code.co_filename
    namespace = {}
    exec(builtins.compile(tree, filename, "exec"), vjp.__globals__, namespace)
    spec = namespace[fdef.name]
    spec.__defaults__ = vjp.__defaults__
    spec.__kwdefaults__ = vjp.__kwdefaults__
    spec.__qualname__ = vjp.__qualname__ + f"[needs {','.join(map(str, needed))}]"
    return spec


# --------------------------------------------------------------------------
# the Tensor

def _as_data(x, dtype=None):
    if x.__class__ is _ndarray:
        return x if dtype is None else x.astype(dtype, copy=False)
    if isinstance(x, Tensor):
        return _as_data(x._data, dtype)
    if isinstance(x, (_generic, list, tuple, int, float, complex, bool)) \
            or not hasattr(x, "__array_function__"):
        return np.asarray(x, dtype=dtype)
    return x if dtype is None else x.astype(dtype)   # a duck array (CuPy, Dask): kept


def _new(data):
    t = _new_object(Tensor)
    t._data = data
    t._rg = False
    t.grad = None
    t.grad_fn = None
    t._oi = 0
    t._view = None
    t._aux = None
    return t


def _new_out(data, node, oi=0):
    t = _new_object(Tensor)
    t._data = data
    t._rg = True
    t.grad = None
    t.grad_fn = node
    t._oi = oi
    t._view = None
    t._aux = None
    return t


def _wrap(out):
    """Wrap a raw result: arrays and NumPy scalars become Tensors, containers
    are wrapped element-wise, Python values (shapes, bools) are returned as is."""
    cls = out.__class__
    if cls is _ndarray:
        return _new(out)
    if isinstance(out, _generic):
        return _new(np.asarray(out))
    if cls is tuple or cls is list:
        return cls(_wrap(o) for o in out)
    if isinstance(out, tuple) and hasattr(out, "_fields"):
        return cls(*(_wrap(o) for o in out))
    if hasattr(out, "__array_function__") and hasattr(out, "shape"):
        return _new(out)
    return out


def _is_inexact(x):
    dt = getattr(x, "dtype", None)
    if dt is None:
        return isinstance(x, (float, complex))
    return dt.kind in "fc"


def _edge(t, pos, sub=None):
    """``(position, sub_index, target, output_index, shape, target_is_node)``"""
    fn = t.grad_fn
    if fn is None:
        return (pos, sub, t, 0, t._data.shape, False)
    return (pos, sub, fn, t._oi, t._data.shape, True)


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


class _MultiRuleNode(RuleNode):
    """A rule node whose function returns several arrays (a tuple of outputs);
    its rule gets a tuple of cotangents, zeros for outputs that got none."""

    __slots__ = ("out_meta",)

    def apply(self, g):
        g = tuple(np.zeros(s, d) if gi is None else gi
                  for gi, (s, d) in zip(g, self.out_meta))
        return RuleNode.apply(self, g)


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


def _unwrap_index(idx):
    if isinstance(idx, Tensor):
        return idx._data
    if idx.__class__ is tuple:
        return tuple(i._data if isinstance(i, Tensor) else i for i in idx)
    if idx.__class__ is list and any(isinstance(i, Tensor) for i in idx):
        return [i._data if isinstance(i, Tensor) else i for i in idx]
    return idx


_MaxMin = collections.namedtuple("_MaxMin", ["values", "indices"])


def _binop(func):
    """``self <op> other`` and ``other <op> self``, differentiated by the rule of
    ``func`` (``operator.add``, ...). The hot path of the shim: kept flat."""
    cache = []   # the Rule object of func (the registry never replaces it)

    def rule_of():
        if cache:
            return cache[0]
        rule = lookup(func)
        if rule is not None:
            cache.append(rule)
        return rule

    def node(out, sd, od, edges, needed):
        rule = cache[0] if cache else rule_of()
        if rule is None or rule.vjp is None or out.dtype.kind not in "fc":
            return _record(func, out, (sd, od), None, edges, rule)
        vjp = rule.vjp if needed is None else _specialized_vjp(rule.vjp, needed)
        t = _new_object(Tensor)
        t._data = out
        t._rg = True
        t.grad = None
        t.grad_fn = RuleNode(rule, vjp, (sd, od), None, out, edges)
        t._oi = 0
        t._view = None
        t._aux = None
        return t

    def forward(self, other):
        sd = self._data
        if isinstance(other, Tensor):
            od = other._data
            orq = other._rg
        else:
            od = other
            orq = False
        out = func(sd, od)
        if out.__class__ is not _ndarray:
            if out is NotImplemented:
                return out
            out = np.asarray(out)
        if self._rg:
            if _state.enabled:
                if orq:
                    return node(out, sd, od, (_edge(self, 0), _edge(other, 1)), None)
                return node(out, sd, od, (_edge(self, 0),), _NEEDS_0)
        elif orq and _state.enabled:
            return node(out, sd, od, (_edge(other, 1),), _NEEDS_1)
        t = _new_object(Tensor)
        t._data = out
        t._rg = False
        t.grad = None
        t.grad_fn = None
        t._oi = 0
        t._view = None
        t._aux = None
        return t

    def reflected(self, other):
        sd = self._data
        out = func(other, sd)
        if out.__class__ is not _ndarray:
            if out is NotImplemented:
                return out
            out = np.asarray(out)
        if self._rg and _state.enabled:
            return node(out, other, sd, (_edge(self, 1),), _NEEDS_1)
        return _new(out)

    return forward, reflected


def _compare(func):
    def method(self, other):
        od = other._data if isinstance(other, Tensor) else other
        out = func(self._data, od)
        if out.__class__ is not _ndarray:
            if out is NotImplemented:
                return out
            out = np.asarray(out)
        return _new(out)
    return method


def _fast_int_power(x, n):
    """``x ** n`` for a small integer ``n``, by multiplication (NumPy's general
    power is ~100x slower than a multiply for n = 3, 4)."""
    if n == 3:
        return x * x * x
    x2 = x * x
    return x2 * x2


def _is_basic_index(idx):
    """An index PyTorch answers with a view: ints, slices, None, Ellipsis."""
    if idx.__class__ is tuple:
        return all(_is_basic_item(i) for i in idx)
    return _is_basic_item(idx)


def _is_basic_item(i):
    return i is None or i is Ellipsis or i.__class__ is slice or \
        (isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_)))


def _with_ellipsis(idx):
    """``a[i, j]`` is a NumPy scalar (a copy); ``a[i, j, ...]`` a 0-d view."""
    return (idx if idx.__class__ is tuple else (idx,)) + (Ellipsis,)


def _check_dims(dims, ndim):
    """PyTorch accepts dim 0 and -1 on a 0-d Tensor (as if it had one dimension)."""
    for d in dims:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {d})")


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def _axis(dim, axis, t=None):
    """The NumPy axis of ``dim``; None on a 0-d Tensor ``t``, where PyTorch
    accepts dim 0 and -1 (as if it had one dimension)."""
    if axis is not None:
        dim = axis
    if isinstance(dim, list):
        dim = tuple(dim)
    if dim is not None and t is not None and t._data.ndim == 0:
        _check_dims(dim if isinstance(dim, tuple) else (dim,), 0)
        return None
    return dim


def _keep(keepdim, keepdims):
    return bool(keepdims) if keepdims is not None else bool(keepdim)


class Tensor:
    """An ndarray with PyTorch-style autograd (see the module docstring).

    ``Tensor(data, requires_grad=False, dtype=None)`` wraps ``data`` without a
    copy; ``srcdiff.tensor(...)`` copies.
    """

    __slots__ = ("_data", "_rg", "grad", "grad_fn", "_oi", "_view", "_aux", "__weakref__")
    __array_priority__ = 1000

    def __init__(self, data, requires_grad=False, dtype=None):
        self._data = _as_data(data, dtype)
        self._rg = False
        self.grad = None
        self.grad_fn = None
        self._oi = 0
        self._view = None
        self._aux = None
        if requires_grad:
            self.requires_grad = True

    # ---- autograd attributes ---------------------------------------------
    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        flag = bool(flag)
        if self.grad_fn is not None and not flag:
            raise TensorError(
                "you can only change requires_grad flags of leaf Tensors",
                hint="use t.detach() for a Tensor that does not require grad")
        if flag and not _is_inexact(self._data):
            raise TensorError(f"only Tensors of floating point or complex dtype can require "
                              f"gradients (this one is {self._data.dtype})")
        self._rg = flag
        if self._view is not None:
            own_requires_grad(self)
        if self._aux or self._view is not None:
            follow_requires_grad(self)

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    def retain_grad(self):
        """Keep ``.grad`` of a non-leaf Tensor after backward()."""
        retain_grad(self)

    @property
    def retains_grad(self):
        return retains_grad(self)

    def register_hook(self, hook):
        """``hook(grad)`` runs when this Tensor's gradient is computed; a Tensor
        it returns replaces the gradient. Returns a handle with ``.remove()``."""
        return register_hook(self, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``."""
        if create_graph:
            raise SrcdiffError("backward(create_graph=True) is not supported by the Tensor shim",
                               hint="use srcdiff.grad / srcdiff.hessian for higher derivatives")
        if inputs is not None:
            raise SrcdiffError("backward(inputs=...) is not supported by the Tensor shim")
        if not self._rg or self.grad_fn is None and is_diff_view(self):
            raise TensorError("element 0 of tensors does not require grad and does not have "
                              "a grad_fn: nothing to differentiate",
                              hint="create the inputs with requires_grad=True, outside no_grad()")
        data = self._data
        if gradient is None:
            if data.size != 1:
                raise TensorError(
                    f"grad can be implicitly created only for scalar outputs; this Tensor "
                    f"has shape {data.shape}",
                    hint="pass gradient= (a Tensor of the same shape), or reduce it with .sum()")
            g = np.ones(data.shape, data.dtype)
        else:
            g = _as_data(gradient)
            if np.shape(g) != data.shape:
                raise TensorError(f"mismatch in shape: gradient has shape {np.shape(g)} but "
                                  f"the output has shape {data.shape}")
        run_backward([(self, g)], bool(retain_graph))

    # ---- conversions ------------------------------------------------------
    def detach(self):
        """A Tensor sharing this one's memory, outside the graph."""
        return make_view(_new(self._data), self, diff=False)

    @property
    def data(self):
        """As in PyTorch: a detached Tensor sharing this one's memory (in-place ops
        on it, ``p.grad.data.zero_()``, change this Tensor's values, untracked).
        It is array-like: ``np.asarray(t.data)`` is the array itself."""
        return make_view(_new(self._data), self, diff=False, own_counter=True)

    @data.setter
    def data(self, value):
        unlink_views(self)
        self._data = value._data if isinstance(value, Tensor) else _as_data(value)

    def copy(self):
        """A NumPy copy of the values (for code written when ``.data`` was an ndarray)."""
        return self._data.copy()

    def detach_(self):
        if self.grad_fn is not None:
            self.grad_fn = None
        self._rg = False
        return self

    def numpy(self, force=False):
        if self._rg and not force:
            raise TensorError("can't call numpy() on a Tensor that requires grad",
                              hint="use t.detach().numpy()")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self._rg:
            raise TensorError("can't convert a Tensor that requires grad to a NumPy array "
                              "(its gradient would be lost)",
                              hint="use t.detach().numpy(), or a NumPy function that the "
                                   "Tensor dispatches (np.sin(t), np.sum(t), ...)")
        data = self._data
        if dtype is not None and data.dtype != dtype:
            return data.astype(dtype)
        if copy:
            return data.copy()
        return data

    def item(self):
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def __float__(self):
        return float(self._data)

    def __int__(self):
        return int(self._data)

    def __index__(self):
        return operator.index(self._data.item()) if self._data.size == 1 else \
            operator.index(self._data)

    def __bool__(self):
        return bool(self._data)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(len(self._data)):
            yield self[i]

    def __hash__(self):
        return id(self)

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return format(repr(self), spec)

    def __repr__(self):
        text = np.array_repr(self._data)
        if text.startswith("array("):
            text = "tensor(" + text[6:].replace("\n", "\n ")
        extra = ""
        if self.grad_fn is not None:
            extra = f", grad_fn=<{self.grad_fn.name()}>"
        elif self._rg:
            extra = ", requires_grad=True"
        if extra and text.endswith(")"):
            text = text[:-1] + extra + ")"
        return text

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise TensorError("only leaf Tensors (created by the user) support deepcopy",
                              hint="deepcopy t.detach()")
        t = type(self).__new__(type(self))
        t._data = self._data.copy()
        t._rg = self._rg
        t.grad = None if self.grad is None else self.grad.__deepcopy__(memo)
        t.grad_fn = None
        t._oi = 0
        t._view = None
        t._aux = None
        memo[id(self)] = t
        return t

    def __reduce_ex__(self, protocol):
        if self.grad_fn is not None:
            raise TensorError("only leaf Tensors can be pickled; pickle t.detach()")
        return (_rebuild, (type(self), self._data, self._rg))

    # ---- metadata ---------------------------------------------------------
    @property
    def shape(self):
        return self._data.shape

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def device(self):
        return "cpu"

    def size(self, dim=None):
        return self._data.shape if dim is None else self._data.shape[dim]

    def numel(self):
        return self._data.size

    def dim(self):
        return self._data.ndim

    def nelement(self):
        return self._data.size

    # ---- NumPy interop ----------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.pop("out", None)
        func = ufunc if method == "__call__" else getattr(ufunc, method)
        if method == "at":
            if isinstance(inputs[0], Tensor):
                raise SrcdiffError(f"{qualified_name(ufunc)}.at modifies a Tensor in place",
                                   hint="use an out-of-place expression")
            return _apply(func, inputs, kwargs)
        result = _apply(func, inputs, kwargs)
        if out is not None:
            return _write_out(out, result)
        return result

    def __array_function__(self, func, types, args, kwargs):
        if func in _INPLACE_NUMPY and args and isinstance(args[0], Tensor):
            raise SrcdiffError(f"{qualified_name(func)} modifies its first argument in place, "
                               "which a Tensor does not allow",
                               hint="use indexing assignment t[idx] = value")
        out = kwargs.pop("out", None) if "out" in kwargs else None
        result = _apply(func, args, kwargs)
        if out is not None:
            return _write_out(out, result)
        return result

    # ---- operators (rules of operator.add, operator.mul, ...) ---------------
    __add__, __radd__ = _binop(operator.add)
    __sub__, __rsub__ = _binop(operator.sub)
    __mul__, __rmul__ = _binop(operator.mul)
    __truediv__, __rtruediv__ = _binop(operator.truediv)
    __floordiv__, __rfloordiv__ = _binop(operator.floordiv)
    __mod__, __rmod__ = _binop(operator.mod)
    __matmul__, __rmatmul__ = _binop(operator.matmul)
    _pow, __rpow__ = _binop(operator.pow)

    def __pow__(self, exponent):
        if exponent.__class__ is int and (exponent == 3 or exponent == 4):
            # same value as NumPy's power, computed much faster; rule: operator.pow
            sd = self._data
            out = _fast_int_power(sd, exponent)
            if self._rg and _state.enabled:
                return _record(operator.pow, out, (sd, exponent), {}, [_edge(self, 0)])
            return _new(out)
        return self._pow(exponent)

    def __neg__(self):
        return _apply(operator.neg, (self,))

    def __pos__(self):
        return _apply(operator.pos, (self,))

    def __abs__(self):
        return _apply(np.abs, (self,))

    def __invert__(self):
        return _new(~self._data)

    __lt__ = _compare(operator.lt)
    __le__ = _compare(operator.le)
    __gt__ = _compare(operator.gt)
    __ge__ = _compare(operator.ge)
    __eq__ = _compare(operator.eq)
    __ne__ = _compare(operator.ne)
    __and__ = _compare(operator.and_)
    __or__ = _compare(operator.or_)
    __xor__ = _compare(operator.xor)

    # ---- in-place operators (new array, node recorded) ----------------------
    def _check_inplace(self):
        check_inplace(self)

    def _assign(self, result):
        """Make ``self`` hold ``result`` (an in-place update done out of place)."""
        return commit(self, result)

    def _inplace(self, func, other):
        self._check_inplace()
        check_overlap(self, other)
        return self._assign(func(self, other))

    def __iadd__(self, other):
        return self._inplace(Tensor.__add__, other)

    def __isub__(self, other):
        return self._inplace(Tensor.__sub__, other)

    def __imul__(self, other):
        return self._inplace(Tensor.__mul__, other)

    def __itruediv__(self, other):
        return self._inplace(Tensor.__truediv__, other)

    def __ipow__(self, other):
        return self._inplace(Tensor.__pow__, other)

    def __imatmul__(self, other):
        return self._inplace(Tensor.__matmul__, other)

    def add_(self, other, alpha=1):
        return self._inplace(Tensor.__add__, other if alpha == 1 else other * alpha)

    def sub_(self, other, alpha=1):
        return self._inplace(Tensor.__sub__, other if alpha == 1 else other * alpha)

    def mul_(self, other):
        return self._inplace(Tensor.__mul__, other)

    def div_(self, other):
        return self._inplace(Tensor.__truediv__, other)

    def clamp_(self, min=None, max=None):
        self._check_inplace()
        return self._assign(self.clamp(min, max))

    def copy_(self, src):
        self._check_inplace()
        check_overlap(self, src)
        self[...] = src
        return self

    def fill_(self, value):
        """Set every element to ``value`` (a constant: no gradient flows back)."""
        self._check_inplace()
        if _state.enabled and (self._rg or isinstance(value, Tensor) and value._rg):
            from ..rules.indexing import index_update    # recorded: no gradient to the old values
            return commit(self, _apply(index_update, (self, Ellipsis, value)), fill=True)
        return set_values(self, np.full_like(
            self._data, value._data if isinstance(value, Tensor) else value), fill=True)

    def zero_(self):
        return self.fill_(0)

    def uniform_(self, a=0.0, b=1.0):
        self._check_inplace()
        return set_values(self, np.random.uniform(a, b, self._data.shape))

    def normal_(self, mean=0.0, std=1.0):
        self._check_inplace()
        return set_values(self, np.random.normal(mean, std, self._data.shape))

    # ---- indexing (rules of operator.getitem and index_update) -------------
    def __getitem__(self, idx):
        idx = _unwrap_index(idx)
        sd = self._data
        out = sd[idx]
        basic = _is_basic_index(idx)
        if out.__class__ is not _ndarray:
            out = sd[_with_ellipsis(idx)] if basic and sd.__class__ is _ndarray \
                else np.asarray(out)
        if self._rg and _state.enabled:
            res = _record(operator.getitem, out, (sd, idx), {}, [_edge(self, 0)])
        else:
            res = _new(out)
        return make_view(res, self, (operator.getitem, (idx,))) if basic else res

    def __setitem__(self, idx, value):
        self._check_inplace()
        idx = _unwrap_index(idx)
        vrg = isinstance(value, Tensor) and value._rg
        if (self._rg or vrg) and _state.enabled:
            from ..rules.indexing import index_update
            self._assign(_apply(index_update, (self, idx, value)))
            return
        new = self._data.copy()
        new[idx] = value._data if isinstance(value, Tensor) else value
        set_values(self, new)

    # ---- methods: each maps to the NumPy function whose rule differentiates it
    def sum(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
        kw = {"axis": _axis(dim, axis, self)}
        if _keep(keepdim, keepdims):
            kw["keepdims"] = True
        if dtype is not None:
            kw["dtype"] = dtype
        return _apply(np.sum, (self,), kw)

    def mean(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
        kw = {"axis": _axis(dim, axis, self)}
        if _keep(keepdim, keepdims):
            kw["keepdims"] = True
        if dtype is not None:
            kw["dtype"] = dtype
        return _apply(np.mean, (self,), kw)

    def prod(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        kw = {"axis": _axis(dim, axis, self)}
        if _keep(keepdim, keepdims):
            kw["keepdims"] = True
        return _apply(np.prod, (self,), kw)

    def var(self, dim=None, unbiased=True, keepdim=False, *, correction=None, axis=None,
            keepdims=None):
        ddof = correction if correction is not None else (1 if unbiased else 0)
        kw = {"axis": _axis(dim, axis, self), "ddof": ddof}
        if _keep(keepdim, keepdims):
            kw["keepdims"] = True
        return _apply(np.var, (self,), kw)

    def std(self, dim=None, unbiased=True, keepdim=False, *, correction=None, axis=None,
            keepdims=None):
        ddof = correction if correction is not None else (1 if unbiased else 0)
        kw = {"axis": _axis(dim, axis, self), "ddof": ddof}
        if _keep(keepdim, keepdims):
            kw["keepdims"] = True
        return _apply(np.std, (self,), kw)

    def _extremum(self, reduce, elementwise, arg, dim, keepdim, axis, keepdims):
        if isinstance(dim, (Tensor, _ndarray)):
            return _apply(elementwise, (self, dim))
        ax = _axis(dim, axis, self)
        keep = _keep(keepdim, keepdims)
        if dim is None and axis is None or ax is None:
            values = _apply(reduce, (self,), {"axis": None})    # ties share the gradient
            if dim is None and axis is None:
                return values
            return _MaxMin(values, _new(np.asarray(0)))
        # the gradient goes to the index returned (PyTorch's max(dim)), ties or not
        idx = np.expand_dims(arg(self._data, axis=ax), ax)
        values = _apply(np.take_along_axis, (self, idx, ax))
        if not keep:
            values = _apply(np.squeeze, (values,), {"axis": ax})
            idx = np.squeeze(idx, axis=ax)
        return _MaxMin(values, _new(np.asarray(idx)))

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """``t.max()``: the largest element; ``t.max(dim)``: ``(values, indices)``;
        ``t.max(other)``: the elementwise maximum."""
        return self._extremum(np.max, np.maximum, np.argmax, dim, keepdim, axis, keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return self._extremum(np.min, np.minimum, np.argmin, dim, keepdim, axis, keepdims)

    def amax(self, dim=None, keepdim=False):
        return _apply(np.max, (self,), {"axis": _axis(dim, None, self),
                                          "keepdims": bool(keepdim)})

    def amin(self, dim=None, keepdim=False):
        return _apply(np.min, (self,), {"axis": _axis(dim, None, self),
                                          "keepdims": bool(keepdim)})

    def argmax(self, dim=None, keepdim=False):
        return _new(np.asarray(np.argmax(self._data, axis=_axis(dim, None, self),
                                         keepdims=bool(keepdim))))

    def argmin(self, dim=None, keepdim=False):
        return _new(np.asarray(np.argmin(self._data, axis=_axis(dim, None, self),
                                         keepdims=bool(keepdim))))

    def maximum(self, other):
        return _apply(np.maximum, (self, other))

    def minimum(self, other):
        return _apply(np.minimum, (self, other))

    def cumsum(self, dim=None, *, axis=None):
        out = _apply(np.cumsum, (self,), {"axis": _axis(dim, axis, self)})
        return out if self._data.ndim else _apply(np.reshape, (out, ()))

    def norm(self, p=2, dim=None, keepdim=False):
        dim = _axis(dim, None, self)
        return _apply(np.linalg.norm, (self,), {"ord": None if p == 2 and dim is None else p,
                                                 "axis": dim, "keepdims": bool(keepdim)})

    def pow(self, exponent):
        return self ** exponent

    def square(self):
        return _apply(np.square, (self,))

    def exp(self):
        return _apply(np.exp, (self,))

    def expm1(self):
        return _apply(np.expm1, (self,))

    def log(self):
        return _apply(np.log, (self,))

    def log1p(self):
        return _apply(np.log1p, (self,))

    def log2(self):
        return _apply(np.log2, (self,))

    def log10(self):
        return _apply(np.log10, (self,))

    def sqrt(self):
        return _apply(np.sqrt, (self,))

    def rsqrt(self):
        return 1.0 / _apply(np.sqrt, (self,))

    def abs(self):
        return _apply(np.abs, (self,))

    def sin(self):
        return _apply(np.sin, (self,))

    def cos(self):
        return _apply(np.cos, (self,))

    def tan(self):
        return _apply(np.tan, (self,))

    def sinh(self):
        return _apply(np.sinh, (self,))

    def cosh(self):
        return _apply(np.cosh, (self,))

    def tanh(self):
        return _apply(np.tanh, (self,))

    def arcsin(self):
        return _apply(np.arcsin, (self,))

    def arccos(self):
        return _apply(np.arccos, (self,))

    def arctan(self):
        return _apply(np.arctan, (self,))

    asin, acos, atan = arcsin, arccos, arctan

    def relu(self):
        # where(x > 0, x, 0): the gradient is 0 (never nan) at x <= 0; NaN stays NaN
        d = self._data
        return _apply(np.where, (~(d <= 0), self, np.zeros((), d.dtype)))

    def neg(self):
        return -self

    negative = neg

    def reciprocal(self):
        return 1.0 / self

    def sign(self):
        return _apply(np.sign, (self,))

    def floor(self):
        return _apply(np.floor, (self,))

    def ceil(self):
        return _apply(np.ceil, (self,))

    def round(self):
        return _apply(np.round, (self,))

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise TypeError("clamp() needs at least one of min and max")
        return _apply(np.clip, (self, min, max))

    clip = clamp

    def add(self, other, alpha=1):
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other, alpha=1):
        return self - (other if alpha == 1 else other * alpha)

    def mul(self, other):
        return self * other

    def div(self, other):
        return self / other

    def matmul(self, other):
        return self @ other

    def mm(self, other):
        return self @ other

    def mv(self, other):
        return self @ other

    def dot(self, other):
        return _apply(np.dot, (self, other))

    def outer(self, other):
        return _apply(np.outer, (self, other))

    # shapes
    def reshape(self, *shape):
        shape = _shape_arg(shape)
        return view_step(_apply(np.reshape, (self, shape)), self, np.reshape, (shape,))

    def view(self, *shape):
        out = self.reshape(*shape)
        if out._view is None and out._data.size and self._data.__class__ is _ndarray:
            raise TensorError("view size is not compatible with input tensor's size and "
                              "stride", hint="use .reshape(...) instead")
        return out

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        shape = self._data.shape
        if not shape:
            return self.reshape(1)
        s, e = start_dim % len(shape), end_dim % len(shape)
        if s == e:
            return self
        return self.reshape(shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])

    def squeeze(self, dim=None):
        shape = self._data.shape
        if dim is None:
            return self.reshape(tuple(n for n in shape if n != 1))
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        if not shape:
            _check_dims(dims, 0)
            return self.reshape(())
        drop = {d % len(shape) for d in dims if shape[d] == 1}
        return self.reshape(tuple(n for k, n in enumerate(shape) if k not in drop))

    def unsqueeze(self, dim):
        return view_step(_apply(np.expand_dims, (self, dim)), self, np.expand_dims, (dim,))

    def expand(self, *sizes):
        sizes = _shape_arg(sizes)
        shape = self._data.shape
        lead = len(sizes) - len(shape)
        full_shape = tuple(s if n == -1 else n for n, s in
                           zip(sizes, (1,) * lead + shape))
        return self._view_op(np.broadcast_to, full_shape)

    def expand_as(self, other):
        return self._view_op(np.broadcast_to, tuple(other.shape))

    def _view_op(self, func, *args):
        return view_step(_apply(func, (self,) + args), self, func, args)

    @property
    def T(self):
        return self._view_op(np.transpose)

    @property
    def mT(self):
        return self._view_op(np.swapaxes, -1, -2)

    def t(self):
        if self._data.ndim > 2:
            raise TensorError(f"t() expects a Tensor with <= 2 dimensions, got {self._data.ndim}")
        return self._view_op(np.transpose)

    def transpose(self, dim0, dim1):
        return self._view_op(np.swapaxes, dim0, dim1)

    def permute(self, *dims):
        return self._view_op(np.transpose, _shape_arg(dims))

    def flip(self, dims):
        return _apply(np.flip, (self,), {"axis": dims})

    # copies and dtypes
    def clone(self):
        if self._rg and _state.enabled:
            return _apply(np.positive, (self,))     # a copy; rule of np.positive
        return _new(self._data.copy())

    def contiguous(self):
        d = self._data
        if d.__class__ is not _ndarray or d.flags.c_contiguous:
            return self
        return self.clone()

    def to(self, dtype=None, *args, **kwargs):
        if dtype is None or isinstance(dtype, str) and dtype in ("cpu",):
            return self
        return self.type(dtype)

    def type(self, dtype=None):
        if dtype is None:
            return str(self._data.dtype)
        if np.dtype(dtype) == self._data.dtype:
            return self
        return _apply(np.astype, (self, np.dtype(dtype)))

    def double(self):
        return self.type(np.float64)

    def float(self):
        return self.type(np.float32)

    def long(self):
        return _new(self._data.astype(np.int64))

    def int(self):
        return _new(self._data.astype(np.int32))

    def bool(self):
        return _new(self._data.astype(bool))

    def cpu(self):
        return self

    def all(self, *args, **kwargs):
        return _new(np.asarray(np.all(self._data, *args, **kwargs)))

    def any(self, *args, **kwargs):
        return _new(np.asarray(np.any(self._data, *args, **kwargs)))

    def isnan(self):
        return _new(np.isnan(self._data))

    def allclose(self, other, rtol=1e-05, atol=1e-08):
        od = other._data if isinstance(other, Tensor) else other
        return bool(np.allclose(self._data, od, rtol=rtol, atol=atol))

    def equal(self, other):
        od = other._data if isinstance(other, Tensor) else other
        return bool(np.array_equal(self._data, od))


def _rebuild(cls, data, rg):
    t = cls.__new__(cls)
    Tensor.__init__(t, data, rg)
    return t


_INPLACE_NUMPY = {np.copyto, np.put, np.place, np.putmask, np.fill_diagonal,
                  np.put_along_axis}


def _write_out(out, result):
    """NumPy's ``out=`` with Tensors: Tensors are updated as by an in-place op."""
    single = not isinstance(out, tuple)
    outs = (out,) if single else out
    results = (result,) if single or len(outs) == 1 else result
    for o, r in zip(outs, results):
        if isinstance(o, Tensor):
            o._check_inplace()
            o._assign(r if isinstance(r, Tensor) else _new(np.asarray(r)))
        elif o is not None:
            if isinstance(r, Tensor) and r._rg and _state.enabled:
                raise SrcdiffError("out= is a plain array but the result requires grad: its "
                                   "gradient would be lost", hint="drop out=")
            np.copyto(o, r._data if isinstance(r, Tensor) else r)
    return out[0] if not single and len(outs) == 1 else out


class Parameter(Tensor):
    """A Tensor that a ``srcdiff.nn.Module`` registers as a parameter
    (``requires_grad=True`` unless told otherwise)."""

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = np.empty(0)
        Tensor.__init__(self, _as_data(data), requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)


# --------------------------------------------------------------------------
# custom Functions

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
        if not (any(needs) and _state.enabled):
            res = tuple(_new(d) for d in datas)
            return res if multi else res[0]
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
        res = tuple(res)
        return res if multi else res[0]


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


# --------------------------------------------------------------------------
# compile: one node for a whole function, differentiated by source transformation

class CompiledNode(Node):
    __slots__ = ("func", "f_vjp", "positions", "out_meta")

    def name(self):
        return getattr(self.func, "__name__", "compiled") + "CompiledBackward"

    def apply(self, g):
        f_vjp = self.f_vjp
        if f_vjp is None:
            raise self._freed_error()
        if self.n_out > 1:
            g = tuple(np.zeros(s, d) if gi is None else gi
                      for gi, (s, d) in zip(g, self.out_meta))
        cots = f_vjp(g)
        if not isinstance(cots, tuple):
            cots = (cots,)
        res = [None] * (max(self.positions) + 1)
        for p, c in zip(self.positions, cots):
            res[p] = c
        return tuple(res)

    def free(self):
        self.f_vjp = None


def _fast_path(f_vjp):
    """The generated forward/backward pair behind ``f_vjp`` (what ``srcdiff.vjp``
    calls), so later calls skip ``vjp``'s per-call set-up; None if unavailable."""
    gen = getattr(f_vjp, "__srcdiff_generated__", None)
    fns = getattr(gen, "fns", None)
    if not isinstance(fns, dict):
        return None
    fwd = [fn for n, fn in fns.items() if n.endswith("_fwd")]
    bwd = [fn for n, fn in fns.items() if n.endswith("_bwd")]
    if len(fwd) != 1 or len(bwd) != 1:
        return None
    return fwd[0], bwd[0]


def compile(f):
    """Decorator: with Tensor arguments, ``f`` runs on their arrays and records
    ONE node whose backward is ``f``'s adjoint generated by source
    transformation (``srcdiff.vjp``). With arrays it is just ``f``."""
    sig = None
    fast_paths = {}   # wrt positions -> (forward, backward) generated functions

    @functools.wraps(f)
    def compiled(*args, **kwargs):
        nonlocal sig
        if not any(isinstance(a, Tensor) for a in args) and \
                not any(isinstance(v, Tensor) for v in kwargs.values()):
            return f(*args, **kwargs)
        if kwargs:
            if sig is None:
                sig = inspect.signature(f)
            bound = sig.bind(*args, **kwargs)
            if bound.kwargs and any(isinstance(v, Tensor) and v._rg
                                    for v in bound.kwargs.values()):
                raise SrcdiffError(f"{f.__name__}: a Tensor that requires grad passed as a "
                                   "keyword-only argument cannot be differentiated",
                                   hint="pass it positionally")
            args = bound.args
            kwargs = {k: v._data if isinstance(v, Tensor) else v
                      for k, v in bound.kwargs.items()}
        raw = tuple(a._data if isinstance(a, Tensor) else a for a in args)
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor) and a._rg)
        if not positions or not _state.enabled:
            return _wrap(f(*raw, **kwargs))
        if kwargs:
            target = functools.partial(f, **kwargs)
            functools.update_wrapper(target, f)
        else:
            target = f
        fast = None if kwargs else fast_paths.get(positions)
        if fast is not None:
            fwd, bwd = fast
            out, residuals = fwd(*raw)
            f_vjp = functools.partial(bwd, residuals)
        else:
            try:
                from ..api.reverse_mode import vjp
            except ImportError as exc:
                raise SrcdiffError("srcdiff.compile needs srcdiff.api.vjp, which is not "
                                   "available") from exc
            out, f_vjp = vjp(target, *raw, wrt=positions)
            if not kwargs:
                fast_paths[positions] = _fast_path(f_vjp)
        node = _new_object(CompiledNode)
        node.func = f
        node.f_vjp = f_vjp
        node.positions = positions
        node.retained = None
        node.edges = tuple(_edge(args[i], i) for i in positions)
        if isinstance(out, (tuple, list)):
            items = [np.asarray(o) for o in out]
            node.n_out = len(items)
            node.out_meta = [(o.shape, o.dtype) for o in items]
            return type(out)(_new_out(o, node, k) if o.dtype.kind in "fc" else _new(o)
                             for k, o in enumerate(items))
        out = np.asarray(out)
        node.n_out = 1
        node.out_meta = None
        if out.dtype.kind not in "fc":
            return _new(out)
        return _new_out(out, node)

    compiled.__srcdiff_wrapped__ = f
    compiled.__srcdiff_compiled__ = True
    return compiled


# --------------------------------------------------------------------------
# creation helpers

def _finish(data, requires_grad):
    t = _new(data)
    if requires_grad:
        t.requires_grad = True
    return t


def tensor(data, dtype=None, requires_grad=False):
    """A new leaf Tensor holding a copy of ``data``."""
    if isinstance(data, Tensor):
        data = data._data
    return _finish(np.array(data, dtype=dtype), requires_grad)


def as_tensor(data, dtype=None):
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtype):
        return data
    return _new(_as_data(data, dtype))


def from_numpy(array):
    """A Tensor sharing memory with ``array``."""
    return _new(array)


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(size)


def zeros(*size, dtype=None, requires_grad=False):
    return _finish(np.zeros(_size(size), dtype=dtype or np.float64), requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    return _finish(np.ones(_size(size), dtype=dtype or np.float64), requires_grad)


def empty(*size, dtype=None, requires_grad=False):
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    if isinstance(size, int):
        size = (size,)
    return _finish(np.full(tuple(size), fill_value, dtype=dtype), requires_grad)


def rand(*size, dtype=None, requires_grad=False):
    """Uniform on [0, 1) (NumPy's global generator: ``manual_seed`` / ``np.random.seed``)."""
    data = np.asarray(np.random.random_sample(_size(size)))
    return _finish(data.astype(dtype) if dtype else data, requires_grad)


def randn(*size, dtype=None, requires_grad=False):
    """Standard normal (NumPy's global generator)."""
    data = np.asarray(np.random.standard_normal(_size(size)))
    return _finish(data.astype(dtype) if dtype else data, requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False):
    return _finish(np.linspace(start, end, steps, dtype=dtype), requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    data = np.arange(start, dtype=dtype) if end is None else \
        np.arange(start, end, step, dtype=dtype)
    return _finish(data, requires_grad)


def zeros_like(t, dtype=None, requires_grad=False):
    return _finish(np.zeros_like(_as_data(t), dtype=dtype), requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    return _finish(np.ones_like(_as_data(t), dtype=dtype), requires_grad)


def full_like(t, fill_value, dtype=None, requires_grad=False):
    return _finish(np.full_like(_as_data(t), fill_value, dtype=dtype), requires_grad)


def rand_like(t, dtype=None, requires_grad=False):
    d = _as_data(t)
    return rand(*d.shape, dtype=dtype or d.dtype, requires_grad=requires_grad)


def randn_like(t, dtype=None, requires_grad=False):
    d = _as_data(t)
    return randn(*d.shape, dtype=dtype or d.dtype, requires_grad=requires_grad)


def manual_seed(seed):
    """Seed the generator used by ``rand``, ``randn`` and ``nn`` initialisation."""
    np.random.seed(seed)


from .views import (check_inplace, check_overlap, commit, follow_requires_grad,  # noqa: E402,E501
                           is_diff_view, make_view, own_requires_grad, set_values, unlink_views, view_step)
from . import ops as tensor_ops  # noqa: E402,F401  (more methods)
from ..autograd import register_hook, retain_grad, retains_grad, run_backward  # noqa: E402,E501
