"""Which statements change an array in place, and which pushes such a change
reaches afterwards.

The adjoint sweep saves values on stacks; a stack entry is the array itself,
so a write into it after the push would change the saved value. These checks
tell where that can happen: the iteration locals are pushed after their last
write (loops.py), and generated code differentiated again is checked or made
to push copies (higher_order.py).
"""
import gast

from .. import runtime
from ..analysis.activity import writes_arguments, resizing_call
from ..ir.syntax import walk, walk_fielded


# runtime helpers that change their first argument in place (and return it)
IN_PLACE_HELPERS = runtime.WRITES_FIRST_ARGUMENT


def writes_into(classifier, stmt, t):
    """May ``stmt`` change the value of the name ``t`` in place (an item or
    slice store, a mutating method call on it, a call that writes its
    arguments, a runtime helper that adds into its first argument)?"""
    from ..rules.methods import MUTATING_METHODS
    for n in walk_fielded(stmt):
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store) \
                and isinstance(n.value, gast.Name) and n.value.id == t:
            return True
        if isinstance(n, gast.Call):
            if isinstance(n.func, gast.Attribute) and isinstance(n.func.value, gast.Name) \
                    and n.func.value.id == t and n.func.attr in MUTATING_METHODS:
                return True
            if not any(isinstance(a, gast.Name) and a.id == t for a in n.args):
                continue
            op = classifier.classify(n)
            if op.func in IN_PLACE_HELPERS or writes_arguments(op):
                return True
    return False


def pushed_then_written(body, writes_into):
    """(push, statement, name) for each push of a bare name onto a stack
    (``S.append(v)``) after which ``statement`` may change ``v``'s array in
    place while the name still holds it: later in the push's block (up to a
    statement that binds the name anew), or, in a loop's body, from the body's
    start to the push. ``writes_into(stmt, name)``: may stmt change name's
    value in place?"""
    # (the names any statement could change in place at all -- an item store's
    # array, a method's object, a call's argument -- found in one walk: a push
    # of another name needs no window)
    touched = set()
    for n in walk(gast.Module(body=body, type_ignores=[])):
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store) \
                and isinstance(n.value, gast.Name):
            touched.add(n.value.id)
        elif isinstance(n, gast.Call):
            if isinstance(n.func, gast.Attribute) and isinstance(n.func.value, gast.Name):
                touched.add(n.func.value.id)
            touched |= {a.id for a in n.args if isinstance(a, gast.Name)}

    return list(_pushes(body, False, touched, writes_into))


def _pushes(stmts, loop, touched, writes_into):
    """pushed_then_written of one block (``loop``: a loop's body) and its blocks,
    for pushes of the names in ``touched``."""
    for i, st in enumerate(stmts):
        if isinstance(st, gast.Expr) and isinstance(st.value, gast.Call) \
                and isinstance(st.value.func, gast.Attribute) \
                and st.value.func.attr == "append" \
                and isinstance(st.value.func.value, gast.Name) \
                and len(st.value.args) == 1 and isinstance(st.value.args[0], gast.Name) \
                and st.value.args[0].id in touched:
            v = st.value.args[0].id
            bad, ended = _window(stmts, i + 1, v, writes_into)
            if bad is None and not ended and loop:
                bad, _ = _window(stmts[:i], 0, v, writes_into)
            if bad is not None:
                yield st, bad, v
        for field in ("body", "orelse"):
            sub = getattr(st, field, None)
            if isinstance(sub, list) and sub and not isinstance(st, gast.FunctionDef):
                yield from _pushes(sub, isinstance(st, (gast.For, gast.While)) and field == "body",
                                   touched, writes_into)


def _window(stmts, start, v, writes_into):
    """(the first statement from ``start`` on that may change v's array in place,
    or None; whether the window ended: that one, or one binding v anew)."""
    for st in stmts[start:]:
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                and st.targets[0].id == v and not writes_into(st, v):
            return None, True
        if writes_into(st, v):
            return st, True
    return None, False


def resized_lists(s):
    """Names of the lists that ``.append(v)``, ``.extend(vs)`` or ``.pop()`` calls
    in ``s`` change (the calls whose restores put the list back, see _restore)."""
    return {got[0] for got in map(resizing_call, walk(s)) if got}
