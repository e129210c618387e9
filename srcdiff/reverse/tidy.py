"""Shorter gradients from what the shape analysis knows (grad, value_and_grad).

``put_unit_seed``: the seed ``d = 1.0`` of an output the reverse transform knows is a real
number of shape () goes into the expressions that read d, where constant
arithmetic folds it (``d * 2 * r`` -> ``2.0 * r``); the output itself is no
longer computed when nothing else reads it.

``shape_stand_ins``: a helper that needs only a value's shape
(``expand_reduced(g, x, ...)``, ``broadcast_like(g, x)``, and
``unbroadcast(g, x)`` when every value is real) reads instead a value of the
same shape that the code reads anyway, so ``x`` need not be computed for it.

``scalar_broadcasts``: ``expand_reduced(g, x, None, False) * y`` with y of x's
shape is ``g * y`` (broadcasts.py's swap, here after copies are propagated and
temporaries folded, when the seed is a number); likewise a keepdims
reduction's ``expand_reduced(g, x, axis, True) + y``: ``g + y`` (broadcasting
spreads g over y's shape, x's, by itself).

``plain_returns``: in a function no value of which can be complex, the
return's ``cast_like(d, p)`` for a number p is ``d`` where d is the sum of an
array of one or more axes down to p's shape (``unbroadcast``, ``sum_product``:
a number, never the 0-d array cast_like would unwrap). (For an array p it
stays: under ``srcdiff.jit`` it also gives a float32 input a float32 gradient,
which Numba's promotion rules would make float64.)

Each rewrite gives the same numbers: shapes are equal where the analysis
(shapes.py) says so, and 1.0 is what scalar_seed returns for such an output.
"""
import gast

from .. import runtime
from ..analysis.shape_algebra import has_rest, sym_rank
from ..backend.simplify import simplify
from ..ir import anno
from ..ir.syntax import Transformer, clone, const, names_read, walk_fielded
from .broadcasts import full_broadcast

__all__ = ["put_unit_seed", "shape_stand_ins", "scalar_broadcasts", "unit_divisions",
           "plain_returns"]


def _stores(stmts):
    """name -> how many times the statements bind or change it (in place too)."""
    out = {}
    for s in stmts:
        for n in walk_fielded(s):
            if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load):
                out[n.id] = out.get(n.id, 0) + 1
            elif isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name):
                out[n.target.id] = out.get(n.target.id, 0) + 2
            elif isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store):
                base = n.value
                while isinstance(base, gast.Subscript):
                    base = base.value
                if isinstance(base, gast.Name):
                    out[base.id] = out.get(base.id, 0) + 2
    return out


class _UnitDiv(Transformer):
    """``(1.0 * e) / f`` -> ``e / f`` (true division gives the same floating-point
    number either way)."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, gast.Div) and isinstance(node.left, gast.BinOp) \
                and isinstance(node.left.op, gast.Mult):
            inner = node.left
            for one, other in ((inner.left, inner.right), (inner.right, inner.left)):
                if isinstance(one, gast.Constant) and type(one.value) is float \
                        and one.value == 1.0:
                    node.left = other
                    break
        return node

    def visit_FunctionDef(self, node):
        return node


def unit_divisions(stmts):
    """``(1.0 * e) / f`` -> ``e / f`` and ``2 * 1.0`` -> ``2.0`` in every statement
    (what folding the seed into a temporary and that into a division, or
    merging the two terms of ``y * y``'s adjoint, leaves)."""
    for s in stmts:
        division, product = _arithmetic(s)
        if division:
            _UnitDiv().visit(s)
        if product:
            _Numbers().visit(s)
    return stmts


def _arithmetic(st):
    """(Does st hold a division? A product of two numbers?): where either pass
    of unit_divisions may change anything."""
    BinOp, Constant, Div, Mult = gast.BinOp, gast.Constant, gast.Div, gast.Mult
    division = product = False
    for n in walk_fielded(st):
        if n.__class__ is BinOp:
            op = n.op.__class__
            if op is Div:
                division = True
            elif op is Mult and n.left.__class__ is Constant and n.right.__class__ is Constant:
                product = True
    return division, product


class _Numbers(Transformer):
    """A product of two numbers, as one number."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, gast.Mult) and all(
                isinstance(e, gast.Constant) and type(e.value) in (int, float)
                for e in (node.left, node.right)):
            return const(node.left.value * node.right.value)
        return node

    def visit_FunctionDef(self, node):
        return node


def put_unit_seed(stmts):
    """Put the number of a seed statement marked ``srcdiff_unit_seed`` into the
    expressions that read its name and drop the statement, where the name is
    bound there only and read only by later statements of its block; likewise
    for the statements that become ``d_1 = 1.0`` then (the adjoint of ``a + b``
    copies the seed to both)."""
    work = [(stmts, s) for s in stmts if anno.get(s, "unit_seed", False)]
    if not work:
        return stmts
    stores, reads = _stores(stmts), _reads(stmts)
    while work:
        block, seed = work.pop(0)
        if not (isinstance(seed, gast.Assign) and isinstance(seed.targets[0], gast.Name)
                and isinstance(seed.value, gast.Constant)):
            continue
        at = next((k for k, s in enumerate(block) if s is seed), None)
        d, value = seed.targets[0].id, seed.value.value
        if at is None or stores.get(d) != 1 or type(value) not in (int, float) \
                or _reads(block[at + 1:]).get(d, 0) != reads.get(d, 0):
            continue

        def put(block_, k):
            st = block_[k]
            if isinstance(st, (gast.If, gast.For, gast.While)):
                for field in ("test", "iter", "target"):
                    if getattr(st, field, None) is not None:
                        setattr(st, field, simplify(_Put(d, value).visit(getattr(st, field))))
                for field in ("body", "orelse"):
                    sub = getattr(st, field)
                    for j in range(len(sub)):
                        put(sub, j)
                return
            if d not in names_read(st):
                return
            putter = _Put(d, value)
            st = putter.visit(st)
            if putter.hit:
                st = _UnitDiv().visit(simplify(st))
                if isinstance(st, gast.Assign) and isinstance(st.value, gast.Constant):
                    work.append((block_, st))
            block_[k] = st

        for k in range(at + 1, len(block)):
            put(block, k)
        del block[at]
        reads[d] = 0
    return stmts


class _Put(Transformer):
    """Puts the number ``value`` where ``name`` is read; ``hit``: whether it did.
    (A class of the module's own: ``Transformer`` keeps each class it meets.)"""

    def __init__(self, name, value):
        self.name, self.value, self.hit = name, value, False

    def visit_Name(self, node):
        if node.id == self.name and isinstance(node.ctx, gast.Load):
            self.hit = True
            return const(self.value)
        return node


def _reads(stmts):
    out = {}
    for s in stmts:
        for n in walk_fielded(s):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                out[n.id] = out.get(n.id, 0) + 1
    return out


def _same_shape(sc, a, b):
    """Do names a and b certainly have one shape (one shape class, or one fully
    known symbolic shape)?"""
    ca, cb = sc.classes.get(a), sc.classes.get(b)
    if ca is not None and ca == cb:
        return True
    sa, sb = sc.sym.get(a), sc.sym.get(b)
    return sa is not None and sa == sb and not has_rest(sa)


def _shape_helpers(rt):
    helpers = {runtime.expand_reduced: 1, runtime.broadcast_like: 1}
    if rt.surely_real:      # (unbroadcast(g, x) also takes x's dtype kind: real or complex)
        helpers[runtime.unbroadcast] = 1
    return helpers


def shape_stand_ins(stmts, rt, params):
    """Where a shape helper reads a name nothing else reads, let it read a name of
    the same shape that is read for its value: a parameter bound nowhere, or a
    name bound once by a statement of the function's top level before it."""
    sc, helpers = rt.shapes, _shape_helpers(rt)
    stores = _stores(stmts)
    value_reads, shape_sites = {}, []      # (shape sites: (top index, call, position))

    def visit(node, top):
        if isinstance(node, gast.Call):
            pos = helpers.get(sc._callee(node.func), -1)
            for i, a in enumerate(node.args):
                if i == pos and isinstance(a, gast.Name):
                    shape_sites.append((top, node, i))
                else:
                    visit(a, top)
            for k in node.keywords:
                visit(k.value, top)
            visit(node.func, top)
            return
        if isinstance(node, gast.Name):
            if isinstance(node.ctx, gast.Load):
                value_reads[node.id] = value_reads.get(node.id, 0) + 1
            return
        if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
            value_reads[node.target.id] = value_reads.get(node.target.id, 0) + 1
        for child in gast.iter_child_nodes(node):
            visit(child, top)

    for top, st in enumerate(stmts):
        visit(st, top)
    if not shape_sites:
        return stmts, False
    bound_at = {}       # name -> top index of its one binding (top level)
    for top, st in enumerate(stmts):
        if isinstance(st, gast.Assign) and len(st.targets) == 1 \
                and isinstance(st.targets[0], gast.Name) and stores.get(st.targets[0].id) == 1:
            bound_at[st.targets[0].id] = top
    # (first the parameters, then names read more than once, which stay named
    # anyway, the latest first; then the other names, the latest first)
    candidates = [(p, -1) for p in params if not stores.get(p) and p in value_reads]
    candidates += sorted(((n, i) for n, i in bound_at.items() if n in value_reads),
                         key=lambda c: (value_reads[c[0]] < 2, -c[1]))
    changed = False
    for top, node, i in shape_sites:
        x = node.args[i].id
        if x in value_reads or x in params:
            continue
        for y, at in candidates:
            if y != x and at < top and _same_shape(sc, x, y):
                node.args[i] = gast.Name(id=y, ctx=gast.Load(), annotation=None,
                                         type_comment=None)
                changed = True
                break
    return stmts, changed


def scalar_broadcasts(stmts, rt):
    """``D = expand_reduced(g, x, None, False)`` (g a number, or a name bound
    once) read as ``D * y`` with y of x's shape: ``g * y`` (as broadcasts.py's
    ``_swap_broadcasts``, here after copies are propagated and temporaries
    folded, and with symbolic shapes too), statement by statement of the top level."""
    def spread(sc_, v):
        return full_broadcast(sc_, v) or _keepdims_broadcast(sc_, v)

    sc = rt.shapes
    stores = _stores(stmts)
    defs, changed = {}, False          # D -> (g, x)
    for k, st in enumerate(stmts):
        if isinstance(st, (gast.Assign, gast.AugAssign, gast.Expr, gast.Return)):
            if _may_swap(st, defs, sc, spread):
                before = gast.dump(st)
                _Swap(sc, defs, spread).visit(st)
                if gast.dump(st) != before:
                    stmts[k] = st = _UnitDiv().visit(simplify(st))
                    changed = True
        else:
            defs.clear()        # (a block in between: keep it simple)
            continue
        if isinstance(st, gast.Assign) and len(st.targets) == 1 \
                and isinstance(st.targets[0], gast.Name) and stores.get(st.targets[0].id) == 1:
            v = st.value
            if spread(sc, v) and isinstance(v.args[1], gast.Name):
                g = v.args[0]
                if isinstance(g, gast.Constant) or isinstance(g, gast.Name) \
                        and stores.get(g.id, 0) <= 1 and g.id != st.targets[0].id:
                    defs[st.targets[0].id] = (g, v.args[1].id)
    return stmts, changed


def _keepdims_broadcast(sc, v):
    """Is v ``expand_reduced(g, x, axis, True)`` (a keepdims reduction's cotangent,
    of the reduction's shape, spread over x's shape: what broadcasting g against
    a value of x's shape does by itself)? (Not a number g, which expand_reduced
    gives x's floating-point type.)"""
    return isinstance(v, gast.Call) and sc._callee(v.func) is runtime.expand_reduced \
        and len(v.args) == 4 and not v.keywords and not isinstance(v.args[0], gast.Constant) \
        and isinstance(v.args[3], gast.Constant) and v.args[3].value is True


def _expr_same_shape(sc, e, x):
    """Does expression e certainly have the shape of name x?"""
    c = sc.expr_class(e)
    if c is not None and c == sc.classes.get(x):
        return True
    s = sc.expr_sym(e)
    return s is not None and s == sc.sym.get(x) and not has_rest(s)


def _number_like(sc, e):
    """Is e certainly of shape () (a number)?"""
    return sc.expr_class(e) == frozenset() or sc.expr_sym(e) == ()


class _Swap(Transformer):
    def __init__(self, sc, defs, full_broadcast):
        self.sc, self.defs, self.full_broadcast = sc, defs, full_broadcast

    def strip(self, e):
        """(scalar expression, x) where e is a scalar broadcast to x's shape (times
        numbers), else None."""
        if isinstance(e, gast.Name) and e.id in self.defs:
            g, x = self.defs[e.id]
            return clone(g), x
        if self.full_broadcast(self.sc, e) and isinstance(e.args[1], gast.Name):
            return e.args[0], e.args[1].id
        if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Mult, gast.Div)):
            inner = self.strip(e.left)
            if inner is not None and _number_like(self.sc, e.right):
                return gast.BinOp(left=inner[0], op=e.op, right=e.right), inner[1]
            if isinstance(e.op, gast.Mult):
                inner = self.strip(e.right)
                if inner is not None and _number_like(self.sc, e.left):
                    return gast.BinOp(left=e.left, op=e.op, right=inner[0]), inner[1]
        return None

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if not isinstance(node.op, (gast.Add, gast.Sub, gast.Mult, gast.Div)):
            return node
        for side, other in (("left", "right"), ("right", "left")):
            got = self.strip(getattr(node, side))
            if got is not None and _expr_same_shape(self.sc, getattr(node, other), got[1]):
                setattr(node, side, got[0])
                break
        return node

    def visit_FunctionDef(self, node):
        return node


def _may_swap(st, defs, sc, full_broadcast):
    """Does st read a broadcast in ``defs`` or spell one out?"""
    for n in walk_fielded(st):
        if isinstance(n, gast.Name) and n.id in defs and isinstance(n.ctx, gast.Load):
            return True
        if isinstance(n, gast.Call) and full_broadcast(sc, n):
            return True
    return False


def plain_returns(stmts, rt, params):
    """``cast_like(d, p)`` read by the final return as ``d`` where it is ``d``
    (see the module's docstring); the statements, changed in place."""
    from ..runtime import cast_like
    if not (rt.surely_real and stmts and isinstance(stmts[-1], gast.Return)):
        return stmts
    sc = rt.shapes
    if not any(isinstance(n, gast.Call) and sc._callee(n.func) is cast_like
               for n in walk_fielded(stmts[-1])):
        return stmts
    stores = _stores(stmts)
    bound = {st.targets[0].id: st.value for st in stmts
             if isinstance(st, gast.Assign) and len(st.targets) == 1
             and isinstance(st.targets[0], gast.Name) and stores.get(st.targets[0].id) == 1}
    summed = {runtime.unbroadcast: 1, runtime.sum_product: 2}

    def axes(e):
        return sym_rank(sc.expr_sym(e)) or 0

    def plain(d, p):
        if p not in params or stores.get(p) or sc.ndims.get(p) != 0:
            return False
        v = bound.get(d)
        n = summed.get(sc._callee(v.func)) if isinstance(v, gast.Call) else None
        return n is not None and len(v.args) == n + 1 and not v.keywords \
            and isinstance(v.args[n], gast.Name) and v.args[n].id == p \
            and all(axes(a) >= 1 for a in v.args[:n])

    stmts[-1] = _Plain(lambda f: sc._callee(f) is cast_like, plain).visit(stmts[-1])
    return stmts


class _Plain(Transformer):
    """``cast_like(d, p)`` -> ``d`` where ``plain(d, p)``. (One class for every
    call: syntax.Transformer keeps a table per class, which a class made per call
    would grow for good.)"""

    def __init__(self, is_cast_like, plain):
        self.is_cast_like, self.plain = is_cast_like, plain

    def visit_Call(self, node):
        self.generic_visit(node)
        if self.is_cast_like(node.func) and len(node.args) == 2 \
                and all(isinstance(a, gast.Name) for a in node.args) \
                and self.plain(node.args[0].id, node.args[1].id):
            return node.args[0]
        return node
