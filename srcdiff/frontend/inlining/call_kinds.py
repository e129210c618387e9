"""What a called object is, for the inliner: a NumPy callable, one that writes
into its first argument, a scatter-add (``np.add.at``), a user function that
changes its arguments in place, a helper of a recursive function's generated
code (refused at second order).
"""

import types
import weakref

import gast
import numpy as np

from ... import runtime
from ...analysis.activity import recursion_helper
from ...errors import SrcdiffError
from ...ir.syntax import walk
from ..parse import parse_function


def scatter_adder(func):
    """runtime.added_at for np.add.at, runtime.subtracted_at for np.subtract.at;
    otherwise None."""
    if getattr(func, "__name__", None) == "at":
        owner = getattr(func, "__self__", None)
        if owner is np.add:
            return runtime.added_at
        if owner is np.subtract:
            return runtime.subtracted_at
    return None


def first_argument_writer(func):
    """A callable that writes into its first argument and returns nothing useful:
    a ufunc's ``.at``, ``np.put``/``putmask``/``place``/``fill_diagonal``,
    ``np.copyto`` with options, shuffles."""
    if getattr(func, "__name__", None) == "at" and isinstance(getattr(func, "__self__", None),
                                                               np.ufunc):
        return True
    if getattr(func, "__name__", None) == "shuffle" and (
            func is np.random.shuffle
            or isinstance(getattr(func, "__self__", None),
                          (np.random.Generator, np.random.RandomState))):
        return True
    return any(func is w for w in (np.put, np.putmask, np.place, np.fill_diagonal,
                                   np.copyto, np.put_along_axis))


def numpy_callable(func):
    """A NumPy function or ufunc (whose ``out=`` receives its result)."""
    if isinstance(func, np.ufunc):
        return True
    module = getattr(func, "__module__", None) or ""
    return callable(func) and (module == "numpy" or module.startswith("numpy."))


_PARAM_WRITERS = weakref.WeakKeyDictionary()


def writes_parameters(func):
    """Does the user function ``func`` (a module function, not inlined because no
    differentiated value reaches it) change an argument in place: an item store,
    an augmented assignment or a method call on a parameter, or ``out=``? Such a
    call is inlined, so the caller's analyses see the write."""
    if isinstance(func, gast.FunctionDef) or not isinstance(func, types.FunctionType):
        return False
    try:
        return _PARAM_WRITERS[func]
    except KeyError:
        pass
    try:
        node = parse_function(func).node
    except SrcdiffError:
        _PARAM_WRITERS[func] = False
        return False
    params = {a.id for a in walk(node.args) if isinstance(a, gast.Name)}
    augmented = {id(n.target) for n in walk(node) if isinstance(n, gast.AugAssign)}
    rebound = {n.id for n in walk(node) if isinstance(n, gast.Name)
               and isinstance(n.ctx, gast.Store) and id(n) not in augmented}
    params -= rebound
    found = False
    for n in walk(node):
        base = None
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store):
            base = n.value
        elif isinstance(n, gast.AugAssign):
            base = n.target
        elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute):
            base = n.func.value
        elif isinstance(n, gast.keyword) and n.arg == "out":
            base = n.value
        while isinstance(base, (gast.Subscript, gast.Attribute)):
            base = base.value
        if isinstance(base, gast.Name) and base.id in params:
            found = True
            break
    _PARAM_WRITERS[func] = found
    return found


def refuse_recursion_helpers(func, loc, node):
    if recursion_helper(func):
        raise loc.error(node, "second derivatives through a recursive call (srcdiff calls the "
                        "recursive function's own generated code, at first order only)",
                        "write the recursion as a loop to differentiate it twice")
