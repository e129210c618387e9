"""Checks made where the program runs, put before the statements they guard:
``check(y, 'y', (('t', t), ...), filename, line)`` calls of runtime helpers,
and the ``t = None`` bindings that let them read names not bound yet."""

import gast

from ... import runtime
from ...ir import anno
from ...ir.syntax import assign, const, load, walk
from ..blocks import located, rewrite_blocks


def insert_owned_checks(norm, checks):
    """Before each write ``t[i] = v`` in ``checks`` ({id: (t, params)}), the call
    ``owned_value(t, 't', (('p', p), ...), filename, line)`` (runtime.py): the
    array written must not be (part of) a parameter's."""

    def each(st):
        if id(st) not in checks:
            return [st]
        t, params = checks[id(st)]
        params = sorted(params)
        at = anno.get(st, "srcloc") or norm.fs.loc
        call = gast.Call(func=norm.env.ref(runtime.owned_value, "owned_value"),
                         args=[load(t), const(norm.names.user_name(t)),
                               named_values(norm, params), const(at.filename),
                               const(at.lineno(st))], keywords=[])
        return [located(gast.Expr(value=call), st), st]

    norm.node.body = rewrite_blocks(norm.node.body, each)


def insert_checks(norm, checks, check):
    """Before each statement in ``checks`` ({id: (y, names)}), the call
    ``check(y, 'y', (('t', t), ...), filename, line)`` (runtime.py)."""
    def each(st):
        if id(st) not in checks:
            return [st]
        y, names = checks[id(st)]
        at = anno.get(st, "srcloc") or norm.fs.loc
        call = gast.Call(func=norm.env.ref(check, check.__name__),
                         args=[load(y), const(norm.names.user_name(y)),
                               named_values(norm, names), const(at.filename),
                               const(at.lineno(st))], keywords=[])
        return [located(gast.Expr(value=call), st), st]

    norm.node.body = rewrite_blocks(norm.node.body, each)


def named_values(norm, names):
    """``(('t', t), ...)`` for a check's message: the user's name of each (a
    version the transform made, ``t_1``, is shown as ``t``) and its value."""
    shown = norm.names.user_name
    return gast.Tuple(elts=[gast.Tuple(elts=[const(shown(t)), load(t)], ctx=gast.Load())
                            for t in names], ctx=gast.Load())


def bind_none_first(norm, names):
    """``t = None`` where the function starts, for the local names in ``names``: a
    check where the program runs reads them, on paths where they may not be bound
    yet (then they hold no array); globals are always bound."""
    stored = {n.id for n in walk(norm.node) if isinstance(n, gast.Name)
              and isinstance(n.ctx, gast.Store)}
    body = norm.node.body
    line = anno.get(body[0], "srcline") if body else None
    norm.node.body = [assign(n, const(None), line) for n in sorted(set(names) & stored)] + body
