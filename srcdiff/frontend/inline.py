"""Calls into user functions: inlined into the caller's normalized body.

A call whose result may depend on the differentiated inputs is replaced by
the callee's normalized body, with the callee's parameters and locals renamed
to fresh names of the caller (``h = cell(h, x)`` becomes ``cell_h = h;
cell_x = x; ...; h_1 = cell_out``). Nested functions and lambdas (which
close over the caller's variables) are inlined the same way; so are module
functions from other modules, whose global names are bound for the
generated code. Loops over differentiated sequences (``for row in X``,
``zip``, ``enumerate``) become index loops, so each row's cotangent flows
back into ``X``'s.

This module runs the stage: the inliner (frontend.inlining), then the passes
that tidy and check what it made, and the protection of in-place writes
(frontend.writes).
"""

from ..ir.templates import HelperEnv
from .inlining.branch_snapshots import snapshot_tests
from .inlining.inliner import Inliner
from .inlining.int_checks import insert_int_checks
from .inlining.nested_defs import drop_unused_defs, refuse_escaping_writers
from .writes.protect import protect_writes


def inline_calls(norm, wrt):
    if not hasattr(norm, "env"):
        fs = norm.fs
        norm.env = HelperEnv(norm.names, fs.globals, fs.closure)
        for free in sorted(fs.closure):
            norm.env.objects[free] = fs.closure[free]
    inl = Inliner(norm, wrt)
    norm = inl.run()
    drop_unused_defs(norm)
    refuse_escaping_writers(norm, inl.local_names)
    insert_int_checks(norm, inl.classifier)
    snapshot_tests(norm)
    if not norm.fs.loc.filename.startswith("<srcdiff"):
        # (generated code writes only into buffers it owns)
        protect_writes(norm, inl.classifier)
    return norm
