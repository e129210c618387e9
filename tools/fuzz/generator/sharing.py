"""Values that share memory with an array written afterwards: an item, view or alias
read after the write, and a number grown into an array another name holds."""
from __future__ import annotations

import re

import numpy as np

from tools.fuzz.generator.model import Var


class SharedWrites:
    """Mixin of ProgramGenerator: programs whose value may depend on NumPy's
    aliasing (srcdiff may refuse them, but a number it returns must be right)."""

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
