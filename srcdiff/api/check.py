"""Numerical checking: central differences on nested structures, and
``gradcheck`` (API.md), which compares srcdiff's derivatives with them.

Values may be Python floats/complex numbers, NumPy arrays and scalars, and
tuples, lists and dicts of those. Complex entries count as two real
coordinates. Cotangents follow the JAX/autograd convention: a cotangent
``c`` pairs with a tangent ``t`` as ``Re(sum(c * t))``, so the cotangent of
a complex ``z`` is ``dL/dRe(z) - 1j * dL/dIm(z)``.
"""
import numbers

import numpy as np

from .forward_mode import hessian, hvp, jvp
from .reverse_mode import grad, vjp

__all__ = ["flatten", "unflatten", "tree_map", "tree_inner", "tree_zeros_like",
           "tree_random_like", "numerical_jvp", "numerical_jacobian", "numerical_vjp",
           "max_abs_diff", "gradcheck"]


# ----------------------------------------------------------------------------
# nested structures
# ----------------------------------------------------------------------------

def _is_leaf(x):
    return not isinstance(x, (tuple, list, dict))


def _leaves(tree, out):
    if isinstance(tree, dict):
        for k in tree:
            _leaves(tree[k], out)
    elif isinstance(tree, (tuple, list)):
        for t in tree:
            _leaves(t, out)
    else:
        out.append(tree)
    return out


def leaves(tree):
    """The leaves of a nested structure in a fixed order (``None`` included)."""
    return _leaves(tree, [])


def _is_float_leaf(x):
    if x is None or isinstance(x, (bool, np.bool_, type, str)):
        return False
    if isinstance(x, (float, complex, np.floating, np.complexfloating)):
        return True
    if isinstance(x, numbers.Integral):
        return False
    dt = getattr(x, "dtype", None)
    return dt is not None and (np.issubdtype(dt, np.floating) or np.issubdtype(dt, np.complexfloating))


def _is_complex_leaf(x):
    if isinstance(x, type):
        return False
    if isinstance(x, complex):
        return True
    dt = getattr(x, "dtype", None)
    return dt is not None and np.issubdtype(dt, np.complexfloating)


def flatten(tree):
    """The real coordinates of every floating leaf of ``tree`` as one float64
    vector (complex leaves give real and imaginary parts); integer, boolean
    and ``None`` leaves are not coordinates."""
    parts = []
    for x in leaves(tree):
        if not _is_float_leaf(x):
            continue
        a = np.asarray(x)
        if _is_complex_leaf(x):
            parts.append(np.ravel(a.real).astype(float))
            parts.append(np.ravel(a.imag).astype(float))
        else:
            parts.append(np.ravel(a).astype(float))
    return np.concatenate(parts) if parts else np.zeros(0)


def unflatten(tree, vec):
    """``tree`` with its floating coordinates replaced by ``vec`` (inverse of
    ``flatten``), keeping each leaf's type (Python float, array, ...)."""
    pos = [0]

    def take(n):
        out = vec[pos[0]:pos[0] + n]
        pos[0] += n
        return out

    def rebuild(x):
        if not _is_float_leaf(x):
            return x
        a = np.asarray(x)
        n = a.size
        if _is_complex_leaf(x):
            val = (take(n) + 1j * take(n)).reshape(a.shape)
        else:
            val = take(n).reshape(a.shape)
        if isinstance(x, (float, complex)):
            return type(x)(val.reshape(()))
        if isinstance(x, np.generic):
            return a.dtype.type(val.reshape(()))
        return val.astype(a.dtype)

    return tree_map(rebuild, tree)


def tree_map(f, *trees):
    """Apply ``f`` leafwise over trees of the same structure."""
    t0 = trees[0]
    if isinstance(t0, dict):
        return {k: tree_map(f, *[t[k] for t in trees]) for k in t0}
    if isinstance(t0, (tuple, list)) and not _is_namedtuple(t0):
        return type(t0)(tree_map(f, *xs) for xs in zip(*trees))
    if _is_namedtuple(t0):
        return tuple(tree_map(f, *xs) for xs in zip(*trees))
    return f(*trees)


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def tree_zeros_like(tree):
    return tree_map(lambda x: np.zeros_like(x) if _is_float_leaf(x) else x, tree)


def tree_random_like(tree, rng, scale=1.0):
    """Random values shaped like the floating leaves of ``tree`` (complex for
    complex leaves); non-floating leaves are kept."""
    def rand(x):
        if not _is_float_leaf(x):
            return x
        a = np.asarray(x)
        v = rng.standard_normal(a.shape) * scale
        if _is_complex_leaf(x):
            v = v + 1j * rng.standard_normal(a.shape) * scale
        if isinstance(x, (float, complex)):
            return type(x)(v.reshape(()))
        return v
    return tree_map(rand, tree)


def tree_inner(a, b):
    """``sum Re(a * b)`` over matching floating leaves (the cotangent/tangent
    pairing); ``None`` leaves count as zero."""
    la, lb = leaves(a), leaves(b)
    if len(la) != len(lb):
        raise ValueError(f"structures differ: {len(la)} and {len(lb)} leaves")
    total = 0.0
    for x, y in zip(la, lb):
        if x is None or y is None:
            continue
        if not (_is_float_leaf(x) or _is_float_leaf(y)):
            continue
        total += float(np.sum(np.real(np.asarray(x) * np.asarray(y))))
    return total


def max_abs_diff(a, b):
    """The largest absolute difference between two trees (``None`` = 0)."""
    la, lb = leaves(a), leaves(b)
    if len(la) != len(lb):
        raise ValueError(f"structures differ: {len(la)} and {len(lb)} leaves")
    m = 0.0
    for x, y in zip(la, lb):
        x = 0.0 if x is None else x
        y = 0.0 if y is None else y
        d = np.abs(np.asarray(x) - np.asarray(y))
        if d.size:
            m = max(m, float(np.max(d)))
    return m


# ----------------------------------------------------------------------------
# central differences
# ----------------------------------------------------------------------------

def _axpy(x, t, eps):
    """``x + eps * t`` leafwise over floating leaves."""
    def add(xl, tl):
        if not _is_float_leaf(xl) or tl is None:
            return xl
        out = np.asarray(xl) + eps * np.asarray(tl)
        if isinstance(xl, (float, complex)):
            return type(xl)(out.reshape(()))
        if isinstance(xl, np.generic):
            return xl.dtype.type(out.reshape(()))
        return out.astype(np.result_type(np.asarray(xl).dtype, out.dtype)) \
            if np.isrealobj(out) or _is_complex_leaf(xl) else out.real.astype(np.asarray(xl).dtype)
    return tree_map(add, x, t)


def _sub_scale(a, b, scale):
    def f(x, y):
        if x is None or not (_is_float_leaf(x) or isinstance(x, numbers.Number)):
            return None
        return (np.asarray(x) - np.asarray(y)) * scale
    return tree_map(f, a, b)


def numerical_jvp(f, primals, tangents, eps=1e-6):
    """Central-difference directional derivative of ``f(*primals)`` along
    ``tangents`` (a tuple like ``primals``; ``None`` entries stay fixed)."""
    primals = tuple(primals)
    tangents = tuple(tangents)
    plus = tuple(_axpy(p, t, eps) if t is not None else p for p, t in zip(primals, tangents))
    minus = tuple(_axpy(p, t, -eps) if t is not None else p for p, t in zip(primals, tangents))
    return _sub_scale(f(*plus), f(*minus), 1.0 / (2 * eps))


def numerical_jacobian(f, x, eps=1e-6):
    """The Jacobian of ``f`` (any tree -> tree) at ``x`` as a matrix
    ``(len(flatten(f(x))), len(flatten(x)))`` of real coordinates."""
    x0 = flatten(x)
    cols = []
    for i in range(x0.size):
        e = np.zeros_like(x0)
        e[i] = eps
        fp = flatten(f(unflatten(x, x0 + e)))
        fm = flatten(f(unflatten(x, x0 - e)))
        cols.append((fp - fm) / (2 * eps))
    out_size = flatten(f(x)).size
    return np.stack(cols, axis=1) if cols else np.zeros((out_size, 0))


def numerical_vjp(f, x, u, eps=1e-6):
    """The cotangent of ``x`` for the output cotangent ``u``, by central
    differences: a tree shaped like ``x`` (JAX convention for complex)."""
    x0 = flatten(x)
    vals = np.zeros_like(x0)
    for i in range(x0.size):
        e = np.zeros_like(x0)
        e[i] = eps
        fp = f(unflatten(x, x0 + e))
        fm = f(unflatten(x, x0 - e))
        vals[i] = (tree_inner(u, fp) - tree_inner(u, fm)) / (2 * eps)
    # vals are dL/d(real coordinates); complex leaves: dL/dRe - i dL/dIm
    return _from_real_gradient(x, vals)


def _from_real_gradient(x, vals):
    pos = [0]

    def take(n):
        out = vals[pos[0]:pos[0] + n]
        pos[0] += n
        return out

    def rebuild(xl):
        if not _is_float_leaf(xl):
            return None
        a = np.asarray(xl)
        if _is_complex_leaf(xl):
            re = take(a.size)
            im = take(a.size)
            return (re - 1j * im).reshape(a.shape)
        return take(a.size).reshape(a.shape)

    return tree_map(rebuild, x)


# ----------------------------------------------------------------------------
# gradcheck
# ----------------------------------------------------------------------------

def _scale(tree):
    m = 0.0
    for x in leaves(tree):
        if x is None:
            continue
        a = np.abs(np.asarray(x))
        if a.size:
            m = max(m, float(np.max(a)))
    return m


def _assert_close(got, want, rtol, atol, what):
    diff = max_abs_diff(got, want)
    tol = atol + rtol * max(_scale(want), _scale(got))
    if not (diff <= tol) or not np.isfinite(diff):
        raise AssertionError(f"gradcheck failed for {what}: largest difference {diff:.3e} "
                             f"(tolerance {tol:.3e})")


def _arg_name(f, i):
    import inspect
    try:
        params = list(inspect.signature(f).parameters)
        return f"argument {params[i]!r} (position {i})"
    except (TypeError, ValueError, IndexError):
        return f"argument {i}"


def _wrt_positions(f, wrt):
    """The argument positions ``wrt`` names, read as ``srcdiff.grad`` reads it."""
    from .parameters import _plain, _signature_params, _wrt_names
    func, bound = _plain(f)
    params = _signature_params(func)
    offset = 1 if bound is not None else 0
    names, _ = _wrt_names(wrt, params, offset, getattr(func, "__qualname__", repr(func)))
    return tuple(params.index(n) - offset for n in names)


def gradcheck(f, *args, wrt=0, modes=("reverse", "forward"), order=1, rtol=1e-5, atol=1e-7,
              eps=1e-6, seed=0):
    """Compare srcdiff's derivatives of ``f`` at ``args`` with central differences.

    ``wrt``: a parameter position or name, or a tuple of those (as for
    ``srcdiff.grad``). ``modes``: "reverse" checks
    ``srcdiff.vjp`` against central differences with a random output
    cotangent; "forward" checks ``srcdiff.jvp`` along a random tangent.
    ``order=2`` (scalar ``f``) also checks the derivatives of the derivatives:
    reverse with ``srcdiff.hessian``, forward with ``srcdiff.hvp``
    (forward-over-reverse), both against central differences of
    ``srcdiff.grad(f)``. Returns ``True`` or raises ``AssertionError`` naming
    the argument, the mode and the largest difference.
    """
    rng = np.random.default_rng(seed)
    positions = _wrt_positions(f, wrt)
    if isinstance(modes, str):
        modes = (modes,)
    args = tuple(args)
    out = f(*args)

    for mode in modes:
        if mode not in ("reverse", "forward"):
            raise ValueError(f"unknown mode {mode!r}: use 'reverse' or 'forward'")
        for i in positions:
            name = _arg_name(f, i)

            def fi(xi, i=i):
                a = list(args)
                a[i] = xi
                return f(*a)

            if mode == "reverse":
                u = tree_random_like(out, rng)
                _, f_vjp = vjp(f, *args, wrt=(i,))
                got = f_vjp(u)[0]
                want = numerical_vjp(fi, args[i], u, eps)
                _assert_close(got, want, rtol, atol, f"{name}, mode 'reverse'")
            else:
                v = tree_random_like(args[i], rng)
                tangents = tuple(v if j == i else tree_zeros_like(a) for j, a in enumerate(args))
                _, got = jvp(f, args, tangents)
                want = numerical_jvp(fi, (args[i],), (v,), eps)
                _assert_close(got, want, rtol, atol, f"{name}, mode 'forward'")

            if order >= 2:
                _check_second(f, args, i, mode, rng, rtol, atol, eps, name, out)
    return True


def _check_second(f, args, i, mode, rng, rtol, atol, eps, name, out):
    """Second order for a scalar ``f``: reverse mode compares
    ``srcdiff.grad(srcdiff.grad(f))``-style Hessian (``srcdiff.hessian``) times a
    random direction with central differences of ``srcdiff.grad(f)``; forward
    mode compares ``srcdiff.hvp`` (forward-over-reverse) the same way."""
    if np.ndim(out) != 0 or not _is_float_leaf(out) and not isinstance(out, float):
        raise ValueError("gradcheck(order=2) needs a scalar-valued f")
    df = grad(f, wrt=i)
    w = tree_random_like(args[i], rng)

    def gi(xi):
        a = list(args)
        a[i] = xi
        return df(*a)

    want = numerical_jvp(gi, (args[i],), (w,), eps=max(eps, 1e-5))
    if mode == "reverse":
        H = np.asarray(hessian(f, wrt=i)(*args))
        n = int(np.size(args[i]))
        got = np.reshape(np.reshape(H, (n, n)) @ np.reshape(np.asarray(w), (n,)), np.shape(want))
    else:
        got = hvp(f, wrt=i)(*args, w)
    _assert_close(got, want, max(rtol, 1e-4), max(atol, 1e-6), f"{name}, mode {mode!r}, order 2")
