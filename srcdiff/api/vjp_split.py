"""A vjp's code as two functions: the forward one (returns the output and the
residuals the backward reads) and the backward one (the cotangents from the
residuals and the output's cotangent), which can run again: the stacks it pops
are copied and the arrays it restores in place are refilled first."""
import gast

from .. import runtime
from ..backend.codegen import annotate, function_def
from ..backend.optimize import dead_code
from ..ir.syntax import load, store, assign, call, tuple_, clone, const, names_read, walk
from .cleanup import _fold


def _split(norm, rt, primal, adjoint, grads, dout, name):
    """Forward function (returns output and residuals) and backward function."""
    loc = norm.fs.loc
    defined = set(norm.params)
    for st in primal:
        for n in walk(st):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                defined.add(n.id)
    read = set()
    for st in adjoint:
        read |= names_read(st)
    for g in grads:
        read |= names_read(g)
    residuals = sorted((read & defined) - {dout})
    stacks = [s for s in rt.stack_names if s in residuals]
    res_name = norm.names.fresh("residuals")
    top_level = set(norm.params)
    for st in primal:
        if isinstance(st, gast.Assign):
            top_level |= {n.id for n in walk(st.targets[0]) if isinstance(n, gast.Name)}
    # residuals assigned only on some paths are None on the others
    maybe = [assign(r, const(None)) for r in residuals if r not in top_level]
    # the backward restores arrays written in place (and pops the stacks): keep a copy
    # of each such array as the forward leaves it, to refill it before every backward
    popped = set(stacks)
    for st in adjoint:
        for n in walk(st):
            if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                    and isinstance(n.func.value, gast.Name) and n.func.attr in ("pop", "append"):
                popped.add(n.func.value.id)
    written = {n.value.id for st in adjoint for n in walk(st)
               if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store)
               and isinstance(n.value, gast.Name)}
    # ``x = restore_contents(x, ...)`` (or a checkpoint's refill) refills x in place too
    from ..reverse.checkpoint import refill
    written |= {n.args[0].id for st in adjoint for n in walk(st)
                if isinstance(n, gast.Call) and isinstance(n.func, gast.Name)
                and norm.env.objects.get(n.func.id) in (runtime.restore_contents, refill)
                and n.args
                and isinstance(n.args[0], gast.Name)}
    # (with writes in place, the arrays the stacks and lists hold are refilled too)
    snapshots = {r: norm.names.fresh(r + "_final") for r in residuals
                 if r in written or (written and r in popped)}
    snap = [assign(s, call(norm.env.ref(runtime.copy_structure, "copy_structure"),
                           [load(r), const(True)]) if r in popped
                   else call(norm.env.ref(runtime.saved_copy, "saved_copy"), [load(r)]))
            for r, s in sorted(snapshots.items())]
    carried = residuals + [snapshots[r] for r in sorted(snapshots)]
    output = clone(norm.output)
    if snapshots:
        # the backward writes into arrays the output may be (or view): the caller's
        # output is a copy, which no call of the backward changes
        output = call(norm.env.ref(runtime.copy_structure, "copy_structure"),
                      [output, const(True)])
    ret = gast.Return(value=tuple_([output, tuple_([load(r) for r in carried])]))
    fwd_body = maybe + annotate(_fold(primal + snap + [ret], norm.env, norm.fs), loc)
    fwd = function_def(f"{name}_fwd", norm.params, dead_code(fwd_body),
                       defaults_from=clone(norm.node.args))
    unpack = []
    if residuals:
        target = gast.Tuple(elts=[gast.Name(id=r, ctx=gast.Store(), annotation=None,
                                            type_comment=None) for r in carried],
                            ctx=gast.Store())
        unpack.append(gast.Assign(targets=[target if len(residuals) > 1 else target],
                                  value=load(res_name), type_comment=None))
    # so that the backward can run again: copy the stacks (and lists) it pops, refill
    # the arrays it restores in place (views of them stay valid)
    copies = []
    aliases = _aliases_of(popped, primal) if residuals else ()
    # (every stack with them: an entry that keeps a list, kept(L), must hold the
    # copy that the names and containers P = {'a': L} on other stacks hold)
    keeps = any(isinstance(n, gast.Call) and isinstance(n.func, gast.Name)
                and norm.env.objects.get(n.func.id) is runtime.kept
                for st in primal for n in walk(st))
    together = [r for r in residuals if (r in aliases or keeps and r in popped)
                and r not in snapshots]
    if snapshots:
        # restored and copied at once, with every residual that may hold one of them:
        # a list two of them reach (a stack, a name, a container P = [L]) stays one list
        restored = list(residuals)
    if snapshots and len(restored) > 1:
        copies.append(assign(tuple_([store(r) for r in restored], gast.Store()), call(
            norm.env.ref(runtime.restore_together, "restore_together"),
            [tuple_([load(r) for r in restored]),
             tuple_([load(snapshots[r]) if r in snapshots else const(None) for r in restored])])))
        together, residuals_left = [], [r for r in residuals if r not in restored]
    else:
        residuals_left = residuals
    if len(together) > 1:
        copies.append(assign(tuple_([store(r) for r in together], gast.Store()), call(
            norm.env.ref(runtime.copy_together, "copy_together"), [tuple_([load(r) for r in together])])))
    for r in residuals_left:
        if r in together and len(together) > 1:
            continue
        if r in popped and r not in snapshots:
            copies.append(assign(r, call(norm.env.ref(runtime.copy_structure, "copy_structure"),
                                         [load(r)])))
        elif r in snapshots:
            copies.append(assign(r, call(norm.env.ref(runtime.restore_contents,
                                                      "restore_contents"),
                                         [load(r), load(snapshots[r])])))
    bwd_body = unpack + copies + annotate(_fold(adjoint + [gast.Return(value=tuple_(grads))],
                                                norm.env, norm.fs, also=primal), loc)
    bwd = function_def(f"{name}_bwd", [res_name, dout], dead_code(bwd_body))
    return [fwd, bwd], residuals


def _aliases_of(popped, primal):
    """Of the lists the backward pops from and restores, those the primal binds
    to another name or holds in a container (``P = {'a': L}``, ``f = P['a']``,
    ``P['b'] = L``), with those names: they must be copied together."""
    from ..analysis.activity import walk_stmts
    reads = {}
    for st in walk_stmts(primal):
        if isinstance(st, gast.Expr) and isinstance(st.value, gast.Call) \
                and isinstance(st.value.func, gast.Attribute) \
                and isinstance(st.value.func.value, gast.Name) \
                and st.value.func.attr in ("append", "extend", "insert"):
            # a stack that keeps a list the backward changes, ``L_stack.append(L)``
            # (in a loop too), holds that list itself
            held = set().union(*[names_read(a) for a in st.value.args]) & popped
            if held:
                reads.setdefault(st.value.func.value.id, set()).update(held)
            continue
        if not (isinstance(st, gast.Assign) and len(st.targets) == 1):
            continue
        target, value = st.targets[0], st.value
        if isinstance(target, gast.Name) and target.id in popped \
                and isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
                and value.func.attr == "pop" and isinstance(value.func.value, gast.Name):
            # (``L = L_stack.pop()``: the list the stack kept)
            reads.setdefault(target.id, set()).add(value.func.value.id)
            continue
        # (in a branch or a loop too: ``P = [L]; s = P[0]`` where only one path runs)
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            target = target.value
        if isinstance(target, gast.Name) and isinstance(value, (gast.Name, gast.Subscript, gast.List,
                                                                gast.Tuple, gast.Dict)):
            reads.setdefault(target.id, set()).update(names_read(value))
    out = set(popped)
    grown = True
    while grown:
        new = {name for name, r in reads.items() if name not in out and r & out}
        out |= new
        grown = bool(new)
    # a list nothing else binds or holds (srcdiff's own stacks) is copied on its own
    linked = set()
    for name, r in reads.items():
        if name in out and r & out:
            linked |= {name} | (r & out)
    return linked
