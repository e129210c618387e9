"""Control flow: ``if``/``elif``/``else``, ``for`` loops (over ranges, rows, zips,
lists), ``while`` loops, ``break``/``continue`` and early returns."""
from __future__ import annotations

from tools.fuzz.generator.model import Var, roots


class ControlFlow:
    """Mixin of ProgramGenerator: compound statements and jumps."""

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
