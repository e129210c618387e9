"""Argument values: nested arguments flattened into float leaves and back, copies,
comparisons, which arguments are differentiable, random tangents."""
from __future__ import annotations

import copy

import numpy as np


def flatten(x):
    """Float leaves of a (nested) argument, in a fixed order."""
    if isinstance(x, dict):
        return [leaf for k in x for leaf in flatten(x[k])]
    if isinstance(x, (list, tuple)):
        return [leaf for v in x for leaf in flatten(v)]
    return [x]


def unflatten(template, leaves):
    it = iter(leaves)

    def build(t):
        if isinstance(t, dict):
            return {k: build(v) for k, v in t.items()}
        if isinstance(t, (list, tuple)):
            items = [build(v) for v in t]
            return type(t)(*items) if hasattr(t, "_fields") else type(t)(items)
        return next(it)
    return build(template)


def deep_copy(args):
    return copy.deepcopy(args)


def same_values(a, b):
    """Structural, bitwise-ish equality of arguments (NaN equal to NaN)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same_values(a[k], b[k])
                                                                    for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same_values(x, y)
                                                               for x, y in zip(a, b))
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    return a == b or (a != a and b != b)


def _is_complex(leaf):
    return np.iscomplexobj(leaf)


def flat_grad(g, template):
    """srcdiff's gradient for an argument, flattened like ``template`` (None -> error)."""
    leaves_g = flatten(g) if isinstance(template, (list, tuple, dict)) else [g]
    leaves_t = flatten(template)
    if len(leaves_g) != len(leaves_t):
        raise ValueError(f"gradient structure {type(g).__name__} of {len(leaves_g)} leaves does "
                         f"not match the argument's {len(leaves_t)}")
    out = []
    for lg, lt in zip(leaves_g, leaves_t):
        if lg is None:
            raise ValueError("gradient is None")
        if np.shape(lg) != np.shape(lt):
            raise ValueError(f"gradient shape {np.shape(lg)} != argument shape {np.shape(lt)}")
        if isinstance(lt, np.ndarray) and lt.ndim > 0 and not isinstance(lg, np.ndarray):
            raise ValueError(f"gradient is a {type(lg).__name__}, argument an ndarray")
        kinds = "fc" if _is_complex(lt) else "f"
        if np.asarray(lg).dtype.kind not in kinds:
            raise ValueError(f"gradient dtype {np.asarray(lg).dtype} is not "
                             f"{'floating or complex' if kinds == 'fc' else 'floating'} "
                             f"(argument dtype {np.asarray(lt).dtype})")
        out.append(np.asarray(lg, dtype=complex if kinds == "fc" else float).reshape(-1))
    return np.concatenate(out) if out else np.zeros(0)


def _numbers(a):
    """``a`` as a float array, or complex where it has complex values."""
    a = np.asarray(a)
    return a if a.dtype.kind == "c" else a.astype(float)


def close(got, want, rtol=1e-4, atol=1e-5):
    got = _numbers(got)
    want = _numbers(want)
    if got.shape != want.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(want))) if want.size else 1.0)
    return bool(np.all(np.abs(got - want) <= atol * scale + rtol * np.abs(want)))


def float_positions(specs_or_args):
    """Positions of the differentiable (float) arguments."""
    out = []
    for i, a in enumerate(specs_or_args):
        if _is_float_arg(a):
            out.append(i)
    return out


def _is_float_arg(a):
    if isinstance(a, bool) or isinstance(a, (int, np.integer, np.bool_)):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) > 0 and all(_is_float_arg(x) for x in a)
    if isinstance(a, dict):
        return len(a) > 0 and all(_is_float_arg(x) for x in a.values())
    if isinstance(a, np.ndarray):
        return a.dtype.kind in "fc"
    return isinstance(a, (float, complex, np.floating, np.complexfloating))


def random_tangent(x, rng):
    """A random tangent with the structure of argument ``x`` (complex where it is)."""
    def one(leaf):
        t = rng.normal(size=np.shape(leaf))
        if _is_complex(leaf):
            t = t + 1j * rng.normal(size=np.shape(leaf))
        return t if np.ndim(leaf) or isinstance(leaf, np.ndarray) else t.item()
    leaves = [one(leaf) for leaf in flatten(x)]
    return unflatten(x, leaves) if isinstance(x, (list, tuple, dict)) else leaves[0]
