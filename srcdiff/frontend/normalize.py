"""A-normal form: one operation per statement, operands are names or constants.

The normalized function keeps the user's names. Temporaries are named after
the variable they help compute (``W = 3 * x ** 3`` gives ``W_1 = x ** 3;
W = 3 * W_1``). A name re-assigned in straight-line code gets a new version
(``h = f(h)`` becomes ``h_1 = f(h)``), so only names assigned inside branches
and loops, and names a nested def or lambda reads, are ever overwritten. Every
statement remembers the source line it came from (``stmt.srcline``). ``return``
is lifted so that the function has a single exit at its end.

This module holds the entry (``normalize``) and the normalizer, which the
mixins of frontend.normalizing make up: expressions, calls, comprehensions,
statements, assignments, loops; return lifting is there too.
"""

import gast

from ..ir import anno
from ..ir.syntax import assign, const, load, walk, walk_fielded
from .names import all_names, NameGen
from .normalizing.assignments import AssignmentLowering
from .normalizing.calls import CallLowering
from .normalizing.comprehensions import ComprehensionLowering
from .normalizing.expressions import ExpressionLowering
from .normalizing.loops import LoopLowering
from .normalizing.returns import always_returns, lift_returns, returns_in, single_exit
from .normalizing.statements import StatementLowering

__all__ = ["normalize", "Normalized"]


class Normalized:
    """The normalized function and what later passes need to know about it."""

    def __init__(self, node, params, output, names, fs):
        self.node = node          # gast.FunctionDef in A-normal form, ending in `return output`
        self.params = params      # parameter names in order
        self.output = output      # name (or constant) the function returns
        self.names = names        # NameGen shared with the transforms
        self.fs = fs


class _Normalizer(ExpressionLowering, CallLowering, ComprehensionLowering, StatementLowering,
                  AssignmentLowering, LoopLowering):
    """Lowers one function's statements to A-normal form; holds what the
    lowering tracks (the current versions of names, the depth of branches and
    loops, the source line, records, closed-over names)."""

    out_hint = "out"
    int_names = frozenset()

    def __init__(self, fs, names):
        self.fs = fs
        self.loc = fs.loc
        self.names = names
        self.env = {}            # user name -> current SSA version
        self.depth = 0           # > 0 inside branches and loops: no new versions there
        self.line = None
        self.assigned = set()    # names assigned so far (to detect re-assignment)
        self.local_names = set()
        self.record_of = {}      # name -> RecordKind of the object literal it holds (records.py)
        self.closed = set()      # read by nested defs and lambdas: never versioned
        # (a nested def inlined into its caller) the caller's names it may write
        # into or rebind (nonlocal)
        self.outer = frozenset()
        self.errstate = {}       # np.errstate keywords of the `with` blocks read

    def error(self, node, what, hint=None):
        return self.loc.error(node, what, hint)


def _closed_over(node):
    """Names the defs and lambdas nested in ``node`` read from outside themselves
    (or rebind, nonlocal). Python binds them late: a call (not inlined, or made by
    code srcdiff does not see, ``map(g, xs)``) reads the value current where it
    runs, so a new version of such a name would leave the old value behind for
    the call to read."""
    free = set()
    for n in walk_fielded(node):
        if n is node or not isinstance(n, (gast.Lambda, gast.FunctionDef)):
            continue
        own = {m.id for m in walk_fielded(n) if isinstance(m, gast.Name)
               and not isinstance(m.ctx, gast.Load)} - nonlocal_names(n)
        free |= {m.id for m in walk_fielded(n) if isinstance(m, gast.Name)} - own
    return free


def nonlocal_names(fn):
    """The names a def declares nonlocal (in its own body, not in defs inside it)."""
    out = set()
    todo = list(fn.body) if isinstance(fn, gast.FunctionDef) else []
    while todo:
        st = todo.pop()
        if isinstance(st, gast.Nonlocal):
            out |= set(st.names)
        elif not isinstance(st, (gast.FunctionDef, gast.Lambda)):
            todo.extend(x for x in gast.iter_child_nodes(st) if isinstance(x, gast.stmt))
    return out


def _loop_counters(node):
    """(the variables that only ever loop over range(), or count in enumerate():
    integers, the names assigned other than as such a loop variable)."""
    targets = {}
    target_nodes = set()
    for n in walk_fielded(node):
        if not isinstance(n, gast.For):
            continue
        it = n.iter
        called = it.func.id if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) \
            else None
        if isinstance(n.target, gast.Name):
            targets[n.target.id] = targets.get(n.target.id, True) and called == "range"
            target_nodes.add(id(n.target))
        elif isinstance(n.target, gast.Tuple) and n.target.elts \
                and isinstance(n.target.elts[0], gast.Name):
            first = n.target.elts[0]
            targets[first.id] = targets.get(first.id, True) and called == "enumerate" \
                and len(it.args) == 1 and not it.keywords
            target_nodes.add(id(first))
    assigned_elsewhere = {n.id for n in walk_fielded(node) if isinstance(n, gast.Name)
                          and isinstance(n.ctx, gast.Store) and id(n) not in target_nodes}
    return {k for k, v in targets.items() if v} - assigned_elsewhere, assigned_elsewhere


def normalize(fs, outer=frozenset(), varargs=False, records=None):
    """Normalize ``fs`` (a FunctionSource) to A-normal form with a single exit.
    ``outer``: for a nested def inlined into its caller, the caller's names it
    may write into (``acc[0] = v``, ``acc.append(v)``) or rebind (nonlocal).
    ``varargs``: a function inlined into its caller may have ``*args`` and
    ``**kwargs`` parameters (bound to a tuple and a dict literal there).
    ``records``: parameter -> RecordKind of the object parameters (records.py),
    whose ``_replace`` makes a new NamedTuple."""
    node = fs.node
    args = node.args
    if not varargs and (args.vararg is not None or args.kwarg is not None):
        raise fs.loc.error(node, "functions with *args or **kwargs parameters cannot be "
                           "differentiated directly", "give the parameters names")
    params = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
    params += [a.id for a in (args.vararg, args.kwarg) if a is not None]
    names = NameGen(all_names(node) | set(params))
    reserved = set()
    for p in params:
        if "d" + p not in names.taken:
            names.reserve("d" + p)
            reserved.add("d" + p)
    norm = _Normalizer(fs, names)
    norm.int_names, assigned_elsewhere = _loop_counters(node)
    norm.local_names = {n.id for n in walk_fielded(node) if isinstance(n, gast.Name)
                        and isinstance(n.ctx, (gast.Store, gast.Param, gast.Del))} | set(params)
    norm.outer = frozenset(outer)
    norm.record_of = {p: k for p, k in (records or {}).items()
                      if p in params and p not in assigned_elsewhere
                      and getattr(k, "named", False) and k.cls is not tuple}
    nonlocals = nonlocal_names(node)
    if not nonlocals <= norm.outer:
        st = next(x for x in walk(node) if isinstance(x, gast.Nonlocal))
        raise norm.error(st, "'nonlocal' statements cannot be differentiated here",
                         "call the nested function directly inside the function "
                         "srcdiff differentiates (so it can be inlined there)")
    # a nonlocal name is the caller's: never versioned, never renamed
    norm.closed = (_closed_over(node) & norm.local_names) | nonlocals
    norm.assigned = set(params)
    norm.out_hint = node.name if node.name not in ("lambda_",) and node.name not in params \
        else "out"
    body = norm.block(node.body)
    if not always_returns(body):
        ret = gast.Return(value=const(None))
        anno.set(ret, "srcline", getattr(node, "lineno", 1))
        body.append(ret)
    made = []
    body = lift_returns(body, [], fs.loc, names, made)
    # bound on every path (the adjoint reads its shape where branches join)
    body = [assign(value, const(None), line) for value, line in made] + body
    rets = returns_in(body)
    if len(rets) == 1 and body and body[-1] is rets[0]:
        out = rets[0].value
        body = body[:-1]
    else:
        out_name = names.fresh("out")
        body = single_exit(body, out_name, node.lineno)
        out = load(out_name)
    fn = gast.FunctionDef(name=node.name, args=args, body=body, decorator_list=[],
                          returns=None, type_comment=None, type_params=[])
    result = Normalized(fn, params, out, names, fs)
    result.errstate = norm.errstate
    result.reserved_adjoints = reserved
    result.nonlocals = nonlocals
    return result
