"""Deterministic fresh names derived from the user's names."""
import builtins

import gast

from ..ir.syntax import walk, walk_fielded


class NameGen:
    """Hands out names that collide with nothing the function already uses."""

    def __init__(self, taken=()):
        self.taken = set(taken)
        self.counters = {}
        self.origin = {}        # base_k -> base: what the name was made from
        self.log = None         # a list: each name handed out or reserved is noted in it

    def user_name(self, name):
        """The name ``name`` was made from (``y_2`` -> ``y``): what the user wrote,
        for messages."""
        while name in self.origin:
            name = self.origin[name]
        return name

    def copy(self):
        """An independent NameGen that has handed out the same names."""
        new = NameGen(self.taken)
        new.counters = dict(self.counters)
        new.origin = dict(self.origin)
        return new

    def reserve(self, name):
        if self.log is not None:
            self.log.append(("reserve", name, name))
        self.taken.add(name)

    def fresh(self, base):
        base = base.strip("_") or "t"
        name = self._fresh(base)
        if self.log is not None:
            self.log.append(("fresh", base, name))
        return name

    def _fresh(self, base):
        # (never a builtin's name: generated code calls slice(), tuple(), ...)
        if base not in self.taken and base not in _KEYWORDS and base not in _BUILTINS:
            self.taken.add(base)
            return base
        k = self.counters.get(base, 0)
        while True:
            k += 1
            name = f"{base}_{k}"
            if name not in self.taken:
                self.counters[base] = k
                self.taken.add(name)
                self.origin[name] = base
                return name

    def replay(self, log, skipped):
        """Make again the names ``log`` notes (but those in ``skipped``) if this
        NameGen, as it is, hands out each one the log says; else change nothing.
        Did it?"""
        trial = self.copy()
        for kind, base, name in log:
            if name in skipped:
                continue
            if kind == "reserve":
                trial.taken.add(name)
            elif trial._fresh(base) != name:
                return False
        self.taken, self.counters, self.origin = trial.taken, trial.counters, trial.origin
        return True

    def adjoint(self, name):
        """``x`` -> ``dx``; a fresh variant when ``dx`` is taken."""
        return self.fresh("d" + name if not name.startswith("_") else "d" + name.lstrip("_"))


# words for the temporaries named after the operation that makes them
_OP_WORDS = {gast.Add: "sum", gast.Sub: "diff", gast.Mult: "prod", gast.Div: "quot",
             gast.FloorDiv: "floordiv", gast.Mod: "mod", gast.Pow: "pow",
             gast.MatMult: "matmul", gast.USub: "neg", gast.UAdd: "pos", gast.Not: "not",
             gast.Invert: "inv", gast.BitAnd: "and", gast.BitOr: "or", gast.BitXor: "xor",
             gast.LShift: "lshift", gast.RShift: "rshift"}
_LONGEST_PART = 12      # a longer operand name is left out of a temporary's name


def expr_name(node, user_name=lambda n: n, is_static=lambda n: False):
    """A name for a temporary holding ``node``'s value, made from the operation
    and its first named operand: ``np.tanh(x)`` -> ``tanh_x``, ``y * y`` ->
    ``sq_y``, ``a / b`` -> ``quot_a``, ``x[1:]`` -> ``x_slice``, ``w.sum()`` ->
    ``sum_w``. ``user_name`` maps a version the transform made (``y_2``) to the
    user's name (``y``); ``is_static(node)`` says a name is a module or another
    fixed object (``np`` in ``np.ones(3)`` names nothing)."""
    def part(e):
        if isinstance(e, gast.Name):
            n = user_name(e.id).strip("_")
            return n if n and len(n) <= _LONGEST_PART else None
        return None

    def joined(word, *operands):
        named = [p for p in map(part, operands) if p]
        return f"{word}_{named[0]}" if named else word

    if isinstance(node, gast.Call):
        func = node.func
        if isinstance(func, gast.Attribute):
            word = func.attr
            if isinstance(func.value, gast.Name) and part(func.value) \
                    and not is_static(func.value) and not (node.args and part(node.args[0])):
                return joined(word, func.value)       # w.sum() -> sum_w
        else:
            word = func.id if isinstance(func, gast.Name) else "call"
        return joined(word, *node.args[:1])
    if isinstance(node, gast.BinOp):
        if isinstance(node.op, gast.Mult) and isinstance(node.left, gast.Name) \
                and isinstance(node.right, gast.Name) and node.left.id == node.right.id:
            return joined("sq", node.left)
        return joined(_OP_WORDS.get(type(node.op), "op"), node.left, node.right)
    if isinstance(node, gast.UnaryOp):
        return joined(_OP_WORDS.get(type(node.op), "op"), node.operand)
    if isinstance(node, gast.Compare):
        return joined("cond", node.left)
    if isinstance(node, gast.Subscript):
        kind = "slice" if any(isinstance(n, gast.Slice) for n in walk(node.slice)) \
            else "item"
        base = part(node.value)
        return f"{base}_{kind}" if base else kind
    if isinstance(node, gast.Attribute):
        base = part(node.value)
        return f"{base}_{node.attr}" if base else node.attr
    if isinstance(node, (gast.Tuple, gast.List)):
        return "items"
    if isinstance(node, gast.Dict):
        return "entries"
    return "value"


_KEYWORDS = {"lambda", "def", "class", "return", "if", "else", "for", "while", "in", "is",
             "not", "and", "or", "None", "True", "False", "pass", "break", "continue",
             "import", "from", "as", "with", "yield", "try", "except", "finally", "raise",
             "global", "nonlocal", "del", "assert", "async", "await", "elif"}
_BUILTINS = frozenset(dir(builtins))


def all_names(node):
    """Every identifier a tree mentions (names, parameters, attributes' bases)."""
    out = set()
    for n in walk_fielded(node):
        if isinstance(n, gast.Name):
            out.add(n.id)
        elif isinstance(n, (gast.FunctionDef, gast.ClassDef)):
            out.add(n.name)
    return out
