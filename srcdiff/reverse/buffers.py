"""Reusing cotangent buffers in the adjoint sweep: a scatter that would start
from zeros starts from a buffer the sweep owns and that nothing else reads
(``add_at_owned``, ``replace_at``), and an add into the same slots merges
into it.
"""
import gast

from .. import runtime
from ..ir.syntax import call, clone, load, names_read, walk, walk_fielded
from .placeholders import Restore, walk_adjoint


def reuse_buffers(stmts, rt):
    """``D = scatter_add(G, ref, idx)``, later ``D = add_at(D, ...)``s, then
    ``D += E`` where E is a buffer the adjoint sweep owns (a ``zero_at`` copy)
    of D's shape, read nowhere else: start D from E instead,
    ``D = add_at_owned(E, idx, G)`` -- no zero array, no final full-size add,
    and ``ref`` (often an overwritten value) is no longer read."""
    from ..runtime import scatter_add
    reads = {}
    fresh, other = set(), set()
    for st in walk_adjoint(stmts):
        for n in walk_fielded(st):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                reads[n.id] = reads.get(n.id, 0) + 1
            elif isinstance(n, gast.Assign):
                for t in n.targets:
                    if isinstance(t, gast.Name) and rt._fresh(n.value):
                        fresh.add(t.id)
                    else:
                        other |= {x.id for x in walk_fielded(t) if isinstance(x, gast.Name)}
            elif isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load):
                if not isinstance(n.ctx, gast.Store):
                    other.add(n.id)
    # accumulators: bound only to new arrays, updated only in place, read only
    # when returned -- no other name ever shares their buffers
    rt.private_sums = {n for n in fresh - other if not reads.get(n)}
    _reuse_block(stmts, rt, scatter_add, reads)


_MUTATING = {runtime.add_at, runtime.add_at_owned, runtime.zero_at, runtime.pop_tail}


def _callee_is(rt, node, fn):
    return isinstance(node, gast.Call) and rt.shapes._callee(node.func) is fn


def _reuse_block(stmts, rt, scatter_add, reads):
    for st in stmts:
        for field in ("body", "orelse"):
            sub = getattr(st, field, None)
            if isinstance(sub, list) and isinstance(st, (gast.For, gast.While, gast.If)):
                _reuse_block(sub, rt, scatter_add, reads)
    fresh = {}      # E -> index of its zero_at definition in this block
    for i, st in enumerate(stmts):
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
            name = st.targets[0].id
            if _callee_is(rt, st.value, runtime.zero_at):
                fresh[name] = i
            else:
                fresh.pop(name, None)
                if _callee_is(rt, st.value, scatter_add) and len(st.value.args) == 3 \
                        and not st.value.keywords and isinstance(st.value.args[1], gast.Name):
                    _try_reuse(stmts, i, name, fresh, rt, reads)
        elif not isinstance(st, (gast.AugAssign, gast.Expr, Restore)):
            fresh.clear()


def _try_reuse(stmts, i, d, fresh, rt, reads):
    call_ = stmts[i].value
    g, ref, idx = call_.args
    for j in range(i + 1, len(stmts)):
        st = stmts[j]
        if isinstance(st, Restore):
            if st.target == d:
                return
            continue
        if isinstance(st, gast.AugAssign) and isinstance(st.target, gast.Name) \
                and st.target.id == d:
            if isinstance(st.op, gast.Add) and isinstance(st.value, gast.Name) \
                    and st.value.id in fresh and st.value.id != d:
                break
            if d in names_read(st.value):
                return
            continue
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                and st.targets[0].id == d and _callee_is(rt, st.value, runtime.add_at) \
                and isinstance(st.value.args[0], gast.Name) and st.value.args[0].id == d \
                and not any(d in names_read(a) for a in st.value.args[1:]):
            continue
        if not isinstance(st, (gast.Assign, gast.AugAssign)) or d in names_read(st) \
                or d in {n.id for n in walk_fielded(st) if isinstance(n, gast.Name)}:
            return
    else:
        return
    e = stmts[j].value.id
    # E: defined before the scatter, read only by the final add, same shape as ref;
    # the block assigns E before it reads it (no value carried between iterations)
    if fresh[e] > i:
        return
    before, first = 0, None
    for st in stmts[:fresh[e] + 1]:
        if isinstance(st, Restore):
            continue
        r = e in names_read(st)
        w = isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
            and st.targets[0].id == e
        if first is None and (r or w):
            first = "read" if r else "write"
        before += sum(1 for n in walk_fielded(st) if isinstance(n, gast.Name) and n.id == e
                      and isinstance(n.ctx, gast.Load))
    if first != "write" or reads.get(e, 0) - before != 1:
        return
    for st in stmts[fresh[e] + 1:j]:
        if isinstance(st, Restore):
            continue
        if e in {n.id for n in walk_fielded(st) if isinstance(n, gast.Name)}:
            return
    sc = rt.shapes
    prim = sc.adjoint_of.get(e)
    ce, cr = sc.classes.get(prim), sc.classes.get(ref.id)
    se, sr = sc.sym.get(prim), sc.sym.get(ref.id)
    if not ((ce is not None and ce == cr and ce != frozenset())
            or (se is not None and se == sr and se != ())):
        return
    stmts[i].value = call(rt.ref(runtime.add_at_owned, "add_at_owned"),
                          [load(e), clone(idx), g])
    del stmts[j]
    # E = zero_at(E0, idx) ... D = add_at_owned(E, idx, G): one copy with G written in
    k = fresh[e]
    zero = stmts[k].value
    if not (isinstance(zero.args[0], gast.Name) and zero.args[0].id == e
            and gast.dump(zero.args[1]) == gast.dump(idx)):
        return
    for st in stmts[k + 1:i]:
        if isinstance(st, Restore):
            if st.kind not in ("name", "iterlocal") and not (
                    st.kind == "item" and reads.get(st.target, 0) == 0):
                return      # (an item restore nothing reads is dropped)
            continue
        if isinstance(st, gast.AugAssign) and isinstance(st.target, gast.Name):
            # in place into a scalar or private accumulator: not E0's buffer
            sc = rt.shapes
            if (sc.classes.get(sc.adjoint_of.get(st.target.id)) != frozenset()
                    and st.target.id not in rt.private_sums) \
                    or sc.classes.get(sc.adjoint_of.get(e)) in (None, frozenset()):
                return
        elif not (isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name)):
            return
        if any(isinstance(n, gast.Call) and rt.shapes._callee(n.func) in _MUTATING
               for n in walk(st)) or e in names_read(st.value):
            return
    stmts[i].value = call(rt.ref(runtime.replace_at, "replace_at"), [load(e), clone(idx), g])
    del stmts[k]


def merge_replaced_adds(stmts, rt):
    """``D = replace_at(E, idx, V)``, then only ``D = add_at(D, ...)``s, one of
    them ``D = add_at(D, idx, G)``: that one goes into the first,
    ``D = replace_at(E, idx, G + V)`` (sums commute; G reads nothing the adds
    in between change, as they change only D's new buffer, nor a value
    restored in between)."""
    for st in stmts:
        for field in ("body", "orelse"):
            sub = getattr(st, field, None)
            if isinstance(sub, list) and isinstance(st, (gast.For, gast.While, gast.If)):
                merge_replaced_adds(sub, rt)
    i = 0
    while i < len(stmts):
        st = stmts[i]
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name) \
                and _callee_is(rt, st.value, runtime.replace_at) and len(st.value.args) == 3:
            d = st.targets[0].id
            idx = gast.dump(st.value.args[1])
            restored = set()
            for j in range(i + 1, len(stmts)):
                u = stmts[j]
                if isinstance(u, Restore):
                    if u.kind not in ("name", "iterlocal"):
                        break
                    restored.add(u.target)
                    continue
                bound = _binds_only(u, d, rt)
                if bound is not None:
                    restored |= bound
                    continue
                if not (isinstance(u, gast.Assign) and isinstance(u.targets[0], gast.Name)
                        and u.targets[0].id == d and _callee_is(rt, u.value, runtime.add_at)
                        and len(u.value.args) == 3 and isinstance(u.value.args[0], gast.Name)
                        and u.value.args[0].id == d
                        and not any(d in names_read(a) for a in u.value.args[1:])):
                    break
                if gast.dump(u.value.args[1]) == idx:
                    if names_read(u.value.args[2]) & restored:
                        break       # G reads a value bound or restored in between
                    v = st.value.args[2]
                    st.value.args[2] = gast.BinOp(left=u.value.args[2], op=gast.Add(), right=v)
                    del stmts[j]
                    break
        i += 1


def _binds_only(st, d, rt):
    """The names ``st`` binds, if that is all it does: an assignment to a name
    (or an in-place sum into a private accumulator) that neither reads D nor
    calls a helper that changes an array in place; else None."""
    if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
        t = st.targets[0].id
    elif isinstance(st, gast.AugAssign) and isinstance(st.target, gast.Name) \
            and st.target.id in getattr(rt, "private_sums", ()):
        t = st.target.id
    else:
        return None
    if t == d or d in names_read(st.value) or any(
            isinstance(n, gast.Call) and rt.shapes._callee(n.func) in _MUTATING
            for n in walk(st.value)):
        return None
    return {t}
