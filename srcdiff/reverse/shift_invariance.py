"""Shift invariance: a max or min the output does not depend on (the shift of
a logsumexp or softmax) needs no adjoint.
"""
import operator

import gast
import numpy as np

from ..analysis.shape_algebra import sym_rank
from ..ir.syntax import names_read, walk


_EXTREMA = {np.max, np.amax, np.min, np.amin}


_ADD = {operator.add, np.add}


_SUB = {operator.sub, np.subtract}


_MUL = {operator.mul, np.multiply}


_DIV = {operator.truediv, np.divide}


_NEG = {operator.neg, np.negative}


_SUMS = {np.sum}


def shift_invariant(norm, classifier, shapes):
    """Names ``m = np.max(x, axis=a, keepdims=True)`` (or a full max/min) whose
    cotangent is exactly zero: every use of ``m`` reaches the output only through
    combinations that do not change when ``m`` is shifted by any ``d`` (one
    value per slice along ``a``), as in a logsumexp or a softmax:
    ``x - m`` (shifted by -d), ``exp`` of that (scaled by exp(-d)), sums of it
    along ``a`` with keepdims (scaled), ``log`` (shifted), a ratio of two equally
    scaled values or a difference of two equally shifted ones (unchanged).
    The output is then F(x, m) with dF/dm = 0 identically, so m's adjoint (and
    the extremum weights it would need) is skipped. Only straight-line code at
    the top level of the function is analysed; anything else keeps m active."""
    body = norm.node.body
    stores = {}
    for n in walk(norm.node):
        if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
            stores[n.id] = stores.get(n.id, 0) + 1
    for p in norm.params:
        stores[p] = stores.get(p, 0) + 1
    out = norm.output
    out_names = names_read(out) if out is not None else set()
    found = set()
    for i, s in enumerate(body):
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)):
            continue
        m = s.targets[0].id
        op = classifier.classify(s.value)
        if op.kind != "call" or op.func not in _EXTREMA or len(op.args) != 1 \
                or stores.get(m) != 1 or set(op.keywords) - {"axis", "keepdims"}:
            continue
        axis = op.keywords.get("axis")
        keep = op.keywords.get("keepdims")
        if axis is None or (isinstance(axis, gast.Constant) and axis.value is None):
            axis = None
        elif isinstance(axis, gast.Constant) and type(axis.value) is int:
            if not (isinstance(keep, gast.Constant) and keep.value is True):
                continue
            axis = axis.value
        else:
            continue
        if _invariant_after(m, axis, body[i + 1:], classifier, shapes, stores, out_names):
            found.add(m)
    return found


def _rank(shapes, name):
    r = sym_rank(shapes.sym.get(name))
    return r if r is not None else shapes.ndims.get(name)


def _invariant_after(m, axis, rest, classifier, shapes, stores, out_names):
    if axis is not None:
        r = _rank(shapes, m)
        if r is None or r == 0:
            return False
        axis = axis % r
    forms = {m: ("lin", 1)}      # name -> ("lin", a): v + a*d  |  ("exp", b): v * exp(b*d)
    for s in rest:
        reads = names_read(s)
        if not reads & set(forms):
            continue
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)):
            return False
        t = s.targets[0].id
        if stores.get(t) != 1:
            return False
        form = _transfer(classifier.classify(s.value), forms, axis, shapes)
        if form is None:
            return False
        if form != ("lin", 0) and axis is not None and _rank(shapes, t) != _rank(shapes, m):
            return False
        forms[t] = form
    return all(forms.get(n, ("lin", 0)) == ("lin", 0) for n in out_names)


def _transfer(op, forms, axis, shapes):
    """The form of an operation's result, or None where it cannot be told."""
    inv = ("lin", 0)
    if op.kind == "copy":
        return forms.get(op.node.id, inv)
    args = []
    for a in op.operands:
        if isinstance(a, gast.Constant):
            args.append(inv)
        elif isinstance(a, gast.Name):
            args.append(forms.get(a.id, inv))
        else:
            if names_read(a) & set(forms):
                return None
            args.append(inv)
    if all(a == inv for a in args):
        return inv          # whatever the operation: its operands do not change
    if op.kind != "call" or op.keywords and op.func not in _SUMS:
        return None
    f = op.func
    if len(args) == 2 and not op.keywords:
        (ka, va), (kb, vb) = args
        if f in _ADD or f in _SUB:
            sign = 1 if f in _ADD else -1
            if ka == "lin" and kb == "lin":
                return ("lin", va + sign * vb)
            return None
        if f in _MUL or f in _DIV:
            sign = 1 if f in _MUL else -1
            if args[0] == inv:
                ka, va = "exp", 0
            if args[1] == inv:
                kb, vb = "exp", 0
            if ka == "exp" and kb == "exp":
                b = va + sign * vb
                return ("exp", b) if b else inv
            return None
        return None
    if len(args) == 1 and not op.keywords:
        k, v = args[0]
        if f in _NEG:
            return ("lin", -v) if k == "lin" else ("exp", v)
        if f is np.exp and k == "lin":
            return ("exp", v)
        if f is np.log and k == "exp":
            return ("lin", v)
        return None
    if f in _SUMS and len(op.args) == 1 and args[0][0] == "exp" \
            and set(op.keywords) <= {"axis", "keepdims"}:
        if axis is None:
            return args[0]
        ax = op.keywords.get("axis")
        keep = op.keywords.get("keepdims")
        x = op.args[0]
        r = _rank(shapes, x.id) if isinstance(x, gast.Name) else None
        if isinstance(ax, gast.Constant) and type(ax.value) is int and r \
                and isinstance(keep, gast.Constant) and keep.value is True \
                and ax.value % r == axis:
            return args[0]
        return None
    return None
