"""Which values may share memory: the facts the alias analyses build on.

An operation makes a fresh array or a view of its sources (``VIEWS``); a
binding ``t = ...`` shares the memory of some names (``alias_binds``, the
``binds`` function liveness.points_to and sharing.may_share follow); some
names only ever hold numbers, which nothing changes in place
(``number_names``); items of tuples of new arrays share only their own
memory (``tuple_items``).
"""

import operator

import gast
import numpy as np

from ...analysis.activity import walk_stmts
from ...analysis.sharing import LiteralItems, TupleItems
from ...ir import anno
from ...ir.syntax import names_read, walk


VIEWS = {"reshape", "ravel", "transpose", "swapaxes", "moveaxis", "squeeze", "expand_dims",
         "broadcast_to", "diagonal", "real", "imag", "asarray", "asanyarray", "atleast_1d",
         "atleast_2d", "atleast_3d", "flip", "fliplr", "flipud", "rot90", "view", "as_sequence",
         "split", "array_split", "hsplit", "vsplit", "dsplit", "unstack"}

_FRESH = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
          "full_like", "array", "copy", "arange", "linspace", "eye", "identity", "stack",
          "concatenate", "vstack", "hstack", "tile", "repeat", "outer", "saved_copy",
          "stacked"}


def fresh_definition(op):
    """Does this operation certainly produce a new array (not a view or alias)?"""
    if op.kind in ("pack", "pack_dict", "const"):
        return True
    if op.kind not in ("call", "nondiff", "unknown") or op.func is None:
        return False
    f = op.func
    if f is operator.getitem:
        return False
    if isinstance(f, np.ufunc) or f in (operator.add, operator.sub, operator.mul,
                                        operator.truediv, operator.pow, operator.neg,
                                        operator.matmul, operator.mod):
        return True
    name = getattr(f, "__name__", "")
    if name in _FRESH:
        return True
    if f is abs:
        return True     # abs(array) is np.absolute(array): a new array
    if f in (float, int, complex, len, sum, round) \
            or getattr(f, "__module__", None) in ("math", "cmath"):
        return True     # numbers made anew
    module = getattr(f, "__module__", None) or ("numpy" if isinstance(f, np.ufunc) else "")
    # NumPy functions return new arrays, except the ones that return views
    return module.startswith("numpy") and name not in VIEWS


def memory_sources(op):
    """Names whose memory the value of a non-fresh operation may share: the
    array operand of a subscript or a view function (not its index or shape
    arguments), everything the operation reads otherwise."""
    if op.kind == "call" and op.args and (op.func is operator.getitem
                                          or getattr(op.func, "__name__", "") in VIEWS):
        return names_read(op.args[0])
    return op.reads()


def _tuple_call(op):
    """Does the call certainly return new arrays, none sharing another's memory
    (np.linalg's tuples, ``np.divmod``'s pair), or one array (whose rows at
    distinct items do not overlap either)?"""
    if op.kind != "call" or op.func is None:
        return False
    if isinstance(op.func, np.ufunc):
        return op.func.nout > 1 and not any(k.arg == "out" for k in op.keywords)
    return getattr(op.func, "__module__", None) == "numpy.linalg" and fresh_definition(op)


def field_position(op):
    """The item ``r.eigenvalues`` (an np.linalg named-tuple field) reads, or None."""
    from ...rules.linalg import FIELD_POSITIONS
    return FIELD_POSITIONS.get(op.func) if op.kind == "call" else None


def tuple_items(classifier, body, params=()):
    """The tuples of new arrays in ``body`` read at constant items (sharing.TupleItems)."""
    return TupleItems(body, classifier.classify, _tuple_call, field_position, params)


def alias_binds(classifier, body, params=()):
    """``binds(stmt)`` for liveness.points_to: (target, names whose memory
    its new value may share, whether it keeps its own array) of ``t = ...``
    in ``body``; a name that always holds a number holds no array. An item of
    a tuple of new arrays shares the memory of that item only (tuple_items)."""
    numbers = number_names(body, classifier, params)
    items = tuple_items(classifier, body, params)
    literal = LiteralItems(body, params)

    def binds(s):
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)):
            return None
        t = s.targets[0].id
        if t in numbers:
            return t, None, False
        if anno.get(s.value, "number", False):
            # a field of an object argument that holds a number: none of the
            # object's memory (a value of its own: ``t += v`` of an array v makes one)
            return t, set(), False
        aug = anno.get(s, "augassign")
        if aug:
            return t, {aug}, t == aug
        if anno.get(s, "fresh", False):
            return t, set(), False      # checked where it is made (_freshen)
        if isinstance(s.value, gast.Lambda):
            return t, set(), False      # a closure reads names when called, holds no array
        item = items.binds(s)
        if item is not None:
            return item[0], item[1], False
        item = literal.read(s)
        if item is not None:
            return t, {item}, False
        op = classifier.classify(s.value)
        if op.kind in ("pack", "pack_dict"):
            # a list, tuple or dict holds its elements' arrays: one changed in place
            # is changed in it too
            return t, {a.id for a in op.args if isinstance(a, gast.Name)} - numbers, False
        if op.kind == "list_pop":
            # an item taken off a list: any array the list holds (L.append(a), then
            # b = L.pop() is a's array)
            return t, {a.id for a in op.args if isinstance(a, gast.Name)}, False
        if op.kind in ("nondiff", "const") or fresh_definition(op):
            return t, set(), False
        return t, memory_sources(op), False

    def puts(s):
        """(L, names) for ``L.append(v)``, ``L.extend(vs)``, ``L.insert(i, v)``: L
        holds v's array from then on, besides what it held."""
        if isinstance(s, gast.Expr) and isinstance(s.value, gast.Call) \
                and isinstance(s.value.func, gast.Attribute) \
                and isinstance(s.value.func.value, gast.Name) \
                and s.value.func.attr in ("append", "extend", "insert") and s.value.args:
            v = s.value.args[-1]
            if isinstance(v, gast.Name) and v.id not in numbers:
                return s.value.func.value.id, {v.id}
        return None

    binds.puts = puts
    binds.item_binds = lambda s: literal.item_binds(s, numbers)
    binds.augmented = lambda s: bool(anno.get(s, "augassign"))
    return binds


def _number_result(op):
    """Is the value certainly a number (a Python or NumPy scalar, which no
    operation changes in place)? A reduction over all axes (``np.mean(x)``,
    ``x.sum()``), float(), int(), len() and the math module."""
    if op.kind != "call" or op.func is None:
        return False
    f = op.func
    if f in (float, int, complex, len) or getattr(f, "__module__", None) in ("math", "cmath"):
        return True
    return f in _FULL_REDUCTIONS and len(op.args) == 1 and not op.keywords


_ARITHMETIC = {operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
               operator.pow, operator.mod, operator.neg, operator.pos}


def number_names(body, classifier, params=()):
    """Names every binding of which is a number (never an array): a number
    result (``_number_result``), a number constant, or arithmetic and ufuncs
    of numbers (``s = np.mean(w); s -= 1.0`` rebinds s, changes no array).
    A parameter is not one (its first value is the caller's)."""
    defs, other = {}, set()
    for st in walk_stmts(body):
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
            defs.setdefault(st.targets[0].id, []).append(st.value)
        elif isinstance(st, gast.Assign):
            for t in st.targets:
                other |= {n.id for n in walk(t) if isinstance(n, gast.Name)}
        elif isinstance(st, gast.For):
            other |= {n.id for n in walk(st.target) if isinstance(n, gast.Name)}
    numbers = set(defs) - other - set(params)
    ops = {}

    def number(value, numbers):
        if isinstance(value, gast.Constant):
            return type(value.value) in (int, float, complex)
        if anno.get(value, "number", False):
            return True     # a field of an object argument that holds a number
        if isinstance(value, gast.Name):
            return value.id in numbers
        if id(value) not in ops:
            ops[id(value)] = classifier.classify(value)
        op = ops[id(value)]
        if _number_result(op):
            return True
        if op.kind != "call" or op.keywords or not (
                op.func in _ARITHMETIC or (isinstance(op.func, np.ufunc) and op.func.nout == 1)):
            return False
        return all(isinstance(a, (gast.Name, gast.Constant)) and number(a, numbers)
                   for a in op.args)

    changed = True
    while changed:
        changed = False
        for n in sorted(numbers):
            if not all(number(v, numbers) for v in defs[n]):
                numbers.discard(n)
                changed = True
    return numbers


def _full_reductions():
    return {np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.std, np.var,
            np.ptp, np.nansum, np.nanmean, np.count_nonzero, np.linalg.norm}


_FULL_REDUCTIONS = _full_reductions()
