"""Annotations: what one stage writes on a gast node for a later stage to read.

Stages talk to each other through facts attached to tree nodes (the source
line a statement came from, "this statement was split by the reverse
transform", "keep this assignment", ...). Every such fact is declared here,
once, with the modules that use it and what it means; code reads and writes
them only through ``get``/``has``/``set``/``delete``, so a reader can find
what one stage tells the next by grepping a name.

A value is stored as an attribute of the node (``attr``), so it travels with
the node through ``copy.deepcopy`` and the clones the stages make.
"""
import collections

Annotation = collections.namedtuple("Annotation", "name attr used_in doc")

ANNOTATIONS = [
    Annotation("aug_item", "srcdiff_aug_item", ('frontend.inline', 'frontend.normalize'), ""),
    Annotation("augassign", "srcdiff_augassign", ('analysis.sharing', 'frontend.inline', 'frontend.list_names', 'frontend.normalize'), ""),
    Annotation("cotangent", "srcdiff_cotangent", ('backend.optimize', 'reverse.transform'), ""),
    Annotation("count", "srcdiff_count", ('reverse.checkpoint', 'reverse.transform'), ""),
    Annotation("count_stack", "srcdiff_count_stack", ('reverse.transform',), ""),
    Annotation("default", "srcdiff_default", ('forward.transform',), ""),
    Annotation("fresh", "srcdiff_fresh", ('analysis.sharing', 'frontend.inline'), ""),
    Annotation("indexed", "srcdiff_indexed", ('frontend.inline',), ""),
    Annotation("int_check", "srcdiff_int_check", ('frontend.inline', 'frontend.normalize'), ""),
    Annotation("invariant", "srcdiff_invariant", ('reverse.transform',), ""),
    Annotation("iterlocal", "srcdiff_iterlocal", ('reverse.transform',), ""),
    Annotation("keep", "srcdiff_keep", ('api.reverse_mode', 'backend.optimize', 'reverse.transform'), ""),
    Annotation("merged", "srcdiff_merged", ('frontend.inline', 'frontend.normalize'), ""),
    Annotation("nofold", "srcdiff_nofold", ('backend.optimize', 'reverse.transform'), ""),
    Annotation("number", "srcdiff_number", ('frontend.inline', 'frontend.records'), ""),
    Annotation("original", "srcdiff_original", ('frontend.inline', 'frontend.normalize', 'frontend.values'), ""),
    Annotation("pre", "srcdiff_pre", ('frontend.normalize',), ""),
    Annotation("primal_loop", "srcdiff_primal_loop", ('reverse.checkpoint', 'reverse.transform'), ""),
    Annotation("private", "srcdiff_private", ('analysis.sharing', 'frontend.inline'), ""),
    Annotation("push_after", "srcdiff_push_after", ('reverse.transform',), ""),
    Annotation("record", "srcdiff_record", ('frontend.normalize', 'frontend.records'), ""),
    Annotation("recursive", "srcdiff_recursive", ('frontend.inline',), ""),
    Annotation("sequence", "srcdiff_sequence", ('reverse.checkpoint', 'reverse.transform'), ""),
    Annotation("split", "srcdiff_split", ('reverse.transform',), ""),
    Annotation("tangent", "srcdiff_tangent", ('forward.transform',), ""),
    Annotation("temporary", "srcdiff_temporary", ('analysis.activity',), ""),
    Annotation("unit_seed", "srcdiff_unit_seed", ('backend.optimize', 'reverse.tidy', 'reverse.transform'), ""),
    Annotation("srcline", "srcline", ('api.forward_mode', 'backend.codegen', 'backend.optimize', 'errors', 'forward.transform', 'frontend.inline', 'frontend.normalize', 'frontend.values', 'ir.syntax', 'reverse.checkpoint', 'reverse.transform'), ""),
    Annotation("srcloc", "srcloc", ('api.forward_mode', 'backend.codegen', 'backend.optimize', 'forward.transform', 'frontend.inline', 'frontend.records', 'frontend.values', 'reverse.transform'), ""),
    Annotation("inline_chain", "inline_chain", ('frontend.inline',), ""),
    Annotation("ssa_env", "ssa_env", ('frontend.inline', 'frontend.normalize', 'frontend.prepare'), ""),
]

_ATTR = {a.name: a.attr for a in ANNOTATIONS}
_MISSING = object()


def get(node, name, default=None):
    """The annotation ``name`` of ``node``, or ``default`` where it has none."""
    return getattr(node, _ATTR[name], default)


def has(node, name):
    """Does ``node`` carry the annotation ``name``?"""
    return getattr(node, _ATTR[name], _MISSING) is not _MISSING


def set(node, name, value):    # noqa: A001 (the module's verb; builtins.set is not used here)
    """Annotate ``node`` with ``name`` = ``value``."""
    setattr(node, _ATTR[name], value)


def delete(node, name):
    """Remove the annotation ``name`` from ``node`` (it must be there)."""
    delattr(node, _ATTR[name])
