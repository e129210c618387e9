"""``a[i][j] = v`` (normalized to ``a[i, j] = v``) checked where it runs:
``i`` an integer (runtime.int_index), ``a`` an array (runtime.array_target)."""

import gast

from ... import runtime
from ...analysis.activity import walk_stmts
from ...ir import anno
from ...ir.syntax import assign, const, load, names_stored
from ..blocks import located, rewrite_blocks
from ..writes.memory import fresh_definition


def _certain_arrays(body, classifier):
    """Names every definition of which makes a new array (np.zeros, arithmetic,
    .copy(), ...): never a list or dict."""
    defs = {}
    for st in walk_stmts(body):
        if isinstance(st, gast.For):
            other = names_stored(st.target)
        elif isinstance(st, (gast.If, gast.While)):
            other = set()       # (their blocks' statements come on their own)
        elif isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
            other = set()
        else:
            other = names_stored(st)
        for t in other:
            defs.setdefault(t, []).append(None)
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
            op = classifier.classify(st.value)
            ok = op.kind not in ("pack", "pack_dict") and fresh_definition(op) \
                or anno.get(st, "augassign") is not None
            defs.setdefault(st.targets[0].id, []).append(ok or None)
    return {t for t, oks in defs.items() if None not in oks}


def insert_int_checks(norm, classifier):
    """``a[i][j] = v`` became ``a[i, j] = v``: where ``i`` is not certainly an
    integer, check it where the write happens (runtime.int_index)."""
    arrays = _certain_arrays(norm.node.body, classifier)

    def each(st):
        out = [st]
        where = anno.get(st, "int_check")
        idx = st.targets[0].slice if where else None
        if isinstance(idx, gast.Tuple) and idx.elts and isinstance(idx.elts[0], gast.Name):
            k = norm.names.fresh(idx.elts[0].id)
            check = gast.Call(func=norm.env.ref(runtime.int_index, "int_index"),
                              args=[load(idx.elts[0].id), const(where[0]), const(where[1])],
                              keywords=[])
            idx.elts[0] = load(k)
            out.insert(0, assign(k, check, anno.get(st, "srcline")))
        merged = anno.get(st, "merged")
        if merged and isinstance(st.targets[0].value, gast.Name) \
                and st.targets[0].value.id not in arrays:
            # (a list's item is not written by a[i, j] = v: refused where it runs)
            check = gast.Call(func=norm.env.ref(runtime.array_target, "array_target"),
                              args=[load(st.targets[0].value.id), const(merged[0]),
                                    const(merged[1])], keywords=[])
            out.insert(0, located(gast.Expr(value=check), st))
        return out

    norm.node.body = rewrite_blocks(norm.node.body, each)
