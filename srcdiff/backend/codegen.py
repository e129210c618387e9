"""gast -> ast -> source -> code object, with comments and linecache entries.

Generated functions are compiled as plain Python. Their module globals are
the user's function's globals (so user names resolve live, as in the
original), and the helpers they use (``np`` for rule code, ``unbroadcast``,
...) are bound as closure variables. The source registered with linecache is
the standalone text ``srcdiff.source`` shows, with the function at the same
line numbers as the compiled code, so tracebacks and ``inspect.getsource``
show the generated code.
"""
import ast
import builtins
import itertools
import linecache
import math
import os
import threading
import types
import warnings
import weakref

import gast

from ..ir import anno
from ..ir.syntax import COMMENT_TAG, Transformer, comment, converter, is_comment, walk_fielded
from ..runtime.origins import register_origin, release_origin


def _import_astor():
    """astor, the preferred emitter, or None where it is missing, hidden
    (``SRCDIFF_NO_ASTOR=1``) or fails to import. Its import touches ``ast.Num``,
    deprecated since Python 3.12: that warning is astor's, not the user's."""
    if os.environ.get("SRCDIFF_NO_ASTOR"):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import astor
    except Exception:
        return None
    return astor


astor = _import_astor()

__all__ = ["annotate", "function_def", "render", "compile_functions"]

_counter = itertools.count()
_lock = threading.Lock()


def annotate(stmts, loc, seen=None):
    """Insert a ``# <source line>`` comment wherever the originating line changes."""
    out = []
    last = [None]

    def visit(block):
        res = []
        prev = None
        for s in block:
            line = anno.get(s, "srcline")
            where = anno.get(s, "srcloc", loc)
            if line is not None and (where, line) != prev and not is_comment(s):
                text = _line_text(where, line)
                if text:
                    res.append(comment(f"{text}  [{os.path.basename(where.filename)}:"
                                       f"{where.first_line + line - 1}]"))
                prev = (where, line)
            for field in ("body", "orelse"):
                sub = getattr(s, field, None)
                if isinstance(sub, list) and sub and not isinstance(s, gast.FunctionDef):
                    setattr(s, field, visit(sub))
            res.append(s)
        return res

    return visit(stmts)


def _line_text(loc, line):
    if line is None or not (1 <= line <= len(loc.lines)):
        return None
    return loc.lines[line - 1].strip()


def function_def(name, params, body, defaults_from=None):
    """A gast FunctionDef with the given positional parameter names."""
    if defaults_from is not None:
        args = defaults_from
    else:
        args = gast.arguments(args=[gast.Name(id=p, ctx=gast.Param(), annotation=None,
                                              type_comment=None) for p in params],
                              posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                              kwarg=None, defaults=[])
    return gast.FunctionDef(name=name, args=args, body=body or [gast.Pass()], decorator_list=[],
                            returns=None, type_comment=None, type_params=[])


def with_errstate(fn, errstate, errstate_ref):
    """Run ``fn``'s whole body under ``np.errstate(**errstate)`` (the user's
    ``with np.errstate(...)`` blocks, which only silence or report: the generated
    code evaluates the same expressions, and more, without them)."""
    if errstate:
        keywords = [gast.keyword(arg=k, value=gast.Constant(value=v, kind=None))
                    for k, v in sorted(errstate.items())]
        item = gast.withitem(context_expr=gast.Call(func=errstate_ref, args=[], keywords=keywords),
                             optional_vars=None)
        fn.body = [gast.With(items=[item], body=fn.body, type_comment=None)]
    return fn


class _Fixer(Transformer):
    """Make substituted trees valid Python: a slice outside a subscript becomes
    ``slice(a, b, c)``; an empty block gets ``pass``."""

    def visit_Subscript(self, node):
        node.value = self.visit(node.value)
        sl = node.slice
        if isinstance(sl, gast.Slice):
            node.slice = gast.Slice(lower=self.visit(sl.lower) if sl.lower else None,
                                    upper=self.visit(sl.upper) if sl.upper else None,
                                    step=self.visit(sl.step) if sl.step else None)
        elif isinstance(sl, gast.Tuple):
            node.slice = gast.Tuple(elts=[self._keep(e) for e in sl.elts], ctx=gast.Load())
        else:
            node.slice = self.visit(sl)
        return node

    def _keep(self, e):
        if isinstance(e, gast.Slice):
            return gast.Slice(lower=self.visit(e.lower) if e.lower else None,
                              upper=self.visit(e.upper) if e.upper else None,
                              step=self.visit(e.step) if e.step else None)
        return self.visit(e)

    def visit_Slice(self, node):
        parts = [self.visit(p) if p is not None else gast.Constant(value=None, kind=None)
                 for p in (node.lower, node.upper, node.step)]
        return gast.Call(func=gast.Name(id="slice", ctx=gast.Load(), annotation=None,
                                        type_comment=None), args=parts, keywords=[])

    def visit_BinOp(self, node):
        node = self.generic_visit(node)
        # x ** 2, x ** 3, x ** 4 as products: NumPy's pow is many times slower
        if isinstance(node.op, gast.Pow) and isinstance(node.right, gast.Constant) \
                and type(node.right.value) is int and 2 <= node.right.value <= 4 \
                and isinstance(node.left, (gast.Name, gast.Constant)):
            out = node.left
            for _ in range(node.right.value - 1):
                out = gast.BinOp(left=out, op=gast.Mult(), right=_copy(node.left))
            return out
        return node

    def generic_visit(self, node):
        node = super().generic_visit(node)
        if isinstance(node, (gast.If, gast.For, gast.While, gast.FunctionDef)):
            if all(is_comment(s) for s in node.body):
                node.body = list(node.body) + [gast.Pass()]
            if hasattr(node, "orelse") and all(is_comment(s) for s in node.orelse):
                node.orelse = []
        return node


def _copy(node):
    from ..ir.syntax import clone
    return clone(node)


def render(node):
    """Source text of a gast node, with comment statements turned into comments."""
    node = _Fixer().visit(node)
    tree = _gast_to_ast(gast.Module(body=[node], type_ignores=[]))
    return _comments_as_comments(emit(tree))


_gast_to_ast = converter(to_gast=False)


def emit(tree, use_astor=None):
    """Python source of an ``ast`` tree, the same text from both emitters:
    astor (without its line wrapping) where it is installed and works, else the
    standard library's ``ast.unparse``. ``use_astor=False`` forces the latter.
    What the two write differently is written here, for both, before either
    runs: numbers and ``and`` in ``or`` (``_AstorForms``) and tuples (``_BareTuples``), rewritten in place
    (one pass does both: ``_AstorText``)."""
    tree = _AstorText().visit(tree)
    if astor is not None and use_astor is not False:
        try:
            return astor.to_source(tree, pretty_source="".join)
        except Exception:  # astor lags behind new Python versions and syntax
            pass
    ast.fix_missing_locations(tree)    # (ast.unparse reads statements' line numbers)
    return ast.unparse(tree) + "\n"


def number_text(value):
    """How astor writes a number: ``1.0j`` (not ``1j``), ``-1.0j`` (not
    ``(-0-1j)``), ``(1.0+2.0j)``, infinity as ``1e1000`` and NaN as
    ``(1e1000-1e1000)`` (``ast.unparse``: ``1e309``)."""
    def part(p, imaginary):
        j = "j" if imaginary else ""
        if isinstance(p, float) and math.isinf(p):
            return ("-1e1000" if p < 0 else "1e1000") + j
        if isinstance(p, float) and math.isnan(p):
            return f"(1e1000{j}-1e1000{j})"
        return repr(p) + j

    if not isinstance(value, complex):
        return part(value, False)
    imag = part(value.imag, True)
    if value.real == 0:
        return imag
    real = part(value.real, False)
    if value.imag == 0:
        return f"({real}+0j)"
    return f"({real}{'' if imag.startswith('-') else '+'}{imag})"


class _AstTransformer(Transformer):
    """``ast.NodeTransformer``, made cheaper as ``Transformer`` is."""

    node_base = ast.AST


class _AstorForms(_AstTransformer):
    """What ``ast.unparse`` writes otherwise, as a name whose text is what
    astor writes: each number (``number_text``), in parentheses where a bare
    number would not parse or would mean something else: before ``.attr``,
    ``[...]`` or ``(...)`` (``(2).real``), and a negative base of ``**``
    (``(-2.0) ** x``, not ``-2.0 ** x``, which is ``-(2.0 ** x)``); and an
    ``and`` inside an ``or`` (``a or b and c``: ``ast.unparse`` writes the
    second one as ``a or (b and c)``)."""

    def visit_BoolOp(self, node):
        node = self.generic_visit(node)
        if isinstance(node.op, ast.Or):
            node.values = [ast.copy_location(ast.Name(id=ast.unparse(v), ctx=ast.Load()), v)
                           if isinstance(v, ast.BoolOp) and isinstance(v.op, ast.And) else v
                           for v in node.values]
        return node

    def visit_Constant(self, node):
        value = node.value
        if type(value) not in (int, float, complex):
            return node
        text = number_text(value)
        if anno.get(node, "tight", False) and not text.startswith("("):
            text = f"({text})"
        return ast.copy_location(ast.Name(id=text, ctx=ast.Load()), node)

    def _tight(self, node):
        if isinstance(node, ast.Constant):
            anno.set(node, "tight", True)

    def visit_Attribute(self, node):
        self._tight(node.value)
        return self.generic_visit(node)

    visit_Subscript = visit_Attribute

    def visit_Call(self, node):
        self._tight(node.func)
        return self.generic_visit(node)

    def visit_BinOp(self, node):
        if isinstance(node.op, ast.Pow) and isinstance(node.left, ast.Constant) \
                and type(node.left.value) in (int, float, complex) \
                and number_text(node.left.value).startswith("-"):
            self._tight(node.left)
        return self.generic_visit(node)


class _BareTuples(_AstTransformer):
    """Write the tuple of a ``return``, an assignment's value or target and a
    ``for`` target without parentheses (``return dx, dy``, ``a, b = t``), as
    astor does and Python 3.10's ``ast.unparse`` does not: the tuple becomes a
    name whose text is its items."""

    def _bare(self, node):
        if isinstance(node, ast.Tuple) and node.elts:
            items = [ast.unparse(e) if not isinstance(e, ast.Tuple) or e.elts else "()"
                     for e in node.elts]
            text = ", ".join(items) + ("," if len(items) == 1 else "")
            return ast.copy_location(ast.Name(id=text, ctx=node.ctx), node)
        return node

    def visit_Return(self, node):
        node = self.generic_visit(node)
        node.value = self._bare(node.value)
        return node

    def visit_Assign(self, node):
        node = self.generic_visit(node)
        node.targets = [self._bare(t) for t in node.targets]
        node.value = self._bare(node.value)
        return node

    def visit_For(self, node):
        node = self.generic_visit(node)
        node.target = self._bare(node.target)
        return node


class _AstorText(_AstorForms, _BareTuples):
    """``_AstorForms`` and ``_BareTuples`` in one pass: the statements
    ``_BareTuples`` rewrites are rewritten after their expressions, which
    ``_AstorForms`` rewrites, as when one pass follows the other."""


def _comments_as_comments(text):
    """Comment statements (tagged string expressions) as ``# ...`` lines."""
    lines = []
    for ln in text.splitlines():
        stripped = ln.strip()
        if COMMENT_TAG.encode("unicode_escape").decode() in stripped or COMMENT_TAG in stripped:
            indent = ln[:len(ln) - len(ln.lstrip())]
            value = _comment_text(stripped)
            lines.append(indent + "# " + str(value).replace(COMMENT_TAG, ""))
        else:
            lines.append(ln)
    return "\n".join(lines) + "\n"


_ESCAPED_TAG = COMMENT_TAG.encode("unicode_escape").decode()


def _comment_text(literal):
    """The string a comment statement's literal (as emitted) holds: read
    directly when it is the tag and text with no escapes or quotes (the
    common case, ``'\\x00srcdiff-comment\\x00a = b  [f.py:3]'``), else parsed."""
    q = literal[:1]
    if q in ("'", '"') and literal.endswith(q) and literal.startswith(_ESCAPED_TAG, 1):
        rest = literal[1 + len(_ESCAPED_TAG):-1]
        if "\\" not in rest and q not in rest:
            return COMMENT_TAG + rest
    try:
        return ast.literal_eval(literal)
    except (ValueError, SyntaxError):
        return literal


def _import_line(name, obj):
    if isinstance(obj, types.ModuleType):
        mod = obj.__name__
        if mod == name:
            return f"import {mod}"
        if "." in mod and mod.rsplit(".", 1)[1] == name:
            return f"from {mod.rsplit('.', 1)[0]} import {name}"
        return f"import {mod} as {name}"
    mod = getattr(obj, "__module__", None)
    qual = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if mod and qual and "<" not in qual and "." not in qual:
        if mod == "builtins":
            return None
        if mod == "numpy" or mod.startswith("numpy."):
            return f"from numpy import {qual}" + (f" as {name}" if qual != name else "") \
                if _importable("numpy", qual) else None
        return f"from {mod} import {qual}" + (f" as {name}" if qual != name else "")
    return None


def _importable(mod, qual):
    try:
        import importlib
        return hasattr(importlib.import_module(mod), qual)
    except Exception:
        return False


def compile_functions(defs, helpers, user_globals, title, origin=None):
    """Compile gast FunctionDefs into functions.

    ``helpers``: name -> object bound as closure variables; ``origin``: the
    user's function they derive from (``origin_of`` names it for errors raised
    while they run). Returns (dict name -> function, standalone source text).
    Each function's qualified name is its own name (a wrong call names
    ``f_grad()``, not the factory that made it).
    """
    body_text = "".join(render(d) + "\n" for d in defs).rstrip() + "\n"
    used = set()
    for d in defs:
        used |= {n.id for n in walk_fielded(d) if isinstance(n, gast.Name)}
    helpers = {k: v for k, v in helpers.items() if k in used}
    header = [f"# {title}"]
    for name in sorted(helpers):
        line = _import_line(name, helpers[name])
        header.append(line if line else f"# {name}: {_describe(helpers[name])} (bound by srcdiff)")
    extern = sorted(n for n in used if n not in helpers and n in user_globals
                    and not any(n == getattr(d, "name", None) for d in defs))
    for name in extern:
        line = _import_line(name, user_globals[name])
        if line:
            header.append(line)
    header_text = "\n".join(header) + "\n\n"
    source = header_text + body_text
    nheader = header_text.count("\n")
    with _lock:
        filename = f"<srcdiff-{next(_counter)}: {title}>"
    names = sorted(helpers)
    factory = [f"def __srcdiff_factory__({', '.join(names)}):"]
    factory += [""] * (nheader - 1)
    factory += ["    " + ln if ln.strip() else "" for ln in body_text.splitlines()]
    fn_names = [d.name for d in defs]
    factory.append(f"    return ({', '.join(fn_names)},)")
    code = compile("\n".join(factory) + "\n", filename, "exec")
    fcode = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    # (each function's code named once here: every make() then shares it)
    fcode = fcode.replace(co_consts=tuple(_code_named(c) for c in fcode.co_consts))
    factory_fn = types.FunctionType(fcode, user_globals, "__srcdiff_factory__")
    if origin is not None:
        register_origin(filename, origin)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    compiled = Compiled(factory_fn, names, fn_names, source, filename)
    return compiled.make(helpers), source


class Compiled:
    """One compiled piece of generated source: ``make(helpers)`` runs its
    factory, binding the helpers (the closure variables of the functions it
    returns) anew, which costs no transform: a fresh closure of a function
    already transformed gets its own functions this way (cache.py). Each
    function made holds this object (``__srcdiff_compiled__``); when the last
    of them and the last cache entry are gone, the source registered with
    ``linecache`` (for tracebacks and ``inspect``) is released with it."""

    __slots__ = ("factory", "names", "fn_names", "source", "__weakref__")

    def __init__(self, factory, names, fn_names, source, filename):
        self.factory, self.names, self.fn_names, self.source = factory, names, fn_names, source
        weakref.finalize(self, _release, filename)

    def make(self, helpers):
        """The functions, with ``helpers`` (name -> object) bound."""
        fns = [_own_name(fn) for fn in self.factory(*[helpers[n] for n in self.names])]
        for fn in fns:
            fn.__srcdiff_source__ = self.source
            fn.__srcdiff_compiled__ = self
        return dict(zip(self.fn_names, fns))


def _describe(value):
    """How the source names a bound helper: data (numbers, arrays; another
    closure of the same function binds other values, cache.py) by its type and
    shape, anything else by its repr."""
    from .caching import signature
    if signature(value)[0] != "d":
        return repr(value)
    if hasattr(value, "shape"):
        return f"a {type(value).__name__} of shape {tuple(value.shape)} and dtype {value.dtype}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    return f"a {type(value).__name__}"


def _release(filename):
    linecache.cache.pop(filename, None)
    release_origin(filename)


def _own_name(fn):
    fn.__qualname__ = fn.__name__
    return fn


def _code_named(c):
    """A generated function's code with its own name as qualified name (Python
    3.11+: messages use the code's name, not the factory's ``<locals>``)."""
    if isinstance(c, types.CodeType) and hasattr(c, "co_qualname"):
        return c.replace(co_qualname=c.co_name)
    return c
