"""Static shape classes: which values certainly have the same shape.

A value's class is the set of input shapes that broadcast to give its shape
(``x * y`` -> {x, y}; a Python number -> {}; ``np.sum(x)`` -> {}). Two values
of the same class have the same shape, so ``unbroadcast(g * y, x)`` can be
emitted as plain ``g * y`` when ``g * y`` and ``x`` are in one class: the
rule stays exact and the generated code calls no helper where nothing was
broadcast. Anything the analysis cannot see through gets a class of its own.

``ShapeClasses`` gathers the facts about one function body; each kind of fact
is inferred in a module of its own: classes (``shape_classes``), ranks
(``shape_ranks``), symbolic shapes (``symbolic_shapes``, over the algebra of
``shape_algebra``), and their use on generated code (``shape_pruning``).
"""
import operator

import gast

from .activity import walk_stmts
from .mutation import unstable
from .shape_classes import ShapeClassInference
from .shape_pruning import ShapePruning
from .shape_ranks import RankInference
from .symbolic_shapes import SymbolicShapeInference
from ..ir.syntax import walk, walk_fielded


def _to_complex(func):
    """Does ``func`` make complex values from real ones?"""
    module = getattr(func, "__module__", None) or ""
    name = getattr(func, "__name__", "")
    return module.startswith(("numpy.fft", "scipy.fft", "scipy.signal", "numpy.emath",
                              "numpy.lib.scimath")) \
        or name in ("eig", "eigvals", "roots", "hilbert", "astype", "complex", "complex128",
                    "complex64", "vectorize")


def _array_or_scalar(kind):
    """Is a parameter of this specialisation kind an array or a number?"""
    return kind in ("s", "sc") or isinstance(kind, tuple)


def _definitions(body):
    """How often each name is bound (1 for each plain ``t = ...``, 2 for each
    other binding: a tuple target, a loop target), and the plain assignments
    ``(t, stmt)`` in order."""
    counts = {}
    assigns = []
    for s in walk_stmts(body):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            t = s.targets[0].id
            counts[t] = counts.get(t, 0) + 1
            assigns.append((t, s))
        elif isinstance(s, gast.Assign) or isinstance(s, gast.For):
            for n in walk(s.targets[0] if isinstance(s, gast.Assign) else s.target):
                if isinstance(n, gast.Name):
                    counts[n.id] = counts.get(n.id, 0) + 2
    return counts, assigns


def _shape_tuples(assigns, multi, counts, param_kinds):
    """Names bound once to ``a.shape`` of an array parameter a: an item of one
    (``a.shape[0]``) is a Python int."""
    return {
        t for t, s in assigns if t not in multi and isinstance(s.value, gast.Attribute)
        and s.value.attr == "shape" and isinstance(s.value.value, gast.Name)
        and isinstance(param_kinds.get(s.value.value.id), tuple)
        and not counts.get(s.value.value.id)}


def _may_be_complex(body, ops, param_kinds):
    """May a value be complex (a complex constant or parameter, a transform to
    complex)? Then a cotangent's unbroadcast to a real value is kept: it also
    takes the real part."""
    return any(
        isinstance(k, tuple) and k[-1] == "c" or k == "sc" for k in param_kinds.values()) \
        or any(isinstance(n, gast.Constant) and isinstance(n.value, complex)
               for st in body for n in walk_fielded(st)) \
        or any(_to_complex(op.func) for _, op in ops if op.kind == "call")


class ShapeClasses(ShapeClassInference, RankInference, SymbolicShapeInference, ShapePruning):
    """The shape facts of one function body, by name: ``classes``, ``ndims``
    and ``sym``. The transform using it sets ``env`` (the generated code's
    namespace, for ``_callee``) and fills ``adjoint_of`` (an adjoint's name ->
    its primal's) as it goes."""

    def __init__(self, body, params, classifier, param_kinds=None):
        param_kinds = param_kinds or {}
        self.classes = {}
        self.ndims = {}      # name -> number of dimensions, where known
        self.sym = {}        # name -> symbolic shape: a tuple of ("d", length, offset) or 1
        self._seed_params(params, param_kinds)
        counts, assigns = _definitions(body)
        multi = {t for t, c in counts.items() if c > 1}
        for p in params:
            if counts.get(p):
                multi.add(p)
        ops = [(t, classifier.classify(s.value)) for t, s in assigns]
        self._shape_tuples = _shape_tuples(assigns, multi, counts, param_kinds)
        assigned = {a for a, _ in assigns}
        loop_targets = {t for t, c in counts.items()
                        if c >= 2 and t not in params and t not in assigned}
        self._sym_classes = False
        self._infer_classes(params, ops, multi, loop_targets)
        self._infer_ndims(params, assigns, ops, body)
        # (a tuple, list or dict parameter has no array shape: its items differ)
        self._infer_sym(params, assigns, ops, unstable(body, classifier)
                        | {p for p in params if not _array_or_scalar(param_kinds.get(p))})
        if any(op.func is operator.getitem and self.sym.get(t) not in (None, ())
               for t, op in ops):
            # again, with slices of known symbolic shape in classes of their own
            self._sym_classes = True
            self._infer_classes(params, ops, multi, loop_targets)
        self.env = None
        self.adjoint_of = {}
        self.may_be_complex = _may_be_complex(body, ops, param_kinds)

    def _seed_params(self, params, param_kinds):
        """A parameter's class: {} for a scalar, a shared symbol for arrays known
        (from the call being served) to have equal shapes, else its own symbol;
        its rank and symbolic shape where the call tells them."""
        for p in params:
            k = param_kinds.get(p)
            if k == "s":
                self.classes[p] = frozenset()
                self.ndims[p] = 0
                self.sym[p] = ()
            elif isinstance(k, tuple):
                self.classes[p] = frozenset([("shape", k[0])])
                self.ndims[p] = k[1]
                if len(k) > 2:
                    self.sym[p] = tuple(1 if d == -1 else ("d", d, 0) for d in k[2])
            else:
                self.classes[p] = frozenset([p])

    def _shape_item(self, op):
        """Is op ``s[i]`` of a name s bound to an array parameter's ``.shape``
        and an int i (a Python int)?"""
        return op.func is operator.getitem and len(op.args) == 2 \
            and isinstance(op.args[0], gast.Name) and op.args[0].id in self._shape_tuples \
            and isinstance(op.args[1], gast.Constant) and type(op.args[1].value) is int

    def _callee(self, func):
        """The object a generated call refers to (helpers and np.* functions)."""
        if self.env is None:
            return None
        if isinstance(func, gast.Name):
            if func.id in self.env.objects:
                return self.env.objects[func.id]
            return self.env.user_globals.get(func.id)
        if isinstance(func, gast.Attribute):
            base = self._callee(func.value)
            return getattr(base, func.attr, None) if base is not None else None
        return None
