"""Source -> gast: read a function's source and the names its body can see."""
import ast
import builtins
import inspect
import linecache
import sys
import textwrap
import types

import gast

from ..errors import SrcdiffError, SourceLocation
from ..ir.syntax import converter, walk

__all__ = ["FunctionSource", "parse_function", "deps_valid", "materialized"]


import threading

_recording = threading.local()


_ast_to_gast = converter(to_gast=True)


def parse_source(text):
    """``gast.parse(text)``, the same tree, made by a cheaper converter
    (ir.syntax.converter)."""
    return _ast_to_gast(ast.parse(text))


def record_lookups():
    """Start recording which globals/closure cells generation reads (a list).
    Recordings nest: what an inner one records counts for the outer one too."""
    stack = getattr(_recording, "stack", None)
    if stack is None:
        stack = _recording.stack = []
    stack.append(getattr(_recording, "deps", None))
    _recording.deps = []
    return _recording.deps


def stop_recording():
    deps = getattr(_recording, "deps", None) or []
    stack = getattr(_recording, "stack", None)
    outer = stack.pop() if stack else None
    if outer is not None:
        outer.extend(deps)
    _recording.deps = outer
    return deps


def _record(kind, where, name, obj):
    deps = getattr(_recording, "deps", None)
    if deps is not None:
        deps.append((kind, where, name, obj))


class FunctionSource:
    """A user function's syntax tree with everything needed to resolve its names."""

    cells = None   # name -> closure cell (to notice a rebound closure variable)
    source_lines = None     # the lines inspect.getsourcelines read (not for a lambda)

    def __init__(self, func, node, loc, globals_, closure, bound_self=None):
        self.func = func            # the plain function object
        self.node = node            # gast.FunctionDef (a lambda is turned into one)
        self.loc = loc              # SourceLocation for error messages and comments
        self.globals = globals_     # the function's module globals (live dict)
        self.closure = closure      # name -> cell contents, for free variables
        self.bound_self = bound_self

    @property
    def name(self):
        return self.node.name

    def original_source(self):
        """The function's source as written ("" where it has none), read once."""
        if self.source_lines is None:
            try:
                self.source_lines = inspect.getsourcelines(self.func)[0]
            except (OSError, TypeError):
                return ""
        return "".join(self.source_lines)

    def lookup_or_none(self, name):
        try:
            return self.lookup(name)
        except KeyError:
            return None

    extra = None   # names bound for generated code (HelperEnv.objects)

    def lookup(self, name):
        """The object ``name`` refers to in the function's scope (not its locals)."""
        if self.extra is not None and name in self.extra:
            return self.extra[name]
        if name in self.closure:
            if self.cells and name in self.cells:
                _record("cell", self.cells[name], name, self.closure[name])
            return self.closure[name]
        if name in self.globals:
            _record("global", self.globals, name, self.globals[name])
            return self.globals[name]
        if hasattr(builtins, name):
            return getattr(builtins, name)
        raise KeyError(name)


def _unwrap(func):
    bound_self = None
    if isinstance(func, (types.MethodType,)):
        bound_self = func.__self__
        func = func.__func__
    while hasattr(materialized(func), "__srcdiff_wrapped__"):
        func = func.__srcdiff_wrapped__
    if getattr(func, "__srcdiff_checkpointed__", None) is not None:
        raise SrcdiffError(
            f"cannot differentiate {func.__qualname__}: it was made with "
            f"checkpoint={func.__srcdiff_checkpointed__}, and its loops are reversed by a "
            "runtime schedule that is not differentiated again",
            hint="differentiate the gradient made without checkpoint= (or use hvp/hessian "
                 "of the original function)")
    if not isinstance(func, types.FunctionType):
        raise SrcdiffError(
            f"cannot read the source of {func!r}: srcdiff differentiates Python "
            "functions whose source is in a file",
            hint="register a rule with @srcdiff.vjp_rule(func) for built-in or compiled callables")
    return func, bound_self


def _strip_decorators(node):
    node.decorator_list = []
    return node


def _lambda_in(lines, code, filename):
    """May ``lines`` be the source ``code`` was compiled from? Not when the file
    is a pseudo-file (``<string>``: eval/exec) whose line holds no lambda:
    linecache may give another source under that name (Python 3.13 reads the
    source of the calling module for it, and any exec'd text can be cached under
    ``<string>``)."""
    if not (filename.startswith("<") and filename.endswith(">")):
        return True
    line = lines[code.co_firstlineno - 1] if code.co_firstlineno <= len(lines) else ""
    return "lambda" in line


def _lambda_node(func, filename):
    """Find the Lambda node of ``func`` in its file (several may share a line)."""
    code = func.__code__
    lines = linecache.getlines(filename, func.__globals__)
    if not lines or not _lambda_in(lines, code, filename):
        raise SrcdiffError(
            f"cannot read the source of the lambda {func.__qualname__}: one made in an "
            "interactive session or by eval/exec has no source file", filename,
            code.co_firstlineno,
            hint="define the function in a .py file (or a Jupyter/IPython cell), or register "
                 "a rule for it")
    try:
        module = parse_source("".join(lines))
    except SyntaxError as e:  # pragma: no cover - the file compiled once
        raise SrcdiffError(f"cannot parse {filename}: {e}") from None
    argnames = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    found = []
    for n in walk(module):
        if isinstance(n, gast.Lambda) and n.lineno == code.co_firstlineno:
            names = [a.id for a in n.args.posonlyargs + n.args.args + n.args.kwonlyargs]
            if names == argnames:
                found.append(n)
    if len(found) > 1:
        cols = [p[2] for p in code.co_positions() if p[0] == code.co_firstlineno and p[2] is not None] \
            if hasattr(code, "co_positions") else []
        if cols:
            start = min(cols)
            found = [n for n in found if n.body.col_offset <= start] or found
            found = [max(found, key=lambda n: n.body.col_offset)]
    if not found:
        raise SrcdiffError(f"cannot find the source of lambda {func!r}", filename,
                           code.co_firstlineno)
    lam = found[0]
    node = gast.FunctionDef(
        name=func.__name__ if func.__name__ != "<lambda>" else "lambda_",
        args=lam.args, body=[gast.Return(value=lam.body)], decorator_list=[],
        returns=None, type_comment=None, type_params=[])
    gast.copy_location(node, lam)
    node.body[0].lineno = lam.lineno
    node.body[0].col_offset = lam.col_offset
    lines = [ln.rstrip("\n") for ln in lines]
    loc = SourceLocation(filename, 1, lines)
    return node, loc


def parse_function(func):
    """Parse ``func`` (function, nested function, method or lambda) into a FunctionSource."""
    func, bound_self = _unwrap(func)
    code = func.__code__
    filename = code.co_filename
    if func.__name__ == "<lambda>":
        node, loc = _lambda_node(func, filename)
    else:
        try:
            lines, first = inspect.getsourcelines(func)
        except (OSError, TypeError) as e:
            raise SrcdiffError(
                f"cannot read the source of {func.__qualname__} ({e}); functions defined "
                "in an interactive session or by exec have no source file",
                filename, code.co_firstlineno,
                hint="define the function in a .py file, or register a rule for it") from None
        text = textwrap.dedent("".join(lines))
        try:
            module = parse_source(text)
        except SyntaxError as e:
            raise SrcdiffError(f"cannot parse the source of {func.__qualname__}: {e}",
                               filename, first) from None
        defs = [n for n in module.body if isinstance(n, (gast.FunctionDef, gast.AsyncFunctionDef))]
        if not defs:
            raise SrcdiffError(f"no function definition in the source of {func.__qualname__}",
                               filename, first)
        node = defs[0]
        if isinstance(node, gast.AsyncFunctionDef):
            raise SrcdiffError("async functions cannot be differentiated", filename, first)
        _strip_decorators(node)
        loc = SourceLocation(filename, max(first, 1), text.splitlines())
    closure = {}
    cells = {}
    if func.__closure__:
        for name, cell in zip(code.co_freevars, func.__closure__):
            try:
                closure[name] = cell.cell_contents
                cells[name] = cell
            except ValueError:  # empty cell: not yet assigned
                pass
    for name, value in _local_imports(node, loc, func).items():
        closure.setdefault(name, value)
    fs = FunctionSource(func, node, loc, func.__globals__, closure, bound_self)
    fs.cells = cells
    if func.__name__ != "<lambda>":
        fs.source_lines = lines
    for name, cell in cells.items():
        _record("cell", cell, name, closure[name])
    return fs


def _local_imports(node, loc, func):
    """``import m`` / ``from m import x`` statements in the function body bind
    modules and their attributes, the same objects at every run: they are
    imported now, their names bound like closure variables, and the statements
    removed. A name also assigned in the function is refused (its value would
    depend on which statement ran last)."""
    imports = [n for n in walk(node) if isinstance(n, (gast.Import, gast.ImportFrom))]
    if not imports:
        return {}
    scope = func.__globals__
    bound = {}
    for imp in imports:
        for alias in imp.names:
            try:
                if isinstance(imp, gast.Import):
                    top = __import__(alias.name, scope, None, [], 0)
                    if alias.asname:
                        value, name = sys.modules[alias.name], alias.asname
                    else:
                        value, name = top, alias.name.split(".")[0]
                else:
                    module = __import__(imp.module or "", scope, None, [alias.name], imp.level)
                    value, name = getattr(module, alias.name), alias.asname or alias.name
            except (ImportError, AttributeError) as e:
                raise loc.error(imp, f"this import fails: {e}") from None
            if name in bound and bound[name] is not value:
                raise loc.error(imp, f"'{name}' is imported twice as different objects")
            bound[name] = value
    for n in walk(node):
        if isinstance(n, gast.Name) and n.id in bound and not isinstance(n.ctx, gast.Load):
            raise loc.error(n, f"'{n.id}' is both imported and assigned in this function",
                            "give the imported name and the variable different names")
    _drop_statements(node, tuple(imports))
    return bound


def _drop_statements(node, dropped):
    """Remove the statement nodes ``dropped`` from every body under ``node``
    (a body left empty gets a ``pass``)."""
    for n in walk(node):
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(n, field, None)
            if isinstance(stmts, list) and any(s in dropped for s in stmts):
                kept = [s for s in stmts if s not in dropped]
                if not kept and field == "body":
                    kept = [gast.copy_location(gast.Pass(), stmts[0])]
                setattr(n, field, kept)


def deps_valid(deps):
    """Are the globals and closure variables generation read still the same objects?"""
    for kind, where, name, obj in deps:
        if kind == "global":
            if where.get(name, _MISSING) is not obj:
                return False
        elif kind == "attr":
            if getattr(where, name, None) is not obj:
                return False
        else:
            try:
                if where.cell_contents is not obj:
                    return False
            except ValueError:
                return False
    return True


_MISSING = object()


def materialized(f):
    """``f``; if it is a gradient whose code for unknown argument kinds was
    deferred (_Dispatch.materialize), with that code made now."""
    disp = getattr(f, "__srcdiff_dispatch__", None)
    if disp is not None and disp.pending:
        disp.materialize()
    return f
