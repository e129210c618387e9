"""Loops lowered: ``while`` conditions computed before the loop and again at
the end of each iteration, ``break``/``continue`` lifted so that every path
ends at one, ``for ... else`` run by a flag."""

import gast

from ...ir import anno
from ...ir.syntax import assign, clone, const, is_atom, load


class LoopLowering:
    """The normalizer's part that lowers while loops and loop else blocks."""

    def while_stmt(self, s):
        # while test: body   ->   cond = test; while cond: body; cond = test
        pre, test = self.atom(s.test, "cond")
        self.depth += 1
        if pre or not is_atom(test):
            # re-evaluate the condition at the end of every iteration
            cond = test.id if isinstance(test, gast.Name) and pre else self.names.fresh("cond")
            while_line = self.line
            body = self.block(s.body)
            self.line = while_line      # (commented as the while line, not the body's last)
            again, t2 = self.atom(clone(s.test), "cond")
            if not (isinstance(t2, gast.Name) and t2.id == cond):
                again.append(assign(cond, t2, self.line))
            orelse = self.block(s.orelse)
            self.depth -= 1
            if not (isinstance(test, gast.Name) and pre):
                pre.append(assign(cond, test, self.line))
            node = gast.While(test=load(cond), body=lift_loop(body, again), orelse=[])
            post = self.loop_else(node, orelse)
            return pre + anno.get(node, "pre", []) + [node] + post
        body, orelse = self.block(s.body), self.block(s.orelse)
        self.depth -= 1
        node = gast.While(test=test, body=lift_loop(body), orelse=[])
        post = self.loop_else(node, orelse)
        return pre + anno.get(node, "pre", []) + [node] + post

    def loop_else(self, loop, orelse):
        """`for ... else: E` runs E when the loop did not break."""
        if not orelse:
            return []
        if not any(isinstance(n, gast.Break) for n in _loop_level(loop.body)):
            return orelse
        flag = self.names.fresh("broke")
        _mark_breaks(loop.body, flag, self.line)
        anno.set(loop, "pre", [assign(flag, const(False), self.line)])
        test = self.names.fresh("no_break")
        check = assign(test, gast.UnaryOp(op=gast.Not(), operand=load(flag)), self.line)
        return [check, gast.If(test=load(test), body=orelse, orelse=[])]


def _loop_level(stmts):
    """Statements of a loop body, not descending into nested loops."""
    for s in stmts:
        yield s
        if isinstance(s, gast.If):
            yield from _loop_level(s.body)
            yield from _loop_level(s.orelse)


def _mark_breaks(stmts, flag, line):
    for i, s in enumerate(list(stmts)):
        if isinstance(s, gast.Break):
            stmts.insert(stmts.index(s), assign(flag, const(True), line))
        elif isinstance(s, gast.If):
            _mark_breaks(s.body, flag, line)
            _mark_breaks(s.orelse, flag, line)


def _lift_jumps(stmts, rest, again):
    """Move what follows a branch that may break/continue into its other paths,
    so that every `break` ends its path and `continue` disappears (its path
    runs only ``again``, the loop's end-of-iteration statements)."""
    out = []
    for i, s in enumerate(stmts):
        if isinstance(s, gast.Continue):
            return out + clone(again)
        if isinstance(s, (gast.Break, gast.Return, gast.Raise)):
            return out + [s]
        if isinstance(s, gast.If) and any(isinstance(n, (gast.Break, gast.Continue))
                                          for n in _loop_level([s])):
            tail = stmts[i + 1:] + rest
            other = clone(tail)     # (before lifting: _lift_jumps rewrites ifs in place)
            s.body = _lift_jumps(s.body + tail, [], again)
            s.orelse = _lift_jumps(s.orelse + other, [], again)
            return out + [s]
        out.append(s)
    return out + rest


def lift_loop(body, again=()):
    again = list(again)
    if any(isinstance(n, (gast.Break, gast.Continue)) for n in _loop_level(body)):
        return _lift_jumps(body, again, again)
    return body + again
