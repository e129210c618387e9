"""The rule table: one entry per callable, holding its derivative rules.

A reverse rule (VJP) has the signature of the function it differentiates,
with two extra leading parameters: the output cotangent ``g`` and the
primal output ``ans``::

    @vjp_rule(np.multiply)
    def multiply(g, ans, x, y):
        return unbroadcast(g * y, x), unbroadcast(g * x, y)

It returns one cotangent per positional parameter (``None`` for one that
is not differentiable; a short tuple leaves the rest ``None``; a bare
value is the cotangent of the first parameter). The transformer reads the
form from the rule's source: a tuple literal, or a conditional expression
between tuple literals, is per parameter; any other returned expression is
the first parameter's cotangent, even when its value is a tuple (write
``cts = helper(...); return cts[0], cts[1]``). A rule with ``*args``
returns the tuple of every positional argument's cotangent as one
expression.

A forward rule (JVP) has the signature of the function, with a leading
``ans`` and one keyword-only tangent ``d<name>`` per differentiable
parameter::

    @jvp_rule(np.multiply)
    def multiply(ans, x, y, *, dx, dy):
        return dx * y + x * dy

The source transformer inlines a rule's body into generated code as
readable statements (substituting the call's names, dropping terms whose
tangent is zero); the Tensor shim calls the very same function at run
time. Rules are therefore written in plain, differentiable Python/NumPy,
so that generated derivatives can be differentiated again.
"""
import inspect

from ..errors import SrcdiffError

__all__ = [
    "Rule", "vjp_rule", "jvp_rule", "nondifferentiable", "lookup", "all_rules",
    "qualified_name", "register_linear",
]

_RULES = {}


def _key(func):
    try:
        hash(func)
        return func
    except TypeError:
        return ("id", id(func))


class Rule:
    """What srcdiff knows about one callable."""

    __slots__ = ("func", "name", "vjp", "jvp", "nondiff", "linear", "_templates")

    def __init__(self, func, name=None):
        self.func = func
        self.name = name or qualified_name(func)
        self.vjp = None
        self.jvp = None
        self.nondiff = False
        # positions of arguments in which func is linear: f(.., 0, ..) == 0
        self.linear = ()
        self._templates = {}

    @property
    def kinds(self):
        if self.nondiff:
            return "nondifferentiable"
        return " ".join(k for k, v in (("vjp", self.vjp), ("jvp", self.jvp)) if v)

    def __repr__(self):
        return f"<Rule {self.name}: {self.kinds}>"


def qualified_name(func):
    """A stable dotted name for a callable, e.g. ``numpy.sin``, ``numpy.linalg.inv``."""
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func)
    module = getattr(func, "__module__", None)
    owner = getattr(func, "__self__", None)
    if owner is not None and type(owner).__name__ == "ufunc":     # np.maximum.accumulate
        return f"{qualified_name(owner)}.{func.__name__}"
    if module is None:
        import numpy as np
        if isinstance(func, np.ufunc):
            # (SciPy's ufuncs, scipy.special.hyp2f1, have no module either)
            import sys
            special = sys.modules.get("scipy.special")
            fname = getattr(func, "__name__", None)
            module = "scipy.special" if fname and getattr(np, fname, None) is not func \
                and special is not None and getattr(special, fname, None) is func else "numpy"
    if module in ("numpy.core.umath", "numpy._core.umath", "numpy.core.multiarray",
                  "numpy._core.multiarray", "numpy.core.fromnumeric", "numpy._core.fromnumeric",
                  "numpy.core.numeric", "numpy._core.numeric"):
        module = "numpy"
    if module == "_operator":
        module = "operator"
    instance = _public_instance(func)
    if instance:
        return f"{instance}.{getattr(func, '__name__', name)}"
    if module and "._" in module:
        module = _public_module(module, name, func)
    return f"{module}.{name}" if module else name


def _public_instance(func):
    """``scipy.stats.norm`` for a method bound to that instance (the methods
    of SciPy's distributions are bound to the public objects; a multivariate
    one, which has no ``name``, is named after its class), else None."""
    import sys
    owner = getattr(func, "__self__", None)
    public = (getattr(type(owner), "__module__", "") or "").split("._")[0]
    label = getattr(owner, "name", None)
    if owner is not None and not isinstance(label, str):      # multivariate_normal_gen -> multivariate_normal
        label = type(owner).__name__.removesuffix("_gen")
    if owner is None or not isinstance(label, str) or public not in sys.modules:
        return None
    return f"{public}.{label}" if getattr(sys.modules[public], label, None) is owner else None


def _public_module(module, name, func):
    """The public module that exports ``func`` (``scipy.special`` for
    ``scipy.special._basic``), else ``module`` itself."""
    import sys
    public = module.split("._")[0]
    obj = sys.modules.get(public)
    for part in name.split("."):
        obj = getattr(obj, part, None)
    return public if obj is not None and (obj is func or obj == func) else module


def _entry(func):
    k = _key(func)
    rule = _RULES.get(k)
    if rule is None:
        rule = _RULES[k] = Rule(func)
    return rule


def _register(kind, funcs):
    if not funcs:
        raise TypeError(f"{kind}_rule needs the callable(s) the rule differentiates")

    def register(rule_fn):
        for func in funcs:
            entry = _entry(func)
            setattr(entry, kind, rule_fn)
            entry.nondiff = False
            entry._templates.pop(kind, None)
        if kind == "vjp":
            rule_fn.srcdiff_vjp_of = funcs    # (templates: a rule returning another rule's tuple)
        return rule_fn
    return register


def vjp_rule(*funcs):
    """Decorator: register the reverse-mode rule of ``func`` (or of several
    callables that share one rule, e.g. ``np.add`` and ``operator.add``)."""
    return _register("vjp", funcs)


def jvp_rule(*funcs):
    """Decorator: register the forward-mode rule of ``func`` (or several)."""
    return _register("jvp", funcs)


def nondifferentiable(*funcs):
    """Mark callables as having no derivative: their outputs are constants.

    Usable as ``nondifferentiable(f, g)`` or as a bare decorator.
    """
    for func in funcs:
        entry = _entry(func)
        entry.nondiff = True
        entry.vjp = entry.jvp = None
    return funcs[0] if len(funcs) == 1 else None


def register_linear(positions, *funcs):
    """Declare each of ``funcs`` linear in the arguments at ``positions``:
    a zero there makes the result zero (used to drop zero tangent terms)."""
    for func in funcs:
        _entry(func).linear = tuple(positions)


def lookup(func):
    """The Rule of ``func``, or None."""
    try:
        return _RULES.get(_key(func))
    except TypeError:
        return None


def all_rules():
    """Every registered rule, sorted by qualified name."""
    return sorted(_RULES.values(), key=lambda r: r.name)


def vjp_params(rule):
    """Names of the differentiable (positional) parameters of a VJP rule."""
    sig = inspect.signature(rule.vjp)
    params = [p.name for p in sig.parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return params[2:]


def check_rule_result(rule, result, nargs):
    """Normalise a VJP rule's return value to a tuple of length ``nargs``."""
    if not isinstance(result, tuple):
        result = (result,)
    while len(result) > nargs and result[-1] is None:
        result = result[:-1]
    if len(result) > nargs and vjp_params(rule) and len(result) <= len(vjp_params(rule)):
        result = result[:nargs]   # cotangents of parameters the call left at their defaults
    if len(result) > nargs:
        raise SrcdiffError(f"the vjp rule of {rule.name} returned {len(result)} "
                           f"cotangents for {nargs} arguments")
    return result + (None,) * (nargs - len(result))
