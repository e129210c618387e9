"""Renaming the names of inlined statements into the caller's namespace.

An inlined body reads the caller's names for the callee's parameters, locals
and free names. The renaming reaches into what the statements carry besides
their own names: the bodies of nested defs and lambdas as written (read when
a call of one is inlined later), keyword arguments of calls to them, the
``augassign`` annotation and the names-as-written environments (``ssa_env``)
of calls.
"""

import gast

from ..ir import anno
from ..ir.syntax import walk


def walk_as_written(node):
    """gast.walk, also through the lambdas' bodies as written (``srcdiff_original``,
    kept aside by normalize and read when a call of the lambda is inlined)."""
    for n in walk(node):
        yield n
        if isinstance(n, gast.Lambda) and anno.get(n, "original") is not None:
            yield from walk_as_written(anno.get(n, "original"))


def rename_all(stmts, mapping):
    # keyword arguments of calls to the nested functions renamed here follow
    # their renamed parameters (g(z, k=1) after k became k_1)
    local = {n.name for s in stmts for n in walk(s) if isinstance(n, gast.FunctionDef)}
    local |= {n.targets[0].id for s in stmts for n in walk(s) if isinstance(n, gast.Assign)
              and isinstance(n.targets[0], gast.Name) and isinstance(n.value, gast.Lambda)}
    for s in stmts:
        for n in walk_as_written(s):
            if isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id in local:
                for k in n.keywords:
                    if k.arg in mapping:
                        k.arg = mapping[k.arg]
    # the bodies of nested defs and lambdas as written are renamed with the rest, so
    # that a call of one inlined later reads the names of the namespace it is now in
    for s in stmts:
        for n in walk_as_written(s):
            if isinstance(n, gast.Name) and n.id in mapping:
                n.id = mapping[n.id]
            elif isinstance(n, gast.FunctionDef) and n.name in mapping:
                n.name = mapping[n.name]
            elif anno.get(n, "augassign") in mapping:
                # (y op= v: the name whose array Python changes, read by the alias checks)
                anno.set(n, "augassign", mapping[anno.get(n, "augassign")])
            elif isinstance(n, gast.Call) and anno.get(n, "ssa_env") is not None:
                # (names as written -> the versions current at the call, which a
                # lambda called here reads; a name missing is its own version).
                # The keys are names as written, renamed like the bodies: kept
                # as they were, one could name a different variable of the new
                # namespace (the helper's temporary t_1 where the body now reads
                # the caller's t_1) and give it that variable's version
                # A renamed key may meet a name the body reads as written (a
                # helper's parameter a4 replaced by the caller's argument W1, which
                # the body also reads as a global): a renamed key whose version is
                # another name is left out, since a name a nested function reads is
                # never versioned (normalize), so the function does not read it
                names_at_call = anno.get(n, "ssa_env")
                env = {k: mapping.get(v, v) for k, v in names_at_call.items() if k not in mapping}
                for k, v in names_at_call.items():
                    if k in mapping and mapping.get(v, v) == mapping[k]:
                        env.setdefault(mapping[k], mapping[k])
                anno.set(n, "ssa_env", env)
