"""Is the array a binding gives a written name private to it?

``Private`` vouches syntactically (fresh arrays; a view or another name of a
private array nothing else reads); ``OwnedUnshared`` for what it cannot (the
function's own arrays, written where no other name for them is read after).
"""

import operator

import gast

from ...analysis.activity import subscript_writes, walk_stmts
from ...analysis.sharing import container_holds, may_share, partners
from ...ir.syntax import names_read, walk
from .memory import alias_binds, field_position, fresh_definition, VIEWS


def _appended_to(st):
    """{L} for ``L.append(v)`` / ``L.extend(v)`` (the list is not aliased by it)."""
    if isinstance(st, gast.Expr) and isinstance(st.value, gast.Call) \
            and isinstance(st.value.func, gast.Attribute) \
            and st.value.func.attr in ("append", "extend") \
            and isinstance(st.value.func.value, gast.Name):
        recv = st.value.func.value.id
        if all(recv not in names_read(a) for a in st.value.args):
            return {recv}
    return set()


def _item_or_choice(op):
    """An item ``y[k]`` at an integer-like index (a Python int or a name: not a
    slice), or builtin min()/max() of values: whether the value is a view of
    an array depends on the values."""
    if op.kind != "call":
        return False
    if op.func in (min, max):
        return not op.keywords
    return op.func is operator.getitem and len(op.args) == 2 \
        and (isinstance(op.args[1], gast.Name) or isinstance(op.args[1], gast.Constant)
             and type(op.args[1].value) is int)


def _unchanged_params(body, params):
    """The parameters the function never rebinds, writes into (``p[i] = v``,
    ``p.a = v``) or changes by a method (``p.append(v)``): every part of one read
    out is still held by it afterwards."""
    changed = set()
    for n in walk(gast.Module(body=list(body), type_ignores=[])):
        if isinstance(n, (gast.Name, gast.Attribute, gast.Subscript)) \
                and isinstance(getattr(n, "ctx", None), (gast.Store, gast.Del)):
            base = n
            while isinstance(base, (gast.Attribute, gast.Subscript)):
                base = base.value
            if isinstance(base, gast.Name):
                changed.add(base.id)
        elif isinstance(n, (gast.Global, gast.Nonlocal)):
            changed |= set(n.names)
        elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                and isinstance(n.func.value, gast.Name):
            changed.add(n.func.value.id)    # (any method: it may change the object)
    return set(params) - changed


class OwnedUnshared:
    """The bindings ``Private`` cannot vouch for that are safe all the same:
    the array the binding gives ``t`` is the function's own
    (sharing.OwnedArrays), and where ``t`` is written in place no other name
    that may share its memory is read afterwards (sharing.may_share). So two
    buffers that trade names (``u, new = new, u``) may be written in place;
    ``new = u`` followed by a write into ``new`` while ``u`` is still read
    may not."""

    def __init__(self, norm, classifier, written, live, lists):
        self.norm, self.classifier, self.written, self.live = norm, classifier, written, live
        self.lists = lists
        self._owned = self._env = self._defs = None

    def binding(self, st, t):
        from ...analysis.sharing import OwnedArrays
        body = self.norm.node.body
        if self._owned is None:
            literal = Private(body, self.classifier, self.live)
            self._owned = OwnedArrays(
                body, self.classifier, fresh_definition, VIEWS,
                literal._literal_item, self.norm.params,
                set(self.norm.params) & self.written, field_position)
            self._writes = subscript_writes(body)
            self._env = may_share(body, alias_binds(self.classifier, body, self.norm.params),
                                  at={id(w) for ws in self._writes.values() for w in ws},
                                  holds=container_holds(self.lists))
        if not self._owned.binding(st):
            return False
        for w in self._writes.get(t, ()):
            shared = partners(self._env.get(id(w), {}), t) & self.live.get(id(w), frozenset())
            # (a value that shares t's memory only on some values, an item t[k] or
            # builtin min() of one, is checked where the write runs:
            # check_reads_after_writes)
            if any(not self._maybe_view(n) for n in shared):
                return False
        return True

    def _maybe_view(self, name):
        """Is every binding of ``name`` an item ``y[k]`` (a number of a vector, a
        view of a matrix) or builtin min()/max() of values?"""
        if self._defs is None:
            self._defs = {}
            for st in walk_stmts(self.norm.node.body):
                if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
                    self._defs.setdefault(st.targets[0].id, []).append(st.value)
        values = self._defs.get(name)
        return bool(values) and name not in self.norm.params and all(
            _item_or_choice(self.classifier.classify(v)) for v in values)

    def checked_binding(self, st, t):
        """The parameters to check, where t is written, that the array the
        binding gives t is no part of (its other origins being the function's
        own arrays), or None."""
        self.binding(st, t)     # (the analyses, once)
        params = self._owned.foreign_params(
            st, _unchanged_params(self.norm.node.body, self.norm.params))
        # (another name that may share t's array and is read after a write is
        # checked there too: check_reads_after_writes)
        return params or None

    def foreign_origin(self, st):
        """The source text of a binding the array ``st`` binds may come from that
        is not the function's own (for a message), or None."""
        return self._owned.foreign_text(st)


class Private:
    """Is the array a binding gives its name private, so that writing it in
    place cannot be seen through another name? Fresh arrays are; so is a view
    or another name of a private array ``x`` (``t = x``, ``t = x.reshape(..)``,
    ``t = x[1:]``) when ``x`` is not read after the binding (liveness, loops
    included) and is read only to make ``t``; and an item ``pair[k]`` of a
    tuple/list literal that is only read at distinct constant items counts as
    that element."""

    def __init__(self, body, classifier, live):
        self.classify = classifier.classify
        self.live = live
        self.defs = {}          # name -> its binding statements
        self.readers = {}       # name -> targets of the statements that read it
        self.items = {}         # name -> constant items it is read at
        self._def_reads = None  # name -> how many of the bindings read it
        for st in walk_stmts(body):
            if isinstance(st, (gast.If, gast.For, gast.While)):
                for n in names_read(st.test if isinstance(st, (gast.If, gast.While))
                                    else st.iter):
                    self.readers.setdefault(n, set()).add(None)
                continue
            simple = isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name)
            if simple:
                self.defs.setdefault(st.targets[0].id, []).append(st)
                v = st.value
                if isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) \
                        and isinstance(v.slice, gast.Constant) and type(v.slice.value) is int:
                    self.items.setdefault(v.value.id, []).append(v.slice.value)
            if simple and isinstance(st.value, gast.Name) and st.value.id == st.targets[0].id:
                continue    # t = t
            for n in names_read(st) - _appended_to(st):
                self.readers.setdefault(n, set()).add(st.targets[0].id if simple else None)

    def binding(self, st, t, depth=0):
        op = self.classify(st.value)
        if fresh_definition(op):
            return True
        if depth > 20:
            return False
        if op.kind == "copy":
            src = op.node
        elif op.kind == "call" and (op.func is operator.getitem
                                    or getattr(op.func, "__name__", "") in VIEWS):
            src = op.args[0] if op.args else None
            k = op.args[1] if op.func is operator.getitem and len(op.args) > 1 else None
            if isinstance(src, gast.Name) and isinstance(k, gast.Constant) \
                    and type(k.value) is int:
                elt, holder = self._literal_item(src.id, k.value)
                if elt is not None:
                    return isinstance(elt, gast.Name) and self.name(elt.id, holder, st, depth)
        else:
            return False
        return isinstance(src, gast.Name) and self.name(src.id, t, st, depth)

    def name(self, x, t, st, depth):
        """x's array is handed to t by statement st and to nothing else."""
        if x in self.live.get(id(st), ()) or self.readers.get(x, set()) - {t}:
            return False
        defs = self.defs.get(x, [])
        return bool(defs) and all(self.binding(d, x, depth + 1) for d in defs)

    def _literal_item(self, name, k):
        """The element a constant item of the literal ``name`` reads, when ``name``
        is bound once, to a tuple/list literal, and read only at distinct items,
        and the name that holds the literal; (None, None) otherwise."""
        defs = self.defs.get(name, [])
        taken = self.items.get(name, [])
        if len(defs) != 1 or len(set(taken)) != len(taken) \
                or None in self.readers.get(name, set()):
            return None, None
        if self._def_reads is None:     # (counted once: this is asked per item)
            self._def_reads = {}
            for stmts in self.defs.values():
                for st in stmts:
                    for n in names_read(st):
                        self._def_reads[n] = self._def_reads.get(n, 0) + 1
        if self._def_reads.get(name, 0) != len(taken):
            return None, None
        node = defs[0].value
        for _ in range(20):
            # (another name for a literal read by nothing else: a helper's result
            # unpacked, ``h_3 = (a, b); h_x = h_3; u = h_x[0]``)
            if not isinstance(node, gast.Name) or self.readers.get(node.id) != {name} \
                    or len(self.defs.get(node.id, [])) != 1:
                break
            name, node = node.id, self.defs[node.id][0].value
        if not isinstance(node, (gast.Tuple, gast.List)) \
                or not -len(node.elts) <= k < len(node.elts):
            return None, None
        return node.elts[k], name
