"""Parameters in objects: NamedTuples, dataclasses and plain objects passed in.

A function that reads ``p.log_noise`` or ``self.W`` of an object argument is
specialised on the object's class and field names (its ``RecordKind``): the
object reaches the generated code as a container of its fields (a tuple for a
NamedTuple, a dict for other objects), attribute reads become item reads of
that container, and ``self.residuals(x)`` becomes a call of the class's
function ``Model.residuals(self, x)``, which the inliner inlines like any
user function. The gradient of such an argument is a NamedTuple of field
cotangents for a NamedTuple, a dict of field cotangents for other objects
(fields without a derivative, such as ints and strings, get ``None``).
"""
import dataclasses
import functools
import inspect
import types

import gast
import numpy as np

from ..ir.syntax import const, walk
from ..ir import anno
from ..runtime.trees import zero_like

__all__ = ["RecordKind", "record_kind", "to_container", "to_tangent", "from_cotangent",
           "rewrite_records", "constructed_kind"]


@dataclasses.dataclass(frozen=True)
class RecordKind:
    """The class of an object argument and the fields its container holds."""
    cls: type
    fields: tuple
    named: bool      # a NamedTuple (a tuple of its fields), else a dict of them
    subs: tuple = ()     # per field: the RecordKind of an object held there, or None
    numbers: frozenset = frozenset()     # the fields that hold a number (never an array)

    def sub(self, key):
        """The RecordKind of the object at ``key`` of the container (an index of
        a NamedTuple's or a list's, a field name or key of a dict's), or None."""
        if not self.subs:
            return None
        if self.named:
            if type(key) is not int or not -len(self.fields) <= key < len(self.fields):
                return None
            return self.subs[key]
        return self.subs[self.fields.index(key)] if key in self.fields else None

    def common(self):
        """The RecordKind every item of a list or tuple of objects has, or None
        (an item read at an index known only when it runs is any of them)."""
        if self.cls not in (list, tuple) or not self.subs or None in self.subs:
            return None
        if all(k == self.subs[0] for k in self.subs):
            return self.subs[0]
        # (items that differ only in which fields hold numbers: none is known to)
        plain = [_without_numbers(k) for k in self.subs]
        return plain[0] if all(k == plain[0] for k in plain) else None


def _without_numbers(kind):
    """``kind`` and the kinds in its fields, with no field known to hold a number."""
    if not isinstance(kind, RecordKind):
        return kind
    return dataclasses.replace(kind, numbers=frozenset(),
                               subs=tuple(_without_numbers(k) for k in kind.subs))


_FUNCTIONS = (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
              functools.partial, np.ufunc)


_LIBRARIES = {"numpy", "scipy", "pandas", "sklearn", "torch", "jax", "dask", "xarray",
              "matplotlib", "srcdiff", "builtins", "collections", "functools", "itertools",
              "random", "io", "threading", "types"}


_NESTING = 4     # objects inside objects followed this deep


def record_kind(a, depth=0):
    """The RecordKind of an object argument, or None for anything else (numbers,
    arrays, containers, functions, modules, array-likes). An object held in a
    field (``p.layer.W``) has a RecordKind of its own (``subs``); so has a list,
    tuple or dict that holds objects (``layers[k].W``, ``d["a"].W``)."""
    if type(a) in (list, tuple, dict):
        return container_kind(a, depth)
    kind = _record_kind(a)
    if kind is None:
        return kind
    numbers = _number_fields([getattr(a, f, None) for f in kind.fields], kind.fields)
    if numbers:
        kind = dataclasses.replace(kind, numbers=numbers)
    if depth >= _NESTING:
        return kind
    subs = tuple(record_kind(getattr(a, f, None), depth + 1) for f in kind.fields)
    if any(k is not None for k in subs):
        kind = dataclasses.replace(kind, subs=subs)
    return kind


def _number_fields(values, fields):
    """The fields whose values are numbers (Python or NumPy scalars): the code
    generated for the kind reads them as numbers, which nothing changes in place
    (a call with an array there has another kind, and code of its own)."""
    return frozenset(f for f, v in zip(fields, values)
                     if isinstance(v, (int, float, complex, np.generic)))


def container_kind(a, depth=0):
    """The RecordKind of a list, tuple or dict some of whose items are objects
    (its fields are its indices or keys), or None."""
    if depth >= _NESTING or len(a) > 256:
        return None
    keys = list(a) if type(a) is dict else list(range(len(a)))
    if type(a) is dict and not all(isinstance(k, (str, int)) and type(k) is not bool
                                   for k in keys):
        return None
    subs = tuple(record_kind(a[k], depth + 1) for k in keys)
    if all(k is None for k in subs):
        return None
    return RecordKind(type(a), tuple(keys), type(a) is not dict, subs,
                      _number_fields([a[k] for k in keys], keys))


def _slot_fields(t, a):
    """The names of the slots (``__slots__``, the class's and its bases') set on ``a``."""
    names = []
    for c in reversed(t.__mro__):
        slots = c.__dict__.get("__slots__", ())
        for n in ([slots] if isinstance(slots, str) else slots):
            if n not in ("__dict__", "__weakref__") and n not in names and hasattr(a, n):
                names.append(n)
    return names


def _record_kind(a):
    t = type(a)
    if isinstance(a, tuple):
        fields = getattr(t, "_fields", None)
        if isinstance(fields, tuple) and all(isinstance(f, str) for f in fields):
            return RecordKind(t, fields, True)
        return None
    if isinstance(a, (list, dict, str, bytes, int, float, complex, bool, np.ndarray,
                      np.generic, types.ModuleType, type) + _FUNCTIONS) \
            or hasattr(a, "__array__") or hasattr(a, "__array_function__") \
            or hasattr(a, "shape"):
        return None
    if (getattr(t, "__module__", None) or "").split(".")[0] in _LIBRARIES:
        return None     # a library's object (a frozen distribution, a solver): as it is
    if dataclasses.is_dataclass(a):
        return RecordKind(t, tuple(f.name for f in dataclasses.fields(a)), False)
    d = getattr(a, "__dict__", None)
    fields = set(d) if isinstance(d, dict) else set()
    fields |= set(_slot_fields(t, a))
    if not fields:
        return None
    return RecordKind(t, tuple(sorted(fields)), False)


# ---- objects made in the function -----------------------------------------------

_CONSTANTS = (int, float, bool, str, complex, type(None))


def _record_class(cls):
    """RecordKind of a NamedTuple class (or collections.namedtuple) or a dataclass
    whose generated ``__init__`` makes its objects, with (field, default or
    MISSING) pairs; None for any other object."""
    if not isinstance(cls, type) \
            or (getattr(cls, "__module__", None) or "").split(".")[0] in _LIBRARIES:
        return None     # (a library's result class: a call like any other)
    if issubclass(cls, tuple):
        maker = next((c for c in cls.__mro__ if "__new__" in c.__dict__), None)
        fields = getattr(maker, "_fields", None) if maker is not None \
            and "_fields" in maker.__dict__ else None
        if not (isinstance(fields, tuple) and all(isinstance(f, str) for f in fields)):
            return None
        defaults = getattr(maker, "_field_defaults", {})
        return RecordKind(cls, fields, True), \
            [(f, defaults.get(f, dataclasses.MISSING)) for f in fields]
    if not dataclasses.is_dataclass(cls):
        return None
    init = cls.__dict__.get("__init__") or getattr(cls, "__init__", None)
    code = getattr(init, "__code__", None)
    if code is None or code.co_filename != "<string>":
        return None     # an __init__ of the user's: a call like any other
    fields = dataclasses.fields(cls)
    return RecordKind(cls, tuple(f.name for f in fields), False), \
        [(f, f.default) for f in fields]


def constructed_kind(cls, call, error):
    """``P(a, b=c)`` of a NamedTuple class or a dataclass as the literal of the
    container the generated code holds for such an object (a tuple or a dict of
    its fields, the user's expressions), marked ``srcdiff_record`` with its
    RecordKind; None when ``cls`` is no such class. ``error(node, what, hint)``
    makes the refusal of what the container cannot hold."""
    found = _record_class(cls)
    if found is None:
        return None
    kind, fields = found
    name = cls.__name__
    if any(isinstance(a, gast.Starred) for a in call.args) \
            or any(k.arg is None for k in call.keywords):
        raise error(call, f"making a {name} from *args or **kwargs cannot be differentiated",
                    f"write the fields out ({name}(w=..., b=...))")
    if not kind.named:
        if hasattr(cls, "__post_init__"):
            raise error(call, f"the dataclass {name} has a __post_init__, which srcdiff "
                        "does not follow", f"make the {name} outside the function and "
                        "pass it as an argument")
        if any(not f.init or f.default_factory is not dataclasses.MISSING for f, _ in fields):
            raise error(call, f"the dataclass {name} has a field with init=False or a "
                        "default_factory, which srcdiff does not follow",
                        f"make the {name} outside the function and pass it as an argument")
        positional = [f.name for f, _ in fields if not getattr(f, "kw_only", False)]
        fields = [(f.name, d) for f, d in fields]
    else:
        positional = list(kind.fields)
    if len(call.args) > len(positional):
        raise error(call, f"{name}() is given {len(call.args)} positional arguments for "
                    f"{len(positional)} fields")
    given = dict(zip(positional, call.args))
    for k in call.keywords:
        if k.arg not in kind.fields or k.arg in given:
            raise error(call, f"{name}() is given the argument {k.arg!r} "
                        + ("twice" if k.arg in given else "that is not one of its fields"))
        given[k.arg] = k.value
    values = []
    for f, default in fields:
        if f in given:
            values.append(given[f])
        elif default is dataclasses.MISSING:
            raise error(call, f"{name}() is not given its field {f!r}")
        elif type(default) in _CONSTANTS:
            values.append(const(default))
        else:
            raise error(call, f"the default of the field {f!r} of {name} is not a number "
                        "or a string; srcdiff cannot put it into the generated code",
                        f"give {f} when making the {name}")
    made = gast.Tuple(elts=values, ctx=gast.Load()) if kind.named else \
        gast.Dict(keys=[const(f) for f in kind.fields], values=values)
    anno.set(made, "record", kind)
    return made


def to_container(a, kind):
    """The container of ``a``'s fields the generated code takes (a function
    argument, values.FunctionKind, as it is)."""
    if not isinstance(kind, RecordKind):
        return a
    items = [_field(a, kind, f) for f in kind.fields]
    if kind.subs:
        items = [v if k is None else to_container(v, k) for v, k in zip(items, kind.subs)]
    if kind.cls is list:
        return items
    if kind.named:
        return tuple(items)
    return dict(zip(kind.fields, items))


def _field(a, kind, f):
    """Field ``f`` of the object ``a`` (an item, for a container of objects)."""
    return a[f] if kind.cls in (list, tuple, dict) else getattr(a, f)


def _user_field(t, kind, f, k):
    """The user's tangent of field ``f`` (the k-th) in ``t`` (an object like the
    argument, a dict of field tangents, a list/tuple/dict for a container)."""
    if t is None:
        return None
    if isinstance(t, dict):
        return t.get(f)
    if kind.cls in (list, tuple):
        return t[k] if isinstance(t, (list, tuple)) and k < len(t) else None
    return getattr(t, f, None)


def _differentiable(v):
    if isinstance(v, (bool, np.bool_, int, np.integer, str, bytes)) or v is None:
        return False
    kind = getattr(getattr(v, "dtype", None), "kind", None)
    if kind is not None:
        return kind in "fc"
    return isinstance(v, (float, complex, list, tuple, dict))


def to_tangent(t, a, kind, as_tangent):
    """The container form of the user's tangent ``t`` of the object ``a`` (an
    object like ``a``, or a dict of field tangents; a field it does not give
    and a field without a derivative get a zero tangent or None; a function
    argument gets None)."""
    if not isinstance(kind, RecordKind):
        return None
    out = []
    for k, f in enumerate(kind.fields):
        v = _field(a, kind, f)
        tv = _user_field(t, kind, f, k)
        sub = kind.subs[k] if kind.subs else None
        if sub is not None:
            tv = to_tangent(tv, v, sub, as_tangent)
        elif not _differentiable(v):
            tv = 0.0 if isinstance(v, (int, np.integer)) and not isinstance(v, bool) else None
        elif tv is None:
            tv = zero_like(v)
        else:
            tv = as_tangent(tv, v)
        out.append(tv)
    if kind.cls is list:
        return out
    return tuple(out) if kind.named else dict(zip(kind.fields, out))


def from_cotangent(ct, a, kind):
    """The user's form of the cotangent ``ct`` (the container form) of ``a``."""
    if ct is None or not isinstance(kind, RecordKind):
        return None
    items = list(ct) if kind.named else [ct.get(f) for f in kind.fields]
    subs = kind.subs or (None,) * len(kind.fields)
    items = [from_cotangent(g, _field(a, kind, f), k) if k is not None
             else g if _differentiable(_field(a, kind, f)) else None
             for f, g, k in zip(kind.fields, items, subs)]
    if kind.cls in (list, tuple):
        return kind.cls(items)
    if kind.named:
        return kind.cls(*items)
    return dict(zip(kind.fields, items))


# ---- the rewrite -------------------------------------------------------------------

def rewrite_records(norm, records):
    """Attribute reads of the object parameters ``records`` (name -> RecordKind)
    in ``norm``'s code become item reads of their containers; method calls become
    calls of the class's functions with the object first. Names bound to a
    record by a plain copy (``s = self``, a parameter of an inlined method) are
    records too. Returns the names that hold records: the generated code has
    their containers, so every call of a user function given one is inlined."""
    known = {p: k for p, k in (records or {}).items() if isinstance(k, RecordKind)}
    made = [n for n in walk(norm.node) if isinstance(n, gast.Assign)
            and anno.has(n.value, "record") and len(n.targets) == 1
            and isinstance(n.targets[0], gast.Name)]
    if not known and not made:
        return set()
    # (a name bound to a copy of a record, or to an object held in a record's
    # field, ``layer = p.layer``, holds a record too; the fields are read as
    # items, so such a name is bound once)
    counts = {}
    for n in walk(norm.node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
            counts[n.id] = counts.get(n.id, 0) + 1
    for n in made:      # an object made in the function (constructed_kind)
        if counts.get(n.targets[0].id) != 1:
            raise (anno.get(n, "srcloc") or norm.fs.loc).error(
                n, f"the {anno.get(n.value, 'record').cls.__name__} made here is assigned to a "
                "name assigned elsewhere too (in another branch, or before a loop); srcdiff "
                "follows an object made in the function only in a name assigned once",
                "give each object a name of its own")
        known[n.targets[0].id] = anno.get(n.value, "record")
    loops = {}      # loop variable -> the loops binding it
    for n in walk(norm.node):
        if isinstance(n, gast.For) and isinstance(n.target, gast.Name):
            loops.setdefault(n.target.id, []).append(n)
    # (a nested def's names are its own: a loop variable of the function and one
    # of a nested def are counted apart)
    scope = _scopes(norm.node)
    scoped = {}
    for n in walk(norm.node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
            key = (id(scope[id(n)]), n.id)
            scoped[key] = scoped.get(key, 0) + 1

    def stores(node, name):
        return scoped.get((id(scope[id(node)]), name), 0)

    # ``layers_seq = as_sequence(layers)`` ... ``layer = layers_seq[k]``: a loop over
    # ``layers`` the normalizer has already put in that form (the loops of a
    # function are converted one by one, between calls of this function)
    from ..runtime import as_sequence
    sequences = {n.targets[0].id: n.value.args[0].id for n in walk(norm.node)
                 if isinstance(n, gast.Assign) and len(n.targets) == 1
                 and isinstance(n.targets[0], gast.Name) and isinstance(n.value, gast.Call)
                 and isinstance(n.value.func, gast.Name) and len(n.value.args) == 1
                 and isinstance(n.value.args[0], gast.Name)
                 and norm.env.objects.get(n.value.func.id) is as_sequence}

    items_of = {}       # name -> the ``name = seq[k]`` of such sequences (found once)
    for m in walk(norm.node):
        if isinstance(m, gast.Assign) and len(m.targets) == 1 \
                and isinstance(m.targets[0], gast.Name) and isinstance(m.value, gast.Subscript) \
                and isinstance(m.value.value, gast.Name) and m.value.value.id in sequences:
            items_of.setdefault(m.targets[0].id, []).append(m)

    def converted_loops(n, item):
        return [m for m in items_of.get(n.target.id, ()) if scope[id(m)] is scope[id(n)]
                and sequences[m.value.value.id] in known
                and known[sequences[m.value.value.id]].common() == item]
    changed = True
    while changed:
        changed = False
        for n in walk(norm.node):
            if isinstance(n, gast.For) and isinstance(n.target, gast.Name) \
                    and isinstance(n.iter, gast.Name) and n.iter.id in known \
                    and n.target.id not in known:
                item = known[n.iter.id].common()     # for layer in layers
                if item is None:
                    continue
                # (the name may be the variable of several such loops, each over
                # objects of the same class: ``for layer in layers`` twice)
                same = [m for m in loops[n.target.id] if isinstance(m.iter, gast.Name)
                        and scope[id(m)] is scope[id(n)]
                        and m.iter.id in known and known[m.iter.id].common() == item]
                if len(same) + len(converted_loops(n, item)) != stores(n, n.target.id):
                    raise (anno.get(n, "srcloc") or norm.fs.loc).error(
                        n, f"the loop variable {n.target.id!r} holds the "
                        f"{item.cls.__name__} objects of {n.iter.id!r} here and is assigned "
                        "something else elsewhere; srcdiff follows an object argument's "
                        "items in a loop variable assigned only by loops over such objects",
                        "give this loop variable a name of its own")
                known[n.target.id] = item
                changed = True
                continue
            if not (isinstance(n, gast.Assign) and len(n.targets) == 1
                    and isinstance(n.targets[0], gast.Name)) or n.targets[0].id in known:
                continue
            kind = _held_record(n.value, known)
            if kind is not None and (isinstance(n.value, gast.Name)
                                     or stores(n, n.targets[0].id) == 1):
                known[n.targets[0].id] = kind
                changed = True
    # (a loop variable of the same name in a nested def must hold the same objects:
    # its fields are read by name as the function's are)
    for name, ms in loops.items():
        kind = known.get(name)
        if kind is None or name in (records or {}):
            continue
        for m in ms:
            if not (isinstance(m.iter, gast.Name) and m.iter.id in known
                    and known[m.iter.id].common() == kind):
                raise (anno.get(m, "srcloc") or norm.fs.loc).error(
                    m, f"the loop variable {name!r} holds {kind.cls.__name__} objects "
                    "elsewhere and is assigned something else here; srcdiff follows an "
                    "object argument's items in a loop variable assigned only by loops "
                    "over such objects", "give this loop variable a name of its own")
    tuples = {n.targets[0].id: n.value for n in walk(norm.node) if isinstance(n, gast.Assign)
              and isinstance(n.targets[0], gast.Name) and isinstance(n.value, gast.Tuple)
              and counts.get(n.targets[0].id) == 1}
    static = _static(norm.fs, set(counts) | set(norm.params), tuples)
    _Rewriter(known, norm.env, static).visit(norm.node)
    local = {n.targets[0].id for n in made if n.targets[0].id in known}
    if local:
        _check_made(norm, known, local)
    return set(known)


def _scopes(root):
    """{id(node): the function whose names the node's are} (``root``, or the
    nested def it is in)."""
    out = {}
    todo = [(root, root)]
    while todo:
        node, owner = todo.pop()
        for child in gast.iter_child_nodes(node):
            out[id(child)] = owner
            todo.append((child, child if isinstance(child, gast.FunctionDef) else owner))
    return out


def _check_made(norm, known, local):
    """Refuse a use of an object made in the function (or a copy of it) that its
    container would not stand in for: the generated code holds a tuple or a dict
    of the fields, which a builtin (``len``), a library function and the caller
    (the object returned, or held in a literal) would see. Reading its fields,
    indexing, copying, ``isinstance`` and ``type`` (folded by the rewrite) and
    passing it to the user's functions (which are inlined) are what it is for."""
    copies = [n for n in walk(norm.node) if isinstance(n, gast.Assign)
              and isinstance(n.targets[0], gast.Name)
              and isinstance(n.value, (gast.Name, gast.Subscript))]
    grown = True
    while grown:
        grown = False
        for n in copies:     # (a copy, or an object held in a field of one: q = p[0])
            src = n.value if isinstance(n.value, gast.Name) else n.value.value
            if isinstance(src, gast.Name) and src.id in local and n.targets[0].id in known \
                    and n.targets[0].id not in local:
                local.add(n.targets[0].id)
                grown = True
    out = norm.output
    if isinstance(out, gast.Name) and out.id in local:
        st = next(n for n in walk(norm.node) if isinstance(n, gast.Assign)
                  and isinstance(n.targets[0], gast.Name) and n.targets[0].id == out.id)
        raise (anno.get(st, "srcloc") or norm.fs.loc).error(
            st, f"the function returns the {known[out.id].cls.__name__} it makes; srcdiff "
            "cannot give the derivative of an object",
            "return a number or an array computed from its fields (or a tuple of them)")
    for st in walk(norm.node):
        if not isinstance(st, gast.stmt) or isinstance(st, gast.FunctionDef):
            continue
        for parent, n in _expression_names(st):
            if n.id in local and not _stands_in(norm, st, parent, n, known):
                kind = known[n.id]
                raise (anno.get(st, "srcloc") or norm.fs.loc).error(
                    st, f"the {kind.cls.__name__} made in the function is used here as a "
                    "whole; srcdiff holds it as the " + ("tuple" if kind.named else "dict")
                    + " of its fields, which builtins (len, repr), library functions "
                    "and the caller would see instead of the object",
                    "read its fields (p.w), or pass it to a function of your own")


def _expression_names(st):
    """(parent, Name) for every name an expression of the statement ``st`` loads
    (not those of the statements inside it)."""
    todo = [(st, v) for _, v in gast.iter_fields(st)
            for v in (v if isinstance(v, list) else [v]) if isinstance(v, gast.expr)]
    while todo:
        parent, n = todo.pop()
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
            yield parent, n
        todo += [(n, c) for c in gast.iter_child_nodes(n) if isinstance(c, gast.expr)]


def _stands_in(norm, st, parent, n, known):
    """Does the container stand in for the object at this use of the name ``n``?
    (An attribute the rewrite left, ``p.__class__`` or ``p.count``, would be
    the container's.)"""
    if isinstance(parent, gast.Subscript) and parent.value is n:
        return True     # a field (the rewrite made p.w p[0] or p["w"])
    if isinstance(parent, (gast.Tuple, gast.Dict)) and parent is getattr(st, "value", None) \
            and anno.has(parent, "record"):
        items = parent.elts if isinstance(parent, gast.Tuple) else parent.values
        subs = anno.get(parent, "record").subs
        return bool(subs) and any(v is n and k == known[n.id]
                                  for v, k in zip(items, subs))   # an object in a field
    if parent is st and isinstance(st, gast.Assign) and st.value is n:
        return isinstance(st.targets[0], gast.Name) and st.targets[0].id in known
    if parent is st and isinstance(st, gast.For) and st.iter is n:
        return known[n.id].named        # the fields of a NamedTuple, in order
    if isinstance(parent, gast.Call) and n is not parent.func:
        func = parent.func
        if not isinstance(func, gast.Name):
            return False
        obj = norm.fs.lookup_or_none(func.id)
        if obj is None:
            return True     # a local function (a nested def, a lambda): inlined
        return isinstance(obj, types.FunctionType) and \
            (getattr(obj, "__module__", None) or "").split(".")[0] not in _LIBRARIES
    return False


def _held_record(node, known):
    """The RecordKind of the object ``node`` reads (a record name, a field of one
    holding an object, by attribute or as the item the rewrite makes), or None."""
    if isinstance(node, gast.Name):
        return known.get(node.id)
    if isinstance(node, gast.Attribute):
        parent = _held_record(node.value, known)
        if parent is not None and node.attr in parent.fields:
            return parent.sub(parent.fields.index(node.attr) if parent.named else node.attr)
        return None
    if isinstance(node, gast.Subscript):
        parent = _held_record(node.value, known)
        if parent is None:
            return None
        if isinstance(node.slice, gast.Constant):
            return parent.sub(node.slice.value)
        if isinstance(node.slice, gast.Name):
            return parent.common()      # layers[k] of a list of objects alike
    return None


def _static(fs, local_names, tuples):
    """The object a name or attribute chain that is not a local denotes, or None
    (a tuple of such objects for a local bound once to a tuple literal of them,
    ``tuples``: ``isinstance(p, (P, D))``)."""
    from ..ir.syntax import resolve_static  # noqa: F811

    def resolve(node):
        if isinstance(node, gast.Name) and node.id in tuples:
            items = [resolve(e) for e in tuples[node.id].elts]
            return None if any(i is None for i in items) else tuple(items)
        try:
            return resolve_static(fs, node, local_names)
        except KeyError:
            return None
    return resolve


class _Rewriter(gast.NodeTransformer):
    def __init__(self, records, env, static):
        self.records = records
        self.env = env
        self.static = static     # node -> the fixed object it denotes, or None

    def _class_test(self, node):
        """``isinstance(p, C)`` of a record is a constant (the record's class is
        known), ``type(p)`` that class: the container would answer for itself."""
        func = self.static(node.func) if isinstance(node.func, gast.Name) else None
        if func not in (isinstance, type) or node.keywords or not node.args:
            return None
        kind = self._record(node.args[0])
        if kind is None or kind.cls in (list, tuple, dict):
            return None
        if func is type:
            return self.env.ref(kind.cls, kind.cls.__name__) if len(node.args) == 1 else None
        classes = self.static(node.args[1]) if len(node.args) == 2 else None
        if isinstance(classes, type) or (isinstance(classes, tuple) and classes
                                         and all(isinstance(c, type) for c in classes)):
            return gast.copy_location(const(issubclass(kind.cls, classes)), node)
        return None

    def _record(self, node):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            return self.records.get(node.id)
        if isinstance(node, (gast.Subscript, gast.Attribute)) \
                and isinstance(node.ctx, gast.Load):
            return _held_record(node, self.records)     # p.layer (now p[0]), .W of it
        return None

    def visit_Call(self, node):
        self.generic_visit(node)
        folded = self._class_test(node)
        if folded is not None:
            return folded
        func = node.func
        if isinstance(func, gast.Name) and self.static(func) is getattr and len(node.args) == 2 \
                and not node.keywords and isinstance(node.args[1], gast.Constant) \
                and isinstance(node.args[1].value, str) and self._record(node.args[0]) is not None:
            # getattr(p, "c"): the attribute read p.c
            read = gast.Attribute(value=node.args[0], attr=node.args[1].value, ctx=gast.Load())
            return self.visit_Attribute(gast.copy_location(read, node))
        if isinstance(func, gast.Attribute):
            kind = self._record(func.value)
            if kind is not None and func.attr not in kind.fields:
                found = _class_function(kind.cls, func.attr)
                if found is not None:
                    fn, takes_self = found
                    node.func = self.env.ref(fn, f"{kind.cls.__name__}_{func.attr}")
                    if takes_self:
                        node.args = [func.value] + list(node.args)
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        kind = self._record(node.value)
        if kind is None or not isinstance(node.ctx, gast.Load):
            return node
        if node.attr in kind.fields:
            key = kind.fields.index(node.attr) if kind.named else node.attr
            read = gast.Subscript(value=node.value, slice=const(key), ctx=gast.Load())
            if node.attr in kind.numbers:
                anno.set(read, "number", True)      # (writes.memory.alias_binds: no array)
            return gast.copy_location(read, node)
        if node.attr == "__class__" and kind.cls not in (list, tuple, dict):
            return self.env.ref(kind.cls, kind.cls.__name__)
        try:
            static = inspect.getattr_static(kind.cls, node.attr)
        except AttributeError:
            return node
        if isinstance(static, property) and static.fget is not None:
            fget = self.env.ref(static.fget, f"{kind.cls.__name__}_{node.attr}")
            return gast.copy_location(gast.Call(func=fget, args=[node.value], keywords=[]),
                                      node)
        if not callable(static) and not isinstance(static, (staticmethod, classmethod)) \
                and not hasattr(type(static), "__get__"):
            # a class attribute (a constant of the class; not a descriptor such as
            # __class__, which the object's container would answer for itself)
            return self.env.ref(static, f"{kind.cls.__name__}_{node.attr}")
        return node


def _class_function(cls, name):
    """(function, takes the object first) for the method ``name`` of ``cls``
    written in Python, or None."""
    try:
        static = inspect.getattr_static(cls, name)
    except AttributeError:
        return None
    if isinstance(static, staticmethod):
        fn = static.__func__
        return (fn, False) if isinstance(fn, types.FunctionType) else None
    if isinstance(static, types.FunctionType):
        return static, True
    return None
