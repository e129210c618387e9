"""``L[i] += v`` on an item of a list or dict changes the item's array in place:
refused where another name for that array is read later, checked where it
runs for another item holding it."""

import gast

from ... import runtime
from ...analysis.liveness import live_after, points_to
from ...ir import anno
from ...ir.syntax import clone, const, load
from ..blocks import all_blocks, located, rewrite_blocks
from .memory import alias_binds


def check_item_augassigns(norm, classifier, lists):
    """``L[i] += v`` on a list or dict ``L`` changes the item's array in place
    (Python calls its ``__iadd__``), where normalize wrote ``old = L[i]; new =
    old + v; L[i] = new`` (a new value). That is the same only if nothing else
    reads that array afterwards: another name that may share it and is read
    later is refused here; another item of ``L`` itself holding it is refused
    where it runs (runtime.item_alone; a number item is never changed in place)."""
    body = norm.node.body
    marked = []
    for block in all_blocks(body):
        for st, nxt in zip(block, block[1:]):
            if anno.get(st, "aug_item", False) and isinstance(st, gast.Assign) \
                    and isinstance(st.value, gast.BinOp) and isinstance(st.value.left, gast.Name) \
                    and isinstance(nxt, gast.Assign) and isinstance(nxt.targets[0], gast.Subscript) \
                    and isinstance(nxt.targets[0].value, gast.Name) \
                    and nxt.targets[0].value.id in lists \
                    and isinstance(nxt.value, gast.Name) and nxt.value.id == st.targets[0].id:
                marked.append((st, nxt))
    if not marked:
        return
    out = norm.output.id if isinstance(norm.output, gast.Name) else None
    live = live_after(body, {out} if out else ())
    env_at = points_to(body, alias_binds(classifier, body, norm.params),
                       at={id(st) for st, _ in marked})
    shown = norm.names.user_name
    checks = {}
    for st, nxt in marked:
        y, base = st.value.left.id, nxt.targets[0].value.id
        env = env_at.get(id(st), {})
        mine = env.get(y, frozenset({("name", y)}))
        shared = [v for v in sorted(live.get(id(st), ())) if v not in (y, base, st.targets[0].id)
                  and env.get(v, frozenset({("name", v)})) & mine]
        if shared:
            raise norm.fs.loc.error(
                st, f"'{shown(base)}[...] += ...' changes the array held in {shown(base)} in "
                f"place, but '{shown(shared[0])}' may name the same array and is used "
                "afterwards; srcdiff differentiates this as a new value",
                f"write {shown(base)}[i] = {shown(base)}[i] + ... (a new array), or copy the "
                "item before it is stored")
        checks[id(nxt)] = (y, base, nxt.targets[0].slice)

    def each(st):
        if id(st) not in checks:
            return [st]
        y, base, key = checks[id(st)]
        at = anno.get(st, "srcloc") or norm.fs.loc
        call = gast.Call(func=norm.env.ref(runtime.item_alone, "item_alone"),
                         args=[load(base), clone(key), const(shown(base)),
                               const(at.filename), const(at.lineno(st))], keywords=[])
        return [located(gast.Expr(value=call), st), st]

    norm.node.body = rewrite_blocks(norm.node.body, each)
