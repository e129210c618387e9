"""The expression grammar: each production returns (code, bound on |value|) for a
kind; elementwise and binary calls, kinks, scalar math, helper calls, conditional
expressions, list reads, comprehensions, and branch conditions."""
from __future__ import annotations

import math
import re

import numpy as np

from tools.fuzz.generator.model import ARG_LIMIT, KINDS, SQUASH_LIMIT, Var


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


class Expressions:
    """Mixin of ProgramGenerator: expressions of a kind (shape changes are in
    Conversions)."""

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
