"""Expressions that change kind: reductions, indexing, slicing, products, reshapes
and broadcasts from the values of one kind to another."""
from __future__ import annotations

import numpy as np


class Conversions:
    """Mixin of ProgramGenerator: a value of one kind made from others."""

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
