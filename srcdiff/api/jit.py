"""srcdiff.jit: generated derivatives (or plain functions) compiled by Numba.

``jit(g)`` compiles the code ``g`` runs: for a gradient (``grad``,
``value_and_grad``) the code generated for the kinds of the call's arguments,
for ``hvp`` the generated forward-over-reverse code, for ``vjp``'s ``f_vjp``
the generated backward function, for anything else ``g`` itself. Each
specialisation is compiled once by ``numba.njit`` and kept; the helpers the
generated code calls have Numba implementations in ``jit_overloads``.

What Numba cannot compile is a SrcdiffError naming the user's line and the
construct, or, with ``fallback=True``, runs uncompiled after one warning.
"""
import functools
import linecache
import re
import warnings

import numpy as np

from .arguments import arg_key, _has_integer, _drop_integer_grads
from ..runtime.origins import origin_of
from ..errors import SrcdiffError
from ..frontend.parse import materialized

__all__ = ["jit"]

_INSTALL = "pip install 'srcdiff[jit]'"
_ndarray = np.ndarray
_NumbaError = None        # numba.core.errors.NumbaError, once Numba is imported
_NumbaPerformanceWarning = None


def _numba():
    """The numba module with srcdiff's implementations registered, or a SrcdiffError."""
    try:
        import numba
    except ImportError:
        raise SrcdiffError(f"srcdiff.jit needs Numba, which is not installed: {_INSTALL} "
                           "(or pip install numba)") from None
    from . import jit_overloads  # noqa: F401  (registers the overloads)
    global _NumbaError
    global _NumbaPerformanceWarning
    from numba.core.errors import NumbaError as _NumbaError
    from numba.core.errors import NumbaPerformanceWarning as _NumbaPerformanceWarning
    return numba


def jit(g=None, fallback=False):
    """``g`` compiled with Numba (``g``: a function a srcdiff transform returned,
    or a plain function); usable as ``@jit`` and ``@jit(fallback=True)``."""
    if g is None or not callable(g):
        if g is not None:
            fallback = g
        return lambda h: jit(h, fallback=fallback)
    _numba()
    if getattr(g, "__srcdiff_jit__", None) is not None:
        return g
    compiler = _Compiler(g, fallback)
    disp = getattr(g, "__srcdiff_dispatch__", None)
    if disp is not None and disp.mode in ("grad", "value_and_grad"):
        wrapper = _dispatched(g, disp, compiler)
    elif getattr(g, "__srcdiff_hvp__", None) is not None:
        wrapper = _hvp(g, compiler)
    elif getattr(g, "__srcdiff_vjp__", None) is not None:
        wrapper = _vjp(g, compiler)
    else:
        wrapper = _plain(g, compiler)
    functools.update_wrapper(wrapper, g, assigned=("__name__", "__qualname__", "__doc__"),
                             updated=())
    wrapper.__srcdiff_jit__ = compiler
    return wrapper


class _Compiler:
    """The Numba dispatchers made for one ``jit(g)``, per Python function, and
    the last source compiled (``srcdiff.source``)."""

    def __init__(self, g, fallback):
        self.g = g
        self.fallback = fallback
        self.compiled = {}
        self.warned = False
        self.last = None

    def source(self):
        fn = self.last
        if fn is None:
            text = getattr(materialized(self.g), "__srcdiff_source__", None)
            if text is not None:
                return text
            fn = self.g
        text = getattr(fn, "__srcdiff_source__", None)
        if text is not None:
            return text
        import inspect
        return "".join(inspect.getsourcelines(fn)[0])

    def get(self, fn):
        """A callable running ``fn`` compiled (or ``fn`` itself after a fallback)."""
        runner = self.compiled.get(fn)
        if runner is None:
            runner = self.compiled[fn] = _Compiled(self, fn)
        self.last = fn
        return runner

    def refuse(self, fn, error):
        failure = _refusal(fn, error)
        if not self.fallback:
            raise failure from None
        if not self.warned:
            self.warned = True
            warnings.warn(f"srcdiff.jit: running {getattr(self.g, '__qualname__', self.g)} "
                          f"uncompiled: {failure}", stacklevel=_outside_srcdiff())


def _outside_srcdiff():
    """The warnings stacklevel of the first caller outside this package."""
    import os
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    level, frame = 1, sys._getframe(1)
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == here:
        level, frame = level + 1, frame.f_back
    return level


class _Compiled:
    """``fn`` under numba.njit; compile failures become refusals or fallbacks."""

    __slots__ = ("owner", "fn", "nb", "run")

    def __init__(self, owner, fn):
        numba = _numba()
        self.owner, self.fn = owner, fn
        try:
            self.nb = numba.njit(fn, cache=_cacheable(fn))
        except RuntimeError:         # (no writable cache directory for fn's file)
            self.nb = numba.njit(fn)
        self.run = self.first

    def first(self, *args, **kwargs):
        try:
            with warnings.catch_warnings():     # (Numba's advice on its own choices)
                warnings.simplefilter("ignore", _NumbaPerformanceWarning)
                out = self.nb(*args, **kwargs)
        except _NumbaError as e:
            self.owner.refuse(self.fn, e)
            self.run = self.fn
            return self.fn(*args, **kwargs)
        self.run = self.later
        return out

    def later(self, *args, **kwargs):
        try:
            return self.nb(*args, **kwargs)
        except _NumbaError as e:      # a new specialisation that does not compile
            self.owner.refuse(self.fn, e)
            return self.fn(*args, **kwargs)

    def __call__(self, *args, **kwargs):
        return self.run(*args, **kwargs)


def _cacheable(fn):
    """Numba's on-disk cache needs a function defined in a real file."""
    code = getattr(fn, "__code__", None)
    return code is not None and not code.co_filename.startswith("<") and \
        fn.__closure__ is None


# ---- what each kind of function runs --------------------------------------------

def _fast_key(args):
    """A key at least as fine as api.arg_key (which the generated code is
    specialised on), cheaper to compute: each array's shape, else the type."""
    return tuple([a.shape if type(a) is _ndarray else type(a) for a in args])


def _dispatched(g, disp, compiler):
    """grad / value_and_grad: the generated code for the call's argument kinds."""
    if disp.bound is not None:
        return _plain(g, compiler)
    names, single, positions = disp.names, disp.single, disp.positions
    table = {}
    value_and_grad = disp.mode == "value_and_grad"

    def compiled_for(args, kwargs):
        return compiler.get(disp.core(args, kwargs))

    def slow(key, args):
        if len(table) > 256:
            table.clear()
        runner = compiled_for(args, {})
        res = runner(*args)
        # (the Numba dispatcher itself, or fn after a fallback)
        table[key] = runner.nb if runner.run == runner.later else runner.fn
        return res

    def jg(*args, **kwargs):
        if kwargs:
            return compiled_for(args, kwargs)(*args, **kwargs)
        key = _fast_key(args)
        run = table.get(key)
        if run is None:
            res = slow(key, args)
        else:
            try:
                res = run(*args)
            except _NumbaError:      # (a new dtype that does not compile)
                del table[key]
                res = slow(key, args)
        if _has_integer(args, positions):
            if value_and_grad:
                return res[0], _drop_integer_grads(args, {}, names, positions, res[1], single)
            if disp.has_aux:
                return _drop_integer_grads(args, {}, names, positions, res[0], single), res[1]
            return _drop_integer_grads(args, {}, names, positions, res, single)
        return res

    return jg


def _hvp(h, compiler):
    forward, single, positions, as_tangent = h.__srcdiff_hvp__
    table = {}

    def jh(*args, **kwargs):
        if not args:
            return h(*args, **kwargs)
        *primal, v = args
        key = (arg_key(primal), tuple(sorted(kwargs)))
        entry = table.get(key)
        if entry is None or kwargs or not entry[1]:
            fwd, values, kinds = forward(primal, kwargs)
            kinds = kinds.values() if isinstance(kinds, dict) else kinds
            if any(k is not None for k in kinds):
                return h(*args, **kwargs)      # (objects as parameters: not compiled)
            entry = table[key] = (compiler.get(fwd), len(values) == len(primal))
        else:
            values = primal
        vs = [v] if single else list(v)
        if len(vs) != len(positions):
            return h(*args, **kwargs)      # (its error)
        tans = [as_tangent(t, values[p]) for t, p in zip(vs, positions)]
        return entry[0](*values, *tans)[1]

    return jh


def _vjp(f_vjp, compiler):
    bwd, residuals, args, names, positions = f_vjp.__srcdiff_vjp__
    residuals = _typed(residuals)
    runner = compiler.get(bwd)
    integer = _has_integer(args, positions)

    def jf_vjp(dout):
        grads = runner(residuals, dout)
        if integer:
            return _drop_integer_grads(args, {}, names, positions, grads, False)
        return grads

    return jf_vjp


def _typed(value):
    """Residuals as Numba takes them best: lists become typed lists."""
    from numba.typed import List
    if isinstance(value, tuple):
        return tuple(_typed(v) for v in value)
    if isinstance(value, range):      # (Numba takes no range argument)
        return np.arange(value.start, value.stop, value.step)
    if isinstance(value, list) and value:
        out = List()
        for v in value:
            out.append(_typed(v))
        return out
    return value


def _plain(g, compiler):
    runner = compiler.get(g)

    def jf(*args, **kwargs):
        return runner(*args, **kwargs)

    return jf


# ---- refusals ---------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_WHERE = re.compile(r'File "([^"]+)", line (\d+)')
_NOTE = re.compile(r"#.*\[([^\[\]]+):(\d+)\]\s*$")
_SKIP = ("Failed in ", "During:", "File ", "<source elided>", "^", "There are ", " - Of which",
         "Rewrite ", "This error may", "For more information", "Enable logging")


def _refusal(fn, error):
    """The SrcdiffError for a Numba compile failure of ``fn``: the user's file and
    line, the construct (Numba's reason in one or two lines), what to do."""
    text = _ANSI.sub("", str(error))
    filename, line = _user_line(fn, text)
    code = linecache.getline(filename, line).strip() if filename and line else ""
    reason = _helper_reason(fn, text) or _reason(text)
    at = f" `{code}`" if code else ""
    return SrcdiffError(
        f"srcdiff.jit: Numba cannot compile{at}: {reason}", filename, line,
        hint="write that line with what Numba supports (NumPy calls on arrays and numbers, "
             "loops, no Python objects), or use srcdiff.jit(g, fallback=True) to run it "
             "uncompiled")


def _helper_reason(fn, text):
    """Numba's "untyped global name" for a srcdiff helper, said in the user's terms."""
    m = re.search(r"Untyped global name '(\w+)'", text)
    if not m:
        return None
    name = m.group(1)
    scope = dict(getattr(fn, "__globals__", {}))
    code = getattr(fn, "__code__", None)
    for var, cell in zip(code.co_freevars if code is not None else (), fn.__closure__ or ()):
        try:
            scope[var] = cell.cell_contents
        except ValueError:       # (an empty cell)
            pass
    obj = scope.get(name)
    module = getattr(obj, "__module__", "") or ""
    if not module.startswith("srcdiff"):
        return None
    return (f"the derivative of this line calls {module}.{name}, which has no Numba "
            f"implementation")


def _reason(text):
    lines = [ln.strip() for ln in text.splitlines()]
    picked = []
    for ln in lines:
        if not ln or any(ln.startswith(s) for s in _SKIP) or re.match(r"^\d+\s*\|", ln):
            continue
        if ln.startswith(">>>"):
            picked.append(ln[3:].strip())
            continue
        if picked and not picked[-1].startswith("No implementation"):
            break
        picked.append(ln)
        if len(picked) >= 2:
            break
    return " ".join(picked)[:400] or text.splitlines()[0][:400]


def _user_line(fn, text):
    """(file, line) of the user's source where Numba failed, from the locations in
    its message (generated code: the ``[file.py:N]`` note above the line)."""
    code = getattr(fn, "__code__", None)
    own = code.co_filename if code is not None else None
    found = None
    for filename, line in _WHERE.findall(text):
        if filename == own or (found is None and "site-packages" not in filename
                               and "/numba/" not in filename):
            found = (filename, int(line))
            if filename == own:
                break
    if found is None:
        return (own, code.co_firstlineno) if code is not None else (None, None)
    filename, line = found
    if not filename.startswith("<srcdiff-"):
        return filename, line
    origin = origin_of(filename)
    for n in range(line, 0, -1):
        m = _NOTE.search(linecache.getline(filename, n))
        if m:
            base, user_line = m.group(1), int(m.group(2))
            if origin and origin[1].endswith(base):
                return origin[1], user_line
            return base, user_line
    return (origin[1], origin[2]) if origin else (filename, line)
