"""The clean-up passes run on a derivative's statements before code generation
(copy propagation, folding single-use temporaries, and for a gradient what its
shape analysis allows), and the resolver that tells them which object a name
in generated code stands for."""
import gast

from ..backend.optimize import dead_code


RETURN_WIDTH = 88     # (a gradient's return takes values while it fits in this many columns)


def _fold(stmts, env, fs, rt=None, params=(), also=()):
    """Propagate copies, fold single-use temporaries back into expressions
    (optimize.py); with the reverse transform ``rt`` of a gradient, also what its
    shape analysis allows (tidy.py), and fold again what that leaves single-use.
    ``also``: the code run before (a vjp's forward, for its backward), whose
    views of arrays count for what may move past a write."""
    from ..backend.optimize import (copy_propagate, forward_substitute, merge_accumulations,
                           merge_twin_accumulations, return_items)
    resolve = _resolver(env, fs)
    if rt is None:
        stmts = merge_twin_accumulations(forward_substitute(copy_propagate(stmts), resolve,
                                                            also=also))
        return forward_substitute(merge_accumulations(stmts, resolve, also=also), resolve,
                                  also=also)
    from ..reverse.tidy import (plain_returns, put_unit_seed, scalar_broadcasts, shape_stand_ins,
                       unit_divisions)
    # (dead_code runs where a pass may have left a value unread: after a pass
    # that changed nothing, or folded values into their one reader, which
    # still reads what they read, there is none)
    stmts = dead_code(copy_propagate(plain_returns(put_unit_seed(stmts), rt, params)), resolve)
    for _ in range(3):
        for _ in range(4):  # (a value no longer read may free another's shape reads)
            stmts, stood_in = shape_stand_ins(stmts, rt, params)
            if not stood_in:
                break
            stmts = dead_code(stmts, resolve)
        stmts, swapped = scalar_broadcasts(forward_substitute(stmts, resolve), rt)
        if not swapped:
            break
        stmts = dead_code(stmts, resolve)
    stmts = merge_twin_accumulations(forward_substitute(stmts, resolve))
    # (a cotangent written once may then fold into its one reader)
    stmts = forward_substitute(merge_accumulations(stmts, resolve), resolve)
    stmts, swapped = scalar_broadcasts(stmts, rt)
    if swapped:
        stmts = dead_code(stmts, resolve)
    # (and a short gradient into the return, as one writes it by hand: where
    # the return gives a name as it is, the one place a value may go)
    if stmts and isinstance(stmts[-1], gast.Return) and any(
            isinstance(e, gast.Name) for e in return_items(stmts[-1].value)):
        stmts = forward_substitute(stmts, resolve, RETURN_WIDTH)
    return unit_divisions(stmts)


def _resolver(env, fs):
    """The object a function expression of generated code names."""
    def resolve(node):
        if isinstance(node, gast.Name):
            if node.id in env.objects:
                return env.objects[node.id]
            try:
                return fs.lookup(node.id)
            except KeyError:
                return None
        if isinstance(node, gast.Attribute):
            base = resolve(node.value)
            return getattr(base, node.attr, None) if base is not None else None
        return None

    return resolve
