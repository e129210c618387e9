"""What the caches of generated code are built from: a bounded LRU, and the
signature of a value a function closes over (data passed in at call time,
or an object the code depends on). ``api.cache`` keys generated code with
them; ``frontend.prepare`` bounds its cache of prepared functions with the
LRU; ``backend.codegen`` describes a bound helper by its signature.
"""
import collections
import threading
import types

import numpy as np


class LRU:
    """A dictionary of at most ``size`` entries; the least recently used goes first."""

    def __init__(self, size):
        self.size = size
        self.entries = collections.OrderedDict()
        self.lock = threading.RLock()

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()

    def __len__(self):
        return len(self.entries)


# ---- what a closure variable contributes to the key -------------------------------

_VALUES = (int, bool, str, bytes, type(None), np.integer, np.bool_)
_NUMBERS = (float, complex, np.floating, np.complexfloating)


def _is_array(v):
    return isinstance(v, np.ndarray) or (
        hasattr(v, "shape") and hasattr(v, "dtype") and hasattr(v, "__array_function__")
        and not callable(v))


def signature(v, depth=0):
    """("d", ...) for data (passed in at call time), ("v", ...) for a value the
    code may depend on, ("i", id) for an object that must be the same one."""
    t = type(v)
    if t is np.ndarray:
        return ("d", t, v.dtype, v.shape)
    if t is float or t is complex:
        return ("d", t)
    if t in _PLAIN_VALUES:
        return ("v", t, v)
    if t in _OBJECTS:
        return ("i", id(v))
    if isinstance(v, _NUMBERS):
        return ("d", t)
    if _is_array(v):
        try:
            return ("d", t, str(v.dtype), tuple(v.shape))
        except TypeError:
            return ("i", id(v))
    if isinstance(v, _VALUES):
        return ("v", t, v)
    if (t is tuple or t is list) and depth < 3 and len(v) <= 64:
        items = tuple(signature(e, depth + 1) for e in v)
        if all(s[0] != "i" for s in items):
            return ("d", t, items)
    return ("i", id(v))


_PLAIN_VALUES = frozenset([int, bool, str, bytes, type(None)])
_OBJECTS = frozenset([types.FunctionType, types.BuiltinFunctionType, types.ModuleType, type,
                      np.ufunc, types.MethodType])
