"""The front half of every transform: parse, normalize, inline user calls.

``prepare(func)`` gives the normalized function both the reverse and the
forward transforms start from (cached per function object).
"""
import contextlib
import copy
import gc

import gast

from ..backend.caching import LRU
from ..errors import user_names
from .normalize import normalize
from .parse import deps_valid, parse_function

__all__ = ["prepare", "paused_gc"]

SIZE = 64       # prepared functions kept (each holds its syntax trees)
_prepared = LRU(SIZE)   # (func, wrt) -> (the prepared function, what preparing it read)


def prepare(func, wrt=(), records=()):
    """Parse and normalize ``func``; calls into user functions whose results
    may depend on ``wrt`` are inlined (see inline.py).

    Every transform of the same function (grad, vjp, jvp, each specialisation
    on argument kinds) starts from the same prepared function: it is made once
    and each caller gets its own copy to change, while the globals and closure
    variables preparing it read are still the same objects. ``records``: pairs
    (parameter, RecordKind) of the object parameters (records.py)."""
    from . import parse
    key = (func, tuple(wrt), tuple(sorted(records, key=lambda r: r[0])))
    hit = _prepared.get(key)
    if hit is not None and deps_valid(hit[1]):
        for dep in hit[1]:
            parse._record(*dep)      # what the caller's code depends on
        return copy_prepared(hit[0])
    recording = getattr(parse._recording, "deps", None)
    start = len(recording) if recording is not None else 0
    norm = _prepare(func, wrt, dict(records))
    if recording is not None:       # (unrecorded dependencies could not be checked)
        _prepared.put(key, (norm, tuple(recording[start:])))
        return copy_prepared(norm)
    return norm


def _prepare(func, wrt, records):
    from .inline import inline_calls
    from ..ir.templates import HelperEnv
    fs = parse_function(func)
    # (*args: a tuple parameter of the generated code, api._VarargPick)
    norm = normalize(fs, varargs=fs.node.args.kwarg is None, records=records)
    norm.env = HelperEnv(norm.names, fs.globals, fs.closure)
    for free in sorted(fs.closure):
        norm.env.objects[free] = fs.closure[free]   # the user's closure variables, as they are
    fs.extra = norm.env.objects
    norm.records = records
    with user_names(norm.names):
        return inline_calls(norm, wrt)


def copy_prepared(norm):
    """A copy of a prepared function that a transform may change: its tree, its
    names and the names of the helpers its code refers to (the function's
    source, globals and the helper objects themselves are shared)."""
    new = copy.copy(norm)
    new.node = copy_tree(norm.node)
    new.output = copy_tree(norm.output)
    new.params = list(norm.params)
    new.names = norm.names.copy()
    for attr, value in vars(norm).items():
        if isinstance(value, set):
            setattr(new, attr, set(value))
    env = new.env = copy.copy(norm.env)
    env.names = new.names
    env.objects = dict(norm.env.objects)
    env.by_id = dict(norm.env.by_id)
    new.fs = copy.copy(norm.fs)
    new.fs.extra = env.objects      # (names resolve through the helpers bound so far)
    return new


def copy_tree(node):
    """A copy of a syntax tree and the notes on its nodes (``ssa_env`` dicts are
    copied; source locations are shared)."""
    if isinstance(node, list):
        return [copy_tree(x) for x in node]
    if not isinstance(node, gast.AST):
        return node
    new = node.__class__.__new__(node.__class__)
    d = new.__dict__
    for k, v in node.__dict__.items():
        if isinstance(v, (gast.AST, list)):
            v = copy_tree(v)
        elif isinstance(v, dict):
            v = dict(v)
        d[k] = v
    return new


@contextlib.contextmanager
def paused_gc():
    """The cyclic garbage collector paused while a transform runs.

    A transform allocates millions of short-lived nodes and its trees stay
    alive until it ends, so each collection of the oldest generation walks a
    heap that grows with the function: about a quarter of the time of a
    1,000-statement function went to collections that found nothing. The
    transform's own garbage is freed by reference counting; the collector is
    restored as it was when the outermost transform ends."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
