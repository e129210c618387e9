"""What the adjoint sweep saves of forward values and restores: copies of
arrays and of the contents of lists and dicts, the entries of loop stacks
(``stacked``, ``kept``), and snapshots refilled in place."""
import numpy as np

from .values import array_copy, ShapeOf


def saved_copy(value):
    """A copy of an array region about to be overwritten (scalars as they are;
    a ``ShapeOf`` too: it holds no elements, and ``np.copy`` would make it a
    0-d object array that ``unbroadcast`` then sums everything to)."""
    if type(value) is ShapeOf or not hasattr(value, "shape"):
        return value
    return array_copy(value)


def saved_contents(value):
    """The contents of a value a block changes in place, saved before it: a copy
    of an array, a new list (or dict) of a list's (dict's) items: the list
    itself may be resized by later code before the sweep puts its items back
    (a derivative's own backward popping what it appended). Numbers as they
    are."""
    if type(value) is list:
        return list(value)
    if type(value) is dict:
        return dict(value)
    return saved_copy(value)


def saved_items(value):
    """A new list of a list's items: a list a block of code grows or shrinks,
    saved before the block (the items stay as they are). Anything else (None:
    a name not bound yet on this path) as it is."""
    return list(value) if type(value) is list else value


class Stacked:
    """A stack entry of generated code for an array (or list, or dict) the code
    goes on to change in place while the entry is on the stack: the object
    itself and a copy of its contents at the push. The code pops the object
    itself (``unstacked``), so the names and views that share it stay shared;
    code that differentiates the generated code again takes the entry's value
    to be the copy (rules/runtime_rules.py), which the later writes do not reach."""
    __slots__ = ("object", "value")

    def __init__(self, obj, value):
        self.object = obj
        self.value = value

    def __repr__(self):
        return f"Stacked({self.value!r})"


def stacked(x):
    """``x`` to push on a stack while later code changes it in place (Stacked)."""
    return Stacked(x, copy_structure(x, True))


def unstacked(entry):
    """The object a ``stacked`` entry popped off a stack holds."""
    return entry.object if type(entry) is Stacked else entry


class Kept:
    """A stack entry of generated code for a list (or dict) that later code may
    take back out of a container and resize while the entry is on the stack
    (the gradient's own backward pops the lists it pushed and empties them):
    the object itself and its items at the push, nested lists' items too. The
    pop (``refilled``) puts those items back into the object and returns it, so
    the other names and containers that hold the list still hold it (a copy
    pushed instead left ``P = {'a': L}`` holding a list one item short)."""
    __slots__ = ("object", "items")

    def __init__(self, obj, items):
        self.object = obj
        self.items = items

    def __repr__(self):
        return f"Kept({self.object!r})"


def _items_tree(x, memo):
    """x's items, and (for the lists and dicts among them) theirs: pairs
    (item, its tree or None). A list reached twice is recorded once."""
    if id(x) in memo:
        return None
    memo.add(id(x))
    sub = (lambda v: _items_tree(v, memo) if type(v) in (list, dict) else None)
    if type(x) is list:
        return [(v, sub(v)) for v in x]
    return {k: (v, sub(v)) for k, v in x.items()}


def _refill(x, tree):
    if tree is None:
        return
    if type(x) is list:
        x[:] = [v for v, _ in tree]
        for v, t in tree:
            _refill(v, t)
    else:
        x.clear()
        x.update((k, v) for k, (v, _) in tree.items())
        for v, t in tree.values():
            _refill(v, t)


def kept(x):
    """``x`` to push on a stack while later code may resize it (Kept); other
    values as they are."""
    if type(x) in (list, dict):
        return Kept(x, _items_tree(x, set()))
    return x


def refilled(entry):
    """The list a ``kept`` entry popped off a stack holds, its items (and its
    nested lists' items) as at the push."""
    if type(entry) is Kept:
        _refill(entry.object, entry.items)
        return entry.object
    return entry


def saved_item(y, key):
    """A copy of ``y[key]`` about to be overwritten, or None where ``y`` is a
    dict without that key (``d["new"] = v``: putting None back leaves a dead
    entry in the local dict the backward restores, never read again)."""
    if isinstance(y, dict) and key not in y:
        return None
    return saved_copy(y[key])


def copy_structure(value, arrays=False):
    """A copy of the lists, tuples and dicts in ``value`` (arrays shared, or
    copied too with ``arrays=True``): what a backward function pops from and
    restores in place, so that it can run again."""
    if isinstance(value, list):
        if any(type(v) is Kept for v in value):
            # (a stack of kept lists: one copy of a list pushed twice)
            return copy_together((value,), arrays)[0]
        return [copy_structure(v, arrays) for v in value]
    if isinstance(value, dict):
        return {k: copy_structure(v, arrays) for k, v in value.items()}
    if type(value) is Kept:
        return copy_together((value,), arrays)[0]
    if arrays and isinstance(value, tuple):
        items = [copy_structure(v, arrays) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if arrays and hasattr(value, "shape") and hasattr(value, "copy"):
        return array_copy(value)
    return value


def copy_together(values, arrays=False):
    """``copy_structure`` of each item of the tuple ``values``, where a list or
    dict that several items reach is copied once: names that alias one list
    (``P = {'a': L}``) still alias its copy, so restoring the copy in place
    (``L.append(item)``) is seen through every name. A ``Kept`` stack entry
    becomes an entry of the copies (its list and the items it puts back)."""
    memo = {}

    def copy(value):
        if isinstance(value, (list, dict)):
            if id(value) not in memo:
                memo[id(value)] = out = [] if isinstance(value, list) else {}
                if isinstance(value, list):
                    out.extend(copy(v) for v in value)
                else:
                    out.update((k, copy(v)) for k, v in value.items())
            return memo[id(value)]
        if type(value) is Kept:
            return Kept(copy(value.object), tree(value.items))
        if isinstance(value, tuple) and not hasattr(value, "_fields"):
            return tuple(copy(v) for v in value)
        if arrays and isinstance(value, tuple):
            return type(value)(*[copy(v) for v in value])
        if arrays and hasattr(value, "shape") and hasattr(value, "copy"):
            if id(value) not in memo:
                memo[id(value)] = array_copy(value)
            return memo[id(value)]
        return value

    def tree(t):
        if t is None:
            return None
        if type(t) is list:
            return [(copy(v), tree(s)) for v, s in t]
        return {k: (copy(v), tree(s)) for k, (v, s) in t.items()}
    return tuple(copy(v) for v in values)


def restore_contents(value, snapshot):
    """Put back the contents ``value`` had when a forward function returned
    (``snapshot`` is a copy taken then): arrays are refilled in place, so views
    of them that the backward function reads stay valid; lists and dicts are
    new containers of their refilled items."""
    if isinstance(value, np.ndarray) and isinstance(snapshot, np.ndarray) \
            and value.shape == snapshot.shape and value.flags.writeable:
        np.copyto(value, snapshot)
        return value
    if isinstance(value, list) and isinstance(snapshot, list) and len(value) == len(snapshot):
        # a stack of saved values: a new list (the backward pops it) of the same
        # arrays refilled (a view on the stack stays a view of its base)
        return [restore_contents(v, s) for v, s in zip(value, snapshot)]
    if isinstance(value, dict) and isinstance(snapshot, dict) and value.keys() == snapshot.keys():
        return {k: restore_contents(value[k], snapshot[k]) for k in value}
    return copy_structure(snapshot, True)


def restore_together(values, snapshots):
    """``restore_contents`` of each item of ``values`` from the same item of
    ``snapshots`` (``None``: no snapshot, a ``copy_structure`` of the value), where
    a list or dict that several items reach is restored once: a list pushed on two
    stacks, or held by a stack and by a name, is still one list after it (restored
    one by one, each name got a copy of its own, and a backward that restored an
    item through one name read the other: IndexError on an emptied list)."""
    memo = {}

    def restore(value, snapshot):
        if isinstance(value, list) and isinstance(snapshot, list) and len(value) == len(snapshot):
            if id(value) not in memo:
                memo[id(value)] = out = []
                out.extend(restore(v, s) for v, s in zip(value, snapshot))
            return memo[id(value)]
        if isinstance(value, dict) and isinstance(snapshot, dict) and value.keys() == snapshot.keys():
            if id(value) not in memo:
                memo[id(value)] = out = {}
                out.update((k, restore(value[k], snapshot[k])) for k in value)
            return memo[id(value)]
        if type(value) is Kept and type(snapshot) is Kept:
            if id(value) not in memo:
                memo[id(value)] = Kept(restore(value.object, snapshot.object),
                                       tree(value.items, snapshot.items))
            return memo[id(value)]
        if snapshot is value:
            if isinstance(value, tuple) and any(isinstance(v, (list, dict, tuple, Kept))
                                                for v in value):
                items = [restore(v, v) for v in value]     # (its lists, as restored)
                return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
            return value        # (no snapshot: arrays and other values shared)
        return restore_contents(value, snapshot)

    def tree(t, snap):
        if t is None or snap is None:
            return t
        if type(t) is list:
            return [(restore(v, sv), tree(s, ss)) for (v, s), (sv, ss) in zip(t, snap)]
        return {k: (restore(v, snap[k][0]), tree(s, snap[k][1])) for k, (v, s) in t.items()}

    return tuple(restore(v, v if s is None else s) for v, s in zip(values, snapshots))
