#!/usr/bin/env python
"""Random-program fuzzer for srcdiff.

Generates random, valid, differentiable Python/NumPy programs of growing size
(straight-line arithmetic with broadcasting, elementwise and reduction calls,
value-dependent branches, ``for``/``while`` loops with overwrites, ``break`` and
``continue``, subscript reads and writes into ``np.zeros`` buffers and
``.copy()``s, lists, helper functions, nested defs and lambdas), writes each
to a real ``.py`` file, imports it and checks, at random inputs kept away from
kinks:

* ``srcdiff.grad`` against central differences (w.r.t. a random choice of
  arguments, by position, by name or as a tuple);
* ``srcdiff.vjp`` (forward value, cotangents, and a second call of ``f_vjp``)
  and ``srcdiff.value_and_grad``;
* forward mode against reverse (``<u, J v>`` both ways) when ``srcdiff.jvp``
  exists;
* that the generated code leaves its inputs unmodified;
* at order two (``--orders 1,2``, the default; tools/fuzz_order2.py): ``hvp``
  against central differences of the gradient, ``jvp(grad(f))`` and
  ``jacobian(grad(f))`` against the same, ``hessian`` symmetric (small inputs);
* at order three (``--orders 1,2,3``), for one real argument: ``hvp`` of
  ``sum(grad(f) * u)`` against central differences of its gradient.

Complex arguments follow JAX's convention (the cotangent of z is
``dL/dRe(z) - 1j dL/dIm(z)``); a real argument must get a real cotangent.  The
grammar's real-code idioms (complex values, helpers returning tuples, lists and
dicts, closures changing an enclosing list, layer lists, loop temporaries read
after the loop, ``np.linalg`` named-tuple results, packed parameters) are in
tools/fuzz_idioms.py; ``--focus FEATURE`` makes one ten times as frequent,
``--disable`` leaves it out, ``--ignore REGEX`` looks past known failures.

A ``SrcdiffError`` for a program the generator thought valid counts as a
mismatch ('refused') -- at order two too, unless it says that a rule the program
calls, named, is not twice differentiable --, except for a program whose value
depends on NumPy's in-place aliasing (it changes when every in-place write is made
on a copy): srcdiff may rightly refuse those, but a number it returns must still
be right.  Each failing program is shrunk (statements deleted, compound
statements unwrapped, expressions simplified, loop counts reduced)
to a minimal one that still fails the same way, and saved (with its inputs)
to ``--out`` (default ``fuzz-failures/``); the saved file runs on its own.

    python tools/fuzz.py --programs N --seed S [--orders 1,2] [--jobs J]

prints one line per mismatch and a final line ``N programs, K mismatches``;
the exit status is 1 when K > 0.  ``python tools/fuzz.py --check FILE.py``
re-runs the checks on a saved failure.
"""
from __future__ import annotations

import argparse
import ast
import copy
import importlib.util
import itertools
import math
import os
import random
import re
import signal
import sys
import tempfile
import threading
import time
import traceback
import warnings

# One BLAS thread per fuzzing process (set before NumPy loads OpenBLAS, unless set):
# with --jobs or other work on the machine, OpenBLAS's spinning threads made small
# LAPACK calls ~30x slower and checks hit their timeout.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import srcdiff  # noqa: E402
from tools.fuzz_idioms import IDIOMS, TYPES_IMPORT, IdiomStatements  # noqa: E402

if __name__ == "__main__":
    # one module whether run as a script or imported (tools/fuzz_*.py import it)
    sys.modules.setdefault("tools.fuzz", sys.modules["__main__"])

HEADER = "import math\nimport numpy as np\n"
SQUASH_LIMIT = 6.0     # expressions whose value may exceed this are squashed
ARG_LIMIT = 3.0        # arguments of generated helpers are kept below this
MARGIN = 2e-3          # minimum distance of every kink/branch test from its threshold
VALUE_LIMIT = 1e5      # programs whose value or gradient exceeds this are rejected

# =============================================================================
# The program generator
# =============================================================================

KINDS = ("S", "V", "W", "M", "C", "R")      # scalar, (N,), (M,), (M,N), (M,1), (1,N)
PREFIX = {"S": "s", "V": "v", "W": "w", "M": "A", "C": "c", "R": "r", "L": "L", "I": "i",
          "F": "g", "Z": "q"}
NEW_KIND_WEIGHTS = {"S": 3, "V": 4, "W": 2, "M": 3, "C": 1, "R": 1}
VIEW_FUNCS = {"reshape", "squeeze", "transpose", "ravel", "asarray", "atleast_1d",
              "atleast_2d", "expand_dims", "broadcast_to", "flip", "diagonal", "swapaxes"}


def _roots(node):
    """Names whose objects the value of expression ``node`` may share memory with."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Subscript):
        return _roots(node.value)
    if isinstance(node, ast.Attribute):
        return _roots(node.value) if node.attr in ("T", "real", "flat") else set()
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in VIEW_FUNCS:
        if isinstance(node.func.value, ast.Name) and node.func.value.id == "np":
            return _roots(node.args[0]) if node.args else set()
        return _roots(node.func.value)
    if isinstance(node, ast.IfExp):
        return _roots(node.body) | _roots(node.orelse)
    return set()


def roots(code):
    return _roots(ast.parse(code, mode="eval").body)


class Var:
    def __init__(self, name, kind, bound=1.0, *, fn=None, fresh=False, elem=None, minlen=0,
                 mutable=False, code=None, func=None, ub=None, count=None):
        self.name = name
        self.kind = kind
        self.bound = bound
        self.fn = fn            # id of the function context that binds the name
        self.fresh = fresh      # bound to a freshly allocated object (may be written in place)
        self.elem = elem        # lists: element kind
        self.minlen = minlen    # lists: lower bound on the length
        self.mutable = mutable  # lists: may be appended to / popped
        self.code = code or name
        self.func = func        # callables: a Func
        self.ub = ub            # ints: exclusive upper bound
        self.count = count      # int parameters: their value (for range(n))
        self.active = False     # depends on the differentiated function's float parameters


class Func:
    def __init__(self, name, params, ret, bound, kw=None):
        self.name = name
        self.params = params    # kinds
        self.ret = ret
        self.bound = bound
        self.kw = kw            # name of an optional scalar keyword parameter


class Ctx:
    """Where a statement is generated."""

    def __init__(self, fn, ret, depth=0, loop=None, loops=0, in_branch=False):
        self.fn = fn
        self.ret = ret
        self.depth = depth
        self.loop = loop          # innermost loop: dict(type, iters, no_break)
        self.loops = loops        # product of enclosing iteration counts
        self.in_branch = in_branch

    def sub(self, **kw):
        c = copy.copy(self)
        c.depth = self.depth + 1
        for k, v in kw.items():
            setattr(c, k, v)
        return c


FEATURES = {
    "loop-return": "early return inside a loop",
    "def-in-loop": "nested def or lambda defined inside a loop",
    "chained-write": "A[i][j] = v",
    "pyminmax": "builtin max/min of two values",
    "genexpr": "generator expressions and comprehensions over lists",
    "container-params": "list and dict parameters",
    "alias": "names bound to views/aliases of arrays (never written through)",
    "mask-write": "writes through boolean masks and integer-array indices that repeat",
    "empty-buffer": "np.empty buffers",
    "aliased-write": "an item, view or alias of an array read after the array is written",
    "list-container": "lists held by a tuple, list or dict, grown through the container or "
                      "before it is made; lists and tuples joined (+, +=) and repeated (*), "
                      "an item written while another name reads the list",
    **IDIOMS,
}


class ProgramGenerator(IdiomStatements):
    """Generates one random program (module source) and its arguments (the
    statements of real-code idioms are in tools/fuzz_idioms.py)."""

    Var, Func, Ctx, KINDS, PREFIX, ARG_LIMIT = Var, Func, Ctx, KINDS, PREFIX, ARG_LIMIT
    roots = staticmethod(roots)

    def __init__(self, rng, size, disabled=(), focus=()):
        self.r = rng
        self.size = size
        self.disabled = set(disabled)
        self.focus = set(focus)       # features generated ten times as often
        while True:
            self.N = rng.randint(2, 5)
            self.M = rng.randint(2, 4)
            if self.N != self.M:
                break
        N, M = self.N, self.M
        self.shape = {"S": (), "V": (N,), "W": (M,), "M": (M, N), "C": (M, 1), "R": (1, N)}
        self.pairs = {}
        for t in KINDS:
            self.pairs[t] = []
            for a in KINDS:
                for b in KINDS:
                    try:
                        if np.broadcast_shapes(self.shape[a], self.shape[b]) == self.shape[t]:
                            self.pairs[t].append((a, b))
                    except ValueError:
                        pass
        self.into = {t: [a for a, b in self.pairs[t] if b == t] for t in KINDS}
        self.counter = itertools.count()
        self.fn_counter = itertools.count()
        self.scopes = [{}]
        self.frozen = {}          # fn id -> names frozen (may alias something)
        self.max_expr_depth = min(4, 1 + size // 4)
        self.stype = rng.choice(["float", "float", "np.float64", "0d"])

    def on(self, feature):
        return feature not in self.disabled

    # ---- names and scopes ----------------------------------------------------

    def fresh(self, kind):
        return f"{PREFIX[kind]}{next(self.counter)}"

    def push(self):
        self.scopes.append({})

    def pop(self):
        self.scopes.pop()

    def add(self, var):
        self.scopes[-1][var.name] = var
        return var

    def visible(self, pred=None):
        seen = {}
        for sc in self.scopes:
            seen.update(sc)
        return [v for v in seen.values() if pred is None or pred(v)]

    def numeric(self, kind=None):
        return self.visible(lambda v: v.kind in KINDS and (kind is None or v.kind == kind))

    def owned(self, v, ctx):
        return v.fresh and v.fn == ctx.fn and v.name not in self.frozen.setdefault(ctx.fn, set())

    def freeze(self, names, ctx):
        self.frozen.setdefault(ctx.fn, set()).update(names)

    def uniform(self, lo, hi, nd=2):
        return round(self.r.uniform(lo, hi), nd)

    def const(self, lo=-1.0, hi=1.0):
        c = self.uniform(lo, hi)
        return (f"({c})" if c < 0 else f"{c}"), abs(c)

    # ---- indices -------------------------------------------------------------

    def idx(self, dim):
        ints = self.visible(lambda v: v.kind == "I")
        if ints and self.r.random() < 0.6:
            v = self.r.choice(ints)
            if v.ub is not None and v.ub <= dim:
                return self.r.choice([v.name, v.name, f"-1 - {v.name}", f"{dim - 1} - {v.name}"])
            return f"{v.name} % {dim}"
        return str(self.r.randint(-dim, dim - 1))

    def span(self, dim):
        a = self.r.randint(0, dim - 1)
        b = self.r.randint(a + 1, dim)
        return a, b

    # ---- expressions ---------------------------------------------------------

    def squash(self, code, b):
        c = self.r.random()
        if c < 0.4:
            return f"np.tanh({code})", 1.0
        if c < 0.6:
            return f"np.sin({code})", 1.0
        if c < 0.8:
            s = round(1.0 / b, 3) if b > 0 else 1.0
            return f"({s} * {code})", 1.0
        return f"({code} / (1.0 + np.square({code})))", 0.5

    def ex(self, kind, d):
        if d <= 0 or self.r.random() < 0.22:
            code, b = self.leaf(kind)
        else:
            prods = self.productions(kind)
            code = None
            for _ in range(6):
                weights = [w for w, _ in prods]
                fn = self.r.choices([p for _, p in prods], weights)[0]
                res = fn(kind, d - 1)
                if res is not None:
                    code, b = res
                    break
            if code is None:
                code, b = self.leaf(kind)
        if b > SQUASH_LIMIT:
            code, b = self.squash(code, b)
        return code, b

    def limited(self, kind, d, limit):
        code, b = self.ex(kind, d)
        if b > limit:
            code, b = self.squash(code, b)
        return code, b

    def leaf(self, kind):
        cands = self.numeric(kind)
        if cands and self.r.random() < 0.85:
            v = self.r.choice(cands)
            return v.code, v.bound
        return self.convert_leaf(kind)

    def convert_leaf(self, kind):
        r = self.r
        N, M = self.N, self.M
        pick = lambda k: r.choice(self.numeric(k)) if self.numeric(k) else None  # noqa: E731
        opts = []
        if kind == "S":
            opts.append(lambda: self.const())
            for k in ("V", "W", "M", "C", "R"):
                v = pick(k)
                if v:
                    n = int(np.prod(self.shape[k]))
                    opts.append(lambda v=v, n=n: (f"np.sum({v.code})", v.bound * n))
                    opts.append(lambda v=v: (f"np.mean({v.code})", v.bound))
            v = pick("V")
            if v:
                opts.append(lambda v=v: (f"{v.code}[{self.idx(N)}]", v.bound))
        elif kind == "V":
            opts.append(lambda: (f"np.linspace({self.uniform(-1, 0)}, {self.uniform(0, 1)}, {N})",
                                 1.0))
            v = pick("M")
            if v:
                opts.append(lambda v=v: (f"{v.code}[{self.idx(M)}]", v.bound))
                opts.append(lambda v=v: (f"np.mean({v.code}, axis=0)", v.bound))
            v = pick("R")
            if v:
                opts.append(lambda v=v: (f"{v.code}[0]", v.bound))
            v = pick("S")
            if v:
                opts.append(lambda v=v: (f"({v.code} * np.linspace(-1.0, 1.0, {N}))", v.bound))
        elif kind == "W":
            opts.append(lambda: (f"np.linspace({self.uniform(-1, 0)}, {self.uniform(0, 1)}, {M})",
                                 1.0))
            v = pick("M")
            if v:
                opts.append(lambda v=v: (f"{v.code}[:, {self.idx(N)}]", v.bound))
                opts.append(lambda v=v: (f"np.sum({v.code}, axis=1)", v.bound * N))
            v = pick("C")
            if v:
                opts.append(lambda v=v: (f"{v.code}[:, 0]", v.bound))
            v = pick("S")
            if v:
                opts.append(lambda v=v: (f"({v.code} * np.ones({M}))", v.bound))
        elif kind == "M":
            opts.append(lambda: (f"np.linspace(-1.0, 1.0, {M * N}).reshape({M}, {N})", 1.0))
            v = pick("V")
            if v:
                opts.append(lambda v=v: (f"({v.code} * np.ones(({M}, 1)))", v.bound))
            v = pick("W")
            if v:
                opts.append(lambda v=v: (f"np.outer({v.code}, np.ones({N}))", v.bound))
            v = pick("S")
            if v:
                opts.append(lambda v=v: (f"({v.code} * np.ones(({M}, {N})))", v.bound))
        elif kind == "C":
            opts.append(lambda: (f"(0.5 * np.ones(({M}, 1)))", 0.5))
            v = pick("M")
            if v:
                opts.append(lambda v=v: (f"np.sum({v.code}, axis=1, keepdims=True)", v.bound * N))
            v = pick("W")
            if v:
                opts.append(lambda v=v: (f"{v.code}[:, None]", v.bound))
        elif kind == "R":
            opts.append(lambda: (f"np.linspace(0.1, 0.9, {N}).reshape(1, {N})", 1.0))
            v = pick("M")
            if v:
                opts.append(lambda v=v: (f"np.mean({v.code}, axis=0, keepdims=True)", v.bound))
            v = pick("V")
            if v:
                opts.append(lambda v=v: (f"{v.code}[None, :]", v.bound))
        return r.choice(opts)()

    def productions(self, kind):
        P = [(5, self.p_unary), (6, self.p_binary), (3, self.p_convert), (1.2, self.p_kink),
             (1.5, self.p_call), (0.6, self.p_ifexp), (0.8, self.p_list)]
        if kind == "S":
            P.append((1.5, self.p_scalar))
        if kind == "V":
            P.append((0.5, self.p_comprehension))
        return P

    UNARY = [
        ("np.sin({e})", lambda b: 1.0),
        ("np.cos({e})", lambda b: 1.0),
        ("np.tanh({e})", lambda b: 1.0),
        ("np.exp(np.tanh({e}))", lambda b: 2.72),
        ("np.exp(0.5 * np.sin({e}))", lambda b: 1.65),
        ("np.exp(-np.square({e}))", lambda b: 1.0),
        ("np.log(1.0 + np.square({e}))", lambda b: math.log1p(b * b)),
        ("np.log(2.0 + np.cos({e}))", lambda b: 1.1),
        ("np.log1p({e} ** 2)", lambda b: math.log1p(b * b)),
        ("np.sqrt(1.0 + {e} ** 2)", lambda b: math.sqrt(1 + b * b)),
        ("np.sqrt(np.square({e}) + 0.5)", lambda b: math.sqrt(0.5 + b * b)),
        ("np.square({e})", lambda b: b * b),
        ("{e} ** 2", lambda b: b * b),
        ("{e} ** 3", lambda b: b ** 3),
        ("(-{e})", lambda b: b),
        ("(1.0 / (1.5 + np.cos({e})))", lambda b: 2.0),
        ("({e} / (1.0 + np.square({e})))", lambda b: 0.5),
        ("np.arctan({e})", lambda b: 1.6),
        ("np.expm1(np.tanh({e}))", lambda b: 1.72),
        ("np.cosh(np.tanh({e}))", lambda b: 1.55),
        ("np.sinh(np.sin({e}))", lambda b: 1.18),
        ("np.logaddexp({e}, 0.3)", lambda b: b + 1.0),
        ("(0.5 * {e})", lambda b: 0.5 * b),
    ]

    def p_unary(self, kind, d):
        form, fb = self.r.choice(self.UNARY)
        e, b = self.ex(kind, d)
        if "** 3" in form and b > 3:
            e, b = self.squash(e, b)
        if "**" in form:
            e = self.atom(e)
        return form.format(e=e), fb(b)

    def p_binary(self, kind, d):
        a, bk = self.r.choice(self.pairs[kind])
        e1, b1 = self.ex(a, d)
        e2, b2 = self.ex(bk, d)
        op = self.r.choices(["+", "-", "*", "/c", "/s", "atan2", "lae", "@"],
                            [4, 3, 4, 1, 1, 0.4, 0.4, 0.1])[0]
        if op in "+-":
            return f"({e1} {op} {e2})", b1 + b2
        if op == "*":
            return f"({e1} * {e2})", b1 * b2
        if op == "/c":
            return f"({e1} / (1.5 + np.cos({e2})))", b1 * 2
        if op == "/s":
            return f"({e1} / (1.0 + {e2} * {e2}))", b1
        if op == "atan2":
            return f"np.arctan2({e1}, 1.5 + np.cos({e2}))", 1.6
        if op == "lae":
            return f"np.logaddexp({e1}, {e2})", max(b1, b2) + 0.7
        return None

    def p_kink(self, kind, d):
        c = self.r.random()
        if c < 0.25:
            a, bk = self.r.choice(self.pairs[kind])
            e1, b1 = self.ex(a, d)
            e2, b2 = self.ex(bk, d)
            fn = self.r.choice(["np.maximum", "np.minimum", "np.fmax", "np.fmin"])
            return f"{fn}({e1}, {e2})", max(b1, b2)
        if c < 0.45:
            a, bk = self.r.choice(self.pairs[kind])
            e1, b1 = self.ex(a, d)
            e2, b2 = self.ex(bk, d)
            e3, b3 = self.ex(kind, d)
            return f"np.where({e1} > {e2}, {e1}, {e3})", max(b1, b3)
        if c < 0.6:
            e, b = self.ex(kind, d)
            return self.r.choice([f"np.abs({e})", f"abs({e})"]), b
        if c < 0.72:
            e, b = self.ex(kind, d)
            lo, hi = self.uniform(-0.9, -0.1), self.uniform(0.1, 0.9)
            return f"np.clip({e}, {lo}, {hi})", max(abs(lo), hi)
        if c < 0.86 and kind == "S":
            k = self.r.choice(["V", "M", "W"])
            e, b = self.ex(k, d)
            return f"np.{self.r.choice(['max', 'min'])}({e})", b
        if kind == "V":
            e, b = self.ex("M", d)
            return f"np.{self.r.choice(['max', 'min'])}({e}, axis=0)", b
        if kind == "W":
            e, b = self.ex("M", d)
            return f"np.max({e}, axis=1)", b
        if kind == "S" and self.on("pyminmax"):
            e1, b1 = self.ex("S", d)
            e2, b2 = self.ex("S", d)
            return f"{self.r.choice(['max', 'min'])}({e1}, {e2})", max(b1, b2)
        return None

    def p_scalar(self, kind, d):
        c = self.r.random()
        e, b = self.ex("S", d)
        if c < 0.25:
            return f"math.sin({e})", 1.0
        if c < 0.4:
            return f"math.exp(math.tanh({e}))", 2.72
        if c < 0.5:
            return f"math.sqrt(1.0 + {e} * {e})", math.sqrt(1 + b * b)
        if c < 0.6:
            return f"float({e})", b
        if c < 0.7:
            return f"math.cos({e})", 1.0
        if c < 0.8:
            return f"math.log(1.5 + math.sin({e}))", 0.92
        return f"math.tanh({e})", 1.0

    def p_convert(self, kind, d):
        r = self.r
        N, M = self.N, self.M
        c = r.random()
        if kind == "S":
            k = r.choice(["V", "W", "M", "C", "R", "V", "M"])
            if c < 0.3:
                e, b = self.ex(k, d)
                n = int(np.prod(self.shape[k]))
                return r.choice([(f"np.sum({e})", b * n), (f"{self.atom(e)}.sum()", b * n)])
            if c < 0.5:
                e, b = self.ex(k, d)
                return r.choice([(f"np.mean({e})", b), (f"{self.atom(e)}.mean()", b)])
            if c < 0.62:
                e, b = self.ex("V", d)
                return f"{self.atom(e)}[{self.idx(N)}]", b
            if c < 0.72:
                e, b = self.ex("M", d)
                return r.choice([f"{self.atom(e)}[{self.idx(M)}, {self.idx(N)}]",
                                 f"{self.atom(e)}[{self.idx(M)}][{self.idx(N)}]"]), b
            if c < 0.82:
                k = r.choice(["V", "W"])
                e1, b1 = self.ex(k, d)
                e2, b2 = self.ex(k, d)
                n = self.shape[k][0]
                return r.choice([(f"np.dot({e1}, {e2})", b1 * b2 * n),
                                 (f"({e1} @ {e2})", b1 * b2 * n),
                                 (f"np.vdot({e1}, {e2})", b1 * b2 * n)])
            if c < 0.9:
                e, b = self.ex("V", d)
                a, bb = self.span(N)
                return f"np.sum({self.atom(e)}[{a}:{bb}])", b * (bb - a)
            e, b = self.ex(r.choice(["V", "M"]), d)
            return r.choice([(f"np.var({e})", b * b), (f"np.linalg.norm({e})", b * 4),
                             (f"np.sum(np.cumsum({e}))", b * 20)])
        if kind == "V":
            if c < 0.3:
                e, b = self.ex("M", d)
                return r.choice([(f"np.sum({e}, axis=0)", b * M), (f"np.mean({e}, axis=0)", b),
                                 (f"{self.atom(e)}.sum(axis=0)", b * M)])
            if c < 0.45:
                e, b = self.ex("M", d)
                return r.choice([f"{self.atom(e)}[{self.idx(M)}]",
                                 f"{self.atom(e)}[{self.idx(M)}, :]"]), b
            if c < 0.6:
                e1, b1 = self.ex("W", d)
                e2, b2 = self.ex("M", d)
                return r.choice([(f"({e1} @ {e2})", b1 * b2 * M),
                                 (f"np.dot({e1}, {e2})", b1 * b2 * M),
                                 (f"({self.atom(e2)}.T @ {e1})", b1 * b2 * M)])
            if c < 0.7:
                e, b = self.ex("R", d)
                return f"{self.atom(e)}[0]", b
            if c < 0.8:
                e, b = self.ex("V", d)
                return r.choice([(f"{self.atom(e)}[::-1]", b), (f"np.flip({e})", b),
                                 (f"np.cumsum({e})", b * N),
                                 (f"np.concatenate([{self.atom(e)}[1:], {self.atom(e)}[:1]])", b),
                                 (f"np.roll({e}, 1)", b)])
            if c < 0.9:
                e, b = self.ex("M", d)
                a, bb = self.span(M)
                return f"np.sum({self.atom(e)}[{a}:{bb}], axis=0)", b * (bb - a)
            e1, b1 = self.ex("V", d)
            e2, b2 = self.ex("S", d)
            return f"(np.cumsum({e1}) * {self.atom(e2)})", b1 * b2 * N
        if kind == "W":
            if c < 0.3:
                e, b = self.ex("M", d)
                return r.choice([(f"np.sum({e}, axis=1)", b * N), (f"np.mean({e}, axis=-1)", b),
                                 (f"{self.atom(e)}.mean(axis=1)", b)])
            if c < 0.5:
                e, b = self.ex("M", d)
                return f"{self.atom(e)}[:, {self.idx(N)}]", b
            if c < 0.75:
                e1, b1 = self.ex("M", d)
                e2, b2 = self.ex("V", d)
                return r.choice([(f"({e1} @ {e2})", b1 * b2 * N),
                                 (f"np.dot({e1}, {e2})", b1 * b2 * N),
                                 (f"{self.atom(e1)}.dot({e2})", b1 * b2 * N)])
            e, b = self.ex("C", d)
            return r.choice([(f"{self.atom(e)}[:, 0]", b), (f"np.squeeze({e}, axis=1)", b),
                             (f"{self.atom(e)}.reshape({M})", b)])
        if kind == "M":
            if c < 0.4:
                e1, b1 = self.ex("W", d)
                e2, b2 = self.ex("V", d)
                return r.choice([(f"np.outer({e1}, {e2})", b1 * b2),
                                 (f"({self.atom(e1)}[:, None] * {e2})", b1 * b2)])
            if c < 0.6:
                e1, b1 = self.ex("C", d)
                e2, b2 = self.ex("R", d)
                return f"({e1} * {e2})", b1 * b2
            if c < 0.8:
                e, b = self.ex("V", d)
                return f"np.stack([{', '.join([e] * M)}])", b
            e, b = self.ex("M", d)
            return r.choice([(f"{self.atom(e)}.T.T", b),
                             (f"{self.atom(e)}.reshape({N}, {M}).reshape({M}, {N})", b)])
        if kind == "C":
            if c < 0.5:
                e, b = self.ex("M", d)
                return r.choice([(f"np.sum({e}, axis=1, keepdims=True)", b * N),
                                 (f"np.mean({e}, axis=-1, keepdims=True)", b)])
            if c < 0.8:
                e, b = self.ex("W", d)
                return r.choice([(f"{self.atom(e)}[:, None]", b),
                                 (f"{self.atom(e)}.reshape({M}, 1)", b),
                                 (f"np.expand_dims({e}, 1)", b)])
            e, b = self.ex("M", d)
            j = self.r.randint(0, N - 1)
            return f"{self.atom(e)}[:, {j}:{j + 1}]", b
        if kind == "R":
            if c < 0.5:
                e, b = self.ex("M", d)
                return r.choice([(f"np.sum({e}, axis=0, keepdims=True)", b * M),
                                 (f"np.mean({e}, axis=0, keepdims=True)", b)])
            if c < 0.8:
                e, b = self.ex("V", d)
                return r.choice([(f"{self.atom(e)}[None, :]", b),
                                 (f"{self.atom(e)}.reshape(1, {N})", b),
                                 (f"np.expand_dims({e}, 0)", b)])
            e, b = self.ex("M", d)
            i = self.r.randint(0, M - 1)
            return f"{self.atom(e)}[{i}:{i + 1}]", b
        return None

    @staticmethod
    def atom(code):
        if re.fullmatch(r"[A-Za-z_][\w.]*(\[[^\[\]]*\])*", code) or \
                (code.startswith("(") and code.endswith(")") and _balanced(code[1:-1])):
            return code
        if re.fullmatch(r"[A-Za-z_][\w.]*\(.*\)", code) and _balanced_call(code):
            return code
        return f"({code})"

    def p_call(self, kind, d):
        funcs = [v.func for v in self.visible(lambda v: v.kind == "F" and v.func.ret == kind)]
        if not funcs:
            return None
        fn = self.r.choice(funcs)
        args = [self.limited(k, d, ARG_LIMIT)[0] for k in fn.params]
        if fn.kw and self.r.random() < 0.5:
            args.append(f"{fn.kw}={self.uniform(0.1, 1.0)}")
        return f"{fn.name}({', '.join(args)})", fn.bound

    def p_ifexp(self, kind, d):
        e1, b1 = self.ex(kind, d)
        e2, b2 = self.ex(kind, d)
        return f"({e1} if {self.cond(d)} else {e2})", max(b1, b2)

    def p_list(self, kind, d):
        lists = self.visible(lambda v: v.kind == "L")
        if not lists:
            return None
        L = self.r.choice(lists)
        c = self.r.random()
        if kind == "S" and c < 0.5:
            if not self.on("genexpr"):
                return None
            h = self.fresh("S" if L.elem == "S" else L.elem)
            inner = f"np.sum({h})" if L.elem != "S" else h
            n = int(np.prod(self.shape[L.elem]))
            if self.r.random() < 0.5:
                return f"sum([{inner} for {h} in {L.code}])", L.bound * n * 6
            return f"sum(({inner} * 0.5 for {h} in {L.code}))", L.bound * n * 3
        if L.elem != kind or L.minlen < 1:
            return None
        if c < 0.7:
            j = self.r.choice([0, -1, L.minlen - 1, -L.minlen])
            return f"{L.code}[{j}]", L.bound
        if c < 0.85:
            return f"sum({L.code})", L.bound * 6
        return f"np.sum(np.stack({L.code}), axis=0)", L.bound * 6

    def p_comprehension(self, kind, d):
        if not self.on("genexpr"):
            return None
        j = self.fresh("I")
        self.push()
        self.add(Var(j, "I", ub=self.N))
        e, b = self.ex("S", d)
        self.pop()
        return f"np.array([{e} for {j} in range({self.N})])", b

    def cond(self, d=1):
        r = self.r
        c = r.random()
        d = max(0, min(d, 2))
        if c < 0.3:
            k = r.choice(KINDS)
            e, b = self.ex(k, d)
            return f"np.sum({e}) > {round(self.uniform(-0.5, 0.5) * min(b, 3), 2)}"
        if c < 0.5:
            e, b = self.ex("S", d)
            return f"{self.atom(e)} {r.choice(['<', '>', '<=', '>='])} {self.uniform(-0.6, 0.6)}"
        if c < 0.65:
            k = r.choice(KINDS)
            e, b = self.ex(k, d)
            return f"np.mean({e}) < {self.uniform(-0.4, 0.4)}"
        if c < 0.8:
            e, b = self.ex("V", d)
            return f"{self.atom(e)}[{self.idx(self.N)}] > {self.uniform(-0.5, 0.5)}"
        if c < 0.9:
            return f"({self.cond(0)}) {r.choice(['and', 'or'])} ({self.cond(0)})"
        return f"not ({self.cond(0)})"

    # ---- statements ----------------------------------------------------------

    def block(self, ind, n, ctx):
        lines = []
        for _ in range(n):
            lines += self.stmt(ind, ctx)
        return lines or [ind + "pass"]

    def stmt(self, ind, ctx):
        r = self.r
        deep = ctx.depth >= 3
        opts = [(5, self.s_assign), (3, self.s_overwrite), (2, self.s_augassign),
                (1.5, self.s_subscript_write), (0.4, self.s_tuple)]
        if not deep:
            opts += [(1.5, self.s_if), (1.6, self.s_for), (0.6, self.s_while)]
        if ctx.depth <= 1:
            opts += [(0.8, self.s_buffer), (0.8, self.s_copy_write), (0.7, self.s_list_build),
                     (0.5, self.s_nested_def), (0.5, self.s_lambda)]
        opts += [(0.6, self.s_list_op)]
        if ctx.depth <= 1 and self.on("aliased-write"):
            opts += [(0.4, self.s_aliased_write), (0.15, self.s_number_grown)]
        if ctx.depth <= 1 and ctx.loop is None and self.on("list-container"):
            opts.append((0.3, self.s_list_container))
        if ctx.ret is not None:
            opts.append((0.3, self.s_early_return))
        if ctx.loop is not None and not ctx.loop.get("no_break"):
            opts.append((0.6, self.s_break))
        opts += self.idiom_options(ctx)
        for _ in range(8):
            fn = r.choices([o for _, o in opts], [w for w, _ in opts])[0]
            out = fn(ind, ctx)
            if out is not None:
                return out
        return self.s_assign(ind, ctx)

    def d(self):
        return self.r.randint(1, self.max_expr_depth)

    def bind(self, name, kind, code, b, ctx, ind, existing=None):
        """``name = code`` with the aliasing discipline: in-place writes only ever
        touch objects no other name can see."""
        rt = roots(code)
        in_loop = ctx.loop is not None
        if kind == "S":
            if rt:
                code = f"{self.atom(code)} * 1.0"
            fresh = True
        else:
            owned_roots = {n for n in rt if any(v.name == n and self.owned(v, ctx)
                                                for v in self.numeric())}
            target_owned = existing is not None and self.owned(existing, ctx)
            if rt and (in_loop and (owned_roots or target_owned) or self.r.random() < 0.3
                       or not self.on("alias")):
                code = f"{self.atom(code)}.copy()"
                fresh = True
            else:
                self.freeze(rt, ctx)
                if rt and existing is not None:
                    self.freeze({name}, ctx)
                fresh = not rt
        return code, fresh

    def is_active(self, code):
        names = {n.id for n in ast.walk(ast.parse(code, mode="eval")) if isinstance(n, ast.Name)}
        return any(v.active for v in self.visible(lambda v: v.name in names or
                                                  v.code.split("[")[0] in names))

    def s_assign(self, ind, ctx):
        kind = self.r.choices(list(NEW_KIND_WEIGHTS), list(NEW_KIND_WEIGHTS.values()))[0]
        code, b = self.ex(kind, self.d())
        name = self.fresh(kind)
        code, fresh = self.bind(name, kind, code, b, ctx, ind)
        v = self.add(Var(name, kind, b, fn=ctx.fn, fresh=fresh))
        v.active = self.is_active(code)
        return [f"{ind}{name} = {code}"]

    def _targets(self, ctx, pred=lambda v: True):
        return [v for v in self.numeric() if v.fn == ctx.fn and v.code == v.name and pred(v)]

    def s_overwrite(self, ind, ctx):
        vs = self._targets(ctx)
        if not vs:
            return None
        v = self.r.choice(vs)
        code, b = self.ex(v.kind, self.d())
        if ctx.loop is not None and b > max(v.bound, 1.0):
            code, b = self.squash(code, b)
        code, fresh = self.bind(v.name, v.kind, code, b, ctx, ind, existing=v)
        v.active = v.active or self.is_active(code)
        v.bound = max(v.bound, b)
        if not fresh:
            v.fresh = False
        return [f"{ind}{v.name} = {code}"]

    def s_augassign(self, ind, ctx):
        vs = self._targets(ctx, lambda v: self.owned(v, ctx))
        if not vs:
            return None
        v = self.r.choice(vs)
        op = self.r.choice(["+=", "-=", "*=", "/=", "+=", "*="])
        if v.kind == "S":
            rk = "S"
        else:
            rk = self.r.choice(self.into[v.kind])
        if op in ("+=", "-="):
            code, b = self.ex(rk, self.d())
            v.bound = v.bound + b * max(1, ctx.loops)
        elif op == "*=":
            code, b = self.ex(rk, self.d())
            if b > 1.2:
                code = self.r.choice([f"np.cos({code})", f"np.tanh({code})",
                                      f"(0.5 + 0.5 * np.sin({code}))"])
        else:
            e, _ = self.ex(rk, self.d())
            code = f"(1.5 + np.cos({e}))"
            v.bound *= 2.0 ** min(ctx.loops, 6)
        if v.bound > 1e3:
            return None
        v.active = v.active or self.is_active(code)
        return [f"{ind}{v.name} {op} {code}"]

    def s_aliased_write(self, ind, ctx):
        """``t = z[k]`` (or a view, or z itself), then z written in place, then t
        read. Where t shares z's memory the value depends on NumPy's aliasing
        (srcdiff may refuse it, but a number it returns must be right); an item
        of a vector, or builtin min() of one, is a number and must be accepted."""
        r = self.r
        vs = self._targets(ctx, lambda v: v.kind in ("V", "W", "M") and self.owned(v, ctx))
        if not vs:
            return None
        v = r.choice(vs)
        z = v.name
        if v.kind == "M":
            opts = [(f"{z}[{self.idx(self.M)}]", "V"), (f"{z}[:, {self.idx(self.N)}]", "W"),
                    (z, "M"), (f"{z}[::-1]", "M"), (f"[{z}].pop()", "M"),
                    # a view of a view (the gradient keeps the first as a copy,
                    # which once hid the second's sharing from the checks)
                    (f"{z}[{self.idx(self.M)}][::-1]", "V"),
                    (f"np.asarray({z}[:, {self.idx(self.N)}]).T", "W")]
            if self.on("pyminmax"):
                # builtin min() of a one-element view returns the view itself where it
                # selects it (the gradient's copy once hid that: 026dd77), first or
                # second, and a view of what it returns
                e, _ = self.limited("S", 1, 1.0)
                k = r.randrange(self.M)
                view = f"{z}[{k}:{k + 1}, {self.idx(self.N)}]"
                pick = r.choice(["min", "max"])
                opts.append((r.choice([f"{pick}({view}, {e})", f"{pick}({e}, {view})",
                                       f"np.transpose({pick}({view}, {e}))"]), "S1"))
        else:
            n = self.shape[v.kind][0]
            e, _ = self.limited("S", 1, 1.0)
            # (an item popped off a list is the array put there: [z].pop() is z)
            opts = [(f"{z}[{self.idx(n)}]", "S"), (f"min({z}[{self.idx(n)}], {e})", "S"),
                    (z, v.kind), (f"{z}[::-1]", v.kind), (f"[{z}].pop()", v.kind),
                    (f"{z}[::-1][::-1]", v.kind)]
            if not self.on("pyminmax"):
                del opts[1]
        code, kind = r.choice(opts)
        one = kind == "S1"              # a number, or a one-element view of z
        if one:
            kind = "S"
            self.reads_shared = True
        item = ""
        if self.on("list-container") and r.random() < 0.25:
            # z held by a list, tuple or dict, which is read after z is written
            code, item = r.choice([(f"[{z}]", "[0]"), (f"({z}, 1.0)", "[0]"),
                                   (f"{{'a': {z}}}", "['a']")])
            kind = v.kind
        if kind != "S":
            # t really names z's memory: srcdiff may refuse the program (_check_one)
            self.reads_shared = True
        t = self.fresh(kind) if not item else self.fresh("L")
        before = v.bound
        if kind != "S" and r.random() < 0.4:
            # y += v / y *= c where t may name y's array (the a7e77e9 class)
            e, b = self.limited(v.kind, self.d(), 1.0)
            op = r.choice(["+=", "*="])
            write = [f"{ind}{z} {op} {e if op == '+=' else f'np.cos({e})'}"]
            if op == "+=":
                v.bound += b
        else:
            write = self.write_into(v, ind, ctx)
            if write is None:
                return None
        if not item:
            tv = self.add(Var(t, kind, max(before, v.bound), fn=ctx.fn, fresh=False))
            tv.active = v.active
            self.freeze({t}, ctx)
        u = self.fresh("S")
        n_el = int(np.prod(self.shape[kind])) if kind != "S" else 1
        use = f"np.sin({t})" if kind == "S" and not one else f"np.sum(np.sin({t}{item}))"
        uv = self.add(Var(u, "S", float(n_el), fn=ctx.fn, fresh=True))
        uv.active = v.active
        return [f"{ind}{t} = {code}"] + write + [f"{ind}{u} = {use}"]

    def s_number_grown(self, ind, ctx):
        """``z = <number>; z += <array>`` makes z a new array, ``t = z`` names
        it, and the next ``z += ...`` changes it in place, which t sees. The
        alias analysis once took a number's augmented assignment to hold no
        array at all, so that sharing went unseen and the gradient was silently
        wrong (srcdiff may refuse it, but a number it returns must be right)."""
        r = self.r
        kind = r.choice(["V", "W", "M"])
        e0, b0 = self.limited("S", 1, 1.0)
        if r.random() < 0.5:
            e0, b0 = r.choice([("0.0", 0.0), ("0.5", 0.5), (f"np.mean({e0})", b0)])
        e1, b1 = self.limited(kind, self.d(), 1.0)
        e2, b2 = self.limited(kind, self.d(), 1.0)
        op = r.choice(["+=", "*="])
        z, t, u = self.fresh(kind), self.fresh(kind), self.fresh("S")
        self.reads_shared = True
        act = any(v.active and re.search(rf"\b{v.name}\b", e0 + e1 + e2)
                  for v in self.visible())
        bound = b0 + b1 + b2 if op == "+=" else b0 + b1
        for name in (z, t):
            var = self.add(Var(name, kind, bound, fn=ctx.fn, fresh=False))
            var.active = act
        self.freeze({z, t}, ctx)
        n_el = int(np.prod(self.shape[kind]))
        uv = self.add(Var(u, "S", float(n_el), fn=ctx.fn, fresh=True))
        uv.active = act
        second = e2 if op == "+=" else f"np.cos({e2})"
        return [f"{ind}{z} = {e0}", f"{ind}{z} += {e1}", f"{ind}{t} = {z}",
                f"{ind}{z} {op} {second}", f"{ind}{u} = np.sum(np.sin({t}))"]

    def s_list_container(self, ind, ctx):
        """Lists inside a container: grown through it (``G[i % 2].append(e)``), or
        grown under their own name while a container holds them (both make the
        value depend on the sharing: srcdiff may refuse, but must not return a
        wrong number), or built first and put into a container afterwards (must
        be accepted)."""
        r = self.r
        kind = r.choice(["S", "V", "W"])
        n_el = int(np.prod(self.shape[kind])) if kind != "S" else 1
        c = r.random()
        u = self.fresh("S")
        if c < 0.3:
            # lists and tuples joined with + / += and repeated with *
            L = self.fresh("L")
            e1, b1 = self.limited(kind, self.d(), 2.0)
            e2, b2 = self.limited(kind, self.d(), 2.0)
            e1 = self.own(e1, kind)
            e2 = self.own(e2, kind)
            lines = [f"{ind}{L} = " + r.choice([f"[{e1}]", f"[{e1}] * 2", f"({e1},) * 2"])]
            tup = lines[0].rstrip().endswith("* 2") and "(" in lines[0].split("=", 1)[1][:2]
            more = f"({e2},)" if tup else f"[{e2}]"
            lines.append(f"{ind}{L} = {L} + {more}" if r.random() < 0.5 else f"{ind}{L} += {more}")
            if not tup and r.random() < 0.4:
                # the list named twice and an item written: depends on the sharing
                M = self.fresh("L")
                e3, b3 = self.limited(kind, self.d(), 2.0)
                lines += [f"{ind}{M} = {L}", f"{ind}{L}[0] = {e3}"]
                L = M
                b1 = max(b1, b3)
                self.reads_shared = True
            use = f"np.sum({L}[-1] * {L}[0])" if r.random() < 0.5 \
                else f"np.sum({L}[1]) + np.sum({L}[-1])"
            bound, active = (b1 * b2 + b1 + b2) * n_el, self.is_active(e1) or self.is_active(e2)
        elif c < 0.55:
            g, i = self.fresh("L").replace("L", "G"), self.fresh("I")
            k = r.randint(2, 4)
            make = r.choice(["[[], []]", "[[] for _ in range(2)]"])
            lines = [f"{ind}{g} = {make}", f"{ind}for {i} in range({k}):"]
            self.push()
            self.add(Var(i, "I", ub=k))
            e, b = self.limited(kind, self.d(), 2.0)
            self.pop()
            e = self.own(e, kind)
            lines.append(f"{ind}    {g}[{i} % 2].append({e})")
            use = f"np.sum(np.stack({g}[0])) + np.sum(np.stack({g}[-1]))"
            self.reads_shared = True
            bound, active = b * k * n_el, self.is_active(e)
        else:
            L, P = self.fresh("L"), self.fresh("L").replace("L", "P")
            e1, b1 = self.limited(kind, self.d(), 2.0)
            e2, b2 = self.limited(kind, self.d(), 2.0)
            e1 = self.own(e1, kind)
            e2 = self.own(e2, kind)
            s0, _ = self.limited("S", 1, 1.0)
            hold, item = r.choice([(f"({L}, {s0})", f"{P}[0]"), (f"[{L}]", f"{P}[0]"),
                                   (f"{{'a': {L}, 'b': {s0}}}", f"{P}['a']")])
            if c < 0.8:
                # grown while the container holds it
                grow = r.choice([f"{L}.append({e2})", f"{item}.append({e2})"])
                lines = [f"{ind}{L} = [{e1}]", f"{ind}{P} = {hold}", f"{ind}{grow}"]
                self.reads_shared = True
            else:
                lines = [f"{ind}{L} = [{e1}]", f"{ind}{L}.append({e2})", f"{ind}{P} = {hold}"]
            use = f"np.sum({item}[-1]) * np.sum({item}[0])" if r.random() < 0.5 \
                else f"np.sum({item}[-1] * {L}[0])"
            bound, active = b1 * b2 * n_el * n_el, self.is_active(e1) or self.is_active(e2)
        uv = self.add(Var(u, "S", bound, fn=ctx.fn, fresh=True))
        uv.active = active
        return lines + [f"{ind}{u} = {use}"]

    def s_tuple(self, ind, ctx):
        k1, k2 = self.r.choice(KINDS), self.r.choice(KINDS)
        e1, b1 = self.ex(k1, self.d())
        e2, b2 = self.ex(k2, self.d())
        n1, n2 = self.fresh(k1), self.fresh(k2)
        e1, f1 = self.bind(n1, k1, e1, b1, ctx, ind)
        e2, f2 = self.bind(n2, k2, e2, b2, ctx, ind)
        if self.r.random() < 0.5:
            self.add(Var(n1, k1, b1, fn=ctx.fn, fresh=f1))
            self.add(Var(n2, k2, b2, fn=ctx.fn, fresh=f2))
            return [f"{ind}{n1}, {n2} = {e1}, {e2}"]
        p = self.fresh("S").replace("s", "pair")
        self.add(Var(n1, k1, b1, fn=ctx.fn, fresh=False))
        self.add(Var(n2, k2, b2, fn=ctx.fn, fresh=False))
        return [f"{ind}{p} = ({e1}, {e2})", f"{ind}{n1} = {p}[0]", f"{ind}{n2} = {p}[-1]"]

    def s_subscript_write(self, ind, ctx):
        vs = self._targets(ctx, lambda v: v.kind != "S" and self.owned(v, ctx))
        if not vs:
            return None
        v = self.r.choice(vs)
        return self.write_into(v, ind, ctx)

    def write_into(self, v, ind, ctx):
        r = self.r
        N, M = self.N, self.M
        z = v.name
        d = self.d()
        out = []
        c = r.random()
        lim = lambda k: self.limited(k, d, max(1.0, v.bound))[0]  # noqa: E731
        if v.kind in ("V", "W"):
            n = self.shape[v.kind][0]
            if c < 0.3:
                out.append(f"{z}[{self.idx(n)}] = {lim('S')}")
            elif c < 0.4:
                op = r.choice(["+=", "-="])
                out.append(f"{z}[{self.idx(n)}] {op} {lim('S')}")
                v.bound += 1
            elif c < 0.5:
                a, b = self.span(n)
                out.append(f"{z}[{a}:{b}] *= {self.uniform(0.3, 1.2)}")
            elif c < 0.6:
                a, b = self.span(n)
                out.append(f"{z}[{a}:{b}] = {lim('S')}")
            elif c < 0.72:
                a, b = self.span(n)
                src_kind = r.choice([k for k in ("V", "W") if self.shape[k][0] >= b - a])
                L = self.shape[src_kind][0]
                s0 = r.randint(0, L - (b - a))
                e = self.atom(lim(src_kind))
                out.append(f"{z}[{a}:{b}] = {e}[{s0}:{s0 + b - a}]")
            elif c < 0.8 and n >= 3:
                e1 = self.atom(lim(v.kind))
                e2 = self.atom(lim(v.kind))
                out.append(f"{z}[1:-1] = 0.5 * ({e1}[2:] - {e2}[:-2]) + {z}[1:-1]")
                v.bound *= 2
            elif c < 0.84:
                # the new elements read the old ones nonlinearly (a rule needs them)
                a, b = self.span(n)
                f = r.choice(["np.sin", "np.tanh", ""])
                out.append(f"{z}[{a}:{b}] = {self.atom(lim('S'))} * {f}({z}[{a}:{b}])")
            elif c < 0.88 and self.on("mask-write"):
                if r.random() < 0.6:
                    out.append(f"{z}[{z} > {self.uniform(-0.5, 0.5)}] "
                               f"{r.choice(['= 0.0', '*= 0.5', '+= 1.0'])}")
                else:
                    # an integer-array index naming an element twice: the last write lasts
                    first = r.randint(0, n - 1)
                    idxs = [first, r.randint(0, n - 1), first]
                    out.append(f"{z}[np.array({idxs})] {r.choice(['=', '+=', '*='])} {lim('S')}")
                v.bound += 1
            elif c < 0.94:
                out.append(f"{z}[::-1] = {lim(v.kind)}")
            else:
                out.append(f"{z}[::2] = {lim('S')}")
        elif v.kind == "M":
            if c < 0.25:
                out.append(f"{z}[{self.idx(M)}] = {lim('V')}")
            elif c < 0.4:
                out.append(f"{z}[{self.idx(M)}, {self.idx(N)}] = {lim('S')}")
            elif c < 0.52:
                out.append(f"{z}[:, {self.idx(N)}] = {lim('W')}")
            elif c < 0.62:
                out.append(f"{z}[{self.idx(M)}, :] *= {self.uniform(0.3, 1.2)}")
            elif c < 0.66:
                a, b = self.span(M)
                out.append(f"{z}[{a}:{b}] += {lim('S')}")
                v.bound += 1
            elif c < 0.7:
                j = self.idx(N)
                out.append(f"{z}[:, {j}] = np.tanh({z}[:, {j}]) * {self.atom(lim('S'))}")
            elif c < 0.78:
                a, b = self.span(N)
                out.append(f"{z}[:, {a}:{b}] = {lim('S')}")
            elif c < 0.86 and self.on("mask-write"):
                out.append(f"{z}[{z} < {self.uniform(-0.5, 0.5)}] = {lim('S')}")
            elif c < 0.93 and self.on("chained-write"):
                out.append(f"{z}[{self.idx(M)}][{self.idx(N)}] = {lim('S')}")
            else:
                out.append(f"{z}[{self.idx(M)}] += {lim('V')}")
                v.bound += 1
        elif v.kind == "C":
            out.append(f"{z}[{self.idx(M)}, 0] = {lim('S')}")
        elif v.kind == "R":
            if c < 0.5:
                out.append(f"{z}[0, {self.idx(N)}] = {lim('S')}")
            else:
                out.append(f"{z}[0] = {lim('V')}")
        if v.bound > 1e3:
            return None
        return [ind + s for s in out]

    def s_copy_write(self, ind, ctx):
        kind = self.r.choice(["V", "V", "W", "M", "M", "C", "R"])
        e, b = self.ex(kind, self.d())
        form = self.r.choice(["{e}.copy()", "np.copy({e})", "np.array({e})", "{e}.copy()"])
        if form.startswith("{e}"):
            e = self.atom(e)
        name = self.fresh(kind)
        v = self.add(Var(name, kind, b, fn=ctx.fn, fresh=True))
        v.active = True
        lines = [f"{ind}{name} = {form.format(e=e)}"]
        for _ in range(self.r.randint(1, 2)):
            w = self.write_into(v, ind, ctx)
            if w:
                lines += w
        return lines

    def s_buffer(self, ind, ctx):
        r = self.r
        N, M = self.N, self.M
        kind = r.choice(["V", "W", "M", "M"])
        name = self.fresh(kind)
        empty = r.random() < 0.2 and self.on("empty-buffer")
        alloc = "np.empty" if empty else "np.zeros"
        shape = {"V": f"{N}", "W": f"{M}", "M": f"({M}, {N})"}[kind]
        like = [v for v in self.numeric(kind)]
        if like and not empty and r.random() < 0.3:
            lines = [f"{ind}{name} = np.zeros_like({r.choice(like).code})"]
        else:
            lines = [f"{ind}{name} = {alloc}({shape})"]
        buf = Var(name, kind, 1.0, fn=ctx.fn, fresh=True)
        buf.active = True
        if not empty:             # an np.empty buffer is read only once it is filled
            self.add(buf)
        n = self.shape[kind][0]
        i = self.fresh("I")
        use_while = r.random() < 0.25 and not empty
        self.push()
        self.add(Var(i, "I", ub=n))
        sub = ctx.sub(loop={"type": "for", "iters": n, "no_break": True}, loops=ctx.loops * n)
        if use_while:
            lines += [f"{ind}{i} = 0", f"{ind}while {i} < {n}:"]
            sub.loop = {"type": "while", "iters": n, "no_break": True}
        else:
            lines.append(f"{ind}for {i} in range({n}):")
        body = self.block(ind + "    ", r.randint(0, min(2, 1 + self.size // 6)), sub) \
            if r.random() < 0.6 else []
        body = [b for b in body if b.strip() != "pass"]
        if kind == "M":
            row = self.limited("V", self.d(), 2.0)[0]
            body.append(f"{ind}    {name}[{i}] = {row}" if r.random() < 0.6 else
                        f"{ind}    {name}[{i}, :] = {row}")
        else:
            body.append(f"{ind}    {name}[{i}] = {self.limited('S', self.d(), 2.0)[0]}")
        if use_while:
            body.append(f"{ind}    {i} += 1")
        self.pop()
        buf.bound = 2.0
        if empty:
            self.add(buf)
        return lines + body

    def s_if(self, ind, ctx):
        r = self.r
        lines = [f"{ind}if {self.cond(self.d())}:"]
        sub = ctx.sub(in_branch=True)
        n = lambda: r.randint(1, max(1, min(4, self.size // 3)))  # noqa: E731
        self.push()
        lines += self.block(ind + "    ", n(), sub)
        self.pop()
        while r.random() < 0.25:
            lines.append(f"{ind}elif {self.cond(self.d())}:")
            self.push()
            lines += self.block(ind + "    ", n(), sub)
            self.pop()
        if r.random() < 0.5:
            lines.append(f"{ind}else:")
            self.push()
            lines += self.block(ind + "    ", n(), sub)
            self.pop()
        return lines

    def s_for(self, ind, ctx):
        r = self.r
        N, M = self.N, self.M
        c = r.random()
        self.push()
        lines = []
        restore = []
        if c < 0.45:
            k = r.randint(1, 4)
            i = self.fresh("I")
            ints = self.visible(lambda v: v.kind == "I" and v.count is not None)
            form = r.choice(["range({k})", "range({k})", "reversed(range({k}))",
                             "range(1, {k1})"])
            outer = self.visible(lambda v: v.kind == "I" and v.ub is not None)
            if ints and r.random() < 0.3:
                p = r.choice(ints)
                head, k = f"range({p.name})", p.count
            elif outer and r.random() < 0.2:
                # a trip count that changes with an enclosing loop's counter
                head = f"range({r.choice(outer).name} % {k} + 1)"
            else:
                head = form.format(k=k, k1=k + 1)
                if form.startswith("range(1"):
                    k = k + 1
            self.add(Var(i, "I", ub=k))
            lines.append(f"{ind}for {i} in {head}:")
            iters = k
        elif c < 0.8:
            e, b = self.ex("M", 1)
            self.freeze(roots(e), ctx)
            w, bw = self.ex("W", 1)
            row = self.fresh("V")
            self.add(Var(row, "V", b, fn=ctx.fn))
            iters = M
            form = r.random()
            if form < 0.4:
                lines.append(f"{ind}for {row} in {e}:")
            elif form < 0.7:
                i = self.fresh("I")
                self.add(Var(i, "I", ub=M))
                lines.append(f"{ind}for {i}, {row} in enumerate({e}):")
            else:
                self.freeze(roots(w), ctx)
                a = self.fresh("S")
                self.add(Var(a, "S", bw, fn=ctx.fn))
                lines.append(f"{ind}for {a}, {row} in zip({w}, {e}):")
        else:
            lists = self.visible(lambda v: v.kind == "L")
            if lists and r.random() < 0.6:
                L = r.choice(lists)
                h = self.fresh(L.elem)
                self.add(Var(h, L.elem, L.bound, fn=ctx.fn))
                iters = max(L.minlen, 3)
                if r.random() < 0.5:
                    lines.append(f"{ind}for {h} in {L.code}:")
                else:
                    i = self.fresh("I")
                    self.add(Var(i, "I", ub=None))
                    lines.append(f"{ind}for {i}, {h} in enumerate({L.code}):")
                if L.mutable:   # the body must not change the list it iterates
                    L.mutable = False
                    restore.append(L)
            else:
                e, b = self.ex("V", 1)
                self.freeze(roots(e), ctx)
                a = self.fresh("S")
                self.add(Var(a, "S", b, fn=ctx.fn))
                lines.append(f"{ind}for {a} in {e}:")
                iters = N
        sub = ctx.sub(loop={"type": "for", "iters": iters, "no_break": False},
                      loops=ctx.loops * iters)
        nb = r.randint(1, max(1, min(5, self.size // 2)))
        lines += self.block(ind + "    ", nb, sub)
        self.pop()
        for L in restore:
            L.mutable = True
        if r.random() < 0.15:
            lines.append(f"{ind}else:")
            self.push()
            lines += self.block(ind + "    ", 1, ctx.sub())
            self.pop()
        return lines

    def s_while(self, ind, ctx):
        r = self.r
        k = self.fresh("I")
        K = r.randint(1, 4)
        lines = [f"{ind}{k} = 0"]
        outer = self.visible(lambda v: v.kind == "I" and v.ub is not None)
        if outer and r.random() < 0.3:
            # a trip count that changes with an enclosing loop's counter
            lines.append(f"{ind}while {k} < {r.choice(outer).name} % {K} + 1:")
        elif r.random() < 0.5:
            lines.append(f"{ind}while {k} < {K}:")
        else:
            lines.append(f"{ind}while ({self.cond(1)}) and {k} < {K}:")
        self.push()
        self.add(Var(k, "I", ub=K))
        sub = ctx.sub(loop={"type": "while", "iters": K, "no_break": False},
                      loops=ctx.loops * K)
        nb = r.randint(1, max(1, min(4, self.size // 2)))
        lines += [ln for ln in self.block(ind + "    ", nb, sub) if ln.strip() != "pass"]
        lines.append(f"{ind}    {k} += 1")
        self.pop()
        if r.random() < 0.15:
            lines.append(f"{ind}else:")
            self.push()
            lines += self.block(ind + "    ", 1, ctx.sub())
            self.pop()
        return lines

    def s_break(self, ind, ctx):
        word = "break"
        if ctx.loop["type"] == "for" and self.r.random() < 0.5:
            word = "continue"
        return [f"{ind}if {self.cond(1)}:", f"{ind}    {word}"]

    def s_early_return(self, ind, ctx):
        if ctx.loop is not None and not self.on("loop-return"):
            return None
        e, b = self.ex(ctx.ret, self.d())
        if roots(e):
            e = f"{self.atom(e)} * 1.0"
        return [f"{ind}if {self.cond(1)}:", f"{ind}    return {e}"]

    def own(self, e, kind):
        """``e``, or a copy of it where it is only a name of another array (a list
        item must be an array of its own: appending a name would share it)."""
        return f"{self.atom(e)}.copy()" if roots(e) and kind != "S" else e

    def s_list_build(self, ind, ctx):
        r = self.r
        kind = r.choice(["S", "V", "V", "W", "M"])
        name = self.fresh("L")
        k = r.randint(1, 4)
        c = r.random()
        if c < 0.2:
            items = []
            for _ in range(k):
                e, b = self.limited(kind, self.d(), 2.0)
                e, _ = self.bind(name, kind, e, b, ctx, ind)
                items.append(e)
            self.add(Var(name, "L", 2.0, fn=ctx.fn, elem=kind, minlen=k, mutable=True))
            return [f"{ind}{name} = [{', '.join(items)}]"]
        if c < 0.35 and self.on("genexpr"):
            lists = self.visible(lambda v: v.kind == "L")
            if lists:
                L = r.choice(lists)
                h = self.fresh(L.elem)
                self.push()
                self.add(Var(h, L.elem, L.bound, fn=ctx.fn))
                e, b = self.limited(L.elem, self.d(), 2.0)
                self.pop()
                e = self.own(e, L.elem)
                self.add(Var(name, "L", b, fn=ctx.fn, elem=L.elem, minlen=L.minlen,
                             mutable=True))
                return [f"{ind}{name} = [{e} for {h} in {L.code}]"]
        lines = [f"{ind}{name} = []"]
        i = self.fresh("I")
        self.push()
        self.add(Var(i, "I", ub=k))
        lines.append(f"{ind}for {i} in range({k}):")
        sub = ctx.sub(loop={"type": "for", "iters": k, "no_break": True}, loops=ctx.loops * k)
        body = [b for b in self.block(ind + "    ", r.randint(0, 2), sub) if b.strip() != "pass"]
        e, b = self.limited(kind, self.d(), 2.0)
        e = self.own(e, kind)
        body.append(f"{ind}    {name}.append({e})")
        self.pop()
        self.add(Var(name, "L", b, fn=ctx.fn, elem=kind, minlen=k, mutable=True))
        return lines + body

    def s_list_op(self, ind, ctx):
        lists = self.visible(lambda v: v.kind == "L" and v.mutable and v.fn == ctx.fn)
        if not lists:
            return None
        L = self.r.choice(lists)
        c = self.r.random()
        if c < 0.35 and L.minlen >= 1 and ctx.loop is None:
            name = self.fresh(L.elem)
            L.minlen -= 1
            self.add(Var(name, L.elem, L.bound, fn=ctx.fn, fresh=False))
            return [f"{ind}{name} = {L.code}.pop()"]
        if c < 0.7 and L.minlen >= 1:
            e, b = self.limited(L.elem, self.d(), 2.0)
            e = self.own(e, L.elem)
            L.bound = max(L.bound, b)
            return [f"{ind}{L.code}[{self.r.randint(-L.minlen, L.minlen - 1)}] = {e}"]
        if ctx.loop is not None:
            return None
        e, b = self.limited(L.elem, self.d(), 2.0)
        e = self.own(e, L.elem)
        L.bound = max(L.bound, b)
        if not ctx.in_branch:
            L.minlen += 1
        return [f"{ind}{L.code}.append({e})"]

    def _function(self, name, params, ret, ind, nstmts, kw=None):
        """Body lines of a function (params: list of (name, kind))."""
        fn = next(self.fn_counter) + 1000
        ctx = Ctx(fn, ret)
        self.push()
        for p, k in params:
            self.add(Var(p, k, ARG_LIMIT, fn=fn))
        if kw:
            self.add(Var(kw, "S", 1.0, fn=fn))
        lines = [ln for ln in self.block(ind, nstmts, ctx) if ln.strip() != "pass"] \
            if nstmts else []
        e, b = self.ex(ret, self.d())
        if roots(e):
            e = f"{self.atom(e)} * 1.0"
        lines.append(f"{ind}return {e}")
        self.pop()
        return lines, b

    def s_nested_def(self, ind, ctx):
        if ctx.loop is not None and not self.on("def-in-loop"):
            return None
        name = self.fresh("F")
        nparams = self.r.randint(1, 2)
        params = [(self.fresh("S").replace("s", "z"), self.r.choice(KINDS)) for _ in range(nparams)]
        ret = self.r.choice(KINDS)
        kw = f"k{next(self.counter)}" if self.r.random() < 0.3 else None
        sig = ", ".join([p for p, _ in params] + ([f"{kw}={self.uniform(0.2, 0.9)}"] if kw else []))
        body, b = self._function(name, params, ret, ind + "    ", self.r.randint(0, 2), kw)
        self.add(Var(name, "F", fn=ctx.fn, func=Func(name, [k for _, k in params], ret, b, kw)))
        return [f"{ind}def {name}({sig}):"] + body

    def s_lambda(self, ind, ctx):
        if ctx.loop is not None and not self.on("def-in-loop"):
            return None
        name = self.fresh("F")
        z = self.fresh("S").replace("s", "z")
        k = self.r.choice(KINDS)
        fn = next(self.fn_counter) + 1000
        self.push()
        self.add(Var(z, k, ARG_LIMIT, fn=fn))
        ret = k if self.r.random() < 0.7 else "S"
        e, b = self.ex(ret, self.d())
        if roots(e):
            e = f"{self.atom(e)} * 1.0"
        self.pop()
        self.add(Var(name, "F", fn=ctx.fn, func=Func(name, [k], ret, b)))
        return [f"{ind}{name} = lambda {z}: {e}"]

    # ---- whole program -------------------------------------------------------

    PARAMS = [("x", "V"), ("y", "V"), ("A", "M"), ("B", "M"), ("w", "W"), ("s", "S"),
              ("t", "S"), ("xs", "L"), ("p", "D"), ("n", "I"), ("flag", "B")]

    def program(self):
        """(source, function name, argument specs)."""
        r = self.r
        module = []
        # module-level constants and helpers
        if r.random() < 0.3:
            g = f"G{next(self.counter)}"
            c = self.uniform(0.2, 1.5)
            module.append(f"{g} = {c}")
            self.add(Var(g, "S", c, fn=-1))
        if r.random() < 0.2:
            g = f"W{next(self.counter)}"
            module.append(f"{g} = np.linspace(-0.5, 0.5, {self.N})")
            self.add(Var(g, "V", 0.5, fn=-1))
        nhelpers = r.randint(0, min(3, self.size // 3))
        for _ in range(nhelpers):
            name = f"h{next(self.counter)}"
            if r.random() < self.idiom_weight("tuple-helpers", 0.35):
                lines, var = self.multi_helper(name)
                module += lines
                self.add(var)
                continue
            nparams = r.randint(1, 3)
            params = [(f"a{next(self.counter)}", r.choice(KINDS)) for _ in range(nparams)]
            ret = r.choice(KINDS)
            if r.random() < 0.2:
                z, k = params[0]
                fn = next(self.fn_counter) + 1000
                self.push()
                self.add(Var(z, k, ARG_LIMIT, fn=fn))
                e, b = self.ex(k, self.d())
                if roots(e):
                    e = f"{self.atom(e)} * 1.0"
                self.pop()
                module.append(f"{name} = lambda {z}: {e}")
                self.add(Var(name, "F", fn=-1, func=Func(name, [k], k, b)))
                continue
            kw = "scale" if r.random() < 0.3 else None
            sig = ", ".join([p for p, _ in params] + ([f"{kw}={self.uniform(0.2, 0.9)}"]
                                                      if kw else []))
            body, b = self._function(name, params, ret, "    ",
                                     r.randint(0, max(1, min(4, self.size // 3))), kw)
            module.append(f"def {name}({sig}):")
            module += body
            module.append("")
            self.add(Var(name, "F", fn=-1, func=Func(name, [k for _, k in params], ret, b, kw)))
        # the differentiated function
        nparams = r.randint(1, 4)
        pool = [pk for pk in self.PARAMS + self.idiom_params()
                if self.on("container-params") or pk[1] not in ("L", "D")]
        r.shuffle(pool)
        chosen = pool[:nparams]
        chosen += self.focused_params(chosen)
        if all(k in ("I", "B") for _, k in chosen):
            chosen.append(r.choice(self.PARAMS[:7]))
        fn = 0
        ctx = Ctx(fn, "S")
        specs = []
        self.push()
        for p, k in chosen:
            if k in KINDS:
                self.add(Var(p, k, 1.2, fn=fn)).active = True
                specs.append((p, k, None))
            elif k == "L":
                n = r.randint(1, 3)
                self.add(Var(p, "L", 1.2, fn=fn, elem="V", minlen=n, mutable=False)).active = True
                specs.append((p, "L", n))
            elif k == "D":
                self.add(Var(p + "w", "V", 1.2, fn=fn, code=f'{p}["w"]')).active = True
                self.add(Var(p + "b", "S", 1.2, fn=fn, code=f'{p}["b"]')).active = True
                specs.append((p, "D", None))
            elif k == "I":
                n = r.randint(1, 4)
                self.add(Var(p, "I", ub=n + 1, count=n))
                specs.append((p, "I", n))
            elif k in self.IDIOM_PARAMS:
                specs.append((p, k, self.idiom_param(p, k, fn)))
            else:
                specs.append((p, "B", r.random() < 0.5))
        body = []
        flags = [p for p, k, _ in specs if k == "B"]
        n = r.randint(2, 2 + self.size)
        body += self.block("    ", n, ctx)
        if flags:
            self.push()
            body += [f"    if {flags[0]}:"] + self.block("        ", 1, ctx.sub(in_branch=True))
            self.pop()
        # the value: several of the computed quantities, reduced
        terms = []
        cands = [v for v in self.numeric() if v.fn == fn]
        act = [v for v in cands if v.active]
        recent = act[-3:] + [v for v in cands if not v.active][-1:]
        r.shuffle(recent)
        for v in recent[:r.randint(1, 3)]:
            if v.kind == "S":
                terms.append((v.code, v.bound))
            else:
                red = r.choice(["np.sum", "np.mean", "np.sum"])
                n_el = int(np.prod(self.shape[v.kind])) if red == "np.sum" else 1
                if r.random() < 0.3:
                    terms.append((f"{red}({v.code} ** 2)", v.bound ** 2 * n_el))
                else:
                    terms.append((f"{red}({v.code})", v.bound * n_el))
        if not terms:
            terms.append(self.ex("S", 2))
        ret = " + ".join(f"{self.uniform(0.2, 1.0)} * {self.atom(c)}" if r.random() < 0.4 else c
                         for c, _ in terms)
        body.append(f"    return {ret}")
        self.pop()
        params = ", ".join(p for p, _, _ in specs)
        module.append(f"def f({params}):")
        module += body
        text = HEADER + "\n" + "\n".join(module) + "\n"
        text = HEADER + "\n" + ast.unparse(ast.parse(text)).split("\n", 2)[2] + "\n"
        if re.search(r"\b(Layer|Params)\(", text) or any(
                k == "Layers" and e[1] == "named" or k == "PN" for _, k, e in specs):
            text = HEADER + TYPES_IMPORT + "\n" + text[len(HEADER):]
        return text, "f", specs

    def arguments(self, specs, nrng):
        """Random inputs for the program's parameters."""
        args = []
        for name, kind, extra in specs:
            if kind in KINDS:
                if kind == "S":
                    v = float(nrng.uniform(-1.2, 1.2))
                    if self.stype == "np.float64":
                        v = np.float64(v)
                    elif self.stype == "0d":
                        v = np.array(v)
                    args.append(v)
                else:
                    args.append(nrng.uniform(-1.2, 1.2, self.shape[kind]))
            elif kind == "L":
                args.append([nrng.uniform(-1.2, 1.2, self.N) for _ in range(extra)])
            elif kind == "D":
                args.append({"w": nrng.uniform(-1.2, 1.2, self.N),
                             "b": float(nrng.uniform(-1.2, 1.2))})
            elif kind == "I":
                args.append(extra)
            elif kind in self.IDIOM_PARAMS:
                args.append(self.idiom_argument(kind, extra, nrng))
            else:
                args.append(bool(extra))
        return args


def _balanced(s):
    depth = 0
    for ch in s:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _balanced_call(code):
    i = code.index("(")
    return _balanced(code[i + 1:-1])


def float_positions(specs_or_args):
    """Positions of the differentiable (float) arguments."""
    out = []
    for i, a in enumerate(specs_or_args):
        if _is_float_arg(a):
            out.append(i)
    return out


def _is_float_arg(a):
    if isinstance(a, bool) or isinstance(a, (int, np.integer, np.bool_)):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) > 0 and all(_is_float_arg(x) for x in a)
    if isinstance(a, dict):
        return len(a) > 0 and all(_is_float_arg(x) for x in a.values())
    if isinstance(a, np.ndarray):
        return a.dtype.kind in "fc"
    return isinstance(a, (float, complex, np.floating, np.complexfloating))


# =============================================================================
# Kink probe: the program with every comparison / max / abs / clip instrumented
# =============================================================================

class Probe:
    """Records the smallest distance of any kink or branch test from its threshold."""

    def __init__(self):
        self.margin = math.inf

    def rec(self, d):
        d = np.abs(np.asarray(d))
        if d.size:
            self.margin = min(self.margin, float(np.min(d)))

    def gap(self, a, axis=None):
        a = np.asarray(a, dtype=float)
        if axis is None:
            a = a.reshape(-1)
            axis = 0
        if a.shape[axis] > 1:
            s = np.sort(a, axis=axis)
            self.rec(np.take(s, -1, axis=axis) - np.take(s, -2, axis=axis))
            self.rec(np.take(s, 1, axis=axis) - np.take(s, 0, axis=axis))

    def cmp(self, a, b, op):
        try:
            self.rec(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))
        except (TypeError, ValueError):
            pass
        return {"<": lambda: a < b, ">": lambda: a > b, "<=": lambda: a <= b,
                ">=": lambda: a >= b, "==": lambda: a == b, "!=": lambda: a != b}[op]()

    def pair(self, fn):
        def wrapped(a, b, *args, **kw):
            self.rec(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))
            return fn(a, b, *args, **kw)
        return wrapped

    def absf(self, fn):
        def wrapped(a, *args, **kw):
            self.rec(a)
            return fn(a, *args, **kw)
        return wrapped

    def clip(self, a, lo, hi, *args, **kw):
        self.rec(np.asarray(a, dtype=float) - lo)
        self.rec(np.asarray(a, dtype=float) - hi)
        return np.clip(a, lo, hi, *args, **kw)

    def red(self, fn):
        def wrapped(a, axis=None, **kw):
            self.gap(a, axis)
            return fn(a, axis=axis, **kw)
        return wrapped

    def pymax(self, fn):
        def wrapped(*args, **kw):
            if len(args) == 2:
                self.rec(np.asarray(args[0], dtype=float) - np.asarray(args[1], dtype=float))
            elif len(args) == 1:
                self.gap(np.asarray(list(args[0]), dtype=float))
            return fn(*args, **kw)
        return wrapped

    def sort(self, a, *args, **kw):
        s = np.sort(np.asarray(a, dtype=float).reshape(-1))
        if s.size > 1:
            self.rec(np.diff(s))
        return np.sort(a, *args, **kw)

    def table(self):
        return {
            "maximum": self.pair(np.maximum), "minimum": self.pair(np.minimum),
            "fmax": self.pair(np.fmax), "fmin": self.pair(np.fmin),
            "abs": self.absf(np.abs), "absolute": self.absf(np.abs), "fabs": self.absf(np.fabs),
            "clip": self.clip, "max": self.red(np.max), "min": self.red(np.min),
            "amax": self.red(np.max), "amin": self.red(np.min),
            "argmax": self.red(np.argmax), "argmin": self.red(np.argmin), "sort": self.sort,
            "py_abs": self.absf(abs), "py_max": self.pymax(max), "py_min": self.pymax(min),
            "sign": self.absf(np.sign), "norm": self.absf(np.linalg.norm),
        }


class _ProbeTransformer(ast.NodeTransformer):
    NP = {"maximum", "minimum", "fmax", "fmin", "abs", "absolute", "fabs", "clip", "max", "min",
          "amax", "amin", "argmax", "argmin", "sort", "sign"}

    def visit_Compare(self, node):
        self.generic_visit(node)
        ops = {ast.Lt: "<", ast.Gt: ">", ast.LtE: "<=", ast.GtE: ">=", ast.Eq: "==",
               ast.NotEq: "!="}
        if len(node.ops) != 1 or type(node.ops[0]) not in ops:
            return node
        return ast.copy_location(ast.Call(
            func=ast.Attribute(value=ast.Name("_probe_", ast.Load()), attr="cmp", ctx=ast.Load()),
            args=[node.left, node.comparators[0], ast.Constant(ops[type(node.ops[0])])],
            keywords=[]), node)

    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        key = None
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "np" \
                and f.attr in self.NP:
            key = f.attr
        elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Attribute) \
                and f.value.attr == "linalg" and f.attr == "norm":
            key = "norm"
        elif isinstance(f, ast.Name) and f.id in ("abs", "max", "min"):
            key = "py_" + f.id
        elif isinstance(f, ast.Attribute) and f.attr in ("max", "min", "argmax", "argmin") \
                and not (isinstance(f.value, ast.Name) and f.value.id in ("np", "math")):
            node.args.insert(0, f.value)
            key = f.attr
        if key is None:
            return node
        node.func = ast.Subscript(value=ast.Name("_probe_table_", ast.Load()),
                                  slice=ast.Constant(key), ctx=ast.Load())
        return node


def probe_source(source):
    tree = ast.parse(source)
    tree = _ProbeTransformer().visit(tree)
    ast.fix_missing_locations(tree)
    return ast.unparse(tree)


# =============================================================================
# Loading programs, numeric derivatives, checks
# =============================================================================

_TMP = None
_load_counter = itertools.count()
_load_lock = threading.Lock()


def _tmpdir():
    global _TMP
    if _TMP is None:
        _TMP = tempfile.mkdtemp(prefix="srcdiff_fuzz_")
    return _TMP


def load_module(source, extra=None, tag="prog"):
    """Write ``source`` to a real file, import it, return the module."""
    with _load_lock:
        k = next(_load_counter)
    name = f"fuzz_{tag}_{os.getpid()}_{k}"
    path = os.path.join(_tmpdir(), name + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    if extra:
        mod.__dict__.update(extra)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def flatten(x):
    """Float leaves of a (nested) argument, in a fixed order."""
    if isinstance(x, dict):
        return [leaf for k in x for leaf in flatten(x[k])]
    if isinstance(x, (list, tuple)):
        return [leaf for v in x for leaf in flatten(v)]
    return [x]


def unflatten(template, leaves):
    it = iter(leaves)

    def build(t):
        if isinstance(t, dict):
            return {k: build(v) for k, v in t.items()}
        if isinstance(t, (list, tuple)):
            items = [build(v) for v in t]
            return type(t)(*items) if hasattr(t, "_fields") else type(t)(items)
        return next(it)
    return build(template)


def deep_copy(args):
    return copy.deepcopy(args)


def same_values(a, b):
    """Structural, bitwise-ish equality of arguments (NaN equal to NaN)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same_values(a[k], b[k])
                                                                    for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same_values(x, y)
                                                               for x, y in zip(a, b))
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    return a == b or (a != a and b != b)


def _is_complex(leaf):
    return np.iscomplexobj(leaf)


def complex_elements(arg):
    """Per flat element of ``arg``'s leaves: is it complex?"""
    return [_is_complex(leaf) for leaf in flatten(arg) for _ in range(int(np.size(leaf)))]


def _perturbed(arg, j, h):
    """``arg`` with float leaf j (flat element index over leaves) moved by h (an
    imaginary h moves a complex element's imaginary part)."""
    leaves = flatten(arg)
    new = []
    for leaf in leaves:
        size = int(np.size(leaf))
        if 0 <= j < size:
            if isinstance(leaf, np.ndarray):
                c = leaf.astype(complex if _is_complex(leaf) else float, copy=True)
                c.reshape(-1)[j] += h
                new.append(c)
            elif isinstance(leaf, (np.floating, np.complexfloating)):
                new.append(type(leaf)(leaf + h))
            elif isinstance(leaf, complex):
                new.append(leaf + h)
            else:
                new.append(float(leaf) + h)
        else:
            new.append(copy.copy(leaf))
        j -= size
    return unflatten(arg, new)


def numeric_grad(f, args, i, eps=1e-6, stencil=2):
    """Central differences of scalar f w.r.t. argument i, as a flat vector: float, or
    complex where argument i has complex elements, whose cotangent is JAX's
    ``dL/dRe(z) - 1j * dL/dIm(z)``."""
    arg = args[i]
    cplx = complex_elements(arg)
    g = np.zeros(len(cplx), dtype=complex if any(cplx) else float)

    def diff(j, step):
        def at(h):
            a = list(args)
            a[i] = _perturbed(arg, j, h * step)
            return float(f(*a))
        if stencil == 2:
            return (at(eps) - at(-eps)) / (2 * eps)
        return (-at(2 * eps) + 8 * at(eps) - 8 * at(-eps) + at(-2 * eps)) / (12 * eps)
    for j, c in enumerate(cplx):
        g[j] = diff(j, 1.0) - 1j * diff(j, 1j) if c else diff(j, 1.0)
    return g


def flat_grad(g, template):
    """srcdiff's gradient for an argument, flattened like ``template`` (None -> error)."""
    leaves_g = flatten(g) if isinstance(template, (list, tuple, dict)) else [g]
    leaves_t = flatten(template)
    if len(leaves_g) != len(leaves_t):
        raise ValueError(f"gradient structure {type(g).__name__} of {len(leaves_g)} leaves does "
                         f"not match the argument's {len(leaves_t)}")
    out = []
    for lg, lt in zip(leaves_g, leaves_t):
        if lg is None:
            raise ValueError("gradient is None")
        if np.shape(lg) != np.shape(lt):
            raise ValueError(f"gradient shape {np.shape(lg)} != argument shape {np.shape(lt)}")
        if isinstance(lt, np.ndarray) and lt.ndim > 0 and not isinstance(lg, np.ndarray):
            raise ValueError(f"gradient is a {type(lg).__name__}, argument an ndarray")
        kinds = "fc" if _is_complex(lt) else "f"
        if np.asarray(lg).dtype.kind not in kinds:
            raise ValueError(f"gradient dtype {np.asarray(lg).dtype} is not "
                             f"{'floating or complex' if kinds == 'fc' else 'floating'} "
                             f"(argument dtype {np.asarray(lt).dtype})")
        out.append(np.asarray(lg, dtype=complex if kinds == "fc" else float).reshape(-1))
    return np.concatenate(out) if out else np.zeros(0)


def _numbers(a):
    """``a`` as a float array, or complex where it has complex values."""
    a = np.asarray(a)
    return a if a.dtype.kind == "c" else a.astype(float)


def close(got, want, rtol=1e-4, atol=1e-5):
    got = _numbers(got)
    want = _numbers(want)
    if got.shape != want.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(want))) if want.size else 1.0)
    return bool(np.all(np.abs(got - want) <= atol * scale + rtol * np.abs(want)))


class Failure:
    def __init__(self, category, detail, message=""):
        self.category = category    # grad, vjp, value, jvp, mutated, refused, crash, timeout
        self.detail = detail        # short, stable text (for "fails the same way")
        self.message = message
        self.where = None           # (file, line) of the program that an error names

    @property
    def signature(self):
        return (self.category, self.detail)

    def __repr__(self):
        return f"{self.category}: {self.detail}" + (f" ({self.message})" if self.message else "")


def _exc_failure(e, what):
    if isinstance(e, srcdiff.SrcdiffError):
        msg = getattr(e, "construct_message", str(e))
        detail = re.sub(r"\d+", "#", msg.splitlines()[0])[:120]
        fl = Failure("refused", f"{what}: {detail}", str(e).splitlines()[0])
        if getattr(e, "filename", None) and getattr(e, "lineno", None):
            fl.where = (e.filename, int(e.lineno))
        else:
            fl.where = _named_location(str(e))
        return fl
    if isinstance(e, _Timeout):
        return Failure("timeout", what, "")
    tb = traceback.extract_tb(e.__traceback__)
    where = ""
    pkg = os.path.dirname(srcdiff.__file__)
    for fr in reversed(tb):
        if fr.filename.startswith(pkg):
            where = f" in {os.path.relpath(fr.filename, os.path.dirname(pkg))}:{fr.name}"
            break
        if fr.filename.startswith("<srcdiff") or "srcdiff" in fr.filename and \
                fr.filename.startswith("<"):
            where = " in generated code"
            break
    text = str(e).splitlines()[0] if str(e) else ""
    norm = re.sub(r"\(.*\)", "(...)", re.sub(r"\d+", "#", text))[:60]
    fl = Failure("crash", f"{what}: {type(e).__name__}{where}: {norm}",
                 f"{type(e).__name__}: {text}"[:300])
    fl.where = _named_location(str(e))
    return fl


_LOCATION = re.compile(r"([^\s:'\"()]+\.py):(\d+)")


def _named_location(text):
    """(file, line) of the first ``file.py:LINE`` in an error text naming a generated
    program's file, else None."""
    for m in _LOCATION.finditer(text):
        if os.path.basename(m.group(1)).startswith("fuzz_"):
            return m.group(1), int(m.group(2))
    return None


class _Timeout(Exception):
    pass


def _nums_agree(f, args, i, got_flat):
    """Does got agree with central differences of f for some reasonable step?"""
    best = None
    for eps, st in ((1e-6, 2), (1e-5, 4), (1e-7, 2), (1e-4, 4)):
        want = numeric_grad(f, args, i, eps, st)
        if close(got_flat, want):
            return True, want
        err = float(np.max(np.abs(got_flat - want))) if want.size else 0.0
        if best is None or err < best[0]:
            best = (err, want)
    return False, best[1]


def random_tangent(x, rng):
    """A random tangent with the structure of argument ``x`` (complex where it is)."""
    def one(leaf):
        t = rng.normal(size=np.shape(leaf))
        if _is_complex(leaf):
            t = t + 1j * rng.normal(size=np.shape(leaf))
        return t if np.ndim(leaf) or isinstance(leaf, np.ndarray) else t.item()
    leaves = [one(leaf) for leaf in flatten(x)]
    return unflatten(x, leaves) if isinstance(x, (list, tuple, dict)) else leaves[0]


ORDERS = (1, 2)        # the orders checked by default (--orders)


def check_program(f, args, wrt=None, *, seed=0, forward="auto", vjp_checks=True, numeric=None,
                  orders=ORDERS, notes=None):
    """Run every check on ``f`` at ``args``; return a list of Failures (empty: all good).

    ``wrt`` is what ``srcdiff.grad`` is given (position, name or tuple of those;
    default: every float argument).  ``numeric`` may hold precomputed central
    differences, one flat vector per float position.  With 2 in ``orders`` (and
    no first-order failure) the second-order checks of tools/fuzz_order2.py run
    too; ``notes`` (a dict) counts their documented refusals.
    """
    fails = []
    floats = float_positions(args)
    params = list(f.__code__.co_varnames[:f.__code__.co_argcount])
    if wrt is None:
        wrt = tuple(floats)
    items = list(wrt) if isinstance(wrt, (tuple, list)) else [wrt]
    positions = [params.index(w) if isinstance(w, str) else w for w in items]
    ref_args = deep_copy(args)
    try:
        value = float(f(*deep_copy(args)))
    except Exception as e:  # noqa: BLE001
        return [Failure("invalid", "the program itself fails", f"{type(e).__name__}: {e}")]
    numeric = dict(numeric or {})

    def num(i):
        if i not in numeric:
            numeric[i] = numeric_grad(f, ref_args, i)
        return numeric[i]

    def compare(what, i, g):
        try:
            got = flat_grad(g, ref_args[i])
        except ValueError as e:
            fails.append(Failure("grad", f"{what} {params[i]}: structure", str(e)))
            return None
        want = num(i)
        if close(got, want):
            return got
        ok, want2 = _nums_agree(f, ref_args, i, got)
        if ok:
            return got
        err = float(np.max(np.abs(got - want2)))
        fails.append(Failure("grad", f"{what} wrt {params[i]}",
                             f"max abs diff {err:.3g}; got {np.round(got[:6], 6).tolist()} "
                             f"want {np.round(want2[:6], 6).tolist()}"))
        return None

    def mutated(what, a):
        if not same_values(a, ref_args):
            fails.append(Failure("mutated", what, "the generated code modified its inputs"))
            return True
        return False

    # reverse mode, as asked
    grads = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            a = deep_copy(args)
            g = srcdiff.grad(f, wrt=wrt)(*a)
            mutated("grad", a)
            gs = list(g) if isinstance(wrt, (tuple, list)) else [g]
            if len(gs) != len(positions):
                fails.append(Failure("grad", "number of gradients",
                                     f"{len(gs)} gradients for wrt={wrt!r}"))
            else:
                for i, gi in zip(positions, gs):
                    got = compare("grad", i, gi)
                    if got is not None:
                        grads[i] = got
        except Exception as e:  # noqa: BLE001
            fails.append(_exc_failure(e, "grad"))
        if fails:
            return fails

        if vjp_checks and floats:
            try:
                a = deep_copy(args)
                out, fv = srcdiff.vjp(f, *a, wrt=tuple(floats))
                if not close(out, value, 1e-9, 1e-12):
                    fails.append(Failure("vjp", "forward value", f"{out!r} != {value!r}"))
                mutated("vjp forward", a)
                c1 = fv(1.0)
                c2 = fv(1.0)
                mutated("vjp backward", a)
                for k, i in enumerate(floats):
                    got = compare("vjp", i, c1[k])
                    if got is not None:
                        again = flat_grad(c2[k], ref_args[i])
                        if not close(again, got, 1e-12, 1e-14):
                            fails.append(Failure("vjp", "second f_vjp call differs",
                                                 f"wrt {params[i]}"))
                        grads.setdefault(i, got)
                a = deep_copy(args)
                w = tuple(params[i] for i in floats)
                val, g = srcdiff.value_and_grad(f, wrt=w)(*a)
                mutated("value_and_grad", a)
                if not close(val, value, 1e-9, 1e-12):
                    fails.append(Failure("value", "value_and_grad value", f"{val!r} != {value!r}"))
                for k, i in enumerate(floats):
                    compare("value_and_grad", i, g[k])
            except Exception as e:  # noqa: BLE001
                fails.append(_exc_failure(e, "vjp/value_and_grad"))
            if fails:
                return fails

        jvp = getattr(srcdiff, "jvp", None)
        if forward is True:
            from srcdiff.api import forward_mode as forward_api
            jvp = forward_api.jvp
        if forward and jvp is not None and floats:
            rng = np.random.default_rng(seed)
            tangents = [random_tangent(x, rng) if i in floats else None
                        for i, x in enumerate(args)]
            try:
                a = deep_copy(args)
                out, dout = jvp(f, tuple(a), tuple(tangents))
                mutated("jvp", a)
                if not close(out, value, 1e-9, 1e-12):
                    fails.append(Failure("jvp", "primal value", f"{out!r} != {value!r}"))
                u = 0.7
                lhs = u * float(dout)                     # <u, J v>
                rhs = 0.0                                 # <J^T u, v>
                for i in floats:
                    gi = grads.get(i)
                    if gi is None:
                        gi = num(i)
                    vi = np.concatenate([np.ravel(_numbers(leaf))
                                         for leaf in flatten(tangents[i])])
                    rhs += u * float(np.real(np.sum(gi * vi)))   # Re: JAX's convention
                if not close(lhs, rhs, 1e-5, 1e-6):
                    fails.append(Failure("jvp", "<u, Jv> != <J^T u, v>",
                                         f"forward {lhs:.8g} reverse {rhs:.8g}"))
            except Exception as e:  # noqa: BLE001
                fails.append(_exc_failure(e, "jvp"))
        if 2 in orders and not fails and floats:
            from tools import fuzz_order2
            fails += fuzz_order2.check_order_two(f, ref_args, wrt, positions, seed=seed,
                                                 notes=notes)
            if 3 in orders and not fails:
                fails += fuzz_order2.check_order_three(f, ref_args, wrt, positions,
                                                       seed=seed, notes=notes)
    return fails


# =============================================================================
# Validity of a program at given inputs
# =============================================================================

def writes_into_arguments(f, args):
    """Does f write into its arguments' arrays at ``args``, even with the values
    they hold (``r = x[None, :]; r[0] = x``, which leaves them equal)? Run on
    read-only copies, such a write raises."""
    a = deep_copy(args)
    for leaf in flatten(a):
        if isinstance(leaf, np.ndarray):
            leaf.flags.writeable = False
    try:
        f(*a)
    except ValueError as e:
        return "read-only" in str(e)
    except Exception:  # noqa: BLE001  (anything else: the caller's own run says)
        return False
    return False


def evaluate_plain(f, probe_f, probe, args):
    """None if f is a valid test case at args, else the reason it is not."""
    try:
        with np.errstate(all="raise"), warnings.catch_warnings():
            warnings.simplefilter("error")
            a = deep_copy(args)
            v = f(*a)
            if not same_values(a, args):
                return "program modifies its arguments"
            if writes_into_arguments(f, args):
                return "program modifies its arguments"
            probe.margin = math.inf
            pv = probe_f(*deep_copy(args))
    except _Timeout:
        raise
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {e}"
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (float, int, np.floating, np.integer)) \
            and not (isinstance(v, np.ndarray) and v.ndim == 0):
        return f"value is a {type(v).__name__}"
    if isinstance(v, np.ndarray) and v.dtype.kind != "f":
        return "value is not floating"
    v = float(v)
    if not math.isfinite(v) or abs(v) > VALUE_LIMIT:
        return "value not finite or too large"
    if float(pv) != v:
        return "probe value differs"
    if probe.margin < MARGIN:
        return f"too close to a kink ({probe.margin:.2g})"
    return None


def numerics_ok(f, args, floats):
    """Central differences, or None when they are unreliable (large or step-dependent)."""
    out = {}
    try:
        with np.errstate(all="raise"):
            for i in floats:
                g1 = numeric_grad(f, args, i, 1e-6)
                if not np.all(np.isfinite(g1)) or np.max(np.abs(g1), initial=0) > VALUE_LIMIT:
                    return None
                g2 = numeric_grad(f, args, i, 1e-5, 4)
                if not close(g1, g2, 1e-5, 1e-6):
                    return None
                out[i] = g1
    except Exception:  # noqa: BLE001
        return None
    return out


class Case:
    """One generated program with its inputs and the wrt it is differentiated for."""

    def __init__(self, source, fname, args, wrt, seed, index, forward="auto"):
        self.source = source
        self.fname = fname
        self.args = args
        self.wrt = wrt
        self.seed = seed
        self.index = index
        self.forward = forward


def dead_statements(mod, f, args):
    """How many statements never run at ``args`` inside the functions that do run
    (a function never called is dead as a whole and may simply be deleted)."""
    path = mod.__file__
    tree = ast.parse(open(path).read())
    groups = []                       # per function: the lines of its own statements
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.Lambda)):
            own = set()
            stack = list(fn.body) if isinstance(fn, ast.FunctionDef) else [fn.body]
            while stack:
                node = stack.pop()
                if isinstance(node, (ast.FunctionDef, ast.Lambda)):
                    continue
                if isinstance(node, ast.stmt) or node is getattr(fn, "body", None):
                    own.add(node.lineno)
                stack.extend(ast.iter_child_nodes(node))
            groups.append(own)
    seen = set()

    def tracer(frame, event, arg):
        if frame.f_code.co_filename != path:
            return None
        if event == "line":
            seen.add(frame.f_lineno)
        return tracer
    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        f(*deep_copy(args))
    except Exception:  # noqa: BLE001
        pass
    finally:
        sys.settrace(old)
    return sum(len(own - seen) for own in groups if own & seen)


def executed_lines(source, fname, args):
    """Lines of ``source`` that run (module body included) when ``fname`` is called at
    ``args`` in plain Python; None if loading or the call raises."""
    seen = set()
    holder = {}

    def tracer(frame, event, arg):
        if frame.f_code.co_filename != holder.get("path"):
            return None
        if event in ("line", "call"):
            seen.add(frame.f_lineno)
        return tracer
    with _load_lock:
        k = next(_load_counter)
    name = f"fuzz_cov_{os.getpid()}_{k}"
    path = os.path.join(_tmpdir(), name + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    holder["path"] = path
    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spec = importlib.util.spec_from_file_location(name, path)
            mod = importlib.util.module_from_spec(spec)
            sys.modules[name] = mod
            spec.loader.exec_module(mod)
            getattr(mod, fname)(*deep_copy(args))
    except _Timeout:
        raise
    except Exception:  # noqa: BLE001
        return None
    finally:
        sys.settrace(old)
        sys.modules.pop(name, None)
    return seen


def line_is_executed(source, line, executed):
    """Does the statement of ``source`` at ``line`` run (``executed`` from
    executed_lines)?  A line inside a multi-line simple statement counts as the
    statement; a compound statement counts by its header."""
    if executed is None:
        return False
    if line in executed:
        return True
    best = None
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if best is None or node.lineno >= best.lineno:
                best = node
    if best is None:
        return False
    body = getattr(best, "body", None)
    last = (body[0].lineno - 1) if isinstance(body, list) and body else best.end_lineno
    return any(n in executed for n in range(best.lineno, (last or best.lineno) + 1))


def failure_line_runs(source, fname, args, fail):
    """Validity of a failure that names a line of the program (a refusal or an error
    raised at transform time): True if it names none, or if that line runs in plain
    Python at ``args``; False if it names a line that never runs there."""
    if fail.where is None:
        return True
    executed = executed_lines(source, fname, args)
    if not line_is_executed(source, fail.where[1], executed):
        return False
    # srcdiff may name the caller's line for a construct in an inlined helper: the
    # name the message is about ('w12' is changed in place ...) must be on a line that
    # runs too (names srcdiff made up, w12_1 or w12_old, stand for w12)
    m = re.search(r"(?:^|:\d+: )'([A-Za-z_]\w*)'", fail.message or "")
    if m:
        lines = source.splitlines()
        name = m.group(1)
        while not re.search(rf"\b{name}\b", source) and re.search(r"_(\d+|old)$", name):
            name = re.sub(r"_(\d+|old)$", "", name)
        if re.search(rf"\b{name}\b", source):
            return any(0 < n <= len(lines) and re.search(rf"\b{name}\b", lines[n - 1])
                       for n in executed)
    return True


def run_case(source, fname, args, wrt, forward="auto", seed=0, require_valid=True,
             numerics=True, coverage=False, orders=ORDERS):
    """('invalid', reason) | ('ok', []) | ('fail', [Failure...]); with coverage=True a
    third item: the number of statements that never run."""
    res = _run_case(source, fname, args, wrt, forward, seed, require_valid, numerics, coverage,
                    orders)
    return res if coverage else res[:2]


def _run_case(source, fname, args, wrt, forward, seed, require_valid, numerics, coverage,
              orders):
    try:
        mod = load_module(source)
        f = getattr(mod, fname)
        probe = Probe()
        pmod = load_module(probe_source(source), {"_probe_": probe,
                                                 "_probe_table_": probe.table()}, tag="probe")
        pf = getattr(pmod, fname)
    except _Timeout:
        raise
    except Exception as e:  # noqa: BLE001
        return "invalid", f"does not load: {type(e).__name__}: {e}", None
    if require_valid:
        why = evaluate_plain(f, pf, probe, args)
        if why:
            return "invalid", why, None
        nums = numerics_ok(f, args, float_positions(args)) if numerics else {}
        if nums is None:
            return "invalid", "central differences unreliable", None
    else:
        nums = None
    dead = dead_statements(mod, f, args) if coverage else None
    fails = check_program(f, args, wrt, seed=seed, forward=forward, numeric=nums, orders=orders)
    return ("fail", fails, dead) if fails else ("ok", [], dead)


# =============================================================================
# The shrinker
# =============================================================================

def _children_paths(node, path=()):
    for field, value in ast.iter_fields(node):
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, ast.AST):
                    p = path + ((field, i),)
                    yield p, item
                    yield from _children_paths(item, p)
        elif isinstance(value, ast.AST):
            p = path + ((field, None),)
            yield p, value
            yield from _children_paths(value, p)


def _get(root, path):
    node = root
    for field, i in path:
        node = getattr(node, field) if i is None else getattr(node, field)[i]
    return node


def _set(root, path, new):
    parent = _get(root, path[:-1])
    field, i = path[-1]
    if i is None:
        setattr(parent, field, new)
    else:
        lst = getattr(parent, field)
        if isinstance(new, list):
            lst[i:i + 1] = new
        else:
            lst[i] = new


def _stmt_lists(tree):
    """Paths of statements that sit in statement lists (imports excluded)."""
    for path, node in _children_paths(tree):
        if isinstance(node, ast.stmt) and path[-1][1] is not None \
                and not isinstance(node, (ast.Import, ast.ImportFrom)):
            yield path, node


def _simpler_exprs(node):
    """Candidate replacements for an expression node, simplest first."""
    out = []
    if isinstance(node, ast.BinOp):
        out += [node.left, node.right]
    elif isinstance(node, ast.UnaryOp):
        out.append(node.operand)
    elif isinstance(node, ast.IfExp):
        out += [node.body, node.orelse]
    elif isinstance(node, ast.Call):
        out += [a for a in node.args if not isinstance(a, ast.Starred)]
        if isinstance(node.func, ast.Attribute) and not (isinstance(node.func.value, ast.Name)
                                                         and node.func.value.id in ("np", "math")):
            out.append(node.func.value)
        if node.keywords:
            c = copy.deepcopy(node)
            c.keywords = c.keywords[:-1]
            out.append(c)
    elif isinstance(node, ast.BoolOp):
        out += list(node.values)
    elif isinstance(node, ast.Subscript):
        out.append(node.value)
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        out.append(node.value)
    elif isinstance(node, ast.Constant) and isinstance(node.value, float):
        for c in (1.0, 0.5, round(node.value, 1)):
            if c != node.value and c != 0:
                out.append(ast.Constant(c))
    elif isinstance(node, ast.Constant) and isinstance(node.value, int) \
            and not isinstance(node.value, bool):
        for c in (0, 1, node.value - 1, node.value // 2):
            if 0 <= c < node.value:
                out.append(ast.Constant(c))
    return out


def _main_def(tree, fname):
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == fname:
            return node
    return None


def _remap_wrt(wrt, k, name):
    """``wrt`` after parameter k (called name) is removed; None if it names k."""
    def one(w):
        if isinstance(w, str):
            return None if w == name else w
        if w == k:
            return None
        return w - 1 if w > k else w
    if isinstance(wrt, (tuple, list)):
        out = tuple(w for w in (one(w) for w in wrt) if w is not None)
        return out or None
    return one(wrt)


def candidates(tree, args, wrt, fname):
    """Smaller variants of a program, biggest reductions first: a list of thunks,
    each returning (tree, args, wrt)."""
    out = []

    def later(fn):
        out.append(fn)

    # 0. drop unused parameters of the differentiated function
    fdef = _main_def(tree, fname)
    if fdef is not None:
        used = {n.id for n in ast.walk(fdef) if isinstance(n, ast.Name)}
        for k, a in enumerate(fdef.args.args):
            if a.arg not in used and k < len(args):
                new_wrt = _remap_wrt(wrt, k, a.arg)
                if new_wrt is None or new_wrt == ():
                    continue

                def drop(k=k, new_wrt=new_wrt):
                    t = copy.deepcopy(tree)
                    del _main_def(t, fname).args.args[k]
                    return t, tuple(args[:k]) + tuple(args[k + 1:]), new_wrt
                later(drop)
    # 1. delete statements (whole helpers first)
    stmts = list(_stmt_lists(tree))
    for path, node in sorted(stmts, key=lambda pn: len(pn[0])):
        if isinstance(node, ast.Pass):
            continue

        def delete(path=path):
            t = copy.deepcopy(tree)
            parent = _get(t, path[:-1])
            field, i = path[-1]
            lst = getattr(parent, field)
            if len(lst) == 1:
                lst[0] = ast.Pass()
            else:
                del lst[i]
            return t, args, wrt
        later(delete)
    # 2. unwrap compound statements, drop else branches
    for path, node in stmts:
        if isinstance(node, (ast.If, ast.For, ast.While)):
            pre = []
            if isinstance(node, ast.For) and isinstance(node.target, ast.Name):
                it = node.iter
                if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) \
                        and it.func.id == "range":
                    pre = [ast.Assign(targets=[node.target], value=ast.Constant(0))]
                else:
                    pre = [ast.Assign(targets=[node.target], value=ast.Subscript(
                        value=it, slice=ast.Constant(0), ctx=ast.Load()))]
            for body in (node.body, node.orelse):
                if body:
                    def unwrap(path=path, body=body, pre=pre):
                        t = copy.deepcopy(tree)
                        _set(t, path, copy.deepcopy(pre + body))
                        return t, args, wrt
                    later(unwrap)
            if node.orelse:
                def drop_else(path=path):
                    t = copy.deepcopy(tree)
                    _get(t, path).orelse = []
                    return t, args, wrt
                later(drop_else)
    # 3. simpler expressions (and smaller constants, loop counts)
    for path, node in list(_children_paths(tree)):
        if isinstance(node, ast.expr) and not isinstance(getattr(node, "ctx", None), ast.Store):
            for rep in _simpler_exprs(node):
                def simplify(path=path, rep=rep):
                    t = copy.deepcopy(tree)
                    _set(t, path, copy.deepcopy(rep))
                    return t, args, wrt
                later(simplify)
    return out


def _subject_lines(source, fail):
    """The line a failure names, and the lines that mention the name its message is
    about (``'w12' is changed in place ...``)."""
    out = {fail.where[1]} if fail.where else set()
    m = re.search(r"(?:^|:\d+: )'([A-Za-z_]\w*)'", fail.message or "")
    if m:
        name = m.group(1)
        while not re.search(rf"\b{name}\b", source) and re.search(r"_(\d+|old)$", name):
            name = re.sub(r"_(\d+|old)$", "", name)
        out |= {i for i, ln in enumerate(source.splitlines(), 1) if re.search(rf"\b{name}\b", ln)}
    return out


def _force_path(tree, lines, loops=False):
    """A copy of ``tree`` where every ``if`` around one of ``lines`` is replaced by the
    branch that holds it (and, with loops=True, every loop around it by its body): a
    first shrink step for failures that name a line which does not run at the inputs."""
    t = copy.deepcopy(tree)
    lines = {lines} if isinstance(lines, int) else set(lines)

    def within(node):
        return any(node.lineno <= line <= (node.end_lineno or node.lineno) for line in lines)

    def fix(stmts):
        out = []
        for st in stmts:
            if not (isinstance(st, ast.stmt) and within(st)):
                out.append(st)
                continue
            if isinstance(st, ast.If) or loops and isinstance(st, (ast.For, ast.While)):
                for branch in (st.body, st.orelse):
                    if branch and any(within(b) for b in branch):
                        pre = []
                        if isinstance(st, ast.For) and isinstance(st.target, ast.Name):
                            it = st.iter
                            if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) \
                                    and it.func.id == "range":
                                pre = [ast.Assign(targets=[st.target], value=ast.Constant(0))]
                            else:
                                pre = [ast.Assign(targets=[st.target], value=ast.Subscript(
                                    value=it, slice=ast.Constant(0), ctx=ast.Load()))]
                        out += pre + fix(branch)
                        break
                else:
                    out.append(st)
                continue
            for field in ("body", "orelse", "finalbody"):
                sub = getattr(st, field, None)
                if isinstance(sub, list) and sub:
                    setattr(st, field, fix(sub))
            out.append(st)
        return out
    t.body = fix(t.body)
    return t


class _NoEarlyReturns(ast.NodeTransformer):
    """Every ``return`` but the last statement of a function becomes ``pass``."""
    def visit_FunctionDef(self, node):
        last = node.body[-1] if node.body else None
        self.generic_visit(node)
        for st in ast.walk(node):
            for field in ("body", "orelse"):
                stmts = getattr(st, field, None)
                if isinstance(stmts, list):
                    setattr(st, field, [ast.copy_location(ast.Pass(), x)
                                        if isinstance(x, ast.Return) and x is not last
                                        else x for x in stmts])
        return node


def aliasing_where_refused(source, fname, args, fail):
    """For a refusal naming a line that does not run at ``args``: a reason if the
    program made to run that line (early returns dropped, the branches around the
    line taken, then its loops unwrapped too) has a value that depends on writes
    through views and aliases (aliasing_dependent); None when that cannot be
    shown (the line runs already, or the variant does not run)."""
    try:
        if fail.where is None or failure_line_runs(source, fname, args, fail):
            return None
        tree = _NoEarlyReturns().visit(ast.parse(source))
        for loops in (False, True):
            text = _render(_force_path(tree, _subject_lines(source, fail), loops))
            if text is None or not failure_line_runs(text, fname, args, fail):
                continue
            why = aliasing_dependent(text, fname, args)
            if why is not None and "value differs" in why:
                return "with the refused line run: " + why
    except _Timeout:
        raise
    except Exception:  # noqa: BLE001  (no judgement: the refusal still counts)
        return None
    return None


def _undefined_names(tree):
    """Names read somewhere but bound nowhere (a cheap pyflakes)."""
    import builtins
    bound = set(dir(builtins))
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            bound.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.ClassDef)):
            bound.add(n.name)
        elif isinstance(n, ast.arg):
            bound.add(n.arg)
        elif isinstance(n, ast.alias):
            bound.add((n.asname or n.name).split(".")[0])
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load) and n.id not in bound}


class _DropPass(ast.NodeTransformer):
    """Leaves out ``pass`` statements that are not alone in their block."""

    def generic_visit(self, node):
        super().generic_visit(node)
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and len(stmts) > 1 and isinstance(stmts[0], ast.stmt):
                kept = [st for st in stmts if not isinstance(st, ast.Pass)]
                setattr(node, field, kept or stmts[:1])
        return node


_SHAPED = {"zeros": 0, "ones": 0, "empty": 0, "full": 0, "linspace": 2, "reshape": None,
           "broadcast_to": 1}


def _degenerate(tree):
    """Does the program make zero-size arrays (np.zeros(0), np.linspace(a, b, 0),
    .reshape(0, 3), x[2:2])?  Writes into those can never show through an alias, so
    shrinking to them would make every aliasing check pass vacuously."""
    def zero(node):
        return isinstance(node, ast.Constant) and node.value == 0 \
            and not isinstance(node.value, bool) or isinstance(node, ast.Tuple) \
            and any(zero(e) for e in node.elts)
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) \
                and n.func.attr in _SHAPED:
            k = _SHAPED[n.func.attr]
            shape_args = n.args if k is None else n.args[k:k + 1]
            if any(zero(a) for a in shape_args):
                return True
        if isinstance(n, ast.Slice) and n.step is None and n.lower is not None \
                and n.upper is not None and ast.dump(n.lower) == ast.dump(n.upper):
            return True
        if isinstance(n, ast.Slice) and isinstance(n.upper, ast.Constant) and n.upper.value == 0:
            return True
    return False


def _render(tree):
    tree = _DropPass().visit(tree)
    try:
        text = ast.unparse(ast.fix_missing_locations(tree))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(text, "<shrink>", "exec")
    except Exception:  # noqa: BLE001
        return None
    if _undefined_names(tree) or re.search(r"range\(0\)|range\((\w+), \1\)", text) \
            or _degenerate(tree):
        return None
    return text + "\n"


def _cost(text):
    """Size of a program: AST nodes, then the sum of its integer constants, then length."""
    tree = ast.parse(text)
    nodes = sum(1 for _ in ast.walk(tree))
    ints = sum(abs(n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant)
               and isinstance(n.value, int) and not isinstance(n.value, bool))
    return (nodes, ints, len(text))


def shrink(source, fname, args, wrt, signature, forward="auto", budget=60.0, log=None,
           orders=ORDERS):
    """Reduce the program to a smaller one failing with the same signature (checked
    at ``orders``); returns (source, args, wrt)."""
    start = time.time()
    best = (ast.parse(source), tuple(args), wrt)
    best_text = source
    tried = 0
    seen = set()
    numerics = signature[0] in ("grad", "vjp", "value", "jvp")
    best_dead = math.inf

    def fails_same(text, a, w):
        """Same failure, and no more dead code than before (so a shrunk program is not
        one whose failing statements have become unreachable)."""
        nonlocal tried, best_dead
        key = (text, len(a), repr(w))
        if key in seen:
            return False
        seen.add(key)
        tried += 1
        try:
            status, res, dead = _with_timeout(10.0, run_case, text, fname, list(a), w, forward,
                                              numerics=numerics, coverage=True, orders=orders)
        except _Timeout:
            return signature[0] == "timeout"
        if status != "fail" or not any(fl.signature == signature for fl in res):
            return False
        if dead > best_dead:
            return False
        if check_line:
            fl = next(fl for fl in res if fl.signature == signature)
            try:
                runs = _with_timeout(10.0, failure_line_runs, text, fname, list(a), fl)
            except _Timeout:
                runs = False
            if not runs:
                return False
        # and a refusal's candidate must not depend on writes through aliases (deleting
        # a .copy() easily makes it so): refusing those is right
        if signature[0] != "refused":
            best_dead = dead
            return True
        try:
            alias = _with_timeout(10.0, aliasing_dependent, text, fname, list(a))
        except _Timeout:
            alias = "timeout"
        if alias is not None:
            return False
        best_dead = dead
        return True

    # A failure that names a line of the program (a refusal, an error at transform
    # time) must name a line that runs in plain Python at the inputs in every accepted
    # candidate -- else deleting definitions, emptying loops or returning early
    # "reproduces" it in code that never runs.  (When the original names a line that
    # does not run at its inputs, only candidates that make it run are accepted:
    # unwrapping the branch it sits in, say.)
    check_line = False
    try:
        st0, res0, best_dead = run_case(source, fname, list(args), wrt, forward,
                                        numerics=False, coverage=True, orders=orders)
        best_dead = math.inf if best_dead is None else best_dead
        if st0 == "fail":
            fl0 = next((fl for fl in res0 if fl.signature == signature), None)
            if fl0 is not None and fl0.where is not None:
                check_line = True
                if not failure_line_runs(source, fname, list(args), fl0):
                    if log:
                        log(f"  note: the failure names line {fl0.where[1]}, which does not "
                            f"run at these inputs: forcing the branches around it")
                    for loops in (False, True):
                        text = _render(_force_path(best[0], _subject_lines(source, fl0),
                                                   loops))
                        if text is not None and fails_same(text, best[1], best[2]):
                            best, best_text = (ast.parse(text), best[1], best[2]), text
                            break
    except Exception:  # noqa: BLE001
        pass

    idx = 0
    while time.time() - start < budget:
        progress = False
        cands = candidates(best[0], best[1], best[2], fname)
        for k in range(idx, len(cands)):
            if time.time() - start > budget:
                break
            try:
                tree, a, w = cands[k]()
            except (TypeError, AttributeError, IndexError):
                continue
            text = _render(tree)
            if text is None or (_cost(text), len(a)) >= (_cost(best_text), len(best[1])):
                continue
            if fails_same(text, a, w):
                best, best_text = (ast.parse(text), a, w), text
                idx = max(0, k - 1)
                progress = True
                break
        if not progress:
            if idx == 0:
                break
            idx = 0
    if log:
        log(f"  shrunk {len(source.splitlines())} -> {len(best_text.splitlines())} lines "
            f"({tried} candidates, {time.time() - start:.1f}s)")
    return best_text, list(best[1]), best[2]


# =============================================================================
# Saving failures, running a campaign
# =============================================================================

def literal(x):
    """Python source for an argument value (round-trips exactly)."""
    if isinstance(x, bool) or x is None:
        return repr(x)
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return f"np.array({float(x)!r})"
        return f"np.array({x.tolist()!r})"
    if isinstance(x, np.floating):
        return f"np.float64({float(x)!r})"
    if isinstance(x, np.complexfloating):
        return f"np.complex128({complex(x)!r})"
    if isinstance(x, (int, float, complex)):
        return repr(x)
    if isinstance(x, list):
        return "[" + ", ".join(literal(v) for v in x) + "]"
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return f"{type(x).__name__}(" + ", ".join(f"{k}={literal(v)}" for k, v in
                                                  zip(x._fields, x)) + ")"
    if isinstance(x, tuple):
        return "(" + ", ".join(literal(v) for v in x) + ("," if len(x) == 1 else "") + ")"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {literal(v)}" for k, v in x.items()) + "}"
    raise TypeError(type(x))


def save_failure(outdir, stem, source, fname, args, wrt, fails, original=None, orders=ORDERS):
    """Write a self-contained reproduction; ``original`` = (source, args, wrt) before
    shrinking, saved beside it as STEM.orig.py."""
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, stem + ".py")
    head = [f'"""srcdiff fuzz failure: {fails[0].category}: {fails[0].detail}']
    for fl in fails:
        if fl.message:
            head.append(f"    {fl.category}: {fl.message}")
    head.append("")
    head.append(f"Re-run the checks: python tools/fuzz.py --check {path}")
    head.append('"""')
    body = source.rstrip() + "\n"
    tail = [
        "",
        f"FUNC = {fname!r}",
        f"ARGS = {literal(tuple(args))}",
        f"WRT = {wrt!r}",
        f"ORDERS = {tuple(orders)!r}",
        "",
        'if __name__ == "__main__":',
        "    import os, sys",
        f"    sys.path.insert(0, {_ROOT!r})",
        "    from tools.fuzz import check_saved",
        "    sys.exit(check_saved(__file__))",
    ]
    with open(path, "w") as fh:
        fh.write("\n".join(head) + "\n" + body + "\n".join(tail) + "\n")
    if original is not None and original[0] != source:
        save_failure(outdir, stem + ".orig", original[0], fname, original[1], original[2], fails,
                     orders=orders)
    return path


def saved_orders(mod, default=ORDERS):
    """The orders a saved failure or regression file is checked at: its ``ORDERS``
    (the regressions from before order two was fuzzed have none: order one)."""
    return tuple(getattr(mod, "ORDERS", default))


def check_saved(path, forward="auto", verbose=True, orders=None):
    """Re-run the checks on a saved failure (or regression) file; 0 if it now passes.
    ``orders``: default the file's ``ORDERS``, else order one."""
    spec = importlib.util.spec_from_file_location(
        f"fuzz_saved_{next(_load_counter)}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    f = getattr(mod, getattr(mod, "FUNC", "f"))
    fails = check_program(f, deep_copy(mod.ARGS), getattr(mod, "WRT", None), forward=forward,
                          orders=orders or saved_orders(mod, (1,)))
    if verbose:
        for fl in fails:
            print(fl)
        print("ok" if not fails else f"{len(fails)} failure(s)")
    return 1 if fails else 0


def _program_text(path):
    """The program part of a saved failure file (between the docstring and FUNC =)."""
    text = open(path).read()
    tree = ast.parse(text)
    keep = [n for n in tree.body
            if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
            and not (isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
                     and n.targets[0].id in ("FUNC", "ARGS", "WRT", "XFAIL", "ACCEPT_REFUSAL",
                                             "ORDERS"))
            and not isinstance(n, ast.If)]
    return ast.unparse(ast.Module(body=keep, type_ignores=[])) + "\n"


def shrink_saved(path, forward="auto", budget=120.0):
    spec = importlib.util.spec_from_file_location(f"fuzz_saved_{next(_load_counter)}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    fname = getattr(mod, "FUNC", "f")
    args, wrt = list(mod.ARGS), getattr(mod, "WRT", None)
    source = _program_text(path)
    orders = saved_orders(mod)
    st, fails = run_case(source, fname, args, wrt, forward, orders=orders)
    if st != "fail":
        print(f"{path}: {st} {fails}")
        return 0
    small, args, wrt = shrink(source, fname, args, wrt, fails[0].signature, forward, budget,
                              log=print, orders=orders)
    st, res = run_case(small, fname, args, wrt, forward, orders=orders)
    save_failure(os.path.dirname(path) or ".", os.path.basename(path)[:-3], small, fname, args,
                 wrt, [fl for fl in res if fl.signature == fails[0].signature] or res,
                 orders=orders)
    print(small)
    return 1


def _with_timeout(seconds, fn, *args, **kw):
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        return fn(*args, **kw)

    def handler(signum, frame):
        raise _Timeout()
    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args, **kw)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def choose_wrt(rng, specs, args):
    floats = float_positions(args)
    names = [specs[i][0] for i in floats]
    c = rng.random()
    if c < 0.5 or len(floats) == 1 and c < 0.7:
        return tuple(floats)
    if c < 0.75:
        return rng.choice(floats)
    if c < 0.9:
        return rng.choice(names)
    k = rng.randint(1, len(names))
    return tuple(rng.sample(names, k))


# =============================================================================
# Aliasing: programs whose value depends on NumPy's in-place semantics. They are
# still checked: srcdiff may refuse them (that is right), but a number it returns
# must be the derivative of what Python computes.
# =============================================================================

_MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"}

COW_HELPER = """
def _cow_(x):
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, list):
        return [_cow_(v) for v in x]
    if isinstance(x, tuple):
        return tuple(_cow_(v) for v in x)
    if isinstance(x, dict):
        return {k: _cow_(v) for k, v in x.items()}
    return x
"""


def _store_base(target):
    """The name at the root of a subscript store target (``A`` of ``A[i][j]``)."""
    node = target
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) and node is not target else None


def _cow(name):
    return ast.Assign(targets=[ast.Name(name, ast.Store())],
                      value=ast.Call(ast.Name("_cow_", ast.Load()),
                                     [ast.Name(name, ast.Load())], []))


def _subscript_targets(targets):
    for t in targets:
        if isinstance(t, (ast.Tuple, ast.List)):
            yield from _subscript_targets(t.elts)
        elif isinstance(t, ast.Starred):
            yield from _subscript_targets([t.value])
        elif isinstance(t, (ast.Subscript, ast.Attribute)):
            yield t


def _out_of_place_stmt(node, local=lambda name: True):
    """(statements to run before, replacement) for one statement; only a base that
    is ``local`` to the function is copied (a closure writing into a list it reads
    from its enclosing function, ``acc[0] = ...``, writes the shared list in both
    variants: rebinding ``acc`` would make it a local)."""
    pre = []
    bases = []
    if isinstance(node, ast.AugAssign):
        if isinstance(node.target, ast.Name):
            node = ast.Assign(targets=[node.target],
                              value=ast.BinOp(ast.Name(node.target.id, ast.Load()), node.op,
                                              node.value))
        else:
            load = copy.deepcopy(node.target)
            for n in ast.walk(load):
                if hasattr(n, "ctx"):
                    n.ctx = ast.Load()
            bases.append(_store_base(node.target))
            node = ast.Assign(targets=[node.target], value=ast.BinOp(load, node.op, node.value))
    elif isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        bases += [_store_base(t) for t in _subscript_targets(targets)]
    # in-place list mutations (L.append(...), L.pop()) in the statement itself
    heads = [node] if not isinstance(node, (ast.If, ast.While, ast.For)) else \
        [getattr(node, "test", None) or node.iter]
    for h in heads:
        for n in ast.walk(h):
            if isinstance(n, (ast.Lambda, ast.FunctionDef)):
                break
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) \
                    and n.func.attr in _MUTATORS and isinstance(n.func.value, ast.Name) \
                    and n.func.value.id not in ("np", "math"):
                bases.append(n.func.value.id)
    for b in dict.fromkeys(bases):
        if b is not None and local(b):
            pre.append(_cow(b))
    return pre, node


def _local_names(fn):
    """Names a function binds itself (parameters and stores outside nested defs)."""
    names = {a.arg for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs}
    stack = list(fn.body)
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.FunctionDef, ast.Lambda)):
            if isinstance(n, ast.FunctionDef):
                names.add(n.name)
            continue
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
        stack.extend(ast.iter_child_nodes(n))
    return names


class _OutOfPlace(ast.NodeTransformer):
    def __init__(self):
        self.locals = [None]          # None: module level (every name may be copied)

    def visit_FunctionDef(self, node):
        self.locals.append(_local_names(node))
        try:
            return self.generic_visit(node)
        finally:
            self.locals.pop()

    def generic_visit(self, node):
        super().generic_visit(node)
        own = self.locals[-1]
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                new = []
                for st in stmts:
                    pre, st = _out_of_place_stmt(st, lambda b: own is None or b in own)
                    new += pre + [st]
                setattr(node, field, new)
        return node


def out_of_place_source(source):
    """``source`` with copy-on-write semantics: ``x op= e`` becomes ``x = x op e``, and
    every subscript store ``x[i] = e`` / ``x[i] op= e`` (and every ``x.append(..)``
    / ``x.pop()``) is preceded by ``x = _cow_(x)`` (a deep copy of the arrays in it).
    Its value differs from the program's only where the program depends on writes
    showing through views and aliases."""
    tree = _OutOfPlace().visit(ast.parse(source))
    text = ast.unparse(ast.fix_missing_locations(tree))
    lines = text.splitlines()
    k = max((n.end_lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))),
            default=0)
    return "\n".join(lines[:k]) + "\n" + COW_HELPER + "\n" + "\n".join(lines[k:]) + "\n"


def _values_equal(a, b):
    try:
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12,
                                                       equal_nan=True))
    except Exception:  # noqa: BLE001
        return False


def aliasing_dependent(source, fname, args, seed=0, perturbations=2):
    """A reason if the program's value at ``args`` (or at ``perturbations`` nearby
    inputs) differs from its out-of-place variant's, or the variant raises where the
    program does not; None when the program does not depend on in-place aliasing."""
    try:
        f = getattr(load_module(source), fname)
        g = getattr(load_module(out_of_place_source(source), tag="oop"), fname)
    except _Timeout:
        raise
    except Exception as e:  # noqa: BLE001
        return f"out-of-place variant does not load: {type(e).__name__}: {e}"
    rng = np.random.default_rng(seed)
    points = [args]
    for _ in range(perturbations):
        pert = []
        for a in args:
            if _is_float_arg(a):
                leaves = [np.array(leaf + 0.05 * rng.standard_normal(np.shape(leaf)),
                                   dtype=leaf.dtype)
                          if isinstance(leaf, np.ndarray) else
                          type(leaf)(leaf + 0.05 * rng.standard_normal()) for leaf in flatten(a)]
                pert.append(unflatten(a, leaves))
            else:
                pert.append(copy.deepcopy(a))
        points.append(pert)
    for k, pt in enumerate(points):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                want = f(*deep_copy(pt))
            except _Timeout:
                raise
            except Exception:  # noqa: BLE001
                continue                        # not a valid input of the program itself
            where = "at the inputs" if k == 0 else f"at perturbed inputs #{k}"
            try:
                got = g(*deep_copy(pt))
            except _Timeout:
                raise
            except Exception as e:  # noqa: BLE001
                return f"out-of-place variant raises {type(e).__name__} {where}"
        if not _values_equal(got, want):
            return f"out-of-place variant's value differs {where} ({got!r} vs {want!r})"
    return None


def generate_case(seed, index, total, max_size=16, attempts=30, disabled=(), stats=None,
                  focus=()):
    """A valid (program, inputs) pair: returns (source, fname, args, wrt, rejects)."""
    rejects = 0
    for attempt in range(attempts):
        rng = random.Random(f"{seed}/{index}/{attempt}")
        size = (1 + int(max_size * (index + 1) / max(1, total)) if total
                else rng.randint(1, max_size))
        size = max(1, min(max_size, size + rng.randint(-1, 1)))
        gen = ProgramGenerator(rng, size, disabled, focus)
        source, fname, specs = gen.program()
        try:
            mod = load_module(source)
            f = getattr(mod, fname)
            probe = Probe()
            pmod = load_module(probe_source(source), {"_probe_": probe,
                                                     "_probe_table_": probe.table()}, tag="probe")
            pf = getattr(pmod, fname)
        except Exception as e:  # noqa: BLE001
            raise RuntimeError(f"generator produced a program that does not load: {e}\n{source}")
        nrng = np.random.default_rng(rng.randrange(2 ** 32))
        for _ in range(4):
            args = gen.arguments(specs, nrng)
            try:
                why = _with_timeout(10.0, evaluate_plain, f, pf, probe, args)
            except _Timeout:
                why = "timeout"
            if why is None:
                nums = numerics_ok(f, args, float_positions(args))
                if nums is not None:
                    try:
                        alias = _with_timeout(10.0, aliasing_dependent, source, fname, args,
                                              seed=rng.randrange(2 ** 32))
                    except _Timeout:
                        alias = "timeout"
                    if getattr(gen, "reads_shared", False) and alias is None:
                        # a view read after its array is written, whatever the value
                        alias = "reads a view after a write"
                    if alias is not None and stats is not None:
                        # its value depends on writes through views/aliases: srcdiff may
                        # refuse it, but must not return a wrong number (_check_one)
                        stats["aliasing"] = stats.get("aliasing", 0) + 1
                    return source, fname, args, choose_wrt(rng, specs, args), rejects, nums
                why = "numerics"
            rejects += 1
            # (a program that modifies its arguments is rejected like bad inputs: the
            # same program may not, with other inputs -- builtin min/max of two 0-d
            # arrays returns one of them, and an augmented assignment then writes it)
            if why.startswith(("NameError", "TypeError", "ValueError", "IndexError",
                               "AttributeError", "UnboundLocalError")):
                raise RuntimeError(f"generator produced an invalid program ({why}):\n{source}")
    return None, None, None, None, rejects, None


_ALIAS_REFUSALS = ("share memory", "names the same array", "through views or aliases",
                   "a list inside a container", "names the same list",
                   "holds the same array")


def _check_one(job):
    """Generate program k of a seed and run the checks on it (in a worker process or
    not: the result depends only on the job)."""
    seed, k, programs, max_size, disabled, forward, timeout = job[:7]
    orders, ignore, focus = job[7:] if len(job) > 7 else (ORDERS, None, ())
    stats = {}
    res = {"k": k, "bug": None, "source": None, "stats": stats, "rejects": 0, "fails": []}
    try:
        source, fname, args, wrt, rej, nums = generate_case(seed, k, programs, max_size,
                                                            disabled=disabled, stats=stats,
                                                            focus=focus)
    except RuntimeError as e:
        res["bug"] = str(e)
        return res
    res.update(source=source, fname=fname, args=args, wrt=wrt, rejects=rej)
    if source is None:
        return res
    t0 = time.time()
    try:
        fails = _with_timeout(timeout, lambda: check_program(
            getattr(load_module(source), fname), args, wrt, seed=k, forward=forward,
            numeric=nums, orders=orders, notes=stats))
    except _Timeout:
        fails = [Failure("timeout", "check", f"more than {timeout}s")]
    res["seconds"] = time.time() - t0
    if not stats.get("aliasing") and fails and all(
            fl.category == "refused" and any(m in fl.message for m in _ALIAS_REFUSALS)
            for fl in fails):
        # an aliasing refusal of a line that does not run at the inputs (an early
        # return before it): judged on the program made to run that line
        try:
            why = _with_timeout(20.0, aliasing_where_refused, source, fname, args, fails[0])
        except _Timeout:
            why = None
        if why is not None:
            stats["aliasing"] = stats.get("aliasing", 0) + 1
    if stats.get("aliasing"):
        # refusing a program whose value depends on in-place aliasing is right (for
        # that reason: a refusal for anything else still counts)
        kept = [fl for fl in fails if fl.category != "refused"
                or not any(m in fl.message for m in _ALIAS_REFUSALS)]
        if len(kept) < len(fails) and not kept:
            stats["aliasing_refused"] = 1
        fails = kept
    if ignore and fails:
        # known classes being fixed elsewhere (--ignore): counted, not reported
        kept = [fl for fl in fails if not re.search(ignore, f"{fl.category}: {fl.detail}")]
        if not kept:
            stats["ignored"] = 1
        fails = kept
    res["fails"] = fails
    return res


def _shrink_one(job):
    source, fname, args, wrt, sig, forward, budget, verbose, orders = job
    logs = []
    small, args, wrt = shrink(source, fname, args, wrt, sig, forward, budget,
                              log=logs.append if verbose else None, orders=orders)
    st, res = run_case(small, fname, args, wrt, forward, orders=orders)
    return small, args, wrt, st, res, logs


def _pool(jobs):
    import multiprocessing as mp
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    return mp.get_context(method).Pool(jobs, maxtasksperchild=50)


def run(programs, seed, outdir="fuzz-failures", shrink_budget=60.0, do_shrink=True,
        max_shrinks=20, forward="auto", max_size=16, verbose=False, out=print,
        timeout=60.0, disabled=(), jobs=1, summary=None, orders=ORDERS, ignore=None,
        focus=(), progress=0):
    """Fuzz ``programs`` programs (in ``jobs`` worker processes); returns (n_checked,
    list of (index, failures, path)).  Program k of a seed is the same program, with
    the same result, whatever ``jobs`` is.  ``summary``, a dict, receives the counts
    (by kind, aliasing-dependent programs and how many were rightly refused,
    rejected inputs, time).  ``orders``: the derivative orders checked (1, 2);
    ``ignore``: a regular expression; programs whose every failure
    ('category: detail') matches it count as 'ignored', not as mismatches; ``focus``:
    generator features made ten times as frequent; ``progress``: report a line every
    that many programs (0: never).  A failing program is reported as soon as it is
    checked (a 'found:' line), and again, saved and shrunk, at the end."""
    if forward == "auto" and getattr(srcdiff, "jvp", None) is None:
        out("note: srcdiff.jvp is missing; the forward-vs-reverse check is skipped")
    t0 = time.time()
    work = [(seed, k, programs, max_size, tuple(disabled), forward, timeout, tuple(orders),
             ignore, tuple(focus)) for k in range(programs)]
    pool = _pool(jobs) if jobs > 1 else None
    try:
        results = pool.imap(_check_one, work) if pool else map(_check_one, work)
        checked = []
        failing = 0
        for res in results:
            fl = res["fails"]
            if verbose and res["source"] is not None:
                out(f"[{res['k']}] {'ok' if not fl else fl[0]}  "
                    f"({len(res['source'].splitlines())} lines)")
            elif fl and res["source"] is not None:
                # streamed as found, so a long run shows its failures before it ends
                # (the saved, shrunk report follows at the end)
                out(f"found: program {res['k']} {fl[0].category}: {fl[0].detail}")
            failing += bool(fl) and res["source"] is not None
            checked.append(res)
            if progress and len(checked) % progress == 0:
                out(f"progress: {len(checked)}/{programs} programs, {failing} failing, "
                    f"{time.time() - t0:.0f}s")
        # which failures are shrunk: the first of each kind, in program order
        shrunk_sigs = set()
        to_shrink = {}
        for res in checked:
            if res["fails"]:
                sig = res["fails"][0].signature
                if do_shrink and sig not in shrunk_sigs and len(shrunk_sigs) < max_shrinks:
                    shrunk_sigs.add(sig)
                    to_shrink[res["k"]] = (res["source"], res["fname"], res["args"], res["wrt"],
                                           sig, forward, shrink_budget, verbose, orders)
        if pool:
            pending = {k: pool.apply_async(_shrink_one, (job,)) for k, job in to_shrink.items()}
            shrunk = {k: p.get() for k, p in pending.items()}
        else:
            shrunk = {k: _shrink_one(job) for k, job in to_shrink.items()}
    finally:
        if pool:
            pool.close()
            pool.join()

    mismatches = []
    n = rejects = aliasing = aliasing_refused = twice_refused = ignored = 0
    counts = {}
    for res in checked:
        k = res["k"]
        aliasing += res["stats"].get("aliasing", 0)
        aliasing_refused += res["stats"].get("aliasing_refused", 0)
        twice_refused += res["stats"].get("twice_refused", 0)
        ignored += res["stats"].get("ignored", 0)
        rejects += res["rejects"]
        if res["bug"] is not None:
            out(f"GENERATOR BUG seed={seed} program={k}: {res['bug'].splitlines()[0]}")
            if verbose:
                out(res["bug"])
            continue
        if res["source"] is None:
            continue
        n += 1
        fails = res["fails"]
        if not fails:
            continue
        sig = fails[0].signature
        counts[fails[0].category] = counts.get(fails[0].category, 0) + 1
        source, args, wrt = res["source"], res["args"], res["wrt"]
        small = source
        if k in shrunk:
            small, args, wrt, st, rres, logs = shrunk[k]
            for line in logs:
                out(line)
            if st == "fail":
                fails = [fl for fl in rres if fl.signature == sig] or rres
        path = save_failure(outdir, f"seed{seed}_prog{k}", small, res["fname"], args, wrt, fails,
                            original=(source, res["args"], res["wrt"]), orders=orders)
        label = "REFUSED" if fails[0].category == "refused" else "MISMATCH"
        msg = f" ({fails[0].message[:160]})" if fails[0].message else ""
        out(f"{label} seed={seed} program={k} {fails[0].category}: {fails[0].detail}{msg} "
            f"-> {path}")
        mismatches.append((k, fails, path))
    elapsed = time.time() - t0
    timed = sorted((res.get("seconds", 0.0), res["k"]) for res in checked)
    if timed:
        slow = sum(1 for sec, _ in timed if sec > 60.0)
        out(f"slowest check: program {timed[-1][1]} ({timed[-1][0]:.1f}s); "
            f"{slow} checks over 60s (limit {timeout:.0f}s)")
    out("by kind: " + (", ".join(f"{c} {kd}" for kd, c in sorted(counts.items())) or "none")
        + f"; aliasing-dependent: {aliasing} ({aliasing_refused} rightly refused)"
        + (f"; order two: {twice_refused} documented refusals (not twice "
           f"differentiable)" if 2 in orders else "")
        + (f"; ignored (--ignore): {ignored}" if ignore else "")
        + f"; rejected inputs: {rejects}; {elapsed:.1f}s with {jobs} job(s)")
    if summary is not None:
        summary.update(counts=counts, aliasing=aliasing, aliasing_refused=aliasing_refused,
                       rejects=rejects, elapsed=elapsed, twice_refused=twice_refused,
                       ignored=ignored)
    return n, mismatches


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--programs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="fuzz-failures", help="where failing programs are saved")
    ap.add_argument("--no-shrink", action="store_true")
    ap.add_argument("--shrink-time", type=float, default=60.0, help="seconds per failure")
    ap.add_argument("--max-shrinks", type=int, default=20,
                    help="shrink at most this many distinct failure kinds per run")
    ap.add_argument("--max-size", type=int, default=16)
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds for all the checks of one program (a hang is a failure)")
    ap.add_argument("--jobs", "-j", type=int, default=1,
                    help="worker processes (the programs and results do not depend on it)")
    ap.add_argument("--forward", choices=["auto", "on", "off"], default="auto",
                    help="forward-vs-reverse check: auto = when srcdiff.jvp exists; on = use "
                         "srcdiff.api.forward_mode.jvp even if not exported")
    ap.add_argument("--disable", default="",
                    help="comma-separated generator features to leave out (to look past known "
                         "bugs): " + ", ".join(FEATURES))
    ap.add_argument("--orders", default=None,
                    help="derivative orders to check, comma-separated (default "
                         + ",".join(map(str, ORDERS)) + "; with --check, the file's ORDERS): 1 = "
                         "grad/vjp/value_and_grad against central differences and jvp against "
                         "reverse; 2 = also hvp against central differences of the gradient, "
                         "jvp(grad(f)) and jacobian(grad(f)) against the same, hessian "
                         "symmetric (small inputs); a SrcdiffError at order two counts unless it "
                         "says that a rule the program calls (named) is not twice "
                         "differentiable (tools/fuzz_order2.py); 3 = also, for one real "
                         "argument, hvp of sum(grad(f) * u) against central differences of its "
                         "gradient")
    ap.add_argument("--ignore", metavar="REGEX",
                    help="programs whose every failure ('category: detail') matches REGEX are "
                         "counted as ignored, not reported (to look past known bugs)")
    ap.add_argument("--focus", default="",
                    help="comma-separated generator features to generate ten times as often "
                         "(same names as --disable)")
    ap.add_argument("--progress", type=int, default=100, metavar="N",
                    help="print a progress line every N programs (0: never); failing "
                         "programs are printed as they are found either way")
    ap.add_argument("--check", metavar="FILE", help="re-run the checks on a saved failure")
    ap.add_argument("--shrink", metavar="FILE",
                    help="shrink a saved failure further (in place; budget --shrink-time)")
    ap.add_argument("--show", type=int, metavar="K", help="print program K of --seed and exit")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)   # progress reaches a log file as it happens
    forward = {"auto": "auto", "on": True, "off": False}[a.forward]
    try:
        orders = tuple(sorted({int(x) for x in (a.orders or ",".join(map(str, ORDERS)))
                               .split(",") if x.strip()}))
    except ValueError:
        orders = ()
    if not orders or not set(orders) <= {1, 2, 3} or orders != tuple(range(1, len(orders) + 1)):
        ap.error("--orders: 1, 1,2 or 1,2,3 (each order is checked only where the ones "
                 "below it pass)")
    disabled = [x for x in a.disable.split(",") if x]
    focus = [x for x in a.focus.split(",") if x]
    for x in disabled + focus:
        if x not in FEATURES:
            ap.error(f"unknown feature {x!r}; known: {', '.join(FEATURES)}")
    if a.check:
        return check_saved(a.check, forward, orders=orders if a.orders else None)
    if a.shrink:
        return shrink_saved(a.shrink, forward, a.shrink_time)
    if a.show is not None:
        source, fname, args, wrt, _, _ = generate_case(a.seed, a.show, a.programs, a.max_size,
                                                       disabled=disabled, focus=focus)
        print(source)
        print(f"ARGS = {literal(tuple(args))}\nWRT = {wrt!r}")
        return 0
    n, mism = run(a.programs, a.seed, a.out, a.shrink_time, not a.no_shrink, a.max_shrinks,
                  forward, a.max_size, a.verbose, disabled=disabled, jobs=max(1, a.jobs),
                  timeout=a.timeout, orders=orders, ignore=a.ignore, focus=focus,
                  progress=max(0, a.progress))
    print(f"{n} programs, {len(mism)} mismatches")
    return 1 if mism else 0


if __name__ == "__main__":
    sys.exit(main())
