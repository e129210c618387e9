"""The caches of generated code: bounded, and keyed by what determines the code.

A loss rebuilt as a closure each step (``lambda w: model(w, batch)``, or
``make_loss(batch)`` returning a nested ``def``) is a new function object each
time, but its code is the same. Generated code is therefore keyed by

- the function's code object and globals, and the transform's options (wrt,
  mode, the kinds of the arguments the code is specialised on, ...);
- a signature of each closure variable and default value: for data (floats,
  complex numbers, arrays: type, dtype and shape; tuples and lists of those:
  their structure) only that signature, so that their values are passed in
  when the code is called rather than baked into it; for ints, bools, strings
  and None the value; for anything else (helper functions, modules, objects)
  its identity;

and is valid while the globals and helpers the transform read (recorded as it
ran, see ``api.recorded``) are still the same objects. A fresh closure of a
``def`` already transformed then costs a dictionary lookup and a call of the
compiled code's factory with its own closure values bound (``Compiled.make``):
no parse, no transform, no compile.

Every cache is an LRU of bounded size (``SIZE`` entries for generated code,
``pipeline.SIZE`` for prepared functions); an entry holds the closure values
it was last made with (one set per entry). The source of generated code stays
registered with ``linecache`` while some function made from it, or a cache
entry, is alive (codegen.Compiled).
"""
import copy

from ..backend.caching import LRU, signature
from ..frontend.parse import deps_valid, record_lookups, stop_recording

__all__ = ["LRU", "SIZE", "generated", "key_of", "shared_deps"]

SIZE = 256      # entries of each generated-code cache (reverse and forward mode)


def _cell_values(func):
    """(name, cell, value or _EMPTY) of each closure variable of ``func``."""
    cells = getattr(func, "__closure__", None) or ()
    out = []
    for name, cell in zip(func.__code__.co_freevars, cells):
        try:
            out.append((name, cell, cell.cell_contents))
        except ValueError:
            out.append((name, cell, _EMPTY))
    return out


_EMPTY = object()


def closure_key(func):
    """The part of the key that ``func``'s closure and defaults contribute."""
    cells = tuple((name, ("e",) if v is _EMPTY else signature(v))
                  for name, _, v in _cell_values(func))
    defaults = tuple(signature(d) for d in func.__defaults__ or ())
    kw = func.__kwdefaults__
    kwdefaults = tuple(sorted((k, signature(d)) for k, d in kw.items())) if kw else ()
    return cells, defaults, kwdefaults


# ---- entries ----------------------------------------------------------------------

class Entry:
    """Generated code and what it may be reused for.

    ``shared``: the dependencies (see api.deps_valid) that are not ``func``'s own
    closure cells or defaults: the globals and helpers that must still be the
    same objects. ``rebind``: the closure variables of ``func`` whose values the
    code receives as helpers of the same name (None: the code cannot be bound to
    another closure, it is reused only for ``func`` itself)."""

    __slots__ = ("gen", "func", "defaults", "shared", "rebind")

    def __init__(self, gen, func, like=None):
        self.gen, self.func = gen, func
        self.defaults = (func.__defaults__, func.__kwdefaults__)    # (as gen.fns got them)
        if like is not None:        # (the same code bound to another closure)
            self.shared, self.rebind = like.shared, like.rebind
            return
        self.shared = shared_deps(gen.deps, func)
        self.rebind = _rebindable(gen, func, self.shared)


def shared_deps(deps, func):
    """The dependencies among ``deps`` that are not ``func``'s own closure cells
    or defaults."""
    own_cells = {id(c) for _, c, _ in _cell_values(func)}
    return tuple(d for d in deps if not (d[0] == "cell" and id(d[1]) in own_cells)
                 and not (d[0] == "attr" and d[1] is func))


def _rebindable(gen, func, shared):
    """The closure variables the generated code receives by name (a data
    value reached any other way, under another helper name or through another
    function's globals, makes the code unfit for another closure: None)."""
    helpers = getattr(gen, "helpers", None)
    if helpers is None:
        return None
    names = []
    for name, _, value in _cell_values(func):
        if value is _EMPTY or signature(value)[0] == "i":
            continue
        if signature(value)[0] == "d":
            if any(obj is value and n != name for n, obj in helpers.items()):
                return None
            if any(d[3] is value for d in shared):
                return None
        if name in helpers:
            names.append(name)
    return tuple(names)


def _rebound(entry, func):
    """``entry``'s generated code with ``func``'s closure values bound (None
    when it cannot be)."""
    if entry.rebind is None:
        return None
    gen = entry.gen
    helpers = dict(gen.helpers)
    values = {name: v for name, _, v in _cell_values(func)}
    for name in entry.rebind:
        helpers[name] = values[name]
    compiled = next(iter(gen.fns.values())).__srcdiff_compiled__
    fns = compiled.make(helpers)
    defaults, kwdefaults = entry.defaults
    for name, fn in fns.items():
        made = gen.fns[name]
        for attr, value in vars(made).items():     # (notes such as __srcdiff_checkpointed__)
            vars(fn).setdefault(attr, value)
        if made.__defaults__ is not None and made.__defaults__ is defaults:
            fn.__defaults__ = func.__defaults__
        if made.__kwdefaults__ is not None and made.__kwdefaults__ is kwdefaults:
            fn.__kwdefaults__ = func.__kwdefaults__
    new = copy.copy(gen)
    new.fns, new.helpers = fns, helpers
    new.deps = entry.shared + own_deps(func)
    return new


def own_deps(func):
    """The dependencies of code generated from ``func`` on its own closure cells
    and defaults."""
    return tuple(("cell", cell, name, v) for name, cell, v in _cell_values(func)
                 if v is not _EMPTY) + (
        ("attr", func, "__defaults__", func.__defaults__),
        ("attr", func, "__kwdefaults__", func.__kwdefaults__))


def key_of(func, options):
    """The key of ``func``'s generated code for ``options``: its code object,
    globals, the options and the signature of its closure (or, for a function
    this cannot be made for, the function itself)."""
    code = getattr(func, "__code__", None)
    if code is not None:
        try:
            key = (code, id(func.__globals__), options, closure_key(func))
            hash(key)
            return key
        except TypeError:      # (an unhashable value: keyed by the function itself)
            pass
    return (func, options)


def generated(cache, func, options, make):
    """The generated code of ``func`` for ``options`` (hashable): from ``cache``
    when code for the same code object, options and closure signature was made
    and what it read is unchanged (bound to ``func``'s closure values), else
    ``make()``'s, recorded and stored."""
    key = key_of(func, options)
    entry = cache.get(key)
    if entry is not None and deps_valid(entry.shared):
        if entry.func is func and deps_valid(entry.gen.deps):
            return entry.gen
        gen = _rebound(entry, func)
        if gen is not None:
            cache.put(key, Entry(gen, func, like=entry))    # (the latest closure's values)
            return gen
    gen = recorded(func, make)
    cache.put(key, Entry(gen, func))
    return gen


def recorded(func, make):
    """``make()``'s generated code, with ``deps``: the globals, closure variables
    and defaults of ``func`` that making it read (see api.deps_valid)."""
    from ..frontend.prepare import paused_gc
    record_lookups()
    try:
        with paused_gc():
            gen = make()
    finally:
        deps = stop_recording()
    if getattr(func, "__code__", None) is not None:
        deps += [("attr", func, "__defaults__", func.__defaults__),
                 ("attr", func, "__kwdefaults__", func.__kwdefaults__)]
    gen.deps = _dedupe(deps)
    return gen


def _dedupe(deps):
    seen, out = set(), []
    for kind, where, name, obj in deps:
        k = (kind, id(where), name)
        if k not in seen:
            seen.add(k)
            out.append((kind, where, name, obj))
    return tuple(out)
