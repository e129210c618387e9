"""Is a generated program a valid test case at given inputs (runs cleanly, leaves its
arguments alone, finite value, away from kinks, reliable central differences)?"""
from __future__ import annotations

import math
import warnings

import numpy as np

from tools.fuzz.differences import numeric_grad
from tools.fuzz.timeouts import _Timeout
from tools.fuzz.values import close, deep_copy, flatten, same_values


MARGIN = 2e-3          # minimum distance of every kink/branch test from its threshold
VALUE_LIMIT = 1e5      # programs whose value or gradient exceeds this are rejected


def writes_into_arguments(f, args):
    """Does f write into its arguments' arrays at ``args``, even with the values
    they hold (``r = x[None, :]; r[0] = x``, which leaves them equal)? Run on
    read-only copies, such a write raises."""
    a = deep_copy(args)
    for leaf in flatten(a):
        if isinstance(leaf, np.ndarray):
            leaf.flags.writeable = False
    try:
        f(*a)
    except ValueError as e:
        return "read-only" in str(e)
    except Exception:  # noqa: BLE001  (anything else: the caller's own run says)
        return False
    return False


def evaluate_plain(f, probe_f, probe, args):
    """None if f is a valid test case at args, else the reason it is not."""
    try:
        with np.errstate(all="raise"), warnings.catch_warnings():
            warnings.simplefilter("error")
            a = deep_copy(args)
            v = f(*a)
            if not same_values(a, args):
                return "program modifies its arguments"
            if writes_into_arguments(f, args):
                return "program modifies its arguments"
            probe.margin = math.inf
            pv = probe_f(*deep_copy(args))
    except _Timeout:
        raise
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {e}"
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (float, int, np.floating, np.integer)) \
            and not (isinstance(v, np.ndarray) and v.ndim == 0):
        return f"value is a {type(v).__name__}"
    if isinstance(v, np.ndarray) and v.dtype.kind != "f":
        return "value is not floating"
    v = float(v)
    if not math.isfinite(v) or abs(v) > VALUE_LIMIT:
        return "value not finite or too large"
    if float(pv) != v:
        return "probe value differs"
    if probe.margin < MARGIN:
        return f"too close to a kink ({probe.margin:.2g})"
    return None


def numerics_ok(f, args, floats):
    """Central differences, or None when they are unreliable (large or step-dependent)."""
    out = {}
    try:
        with np.errstate(all="raise"):
            for i in floats:
                g1 = numeric_grad(f, args, i, 1e-6)
                if not np.all(np.isfinite(g1)) or np.max(np.abs(g1), initial=0) > VALUE_LIMIT:
                    return None
                g2 = numeric_grad(f, args, i, 1e-5, 4)
                if not close(g1, g2, 1e-5, 1e-6):
                    return None
                out[i] = g1
    except Exception:  # noqa: BLE001
        return None
    return out
