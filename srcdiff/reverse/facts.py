"""What the reverse transform knows about the function's names before it
sweeps: how often each is bound (and where first), which may hold tuples,
lists or dicts, which certainly hold arrays or numbers, and whether every
value is real."""
import operator

import gast
import numpy as np

from .. import runtime
from ..analysis.activity import walk_stmts
from ..ir.syntax import walk


_ARITHMETIC = {operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
               operator.mod, operator.neg, operator.pos, operator.matmul, operator.floordiv}


_SEQUENCE_FUNCS = {"split", "array_split", "hsplit", "vsplit", "dsplit", "eigh", "eig", "svd",
                   "qr", "slogdet", "lstsq", "nonzero", "meshgrid", "broadcast_arrays",
                   "histogram", "unique", "divmod", "modf", "frexp", "where", "atleast_1d",
                   "atleast_2d", "atleast_3d", "gradient", "unravel_index", "indices"}


def surely_real_values(norm, param_kinds):
    """Whether no value of the function can be complex: every parameter is a
    real scalar or array (as the call being served says) and the body makes
    no complex value (no complex literal, no FFT, no complex dtype)."""
    for p in norm.params:
        k = param_kinds.get(p)
        if not (k == "s" or (isinstance(k, tuple) and k[-1] == "f")):
            return False
    for n in walk(norm.node):
        if isinstance(n, gast.Constant) and isinstance(n.value, complex):
            return False
        if isinstance(n, (gast.Name, gast.Attribute)) and any(
                w in (n.id if isinstance(n, gast.Name) else n.attr) for w in ("fft", "complex")):
            return False
    return True


def count_assignments(body, params):
    """({name: how many times it is bound}, {name: the statement that binds it
    first}); a parameter counts once and has no first binding."""
    counts = {p: 1 for p in params}
    first_def = {}
    for s in walk_stmts(body):
        targets = []
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            targets = [s.targets[0].id]
        elif isinstance(s, gast.For):
            targets = [n.id for n in walk(s.target) if isinstance(n, gast.Name)]
        for t in targets:
            counts[t] = counts.get(t, 0) + 1
            if t not in first_def and t not in params:
                first_def[t] = s
    return counts, first_def


def container_names(body, classifier, container_params, sequences=()):
    """Names that may hold tuples, lists or dicts (their cotangents are added
    element by element)."""
    out = set(container_params) | set(sequences)
    defs = []
    for s in walk_stmts(body):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            defs.append((s.targets[0].id, classifier.classify(s.value)))
    changed = True
    while changed:
        changed = False
        for t, op in defs:
            new = set()
            if op.kind in ("pack", "user", "unknown"):
                new.add(t)
            elif op.kind == "copy" and op.node.id in out:
                new.add(t)
            elif op.kind == "call" and op.func is runtime.as_sequence \
                    and isinstance(op.args[0], gast.Name) and op.args[0].id in out:
                new.add(t)
            elif op.kind == "call" and op.func is operator.getitem:
                base, idx = op.args
                if isinstance(idx, gast.Constant) and isinstance(idx.value, (int, str)) \
                        and isinstance(base, gast.Name):
                    new.add(base.id)
                if isinstance(base, gast.Name) and base.id in out:
                    new.add(t)
            if new - out:
                out |= new
                changed = True
    return out


def array_names(body, classifier, params, container_params, containers):
    """Names that certainly hold arrays or numbers (never tuples, lists or
    dicts): their cotangents can be added with a plain ``+``."""
    defs = {}
    for s in walk_stmts(body):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            defs.setdefault(s.targets[0].id, []).append(classifier.classify(s.value))
        elif isinstance(s, gast.For):
            for n in walk(s.target):
                if isinstance(n, gast.Name):
                    defs.setdefault(n.id, []).append(None)
    # greatest fixpoint: assume every name holds an array, drop the ones
    # with a definition that may produce something else
    arrays = {p for p in params if p not in container_params} | set(defs)
    arrays -= containers

    def arrayish(op):
        if op is None:
            return False
        if op.kind == "copy":
            return op.node.id in arrays
        if op.kind == "const":
            return isinstance(op.node, gast.Constant) and isinstance(op.node.value,
                                                                       (int, float, complex))
        if op.kind != "call":
            return False
        f = op.func
        if f is operator.getitem:
            return isinstance(op.args[0], gast.Name) and op.args[0].id in arrays
        if f in _ARITHMETIC or isinstance(f, np.ufunc):
            return all(not isinstance(a, gast.Name) or a.id in arrays for a in op.args)
        mod = getattr(f, "__module__", "") or ""
        return mod.startswith("numpy") and getattr(f, "__name__", "") not in _SEQUENCE_FUNCS

    changed = True
    while changed:
        changed = False
        for name in sorted(arrays & set(defs)):
            if not all(arrayish(op) for op in defs[name]):
                arrays.discard(name)
                changed = True
    return arrays - containers
