"""Lists: built by literals, comprehensions and appends, popped, appended to and
written; lists inside tuples, lists and dicts, joined and repeated."""
from __future__ import annotations

import numpy as np

from tools.fuzz.generator.model import Var, roots


class Containers:
    """Mixin of ProgramGenerator: list statements."""

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
