"""Functions inside the program: function bodies, nested defs and lambdas."""
from __future__ import annotations

from tools.fuzz.generator.model import ARG_LIMIT, KINDS, Ctx, Func, Var, roots


class Functions:
    """Mixin of ProgramGenerator: callables the expressions may call."""

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
