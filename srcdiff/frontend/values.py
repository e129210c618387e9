"""Functions as values in differentiated code.

A name bound once to a function srcdiff can name (``act = np.tanh``, an item
of a literal tuple or dict of functions, a parameter given a function at the
call, a copy of a nested def or lambda) is replaced by that function where it
is called, so the call is differentiated by the function's rule or inlined.
``functools.partial`` objects become calls of their function with the bound
arguments; ``map`` and ``functools.reduce`` become calls of the Python
versions in functional.py, which are inlined.
"""
import functools
import itertools
import operator

import gast

from . import functional
from .renaming import rename_all
from .. import runtime
from ..runtime import transforms
from ..analysis.activity import walk_stmts
from ..ir.syntax import resolve_static
from ..ir.syntax import clone, const, load, own_nodes, walk, walk_fielded
from ..ir import anno

__all__ = ["FunctionKind", "function_kind", "resolve_function_values"]


class FunctionKind:
    """A function argument: the generated code is specialised on its identity."""
    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def __eq__(self, other):
        return isinstance(other, FunctionKind) and other.fn is self.fn

    def __hash__(self):
        return hash(id(self.fn))

    def __repr__(self):
        return f"FunctionKind({getattr(self.fn, '__qualname__', self.fn)!r})"


def function_kind(a):
    """The FunctionKind of a function argument (a Python function, a lambda, a
    NumPy ufunc or function, a builtin, a functools.partial), else None."""
    import types
    import numpy as np
    if isinstance(a, (types.FunctionType, types.BuiltinFunctionType, np.ufunc,
                      functools.partial)):
        return FunctionKind(a)
    # (NumPy's functions that dispatch __array_function__, np.sum, are objects of
    # their own type)
    if type(a).__name__ == "_ArrayFunctionDispatcher" and callable(a):
        return FunctionKind(a)
    return None


_MAPS = {1: functional.map1, 2: functional.map2, 3: functional.map3}
_REDUCES = {2: functional.reduce2, 3: functional.reduce3}
_PRODUCTS = {1: functional.product1, 2: functional.product2, 3: functional.product3}
_ITERTOOLS = {itertools.pairwise, itertools.product, itertools.accumulate}


def resolve_function_values(norm, fs, local_names, local_defs, unroll=True):
    """Rewrite ``norm``'s calls of function values (see the module's doc); a loop
    over a tuple or list literal of functions (``for act in (np.tanh, sq)``) is
    unrolled, one copy of its body per function."""
    env = norm.env
    counts = {}
    values = {}
    for s in walk_stmts(norm.node.body):
        for n in walk_fielded(s):
            if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
                counts[n.id] = counts.get(n.id, 0) + 1
        if isinstance(s, gast.Assign) and len(s.targets) == 1 \
                and isinstance(s.targets[0], gast.Name):
            values[s.targets[0].id] = s.value
    for p in norm.params:
        counts[p] = counts.get(p, 0) + 1
    given = {p: k.fn for p, k in (getattr(norm, "records", None) or {}).items()
             if isinstance(k, FunctionKind)}
    changed = _read_otherwise(norm.node.body)

    def static(node):
        try:
            return resolve_static(fs, node, local_names)
        except KeyError:
            return None

    def function_of(node, depth=0):
        """The expression of the function ``node`` denotes, or None (for a
        ``functools.partial(f, ...)`` made in the function: the partial)."""
        if depth > 8:
            return None
        if isinstance(node, gast.Call) and static(node.func) is functools.partial \
                and node.args and not any(isinstance(a, gast.Starred) for a in node.args) \
                and all(k.arg is not None for k in node.keywords):
            inner = function_of(node.args[0], depth + 1)
            return None if inner is None else node
        if isinstance(node, gast.Name) and node.id in local_defs:
            return load(node.id)
        if isinstance(node, gast.Name) and node.id in given and counts.get(node.id) == 1:
            fn = given[node.id]
            return env.ref(fn, getattr(fn, "__name__", node.id))
        if isinstance(node, gast.Name) and node.id in local_names:
            if counts.get(node.id) != 1 or node.id not in values:
                return None
            return function_of(values[node.id], depth + 1)
        if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) \
                and isinstance(node.slice, gast.Constant):
            held = values.get(node.value.id) if counts.get(node.value.id) == 1 else None
            if isinstance(held, gast.List) and node.value.id in changed:
                return None     # a list changed somewhere: its items may not be these
            key = node.slice.value
            if isinstance(held, (gast.Tuple, gast.List)) and isinstance(key, int) \
                    and -len(held.elts) <= key < len(held.elts):
                return function_of(held.elts[key], depth + 1)
            if isinstance(held, gast.Dict):
                for k, v in zip(held.keys, held.values):
                    if isinstance(k, gast.Constant) and k.value == key:
                        return function_of(v, depth + 1)
            return None
        if isinstance(node, (gast.Name, gast.Attribute)):
            obj = static(node)
            if obj is not None and callable(obj) and not isinstance(obj, type):
                return clone(node) if isinstance(node, gast.Name) \
                    else env.ref(obj, getattr(obj, "__name__", "fn"))
        return None

    if unroll:
        norm.node.body, unrolled = _unroll(norm.node.body, norm, values, counts, function_of,
                                           static)
        if unrolled:
            local_names |= {n.id for n in walk(norm.node) if isinstance(n, gast.Name)
                            and isinstance(n.ctx, gast.Store)}
            return resolve_function_values(norm, fs, local_names, local_defs, unroll=False)
    stores = {}     # (bindings counted once each, loops included)
    for n in walk_fielded(norm.node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
            stores[n.id] = stores.get(n.id, 0) + 1
    for p in norm.params:
        stores[p] = stores.get(p, 0) + 1
    norm.node.body = _dispatch_indexed(norm.node.body, values, stores, function_of, changed)
    for s in walk_stmts(norm.node.body):
        if isinstance(s, gast.Assign) and isinstance(s.value, gast.Call):
            made = transforms.get("transform_made")(s.value, function_of, static, env,
                                   lambda n: _constant(n, values, counts),
                                   lambda d: _lift_local(d, fs, local_names, local_defs, stores))
            if isinstance(made, Refused):
                raise norm.fs.loc.error(s, *made.args)
            if made is not None:        # df = srcdiff.grad(g): df's generated code
                s.value = made
                values[s.targets[0].id] = made
        # (the statement's own expressions: walk_stmts gives the ones inside it)
        for call in [n for n in own_nodes(s) if isinstance(n, gast.Call)]:
            _rewrite_call(call, function_of, static, env)


def _unroll(block, norm, values, counts, function_of, static=None, cache=None):
    """``block`` with its loops over literal tuples or lists of functions unrolled,
    and whether there were any. (``cache`` holds ``_read_otherwise`` of the
    function's body while no loop has been unrolled: it is emptied when one is.)"""
    if cache is None:
        cache = {}
    out, any_ = [], False
    for s in block:
        if not isinstance(s, gast.FunctionDef):
            for field in ("body", "orelse"):
                sub = getattr(s, field, None)
                if isinstance(sub, list):
                    new, hit = _unroll(sub, norm, values, counts, function_of, static,
                                       cache)
                    setattr(s, field, new)
                    if hit:
                        cache.clear()
                    any_ |= hit
        held = s.iter if isinstance(s, gast.For) else None
        if isinstance(held, gast.Name) and counts.get(held.id) == 1:
            if "read" not in cache:
                cache["read"] = _read_otherwise(norm.node.body)
            mutable = held.id in cache["read"]
            held = values.get(held.id)
            if isinstance(held, gast.List) and mutable:
                held = None     # a list changed somewhere: its items may not be these
        functions = [function_of(e) for e in held.elts] \
            if isinstance(held, (gast.Tuple, gast.List)) and held.elts else [None]
        guard = None
        if not isinstance(held, (gast.Tuple, gast.List)) and isinstance(s, gast.For) \
                and static is not None and isinstance(s.iter, (gast.Name, gast.Attribute)):
            # a tuple or list of functions the function reads from its module or
            # closure (``for f in scalar_funs``): unrolled over the functions it
            # holds; a list is checked where the loop runs to hold them still
            seq = static(s.iter)
            if isinstance(seq, (tuple, list)) and seq and all(
                    function_kind(fn) is not None for fn in seq):
                functions = [norm.env.ref(fn, getattr(fn, "__name__", "fn").replace(
                    "<lambda>", "fn")) for fn in seq]
                if isinstance(seq, list):
                    guard = gast.Expr(value=gast.Call(
                        func=norm.env.ref(runtime.same_items, "same_items"),
                        args=[clone(s.iter), gast.Tuple(elts=[clone(f) for f in functions],
                                                        ctx=gast.Load())],
                        keywords=[]))
                    anno.set(guard, "srcline", anno.get(s, "srcline"))
        if None in functions or not isinstance(s.target, gast.Name) or s.orelse \
                or any(isinstance(n, (gast.Break, gast.Continue)) for n in walk(s)):
            before = None
            if isinstance(s, gast.For) and isinstance(s.iter, gast.Name) and out \
                    and isinstance(out[-1], gast.Assign) \
                    and isinstance(out[-1].targets[0], gast.Name) \
                    and out[-1].targets[0].id == s.iter.id:
                held = before = out[-1].value     # (it = [A, B] just before the loop)
            keys = _changed_through_loop_key(s, held)
            if keys is not None and not (isinstance(s.iter, gast.Name) and any(
                    isinstance(n, gast.Name) and n.id == s.iter.id
                    for st in s.body for n in walk(st))):     # (nor changes what it runs over)
                out += [st for key in keys for st in _body_copy(
                    s, _body_locals(s, norm.node), norm, key)]
                if _read_after(s, norm.node):
                    out.append(_bind(s.target.id, clone(keys[-1]), s))
                any_ = True
                cache.clear()
                continue
            holders = _changed_through_loop_variable(s, held)
            if holders is not None and before is not None and any(
                    isinstance(n, gast.Name) and n.id == s.iter.id
                    for st in s.body for n in walk(st)):
                holders = None      # (the body may change the list it runs over)
            if holders is None:
                out.append(s)
                continue
            local = _body_locals(s, norm.node)
            for item in holders:
                out += _body_copy(s, local, norm, item)
            if _read_after(s, norm.node):
                out.append(_bind(s.target.id, load(holders[-1]), s))   # (L names the last)
            any_ = True
            cache.clear()
            continue
        line = anno.get(s, "srcline")
        local = _body_locals(s, norm.node)
        if guard is not None:
            out.append(guard)
        for fn in functions:
            name = norm.names.fresh(s.target.id)
            bind = gast.Assign(targets=[gast.Name(id=name, ctx=gast.Store(), annotation=None,
                                                  type_comment=None)],
                               value=fn, type_comment=None)
            anno.set(bind, "srcline", line)
            out += [bind] + _body_copy(s, local, norm, name)
        any_ = True
        cache.clear()
    return out, any_


def _body_copy(loop, local, norm, item):
    """A copy of ``loop``'s body for one item, the loop variable read as ``item``
    (a name, or a constant put in its place); each copy's temporaries ``local``
    get names of their own, as straight-line code has."""
    body = clone(loop.body)
    if isinstance(item, str):
        rename_all(body, dict({n: norm.names.fresh(n) for n in sorted(local)},
                              **{loop.target.id: item}))
        return body
    rename_all(body, {n: norm.names.fresh(n) for n in sorted(local)})
    t = loop.target.id
    for st in body:
        for n in walk(st):
            for field, value in gast.iter_fields(n):
                for i, child in enumerate(value if isinstance(value, list) else [value]):
                    if isinstance(child, gast.Name) and child.id == t:
                        new = gast.copy_location(clone(item), child)
                        if isinstance(value, list):
                            value[i] = new
                        else:
                            setattr(n, field, new)
    return body


def _read_after(loop, function):
    """Whether ``loop``'s variable is read outside the loop."""
    inside = {id(n) for n in walk(loop)}
    return any(isinstance(n, gast.Name) and n.id == loop.target.id and id(n) not in inside
               for n in walk(function))


def _bind(name, value, at):
    bind = gast.Assign(targets=[gast.Name(id=name, ctx=gast.Store(), annotation=None,
                                          type_comment=None)], value=value, type_comment=None)
    anno.set(bind, "srcline", anno.get(at, "srcline"))
    return bind


def _indexed_functions(func, values, counts, function_of, changed):
    """(the functions, the index) where ``func`` names an item of a tuple or list
    literal of functions read at an index known only when it runs
    (``fn = acts[k]``, then ``fn(x)``), else None."""
    if isinstance(func, gast.Name) and counts.get(func.id) == 1:
        func = values.get(func.id)
    if not (isinstance(func, gast.Subscript) and isinstance(func.value, gast.Name)
            and isinstance(func.slice, gast.Name) and counts.get(func.value.id) == 1):
        return None
    held = values.get(func.value.id)
    if not isinstance(held, (gast.Tuple, gast.List)) or not held.elts:
        return None
    if isinstance(held, gast.List) and func.value.id in changed:
        return None         # a list grown or changed somewhere: its items are not these
    functions = [function_of(e) for e in held.elts]
    return None if None in functions else (functions, func.slice)


def _dispatch_indexed(block, values, counts, function_of, changed):
    """``t = fn(x)`` where ``fn = acts[k]`` reads a tuple or list literal of
    functions at a run-time index becomes ``if k == 0 or k == -n: t = f0(x)
    elif ...``: each function is called by its rule or inlined, and the branch
    taken is replayed by the derivative (``fn = acts[k]`` stays, so an index out
    of range still raises where it did)."""
    out = []
    for s in block:
        if not isinstance(s, gast.FunctionDef):
            for field in ("body", "orelse"):
                sub = getattr(s, field, None)
                if isinstance(sub, list):
                    setattr(s, field, _dispatch_indexed(sub, values, counts, function_of,
                                                        changed))
        got = _indexed_functions(s.value.func, values, counts, function_of, changed) \
            if isinstance(s, gast.Assign) and isinstance(s.value, gast.Call) else None
        if got is None:
            out.append(s)
            continue
        functions, index = got
        n = len(functions)
        chain = None
        for k in reversed(range(n)):
            call = gast.Call(func=clone(functions[k]), args=clone(s.value.args),
                             keywords=clone(s.value.keywords))
            branch = gast.Assign(targets=clone(s.targets), value=call, type_comment=None)
            gast.copy_location(branch, s)
            for name in ("srcline", "srcloc"):
                if anno.has(s, name):
                    anno.set(branch, name, anno.get(s, name))
            if chain is None:
                chain = [branch]        # the last: any other index raised already
                continue
            test = gast.BoolOp(op=gast.Or(), values=[
                gast.Compare(left=clone(index), ops=[gast.Eq()], comparators=[const(j)])
                for j in (k, k - n)])
            node = gast.If(test=test, body=[branch], orelse=chain)
            gast.copy_location(node, s)
            for name in ("srcline", "srcloc"):
                if anno.has(s, name):
                    anno.set(node, name, anno.get(s, name))
            chain = [node]
        out += chain
    return out


def _changed_through_loop_variable(loop, held):
    """The names ``loop`` runs over where it is ``for L in [A, B]: ... L.append(v)
    ...`` (a literal of names, whose lists or arrays the body changes in place
    through its variable): the loop is unrolled with ``A``, then ``B`` in place of
    ``L``, so the changes are made through the names that hold the values (each
    a list or array of its own to the later stages, not one shared through L).
    None where that is not sure to be the same: the body rebinds L or one of the
    names, or holds a nested def or a break. (L is bound to the last name after.)"""
    from ..rules.methods import MUTATING_METHODS
    if not isinstance(loop, gast.For) or not isinstance(loop.target, gast.Name) \
            or loop.orelse or not isinstance(held, (gast.Tuple, gast.List)) \
            or not 1 <= len(held.elts) <= 8 \
            or not all(isinstance(e, gast.Name) for e in held.elts):
        return None
    t = loop.target.id
    items = [e.id for e in held.elts]
    changed = False
    for n in walk(gast.Module(body=loop.body, type_ignores=[])):
        if isinstance(n, (gast.Break, gast.Continue, gast.Return, gast.FunctionDef,
                          gast.Lambda, gast.Global, gast.Nonlocal)):
            return None
        if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load) \
                and (n.id == t or n.id in items):
            return None
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                and isinstance(n.func.value, gast.Name) and n.func.value.id == t \
                and n.func.attr in MUTATING_METHODS:
            changed = True
        if isinstance(n, gast.Subscript) and not isinstance(n.ctx, gast.Load) \
                and isinstance(n.value, gast.Name) and n.value.id == t:
            changed = True
    return items if changed else None


def _changed_through_loop_key(loop, held):
    """The keys ``loop`` runs over where it is ``for k in ['a', 'b']: ...
    P[k].append(v) ...`` (a literal of constants, a list held by a container at
    the key changed in place): the loop is unrolled with ``'a'``, then ``'b'`` in
    place of k, so each change is made through ``P['a']``, an item at a constant
    key, which the later stages follow. None where the body rebinds k, or holds
    a nested def or a break."""
    from ..rules.methods import MUTATING_METHODS
    if not isinstance(loop, gast.For) or not isinstance(loop.target, gast.Name) \
            or loop.orelse or not isinstance(held, (gast.Tuple, gast.List)) \
            or not 1 <= len(held.elts) <= 8 \
            or not all(isinstance(e, gast.Constant) and type(e.value) in (str, int)
                       for e in held.elts):
        return None
    t = loop.target.id
    items = set()       # names bound to P[k]
    changed = False
    for n in walk(gast.Module(body=loop.body, type_ignores=[])):
        if isinstance(n, (gast.Break, gast.Continue, gast.Return, gast.FunctionDef,
                          gast.Lambda, gast.Global, gast.Nonlocal)):
            return None
        if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load) and n.id == t:
            return None
        if isinstance(n, gast.Assign) and isinstance(n.targets[0], gast.Name) \
                and isinstance(n.value, gast.Subscript) and isinstance(n.value.slice, gast.Name) \
                and n.value.slice.id == t:
            items.add(n.targets[0].id)
    for n in walk(gast.Module(body=loop.body, type_ignores=[])):
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                and n.func.attr in MUTATING_METHODS and isinstance(n.func.value, gast.Name) \
                and n.func.value.id in items:
            changed = True
        if isinstance(n, gast.Subscript) and not isinstance(n.ctx, gast.Load) \
                and isinstance(n.value, gast.Name) and n.value.id in items:
            changed = True
    return [e for e in held.elts] if changed else None


def _read_otherwise(block):
    """The names read other than as ``name[i]`` (handed to a call, a method's
    receiver, ``M = name``) or written into (``name[i] = v``): a list such a
    name holds may have changed."""
    inside = set()
    out = set()
    for s in block:
        for n in walk_fielded(s):
            if isinstance(n, gast.For) and isinstance(n.iter, gast.Name):
                inside.add(id(n.iter))       # (looped over: read, not changed)
            if isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name):
                if isinstance(n.ctx, gast.Load):
                    inside.add(id(n.value))
                else:
                    out.add(n.value.id)
    for s in block:
        for n in walk_fielded(s):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) \
                    and id(n) not in inside:
                out.add(n.id)
    return out


def _body_locals(loop, function):
    """The names ``loop``'s body binds before it reads them (at its top level)
    and that nothing outside the loop reads: the temporaries of one iteration."""
    from ..ir.syntax import names_read, names_stored
    inside = {id(n) for n in walk(loop)}
    outside = {n.id for n in walk(function) if isinstance(n, gast.Name)
               and isinstance(n.ctx, gast.Load) and id(n) not in inside}
    seen, local = set(), set()
    for st in loop.body:
        read = names_read(st)
        stored = {t.id for t in st.targets if isinstance(t, gast.Name)} \
            if isinstance(st, gast.Assign) else set()
        if isinstance(st, gast.Assign):
            local |= stored - seen - read - outside
        seen |= read | names_stored(st) | stored
    return local


def _constant(node, values, counts, depth=0):
    """The constant (a number, a string, a tuple of those) ``node`` denotes, or
    NOT_CONSTANT."""
    if isinstance(node, gast.Constant):
        return node.value
    if isinstance(node, gast.Tuple):
        items = tuple(_constant(e, values, counts, depth) for e in node.elts)
        return NOT_CONSTANT if NOT_CONSTANT in items else items
    if isinstance(node, gast.Name) and counts.get(node.id) == 1 and node.id in values \
            and depth < 8:
        return _constant(values[node.id], values, counts, depth + 1)
    return NOT_CONSTANT


NOT_CONSTANT = object()
_lifted_dir = None


def _lift_local(name, fs, local_names, local_defs, stores):
    """A nested def or lambda ``name`` of the function as a function of its own
    parameters and, after them, of the caller's variables it reads (each bound
    once), made from its source in a file of its own (the function's module
    globals; the caller's closure values as a closure): (function, the names
    of those variables); None when ``name`` is no such def; Refused when it
    cannot be made so."""
    import ast
    import os
    import tempfile
    import types
    if isinstance(name, gast.Lambda):
        lam = anno.get(name, "original", name)
        d = gast.FunctionDef(name="fn", args=lam.args, body=[gast.Return(value=lam.body)],
                             decorator_list=[], returns=None, type_comment=None,
                             type_params=[])
        d.lineno = getattr(lam, "lineno", None)
        name = "fn"
    else:
        d = local_defs.get(name)
    if d is None:
        return None
    a = d.args
    if a.vararg is not None or a.kwarg is not None or a.kwonlyargs or a.defaults \
            or a.posonlyargs:
        return Refused("a srcdiff transform of a nested def or lambda with defaults, *args "
                        "or keyword-only parameters in differentiated code is not "
                        "differentiated yet", "define the function at module level")
    params = [p.id for p in a.args]
    own = set(params) | {n.id for n in walk(d) if isinstance(n, gast.Name)
                         and not isinstance(n.ctx, gast.Load)}
    loads = {n.id for n in walk(d) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
    free = sorted((loads & set(local_names)) - own)
    bad = [n for n in free if n in local_defs or stores.get(n, 0) != 1]
    if bad:
        return Refused(f"a srcdiff transform of a nested def or lambda that reads "
                        f"'{bad[0]}' (a function, or a name bound more than once) is not "
                        "differentiated yet", "pass it to the function as an argument")
    cells = sorted(n for n in (loads - own - set(free)) if n in fs.closure)
    node = gast.gast_to_ast(clone(d))
    node.name = name
    node.args = ast.arguments(posonlyargs=[], args=[ast.arg(arg=p) for p in params + free],
                              vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                              defaults=[])
    node.decorator_list = []
    ast.fix_missing_locations(node)
    inner = ast.unparse(node)
    line = getattr(d, "lineno", None) or 2
    global _lifted_dir
    if _lifted_dir is None:
        _lifted_dir = tempfile.mkdtemp(prefix="srcdiff_local_")
    base = os.path.splitext(os.path.basename(fs.loc.filename or "f"))[0]
    path = os.path.join(_lifted_dir, f"{base}_{name}_{len(os.listdir(_lifted_dir))}.py")
    # (the def on the line it has in the user's file)
    source = "\n" * max(line - 2, 0) + f"def _srcdiff_lift({', '.join(cells)}):\n" \
        + "\n".join("    " + ln for ln in inner.splitlines()) + f"\n    return {name}\n"
    with open(path, "w") as fh:
        fh.write(source)
    code = compile(source, path, "exec")
    factory = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    fn = types.FunctionType(factory, fs.globals)(*[fs.closure[c] for c in cells])
    fn.__qualname__ = f"{fs.name}.<locals>.{name}" if fs.name else name
    return fn, free


class Refused:
    """Why a transform in the code is refused: (message, hint)."""

    def __init__(self, *args):
        self.args = args


def _rewrite_call(call, function_of, static, env):
    func = call.func
    if not isinstance(func, (gast.Name, gast.Attribute)) or static(func) is None:
        found = function_of(func)
        if found is None:
            return
        while isinstance(found, gast.Call):     # a partial made in the function
            given = {k.arg for k in call.keywords}
            call.args = [clone(a) for a in found.args[1:]] + list(call.args)
            call.keywords = [clone(k) for k in found.keywords if k.arg not in given] \
                + list(call.keywords)
            found = function_of(found.args[0])
        call.func = func = found
    obj = static(func)
    if isinstance(obj, functools.partial):
        call.func = env.ref(obj.func, getattr(obj.func, "__name__", "fn"))
        call.args = [env.ref(a, "partial_arg") for a in obj.args] + list(call.args)
        given = {k.arg for k in call.keywords}
        call.keywords = [gast.keyword(arg=k, value=env.ref(v, k)) for k, v in
                         obj.keywords.items() if k not in given] + list(call.keywords)
        return
    if obj in _ITERTOOLS:
        _rewrite_itertools(call, obj, function_of, env)
        return
    table = _MAPS if obj is map else _REDUCES if obj is functools.reduce else None
    if table is None or call.keywords or any(isinstance(a, gast.Starred) for a in call.args):
        return
    impl = table.get(len(call.args) - (1 if obj is map else 0))
    if impl is None:
        return
    fn = function_of(call.args[0])
    call.func = env.ref(impl, impl.__name__)
    if fn is not None:
        call.args = [fn] + list(call.args[1:])


def _rewrite_itertools(call, obj, function_of, env):
    """``itertools.pairwise(xs)``, ``product(xs, ys)`` (``repeat=`` a constant)
    and ``accumulate(xs[, fn][, initial=v])`` become calls of their Python
    versions in functional.py; any other form is left as it is (and refused
    where it is differentiated)."""
    if any(isinstance(a, gast.Starred) for a in call.args) \
            or any(k.arg is None for k in call.keywords):
        return
    kw = {k.arg: k.value for k in call.keywords}
    args = list(call.args)
    if obj is itertools.pairwise:
        if len(args) != 1 or kw:
            return
        impl = functional.pairwise
    elif obj is itertools.product:
        repeat = kw.pop("repeat", None)
        if kw:
            return
        if repeat is not None:
            if not (isinstance(repeat, gast.Constant) and type(repeat.value) is int
                    and repeat.value >= 1):
                return
            args = [clone(a) for _ in range(repeat.value) for a in args]
        impl = _PRODUCTS.get(len(args))
        if impl is None:
            return
    else:
        fn = kw.pop("func", None)
        initial = kw.pop("initial", None)
        if kw or not 1 <= len(args) <= 2 or (fn is not None and len(args) == 2):
            return
        fn = args[1] if len(args) == 2 else fn
        if isinstance(initial, gast.Constant) and initial.value is None:
            initial = None
        if fn is None or (isinstance(fn, gast.Constant) and fn.value is None):
            fn = env.ref(operator.add, "add")
        else:
            fn = function_of(fn) or fn
        args = [fn, args[0]] + ([initial] if initial is not None else [])
        impl = functional.accumulate if initial is None else functional.accumulate_from
    call.func = env.ref(impl, impl.__name__)
    call.args = args
    call.keywords = []
