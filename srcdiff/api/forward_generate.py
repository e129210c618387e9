"""The forward pipeline: a function prepared (code srcdiff generated, for
forward-over-reverse, without inlining where the inliner refuses it), the
forward transform (primal statements with tangent statements interleaved),
code generation; the Generated code, cached per (function, wrt, sequences,
records) (api.cache)."""
import gast
import numpy as np

from ..backend.optimize import dead_code
from ..backend.codegen import annotate, compile_functions, function_def, with_errstate
from ..errors import SrcdiffError, user_names
from ..forward.transform import ForwardTransform
from ..frontend.normalize import normalize
from ..frontend.parse import parse_function
from ..frontend.prepare import prepare
from ..ir.syntax import clone, tuple_
from ..ir import anno
from ..ir.templates import HelperEnv
from .cache import LRU, SIZE, generated
from .cleanup import _resolver
from .generate import Generated, bound_helpers

_cache = LRU(SIZE)      # generated forward code (cache.py)


def generate_forward(func, wrt_names, sequences=(), records=()):
    """The generated forward function of ``func`` (tangents for ``wrt_names``;
    ``sequences``: the parameters that hold lists or tuples; ``records``: pairs
    (parameter, RecordKind) of the object parameters, records.py)."""
    sequences = tuple(sorted(sequences))
    records = tuple(sorted(records, key=lambda r: r[0]))
    return generated(_cache, func, (tuple(wrt_names), "jvp", sequences, records),
                     lambda: _generate_forward(func, wrt_names, sequences, records))


def _generate_forward(func, wrt_names, sequences=(), records=()):
    norm = _prepare(func, wrt_names, records)
    fs = norm.fs
    env = norm.env
    ft = ForwardTransform(norm, wrt_names, env, sequences)
    with user_names(norm.names):
        stmts, dout, tparams = ft.run()
    loc = fs.loc
    result = tuple_([clone(norm.output), dout])
    notes = _annotate_generated(stmts, loc) if _generated(fs) else annotate(stmts, loc)
    body = dead_code(notes + [gast.Return(value=result)], _resolver(env, fs))
    name = fs.name
    fn = function_def(f"{name}_jvp", list(norm.params) + tparams, body)
    title = f"srcdiff jvp of {fs.func.__qualname__} ({loc.filename}:{fs.func.__code__.co_firstlineno})"
    if _generated(fs):
        title = f"srcdiff jvp of {fs.func.__name__}, generated from {loc.filename.strip('<>')}"
    fn = with_errstate(fn, norm.errstate, env.ref(np.errstate, "errstate"))
    fns, text = compile_functions([fn], env.objects, fs.globals, title, origin=fs.func)
    gen = Generated(fns, text, fs.original_source(), list(norm.params), list(wrt_names),
                    bound_helpers(fns, env.objects))
    gen.tangent_params = tparams
    return gen


def _generated(fs):
    return fs.loc.filename.startswith("<srcdiff-")


def _prepare(func, wrt_names, records=()):
    """The normalized function. Code srcdiff generated (a gradient, for
    forward-over-reverse) is refused by the inliner's view checks where it saves
    elements of an array a loop writes into (aimed at user code); it is then
    normalized without inlining, which it needs only for helpers without rules."""
    fs = parse_function(func)
    if not _generated(fs):
        return prepare(func, wrt_names, records)
    try:
        return prepare(func, wrt_names, records)   # inlines helpers without rules (if any)
    except SrcdiffError:
        pass
    norm = normalize(fs)
    norm.env = HelperEnv(norm.names, fs.globals, fs.closure)
    for free in sorted(fs.closure):
        norm.env.objects[free] = fs.closure[free]
    fs.extra = norm.env.objects
    return norm


def _annotate_generated(stmts, loc):
    """Comments for code made from generated code: the comment that precedes each
    statement in the generated source (it names the user's line), once per change."""
    from ..ir.syntax import comment, is_comment
    lines = loc.lines

    def note(line):
        if line is None:
            return None
        for k in range(min(line, len(lines)) - 1, -1, -1):
            text = lines[k].strip()
            if text.startswith("#"):
                return text.lstrip("#").strip()
            if text.startswith("def "):
                return None
        return None

    def visit(block, prev):
        res = []
        for s in block:
            text = note(anno.get(s, "srcline")) if anno.get(s, "srcloc", loc) is loc \
                else None
            if text and text != prev[0] and not is_comment(s):
                res.append(comment(text))
                prev[0] = text
            for field in ("body", "orelse"):
                sub = getattr(s, field, None)
                if isinstance(sub, list) and sub and not isinstance(s, gast.FunctionDef):
                    setattr(s, field, visit(sub, prev))
            res.append(s)
        return res

    return visit(stmts, [None])
