"""Annotations: what one stage writes on a syntax node for a later stage to read.

Stages talk to each other through facts attached to tree nodes (the source
line a statement came from, "this statement was split by the reverse
transform", "keep this assignment", ...). Every such fact is declared here,
once, in ``ANNOTATIONS``: its name, what it means and what its value is, the
stages that set it and those that read it, grouped by the stage that sets it
in pipeline order (parse, normalize, inline, analyze, reverse or forward
transform, optimize, codegen), so the table reads as what each stage tells
the next. Code reads and writes annotations only through ``get``/``has``/
``set``/``delete`` (``required`` where the annotation must be there), so a
reader finds every use of one by grepping its name.

A value is stored as an attribute of the node (``attr``), so it travels with
the node through ``copy.deepcopy``, ``ir.syntax.clone`` and the other copies
the stages make. Module names in ``set_by``/``read_by`` are relative to
``srcdiff``; a stage package ("reverse") stands for any of its modules.
"""
import collections

Annotation = collections.namedtuple("Annotation", "name attr set_by read_by doc")

ANNOTATIONS = [
    # ---- frontend.normalize: flattening the user's code into simple statements ----
    Annotation(
        "srcline", "srcline",
        ("backend.optimize.substitution", "forward", "frontend", "ir.syntax", "reverse"),
        ("api.forward_generate", "backend.codegen", "backend.optimize.substitution", "errors",
         "forward", "frontend", "reverse"),
        "The line a statement comes from: an int, the 1-based line number in the parsed "
        "(dedented) source of the function named by its srcloc (else the transformed "
        "function's), or None for a statement with no line; every normalized statement "
        "has it. Errors point there and codegen writes that line as a comment."),
    Annotation(
        "ssa_env", "ssa_env",
        ("frontend.normalizing.calls", "frontend.renaming"),
        ("frontend.inlining.calls", "frontend.renaming"),
        "On a call normalize made: a dict from each name as written to the version "
        "(renamed name) current at the call, which a lambda or nested function inlined "
        "there reads (Python binds free names when called); inlining renames its keys "
        "and values with the code around it."),
    Annotation(
        "original", "srcdiff_original",
        ("frontend.normalizing.expressions",),
        ("frontend.inlining.nested_defs", "frontend.renaming", "frontend.values"),
        "On a lambda kept in the normalized code: a clone of the lambda as written (its "
        "names not renamed), the body inlined when the lambda is called."),
    Annotation(
        "record", "srcdiff_record",
        ("frontend.normalizing.calls", "frontend.records"),
        ("frontend.normalizing", "frontend.records"),
        "On the tuple or dict literal that stands for a NamedTuple or dataclass object "
        "made in the function (a constructor call, ``p._replace(...)``): its "
        "frontend.records.RecordKind (class, fields, the records held in its fields)."),
    Annotation(
        "pre", "srcdiff_pre",
        ("frontend.normalizing.loops",),
        ("frontend.normalizing",),
        "On a loop with an ``else:`` its body can break out of: the list of statements "
        "to put before the loop (``broke = False``, the flag the breaks set)."),
    Annotation(
        "int_check", "srcdiff_int_check",
        ("frontend.normalizing.assignments",),
        ("frontend.inlining.int_checks", "frontend.normalizing.assignments"),
        "``a[i][j] = v`` written ``a[i, j] = v`` where ``i`` is not certainly an int: on "
        "the merged target a bool (check needed), then on the assignment the (filename, "
        "line) of the user's target, for the run-time check runtime.int_index inline "
        "inserts."),
    Annotation(
        "merged", "srcdiff_merged",
        ("frontend.normalizing.assignments",),
        ("frontend.inlining.int_checks",),
        "On an assignment ``a[i, j] = v`` written ``a[i][j] = v``: the (filename, line) "
        "of the user's target, for the check runtime.array_target that ``a`` is an "
        "array (inline inserts it where ``a`` is not certainly one)."),
    Annotation(
        "augassign", "srcdiff_augassign",
        ("frontend.inlining.calls", "frontend.normalizing.assignments", "frontend.renaming"),
        ("analysis.sharing", "frontend"),
        "On ``y_1 = y op v`` written ``y op= v``: the name (str) of the variable whose "
        "array Python changes in place, renamed with the code; None once inline has "
        "made the write in place explicit (``y[...] = y_new``)."),
    Annotation(
        "aug_item", "srcdiff_aug_item",
        ("frontend.normalizing.assignments",),
        ("frontend.writes.item_augassign",),
        "True on ``new = old op v`` of ``L[i] op= v``: Python changes the item's array in "
        "place, which inline's alias checks treat like ``old op= v``."),

    # ---- frontend.records: object fields read as container items ----
    Annotation(
        "number", "srcdiff_number",
        ("frontend.records",),
        ("frontend.writes.memory",),
        "True on the item read ``p[k]`` that replaces the read of an object's field "
        "holding a number: it holds no array, for the alias analyses."),

    # ---- frontend.inline: user functions inlined, alias checks inserted ----
    Annotation(
        "srcloc", "srcloc",
        ("backend.optimize.substitution", "forward.control_flow", "forward.transform",
         "frontend.blocks", "frontend.inlining.calls", "frontend.values", "reverse.transform"),
        ("api.forward_generate", "backend.codegen", "backend.optimize.substitution",
         "forward.control_flow", "forward.transform", "frontend", "reverse.transform"),
        "On a statement inlined from another function: the errors.SourceLocation of that "
        "function's source, to which srcline refers (absent: the transformed "
        "function's); errors and codegen comments name that file and line."),
    Annotation(
        "inline_chain", "inline_chain",
        ("frontend.inlining.calls",),
        ("frontend.inlining",),
        "On a statement inlined from a call: the tuple of the functions inlined to reach "
        "it, outermost first (function objects, or ``(\"local\", name)`` for a nested "
        "def), to find recursive calls."),
    Annotation(
        "recursive", "srcdiff_recursive",
        ("frontend.inlining.inliner",),
        ("frontend.inlining.inliner",),
        "True on ``t = f(...)`` that calls a function being inlined around it: left a "
        "call (the reverse transform differentiates it through call_fwd/call_bwd) and "
        "not tried again."),
    Annotation(
        "indexed", "srcdiff_indexed",
        ("frontend.inlining.index_loops",),
        ("frontend.inlining.inliner",),
        "True on the ``for k in range(n)`` loop inline made of a loop over a "
        "differentiated sequence, so it is not rewritten again."),
    Annotation(
        "private", "srcdiff_private",
        ("frontend.writes.protect",),
        ("analysis.sharing", "frontend.writes.protect"),
        "True on ``p = saved_copy(p)`` at the top of the function, for a parameter "
        "written in place: its value is a private copy that shares no memory."),
    Annotation(
        "fresh", "srcdiff_fresh",
        ("frontend.writes.augassign_aliases",),
        ("analysis.sharing", "frontend.writes"),
        "True on ``t = <op>`` after which inline checks at run time "
        "(runtime.fresh_value) that the value shares no memory with the op's sources: "
        "the alias analyses take it as a new value."),

    # ---- analysis.activity: classifying operations ----
    Annotation(
        "temporary", "srcdiff_temporary",
        ("analysis.activity",),
        ("analysis.activity",),
        "True on the name receiving a refused attribute or method call when it is a "
        "value the transform named, not a user's variable: the refusal says \"a value "
        "computed on this line\"."),

    # ---- reverse: the adjoint sweep and what it saves (api.reverse_mode, optimize) ----
    Annotation(
        "split", "srcdiff_split",
        ("reverse.calls",),
        ("reverse.assignments", "reverse.calls", "reverse.loops", "reverse.transform"),
        "On ``t = f(...)`` differentiated through call_fwd/call_bwd, once its primal is "
        "rewritten ``t, res = call_fwd(f, ...)``: the tuple (t, the activity.Op of the "
        "original call, res: the name of the residual call_bwd reads)."),
    Annotation(
        "iterlocal", "srcdiff_iterlocal",
        ("reverse.loops",),
        ("reverse.assignments", "reverse.loops", "reverse.restores"),
        "On an assignment in a loop body binding a name assigned nowhere else: the loop "
        "(For or While node) it is local to; its value is pushed once per iteration "
        "and popped when the reversed iteration starts, instead of restored."),
    Annotation(
        "push_after", "srcdiff_push_after",
        ("reverse.loops",),
        ("reverse.restores",),
        "On an iterlocal assignment: the statement of the loop body after which its "
        "value is pushed (itself, or the last statement that writes into its array)."),
    Annotation(
        "invariant", "srcdiff_invariant",
        ("reverse.loops",),
        ("reverse.assignments", "reverse.loops", "reverse.recompute"),
        "True on an iterlocal assignment whose value is the same in every iteration "
        "(nothing it reads changes in the loops around it): not saved at all."),
    Annotation(
        "unit_seed", "srcdiff_unit_seed",
        ("reverse.transform",),
        ("backend.optimize.accumulations", "reverse.tidy"),
        "On the statement seeding the output's cotangent: True when the seed is a "
        "constant (1.0, for a real scalar output), which reverse.tidy puts into the "
        "expressions reading it; optimize merges the statement into no sum."),
    Annotation(
        "nofold", "srcdiff_nofold",
        ("reverse.transform",),
        ("backend.optimize",),
        "True on a statement (the seed) that optimize folds no earlier value into and "
        "merges into no sum with the addition after it."),
    Annotation(
        "keep", "srcdiff_keep",
        ("api.generate", "reverse.transform"),
        ("backend.optimize",),
        "True on an assignment optimize leaves as it is (not folded into its uses, not "
        "removed by copy propagation, not merged into a sum): the seed, and the outputs "
        "kept aside before the adjoint sweep restores overwritten names."),
    Annotation(
        "sequence", "srcdiff_sequence",
        ("reverse.loops",),
        ("reverse.checkpoint", "reverse.primal"),
        "True on a primal for loop whose reversed loop iterates its sequence backwards: "
        "the primal makes its iterable a sequence (runtime.as_sequence) first."),
    Annotation(
        "primal_loop", "srcdiff_primal_loop",
        ("reverse.loops",),
        ("reverse.checkpoint", "reverse.recompute", "reverse.restores"),
        "On a reversed loop of the adjoint sweep: the primal loop statement (For or "
        "While node) it runs backwards."),
    Annotation(
        "count", "srcdiff_count",
        ("reverse.loops",),
        ("reverse.checkpoint", "reverse.primal"),
        "On a primal while loop, or for loop with a break: the name (str) of the "
        "variable the primal counts its iterations in, as many as the reversed loop "
        "runs."),
    Annotation(
        "count_stack", "srcdiff_count_stack",
        ("reverse.loops",),
        ("reverse.primal", "reverse.saving"),
        "On a counted loop (see count): the name (str) of the list its count is pushed "
        "onto after the loop when it runs inside another loop, else None."),
    Annotation(
        "cotangent", "srcdiff_cotangent",
        ("backend.optimize.copies", "reverse.saving"),
        ("backend.optimize",),
        "True on a read of a cotangent's name in the adjoint sweep (floating point, "
        "where negation is exact): optimize folds signs into it; a read renamed by copy "
        "propagation keeps it only if both names had it."),

    # ---- forward: tangent code and its symbolic zeros ----
    Annotation(
        "default", "srcdiff_default",
        ("forward.rule_defaults",),
        ("forward.rule_defaults",),
        "True on the literal a JVP rule's default parameter value became in the inlined "
        "rule: the keyword passing it is dropped where it is the called function's "
        "default too."),
    Annotation(
        "zero_of", "zero_of",
        ("forward.zeros",),
        ("forward.zeros",),
        "On a Zero marker (the name forward.zeros.ZERO_ID): the primal expression whose "
        "tangent it stands for, materialized as ``zeros_like_value(primal)``."),
    Annotation(
        "zero_src", "zero_src",
        ("forward.zeros",),
        ("forward.zeros",),
        "On a Zero marker folding made: the expression over zeros it stands for "
        "(``-Zero``, ``Zero[i]``), materialized by materializing that expression."),

    # ---- backend.codegen: the stdlib ast nodes of the generated source ----
    Annotation(
        "tight", "_srcdiff_tight",
        ("backend.codegen",),
        ("backend.codegen",),
        "True on a number constant (a stdlib ast node) whose attribute, item or call is "
        "taken: its text is parenthesized (``(1.5).real``)."),
]

_ATTR = {a.name: a.attr for a in ANNOTATIONS}
_MISSING = object()


def get(node, name, default=None):
    """The annotation ``name`` of ``node``, or ``default`` where it has none."""
    return getattr(node, _ATTR[name], default)


def required(node, name):
    """The annotation ``name`` of ``node``, which the caller knows is there:
    AttributeError where it is not (a bug of the stage that should have set it)."""
    return getattr(node, _ATTR[name])


def has(node, name):
    """Does ``node`` carry the annotation ``name``?"""
    return getattr(node, _ATTR[name], _MISSING) is not _MISSING


def set(node, name, value):    # noqa: A001 (the module's verb; builtins.set is not used here)
    """Annotate ``node`` with ``name`` = ``value``."""
    setattr(node, _ATTR[name], value)


def delete(node, name):
    """Remove the annotation ``name`` from ``node`` (it must be there)."""
    delattr(node, _ATTR[name])
