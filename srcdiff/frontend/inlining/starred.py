"""``f(*args, **kw)`` with literal ``args`` and ``kw``: the call given their
elements directly, so that the callee's parameters are bound one by one when
it is inlined."""

import gast

from ...analysis.activity import walk_stmts
from ...ir import anno
from ...ir.syntax import assign, clone, const, load, subscript, walk
from ..blocks import located, rewrite_blocks


class _Literals:
    """What the function binds once to a literal: name -> how many times it is
    bound or changed (``counts``), its last value (``literal``), the names
    whose item slots are rebound (``slotted``)."""

    def __init__(self, norm):
        self.fs = norm.fs
        counts = self.counts = {p: 1 for p in norm.params}
        literal = self.literal = {}
        slotted = self.slotted = set()
        for s in walk_stmts(norm.node.body):
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
                t = s.targets[0].id
                counts[t] = counts.get(t, 0) + 1
                literal[t] = s.value
                if isinstance(s.value, gast.Name):
                    # (another name for it, M = L: a change through M is one of L)
                    counts[s.value.id] = counts.get(s.value.id, 0) + 2
            for n in walk(s):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store) and not (
                        isinstance(s, gast.Assign) and n is s.targets[0]):
                    counts[n.id] = counts.get(n.id, 0) + 2
                elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                        and isinstance(n.func.value, gast.Name):
                    counts[n.func.value.id] = counts.get(n.func.value.id, 0) + 2  # mutated
                elif isinstance(n, gast.Subscript) and not isinstance(n.ctx, gast.Load) \
                        and isinstance(n.value, gast.Name):
                    # an item slot rebound (``args[i] = v``): its elements are no longer
                    # the literal's, its length is
                    slotted.add(n.value.id)
                    if isinstance(n.ctx, gast.Del) or isinstance(n.slice, gast.Slice):
                        counts[n.value.id] = counts.get(n.value.id, 0) + 2

    def once(self, node):
        return isinstance(node, gast.Constant) or (isinstance(node, gast.Name)
                                                   and self.counts.get(node.id, 0) <= 1)

    def items(self, node, depth=0):
        """The elements of a tuple/list literal ``node`` stands for, through
        names bound once, constant slices (``args[1:]``) and concatenations
        (``a + b``, ``(x,) + args``); None when it is not one."""
        if depth > 20:
            return None
        if isinstance(node, gast.Name):
            lit = self.literal.get(node.id) if self.counts.get(node.id) == 1 \
                and node.id not in self.slotted else None
            return self.items(lit, depth + 1) if lit is not None else None
        if isinstance(node, (gast.Tuple, gast.List)):
            if all(self.once(e) for e in node.elts) and not any(
                    isinstance(e, gast.Starred) for e in node.elts):
                return (type(node), list(node.elts))
            return None
        if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice):
            got = self.items(node.value, depth + 1)
            bounds = [node.slice.lower, node.slice.upper, node.slice.step]
            if got is None or not all(b is None or (isinstance(b, gast.Constant) and (
                    b.value is None or type(b.value) is int)) for b in bounds):
                return None
            lo, hi, st = (None if b is None else b.value for b in bounds)
            if st == 0:
                return None
            return (got[0], got[1][lo:hi:st])
        if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Add):
            a, b = self.items(node.left, depth + 1), self.items(node.right, depth + 1)
            if a is None or b is None or a[0] is not b[0]:
                return None
            return (a[0], a[1] + b[1])
        return None

    def builtin(self, func, obj):
        if not isinstance(func, gast.Name) or func.id in self.counts:
            return False
        try:
            return self.fs.lookup(func.id) is obj
        except KeyError:
            return False

    def length(self, name):
        """The length of the list ``name``, made once from a literal of known
        length (``args = list(args)``) and changed since only by rebinding
        item slots (``args[i] = v``), or None."""
        lit = self.literal.get(name) if self.counts.get(name) == 1 else None
        if isinstance(lit, gast.Call) and len(lit.args) == 1 and not lit.keywords \
                and (self.builtin(lit.func, list) or self.builtin(lit.func, tuple)):
            lit = lit.args[0]
        got = self.items(lit) if lit is not None and name in self.slotted else None
        return None if got is None else len(got[1])


def splice_starred(norm):
    """``f(*args, **kw)`` where ``args`` is a tuple/list literal and ``kw`` a dict
    literal with string keys, each assigned once: pass their elements directly."""
    body = norm.node.body
    if not any(isinstance(n, gast.Starred) or (isinstance(n, gast.keyword) and n.arg is None)
               for st in body for n in walk(st)):
        return
    literals = _Literals(norm)
    pre = {}
    for s in walk_stmts(body):
        for call in [n for n in walk(s) if isinstance(n, gast.Call)]:
            call.args = _spliced_args(norm, literals, s, call, pre)
            call.keywords = _spliced_keywords(literals, call)
    if pre:
        norm.node.body = rewrite_blocks(
            norm.node.body, lambda st: [located(p, st) for p in pre.get(id(st), [])] + [st])


def _spliced_args(norm, literals, s, call, pre):
    """The arguments of ``call`` (made by statement ``s``) with ``*args`` of a
    literal spliced in: its elements, or, for a list of known length, its items
    read before the statement (added to ``pre``, {id(s): statements})."""
    args = []
    for a in call.args:
        got = literals.items(a.value) if isinstance(a, gast.Starred) else None
        # (only a call the statement makes where it runs: not one in a
        # lambda or a nested block)
        n = literals.length(a.value.id) if got is None and isinstance(a, gast.Starred) \
            and isinstance(a.value, gast.Name) and isinstance(s, (gast.Assign, gast.Expr)) \
            and s.value is call else None
        if got is not None:
            args += [clone(e) for e in got[1]]
        elif n is not None:
            # its items read where the call is made
            for k in range(n):
                t = norm.names.fresh(a.value.id + "_item")
                pre.setdefault(id(s), []).append(
                    assign(t, subscript(load(a.value.id), const(k)),
                           anno.get(s, "srcline")))
                args.append(load(t))
        else:
            args.append(a)
    return args


def _spliced_keywords(literals, call):
    """The keywords of ``call`` with ``**kw`` of a dict literal with string keys
    spliced in."""
    kws = []
    for k in call.keywords:
        v = k.value
        lit = literals.literal.get(v.id) if k.arg is None and isinstance(v, gast.Name) \
            and literals.counts.get(v.id) == 1 else None
        if isinstance(lit, gast.Dict) and all(
                isinstance(key, gast.Constant) and isinstance(key.value, str)
                for key in lit.keys) and all(literals.once(e) for e in lit.values):
            kws += [gast.keyword(arg=key.value, value=clone(e))
                    for key, e in zip(lit.keys, lit.values)]
        else:
            kws.append(k)
    return kws
