"""ProgramGenerator: one random program (module constants, helpers, the
differentiated function and its return value) and random inputs for it, composed
of the grammar's mixins."""
from __future__ import annotations

import ast
import itertools
import re

import numpy as np

from tools.fuzz.generator.arrays import ArrayWrites
from tools.fuzz.generator.containers import Containers
from tools.fuzz.generator.control import ControlFlow
from tools.fuzz.generator.conversions import Conversions
from tools.fuzz.generator.expressions import Expressions
from tools.fuzz.generator.functions import Functions
from tools.fuzz.generator.model import (ARG_LIMIT, HEADER, KINDS, PREFIX, Ctx, Func, Var,
                                        roots)
from tools.fuzz.generator.scope import Scope
from tools.fuzz.generator.sharing import SharedWrites
from tools.fuzz.generator.statements import Statements
from tools.fuzz.generator.idioms import TYPES_IMPORT, IdiomStatements


class ProgramGenerator(Statements, ControlFlow, Functions, ArrayWrites, SharedWrites,
                       Containers, Conversions, Expressions, Scope, IdiomStatements):
    """Generates one random program (module source) and its arguments (the
    statements of real-code idioms are in tools/fuzz/generator/idioms.py)."""

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
