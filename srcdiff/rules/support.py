"""Helpers that the NumPy rules call where a rule needs branching or shape logic.

Every helper is plain NumPy-API code: it never forces values through
``np.asarray``/``float()``, so Dask or CuPy arrays stay in their own library
(NEP-13/18). Helpers that carry derivative information have their own
``vjp``/``jvp`` rules (registered at the bottom of this module) so that the
derivative code that calls them can be differentiated again. Helpers that
only compute constants (masks, axis permutations, subscripts) are marked
``nondifferentiable``.

Complex numbers follow the JAX/autograd convention: the cotangent of a
complex value ``z`` is ``dL/dRe(z) - 1j * dL/dIm(z)``, i.e. the cotangent
``c`` pairs with a tangent ``t`` as ``Re(sum(c * t))`` (no conjugation),
so holomorphic functions have the rule ``g * f'(z)``.
"""
import numpy as np

from ..errors import SrcdiffError
from ..runtime import (unbroadcast, broadcast_like, expand_reduced, size_of, is_foreign,
                       index_add, add_cotangents, complete_cotangent)
from .registry import vjp_rule, jvp_rule, nondifferentiable, register_linear


# ----------------------------------------------------------------------------
# generic
# ----------------------------------------------------------------------------

def unsupported(what):
    """Raise: a derivative srcdiff does not implement (never a wrong number).
    Raised while generated code runs, the error names the user's file and line
    of the statement being differentiated."""
    filename, lineno = user_location()
    raise SrcdiffError(f"srcdiff has no rule for {what}", filename, lineno,
                       hint="register one with srcdiff.vjp_rule / srcdiff.jvp_rule")


def no_closed_form(function, param):
    """Raise: the derivative of ``function`` (its public path) w.r.t. ``param``
    has no closed form. The error names the user's file and line of the call
    whose generated derivative code is running."""
    filename, line = user_location()
    held = f"'{param}'" if param.isidentifier() else param
    raise SrcdiffError(f"the derivative of {function} w.r.t. {param} has no closed form: refused",
                       filename, line,
                       hint=f"hold {held} constant (differentiate w.r.t. the other arguments), or "
                            f"register a rule for a numerical derivative with srcdiff.vjp_rule / srcdiff.jvp_rule")


def user_location():
    """(file, line) of the user's statement whose generated code calls this
    (read from the ``# source  [file.py:line]`` comment above it), else the
    user's function's first line, else (None, None)."""
    import linecache
    import os
    import re
    import sys
    from ..backend.codegen import origin_of
    frame = sys._getframe(1)
    while frame is not None:
        origin = origin_of(frame.f_code.co_filename)
        if origin is not None:
            _, filename, first = origin
            for text in reversed(linecache.getlines(frame.f_code.co_filename)[:frame.f_lineno]):
                m = re.match(r"\s*#.*\[([^\[\]:]+):(\d+)\]\s*$", text)
                if m:
                    if m.group(1) == os.path.basename(filename):
                        return filename, int(m.group(2))
                    break
            return filename, first
        frame = frame.f_back
    return None, None


nondifferentiable(no_closed_form)


def _is_complex(x):
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
    if _is_complex(ct):
        return ct if _is_complex(x) else np.real(ct)
    if _is_complex(x):
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


def _zeros_of(p):
    if isinstance(p, (list, tuple)):
        return [_zeros_of(q) for q in p]
    if isinstance(p, (float, int, complex)) and not isinstance(p, bool):
        return 0.0 * p
    return np.zeros_like(p)


def fill_zeros(ts, ps):
    """A list of tangents/cotangents where ``None`` (or a scalar zero standing for a
    whole array) entries are replaced by zeros shaped like the matching primal."""
    if isinstance(ps, (list, tuple)):
        if ts is None:
            return [_zeros_of(p) for p in ps]
        return [fill_zeros(t, p) for t, p in zip(ts, ps)]
    if ts is None:
        return _zeros_of(ps)
    if np.shape(ts) != np.shape(ps):
        return broadcast_like(ts, ps) + _zeros_of(ps)
    return ts


def unpack_like(g, obj):
    """Cotangent of ``np.array(obj)`` for a (nested) list ``obj``: ``g`` split into
    the same nested structure."""
    if isinstance(obj, (list, tuple)):
        shape = np.shape(obj)
        if np.ndim(g) > len(shape):  # np.array(..., ndmin=k) added leading axes
            g = np.reshape(g, shape)
        return [unpack_like(g[i], o) for i, o in enumerate(obj)]
    return unbroadcast(g, obj)


# ----------------------------------------------------------------------------
# reductions
# ----------------------------------------------------------------------------

def _norm_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if np.ndim(axis) == 0:
        return (int(axis) % ndim,) if ndim else ()
    return tuple(sorted(int(a) % ndim for a in axis))


def extremum_weights(a, ans, axis=None, keepdims=False):
    """Weights of the elements of ``a`` that attain the extremum ``ans`` (reduced
    over ``axis``): 1/k for each of k tied elements, 0 elsewhere."""
    full = expand_reduced(ans, a, axis, keepdims)
    mask = (a == full)
    count = np.sum(mask, axis=axis, keepdims=True)
    return mask / count


def prod_others(a, axis=None):
    """For each element, the product of the OTHER elements of its slice along
    ``axis`` (all elements when ``axis`` is None). Exact with zeros."""
    shape = np.shape(a)
    axes = _norm_axes(axis, len(shape))
    if not axes:
        return np.ones_like(a)
    rest = [i for i in range(len(shape)) if i not in axes]
    moved = np.transpose(a, rest + list(axes))
    lead = tuple(shape[i] for i in rest)
    n = 1
    for i in axes:
        n *= shape[i]
    flat = np.reshape(moved, lead + (n,))
    ones = np.ones_like(flat[..., :1])
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.flip(np.cumprod(np.concatenate([ones, np.flip(flat, -1)[..., :-1]], axis=-1), axis=-1), -1)
    out = np.reshape(left * right, tuple(np.shape(moved)))
    return np.transpose(out, np.argsort(rest + list(axes)))


def prod_others_mv(a, v, axis=None):
    """``H v`` where ``H[i, j] = d prod_others(a)[i] / d a[j]`` (symmetric):
    sum over j != i of v[j] * prod of a[k] for k not in {i, j}."""
    shape = np.shape(a)
    axes = _norm_axes(axis, len(shape))
    if not axes:
        return np.zeros_like(a * v)
    rest = [i for i in range(len(shape)) if i not in axes]
    perm = rest + list(axes)
    lead = tuple(shape[i] for i in rest)
    n = 1
    for i in axes:
        n *= shape[i]
    A = np.reshape(np.transpose(a, perm), lead + (n,))
    V = np.reshape(np.transpose(np.broadcast_to(v, shape), perm), lead + (n,))
    eye = np.eye(n, dtype=bool)
    # T[..., i, j, k] = a_k unless k in {i, j}
    Ak = A[..., None, None, :]
    k = np.arange(n)
    excl = (k[None, None, :] == k[:, None, None]) | (k[None, None, :] == k[None, :, None])
    T = np.where(excl, 1, Ak)
    P2 = np.prod(T, axis=-1)
    P2 = np.where(eye, 0, P2)
    out = np.sum(P2 * V[..., None, :], axis=-1)
    out = np.reshape(out, tuple(shape[i] for i in perm))
    return np.transpose(out, np.argsort(perm))


def cumprod_grad(g, a, axis=None):
    """Cotangent of ``a`` in ``np.cumprod(a, axis)`` given the cotangent ``g``.
    Exact with zeros: ct_j = L_j * s_j with L the exclusive cumulative product and
    s_j = g_j + a_{j+1} s_{j+1} (a reverse linear recurrence)."""
    shape = np.shape(a)
    if axis is None:
        af = np.reshape(a, (-1,))
        gf = np.reshape(g, (-1,))
        return np.reshape(cumprod_grad(gf, af, 0), shape)
    am = np.moveaxis(a, axis, -1)
    gm = np.moveaxis(g, axis, -1)
    n = np.shape(am)[-1]
    if n == 0:
        return np.zeros_like(g)
    ones = np.ones_like(am[..., :1])
    left = np.cumprod(np.concatenate([ones, am[..., :-1]], axis=-1), axis=-1)
    cols = [None] * n
    s = gm[..., n - 1]
    cols[n - 1] = s
    for j in range(n - 2, -1, -1):
        s = gm[..., j] + am[..., j + 1] * s
        cols[j] = s
    out = left * np.stack(cols, axis=-1)
    return np.moveaxis(out, -1, axis)


def cumprod_tangent(t, a, axis=None):
    """Tangent of ``np.cumprod(a, axis)`` along ``da`` (exact with zeros)."""
    shape = np.shape(a)
    if axis is None:
        return cumprod_tangent(np.reshape(t, (-1,)), np.reshape(a, (-1,)), 0)
    am = np.moveaxis(a, axis, -1)
    dm = np.moveaxis(np.broadcast_to(t, shape), axis, -1)
    n = np.shape(am)[-1]
    cols = []
    c = None
    tt = None
    for j in range(n):
        if j == 0:
            c = am[..., 0]
            tt = dm[..., 0]
        else:
            tt = tt * am[..., j] + c * dm[..., j]
            c = c * am[..., j]
        cols.append(tt)
    if not cols:
        return np.zeros_like(am * dm)
    return np.moveaxis(np.stack(cols, axis=-1), -1, axis)


def cumprod_tangent2(t, d, a, axis=None):
    """The second derivative of ``np.cumprod(a, axis)`` along ``t`` and ``d``
    (symmetric; exact with zeros). With y the cumulative product, T and D its
    tangents along t and d: S_j = S_{j-1} a_j + T_{j-1} d_j + D_{j-1} t_j."""
    shape = np.shape(a)
    if axis is None:
        return cumprod_tangent2(np.reshape(t, (-1,)), np.reshape(d, (-1,)), np.reshape(a, (-1,)), 0)
    am = np.moveaxis(a, axis, -1)
    tm = np.moveaxis(np.broadcast_to(t, shape), axis, -1)
    dm = np.moveaxis(np.broadcast_to(d, shape), axis, -1)
    n = np.shape(am)[-1]
    if n == 0:
        return np.zeros_like(am * tm * dm)
    y, T, D = am[..., 0], tm[..., 0], dm[..., 0]
    S = 0.0 * (y * T * D)
    cols = [S]
    for j in range(1, n):
        S = S * am[..., j] + T * dm[..., j] + D * tm[..., j]
        T, D = T * am[..., j] + y * tm[..., j], D * am[..., j] + y * dm[..., j]
        y = y * am[..., j]
        cols.append(S)
    return np.moveaxis(np.stack(cols, axis=-1), -1, axis)


def cumprod_hvp(g, d, a, axis=None):
    """``H_g d`` with ``H_g`` the Hessian of ``<g, np.cumprod(a, axis)>`` (exact
    with zeros): the transpose in ``t`` of cumprod_tangent2(t, d, a). Adjoints of
    its recurrence: sS_j = g_j + a_{j+1} sS_{j+1}, sT_j = a_{j+1} sT_{j+1} +
    d_{j+1} sS_{j+1}; then out_j = y_{j-1} sT_j + D_{j-1} sS_j."""
    shape = np.shape(a)
    if axis is None:
        return np.reshape(cumprod_hvp(np.reshape(g, (-1,)), np.reshape(d, (-1,)), np.reshape(a, (-1,)), 0),
                          shape)
    am = np.moveaxis(a, axis, -1)
    gm = np.moveaxis(g, axis, -1)
    dm = np.moveaxis(np.broadcast_to(d, shape), axis, -1)
    n = np.shape(am)[-1]
    if n == 0:
        return np.zeros_like(am * gm * dm)
    ys, Ds = [1.0 + 0.0 * am[..., 0]], [0.0 * dm[..., 0]]     # y_{j-1}, D_{j-1}
    for j in range(n - 1):
        Ds.append(Ds[j] * am[..., j] + ys[j] * dm[..., j])
        ys.append(ys[j] * am[..., j])
    cols = [None] * n
    sS = gm[..., n - 1]
    sT = 0.0 * sS
    cols[n - 1] = ys[n - 1] * sT + Ds[n - 1] * sS
    for j in range(n - 2, -1, -1):
        sT = am[..., j + 1] * sT + dm[..., j + 1] * sS
        sS = gm[..., j] + am[..., j + 1] * sS
        cols[j] = ys[j] * sT + Ds[j] * sS
    return np.moveaxis(np.stack(cols, axis=-1), -1, axis)


def diff_pad_width(ndim, axis, n):
    """``pad_width`` that pads ``n`` zeros on both sides of ``axis``."""
    axis = axis % ndim
    return tuple((n, n) if i == axis else (0, 0) for i in range(ndim))


def diff_cotangents(g, a, n, axis, prepend=None, append=None):
    """Cotangents of ``a``, ``prepend``, ``append`` in ``np.diff``: the transpose
    of the n-th difference is ``(-1)**n diff(pad(g, n), n)``."""
    full = (-1) ** n * np.diff(np.pad(g, diff_pad_width(np.ndim(g), axis, n)), n, axis=axis)
    ax = axis % np.ndim(full)
    pre = 0 if prepend is None else (1 if np.ndim(prepend) == 0 else np.shape(prepend)[ax])
    app = 0 if append is None else (1 if np.ndim(append) == 0 else np.shape(append)[ax])
    size = np.shape(full)[ax]
    ct_a = np.take(full, np.arange(pre, size - app), axis=ax)
    ct_pre = None if prepend is None else unbroadcast(np.take(full, np.arange(0, pre), axis=ax), prepend)
    ct_app = None if append is None else unbroadcast(np.take(full, np.arange(size - app, size), axis=ax), append)
    return ct_a, ct_pre, ct_app


def diff_transpose(gg, a, n, axis, prepend=None, append=None):
    """Transpose of ``diff_cotangents``: the n-th difference of the cotangents of
    (prepend, a, append) joined along ``axis``."""
    ga, gp, gq = gg
    ga = fill_zeros(ga, a)
    ax = axis % np.ndim(a)
    parts = []
    if prepend is not None:
        shp = list(np.shape(a))
        shp[ax] = 1 if np.ndim(prepend) == 0 else np.shape(prepend)[ax]
        parts.append(np.broadcast_to(fill_zeros(gp, prepend), tuple(shp)))
    parts.append(ga)
    if append is not None:
        shp = list(np.shape(a))
        shp[ax] = 1 if np.ndim(append) == 0 else np.shape(append)[ax]
        parts.append(np.broadcast_to(fill_zeros(gq, append), tuple(shp)))
    return np.diff(np.concatenate(parts, axis=ax), n, axis=ax)


def _diff_parts(a, prepend, append, axis):
    ax = axis % np.ndim(a)
    shapes = []
    for e in (prepend, append):
        if e is None:
            shapes.append(None)
        else:
            shp = list(np.shape(a))
            shp[ax] = 1 if np.ndim(e) == 0 else np.shape(e)[ax]
            shapes.append(tuple(shp))
    return ax, shapes[0], shapes[1]


def diff_join(t, a, prepend, append, axis, which):
    """The tangent of ``concatenate([prepend, a, append], axis)`` whose only
    non-zero part is ``t`` at part ``which`` (0: a, 1: prepend, 2: append)."""
    if prepend is None and append is None and which == 0:
        return broadcast_like(t, a) if t is not None else np.zeros_like(a)
    ax, sp, sq = _diff_parts(a, prepend, append, axis)
    dt = np.result_type(a, 0.0 if t is None else t)
    parts = []
    for k, shp in ((1, sp), (0, np.shape(a)), (2, sq)):
        if shp is None:
            continue
        if k == which and t is not None:
            parts.append(np.broadcast_to(t, shp))
        else:
            parts.append(np.zeros(shp, dtype=dt))
    return np.concatenate(parts, axis=ax)


def diff_unjoin(gg, a, prepend, append, axis, which):
    """Transpose of ``diff_join``: the part ``which`` of ``gg`` (summed back to
    a scalar prepend/append)."""
    if prepend is None and append is None and which == 0:
        return gg
    ax, sp, sq = _diff_parts(a, prepend, append, axis)
    p0 = 0 if sp is None else sp[ax]
    n = np.shape(a)[ax]
    q0 = 0 if sq is None else sq[ax]
    lo, hi = {1: (0, p0), 0: (p0, p0 + n), 2: (p0 + n, p0 + n + q0)}[which]
    piece = np.take(gg, np.arange(lo, hi), axis=ax)
    ref = {1: prepend, 0: a, 2: append}[which]
    return unbroadcast(piece, ref)


def trace_cotangent(g, a, offset=0, axis1=0, axis2=1):
    """Cotangent of ``a`` in ``np.trace(a, offset, axis1, axis2)``."""
    shape = np.shape(a)
    nd = len(shape)
    ax1, ax2 = axis1 % nd, axis2 % nd
    eye = np.eye(shape[ax1], shape[ax2], k=offset, dtype=np.result_type(g, float))
    # g has the shape of a without ax1, ax2 (in order); put them last.
    out = np.expand_dims(np.expand_dims(g, -1), -1) * eye
    rest = [i for i in range(nd) if i not in (ax1, ax2)]
    perm = rest + [ax1, ax2]
    return np.transpose(out, np.argsort(perm))


def average_weights(w, a, axis=None):
    """The weights of ``np.average`` broadcast to ``a``'s shape (1-D weights lie
    along ``axis``)."""
    if np.ndim(w) == np.ndim(a) or axis is None:
        return broadcast_like(w, a)
    shape = [1] * np.ndim(a)
    shape[axis % np.ndim(a)] = np.shape(w)[0]
    return broadcast_like(np.reshape(w, tuple(shape)), a)


def average_weights_vjp(gw, w, a, axis=None):
    """Transpose of ``average_weights``: sum back to the weights' shape."""
    if np.ndim(w) == np.ndim(a) or axis is None:
        return unbroadcast(gw, w)
    ax = axis % np.ndim(a)
    others = tuple(i for i in range(np.ndim(a)) if i != ax)
    return np.reshape(np.sum(gw, axis=others), np.shape(w))


def nan_count(a, axis=None, keepdims=False):
    """The number of non-NaN values along ``axis`` (a constant)."""
    return np.sum(~np.isnan(a), axis=axis, keepdims=keepdims)


# ----------------------------------------------------------------------------
# shapes
# ----------------------------------------------------------------------------

def inverse_permutation(axes, ndim):
    """The ``axes`` argument that undoes ``np.transpose(x, axes)``."""
    if axes is None:
        return None
    axes = [int(a) % ndim for a in axes]
    return tuple(int(i) for i in np.argsort(axes))


def negate_shift(shift):
    if isinstance(shift, (tuple, list)):
        return tuple(-s for s in shift)
    return -shift


def split_like(g, arrays, axis=0):
    """Split ``g`` along ``axis`` into pieces shaped like ``arrays`` (the cotangent
    of ``np.concatenate(arrays, axis)``); ``axis=None`` means flattened."""
    if axis is None:
        sizes = [size_of(x) for x in arrays]
        pieces = split_sizes(g, sizes, 0)
        return [np.reshape(p, np.shape(x)) for p, x in zip(pieces, arrays)]
    nd = np.ndim(g)
    ax = axis % nd
    sizes = [np.shape(x)[ax] for x in arrays]
    return split_sizes(g, sizes, ax)


def split_sizes(g, sizes, ax):
    """``g`` cut along axis ``ax`` into consecutive pieces of the given lengths
    (``np.split`` written as slicing, which every array library supports)."""
    lead = (slice(None),) * ax
    out, start = [], 0
    for n in sizes:
        out.append(g[lead + (slice(start, start + n),)])
        start += n
    return out


def stack_split(g, arrays, kind):
    """Cotangents of the arrays of ``np.hstack``/``vstack``/``dstack``/
    ``column_stack``: split ``g`` along the joining axis and reshape."""
    if kind == "hstack":
        prom = [np.atleast_1d(x) for x in arrays]
        ax = 0 if np.ndim(prom[0]) == 1 else 1
    elif kind == "vstack":
        prom = [np.atleast_2d(x) for x in arrays]
        ax = 0
    elif kind == "dstack":
        prom = [np.atleast_3d(x) for x in arrays]
        ax = 2
    else:  # column_stack
        prom = [x if np.ndim(x) >= 2 else np.reshape(x, (-1, 1)) for x in arrays]
        ax = 1
    sizes = [np.shape(x)[ax] for x in prom]
    pieces = split_sizes(g, sizes, ax)
    return [np.reshape(p, np.shape(x)) for p, x in zip(pieces, arrays)]


def stack_vjp_transpose(gs, arrays, kind):
    """Transpose of ``stack_split``: the tangents joined as the stack does."""
    ts = fill_zeros(gs, arrays)
    if kind == "hstack":
        return np.hstack(ts)
    if kind == "vstack":
        return np.vstack(ts)
    if kind == "dstack":
        return np.dstack(ts)
    return np.column_stack(ts)


def unstack(g, axis=0):
    """``g`` split into a list of slices along ``axis`` (cotangent of np.stack)."""
    n = np.shape(g)[axis]
    return [np.take(g, i, axis=axis) for i in range(n)]


def reshape_each(gs, xs):
    """Each cotangent reshaped to its primal (cotangents of ``np.atleast_*d``)."""
    if not isinstance(xs, (list, tuple)):
        return np.reshape(gs, np.shape(xs))
    return tuple(None if g is None else np.reshape(g, np.shape(x)) for g, x in zip(gs, xs))


def atleast_cotangents(g, arys):
    """Cotangents (a tuple, one per array) of ``np.atleast_Nd(*arys)``."""
    if len(arys) == 1:
        return (np.reshape(g, np.shape(arys[0])),)
    return tuple(None if gi is None else np.reshape(gi, np.shape(x)) for gi, x in zip(g, arys))


def atleast_tangent(kind, ts, arys):
    """Tangent of ``np.atleast_Nd(*arys)``."""
    f = {1: np.atleast_1d, 2: np.atleast_2d, 3: np.atleast_3d}[kind]
    ts = fill_zeros(list(ts), list(arys))
    return f(*ts)   # several arrays give what NumPy gives (a tuple in NumPy 2)


def tile_sum(g, A, reps):
    """Cotangent of ``A`` in ``np.tile(A, reps)``: sum the tiles."""
    shape = np.shape(A)
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    nd = max(len(shape), len(reps))
    ashape = (1,) * (nd - len(shape)) + tuple(shape)
    reps = (1,) * (nd - len(reps)) + reps
    inter = []
    for r, s in zip(reps, ashape):
        inter += [r, s]
    g = np.reshape(g, tuple(inter))
    g = np.sum(g, axis=tuple(range(0, 2 * nd, 2)))
    return np.reshape(g, shape)


def repeat_sum(g, a, repeats, axis=None):
    """Cotangent of ``a`` in ``np.repeat(a, repeats, axis)``."""
    shape = np.shape(a)
    if axis is None:
        n = int(np.prod(shape))
        ax = 0
    else:
        ax = axis % len(shape)
        n = shape[ax]
    if np.ndim(repeats) == 0 or np.size(repeats) == 1:
        r = int(np.reshape(repeats, ())) if np.ndim(repeats) else int(repeats)
        gs = np.shape(g)
        g2 = np.reshape(g, gs[:ax] + (n, r) + gs[ax + 1:])
        out = np.sum(g2, axis=ax + 1)
    else:
        starts = np.concatenate([[0], np.cumsum(repeats)[:-1]])
        gm = np.moveaxis(g, ax, 0)
        # empty groups (repeat 0) get zero
        parts = [np.sum(gm[s:s + r], axis=0) for s, r in zip(starts.tolist(), np.ravel(repeats).tolist())]
        out = np.moveaxis(np.stack(parts, axis=0), 0, ax)
    return np.reshape(out, shape)


def rollaxis_undo(g, a, axis, start=0):
    """Cotangent of ``a`` in ``np.rollaxis(a, axis, start)``."""
    nd = np.ndim(a)
    axes = list(range(nd))
    ax = axis % nd
    st = start + nd + 1 if start < 0 else start
    axes.pop(ax)
    axes.insert(st if st <= ax else st - 1, ax)
    return np.transpose(g, tuple(int(i) for i in np.argsort(axes)))


def pad_cotangent(g, array, pad_width, mode="constant"):
    """Cotangent of ``array`` in ``np.pad(array, pad_width, mode)``: for
    ``constant`` the inner block; for the copying modes (edge, reflect,
    symmetric, wrap) the padded copies summed back onto their sources."""
    shape = np.shape(array)
    nd = len(shape)
    pw = np.broadcast_to(np.reshape(np.array(pad_width, dtype=int), (-1,) if np.ndim(pad_width) < 2 else np.shape(pad_width)), (nd, 2))
    if mode == "constant" or mode == "empty":
        index = tuple(slice(int(lo), int(lo) + n) for (lo, hi), n in zip(pw.tolist(), shape))
        return g[index]
    if mode not in ("edge", "reflect", "symmetric", "wrap"):
        unsupported(f"the derivative of np.pad with mode={mode!r}")
    src = np.pad(np.reshape(np.arange(int(np.prod(shape))), shape), pad_width, mode=mode)
    flat = np.ravel(src)
    gr = np.reshape(g, (-1,))
    size = int(np.prod(shape))
    if _is_complex(g):
        out = np.bincount(flat, weights=np.real(gr), minlength=size) \
            + 1j * np.bincount(flat, weights=np.imag(gr), minlength=size)
    else:
        out = np.bincount(flat, weights=gr, minlength=size)
    return np.reshape(out, shape)


def diag_cotangent(g, v, k=0):
    """Cotangent of ``v`` in ``np.diag(v, k)`` (both the 1-D and the 2-D case)."""
    if np.ndim(v) == 1:
        return np.diag(g, k)
    n, m = np.shape(v)
    return _place_diag(g, n, m, k)


def _place_diag(d, n, m, k):
    if is_foreign(d):   # Dask/CuPy: np.diag of the vector, cut/padded to (n, m)
        full = np.diag(d, k)
        s = np.shape(full)[0]
        full = full[:min(s, n), :min(s, m)]
        return np.pad(full, ((0, n - min(s, n)), (0, m - min(s, m))))
    out = np.zeros((n, m), dtype=np.result_type(d, float))
    i = np.arange(len(d))
    r = i - min(k, 0)
    c = i + max(k, 0)
    out[r, c] = d
    return out


def diagonal_cotangent(g, a, offset=0, axis1=0, axis2=1):
    """Cotangent of ``a`` in ``np.diagonal(a, offset, axis1, axis2)``."""
    shape = np.shape(a)
    nd = len(shape)
    ax1, ax2 = axis1 % nd, axis2 % nd
    n, m = shape[ax1], shape[ax2]
    eye = np.eye(n, m, k=offset, dtype=bool)
    L = np.shape(g)[-1]
    # scatter g[..., i] to position (r_i, c_i)
    r = np.arange(L) - min(offset, 0)
    c = np.arange(L) + max(offset, 0)
    sel = np.zeros((L, n, m), dtype=np.result_type(g, float))
    sel[np.arange(L), r, c] = 1
    out = np.tensordot(g, sel, axes=([-1], [0]))  # rest + (n, m)
    del eye
    rest = [i for i in range(nd) if i not in (ax1, ax2)]
    perm = rest + [ax1, ax2]
    return np.transpose(out, np.argsort(perm))


def take_cotangent(g, a, indices, axis=None, mode="raise"):
    """Cotangent of ``a`` in ``np.take(a, indices, axis)``: scatter-add.

    A Dask/CuPy ``g`` is scattered by item assignment in its own library
    (``runtime.index_add``: a NumPy index, repeats in rounds; SrcdiffError for
    an index that is itself a foreign array)."""
    shape = np.shape(a)
    if is_foreign(g):
        dt = np.result_type(g, float)
        if axis is None:
            n = int(np.prod(shape))
            out = np.zeros((n,), dtype=dt, like=g)
            index_add(out, np.ravel(_wrap_index(indices, n, mode)), np.ravel(g))
            return np.reshape(out, shape)
        ax = axis % len(shape)
        out = np.zeros(shape, dtype=dt, like=g)
        index_add(out, (slice(None),) * ax + (_wrap_index(indices, shape[ax], mode),), g)
        return out
    if axis is None:
        n = int(np.prod(shape))
        idx = np.ravel(_wrap_index(indices, n, mode))
        out = np.zeros((n,) + (), dtype=np.result_type(g, float))
        np.add.at(out, idx, np.ravel(g))
        return np.reshape(out, shape)
    ax = axis % len(shape)
    n = shape[ax]
    idx = _wrap_index(indices, n, mode)
    out = np.zeros(shape, dtype=np.result_type(g, float))
    outm = np.moveaxis(out, ax, 0)
    ni = np.ndim(idx)
    # g has shape a[:ax] + idx.shape + a[ax+1:]; bring idx dims first
    gm = np.moveaxis(g, list(range(ax, ax + ni)), list(range(ni)))
    np.add.at(outm, idx, gm)
    return out


def _wrap_index(indices, n, mode):
    if mode == "wrap":
        return np.mod(indices, n)
    if mode == "clip":
        return np.clip(indices, 0, n - 1)
    return np.where(np.less(indices, 0), np.add(indices, n), indices)


def take_along_axis_cotangent(g, arr, indices, axis=-1):
    """Cotangent of ``arr`` in ``np.take_along_axis(arr, indices, axis)`` (and of
    ``np.sort``): a scatter-add through several index arrays, which only NumPy
    arrays support here; SrcdiffError for a Dask/CuPy ``g``."""
    if is_foreign(g):
        unsupported(f"the cotangent of np.take_along_axis / np.sort for a "
                    f"{type(g).__module__}.{type(g).__name__} (needs np.add.at)")
    shape = np.shape(arr)
    out = np.zeros(shape, dtype=np.result_type(g, float))
    if axis is None:
        np.add.at(out.reshape(-1), np.ravel(indices), np.ravel(g))
        return out
    ax = axis % len(shape)
    gshape = np.shape(g)
    grids = np.indices(gshape, sparse=True)
    idx = list(grids)
    ind = np.broadcast_to(indices, gshape)
    idx[ax] = np.where(ind < 0, ind + shape[ax], ind)
    np.add.at(out, tuple(idx), g)
    return out


def sort_cotangent(g, a, axis=-1):
    """Cotangent of ``a`` in ``np.sort(a, axis)``: ``g`` scattered back through the
    sorting permutation."""
    if axis is None:
        perm = np.argsort(a, axis=None, kind="stable")
        out = take_cotangent(g, a, perm, axis=None)
        return out
    perm = np.argsort(a, axis=axis, kind="stable")
    return take_along_axis_cotangent(g, a, perm, axis)


def sort_tangent(t, a, axis=-1):
    """Tangent of ``np.sort(a, axis)``."""
    if axis is None:
        return np.take(np.ravel(broadcast_like(t, a)), np.argsort(a, axis=None, kind="stable"))
    return np.take_along_axis(broadcast_like(t, a), np.argsort(a, axis=axis, kind="stable"), axis=axis)


def linspace_weights(start, stop, num, endpoint=True, retstep=False, axis=0):
    """The interpolation weights t of ``np.linspace`` (values are
    start + (stop - start) * t), shaped to broadcast along ``axis``."""
    if retstep:
        unsupported("np.linspace(..., retstep=True)")
    shape = np.broadcast_shapes(np.shape(start), np.shape(stop))
    return np.linspace(np.zeros(shape), np.ones(shape), num, endpoint=endpoint, axis=axis)


# ----------------------------------------------------------------------------
# products
# ----------------------------------------------------------------------------

def tensordot_spec(na, nb, axes=2):
    """Axes and permutations for the cotangents of ``np.tensordot(a, b, axes)``:
    returns ``(axes_gb, perm_a, axes_ag, perm_b)`` with
    ``ct_a = transpose(tensordot(g, b, axes_gb), perm_a)`` and
    ``ct_b = transpose(tensordot(a, g, axes_ag), perm_b)``."""
    if np.ndim(axes) == 0:
        k = int(axes)
        ax_a = list(range(na - k, na))
        ax_b = list(range(k))
    else:
        aa, bb = axes
        ax_a = [int(aa)] if np.ndim(aa) == 0 else [int(x) for x in aa]
        ax_b = [int(bb)] if np.ndim(bb) == 0 else [int(x) for x in bb]
    ax_a = [x % na for x in ax_a] if na else ax_a
    ax_b = [x % nb for x in ax_b] if nb else ax_b
    free_a = [i for i in range(na) if i not in ax_a]
    free_b = [i for i in range(nb) if i not in ax_b]
    nfa, nfb = len(free_a), len(free_b)
    # ct_a: contract g's b-free dims with b's free dims -> free_a + (b contracted dims in b order)
    axes_gb = (list(range(nfa, nfa + nfb)), free_b)
    # the remaining b dims come in increasing b-axis order; map each to its a axis
    b_rem = sorted(ax_b)
    order_a = free_a + [ax_a[ax_b.index(j)] for j in b_rem]
    perm_a = tuple(int(i) for i in np.argsort(order_a))
    # ct_b: contract a's free dims with g's a-free dims -> (a contracted dims in a order) + free_b
    axes_ag = (free_a, list(range(nfa)))
    a_rem = sorted(ax_a)
    order_b = [ax_b[ax_a.index(i)] for i in a_rem] + free_b
    perm_b = tuple(int(i) for i in np.argsort(order_b))
    return axes_gb, perm_a, axes_ag, perm_b


def dot_spec(na, nb):
    """``np.dot`` as ``np.tensordot``: the ``axes`` argument."""
    if na == 0 or nb == 0:
        return 0
    return ([na - 1], [0 if nb == 1 else nb - 2])


def inner_spec(na, nb):
    """``np.inner`` as ``np.tensordot``: the ``axes`` argument."""
    if na == 0 or nb == 0:
        return 0
    return ([na - 1], [nb - 1])


def kron_spec(sa, sb):
    """Shapes for ``np.kron``'s cotangents: the interleaved shape of the output,
    the positions of a's and b's axes in it, and the padded shapes of a and b."""
    nd = max(len(sa), len(sb))
    pa = (1,) * (nd - len(sa)) + tuple(sa)
    pb = (1,) * (nd - len(sb)) + tuple(sb)
    inter = []
    for x, y in zip(pa, pb):
        inter += [x, y]
    apos = list(range(0, 2 * nd, 2))
    bpos = list(range(1, 2 * nd, 2))
    return tuple(inter), apos, bpos, pa, pb, list(range(nd))


def cross_axes(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The vector axes (of a, b, the output) of ``np.cross`` (``axis`` overrides
    them); 2-vectors are refused."""
    if axis is not None:
        axisa = axisb = axisc = axis
    if np.shape(a)[axisa] != 3 or np.shape(b)[axisb] != 3:
        unsupported("the derivative of np.cross of 2-vectors")
    return axisa, axisb, axisc


nondifferentiable(cross_axes)


def three_vectors(v, other):
    """``v``, checking that the last axes of ``v`` and ``other`` hold 3-vectors: the
    reverse rule of ``np.cross`` with its default axes reads an operand through
    this, so that 2-vectors are refused there too (the refusal in cross_axes is
    dead code in that branch)."""
    if np.shape(v)[-1] != 3 or np.shape(other)[-1] != 3:
        unsupported("the derivative of np.cross of 2-vectors")
    return v


@vjp_rule(three_vectors)
def three_vectors_vjp(g, ans, v, other):
    return g, None


@jvp_rule(three_vectors)
def three_vectors_jvp(ans, v, other, *, dv):
    return dv


def _einsum_parse(subscripts, shapes):
    """Explicit form of an einsum string: list of input index strings and the
    output string, with any ellipsis replaced by fresh upper-case letters."""
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        ins, out = subscripts.split("->")
        explicit = True
    else:
        ins, out = subscripts, None
        explicit = False
    ins = ins.split(",")
    used = set(subscripts)
    fresh = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
    ell_n = 0
    for s, shp in zip(ins, shapes):
        if "..." in s:
            ell_n = max(ell_n, len(shp) - (len(s) - 3))
    ell = "".join(fresh[:ell_n])
    new_ins = []
    for s, shp in zip(ins, shapes):
        if "..." in s:
            k = len(shp) - (len(s) - 3)
            s = s.replace("...", ell[ell_n - k:] if k else "")
        new_ins.append(s)
    if not explicit:
        counts = {}
        for s in new_ins:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
    return new_ins, out, fresh[ell_n:]


def _einsum_sizes(ins, shapes):
    sizes = {}
    for s, shp in zip(ins, shapes):
        for c, n in zip(s, shp):
            if n != 1 or c not in sizes:
                sizes[c] = n
    return sizes


_EINSUM_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _einsum_sublist(sub):
    return "".join("..." if i is Ellipsis else _EINSUM_LETTERS[i] for i in sub)


def einsum_form(operands):
    """(subscripts string, arrays, their positions in ``operands``) of an einsum
    call in either form: ``(subscripts, *ops)`` or the interleaved
    ``(op0, sublist0, op1, sublist1, ..., [output sublist])``."""
    if isinstance(operands[0], str):
        return operands[0], list(operands[1:]), list(range(1, len(operands)))
    n = len(operands) // 2
    pos = list(range(0, 2 * n, 2))
    ins = ",".join(_einsum_sublist(operands[p + 1]) for p in pos)
    out = "->" + _einsum_sublist(operands[-1]) if len(operands) % 2 else ""
    return ins + out, [operands[p] for p in pos], pos


def einsum_pick(values, operands, pos):
    """The entries of ``values`` (aligned with ``operands``, or already with the
    arrays only) that belong to the arrays."""
    if values is None:
        return None
    values = list(values)
    return [values[p] for p in pos] if len(values) == len(operands) else values


def einsum_place(values, operands, pos):
    """A tuple aligned with ``operands`` holding ``values`` (one per array) at
    the arrays' positions, None elsewhere."""
    out = [None] * len(operands)
    for p, v in zip(pos, values):
        out[p] = v
    return tuple(out)


def einsum_cotangents(g, operands):
    """Cotangents of ``np.einsum(subscripts, *ops)`` (either form, see
    einsum_form): a tuple aligned with ``operands`` (None for subscripts)."""
    subscripts, ops, pos = einsum_form(operands)
    shapes = [np.shape(x) for x in ops]
    ins, out, spare = _einsum_parse(subscripts, shapes)
    sizes = _einsum_sizes(ins, shapes)
    res = []
    for k, x in enumerate(ops):
        sk = ins[k]
        # repeated letters of operand k: give later occurrences fresh letters, tie with eye
        letters = []
        extra_ops, extra_subs = [], []
        pool = list(spare)
        for c in sk:
            if c in letters:
                f = pool.pop(0)
                letters.append(f)
                extra_ops.append(np.eye(sizes[c]))
                extra_subs.append(c + f)
            else:
                letters.append(c)
        target = "".join(letters)
        present = set(out).union(*[set(s) for j, s in enumerate(ins) if j != k]).union(*[set(s) for s in extra_subs])
        for c in set(target):
            if c not in present:
                extra_ops.append(np.ones(sizes[c] if np.shape(x)[target.index(c)] != 1 else 1))
                extra_subs.append(c)
        others = [o for j, o in enumerate(ops) if j != k]
        osubs = [s for j, s in enumerate(ins) if j != k]
        spec = ",".join([out] + osubs + extra_subs) + "->" + target
        ct = np.einsum(spec, g, *others, *extra_ops)
        if np.shape(ct) != np.shape(x):  # size-1 broadcasting either way
            ct = np.broadcast_to(unbroadcast(ct, x), np.shape(x))
        res.append(cast_like(ct, x))
    return einsum_place(res, operands, pos)


def einsum_tangent(operands, tangents):
    """Tangent of ``np.einsum(subscripts, *ops)``: the sum over operands of the
    einsum with that operand replaced by its tangent (``None`` = zero)."""
    subscripts, ops, pos = einsum_form(operands)
    douts = einsum_pick(tangents, operands, pos)
    total = None
    for k, d in enumerate(douts):
        if d is None:
            continue
        args = ops[:k] + [d] + ops[k + 1:]
        t = np.einsum(subscripts, *args)
        total = t if total is None else total + t
    if total is None:
        return np.zeros_like(np.einsum(subscripts, *ops))
    return total


# ----------------------------------------------------------------------------
# linear algebra
# ----------------------------------------------------------------------------

def eye_like(a):
    """The identity matching the last two axes of ``a`` (a constant)."""
    return np.eye(np.shape(a)[-1], dtype=float)


def off_diag_inverse(w):
    """``F[..., i, j] = 1 / (w[j] - w[i])`` off the diagonal, 0 on it; written in
    differentiable NumPy so that derivatives using it can be differentiated."""
    return _off_diag_inverse(w)


def _off_diag_inverse(w):
    n = np.shape(w)[-1]
    eye = np.eye(n, dtype=bool)
    d = np.expand_dims(w, -2) - np.expand_dims(w, -1)
    return np.where(eye, 0.0, 1.0 / np.where(eye, 1.0, d))


def fold_lower(S, lower=True):
    """Adjoint of ``A -> tril(A) + tril(A, -1)^T`` (how eigh/cholesky read a
    matrix): the cotangent of the full matrix argument."""
    St = np.swapaxes(S, -1, -2)
    if lower:
        return np.tril(S) + np.tril(St, -1)
    return np.triu(S) + np.triu(St, 1)


def sym_from_lower(dA, lower=True):
    """The symmetric matrix eigh/cholesky actually see: ``tril(A) + tril(A,-1)^T``."""
    if lower:
        return np.tril(dA) + np.swapaxes(np.tril(dA, -1), -1, -2)
    return np.triu(dA) + np.swapaxes(np.triu(dA, 1), -1, -2)


def ctrans(x):
    """The conjugate transpose of the last two axes (the transpose of a real ``x``)."""
    return np.conj(np.swapaxes(x, -1, -2))


def fold_lower_h(S, lower=True):
    """Adjoint, in the complex convention, of ``A -> tril(A, -1) + diag(Re A) +
    tril(A, -1)^H`` (how LAPACK reads a Hermitian matrix from one triangle: the
    other triangle and the imaginary part of the diagonal are not read): the
    cotangent of the full matrix argument. ``fold_lower`` for a real ``S``."""
    Sh = np.conj(np.swapaxes(S, -1, -2))
    diag = np.eye(np.shape(S)[-1]) * np.real(S)
    if lower:
        return np.tril(S, -1) + np.tril(Sh, -1) + diag
    return np.triu(S, 1) + np.triu(Sh, 1) + diag


def hermitian_from_lower(dA, lower=True):
    """The Hermitian matrix LAPACK sees when it reads one triangle of ``dA``:
    ``tril(dA, -1) + diag(Re dA) + tril(dA, -1)^H`` (``sym_from_lower`` for a
    real ``dA``)."""
    part = np.tril(dA, -1) if lower else np.triu(dA, 1)
    return part + np.eye(np.shape(dA)[-1]) * np.real(dA) + np.conj(np.swapaxes(part, -1, -2))


def phase_row(x, row, what):
    """``row``, after checking that row ``row`` of the unit vectors ``x`` (the
    columns) is real, as LAPACK's Householder reductions leave it (zheevd: row 0
    for UPLO='L', the last for 'U'; zgesdd: row 0 of V, or of U when m < n).
    That fixes each complex vector's otherwise arbitrary phase, and the rule
    differentiates under it; another LAPACK's convention is refused. Real up to
    rounding counts (zgesdd of a wide matrix leaves row 0 of U with imaginary
    parts of about 1e-16: it comes from the SVD of the square factor of an LQ)."""
    tol = 64 * np.finfo(float).eps
    if _is_complex(x) and size_of(x) and np.max(np.abs(np.imag(np.take(x, row, axis=-2)))) > tol:
        unsupported(f"the derivative of the complex vectors of {what}: this LAPACK does not "
                    "return them with a real row (their phase convention is unknown)")
    return row


def svd_check(a, full_matrices):
    """Refuse the non-unique full_matrices=True derivative of a non-square svd."""
    m, n = np.shape(a)[-2:]
    if full_matrices and m != n:
        unsupported("the derivative of np.linalg.svd(full_matrices=True) of a non-square "
                    "matrix (use full_matrices=False)")
    return True


def svd_vectors_check(a, s, *cotangents):
    """Refuse the derivative of singular vectors where it is not defined: two
    (numerically) equal singular values (the rules divide by their squares'
    difference), or a zero one of a non-square matrix (they divide by it; its
    vectors are not unique). Returning a number there would be silently wrong
    (0/0 rounding noise); the tolerance is ``np.linalg.matrix_rank``'s.
    ``cotangents``: the reverse rule's cotangents of U and Vh; none of them
    non-zero (unused vectors) needs no check. Returns ``s`` (so that a rule
    template, whose lines are assignments, keeps the check)."""
    if cotangents and all(c is None or not np.any(c != 0) for c in cotangents):
        return s
    m, n = np.shape(a)[-2:]
    s_in, s = s, np.asarray(s)
    if s.size == 0:
        return s_in
    tol = max(m, n) * np.finfo(np.result_type(s.dtype, float)).eps * np.max(s, axis=-1, keepdims=True)
    gaps = np.where(np.eye(s.shape[-1], dtype=bool), np.inf,
                    np.abs(np.expand_dims(s, -1) - np.expand_dims(s, -2)))
    zero = m != n and bool(np.any(s <= tol))
    if zero or bool(np.any(gaps <= np.expand_dims(tol, -1))):
        unsupported("the derivative of np.linalg.svd's singular vectors at "
                    + ("a zero singular value of a non-square matrix" if zero
                       else "repeated singular values")
                    + " (not defined there: the matrix is rank-deficient or degenerate)")
    return s_in


def norm_kind(x, ord=None, axis=None, vector=False):
    """Classify an ``np.linalg.norm`` call: ('vec', p) with p a finite order
    handled by the smooth formula, ('vecw', ord) for inf/-inf/0 vector orders,
    ('mat', ord) for matrix orders, and the reduced axes. ``vector``: the
    ``vector_norm`` semantics (axis=None flattens whatever the ord)."""
    nd = np.ndim(x)
    if vector and (axis is None or np.ndim(axis) == 0 or len(axis) == 1 or True):
        p = 2.0 if ord is None else ord
        if p in (np.inf, -np.inf, 0):
            return "vecw", p, (None if axis is None else axis)
        return "vec", float(p), (None if axis is None else axis)
    if axis is None:
        if ord is None:
            return "vec", 2.0, None
        if nd == 1:
            axes = None
            vec = True
        elif nd == 2:
            axes = (0, 1)
            vec = False
        else:
            unsupported("np.linalg.norm with ord and ndim > 2 without axis")
    elif np.ndim(axis) == 0 or len(axis) == 1:
        axes = axis if np.ndim(axis) == 0 else axis[0]
        vec = True
    else:
        axes = tuple(axis)
        vec = False
    if vec:
        if ord is None or ord == "fro":
            return "vec", 2.0, axes
        if ord in (np.inf, -np.inf, 0):
            return "vecw", ord, axes
        return "vec", float(ord), axes
    if ord is None or ord == "fro":
        return "vec", 2.0, axes
    return "mat", ord, axes


def norm_axis(x, ord=None, axis=None):
    """The reduced axes of an ``np.linalg.norm`` call (for expand_reduced)."""
    return norm_kind(x, ord, axis)[2]


def norm_weights(x, ans, ord=None, axis=None, keepdims=False, vector=False):
    """d norm / d x for the orders that are not smooth powers: vector inf/-inf
    (ties split evenly) and 0, and the matrix orders 1, -1, inf, -inf, 2, -2,
    'nuc'. Shape of ``x``."""
    kind, p, axes = norm_kind(x, ord, axis, vector)
    nd = np.ndim(x)
    if kind == "vec":
        ansb = expand_reduced(ans, x, axes, keepdims)
        return np.sign(x) * np.abs(x) ** (p - 1) / np.where(ansb == 0, 1.0, ansb) ** (p - 1)
    if kind == "vecw":
        if p == 0:
            return np.zeros_like(x)
        ax = axes
        absx = np.abs(x)
        ext = np.max(absx, axis=ax, keepdims=True) if p > 0 else np.min(absx, axis=ax, keepdims=True)
        mask = absx == ext
        return np.sign(x) * mask / np.sum(mask, axis=ax, keepdims=True)
    a0, a1 = (ax % nd for ax in axes)
    xm = np.moveaxis(x, (a0, a1), (-2, -1))
    if p in (1, -1, np.inf, -np.inf):
        red = -2 if p in (1, -1) else -1  # 1: max column sum (sum over rows)
        sums = np.sum(np.abs(xm), axis=red, keepdims=True)
        other = -1 if red == -2 else -2
        ext = np.max(sums, axis=other, keepdims=True) if p > 0 else np.min(sums, axis=other, keepdims=True)
        mask = sums == ext
        w = np.sign(xm) * mask / np.sum(mask, axis=other, keepdims=True)
    else:
        u, s, vh = np.linalg.svd(xm, full_matrices=False)
        if p == "nuc":
            w = u @ vh
        elif p == 2:
            w = u[..., :, :1] @ vh[..., :1, :]
        elif p == -2:
            w = u[..., :, -1:] @ vh[..., -1:, :]
        else:
            unsupported(f"np.linalg.norm with ord={p!r}")
    return np.moveaxis(w, (-2, -1), (a0, a1))


def norm_weights_smooth(ord, x, axis=None):
    """True when the derivative of norm(x, ord, axis) is the smooth power
    formula written in the rule itself."""
    return norm_kind(x, ord, axis)[0] == "vec"


# ----------------------------------------------------------------------------
# fft
# ----------------------------------------------------------------------------

def fit_length(ct, a, axis=-1):
    """``ct`` truncated or zero-padded along ``axis`` to ``a``'s length there."""
    n = np.shape(a)[axis]
    m = np.shape(ct)[axis]
    if n == m:
        return ct
    if m > n:
        return np.take(ct, np.arange(n), axis=axis)
    nd = np.ndim(ct)
    ax = axis % nd
    return np.pad(ct, tuple((0, n - m) if i == ax else (0, 0) for i in range(nd)))


def fft_axes(a, s=None, axes=None):
    """The axes an ``np.fft.*n`` call transforms."""
    nd = np.ndim(a)
    if axes is None:
        if s is None:
            return tuple(range(nd))
        return tuple(range(nd - len(s), nd))
    return tuple(x % nd for x in axes)


def fit_shape(ct, a, axes):
    """``fit_length`` along each of ``axes``."""
    for ax in axes:
        ct = fit_length(ct, a, ax)
    return ct


def inverse_norm(norm):
    """The ``norm`` argument whose scaling is the transpose's: the unscaled
    direction of ``backward`` is 1/n for the adjoint of the inverse, etc."""
    return {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}[norm]


def rfft_cotangent(g, a, n=None, axis=-1, norm=None):
    """Cotangent of the real ``a`` in ``np.fft.rfft(a, n, axis, norm)``."""
    nn = np.shape(a)[axis] if n is None else n
    full = _pad_to(g, nn, axis)
    return cast_like(fit_length(np.fft.fft(full, axis=axis, norm=norm), a, axis), a)


def _pad_to(g, n, axis):
    m = np.shape(g)[axis]
    if m >= n:
        return np.take(g, np.arange(n), axis=axis)
    nd = np.ndim(g)
    ax = axis % nd
    return np.pad(g, tuple((0, n - m) if i == ax else (0, 0) for i in range(nd)))


def irfft_weights(m, n, axis, nd):
    """Weights c_k (1 for k=0 and the Nyquist bin, 2 otherwise) of the one-sided
    spectrum of length ``m`` read by ``irfft`` to length ``n``, shaped to
    broadcast along ``axis`` of an ``nd``-dim array."""
    c = np.full(m, 2.0)
    c[0] = 1.0
    if n % 2 == 0 and m - 1 == n // 2:
        c[-1] = 1.0
    shape = [1] * nd
    shape[axis % nd] = m
    return np.reshape(c, shape)


def irfft_cotangent(g, a, n=None, axis=-1, norm=None):
    """Cotangent of ``a`` in ``np.fft.irfft(a, n, axis, norm)`` (JAX convention)."""
    nn = np.shape(g)[axis]
    spec = np.fft.rfft(g, axis=axis, norm=inverse_norm(norm))
    c = irfft_weights(np.shape(spec)[axis], nn, axis, np.ndim(g))
    return cast_like(fit_length(c * np.conj(spec), a, axis), a)


def rfftn_cotangent(g, a, s=None, axes=None, norm=None):
    """Cotangent of the real ``a`` in ``np.fft.rfftn(a, s, axes, norm)``."""
    ax = fft_axes(a, s, axes)
    h = np.fft.fftn(g, axes=ax[:-1], norm=norm) if len(ax) > 1 else g
    n_last = s[-1] if s is not None else np.shape(a)[ax[-1]]
    ct = np.fft.fft(_pad_to(h, n_last, ax[-1]), axis=ax[-1], norm=norm)
    return cast_like(fit_shape(ct, a, ax), a)


def irfftn_cotangent(g, a, s=None, axes=None, norm=None):
    """Cotangent of ``a`` in ``np.fft.irfftn(a, s, axes, norm)`` (JAX convention)."""
    ax = fft_axes(a, s, axes)
    nn = np.shape(g)[ax[-1]]
    spec = np.fft.rfft(g, axis=ax[-1], norm=inverse_norm(norm))
    c = irfft_weights(np.shape(spec)[ax[-1]], nn, ax[-1], np.ndim(g))
    h = fit_length(c * np.conj(spec), a, ax[-1])
    ct = np.fft.ifftn(h, axes=ax[:-1], norm=norm) if len(ax) > 1 else h
    return cast_like(fit_shape(ct, a, ax[:-1]), a)


def fft_out_sizes(g, axes):
    """The sizes of ``g`` along ``axes`` (the ``s`` that reproduces them)."""
    return tuple(np.shape(g)[x] for x in axes)


# ----------------------------------------------------------------------------
# rules of the helpers that carry derivatives
# ----------------------------------------------------------------------------

@vjp_rule(cast_like)
def cast_like_vjp(gg, ans, ct, x):
    return cast_like(gg, ct), None


@jvp_rule(cast_like)
def cast_like_jvp(ans, ct, x, *, dct, dx):
    return cast_like(dct, x)


@vjp_rule(fill_zeros)
def fill_zeros_vjp(gg, ans, ts, ps):
    return gg, None


@jvp_rule(fill_zeros)
def fill_zeros_jvp(ans, ts, ps, *, dts, dps):
    return fill_zeros(dts, ps)


@vjp_rule(unpack_like)
def unpack_like_vjp(gg, ans, g, obj):
    return np.array(fill_zeros(gg, ans)), None


@jvp_rule(unpack_like)
def unpack_like_jvp(ans, g, obj, *, dg, dobj):
    return unpack_like(dg, obj)


@vjp_rule(prod_others)
def prod_others_vjp(gg, ans, a, axis=None):
    return prod_others_mv(a, gg, axis)


@jvp_rule(prod_others)
def prod_others_jvp(ans, a, axis=None, *, da):
    return prod_others_mv(a, da, axis)


@vjp_rule(prod_others_mv)
def prod_others_mv_vjp(gg, ans, a, v, axis=None):
    return unsupported("third derivatives of np.prod"), prod_others_mv(a, gg, axis)


@jvp_rule(prod_others_mv)
def prod_others_mv_jvp(ans, a, v, axis=None, *, da, dv):
    return unsupported("third derivatives of np.prod") + prod_others_mv(a, dv, axis)


@vjp_rule(cumprod_grad)
def cumprod_grad_vjp(gg, ans, g, a, axis=None):
    return cumprod_tangent(gg, a, axis), cumprod_hvp(g, gg, a, axis)


@jvp_rule(cumprod_grad)
def cumprod_grad_jvp(ans, g, a, axis=None, *, dg, da):
    return cumprod_grad(dg, a, axis) + cumprod_hvp(g, da, a, axis)


@vjp_rule(cumprod_tangent)
def cumprod_tangent_vjp(gg, ans, t, a, axis=None):
    return cumprod_grad(gg, a, axis), cumprod_hvp(gg, t, a, axis)


@jvp_rule(cumprod_tangent)
def cumprod_tangent_jvp(ans, t, a, axis=None, *, dt, da):
    return cumprod_tangent(dt, a, axis) + cumprod_tangent2(t, da, a, axis)


# cumprod_tangent2 and cumprod_hvp are linear in each of their first two arguments
# (H_g symmetric): third derivatives, in a, are refused.
@vjp_rule(cumprod_tangent2)
def cumprod_tangent2_vjp(gg, ans, t, d, a, axis=None):
    return (cumprod_hvp(gg, d, a, axis), cumprod_hvp(gg, t, a, axis),
            unsupported("third derivatives of np.cumprod"))


@jvp_rule(cumprod_tangent2)
def cumprod_tangent2_jvp(ans, t, d, a, axis=None, *, dt, dd, da):
    return (cumprod_tangent2(dt, d, a, axis) + cumprod_tangent2(t, dd, a, axis)
            + unsupported("third derivatives of np.cumprod") * da)


@vjp_rule(cumprod_hvp)
def cumprod_hvp_vjp(gg, ans, g, d, a, axis=None):
    return (cumprod_tangent2(gg, d, a, axis), cumprod_hvp(g, gg, a, axis),
            unsupported("third derivatives of np.cumprod"))


@jvp_rule(cumprod_hvp)
def cumprod_hvp_jvp(ans, g, d, a, axis=None, *, dg, dd, da):
    return (cumprod_hvp(dg, d, a, axis) + cumprod_hvp(g, dd, a, axis)
            + unsupported("third derivatives of np.cumprod") * da)


@vjp_rule(diff_cotangents)
def diff_cotangents_vjp(gg, ans, g, a, n, axis, prepend=None, append=None):
    return diff_transpose(gg, a, n, axis, prepend, append)


@jvp_rule(diff_cotangents)
def diff_cotangents_jvp(ans, g, a, n, axis, prepend=None, append=None, *, dg, da, dprepend, dappend):
    return diff_cotangents(dg, a, n, axis, prepend, append)


@vjp_rule(diff_transpose)
def diff_transpose_vjp(ggg, ans, gg, a, n, axis, prepend=None, append=None):
    return diff_cotangents(ggg, a, n, axis, prepend, append)


@jvp_rule(diff_transpose)
def diff_transpose_jvp(ans, gg, a, n, axis, prepend=None, append=None, *, dgg, da, dprepend, dappend):
    return diff_transpose(dgg, a, n, axis, prepend, append)


@vjp_rule(diff_join)
def diff_join_vjp(gg, ans, t, a, prepend, append, axis, which):
    return diff_unjoin(gg, a, prepend, append, axis, which)


@jvp_rule(diff_join)
def diff_join_jvp(ans, t, a, prepend, append, axis, which, *, dt, da, dprepend, dappend):
    return diff_join(dt, a, prepend, append, axis, which)


@vjp_rule(diff_unjoin)
def diff_unjoin_vjp(ggg, ans, gg, a, prepend, append, axis, which):
    return diff_join(ggg, a, prepend, append, axis, which)


@jvp_rule(diff_unjoin)
def diff_unjoin_jvp(ans, gg, a, prepend, append, axis, which, *, dgg, da, dprepend, dappend):
    return diff_unjoin(dgg, a, prepend, append, axis, which)


@vjp_rule(trace_cotangent)
def trace_cotangent_vjp(gg, ans, g, a, offset=0, axis1=0, axis2=1):
    return np.trace(gg, offset, axis1, axis2)


@jvp_rule(trace_cotangent)
def trace_cotangent_jvp(ans, g, a, offset=0, axis1=0, axis2=1, *, dg, da):
    return trace_cotangent(dg, a, offset, axis1, axis2)


@vjp_rule(average_weights)
def average_weights_vjp_rule(gg, ans, w, a, axis=None):
    return average_weights_vjp(gg, w, a, axis)


@jvp_rule(average_weights)
def average_weights_jvp(ans, w, a, axis=None, *, dw, da):
    return average_weights(dw, a, axis)


@vjp_rule(average_weights_vjp)
def average_weights_vjp_vjp(gg, ans, gw, w, a, axis=None):
    return average_weights(gg, a, axis)


@jvp_rule(average_weights_vjp)
def average_weights_vjp_jvp(ans, gw, w, a, axis=None, *, dgw, dw, da):
    return average_weights_vjp(dgw, w, a, axis)


@vjp_rule(split_like)
def split_like_vjp(gg, ans, g, arrays, axis=0):
    # (one cotangent per argument: ``arrays`` gives only shapes, its cotangent is zeros)
    joined = (np.reshape(np.concatenate([np.ravel(t) for t in fill_zeros(gg, ans)]), np.shape(g))
              if axis is None else np.concatenate(fill_zeros(gg, ans), axis=axis))
    return joined, complete_cotangent(None, arrays), None


@jvp_rule(split_like)
def split_like_jvp(ans, g, arrays, axis=0, *, dg, darrays):
    return split_like(dg, arrays, axis)


@vjp_rule(stack_split)
def stack_split_vjp(gg, ans, g, arrays, kind):
    return stack_vjp_transpose(gg, arrays, kind)


@jvp_rule(stack_split)
def stack_split_jvp(ans, g, arrays, kind, *, dg, darrays):
    return stack_split(dg, arrays, kind)


@vjp_rule(stack_vjp_transpose)
def stack_vjp_transpose_vjp(gg, ans, gs, arrays, kind):
    return stack_split(gg, arrays, kind)


@jvp_rule(stack_vjp_transpose)
def stack_vjp_transpose_jvp(ans, gs, arrays, kind, *, dgs, darrays):
    return stack_vjp_transpose(dgs, arrays, kind)


@vjp_rule(unstack)
def unstack_vjp(gg, ans, g, axis=0):
    return np.stack(fill_zeros(gg, ans), axis=axis), None


@jvp_rule(unstack)
def unstack_jvp(ans, g, axis=0, *, dg):
    return unstack(dg, axis)


@vjp_rule(atleast_cotangents)
def atleast_cotangents_vjp(gg, ans, g, arys):
    return (reshape_each(fill_zeros(gg[0], arys[0]), g) if len(arys) == 1
            else [np.reshape(t, np.shape(x)) for t, x in zip(fill_zeros(list(gg), list(arys)), g)])


@jvp_rule(atleast_cotangents)
def atleast_cotangents_jvp(ans, g, arys, *, dg, darys):
    return atleast_cotangents(dg, arys)


@vjp_rule(atleast_tangent)
def atleast_tangent_vjp(gg, ans, kind, ts, arys):
    return None, atleast_cotangents(gg, arys)


@jvp_rule(atleast_tangent)
def atleast_tangent_jvp(ans, kind, ts, arys, *, dts, darys):
    return atleast_tangent(kind, dts, arys)


@vjp_rule(reshape_each)
def reshape_each_vjp(gg, ans, gs, xs):
    return reshape_each(gg, gs) if not isinstance(xs, (list, tuple)) else \
        tuple(None if t is None else np.reshape(t, np.shape(s)) for t, s in zip(gg, gs))


@jvp_rule(reshape_each)
def reshape_each_jvp(ans, gs, xs, *, dgs, dxs):
    return reshape_each(dgs, xs)


@vjp_rule(tile_sum)
def tile_sum_vjp(gg, ans, g, A, reps):
    return np.reshape(np.tile(gg, reps), np.shape(g))


@jvp_rule(tile_sum)
def tile_sum_jvp(ans, g, A, reps, *, dg, dA):
    return tile_sum(dg, A, reps)


@vjp_rule(repeat_sum)
def repeat_sum_vjp(gg, ans, g, a, repeats, axis=None):
    return np.reshape(np.repeat(gg, repeats, axis=axis), np.shape(g))


@jvp_rule(repeat_sum)
def repeat_sum_jvp(ans, g, a, repeats, axis=None, *, dg, da):
    return repeat_sum(dg, a, repeats, axis)


@vjp_rule(rollaxis_undo)
def rollaxis_undo_vjp(gg, ans, g, a, axis, start=0):
    return np.rollaxis(gg, axis, start)


@jvp_rule(rollaxis_undo)
def rollaxis_undo_jvp(ans, g, a, axis, start=0, *, dg, da):
    return rollaxis_undo(dg, a, axis, start)


@vjp_rule(pad_cotangent)
def pad_cotangent_vjp(gg, ans, g, array, pad_width, mode="constant"):
    return np.pad(gg, pad_width, mode=mode if mode != "empty" else "constant")


@jvp_rule(pad_cotangent)
def pad_cotangent_jvp(ans, g, array, pad_width, mode="constant", *, dg, darray):
    return pad_cotangent(dg, array, pad_width, mode)


@vjp_rule(diag_cotangent)
def diag_cotangent_vjp(gg, ans, g, v, k=0):
    return np.diag(gg, k)


@jvp_rule(diag_cotangent)
def diag_cotangent_jvp(ans, g, v, k=0, *, dg, dv):
    return diag_cotangent(dg, v, k)


@vjp_rule(diagonal_cotangent)
def diagonal_cotangent_vjp(gg, ans, g, a, offset=0, axis1=0, axis2=1):
    return np.diagonal(gg, offset, axis1, axis2)


@jvp_rule(diagonal_cotangent)
def diagonal_cotangent_jvp(ans, g, a, offset=0, axis1=0, axis2=1, *, dg, da):
    return diagonal_cotangent(dg, a, offset, axis1, axis2)


@vjp_rule(take_cotangent)
def take_cotangent_vjp(gg, ans, g, a, indices, axis=None, mode="raise"):
    return np.take(gg, indices, axis=axis, mode=mode)


@jvp_rule(take_cotangent)
def take_cotangent_jvp(ans, g, a, indices, axis=None, mode="raise", *, dg, da):
    return take_cotangent(dg, a, indices, axis, mode)


@vjp_rule(take_along_axis_cotangent)
def take_along_axis_cotangent_vjp(gg, ans, g, arr, indices, axis=-1):
    return np.take_along_axis(gg, indices, axis=axis)


@jvp_rule(take_along_axis_cotangent)
def take_along_axis_cotangent_jvp(ans, g, arr, indices, axis=-1, *, dg, darr):
    return take_along_axis_cotangent(dg, arr, indices, axis)


@vjp_rule(sort_cotangent)
def sort_cotangent_vjp(gg, ans, g, a, axis=-1):
    return sort_tangent(gg, a, axis), None


@jvp_rule(sort_cotangent)
def sort_cotangent_jvp(ans, g, a, axis=-1, *, dg, da):
    return sort_cotangent(dg, a, axis)


@vjp_rule(sort_tangent)
def sort_tangent_vjp(gg, ans, t, a, axis=-1):
    return sort_cotangent(gg, a, axis), None


@jvp_rule(sort_tangent)
def sort_tangent_jvp(ans, t, a, axis=-1, *, dt, da):
    return sort_tangent(dt, a, axis)


@vjp_rule(einsum_cotangents)
def einsum_cotangents_vjp(gg, ans, g, operands):
    # ans[k] = einsum(s_k, g, *others): linear in g and in each operand.
    cts = einsum_cotangents_transpose(gg, g, operands)
    return cts[0], cts[1]


@jvp_rule(einsum_cotangents)
def einsum_cotangents_jvp(ans, g, operands, *, dg, doperands):
    return add_cotangents(einsum_cotangents(dg, operands), einsum_cotangents_dops(g, operands, doperands))


def einsum_cotangents_dops(g, operands, doperands):
    """Tangent of einsum_cotangents(g, operands) along the operands' tangents."""
    if doperands is None:
        return None
    subscripts, ops, pos = einsum_form(operands)
    douts = einsum_pick(doperands, operands, pos)
    total = None
    for j, d in enumerate(douts):
        if d is None:
            continue
        new_ops = [subscripts] + ops[:j] + [d] + ops[j + 1:]
        cts = list(einsum_cotangents(g, new_ops)[1:])
        cts[j] = None  # operand j's cotangent does not involve operand j
        total = add_cotangents(total, einsum_place(cts, operands, pos))
    # an operand whose cotangent no tangent reached: a zero tangent, not None
    return None if total is None else einsum_place(
        [0.0 * x if total[p] is None else total[p] for p, x in zip(pos, ops)], operands, pos)


def einsum_cotangents_transpose(gg, g, operands):
    """vjp of einsum_cotangents: cotangents of g and of the operands."""
    subscripts, ops, pos = einsum_form(operands)
    ggl = einsum_pick(gg, operands, pos)
    ct_g = None
    ct_ops = [None] * len(ops)
    for k, t in enumerate(ggl):
        if t is None:
            continue
        # ans_k = einsum(s_k, g, ops != k): <t, ans_k> -> cotangent of g and others
        args = ops[:k] + [t] + ops[k + 1:]
        ct_g = add_cotangents(ct_g, np.einsum(subscripts, *args))
        for j in range(len(ops)):
            if j == k:
                continue
            # <t, E_k(g, ops)> as a function of op j: einsum with op k -> t and take op j's cotangent
            cts = einsum_cotangents(g, [subscripts] + args)
            ct_ops[j] = add_cotangents(ct_ops[j], cts[j + 1])
    # an operand no cotangent reached (einsum is linear in it alone): zeros, not None
    return ct_g, einsum_place([0.0 * x if c is None else c for c, x in zip(ct_ops, ops)],
                              operands, pos)


@vjp_rule(einsum_tangent)
def einsum_tangent_vjp(gg, ans, operands, tangents):
    subscripts, ops, pos = einsum_form(operands)
    dts = einsum_pick(tangents, operands, pos)
    ct_d = einsum_cotangents(gg, operands)
    ct_ops = [None] * len(ops)
    for k, d in enumerate(dts):
        if d is None:
            continue
        cts = einsum_cotangents(gg, [subscripts] + ops[:k] + [d] + ops[k + 1:])
        for j in range(len(ops)):
            if j != k:
                ct_ops[j] = add_cotangents(ct_ops[j], cts[j + 1])
    return einsum_place(ct_ops, operands, pos), tuple(ct_d)


@jvp_rule(einsum_tangent)
def einsum_tangent_jvp(ans, operands, tangents, *, doperands, dtangents):
    return einsum_tangent(operands, dtangents) + einsum_tangent_second(operands, tangents, doperands)


def einsum_tangent_second(operands, d1, d2):
    """Sum over ordered pairs k != j of einsum with op k -> d1[k], op j -> d2[j]."""
    subscripts, ops, pos = einsum_form(operands)
    a = einsum_pick(d1, operands, pos)
    b = einsum_pick(d2, operands, pos)
    total = None
    for k in range(len(ops)):
        for j in range(len(ops)):
            if k == j or a[k] is None or b[j] is None:
                continue
            args = list(ops)
            args[k] = a[k]
            args[j] = b[j]
            t = np.einsum(subscripts, *args)
            total = t if total is None else total + t
    if total is None:
        return 0.0
    return total


@vjp_rule(norm_weights)
def norm_weights_vjp(gg, ans, x, nrm, ord=None, axis=None, keepdims=False, vector=False):
    # (the Hessian is symmetric for the pairing Re(sum(conj(a) * b)): the cotangent
    # pairs as Re(sum(c * t)), so the transpose is conj(H conj(gg)))
    return np.conj(norm_weights_second(np.conj(gg), x, ord, axis, vector)), None


@jvp_rule(norm_weights)
def norm_weights_jvp(ans, x, nrm, ord=None, axis=None, keepdims=False, vector=False, *, dx, dnrm):
    return norm_weights_second(dx, x, ord, axis, vector)


def norm_weights_second(v, x, ord=None, axis=None, vector=False):
    """Hessian-vector product: zero for the piecewise-linear norms; for 'nuc' the
    tangent along ``v`` of its weights ``U V^H`` (the polar factor, full rank);
    the spectral norms (2, -2) have no second derivative rule here."""
    kind, p, axes = norm_kind(x, ord, axis, vector)
    if kind == "vecw" or (kind == "mat" and p in (1, -1, np.inf, -np.inf)):
        return np.zeros_like(x * v)
    if kind == "mat" and p == "nuc":
        return nuclear_weights_tangent(v, x, axes)
    return unsupported(f"second derivatives of np.linalg.norm(ord={ord!r})")


def nuclear_weights_tangent(v, x, axes):
    """The tangent of ``U V^H`` (x = U S V^H, thin SVD) along ``v``, over the axes
    ``axes`` of x: ``U (F o (M - M^H)) V^H`` with ``M = U^H v V`` and
    ``F_ij = 1 / (s_i + s_j)``, plus ``(I - U U^H) v V S^-1 V^H`` for a tall x
    and ``U S^-1 U^H v (I - V V^H)`` for a wide one. Refused where x loses rank."""
    nd = np.ndim(x)
    a0, a1 = (ax % nd for ax in axes)
    xm = np.moveaxis(x, (a0, a1), (-2, -1))
    vm = np.moveaxis(v + np.zeros_like(x), (a0, a1), (-2, -1))
    u, s, vh = np.linalg.svd(xm, full_matrices=False)
    if np.any(s <= np.finfo(float).eps * np.max(s, axis=-1, keepdims=True) * max(np.shape(xm)[-2:])):
        unsupported("second derivatives of np.linalg.norm(ord='nuc') at a matrix that is "
                    "not of full rank")
    uh, vv = ctrans(u), ctrans(vh)
    uv = uh @ vm
    m = uv @ vv
    w = u @ ((m - ctrans(m)) / (s[..., :, None] + s[..., None, :])) @ vh
    rows, cols = np.shape(xm)[-2:]
    if rows > cols:
        w = w + ((vm @ vv - u @ m) / s[..., None, :]) @ vh
    elif rows < cols:
        w = w + u @ ((uv - m @ vh) / s[..., :, None])
    return np.moveaxis(w, (-2, -1), (a0, a1))



@vjp_rule(fit_length)
def fit_length_vjp(gg, ans, ct, a, axis=-1):
    return fit_length(gg, ct, axis), None


@jvp_rule(fit_length)
def fit_length_jvp(ans, ct, a, axis=-1, *, dct, da):
    return fit_length(dct, a, axis)


@vjp_rule(fit_shape)
def fit_shape_vjp(gg, ans, ct, a, axes):
    return fit_shape(gg, ct, axes), None


@jvp_rule(fit_shape)
def fit_shape_jvp(ans, ct, a, axes, *, dct, da):
    return fit_shape(dct, a, axes)


@vjp_rule(rfft_cotangent)
def rfft_cotangent_vjp(gg, ans, g, a, n=None, axis=-1, norm=None):
    return np.fft.rfft(gg, n=n, axis=axis, norm=norm), None


@jvp_rule(rfft_cotangent)
def rfft_cotangent_jvp(ans, g, a, n=None, axis=-1, norm=None, *, dg, da):
    return rfft_cotangent(dg, a, n, axis, norm)


@vjp_rule(irfft_cotangent)
def irfft_cotangent_vjp(gg, ans, g, a, n=None, axis=-1, norm=None):
    return np.fft.irfft(gg, n=np.shape(g)[axis], axis=axis, norm=norm), None


@jvp_rule(irfft_cotangent)
def irfft_cotangent_jvp(ans, g, a, n=None, axis=-1, norm=None, *, dg, da):
    return irfft_cotangent(dg, a, n, axis, norm)


@vjp_rule(rfftn_cotangent)
def rfftn_cotangent_vjp(gg, ans, g, a, s=None, axes=None, norm=None):
    return np.fft.rfftn(gg, s=s, axes=fft_axes(a, s, axes), norm=norm), None


@jvp_rule(rfftn_cotangent)
def rfftn_cotangent_jvp(ans, g, a, s=None, axes=None, norm=None, *, dg, da):
    return rfftn_cotangent(dg, a, s, axes, norm)


@vjp_rule(irfftn_cotangent)
def irfftn_cotangent_vjp(gg, ans, g, a, s=None, axes=None, norm=None):
    return np.fft.irfftn(gg, s=fft_out_sizes(g, fft_axes(a, s, axes)), axes=fft_axes(a, s, axes),
                         norm=norm), None


@jvp_rule(irfftn_cotangent)
def irfftn_cotangent_jvp(ans, g, a, s=None, axes=None, norm=None, *, dg, da):
    return irfftn_cotangent(dg, a, s, axes, norm)


register_linear((0,), rfftn_cotangent, irfftn_cotangent)
register_linear((0,), cast_like, three_vectors, fill_zeros, unpack_like, split_like, stack_split,
                stack_vjp_transpose, unstack, atleast_cotangents, reshape_each, tile_sum,
                repeat_sum, rollaxis_undo, pad_cotangent, diag_cotangent, diagonal_cotangent,
                take_cotangent, take_along_axis_cotangent, sort_cotangent, sort_tangent,
                trace_cotangent, average_weights, average_weights_vjp, fit_length, fit_shape,
                rfft_cotangent, irfft_cotangent, cumprod_grad, cumprod_tangent,
                einsum_cotangents, diff_cotangents,
                diff_transpose, diff_join, diff_unjoin)
register_linear((1,), prod_others_mv)
register_linear((0, 1), cumprod_tangent2, cumprod_hvp)

nondifferentiable(unsupported, user_location, phase_row, extremum_weights, nan_count, inverse_permutation,
                  negate_shift, tensordot_spec, dot_spec, inner_spec, kron_spec, eye_like,
                  diff_pad_width, svd_check, svd_vectors_check, norm_kind, norm_axis, norm_weights_smooth,
                  fft_axes, inverse_norm, irfft_weights, fft_out_sizes,
                  linspace_weights)


# ----------------------------------------------------------------------------
# np.r_ / np.c_: concatenation by indexing
# ----------------------------------------------------------------------------

def _trick_items(key):
    return key if isinstance(key, tuple) else (key,)


def _is_trick_data(item):
    """An item of an ``np.r_``/``np.c_`` key that is data (not a slice or a
    string directive): its values end up in the result."""
    return not isinstance(item, (slice, str))


def trick_positions(trick, key, k):
    """Where the elements of item ``k`` of ``key`` land in ``trick[key]``:
    (flat positions in the result, flat element numbers in the item). Found by
    building the result with item k's elements tagged 1j, 2j, ... and every
    other data item zero (slices give real ranges)."""
    items = _trick_items(key)
    tagged = []
    for j, item in enumerate(items):
        if not _is_trick_data(item):
            tagged.append(item)
        elif j == k:
            tagged.append(1j * np.reshape(np.arange(1, np.size(item) + 1), np.shape(item)))
        else:
            tagged.append(np.zeros(np.shape(item)))
    tags = np.ravel(np.imag(trick[tuple(tagged)]))
    where = np.flatnonzero(tags)
    return where, np.rint(tags[where]).astype(int) - 1


def trick_cotangent(g, trick, key):
    """The cotangent of ``key`` in ``trick[key]`` (``np.r_[...]``, ``np.c_[...]``): a
    tuple aligned with the key's items (None for slices and directives), or the
    one item's cotangent when the key is not a tuple."""
    out = []
    flat = np.ravel(g)
    for k, item in enumerate(_trick_items(key)):
        if not _is_trick_data(item):
            out.append(None)
            continue
        where, elems = trick_positions(trick, key, k)
        ct = np.zeros(np.size(item), dtype=np.result_type(flat, float))
        ct[elems] = flat[where]
        out.append(cast_like(np.reshape(ct, np.shape(item)), item))
    return tuple(out) if isinstance(key, tuple) else out[0]


def trick_tangent(trick, key, dkey):
    """The tangent of ``trick[key]`` given the tangents ``dkey`` of the key's
    items (None or missing where zero)."""
    items = _trick_items(key)
    dkey = (dkey if isinstance(key, tuple) else (dkey,)) if dkey is not None else (None,) * len(items)
    ans = trick[key]
    dts = [d for item, d in zip(items, dkey) if d is not None and _is_trick_data(item)]
    out = np.zeros(np.size(ans), dtype=np.result_type(ans, *dts, float))
    for k, (item, d) in enumerate(zip(items, dkey)):
        if d is None or not _is_trick_data(item):
            continue
        where, elems = trick_positions(trick, key, k)
        out[where] = np.ravel(np.broadcast_to(d, np.shape(item)))[elems]
    return np.reshape(out, np.shape(ans))


@vjp_rule(trick_cotangent)
def trick_cotangent_vjp(gg, ans, g, trick, key):
    return trick_tangent(trick, key, gg), None, None


@jvp_rule(trick_cotangent)
def trick_cotangent_jvp(ans, g, trick, key, *, dg):
    return trick_cotangent(dg, trick, key)


@vjp_rule(trick_tangent)
def trick_tangent_vjp(gg, ans, trick, key, dkey):
    return None, None, trick_cotangent(gg, trick, key)


@jvp_rule(trick_tangent)
def trick_tangent_jvp(ans, trick, key, dkey, *, ddkey):
    return trick_tangent(trick, key, ddkey)


register_linear((0,), trick_cotangent)
register_linear((2,), trick_tangent)
nondifferentiable(trick_positions)


# ----------------------------------------------------------------------------
# np.unique: values of the input, shared evenly among equal entries
# ----------------------------------------------------------------------------

def _unique_groups(ar, axis):
    if axis is not None:
        unsupported("the derivative of np.unique with axis")
    _, inverse, counts = np.unique(ar, return_inverse=True, return_counts=True)
    return np.reshape(inverse, np.shape(ar)), counts


def unique_cotangent(g, ar, axis=None):
    """The cotangent of ``ar`` from the cotangent ``g`` of its unique values."""
    if g is None:
        return None
    inverse, counts = _unique_groups(ar, axis)
    return g[inverse] / counts[inverse]


def unique_tangent(t, ar, axis=None, result=None):
    """The tangent of the unique values of ``ar`` (tuple-shaped like ``result``
    when that is np.unique's tuple result): the mean tangent of each group."""
    inverse, counts = _unique_groups(ar, axis)
    values = np.bincount(np.ravel(inverse), weights=np.ravel(np.real(t)), minlength=len(counts)) \
        / counts
    if np.iscomplexobj(t):
        values = values + 1j * np.bincount(np.ravel(inverse), weights=np.ravel(np.imag(t)),
                                           minlength=len(counts)) / counts
    if isinstance(result, tuple):
        return (values,) + tuple(np.zeros(np.shape(r)) for r in result[1:])   # (integers)
    return values


@vjp_rule(unique_cotangent)
def unique_cotangent_vjp(gg, ans, g, ar, axis=None):
    return unique_tangent(gg, ar, axis), None


@jvp_rule(unique_cotangent)
def unique_cotangent_jvp(ans, g, ar, axis=None, *, dg, dar):
    return unique_cotangent(dg, ar, axis)


@vjp_rule(unique_tangent)
def unique_tangent_vjp(gg, ans, t, ar, axis=None, result=None):
    return unique_cotangent(gg[0] if isinstance(gg, tuple) else gg, ar, axis), None


@jvp_rule(unique_tangent)
def unique_tangent_jvp(ans, t, ar, axis=None, result=None, *, dt, dar):
    return unique_tangent(dt, ar, axis, result)


register_linear((0,), unique_cotangent, unique_tangent)


# ----------------------------------------------------------------------------
# np.linalg functions whose rules hold for real matrices only
# ----------------------------------------------------------------------------

def real_only(x, what):
    """``x``, refusing a complex one: the rule of ``what`` is written for real
    matrices (its complex derivative needs conjugate transposes)."""
    if _is_complex(x):
        unsupported(f"the derivative of {what} of a complex matrix")
    return x


@vjp_rule(real_only)
def real_only_vjp(g, ans, x, what):
    return g, None


@jvp_rule(real_only)
def real_only_jvp(ans, x, what, *, dx):
    return dx


register_linear((0,), real_only)
