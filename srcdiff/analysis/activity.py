"""What each normalized statement computes, and which names are active.

``classify`` turns the right-hand side of a normalized assignment into an
``Op``: the callable it applies (``operator.mul`` for ``*``, ``np.sum`` for
``x.sum()``, ``operator.getitem`` for ``x[i]``), its operands and its rule.
``activity`` finds the names that depend on the inputs being differentiated
(varied) and that reach the output (useful); only names that are both get
adjoints.
"""
import operator
import re
import types

import gast
import numpy as np

from .. import runtime
from ..runtime import transforms
from ..rules.methods import METHODS, ATTRIBUTES, NONDIFF_METHODS
from ..ir import anno
from ..ir.syntax import resolve_static
from ..rules import lookup
from ..ir.syntax import names_read, names_stored, load

BINOPS = {gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
          gast.Div: operator.truediv, gast.FloorDiv: operator.floordiv, gast.Mod: operator.mod,
          gast.Pow: operator.pow, gast.MatMult: operator.matmul,
          gast.BitAnd: operator.and_, gast.BitOr: operator.or_, gast.BitXor: operator.xor,
          gast.LShift: operator.lshift, gast.RShift: operator.rshift}
UNARY = {gast.USub: operator.neg, gast.UAdd: operator.pos, gast.Not: operator.not_,
         gast.Invert: operator.invert}

_NONDIFF_KINDS = ("const", "nondiff")


class Op:
    """One normalized operation.

    kind: 'copy' (t = a), 'const', 'call' (a callable with a rule), 'nondiff'
    (a value that carries no derivative), 'pack' (tuple/list literal),
    'user' (a call to a user function, transformed recursively),
    'unknown' (no rule; an error if a derivative must flow through it).
    """
    __slots__ = ("kind", "func", "rule", "args", "keywords", "node", "what")

    def __init__(self, kind, node, func=None, rule=None, args=(), keywords=None, what=None):
        self.kind, self.node, self.func, self.rule = kind, node, func, rule
        self.args = list(args)
        self.keywords = dict(keywords or {})
        self.what = what

    @property
    def operands(self):
        return self.args + list(self.keywords.values())

    def reads(self):
        out = set()
        for a in self.operands:
            out |= names_read(a)
        return out if self.kind != "copy" else {self.node.id}


def _describe(func):
    from ..rules import qualified_name
    return qualified_name(func)


def _is_user_function(obj):
    if isinstance(obj, types.MethodType):
        obj = obj.__func__
    if not isinstance(obj, types.FunctionType):
        return False
    mod = getattr(obj, "__module__", "") or ""
    return not (mod.startswith("numpy") or mod.startswith("scipy"))


SEQUENCE_OPS = {operator.add: runtime.seq_add, operator.mul: runtime.seq_mul}
# the operations whose result is a list or tuple when an operand is one
SEQUENCE_ARITHMETIC = (operator.add, operator.mul) + tuple(SEQUENCE_OPS.values())


def sequence_names(body, classifier, seeds=()):
    """Names that may hold a list or tuple, where ``+`` joins and ``*`` repeats:
    literals, ``list()``/``tuple()``/``sorted()``, results of user functions,
    ``seeds`` (parameters given one), other names for them, their joins and
    repeats, and items of a list that holds lists (a list of arrays' items
    are arrays)."""
    out, holders = set(seeds), set()
    defs, loops = [], []
    for st in walk_stmts(body):
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
            defs.append((st.targets[0].id, classifier.classify(st.value)))
        elif isinstance(st, gast.For) and isinstance(st.iter, gast.Name):
            loops.append((names_stored(st.target), st.iter.id))

    def named(nodes, among):
        return {a.id for a in nodes if isinstance(a, gast.Name)} & among

    while True:
        size = len(out) + len(holders)
        for t, op in defs:
            if op.kind == "pack" and isinstance(op.node, (gast.List, gast.Tuple)):
                out.add(t)
                if named(op.args, out | holders):
                    holders.add(t)
            elif op.kind == "pack_dict" and named(op.args, out | holders):
                holders.add(t)
            elif op.kind == "user" or op.kind in ("call", "unknown", "nondiff") \
                    and op.func in (list, tuple, sorted):
                out.add(t)
            elif op.kind == "copy" and op.node.id in out | holders:
                out |= {t} if op.node.id in out else set()
                holders |= {t} if op.node.id in holders else set()
            elif op.kind == "call" and op.func in SEQUENCE_ARITHMETIC and named(op.args, out):
                out.add(t)
                if named(op.args, holders):
                    holders.add(t)
            elif (op.kind == "call" and op.func is operator.getitem or op.kind == "list_pop") \
                    and named(op.args[:1], holders):
                out.add(t)
                holders.add(t)
        for targets, it in loops:
            if it in holders:
                out |= targets
                holders |= targets
        if len(out) + len(holders) == size:
            return out


class Classifier:
    def __init__(self, fs, local_names, local_defs=None):
        self.fs = fs
        self.local_names = local_names
        self.local_defs = local_defs or {}
        self._cache = {}
        self.sequences = frozenset()

    def may_hold_sequences(self, names):
        """``a + b`` / ``a * b`` on one of ``names`` (which may be a list or tuple:
        joined or repeated) is ``runtime.seq_add`` / ``seq_mul``, whose rules
        follow sequences as well as arrays."""
        self.sequences = frozenset(names)
        self._cache.clear()

    def func_op(self, func_obj, node, args, keywords, what):
        rule = lookup(func_obj)
        if rule is not None:
            if rule.nondiff:
                return Op("nondiff", node, func_obj, rule, args, keywords, what)
            return Op("call", node, func_obj, rule, args, keywords, what)
        if _is_user_function(func_obj):
            return Op("user", node, func_obj, None, args, keywords, what)
        if isinstance(func_obj, type) and issubclass(func_obj, (BaseException,)):
            return Op("nondiff", node, func_obj, None, args, keywords, what)
        return Op("unknown", node, func_obj, None, args, keywords, what)

    def _mark_temporary(self, recv):
        """Note on ``recv`` (the receiver of a refused attribute or method) that it is
        a value the transform named, not one of the user's variables, so that the
        refusal says where it comes from rather than a made-up name."""
        if isinstance(recv, gast.Name) and not self.user_written(recv.id):
            anno.set(recv, "temporary", True)

    def user_written(self, name):
        """Is ``name`` (or the name it is a version of, ``y`` of ``y_2``) one the
        user's source spells, not a value the transform named (``eigh_G``)?"""
        names = getattr(self, "_user_names", None)
        if names is None:
            node = getattr(self.fs, "node", None)
            names = self._user_names = {n.id for n in gast.walk(node)
                                        if isinstance(n, gast.Name)} if node is not None \
                else set()
        return name in names or re.sub(r"_\d+$", "", name) in names

    def index_call(self, base):
        """The object of ``base[...]`` when that indexing is a call of its rule
        (``np.r_``, ``np.c_``: fixed, not callable, with a rule), else None."""
        try:
            obj = resolve_static(self.fs, base, self.local_names)
        except KeyError:
            return None
        rule = lookup(obj)
        return obj if rule is not None and not rule.nondiff and not callable(obj) else None

    def opaque_indexing(self, base):
        """Is ``base`` a fixed object (a global, a module attribute) that is not
        data (an array, a sequence, a mapping, a number) and has no rule?"""
        try:
            obj = resolve_static(self.fs, base, self.local_names)
        except KeyError:
            return False
        data = (np.ndarray, np.generic, list, tuple, dict, str, bytes, range, int, float, complex,
                types.ModuleType, type)
        return not isinstance(obj, data) and lookup(obj) is None \
            and not hasattr(obj, "__array__") and not hasattr(obj, "__array_function__")

    def classify(self, value):
        key = id(value)
        op = self._cache.get(key)
        if op is None:
            op = self._cache[key] = self._classify(value)
        return op

    def _classify(self, v):
        if isinstance(v, gast.Name):
            return Op("copy", v, args=[v])
        if isinstance(v, gast.Constant):
            return Op("const", v)
        if isinstance(v, gast.Attribute):
            try:
                resolve_static(self.fs, v, self.local_names)
                return Op("const", v)
            except KeyError:
                pass
            if v.attr in ATTRIBUTES:
                f = ATTRIBUTES[v.attr]
                if f is None:
                    return Op("nondiff", v, args=[v.value], what=f".{v.attr}")
                return self.func_op(f, v, [v.value], {}, f".{v.attr}")
            self._mark_temporary(v.value)
            return Op("unknown", v, args=[v.value], what=f"attribute .{v.attr}")
        if isinstance(v, gast.BinOp):
            f = BINOPS[type(v.op)]
            if f in SEQUENCE_OPS and any(isinstance(a, gast.Name) and a.id in self.sequences
                                         for a in (v.left, v.right)):
                f = SEQUENCE_OPS[f]
            return self.func_op(f, v, [v.left, v.right], {}, None)
        if isinstance(v, gast.UnaryOp):
            f = UNARY[type(v.op)]
            return self.func_op(f, v, [v.operand], {}, None)
        if isinstance(v, (gast.Compare, gast.BoolOp, gast.JoinedStr)):
            return Op("nondiff", v, args=[load(n) for n in sorted(names_read(v))])
        if isinstance(v, gast.Subscript):
            trick = self.index_call(v.value)
            if trick is not None:      # np.r_[key]: a call of np.r_'s rule on key
                return self.func_op(trick, v, [v.slice], {}, None)
            if self.opaque_indexing(v.value):
                # np.s_[x], np.mgrid[a:b], an object's __getitem__: the result may
                # depend on the key in ways no rule describes
                return Op("unknown", v, args=[load(n) for n in sorted(names_read(v.slice))],
                          what=f"indexing the object {_source_name(v.value)}")
            return self.func_op(operator.getitem, v, [v.value, v.slice], {}, "indexing")
        if isinstance(v, (gast.Tuple, gast.List)):
            return Op("pack", v, args=list(v.elts))
        if isinstance(v, gast.Dict) and all(k is not None for k in v.keys):
            return Op("pack_dict", v, args=list(v.values))
        if isinstance(v, gast.Call):
            return self.classify_call(v)
        # lambdas, comprehensions, sets, dicts: values that may hide a derivative
        return Op("unknown", v, args=[load(n) for n in sorted(names_read(v))],
                  what=type(v).__name__)

    def classify_call(self, v):
        keywords = {k.arg: k.value for k in v.keywords if k.arg is not None}
        if any(k.arg is None for k in v.keywords) or any(isinstance(a, gast.Starred) for a in v.args):
            return Op("unknown", v, args=[load(n) for n in sorted(names_read(v))],
                      what="a call with *args or **kwargs")
        func = v.func
        try:
            obj = resolve_static(self.fs, func, self.local_names)
        except KeyError:
            obj = None
            if isinstance(func, gast.Attribute):
                # a method of a value: x.sum(axis=0) -> np.sum(x, axis=0)
                recv, meth = func.value, func.attr
                if meth in METHODS:
                    npf, packs = METHODS[meth]
                    args = list(v.args)
                    if packs and len(args) > 1:
                        args = [gast.Tuple(elts=args, ctx=gast.Load())]
                    return self.func_op(npf, v, [recv] + args, keywords, f".{meth}()")
                if meth == "pop" and isinstance(recv, gast.Name) and not v.args:
                    return Op("list_pop", v, args=[recv], what=".pop()")
                if meth == "get" and 1 <= len(v.args) <= 2 and not keywords:
                    # d.get(key, default): the default when the key is missing
                    from ..runtime import dict_get
                    return self.func_op(dict_get, v, [recv] + list(v.args), {}, ".get()")
                if meth in ("items", "values") and not v.args and not keywords:
                    # d.items(), d.values(): lists of the dict's pairs / values
                    from ..runtime import dict_items, dict_values
                    f = dict_items if meth == "items" else dict_values
                    return self.func_op(f, v, [recv], {}, f".{meth}()")
                if meth in NONDIFF_METHODS:
                    return Op("nondiff", v, args=[recv] + list(v.args), keywords=keywords)
                self._mark_temporary(recv)
                return Op("unknown", v, args=[recv] + list(v.args), keywords=keywords,
                          what=f"method .{meth}()")
            if isinstance(func, gast.Name) and func.id in self.local_defs:
                return Op("user", v, self.local_defs[func.id], None, v.args, keywords)
            return Op("unknown", v, args=[func] + list(v.args), keywords=keywords,
                      what=f"a call of the local value {getattr(func, 'id', '?')!r}")
        if "out" in keywords and not (isinstance(keywords["out"], gast.Constant)
                                      and keywords["out"].value is None):
            return Op("unknown", v, None, None, v.args, keywords,
                      "a call with out= (it writes into its out argument)")
        return self.func_op(obj, v, v.args, keywords, None)


def unknown_refusal(op, name, decorator):
    """(message, hint, object_read) refusing the operation ``op`` that has no
    derivative rule: the hint fits what was refused (an attribute, a method, a
    call with *args, a local value called, a function); ``object_read``: an
    attribute or a method of a named value or a call of a named value, which
    an object or a function given as the argument may explain (records.py,
    values.py)."""
    what = op.what or ""
    node = op.node
    recv = node.value if isinstance(node, gast.Attribute) else \
        node.func.value if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
        else None
    object_read = isinstance(recv, gast.Name)
    of = "a value computed on this line" if anno.get(recv, "temporary", False) \
        else _source_name(recv)
    if what.startswith("attribute ."):
        return (f"no derivative rule for the {what} of {of}",
                "srcdiff differentiates attributes of arrays (.T, .real, .imag) and the "
                "fields, properties and class attributes of objects passed as arguments "
                "(NamedTuple, dataclass, an object with fields); pass the object as an "
                "argument, or give the value to the function as an argument", object_read)
    if what.startswith("method ."):
        return (f"no derivative rule for the {what} of {of}",
                "srcdiff differentiates ndarray methods (x.sum(), x.reshape(...)) and "
                "methods written in Python of objects passed as arguments (self.residuals(x)); "
                "call a function instead (np.sum(x), a function of your own)", object_read)
    if what == "a call with *args or **kwargs":
        return ("no derivative rule for a call with *args or **kwargs whose tuple or dict "
                "srcdiff cannot see",
                "write the arguments out (f(a, b)), or build the tuple or dict as a literal "
                "in the function", False)
    if what.startswith("a call of the local value"):
        # (a parameter: known to be a function when it is called with one)
        return (f"no derivative rule for {what}",
                "srcdiff calls functions it can name: module-level functions, nested defs, "
                "lambdas, functions passed as arguments, returned by a function it inlines, "
                "held in a tuple or dict literal read with a constant key or looped over "
                "(for act in (np.tanh, np.sin)); call the function by its name",
                isinstance(node, gast.Call) and isinstance(node.func, gast.Name))
    # getattr(p, "c"): an object argument's field (records.py), known at the call
    named_field = op.func is getattr and isinstance(node, gast.Call) and len(node.args) == 2 \
        and isinstance(node.args[0], gast.Name) and isinstance(node.args[1], gast.Constant) \
        and isinstance(node.args[1].value, str)
    return (f"no derivative rule for {name}",
            f"register one with @srcdiff.{decorator}({name}) "
            f"(or srcdiff.nondifferentiable({name}) if it has no derivative)", named_field)


def writes_arguments(op):
    """May the call ``op`` change one of its arguments in place, as np.copyto,
    np.put, np.add.at and any call with out= do? (NumPy functions without a
    rule, ufunc methods, out=.)"""
    if op.kind != "unknown":
        return False
    if "out" in op.keywords or isinstance(getattr(op.func, "__self__", None), np.ufunc):
        return True
    module = getattr(op.func, "__module__", None) or ""
    return module == "numpy" or module.startswith("numpy.")


def writing_call_refusal(op):
    """(message, hint) refusing a call that may write into an argument."""
    from ..rules import qualified_name
    name = op.what if op.what else qualified_name(op.func)
    return (f"{name} may change its arguments in place, and differentiated values take "
            "part in the call; srcdiff cannot follow that",
            "compute a new array instead (e.g. y = np.where(mask, v, y), y = x.copy())")


def _source_name(node):
    """``np.s_`` for the expression np.s_ (a name or an attribute chain)."""
    if isinstance(node, gast.Attribute):
        return f"{_source_name(node.value)}.{node.attr}"
    return getattr(node, "id", "?")


def mutated_receiver(value):
    """The name whose value ``value`` changes in place when it is a call of a
    mutating method (``lst.insert(0, v)``, ``x.sort()``), but not the plain
    ``lst.pop()`` that both modes follow; otherwise None."""
    from ..rules.methods import MUTATING_METHODS
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
            and isinstance(value.func.value, gast.Name) \
            and value.func.attr in MUTATING_METHODS \
            and not (value.func.attr == "pop" and not value.args and not value.keywords):
        return value.func.value.id
    return None


def resizing_call(node):
    """(L, method) when ``node`` is ``L.append(v)``, ``L.extend(vs)`` or ``L.pop()``:
    the calls that change a list's length and that both modes follow."""
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
            and isinstance(node.func.value, gast.Name) \
            and (node.func.attr in ("append", "extend")
                 or node.func.attr == "pop" and not node.args and not node.keywords):
        return node.func.value.id, node.func.attr
    return None


def mutating_call_refusal(meth):
    """(message, hint) refusing ``.meth()`` on a differentiated value."""
    return (f"the method call .{meth}() may change a differentiated value in place; "
            "srcdiff cannot follow that", "build a new value instead (e.g. y = y + v)")


def walk_stmts(stmts):
    """Every statement, nested blocks included, in program order."""
    for s in stmts:
        yield s
        for field in ("body", "orelse"):
            sub = getattr(s, field, None)
            if isinstance(sub, list) and not isinstance(s, gast.FunctionDef):
                yield from walk_stmts(sub)


def subscript_writes(stmts):
    """{name: the statements ``name[i] = v`` that write into it}, in program order."""
    out = {}
    for st in walk_stmts(stmts):
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Subscript) \
                and isinstance(st.targets[0].value, gast.Name):
            out.setdefault(st.targets[0].value.id, []).append(st)
    return out


def stmt_effects(s, classifier):
    """(names written, names whose values flow into them, differentiable?) of a statement."""
    if isinstance(s, gast.Assign):
        t = s.targets[0]
        if isinstance(t, gast.Name):
            op = classifier.classify(s.value)
            if op.kind in _NONDIFF_KINDS:
                return [t.id], set(), op
            return [t.id], op.reads(), op
        if isinstance(t, gast.Subscript):
            # y[i] = v: y's new value depends on v and on y's other elements
            return [t.value.id], names_read(s.value) | {t.value.id}, None
    if isinstance(s, gast.For):
        return [n for n in _target_names(s.target)], names_read(s.iter), None
    if isinstance(s, gast.Expr) and isinstance(s.value, gast.Call):
        op = classifier.classify(s.value)
        if writes_arguments(op):
            # np.copyto(y, x): every argument may be written with every other's values
            reads = op.reads()
            return sorted(reads), reads, op
        if isinstance(s.value.func, gast.Attribute) and isinstance(s.value.func.value, gast.Name):
            # a method that may mutate its receiver (lst.append(v))
            recv = s.value.func.value.id
            return [recv], op.reads(), op
        return [], op.reads(), op
    return [], set(), None


def _in_place(s):
    """Does statement ``s`` change a value in place (an item store, a method
    call on a name for its effect)?"""
    if isinstance(s, gast.Assign):
        return isinstance(s.targets[0], gast.Subscript)
    return isinstance(s, gast.Expr) and isinstance(s.value, gast.Call) \
        and isinstance(s.value.func, gast.Attribute) \
        and isinstance(s.value.func.value, gast.Name)


def _target_names(t):
    if isinstance(t, gast.Name):
        return [t.id]
    out = []
    for e in getattr(t, "elts", []):
        out += _target_names(e)
    return out


def sharing_groups(stmts):
    """name -> the names that may hold the same object or one inside it, as
    far as the bindings show (flow-insensitive): ``a = b``, ``a = b[k]``,
    ``a = b if c else d``, ``a = [b, ...]`` (and tuple or dict literals),
    ``for a in b``. A change in place through one of them may be seen through
    any other."""
    parent = {}

    def find(n):
        while parent.get(n, n) != n:
            parent[n] = parent.get(parent[n], parent[n])
            n = parent[n]
        return n

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb

    def sources(v):
        if isinstance(v, gast.Name):
            return [v.id]
        if isinstance(v, gast.Subscript):
            return sources(v.value)
        if isinstance(v, gast.IfExp):
            return sources(v.body) + sources(v.orelse)
        if isinstance(v, (gast.List, gast.Tuple)):
            return [n for e in v.elts for n in sources(e)]
        if isinstance(v, gast.Dict):
            return [n for e in v.values for n in sources(e)]
        if isinstance(v, gast.Starred):
            return sources(v.value)
        return []

    for st in walk_stmts(stmts):
        if isinstance(st, gast.Assign) and isinstance(st.targets[0], gast.Name):
            for n in sources(st.value):
                union(st.targets[0].id, n)
        elif isinstance(st, gast.For):
            for t in _target_names(st.target):
                for n in sources(st.iter):
                    union(t, n)
    groups = {}
    for n in list(parent):
        groups.setdefault(find(n), set()).add(n)
    return {n: groups[find(n)] for n in parent}


def activity(stmts, wrt, output_names, classifier, shares=None):
    """(varied, useful) name sets, by fixpoint over all statements (flow-insensitive).
    ``shares`` (sharing_groups): a value changed in place (``y[i] = v``,
    ``y.append(v)``) varies every name that may share it."""
    effects = []
    for s in walk_stmts(stmts):
        written, reads, op = stmt_effects(s, classifier)
        if shares and _in_place(s):
            written = sorted(set(written).union(*(shares.get(w, ()) for w in written)))
        effects.append((written, reads, op))
    varied = set(wrt)
    changed = True
    while changed:
        changed = False
        for written, reads, op in effects:
            if reads & varied:
                for w in written:
                    if w not in varied:
                        varied.add(w)
                        changed = True
    useful = set(output_names)
    changed = True
    while changed:
        changed = False
        for written, reads, op in reversed(effects):
            if any(w in useful for w in written):
                new = reads - useful
                if new:
                    useful |= new
                    changed = True
    return varied, useful


def recursion_helper(func):
    """Is ``func`` one of the calls generated code makes for a recursive call
    (``call_fwd`` / ``call_bwd``, registered by srcdiff.api: the callee's own
    generated functions)?"""
    return any(func is transforms.get(name) for name in ("call_fwd", "call_bwd"))
