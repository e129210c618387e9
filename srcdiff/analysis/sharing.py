"""Which names may share memory, as a relation between names.

``liveness.points_to`` names each array by the statement that made it, so
where two buffers trade names in a loop (``u, new = new, u``: after one step
``u`` holds the array ``new`` was made as, after the next the other) both
names may be either array at the loop head and look alike. Here the facts are
pairs of names that may share memory: a binding ``t = <view of s>`` pairs t
with s and with every name s is paired with, a fresh value drops t's pairs,
and a swap of two names that each hold a distinct array keeps them unpaired.

This speaks of the values the names hold when a statement runs, which is what
the checks of the primal program ask (is a name that sees the written array
read after the write?). The reverse transform also keeps values of earlier
iterations on its stacks, and keeps asking ``points_to``.

``owned_binding`` answers the other half of the question a write into ``t``
raises: is the array ``t`` holds made by the function itself (never the
caller's, a global's or an item of a container that may hold one)?
"""
import operator

import gast

from .activity import walk_stmts
from ..ir import anno
from ..ir.syntax import names_read, names_stored, walk

__all__ = ["may_share", "partners", "container_holds", "OwnedArrays", "TupleItems",
           "LiteralItems", "item_name"]

_PUTS = {"append", "extend", "insert", "add", "appendleft", "extendleft", "update",
         "setdefault"}


def container_holds(lists):
    """``holds`` for may_share: ``L.append(v)`` (and the other methods that put
    values into a container) and ``L[i] = v`` for the names in ``lists`` (bound
    only to list, tuple or dict literals: a store into an array copies values)."""
    def holds(s):
        if isinstance(s, gast.Expr) and isinstance(s.value, gast.Call) \
                and isinstance(s.value.func, gast.Attribute) \
                and isinstance(s.value.func.value, gast.Name) and s.value.func.attr in _PUTS:
            names = set()
            for a in list(s.value.args) + [k.value for k in s.value.keywords]:
                names |= names_read(a)
            return s.value.func.value.id, names
        if isinstance(s, gast.Assign) and len(s.targets) == 1 \
                and isinstance(s.targets[0], gast.Subscript) \
                and isinstance(s.targets[0].value, gast.Name) \
                and s.targets[0].value.id in lists:
            return s.targets[0].value.id, names_read(s.value)
        return None
    return holds


def partners(env, root):
    """The names that may share memory with ``root`` in ``env`` (one entry of
    ``may_share``), ``root`` excluded."""
    return set(env.get(root, ()))


def may_share(body, binds, at=None, rows=True, holds=None):
    """{id(stmt): {name: the other names whose values may share its memory}}
    just before each statement (of the ids in ``at``, default all) runs.

    ``binds`` is as for ``liveness.points_to``: ``(target, sources, keeps)``
    of a simple statement, or None. A name no binding pairs (a parameter, a
    fresh array) shares with nothing; a ``for`` loop's target shares its
    iterable's memory (``rows`` as for points_to). ``holds(stmt)``: (container,
    names) where the statement puts the names' values into the container
    (``L.append(v)``, ``L[i] = v``): the container shares their memory from
    then on, as well as what it held."""
    before = {}
    heads = {}

    def join(a, b):
        if a is None:
            return b
        if b is None or a is b:
            return a
        out = dict(a)
        for n, ps in b.items():
            mine = out.get(n)
            out[n] = ps if mine is None else (mine | ps)
        return out

    def rebind(env, t, sources):
        """t's new value shares the memory of ``sources`` (and of their partners)."""
        new = set()
        for s in sources:
            new.add(s)
            new |= env.get(s, frozenset())
        new.discard(t)
        env = dict(env)
        for p in env.pop(t, frozenset()):
            if p in env:
                rest = env[p] - {t}
                if rest:
                    env[p] = rest
                else:
                    del env[p]
        if new:
            env[t] = frozenset(new)
            for p in new:
                env[p] = env.get(p, frozenset()) | {t}
        return env

    def hold(env, container, sources):
        new = set()
        for s in sources:
            new.add(s)
            new |= env.get(s, frozenset())
        new.discard(container)
        if not new:
            return env
        env = dict(env)
        env[container] = env.get(container, frozenset()) | new
        for p in new:
            env[p] = env.get(p, frozenset()) | {container}
        return env

    def block(stmts, env, loop):
        for s in stmts:
            if env is None:
                break
            env = stmt(s, env, loop)
        return env

    def stmt(s, env, loop):
        if at is None or id(s) in at:
            before[id(s)] = join(before.get(id(s)), env)
        if isinstance(s, gast.Break):
            loop["exit"] = join(loop["exit"], env)
            return None
        if isinstance(s, gast.Continue):
            loop["head"] = join(loop["head"], env)
            return None
        if isinstance(s, gast.Return):
            return None
        if isinstance(s, gast.If):
            return join(block(s.body, env, loop), block(s.orelse, env, loop))
        if isinstance(s, (gast.For, gast.While)):
            head = join(heads.get(id(s)), env)
            while True:
                ctx = {"head": None, "exit": None}
                entry = head
                if isinstance(s, gast.For):
                    over = names_read(s.iter) if rows is True else \
                        names_read(s.iter) & set(rows or ())
                    for t in sorted(names_stored(s.target)):
                        entry = rebind(entry, t, over)
                end = block(s.body, entry, ctx)
                new = join(join(head, end), ctx["head"])
                if new == head:
                    break
                head = new
            heads[id(s)] = head
            out = join(head, ctx["exit"])
            if s.orelse:
                out = join(block(s.orelse, head, loop), ctx["exit"])
            return out
        if isinstance(s, gast.FunctionDef):
            return env
        held = holds(s) if holds is not None else None
        if held is not None:
            return hold(env, *held)
        bound = binds(s)
        if bound is None:
            return env
        target, sources, keeps = bound
        if keeps:
            return env
        return rebind(env, target, sources or ())

    block(body, {}, {"head": None, "exit": None})
    return before


class OwnedArrays:
    """Is the value a binding ``t = ...`` gives t an array the function made
    itself (so that writing into it changes nothing the caller, a global or a
    container that may hold someone else's array sees)?

    Followed forward (``liveness.points_to``, each binding that is not another
    name for or a view of a name being its own origin): the value is owned when
    every binding it may come from there made a fresh array. Another name for,
    or a view of, an owned array (``t = s``, ``t = s[1:]``, ``t = s.T``) is
    owned, so two buffers that trade names own their arrays. A parameter is
    owned only where it is copied on entry (``copied``), and only as an array
    (an item of it may be anyone's); a name also bound in any other way
    (unpacking, a nested def's ``nonlocal``) is not, nor is a loop target or an
    item of a list, tuple or dict (it may be anyone's array), except a constant
    item of a literal (``literal_item``). A field of a result (``r.S``, where
    ``field(op)`` is its position) is a part of ``r``, as ``r[1]`` is."""

    def __init__(self, body, classifier, fresh, views, literal_item, params, copied,
                 field=lambda op: None):
        from .liveness import points_to
        self.classify = classifier.classify
        self.fresh = fresh
        self.views = views
        self.field = field      # op -> the item a field read (``r.S``) reads, or None
        self.literal_item = literal_item
        self.copied = set(copied)
        defs, other = {}, set()
        for st in walk_stmts(body):
            if isinstance(st, gast.Assign) and len(st.targets) == 1 \
                    and isinstance(st.targets[0], gast.Name):
                defs.setdefault(st.targets[0].id, []).append(st)
            elif not isinstance(st, (gast.If, gast.While, gast.For, gast.FunctionDef)):
                other |= {n.id for n in walk(st) if isinstance(n, gast.Name)
                          and isinstance(n.ctx, (gast.Store, gast.Del))}
            if isinstance(st, gast.FunctionDef):
                other.add(st.name)
                for n in walk(st):
                    if isinstance(n, (gast.Global, gast.Nonlocal)):
                        other |= set(n.names)
        self.defs, self.other, self.params = defs, other, set(params)
        self.stmts = {id(d): d for ds in defs.values() for d in ds}
        self.env = points_to(body, self._binds, at=set(self.stmts), track=set(defs))

    def _containers(self, name):
        """Might ``name`` hold a list, tuple or dict (whose items are anyone's)?"""
        return name in self.params or any(
            self.classify(d.value).kind in ("pack", "pack_dict")
            for d in self.defs.get(name, ()))

    def _binds(self, st):
        """(target, the names whose array its value is, keeps) for points_to."""
        if not (isinstance(st, gast.Assign) and len(st.targets) == 1
                and isinstance(st.targets[0], gast.Name)):
            return None
        t = st.targets[0].id
        aug = anno.get(st, "augassign")
        if aug:
            return t, {aug}, t == aug
        if anno.get(st, "private", False) or anno.get(st, "fresh", False):
            return t, set(), False
        op = self.classify(st.value)
        if op.kind == "copy" and isinstance(op.node, gast.Name):
            return t, {op.node.id}, False
        if op.kind == "call" and op.args and isinstance(op.args[0], gast.Name):
            src = op.args[0].id
            if getattr(op.func, "__name__", "") in self.views or self.field(op) is not None:
                return t, {src}, False
            if op.func is operator.getitem:
                k = op.args[1] if len(op.args) > 1 else None
                elt = self.literal_item(src, k.value) if isinstance(k, gast.Constant) \
                    and type(k.value) is int else None
                if isinstance(elt, gast.Name):
                    return t, {elt.id}, False
                if not self._containers(src):
                    return t, {src}, False
        return t, set(), False          # its own origin (fresh, or anyone's)

    def _origin(self, site):
        kind, key = site
        if kind == "name":
            return key in self.copied and key not in self.other
        if kind not in ("new", "old"):
            return False                # a loop's row
        st = self.stmts.get(key)
        if st is None or st.targets[0].id in self.other:
            return False
        if anno.get(st, "private", False) or anno.get(st, "fresh", False):
            return True
        op = self.classify(st.value)
        return op.kind in ("pack", "pack_dict") or bool(self.fresh(op))

    def binding(self, st):
        t, sources, keeps = self._binds(st)
        if t in self.other:
            return False
        if not sources:
            return self._origin(("new", id(st)))
        env = self.env.get(id(st), {})
        return all(self._origin(site) for n in sources
                   for site in env.get(n, frozenset({("name", n)})))

    def foreign_params(self, st, unchanged):
        """Where the binding ``t = ...`` may give t someone else's array only by
        way of parts of parameters (``x = pn.w``, ``x = d['a']`` or ``x = p``
        on some path, a fresh array on the others), those parameters (each in
        ``unchanged``: never rebound, written into or grown by the function, so
        at any point they still hold every part read out of them); None where
        it may come from anywhere else. Whether it does depends on the path
        taken: checked where the program runs (runtime.owned_value)."""
        t, sources, keeps = self._binds(st)
        if t in self.other:
            return None
        if not sources:
            sites = [("new", id(st))]
        else:
            env = self.env.get(id(st), {})
            sites = [site for n in sources for site in env.get(n, frozenset({("name", n)}))]
        out = set()
        for site in sites:
            if self._origin(site):
                continue
            p = self._param_part(site)
            if p is None or p not in unchanged:
                return None
            out.add(p)
        return out

    def _param_part(self, site):
        """The parameter a non-owned origin is (``("name", p)``) or reads a part
        of (``x = p.a``, ``x = p[k]``, ``x = p.a[k]``), or None."""
        kind, key = site
        if kind == "name":
            return key if key in self.params else None
        if kind not in ("new", "old"):
            return None
        st = self.stmts.get(key)
        if st is None or st.targets[0].id in self.other:
            return None
        v = st.value
        while isinstance(v, (gast.Attribute, gast.Subscript)):
            v = v.value
        return v.id if isinstance(v, gast.Name) and v.id in self.params else None

    def foreign_text(self, st):
        """The first origin of the array the binding gives its name that is not
        the function's own, as source text (``pn.w``, a parameter's name), or
        None."""
        t, sources, keeps = self._binds(st)
        env = self.env.get(id(st), {})
        sites = [("new", id(st))] if not sources else \
            [site for n in sorted(sources) for site in sorted(
                env.get(n, frozenset({("name", n)})), key=repr)]
        for kind, key in sites:
            if self._origin((kind, key)):
                continue
            if kind == "name":
                return key
            other = self.stmts.get(key)
            if other is not None and other is not st:
                import ast
                return ast.unparse(ast.fix_missing_locations(gast.gast_to_ast(
                    gast.Expression(body=other.value))))
        return None



def item_name(holder, k):
    """The name standing for item ``k`` of the tuple ``holder`` in the alias
    analyses (``res[0]``: never a Python name, so never bound or read)."""
    return f"{holder}[{k}]"


def _compound_uses(st):
    """The names an ``if``/``while`` test, a ``for`` loop's iterable and target,
    or a nested def uses (its blocks' statements are walked on their own); None
    for any other statement."""
    if isinstance(st, (gast.If, gast.While)):
        return names_read(st.test)
    if isinstance(st, gast.For):
        return names_read(st.iter) | names_stored(st.target)
    if isinstance(st, gast.FunctionDef):
        return names_read(st) | {st.name}
    return None


class LiteralItems:
    """The items of a list or tuple literal read at constant items: after
    ``H = [a, b]`` (an inlined helper's ``return [a, b]``) and ``r = H[0]``,
    ``r`` is ``a``'s value, not ``b``'s. A holder qualifies when every binding is
    a literal without ``*`` or another holder (``G = H``), and every other use is
    ``t = H[k]`` (``k`` a constant int >= 0): nothing can put another value in
    it. The alias analyses follow ``H[k]`` (``item_name``) as a name of its own,
    bound where the holder is (``item_binds``)."""

    def __init__(self, body, excluded=()):
        binds, reads, other = {}, {}, set(excluded)
        for st in walk_stmts(body):
            got = self._simple(st)
            if got is not None:
                t, v = got
                if isinstance(v, (gast.List, gast.Tuple)) \
                        and not any(isinstance(e, gast.Starred) for e in v.elts):
                    binds.setdefault(t, []).append(None)
                    other |= names_read(v)
                    continue
                if isinstance(v, gast.Name):
                    binds.setdefault(t, []).append(v.id)
                    continue
                k = self._item(v)
                if k is not None:
                    reads[id(st)] = k
                    other.add(t)
                    continue
                other.add(t)
            got = _compound_uses(st)
            other |= got if got is not None else {n.id for n in walk(st)
                                                  if isinstance(n, gast.Name)}
        holders = {h for h in binds if h not in other}
        while True:       # a holder bound to a name that is none is none
            drop = {h for h in holders if any(b is not None and b not in holders
                                               for b in binds[h])}
            if not drop:
                break
            holders -= drop
        # a name bound to a holder's value is one, or the holder is none
        renamed = {b for h in binds if h not in holders for b in binds[h] if b is not None}
        while renamed & holders:
            holders -= renamed
            renamed = {b for h in binds if h not in holders for b in binds[h] if b is not None}
        self.holders = holders
        self.reads = {key: hk for key, hk in reads.items() if hk[0] in holders}
        self.keys = sorted({k for _, k in self.reads.values()})

    @staticmethod
    def _simple(st):
        if isinstance(st, gast.Assign) and len(st.targets) == 1 \
                and isinstance(st.targets[0], gast.Name) \
                and not anno.get(st, "augassign"):
            return st.targets[0].id, st.value
        return None

    @staticmethod
    def _item(value):
        return TupleItems._item(value, None, lambda op: None)     # (H[k] only)

    def read(self, st):
        """The item name ``t = H[k]`` reads, or None."""
        hk = self.reads.get(id(st))
        return item_name(*hk) if hk is not None else None

    def item_binds(self, st, numbers=frozenset()):
        """{item name: the names its value may share (None: a number)} that the
        binding of a holder ``st`` binds besides the holder, else None."""
        got = self._simple(st)
        if got is None or got[0] not in self.holders:
            return None
        h, v = got
        if isinstance(v, gast.Name):
            return {item_name(h, k): {item_name(v.id, k)} for k in self.keys}
        out = {}
        for k, e in enumerate(v.elts):
            if isinstance(e, gast.Constant) or isinstance(e, gast.Name) and e.id in numbers:
                out[item_name(h, k)] = None
            else:
                out[item_name(h, k)] = set(names_read(e))
        return out


class TupleItems:
    """The items of a tuple of new, distinct arrays (``res = np.linalg.eigh(G)``,
    or ``w, V = np.linalg.eigh(G)`` unpacked) read at constant items or fields
    (``w = res[0]``, ``V = res.eigenvectors``): each item is an array of its own,
    so writing into ``w`` changes nothing ``V`` sees. ``holder`` names qualify
    when every binding is such a call (``tuple_call(op)``) and every read is
    ``t = holder[k]`` (``k`` a constant int >= 0) or ``t = holder.field``
    (``field_position(op)``: the item's position, or None). ``reads``:
    {id(item statement): (holder, k)}; ``keys``: {holder: the items read}."""

    def __init__(self, body, classify, tuple_call, field_position, excluded=()):
        binds, reads, made, other = {}, {}, {}, set(excluded)
        for st in walk_stmts(body):
            simple = isinstance(st, gast.Assign) and len(st.targets) == 1 \
                and isinstance(st.targets[0], gast.Name)
            if simple:
                t = st.targets[0].id
                op = classify(st.value)
                binds.setdefault(t, []).append(tuple_call(op))
                made[id(st)] = t
                got = self._item(st.value, op, field_position)
                if got is not None:
                    reads[id(st)] = got
                    continue
            elif not isinstance(st, (gast.If, gast.While, gast.For, gast.FunctionDef)):
                other |= {n.id for n in walk(st) if isinstance(n, gast.Name)
                          and isinstance(n.ctx, (gast.Store, gast.Del))}
            got = _compound_uses(st)
            other |= got if got is not None else names_read(st)
        holders = {h for h, calls in binds.items() if all(calls) and h not in other}
        self.reads = {k: v for k, v in reads.items() if v[0] in holders}
        self.made = made
        self.keys = {}
        for h, k in self.reads.values():
            self.keys.setdefault(h, set()).add(k)

    @staticmethod
    def _item(value, op, field_position):
        if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
                and isinstance(value.slice, gast.Constant) and type(value.slice.value) is int \
                and value.slice.value >= 0:
            return value.value.id, value.slice.value
        k = field_position(op)
        if k is not None and op.args and isinstance(op.args[0], gast.Name):
            return op.args[0].id, k
        return None

    def binds(self, st):
        """(target, sources) for the alias analyses where ``st`` binds a holder (its
        items' names) or reads an item (that item's name), else None."""
        if id(st) in self.reads:
            return st.targets[0].id, {item_name(*self.reads[id(st)])}
        if isinstance(st, gast.Assign) and len(st.targets) == 1 \
                and isinstance(st.targets[0], gast.Name) and st.targets[0].id in self.keys:
            h = st.targets[0].id
            return h, {item_name(h, k) for k in self.keys[h]}
        return None

    def liveness(self):
        """``extra`` for liveness.live_after: an item read reads the item's name
        instead of the holder; a holder's binding kills its items' names."""
        extra = {key: ({item_name(h, k)}, {h}, set()) for key, (h, k) in self.reads.items()}
        for key, h in self.made.items():
            if h in self.keys:
                extra[key] = (set(), set(), {item_name(h, k) for k in self.keys[h]})
        return extra
