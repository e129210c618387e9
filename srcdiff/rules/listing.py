"""Listings of the rule table: ``python -m srcdiff rules`` and the README's
coverage table (generated from the table, never typed by hand)."""
from . import all_rules

_HELPER_MODULES = ("srcdiff.",)


def display_name(rule):
    """The rule's qualified name, with ufuncs from scipy.special named as such
    (a ufunc carries no module, so the registry calls every ufunc numpy.*)."""
    name = rule.name
    if name.startswith("numpy.") and name.count(".") == 1:
        import numpy as np
        short = name.split(".", 1)[1]
        if getattr(np, short, None) is not rule.func:
            try:
                from scipy import special
                if getattr(special, short, None) is rule.func:
                    return "scipy.special." + short
            except ImportError:  # pragma: no cover
                pass
    return name


_BUILTIN_TABLE = ("numpy", "math", "builtins", "operator", "scipy")


def _public(rule):
    """Rules of the built-in table for callables users call (not srcdiff's own
    runtime helpers, nor rules a program registered, such as Function subclasses)."""
    return not rule.name.startswith(_HELPER_MODULES) and rule.name.split(".")[0] in _BUILTIN_TABLE


def rules_table(include_helpers=False):
    """One line per registered callable: its qualified name and ``vjp jvp``
    (or which of them it has), or ``nondifferentiable``."""
    rules = [r for r in all_rules() if include_helpers or _public(r)]
    names = [display_name(r) for r in rules]
    width = max((len(n) for n in names), default=0)
    return sorted(f"{n:<{width}}  {r.kinds or '(no rule)'}" for n, r in zip(names, rules))


def _group(name):
    parts = name.split(".")
    if parts[0] == "numpy":
        if len(parts) > 2 and parts[1] in ("linalg", "fft", "random"):
            return "numpy." + parts[1]
        return "numpy"
    if parts[0] == "scipy":
        return "scipy." + parts[1] if len(parts) > 2 else "scipy"
    return parts[0]


# Rules whose second derivatives srcdiff refuses (SrcdiffError, never a number),
# with the calls concerned; tests/test_sweep.py checks that each one refuses.
FIRST_ORDER_ONLY = (
    ("numpy.linalg.multi_dot", "every call"),
    ("numpy.linalg.norm", "a matrix norm with ord 2 or -2"),
    ("numpy.linalg.matrix_norm", "ord 2 or -2"),
    ("scipy.linalg.norm", "a matrix norm with ord 2 or -2"),
    ("scipy.integrate.odeint", "every call"),
    ("scipy.integrate.solve_ivp", "every call"),
)


def first_order_only_markdown():
    """The README's list of the rules whose second derivatives are refused."""
    return "\n".join(f"- `{name}`: {calls}" for name, calls in FIRST_ORDER_ONLY) + "\n"


def coverage_markdown():
    """A Markdown coverage table grouped by module: the callables with both
    rules, and the non-differentiable ones."""
    groups = {}
    for r in all_rules():
        if not _public(r):
            continue
        name = display_name(r)
        g = groups.setdefault(_group(name), {"both": [], "partial": [], "nondiff": []})
        short = (name[len("numpy."):] if name.startswith("numpy.") and hasattr(getattr(r.func, "__self__", None), "nout")
                 else name[len("numpy.random."):] if name.startswith("numpy.random")
                 else name[len("scipy.stats."):] if name.startswith("scipy.stats.") else name.split(".")[-1])
        if r.nondiff:
            g["nondiff"].append(short)
        elif r.vjp and r.jvp:
            g["both"].append(short)
        else:
            g["partial"].append(f"{short} ({r.kinds})")
    total = sum(len(g["both"]) for g in groups.values())
    lines = [f"srcdiff has reverse (vjp) and forward (jvp) rules for **{total}** callables.", "",
             "| module | vjp + jvp | only one rule | non-differentiable (constant outputs) |",
             "| --- | --- | --- | --- |"]
    for mod in sorted(groups):
        g = groups[mod]
        lines.append(f"| `{mod}` ({len(g['both'])}) | {', '.join(sorted(set(g['both']))) or '-'} "
                     f"| {', '.join(sorted(set(g['partial']))) or '-'} "
                     f"| {', '.join(sorted(set(g['nondiff']))) or '-'} |")
    return "\n".join(lines) + "\n"
