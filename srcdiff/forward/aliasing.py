"""Which tangent buffers share memory, so in-place writes stay where the primal's do.

``owned``: names (and ``items_key(lst)`` keys for a list's tangents) whose tangent
buffer is the generated code's own, safe to write into in place; ``views``: name
-> the names whose tangent buffers its tangent is a view of; ``pushed``: list ->
the names whose tangents were appended to it. ``AliasingMixin.set_tangent``
emits a tangent assignment and updates all three.
"""
import gast
import numpy as np

from .. import runtime
from ..backend.simplify import simplify
from ..ir.syntax import assign, call, names_read
from ..rules.forward_writes import set_item, private_copy
from .zeros import is_zero

__all__ = ["AliasingMixin", "items_key", "key_owner"]

_FRESH_FUNCS = None


def _fresh_funcs():
    global _FRESH_FUNCS
    if _FRESH_FUNCS is None:
        from ..runtime import scatter_add, index_update
        _FRESH_FUNCS = {runtime.zeros_like_value, runtime.complete_cotangent, set_item,
                        private_copy, scatter_add, index_update, runtime.zeros_like_list,
                        np.copy, np.array, np.zeros_like, np.ones_like}
    return _FRESH_FUNCS

def items_key(lst):
    """The key in ``owned`` saying that every tangent in ``lst``'s
    list of tangents is a buffer of its own (not a name: it cannot clash)."""
    return lst + "[]"


def key_owner(key):
    """The name an ``owned`` key speaks of: ``lst`` for ``items_key(lst)``."""
    return key[:-2] if key.endswith("[]") else key


class AliasingMixin:
    """Tangent assignments that keep ``owned``, ``views`` and ``pushed`` true."""

    def _fresh(self, expr):
        if isinstance(expr, (gast.BinOp, gast.UnaryOp)):
            return True
        if isinstance(expr, gast.Call):
            f = self.resolve(expr.func)
            try:
                return f is not None and (f in _fresh_funcs() or
                                          (isinstance(f, np.ufunc) and f.nout == 1))
            except TypeError:
                return False
        return False

    def _sharing(self, expr, operands):
        """The names among ``operands`` whose tangent buffers the value of
        ``expr`` may share, and the buffers those are views of: a name, an item
        or attribute of one, an argument of a call that may hand it back
        (``broadcast_like(x_dot, y)``); not an operand of arithmetic, which makes
        a new array (``broadcast_like(x_dot * 0.5, y)`` shares nothing)."""
        back = self.shapes.adjoint_of

        def may(e):
            if isinstance(e, (gast.BinOp, gast.UnaryOp, gast.Constant, gast.Compare)):
                return set()
            if isinstance(e, gast.Name):
                n = back.get(e.id)
                return {n} if n in operands else set()
            if isinstance(e, (gast.Subscript, gast.Attribute, gast.Starred)):
                return may(e.value)
            if isinstance(e, gast.IfExp):
                return may(e.body) | may(e.orelse)
            if isinstance(e, (gast.Tuple, gast.List)):
                return set().union(*map(may, e.elts))
            if isinstance(e, gast.Call) and self._fresh(e):
                return set()
            if isinstance(e, gast.Call):
                return set().union(*map(may, e.args), *(may(k.value) for k in e.keywords))
            return {back[n] for n in names_read(e) if back.get(n) in operands}

        out = may(expr)
        for n in list(out):
            out |= self.views.get(n, set())
        return out

    def set_tangent(self, name, expr, line, out, mirror=False):
        """Emit ``dname = expr`` (or the materialized zero of an eager name).

        ``mirror``: the tangent aliases its operands' tangents exactly where the
        primal aliases its operands (``y = x``, ``y = x[i]``, ``y = s.pop()``), so
        in-place writes stay consistent; otherwise a tangent that is not a new
        array while the primal is makes its operands' buffers shared.
        """
        self.owned.discard(items_key(name))
        if is_zero(expr):
            self.live.discard(name)
            self.owned.discard(name)
            if self.eager(name):
                out.append(assign(self.tan(name), self.zero_value(name), line))
                self.live.add(name)
                self.owned.add(name)
            return out
        expr = simplify(self.shapes.prune(simplify(expr)))    # (pruning makes more foldable)
        expr, owned = self._ownership(name, expr, mirror)
        out.append(assign(self.tan(name), expr, line))
        self.live.add(name)
        if owned:
            self.owned.add(name)
        else:
            self.owned.discard(name)
        if isinstance(expr, gast.List) and not expr.elts or isinstance(expr, gast.Call) \
                and self.resolve(expr.func) is runtime.zeros_like_list:
            self.owned.add(items_key(name))    # (a new list of tangents: no items yet, or zeros)
        return out

    def _ownership(self, name, expr, mirror):
        """(the tangent expression, made a private copy if it must own its buffer;
        whether ``name``'s tangent owns its buffer), updating ``views`` and the
        ownership of the buffers it shares."""
        # (the names whose tangents the expression reads: adjoint_of maps every
        # tangent name made back to its name, tan_names holds the current ones)
        back = self.shapes.adjoint_of
        operands = {back[n] for n in names_read(expr)
                    if n in back and self.tan_names.get(back[n]) == n}
        bases = set(operands)
        for n in operands:
            bases |= self.views.get(n, set())
        self.views.pop(name, None)
        if mirror:
            owned = all(n in self.owned for n in operands)
            self.views[name] = bases - {name}
        elif self._fresh(expr):
            owned = True
        elif name in self.pushed_written:
            # (an array of its own where it is bound, not where it is pushed: the
            # buffer pushed in a loop's first iteration stays the one that names
            # sharing the primal array share, and the sweep's put-back into it,
            # popped, reaches them)
            expr = call(self.ref(private_copy, "private_copy"), [expr])
            owned = True
        elif not (bases := self._sharing(expr, operands)):
            owned = False       # (a new array, or a read-only broadcast of one)
        elif any(n in self.owned and self._written_mirrors(n) for n in bases):
            # (an operand's tangent that another name's mirrors, their primal arrays
            # being one: its later writes must stay in place for both, so this
            # tangent, which the primal does not share, gets an array of its own)
            expr = call(self.ref(private_copy, "private_copy"), [expr])
            owned = True
        else:
            # (also the buffers the operands' tangents are views of: writing into
            # them in place would change this tangent too)
            owned = False
            self.owned -= bases
            for lst, names in self.pushed.items():
                if names & bases:       # (a stack holding one of those buffers)
                    self.owned.discard(items_key(lst))
        return expr, owned

    def _written_mirrors(self, n):
        """Does another name's tangent mirror ``n``'s (their primal arrays being
        one), with items of one of them written in place in the function?"""
        group = {m for m, b in self.views.items() if n in b} | self.views.get(n, set())
        group.discard(n)
        return bool(group) and bool((group | {n}) & self.item_written)
