"""Nested defs and lambdas of the function: found by name, dropped once no one
refers to them, refused where one that changes its caller's values escapes
(used other than by a call, which the inliner follows).
"""

import gast

from ...analysis.activity import walk_stmts
from ...ir import anno
from ...ir.syntax import walk
from ..blocks import rewrite_blocks


def local_functions(body, fs):
    """Nested defs and lambdas assigned to names: name -> FunctionDef node."""
    defs = {}
    for s in walk_stmts(body):
        if isinstance(s, gast.FunctionDef):
            defs[s.name] = s
        elif isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) \
                and isinstance(s.value, gast.Lambda):
            lam = anno.get(s.value, "original", s.value)
            node = gast.FunctionDef(name=s.targets[0].id, args=lam.args,
                                    body=[gast.Return(value=lam.body)], decorator_list=[],
                                    returns=None, type_comment=None, type_params=[])
            node.lineno = anno.get(s, "srcline")
            node.body[0].lineno = node.lineno
            defs[s.targets[0].id] = node
    return defs


def drop_unused_defs(norm):
    """Nested ``def``s and lambdas no one refers to (any more: calls to them are
    inlined) are dropped, so the variables they would read are not kept alive."""
    while True:
        used = {n.id for n in walk(norm.node) if isinstance(n, gast.Name)
                and isinstance(n.ctx, gast.Load)}
        dropped = []

        def each(st):
            if isinstance(st, gast.FunctionDef) and st.name not in used:
                dropped.append(st.name)
                return []
            if isinstance(st, gast.Assign) and isinstance(st.value, gast.Lambda) \
                    and isinstance(st.targets[0], gast.Name) and st.targets[0].id not in used:
                dropped.append(st.targets[0].id)      # g = lambda z: ..., never called
                return []
            return [st]

        body = rewrite_blocks(norm.node.body, each)
        if not dropped:
            return
        norm.node.body = body or [gast.Pass()]


def refuse_escaping_writers(norm, caller_names):
    """A nested def (or lambda) that changes its caller's values (writes an item,
    calls a method such as .append, rebinds a nonlocal name) is followed only
    where it is called by name (inlined there). Any other use of it (passed to
    ``map``, bound to another name, put into a list) would hide its writes from
    the derivative: refused, naming the line."""
    defs = local_functions(norm.node.body, norm.fs)
    writers = {name: what for name, d in defs.items()
               for what in [_caller_values_written(d, caller_names)] if what}
    if not writers:
        return
    for st in walk_stmts(norm.node.body):
        if isinstance(st, gast.FunctionDef) or (
                isinstance(st, gast.Assign) and isinstance(st.value, gast.Lambda)):
            continue
        called = {id(n.func) for n in walk(st) if isinstance(n, gast.Call)}
        for n in walk(st):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) \
                    and n.id in writers and id(n) not in called:
                raise norm.fs.loc.error(
                    st, f"the nested function '{n.id}' changes '{writers[n.id]}' of the "
                    "function being differentiated, and is used here other than by a "
                    "call: srcdiff cannot follow its changes",
                    f"call {n.id}(...) directly, or return the new values from it")


def _caller_values_written(fn, caller_names):
    """A caller's name the nested def ``fn`` writes into or rebinds, or None."""
    own = {a.id for a in walk(fn.args) if isinstance(a, gast.Name)}
    nonlocal_ = set()
    for n in walk(fn):
        if isinstance(n, gast.Nonlocal):
            nonlocal_ |= set(n.names)
        elif isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load):
            own.add(n.id)
    own -= nonlocal_
    if nonlocal_:
        return sorted(nonlocal_)[0]
    for n in walk(fn):
        base = None
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store):
            base = n.value
        elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute):
            base = n.func.value
        if isinstance(base, gast.Name) and base.id in caller_names and base.id not in own:
            return base.id
    return None
