"""Simple statements and the choice of the next statement: assignments with the
aliasing discipline, overwrites, augmented assignments, tuple assignments."""
from __future__ import annotations

import ast

from tools.fuzz.generator.model import KINDS, NEW_KIND_WEIGHTS, Var, roots


class Statements:
    """Mixin of ProgramGenerator: blocks, the statement choice, and simple
    statements."""

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
