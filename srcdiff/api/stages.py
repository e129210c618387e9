"""See every stage: a function's source after each step of the pipeline.

``stage_source(func, stage)`` is the text of what the pipeline of
``srcdiff.grad`` (``mode="forward"``: of ``srcdiff.jvp_source``) holds once
that stage is done:

    parse      the function as frontend.parse reads it
    normalize  A-normal form (frontend.normalize), before user calls are inlined
    inline     what frontend.prepare gives the transforms: user calls inlined
    reverse    the function reverse.transform made, before the clean-up passes
    optimize   the generated code: the text ``srcdiff.source`` shows

Each tree comes from the functions the pipeline itself runs (the reverse
stage from api.generate's reverse pipeline, which reports it) and is printed by
backend.codegen's renderer, so it reads like generated code. A normalized
function keeps its single result aside (``Normalized.output``): it is shown
as the function's ``return``. ``python -m srcdiff FILE.py::FUNC --stage
STAGE`` prints this text.
"""
import gast

from ..backend.codegen import render
from ..frontend.normalize import normalize
from ..frontend.parse import parse_function
from ..ir.syntax import clone
from . import forward_generate, forward_mode, generate, parameters, reverse_mode

__all__ = ["STAGES", "MODE_STAGES", "stage_source"]

STAGES = ("parse", "normalize", "inline", "reverse", "optimize")
MODE_STAGES = {"reverse": STAGES, "forward": ("parse", "normalize", "inline", "optimize")}


def stage_source(func, stage, wrt=None, mode="reverse"):
    """The source of ``func`` after ``stage`` (one of MODE_STAGES[mode]) of the
    derivative w.r.t. ``wrt`` (as ``srcdiff.grad`` or ``srcdiff.jvp_source``
    take it; None: the first parameter)."""
    if mode not in MODE_STAGES:
        raise ValueError(f"mode must be one of {', '.join(MODE_STAGES)}, not {mode!r}")
    if stage not in MODE_STAGES[mode]:
        raise ValueError(f"stage {stage!r} does not apply to {mode} mode (its stages: "
                         f"{', '.join(MODE_STAGES[mode])})")
    wrt = 0 if wrt is None else wrt
    if mode == "forward":
        return _forward_stage(func, stage, wrt)
    return _reverse_stage(func, stage, wrt)


def _reverse_stage(func, stage, wrt):
    gradient = reverse_mode.grad(func, wrt)
    generated = reverse_mode.source(gradient)
    if stage == "optimize":
        return generated
    disp = gradient.__srcdiff_dispatch__
    spec, tupled, records = _unknown_kinds(disp)
    if stage in ("parse", "normalize"):
        return _front_stage(disp.func, stage, records)
    shown = {}
    gen = generate._generate_uncached(
        disp.func, disp.gen_names, disp.mode, disp.has_aux, spec,
        frozenset(p for p, k in spec if k == "c"), tupled, disp.checkpoint, records,
        observe=lambda name, result: shown.setdefault(name, _render(result)))
    if gen.source != generated:
        raise RuntimeError(f"the stages of {disp.func.__qualname__} were generated with "
                           "options that differ from srcdiff.grad's")
    return shown[stage]


def _unknown_kinds(disp):
    """The options ``disp`` (a gradient's api.dispatch._Dispatch) generates
    its code for arguments of unknown kinds with, as its ``variant(None)``
    gives them to ``_generate``: (spec, tupled, records)."""
    spec = frozenset([(disp.vararg, "c")] if disp.vararg is not None else [])
    tupled = disp.picks is not None or (not disp.single and len(disp.names) == 1)
    records = ((disp.params[0], disp.bound_kind),) if disp.bound_kind is not None else ()
    return spec, tupled, records


def _forward_stage(func, stage, wrt):
    tangent_code = forward_mode.jvp_source(func, wrt)
    if stage == "optimize":
        return reverse_mode.source(tangent_code)
    plain = parameters._plain(func)[0]
    if stage in ("parse", "normalize"):
        return _front_stage(plain, stage, ())
    return _render(forward_generate._prepare(plain, tangent_code.__srcdiff_generated__.wrt))


def _front_stage(func, stage, records):
    """The parse or normalize stage, as frontend.prepare runs them."""
    fs = parse_function(func)
    if stage == "parse":
        return _render(fs.node)
    return _render(normalize(fs, varargs=fs.node.args.kwarg is None, records=dict(records)))


def _render(result):
    """The source text of a stage's result: a FunctionDef, or a Normalized
    function (shown with its output as the ``return``). A copy is rendered
    (the renderer rewrites the tree it is given)."""
    if isinstance(result, gast.FunctionDef):
        return render(clone(result))
    node = clone(result.node)
    node.body = node.body + [gast.Return(value=clone(result.output))]
    return render(node)
