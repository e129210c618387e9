"""Numba implementations of what generated code calls (imported by api.jit only).

Generated gradients call the helpers of ``srcdiff.runtime`` and a few NumPy
forms Numba lacks (``np.max(x, axis=1, keepdims=True)``, ``reversed(range)``,
``@`` between arrays of two float dtypes). Each gets a Numba overload here,
chosen at compile time from the argument types, so the generated source is
compiled as it is: the NumPy path and its code are unchanged.

Implementations that depend on an array's number of axes or on a literal
``axis`` are written out as small Python functions per case (``_compiled``)
and compiled by Numba like any other function.
"""
import operator

import numpy as np
from numba import njit, types
from numba.core.errors import TypingError
from numba.extending import overload

from .. import runtime

_made = {}


def _compiled(key, text, names=None):
    """The function ``impl`` defined by ``text`` (cached per ``key``)."""
    fn = _made.get(key)
    if fn is None:
        scope = {"np": np, "runtime": runtime}
        scope.update(names or {})
        exec(compile(text, f"<srcdiff.jit_overloads {key}>", "exec"), scope)
        fn = _made[key] = scope["impl"]
    return fn


def _is_scalar(t):
    return isinstance(t, (types.Number, types.Boolean))


def _is_none(t):
    return t is None or isinstance(t, (types.NoneType, types.Omitted))


def _literal(t, what):
    """The Python value of a literal int, None, or tuple of literal ints."""
    if not isinstance(t, types.Type):      # (an omitted argument's default)
        return t
    if _is_none(t):
        return None
    if isinstance(t, types.IntegerLiteral):
        return t.literal_value
    if isinstance(t, types.BooleanLiteral):
        return t.literal_value
    if isinstance(t, (types.UniTuple, types.Tuple)) and all(
            isinstance(e, types.IntegerLiteral) for e in t):
        return tuple(e.literal_value for e in t)
    if isinstance(t, types.Omitted):
        return t.value
    raise TypingError(f"srcdiff.jit: {what} must be a constant, not {t}")


def _axes(axis, ndim):
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return sorted(a % ndim for a in axes)


def _shape_text(ndim, ones, src="s"):
    """A tuple expression: ``src``'s lengths with the axes ``ones`` set to 1."""
    items = ["1" if i in ones else f"{src}[{i}]" for i in range(ndim)]
    return "(" + "".join(x + ", " for x in items) + ")"


# ---- loops -------------------------------------------------------------------

@overload(reversed)
def _reversed(r):
    if isinstance(r, types.RangeType):
        def impl(r):
            n = len(r)
            return range(r.start + (n - 1) * r.step, r.start - r.step, -r.step)
        return impl


# ---- reductions with axis / keepdims -------------------------------------------

_STEP = {"amax": "if v > m or v != v:\n{pad}    m = v",
         "amin": "if v < m or v != v:\n{pad}    m = v",
         "prod": "m = m * v"}


def _reduce_axis(fn, nd, k):
    """``impl(a)``: ``fn`` (amax, amin, prod) over the axis ``k`` of an ``nd``-axis array."""
    keep = [i for i in range(nd) if i != k]
    at = lambda j: ", ".join("j" if i == k else f"i{i}" for i in range(nd))  # noqa: E731
    out_shape = "(" + "".join(f"s[{i}], " for i in keep) + ")"
    lines = ["def impl(a):", "    s = a.shape", f"    out = np.empty({out_shape}, a.dtype)"]
    pad = "    "
    for i in keep:
        lines.append(f"{pad}for i{i} in range(s[{i}]):")
        pad += "    "
    lines.append(f"{pad}m = a[{at(0).replace('j', '0')}]")
    lines.append(f"{pad}for j in range(1, s[{k}]):")
    lines.append(f"{pad}    v = a[{at(0)}]")
    lines.append(f"{pad}    " + _STEP[fn].format(pad=pad + "    "))
    lines.append(f"{pad}out[{', '.join(f'i{i}' for i in keep)},] = m" if keep else f"{pad}out[()] = m")
    lines.append("    return out")
    return njit(_compiled(("reduce_axis", fn, nd, k), "\n".join(lines) + "\n"))


def _reduce_overload(name):
    def typer(a, axis=None, keepdims=False):
        if not isinstance(a, types.Array):
            return None
        if _is_none(axis) and not _literal(keepdims, "keepdims"):
            return None                # (Numba's own implementation)
        ax = _literal(axis, "axis")
        keep = bool(_literal(keepdims, "keepdims"))
        nd = a.ndim
        axes = list(range(nd)) if ax is None else _axes(ax, nd)
        names = {}
        lines = ["def impl(a, axis=None, keepdims=False):", "    r = a"]
        if ax is None or len(axes) == nd:
            lines.append(f"    r = np.{'sum' if name == 'mean' else name}(a)")
        else:
            for step, k in enumerate(sorted(axes, reverse=True)):
                if name in ("sum", "mean"):
                    lines.append(f"    r = np.sum(r, axis={k})")
                else:
                    names[f"r{step}"] = _reduce_axis(name, nd - step, k)
                    lines.append(f"    r = r{step}(r)")
        if name == "mean":
            count = " * ".join(f"a.shape[{k}]" for k in axes)
            lines.append(f"    r = r / ({count})")
        if keep:
            lines.append(f"    return np.reshape(np.asarray(r), "
                         f"{_shape_text(nd, set(axes), 'a.shape')})")
        else:
            lines.append("    return r")
        return _compiled((name, nd, tuple(axes), keep), "\n".join(lines) + "\n", names)
    return typer


for _fn, _name in ((np.max, "amax"), (np.amax, "amax"), (np.min, "amin"), (np.amin, "amin"),
                   (np.sum, "sum"), (np.prod, "prod"), (np.mean, "mean")):
    overload(_fn)(_reduce_overload(_name))


# ---- matrix products of mixed float dtypes -----------------------------------

def _mixed(a, b):
    return (isinstance(a, types.Array) and isinstance(b, types.Array)
            and a.dtype != b.dtype and isinstance(a.dtype, types.Float)
            and isinstance(b.dtype, types.Float))


@overload(operator.matmul)
def _matmul(a, b):
    if _mixed(a, b):
        dt = np.result_type(a.dtype.name, b.dtype.name)

        def impl(a, b):
            return np.ascontiguousarray(a.astype(dt)) @ np.ascontiguousarray(b.astype(dt))
        return impl


@overload(np.dot)
def _dot(a, b):
    if _mixed(a, b):
        dt = np.result_type(a.dtype.name, b.dtype.name)

        def impl(a, b):
            return np.dot(np.ascontiguousarray(a.astype(dt)), np.ascontiguousarray(b.astype(dt)))
        return impl


# ---- srcdiff.runtime helpers ----------------------------------------------------

@overload(runtime.scalar_seed)
def _scalar_seed(out):
    if isinstance(out, types.Float):
        one = np.dtype(out.name).type(1.0)
        return lambda out: one
    if isinstance(out, types.Integer):
        return lambda out: 1.0
    if isinstance(out, types.Array) and isinstance(out.dtype, types.Float):
        def impl(out):
            if out.size != 1:
                raise ValueError("srcdiff.jit: grad needs a function with a scalar output; "
                                 "use srcdiff.vjp for a vector-Jacobian product")
            return np.ones_like(out)
        return impl
    raise TypingError(f"grad needs a real scalar output, not {out}")


@overload(runtime.zeros_like_value)
def _zeros_like_value(x):
    if isinstance(x, (types.Integer, types.Boolean)):
        return lambda x: 0.0
    if isinstance(x, types.Number):
        zero = np.dtype(x.name).type(0)
        return lambda x: zero
    if isinstance(x, types.Array):
        return lambda x: np.zeros_like(x)
    if isinstance(x, types.List):        # (a list's zero: a list of zeros)
        return lambda x: [runtime.zeros_like_value(e) for e in x]


@overload(runtime.size_of)
def _size_of(x):
    if _is_scalar(x):
        return lambda x: 1
    if isinstance(x, types.Array):
        return lambda x: x.size


@overload(runtime.array_copy)
def _array_copy(x):
    if isinstance(x, types.Array):
        return lambda x: x.copy()


@overload(runtime.saved_copy)
def _saved_copy(value):
    if isinstance(value, types.Array):
        return lambda value: value.copy()
    return lambda value: value


@overload(runtime.saved_contents)
def _saved_contents(value):
    if isinstance(value, (types.Array, types.ListType)):
        return lambda value: value.copy()
    return lambda value: value


# (compiled code is not differentiated again: a stack entry is the array itself)
@overload(runtime.stacked)
def _stacked(x):
    return lambda x: x


@overload(runtime.unstacked)
def _unstacked(entry):
    return lambda entry: entry


# (a kept list is pushed as a copy in compiled code, which holds no list twice)
@overload(runtime.kept)
def _kept(x):
    if isinstance(x, types.ListType):
        return lambda x: x.copy()
    return lambda x: x


@overload(runtime.refilled)
def _refilled(entry):
    return lambda entry: entry


@overload(runtime.cast_like)
def _cast_like(ct, x):
    if _is_none(ct):
        return lambda ct, x: None
    real_x = not isinstance(getattr(x, "dtype", x), types.Complex)
    complex_ct = isinstance(getattr(ct, "dtype", ct), types.Complex)
    if complex_ct and real_x:
        if isinstance(ct, types.Array):
            return lambda ct, x: np.real(ct)
        return lambda ct, x: ct.real
    if isinstance(ct, types.Array) and isinstance(x, types.Array) and ct.dtype != x.dtype \
            and isinstance(x.dtype, types.Float) and isinstance(ct.dtype, types.Float):
        return lambda ct, x: ct.astype(x.dtype)
    if isinstance(ct, types.Array) and ct.ndim == 0 and not isinstance(x, types.Array):
        return lambda ct, x: ct[()]
    if isinstance(ct, types.Float) and isinstance(x, types.Float) and ct != x:
        dt = np.dtype(x.name).type
        return lambda ct, x: dt(ct)
    if not complex_ct and not real_x:
        return lambda ct, x: ct + 0j
    return lambda ct, x: ct


@overload(runtime.unbroadcast)
def _unbroadcast(g, x):
    if _is_scalar(g):
        return lambda g, x: g
    if not isinstance(g, types.Array):
        return None
    if _is_scalar(x):
        return lambda g, x: np.sum(g)
    if not isinstance(x, types.Array):
        return None
    return _compiled(("unbroadcast", g.ndim, x.ndim), _unbroadcast_text(g.ndim, x.ndim))


def _unbroadcast_text(gnd, xnd):
    lead = gnd - xnd
    lines = ["def impl(g, x):", "    s = x.shape"]
    if lead == 0:
        lines += ["    if g.shape == s:", "        return np.ascontiguousarray(g)"]
    lines.append("    r = np.ascontiguousarray(g)")
    if lead < 0:         # (g with x's leading length-1 axes, as np.reshape would add)
        ones = "1, " * -lead
        lines.append(f"    r = np.reshape(r, ({ones}" + "".join(
            f"r.shape[{i}], " for i in range(gnd)) + "))")
        gnd = xnd
    for _ in range(max(lead, 0)):
        lines.append("    r = np.sum(r, axis=0)")
    for i in range(min(xnd, gnd)):
        summed = f"np.sum(r, axis={i})" if xnd > 1 else "np.asarray(np.sum(r))"
        lines += [f"    if s[{i}] == 1 and r.shape[{i}] != 1:",
                  f"        r = np.reshape({summed}, {_shape_text(xnd, {i}, 'r.shape')})"]
    lines.append("    return r")
    return "\n".join(lines) + "\n"


@overload(runtime.expand_reduced)
def _expand_reduced(g, x, axis=None, keepdims=False):
    if not isinstance(x, types.Array):
        return lambda g, x, axis=None, keepdims=False: g
    ax = _literal(axis, "axis")
    keep = bool(_literal(keepdims, "keepdims"))
    if isinstance(g, types.Float) and isinstance(x.dtype, types.Float):
        # (a float seed takes x's type, as a Python float does in NumPy)
        dt = np.dtype(x.dtype.name)
        return lambda g, x, axis=None, keepdims=False: np.full(x.shape, g, dt)
    if _is_scalar(g):
        return lambda g, x, axis=None, keepdims=False: np.full(x.shape, g)
    if not isinstance(g, types.Array):
        return None
    nd = x.ndim
    if ax is None or keep:
        return lambda g, x, axis=None, keepdims=False: np.zeros(x.shape, g.dtype) + g
    axes = set(_axes(ax, nd))
    text = ("def impl(g, x, axis=None, keepdims=False):\n"
            "    s = x.shape\n"
            f"    gk = np.reshape(np.ascontiguousarray(g), {_shape_text(nd, axes)})\n"
            "    return np.zeros(s, g.dtype) + gk\n")
    return _compiled(("expand_reduced", nd, tuple(sorted(axes))), text)


@overload(runtime.broadcast_like)
def _broadcast_like(t, ref):
    if not isinstance(ref, types.Array):
        return lambda t, ref: t
    if isinstance(t, types.Array) and t.ndim == ref.ndim:
        def impl(t, ref):
            if t.shape == ref.shape:
                return np.ascontiguousarray(t)
            return np.zeros(ref.shape, t.dtype) + t
        return impl
    return lambda t, ref: np.zeros(ref.shape, np.asarray(t).dtype) + t


@overload(runtime.sum_product)
def _sum_product(a, b, x):
    if isinstance(a, types.Array) and isinstance(b, types.Array) and _is_scalar(x) \
            and a.ndim == b.ndim:
        return _compiled(("sum_product", a.ndim), _sum_product_text(a.ndim))
    return lambda a, b, x: runtime.unbroadcast(a * b, x)


def _sum_product_text(nd):
    idx = ", ".join(f"i{k}" for k in range(nd))
    lines = ["def impl(a, b, x):", "    if a.shape != b.shape:",
             "        return np.sum(a * b)", "    s = a.shape", "    t = a.dtype.type(0) * b.dtype.type(0)"]
    pad = "    "
    for k in range(nd):
        lines.append(f"{pad}for i{k} in range(s[{k}]):")
        pad += "    "
    lines.append(f"{pad}t += a[{idx}] * b[{idx}]")
    lines.append("    return t")
    return "\n".join(lines) + "\n"


def _basic(index):
    """True for an index of integers and slices only (no arrays)."""
    items = index.types if isinstance(index, types.BaseTuple) else (index,)
    return all(isinstance(i, (types.Integer, types.SliceType)) for i in items)


def _int_vector(index):
    return isinstance(index, types.Array) and index.ndim == 1 and \
        isinstance(index.dtype, types.Integer)


@overload(runtime.add_at)
def _add_at(d, index, g):
    if isinstance(d, types.List) and isinstance(index, types.Integer):
        def impl(d, index, g):
            d[index] = runtime.add_cotangents(d[index], g)
            return d
        return impl
    if not isinstance(d, types.Array):
        return None
    if _basic(index) or (isinstance(index, types.Array) and isinstance(index.dtype, types.Boolean)):
        def impl(d, index, g):
            d[index] += g
            return d
        return impl
    if _int_vector(index):     # repeated positions accumulate (np.add.at)
        if isinstance(g, types.Array) and g.ndim == d.ndim:
            def impl(d, index, g):      # (one slot of g per index, or one for all)
                n, m = d.shape[0], g.shape[0]
                if m != 1 and m != index.shape[0]:
                    raise ValueError("srcdiff.jit: add_at: shapes do not match")
                for j in range(index.shape[0]):
                    k = index[j]
                    d[k + n if k < 0 else k] += g[j if m != 1 else 0]
                return d
            return impl
        if _is_scalar(g) or (isinstance(g, types.Array) and g.ndim < d.ndim):
            def impl(d, index, g):      # (g broadcast to every indexed slot)
                n = d.shape[0]
                for j in range(index.shape[0]):
                    k = index[j]
                    d[k + n if k < 0 else k] += g
                return d
            return impl
    raise TypingError(f"srcdiff.jit cannot compile a cotangent update at the index {index}")


@overload(runtime.replace_at)
def _replace_at(g, index, v):
    if isinstance(g, types.Array) and _basic(index):
        vt = getattr(v, "dtype", v)
        dt = np.result_type(g.dtype.name, np.dtype(str(vt)) if isinstance(vt, types.Number)
                            else g.dtype.name)

        def impl(g, index, v):
            out = g.astype(dt)
            out[index] = v
            return out
        return impl
    if isinstance(g, types.Array):
        def impl(g, index, v):
            out = g.copy()
            out[index] = 0
            return runtime.add_at(out, index, v)
        return impl


@overload(runtime.add_at_owned)
def _add_at_owned(d, index, g):
    if isinstance(d, types.Array):
        gt = getattr(g, "dtype", g)
        if isinstance(gt, types.Number) and np.result_type(d.dtype.name, str(gt)) != \
                np.dtype(d.dtype.name):
            dt = np.result_type(d.dtype.name, str(gt))
            return lambda d, index, g: runtime.add_at(d.astype(dt), index, g)
        return lambda d, index, g: runtime.add_at(d, index, g)


@overload(runtime.items_like)
def _items_like(g, x):
    # (compiled code holds arrays and numbers, never a list of items)
    if isinstance(x, (types.Array, types.Number)):
        return lambda g, x: g
    return None


def _index_selects_once(index):
    """A Numba index type that names each element at most once (no integer array)."""
    if isinstance(index, (types.Integer, types.SliceType)):
        return True
    if isinstance(index, types.BaseTuple):
        return all(isinstance(t, (types.Integer, types.SliceType)) for t in index.types)
    return False


@overload(runtime.written_piece)
def _written_piece(g, index):
    if not isinstance(g, types.Array):
        return None
    if _index_selects_once(index):
        return lambda g, index: g[index]
    if isinstance(index, types.Array) and isinstance(index.dtype, types.Integer) \
            and index.ndim == 1 and g.ndim == 1:
        def impl(g, index):      # the last write of each element keeps its cotangent
            out = g[index]
            n = g.shape[0]
            seen = np.zeros(n, dtype=np.bool_)
            for k in range(index.shape[0] - 1, -1, -1):
                j = index[k] % n
                if seen[j]:
                    out[k] = 0
                seen[j] = True
            return out
        return impl
    return None


@overload(runtime.zero_at)
def _zero_at(g, index):
    if isinstance(g, types.Array):
        def impl(g, index):
            out = g.copy()
            out[index] = 0
            return out
        return impl


@overload(runtime.matmul_grad_x)
def _matmul_grad_x(g, x, y):
    if not (isinstance(x, types.Array) and isinstance(y, types.Array)) or max(x.ndim, y.ndim) > 2:
        return None
    if y.ndim == 1 and x.ndim == 1:
        return lambda g, x, y: g * y
    if y.ndim == 1:
        return lambda g, x, y: np.outer(g, y)
    if x.ndim == 1:
        return lambda g, x, y: y @ g
    return lambda g, x, y: g @ y.T


@overload(runtime.matmul_grad_y)
def _matmul_grad_y(g, x, y):
    if not (isinstance(x, types.Array) and isinstance(y, types.Array)) or max(x.ndim, y.ndim) > 2:
        return None
    if x.ndim == 1 and y.ndim == 1:
        return lambda g, x, y: g * x
    if x.ndim == 1:
        return lambda g, x, y: np.outer(x, g)
    if y.ndim == 1:
        return lambda g, x, y: g @ x
    return lambda g, x, y: x.T @ g


@overload(runtime.shape_of)
def _shape_of(value):
    # (the NumPy path keeps only the shape to free memory; compiled code keeps a
    # reference to the value, which costs no copy, and reads its shape from it)
    return lambda value: value


@overload(runtime.complete_cotangent)
def _complete_cotangent(g, x):
    if _is_none(g):
        return lambda g, x: runtime.zeros_like_value(x)
    return lambda g, x: runtime.cast_like(g, x)


@overload(runtime.copy_structure)
def _copy_structure(value, arrays=False):
    if isinstance(value, types.ListType):
        return lambda value, arrays=False: value.copy()
    if isinstance(value, (types.Array, types.Number)):
        return lambda value, arrays=False: value


@overload(reversed)
def _reversed_array(a):
    if isinstance(a, types.Array) and a.ndim >= 1:
        return lambda a: a[::-1]


@overload(runtime.as_sequence)
def _as_sequence(it):
    if isinstance(it, (types.Array, types.RangeType, types.BaseTuple)):
        return lambda it: it


@overload(runtime.add_cotangents)
def _add_cotangents(a, b):
    if _is_none(a):
        return lambda a, b: b
    if _is_none(b):
        return lambda a, b: a
    if isinstance(a, (types.Array, types.Number)) and isinstance(b, (types.Array, types.Number)):
        return lambda a, b: a + b


@overload(runtime.scatter_add)
def _scatter_add(g, x, idx):
    if isinstance(x, types.List) and isinstance(idx, types.Integer):
        def impl(g, x, idx):
            return runtime.add_at(runtime.zeros_like_value(x), idx, g)
        return impl
    if isinstance(x, types.Array):
        gt = getattr(g, "dtype", g)
        dt = np.result_type(x.dtype.name, str(gt)) if isinstance(gt, types.Number) \
            else np.dtype(x.dtype.name)

        def impl(g, x, idx):
            return runtime.add_at(np.zeros(x.shape, dt), idx, g)
        return impl


@overload(runtime.index_update)
def _index_update(x, idx, v):
    if isinstance(x, types.Array) and (_basic(idx) or isinstance(idx, types.Array)):
        def impl(x, idx, v):
            out = x.copy()
            out[idx] = v
            return out
        return impl
