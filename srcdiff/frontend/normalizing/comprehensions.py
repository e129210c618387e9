"""List, dict and generator comprehensions lowered to loops that fill an
accumulator, their variables given names of their own."""

import gast

from ...ir import anno
from ...ir.syntax import assign, load, walk
from .expressions import ANONYMOUS


class ComprehensionLowering:
    """The normalizer's part that lowers comprehensions."""

    def comprehension(self, e, hint):
        """[elt for x in xs if c] -> acc = []; for x in xs: if c: acc.append(elt)
        (a dict comprehension fills a dict by subscript writes)."""
        acc = self.names.fresh(hint if hint not in ANONYMOUS else "items")
        is_dict = isinstance(e, gast.DictComp)
        init = gast.Dict(keys=[], values=[]) if is_dict else gast.List(elts=[], ctx=gast.Load())
        stmts = [assign(acc, init, self.line)]
        # comprehension variables get names of their own (they do not leak)
        saved_env = dict(self.env)
        saved_assigned = set(self.assigned)
        for gen in e.generators:
            for n in walk(gen.target):
                if isinstance(n, gast.Name):
                    fresh = self.names.fresh(n.id)
                    self.env[n.id] = fresh
        self.depth += 1

        def build(gens):
            gen = gens[0]
            pre, it = self.atom(gen.iter, "it")
            target = self.loop_target(gen.target)
            conds = list(gen.ifs)
            if len(gens) > 1:
                body = build(gens[1:])
            elif is_dict:
                s1, k = self.atom(e.key, acc + "_key")
                s2, v = self.atom(e.value, acc)
                tgt = gast.Subscript(value=load(acc), slice=k, ctx=gast.Store())
                body = s1 + s2 + [gast.Assign(targets=[tgt], value=v, type_comment=None)]
            else:
                s1, v = self.atom(e.elt, acc)
                body = s1 + [gast.Expr(value=gast.Call(func=gast.Attribute(
                    value=load(acc), attr="append", ctx=gast.Load()), args=[v], keywords=[]))]
            for c in reversed(conds):
                cs, ca = self.atom(c, "cond")
                body = cs + [gast.If(test=ca, body=body, orelse=[])]
            for st in body:
                for n in walk(st):
                    if isinstance(n, gast.stmt) and anno.get(n, "srcline") is None:
                        anno.set(n, "srcline", self.line)
            loop = gast.For(target=target, iter=it, body=body, orelse=[], type_comment=None)
            anno.set(loop, "srcline", self.line)
            return pre + [loop]

        stmts += build(e.generators)
        self.depth -= 1
        self.env = saved_env
        self.assigned = saved_assigned | {acc}
        return stmts, load(acc)
