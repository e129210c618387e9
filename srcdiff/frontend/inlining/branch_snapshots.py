"""``if flag:`` where a branch assigns ``flag`` itself tests a copy, so the
adjoint sweep replays the branch that was taken."""

import gast

from ...ir import anno
from ...ir.syntax import assign, load, names_stored
from ..blocks import rewrite_blocks


def snapshot_tests(norm):
    """``if flag:`` where a branch assigns ``flag`` itself: test a copy, so the
    adjoint sweep replays the branch that was taken."""
    stored = {}     # id(statement) -> the names it (or a block in it) stores

    def stores(st):
        got = stored.get(id(st))
        if got is None:
            blocks = [getattr(st, f) for f in ("body", "orelse")
                      if isinstance(st, (gast.If, gast.For, gast.While))]
            if blocks:      # (its blocks were done first: rewrite_blocks)
                got = set().union(*(stores(x) for b in blocks for x in b))
                got |= names_stored(st.target) if isinstance(st, gast.For) else set()
            else:
                got = names_stored(st)
            stored[id(st)] = got
        return got

    def each(st):
        if isinstance(st, gast.If) and isinstance(st.test, gast.Name) \
                and st.test.id in stores(st):
            c = norm.names.fresh("cond")
            snap = assign(c, load(st.test.id), anno.get(st, "srcline"))
            st.test = load(c)
            stored[id(snap)] = {c}
            return [snap, st]
        stores(st)
        return [st]

    norm.node.body = rewrite_blocks(norm.node.body, each)
