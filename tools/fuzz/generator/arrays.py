"""Arrays written in place: subscript, slice and mask writes into fresh arrays,
copies written after they are made, buffers filled by a loop."""
from __future__ import annotations

from tools.fuzz.generator.model import Var


class ArrayWrites:
    """Mixin of ProgramGenerator: writes into arrays no other name sees."""

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
