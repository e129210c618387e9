"""Names, scopes and random constants and indices of the program being generated."""
from __future__ import annotations

from tools.fuzz.generator.model import KINDS, PREFIX


class Scope:
    """Mixin of ProgramGenerator: fresh names, nested scopes of Vars, the aliasing
    discipline's owned/frozen names, random constants and indices."""

    def on(self, feature):
        return feature not in self.disabled

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

    def d(self):
        return self.r.randint(1, self.max_expr_depth)

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
