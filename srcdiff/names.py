"""Deterministic fresh names derived from the user's names."""
import gast


class NameGen:
    """Hands out names that collide with nothing the function already uses."""

    def __init__(self, taken=()):
        self.taken = set(taken)
        self.counters = {}
        self.origin = {}        # base_k -> base: what the name was made from

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
        self.taken.add(name)

    def fresh(self, base):
        base = base.strip("_") or "t"
        if base not in self.taken and base not in _KEYWORDS:
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

    def adjoint(self, name):
        """``x`` -> ``dx``; a fresh variant when ``dx`` is taken."""
        return self.fresh("d" + name if not name.startswith("_") else "d" + name.lstrip("_"))


_KEYWORDS = {"lambda", "def", "class", "return", "if", "else", "for", "while", "in", "is",
             "not", "and", "or", "None", "True", "False", "pass", "break", "continue",
             "import", "from", "as", "with", "yield", "try", "except", "finally", "raise",
             "global", "nonlocal", "del", "assert", "async", "await", "elif"}


def all_names(node):
    """Every identifier a tree mentions (names, parameters, attributes' bases)."""
    out = set()
    for n in gast.walk(node):
        if isinstance(n, gast.Name):
            out.add(n.id)
        elif isinstance(n, (gast.FunctionDef, gast.ClassDef)):
            out.add(n.name)
    return out
