"""Return lifting: the code after a branch that returns moved into its other
paths, a return inside a loop made a flag, a value and a break, so that the
function has a single exit at its end."""

import gast

from ...ir import anno
from ...ir.syntax import assign, clone, const, load
from .loops import lift_loop


def _has_return(stmts):
    """Does a return stand in these statements (not in nested functions)?"""
    for s in stmts:
        if isinstance(s, gast.Return):
            return True
        if isinstance(s, (gast.FunctionDef, gast.ClassDef)):
            continue
        for field in ("body", "orelse"):
            sub = getattr(s, field, None)
            if isinstance(sub, list) and _has_return(sub):
                return True
    return False


def always_returns(stmts):
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (gast.Return, gast.Raise)):
        return True
    if isinstance(last, gast.If):
        return always_returns(last.body) and always_returns(last.orelse)
    return False


def lift_returns(stmts, rest, loc, names=None, made=None):
    """Append the continuation ``rest`` to every path of ``stmts`` that falls through
    (``made`` collects the names that hold a value returned inside a loop)."""
    out = []
    for i, s in enumerate(stmts):
        if isinstance(s, (gast.Return, gast.Raise)):
            return out + [s]
        if isinstance(s, gast.If) and _has_return([s]):
            tail = stmts[i + 1:] + rest
            other = clone(tail)     # (before lifting: lift_returns rewrites loops in place)
            s.body = lift_returns(s.body + tail, [], loc, names, made)
            s.orelse = lift_returns(s.orelse + other, [], loc, names, made)
            return out + [s]
        if isinstance(s, (gast.For, gast.While)) and _has_return(s.body):
            # return inside a loop: remember the value, leave the loop, return after it
            flag, value = names.fresh("returned"), names.fresh("retval")
            line = anno.get(s, "srcline")
            if made is not None:
                made.append((value, line))
            _returns_to_breaks(s, flag, value, line)
            init = assign(flag, const(False), line)
            after = gast.If(test=load(flag), body=[_ret(load(value), line)], orelse=[])
            anno.set(after, "srcline", line)
            tail = [after] + stmts[i + 1:] + rest
            return lift_returns(out + [init, s] + tail, [], loc, names, made)
        out.append(s)
    return out + rest


def _ret(value, line):
    r = gast.Return(value=value)
    anno.set(r, "srcline", line)
    return r


def _returns_to_breaks(loop, flag, value, line):
    """`return v` anywhere in the loop -> `value = v; flag = True; break`; a nested
    loop that may return is followed by `if flag: break`."""
    def block(stmts):
        out = []
        for st in stmts:
            if isinstance(st, gast.Return):
                out += [assign(value, st.value, anno.get(st, "srcline", line)),
                        assign(flag, const(True), anno.get(st, "srcline", line)), gast.Break()]
                break
            if isinstance(st, gast.If):
                st.body, st.orelse = block(st.body), block(st.orelse)
                out.append(st)
            elif isinstance(st, (gast.For, gast.While)) and _has_return(st.body):
                st.body = lift_loop(block(st.body))
                out.append(st)
                stop = gast.If(test=load(flag), body=[gast.Break()], orelse=[])
                anno.set(stop, "srcline", line)
                out.append(stop)
            else:
                out.append(st)
        return out

    loop.body = lift_loop(block(loop.body))


def single_exit(stmts, out_name, line):
    """Replace every `return v` at a path's end by `out = v`."""
    res = []
    for s in stmts:
        if isinstance(s, gast.Return):
            node = assign(out_name, s.value, anno.get(s, "srcline"))
            res.append(node)
        elif isinstance(s, gast.If):
            s.body = single_exit(s.body, out_name, line)
            s.orelse = single_exit(s.orelse, out_name, line)
            res.append(s)
        else:
            res.append(s)
    return res


def returns_in(stmts):
    found = []
    for s in stmts:
        if isinstance(s, gast.Return):
            found.append(s)
        elif isinstance(s, gast.If):
            found += returns_in(s.body) + returns_in(s.orelse)
    return found
