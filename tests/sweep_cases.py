"""The sweep's cases: for each differentiable entry of the rule table, a user
function in a real .py file that calls the callable the way a user writes it.

Inputs come from tests/rule_specs.py (its Case objects). For a case

    Case(np.linalg.eigh, A)

the sweep writes and imports two functions::

    def out(x0):                 # the call itself (checked by vjp and jvp)
        return np.linalg.eigh(x0)

    def loss(x0):                # a scalar of it (grad and the second order)
        o0, o1 = np.linalg.eigh(x0)
        return np.sum(o0 * u0 + o0 * o0 * w0) + np.sum(o1 * u1 + o1 * o1 * w1)

Differentiated arguments become parameters ``x0, x1, ...`` (the items of a
list argument each become one), other arguments are written as literals or
read from module constants ``c0, c1, ...``; ``u*`` and ``w*`` are fixed
random weights. Complex outputs enter the loss through ``np.real``.
"""
import builtins
import math
import operator
import re
import warnings

import numpy as np
import scipy.integrate
import scipy.linalg
import scipy.signal
import scipy.stats
from scipy import special

from rule_specs import SPECS
from numeric import load_function
from srcdiff.api.check import _is_float_leaf, flatten, leaves
from srcdiff.rules import all_rules
from srcdiff.rules.listing import display_name

_MODULES = (("np", np), ("np.linalg", np.linalg), ("np.fft", np.fft),
            ("scipy.special", special), ("scipy.integrate", scipy.integrate),
            ("scipy.linalg", scipy.linalg), ("scipy.signal", scipy.signal), ("math", math),
            ("np.lib.stride_tricks", np.lib.stride_tricks), ("", builtins))

# operators as users write them: the arguments' sources fill the braces
OPERATORS = {operator.add: "{0} + {1}", operator.sub: "{0} - {1}", operator.mul: "{0} * {1}",
             operator.truediv: "{0} / {1}", operator.pow: "{0} ** {1}", operator.mod: "{0} % {1}",
             operator.matmul: "{0} @ {1}", operator.neg: "-{0}", operator.pos: "+{0}",
             operator.getitem: "{0}[{1}]"}


def public_rules():
    """The differentiable entries of the rule table that users call (not
    srcdiff's own runtime helpers)."""
    return [r for r in all_rules()
            if not r.nondiff and (r.vjp or r.jvp) and not r.name.startswith("srcdiff.")
            and display_name(r).split(".")[0] in ("numpy", "scipy", "math", "builtins", "operator")]


def spelling(func):
    """How a user names ``func`` in source: ``np.sin``, ``scipy.special.erf``, ``abs``."""
    name = getattr(func, "__name__", None)
    owner = getattr(func, "__self__", None)
    if isinstance(owner, np.ufunc):
        return f"{spelling(owner)}.{name}"       # a ufunc's method: np.maximum.accumulate
    label = getattr(owner, "name", None) or type(owner).__name__.removesuffix("_gen")
    if owner is not None and getattr(scipy.stats, label, None) is owner:
        return f"scipy.stats.{label}.{name}"     # a distribution's method
    for prefix, mod in _MODULES:
        if name and getattr(mod, name, None) is func:
            return f"{prefix}.{name}" if prefix else name
    for prefix, mod in _MODULES:
        for attr in dir(mod):
            if not attr.startswith("_") and getattr(mod, attr, None) is func:
                return f"{prefix}.{attr}" if prefix else attr
    raise LookupError(f"no public spelling of {func!r}")


# ----------------------------------------------------------------------------
# writing arguments as source
# ----------------------------------------------------------------------------

class Writer:
    """Collects the parameters and module constants of one generated function."""

    def __init__(self):
        self.params = []      # (name, value)
        self.consts = {}      # name -> value

    def param(self, value):
        name = f"x{len(self.params)}"
        self.params.append((name, value))
        return name

    def const(self, value):
        name = f"c{len(self.consts)}"
        self.consts[name] = value
        return name

    def differentiated(self, value):
        """A differentiated argument: a parameter, or a literal list/tuple of them."""
        if isinstance(value, (list, tuple)):
            items = [self.differentiated(v) for v in value]
            return _sequence_source(value, items)
        if _is_float_leaf(value):
            return self.param(value)
        return self.constant(value)

    def constant(self, value):
        """A literal when one reads back exactly, else a module constant."""
        text = literal(value)
        return text if text is not None else self.const(value)

    def index(self, value):
        """The source inside ``x[...]``."""
        if isinstance(value, tuple):
            return ", ".join(self.index(v) for v in value) or "()"
        if isinstance(value, slice):
            parts = ["" if p is None else self.constant(p) for p in (value.start, value.stop, value.step)]
            return ":".join(parts[:2]) + (f":{parts[2]}" if parts[2] else "")
        return self.constant(value)


def _sequence_source(value, items):
    if isinstance(value, list):
        return "[" + ", ".join(items) + "]"
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def literal(value):
    """Source text that evaluates to ``value``, or None."""
    if value is None or isinstance(value, (bool, str)):
        return repr(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return repr(int(value))
    if isinstance(value, float) and type(value) is float:
        if math.isinf(value):
            return "np.inf" if value > 0 else "-np.inf"
        return repr(value)
    if isinstance(value, (list, tuple)):
        items = [literal(v) for v in value]
        return None if None in items else _sequence_source(value, items)
    if isinstance(value, type):
        if value.__module__ == "numpy":
            return "np." + value.__name__
        if value.__module__ == "builtins":
            return value.__name__
    return None


# ----------------------------------------------------------------------------
# one sweep case
# ----------------------------------------------------------------------------

# a complex case makes every parameter complex; a mixed one only the last (a
# real and a complex array of one shape, the complex one last: code that needs only a shape must not
# take the real one's dtype for the complex one's cotangent)
_SUFFIX = {"real": "", "complex": "c", "mixed": "m", "keywords": "k"}


class SweepCase:
    """A rule's callable applied to one input, as two generated functions."""

    def __init__(self, rule, case, index, kind="real"):
        self.rule, self.case, self.kind = rule, case, kind
        self.id = f"{display_name(rule)}[{index}{_SUFFIX[kind]}]"
        self.second = not case.only_vjp
        self.rtol, self.atol, self.eps = case.rtol, case.atol, case.eps
        self._built = None

    def __repr__(self):
        return f"{self.id} {self.case!r}"

    @property
    def name(self):
        return display_name(self.rule)

    def build(self):
        """(out, loss, params): the two imported functions and the parameter values."""
        if self._built is None:
            self._built = _build(self)
        return self._built


def _wrt(case):
    if case.wrt is not None:
        return case.wrt
    return tuple(i for i, a in enumerate(case.args) if any(_is_float_leaf(x) for x in leaves(a)))


def call_source(case, writer, by_keyword=False):
    """The source of the call, e.g. ``np.sum(x0, axis=1)``; ``by_keyword``: every
    argument after the first that the callable takes by name is passed by name."""
    wrt = _wrt(case)
    if case.func is np.r_ or case.func is np.c_:   # np.r_[a, b]: the key is the one argument
        key = case.args[0] if isinstance(case.args[0], tuple) else (case.args[0],)
        items = [writer.differentiated(k) if 0 in wrt else writer.constant(k) for k in key]
        return f"{spelling(case.func)}[{', '.join(items)}]"
    args = [writer.differentiated(a) if i in wrt else writer.constant(a)
            for i, a in enumerate(case.args)]
    if case.func is operator.getitem:
        return f"{args[0]}[{writer.index(case.args[1])}]"
    if case.func in OPERATORS:
        return OPERATORS[case.func].format(*args)
    if by_keyword:
        names = keyword_names(case)
        args = args[:1] + [f"{n}={a}" if n else a for n, a in zip(names, args[1:])]
        # (a positional argument after a keyword one is a syntax error: names end the run)
        assert all(n for n in names[:len([n for n in names if n])]), names
    args += [f"{k}={writer.constant(v)}" for k, v in case.kwargs.items()]
    return f"{spelling(case.func)}({', '.join(args)})"


def keyword_names(case):
    """The names the callable takes ``case``'s second, third, ... positional
    arguments by (None where it takes one only by position; after the first None,
    all None), or None when its signature cannot be read."""
    import inspect
    try:
        params = list(inspect.signature(case.func).parameters.values())
    except (TypeError, ValueError):
        return None
    names, ok = [], True
    for i in range(1, len(case.args)):
        p = params[i] if i < len(params) else None
        ok = ok and p is not None and p.kind == p.POSITIONAL_OR_KEYWORD
        names.append(p.name if ok else None)
    return names


def _outputs(value):
    """The output's items when it is a tuple, list or iterator, else None."""
    if isinstance(value, (tuple, list)):
        return list(value)
    if not isinstance(value, np.ndarray) and hasattr(value, "__next__"):
        return list(value)
    return None


_rng = np.random.default_rng(4321)   # (each case's build seeds its own: see _build)


def _seed(sc):
    """The seed of ``sc``'s weights and imaginary parts: from its id, so that a
    case's inputs do not depend on which cases a test process built before it
    (pytest-xdist shares them out differently as tests come and go)."""
    import zlib
    return zlib.crc32(sc.id.encode())


def _weight(x):
    """A fixed random weight shaped like the output item ``x``."""
    shape = np.shape(x)
    u = _rng.uniform(0.5, 1.5, shape) * _rng.choice([-1.0, 1.0], shape)
    if np.iscomplexobj(x):
        u = u + 1j * _rng.uniform(-1.0, 1.0, shape)
    return u


def _term(name, value, weights, k):
    """The loss term of one output item: ``np.sum(o * u + o * o * w)`` (real part);
    an item that is a tuple or list (enumerate's pairs) gives a term per item."""
    if isinstance(value, (tuple, list)):
        parts = [_term(f"{name}[{j}]", v, weights, f"{k}_{j}") for j, v in enumerate(value)]
        return " + ".join(p for p in parts if p) or None
    if not _is_float_leaf(value):
        return None
    weights[f"u{k}"], weights[f"w{k}"] = _weight(value), 0.5 * _weight(value)
    body = f"{name} * u{k} + {name} * {name} * w{k}"
    if np.iscomplexobj(value):
        return f"np.sum(np.real({body}))"
    return f"np.sum({body})"


def _build(sc):
    global _rng
    _rng = np.random.default_rng(_seed(sc))
    case = sc.case
    writer = Writer()
    call = call_source(case, writer, by_keyword=sc.kind == "keywords")
    unused = [n for n, _ in writer.params if not re.search(rf"\b{n}\b", call)]
    assert not unused, f"{call}: parameters {unused} unused"
    params = [v for _, v in writer.params]
    if sc.kind == "complex":
        params = complexify(params)
    elif sc.kind == "mixed":
        params = params[:-1] + complexify(params[-1:])
    names = ", ".join(n for n, _ in writer.params)
    value = evaluate(call, writer, params)
    if type(value).__name__ == "OdeResult":     # solve_ivp's result: read by attribute
        call, value = f"({call}).y", value["y"]
    items = _outputs(value)
    weights = {}
    if items is None:
        terms = [_term("o", value, weights, 0)]
        unpack = "o"
        out_body = f"return {call}"
    else:
        outs = [f"o{k}" for k in range(len(items))]
        terms = [_term(o, v, weights, k) for k, (o, v) in enumerate(zip(outs, items))]
        unpack = ", ".join(outs) + ("," if len(outs) == 1 else "")
        out_body = (f"return {call}" if not isinstance(value, _Unpacked)
                    else f"{unpack} = {call}\n    return {', '.join(outs)},")
    terms = [t for t in terms if t]
    header = ("import operator\nimport scipy.integrate\nimport scipy.linalg\nimport scipy.signal\n"
              "import scipy.special\nimport scipy.stats\n")
    out_src = f"{header}\ndef out({names}):\n    {out_body}\n"
    loss_src = f"{header}\ndef loss({names}):\n    {unpack} = {call}\n    return {' + '.join(terms)}\n"
    out = load_function(out_src, "out", **writer.consts)
    loss = load_function(loss_src, "loss", **writer.consts, **weights)
    return out, loss, params


def evaluate(call, writer, params):
    """Run the call itself (the loss is shaped after its output); warnings are
    errors, so that a complex input whose imaginary part is discarded is refused."""
    import scipy
    names = ", ".join(n for n, _ in writer.params)
    f = eval(f"lambda {names}: {call}", {"np": np, "math": math, "operator": operator,
                                         "scipy": scipy, **writer.consts})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", DeprecationWarning)   # np.row_stack (an alias NumPy deprecates)
        value = f(*params)
    if not isinstance(value, (np.ndarray, tuple, list)) and hasattr(value, "__next__"):
        value = _Unpacked(value)   # an iterator: the functions unpack it
    if not all(np.all(np.isfinite(x)) for x in leaves(_outputs(value) or value) if _is_float_leaf(x)):
        raise ValueError(f"{call} is not finite here")
    return value


class _Unpacked(list):
    """The items of an iterator a call returned."""


def complexify(params):
    """Each parameter with a small random imaginary part added."""
    out = []
    for p in params:
        im = 0.3 * _rng.uniform(-1.0, 1.0, np.shape(p))
        if isinstance(p, float):
            out.append(complex(p, float(im)))
        else:
            out.append(np.asarray(p) + 1j * im)
    return out


# Callables whose complex outputs are not continuous in their inputs: np.unique_values
# returns complex values in hash order, which a small change reorders.
NO_COMPLEX_CASE = {np.unique_values}
# solve_ivp's derivative refuses complex states (tests/test_integrate.py).
NO_COMPLEX_CASE |= {scipy.integrate.solve_ivp}
# scipy.stats densities refuse complex data (tests/test_stats.py checks it).
NO_COMPLEX_CASE |= {getattr(getattr(scipy.stats, d), m)
                    for d in ("norm", "logistic", "laplace", "cauchy", "expon", "t", "gamma", "beta", "chi2", "lognorm")
                    for m in ("pdf", "logpdf", "cdf", "sf", "logcdf", "logsf")}
NO_COMPLEX_CASE |= {getattr(getattr(scipy.stats, d), m) for d in ("poisson", "binom", "nbinom", "geom")
                    for m in ("pmf", "logpmf", "cdf", "sf")}
NO_COMPLEX_CASE |= {scipy.stats.multivariate_normal.logpdf, scipy.stats.multivariate_normal.pdf,
                    scipy.stats.multivariate_normal.entropy,
                    scipy.stats.dirichlet.logpdf, scipy.stats.dirichlet.pdf}


def _accepts_complex(sc):
    """Whether the callable computes a finite value on complex inputs without a
    warning (a discarded imaginary part warns)."""
    if sc.case.func in NO_COMPLEX_CASE:
        return False
    try:
        sc.build()
    except (TypeError, ValueError, RuntimeWarning, np.exceptions.ComplexWarning, np.linalg.LinAlgError,
            AttributeError, NotImplementedError):
        return False
    return True


# ----------------------------------------------------------------------------
# choosing the cases
# ----------------------------------------------------------------------------

def _usable(case):
    return not case.only_vjp and _wrt(case)


def _rank(case):
    """Prefer arrays with more than one element (scalars make weak checks)."""
    return -max((np.size(x) for x in leaves(case.args) if _is_float_leaf(x)), default=0)


def chosen(cases, per_rule=2):
    """A few of a rule's spec cases: the first with an array input, and the
    spec's last (where the specs put options and special inputs)."""
    usable = [c for c in cases if _usable(c)]
    if not usable:
        return []
    first = next((c for c in usable if _rank(c) < -1), usable[0])
    picks = [first]
    if per_rule > 1 and usable[-1] is not first:
        picks.append(usable[-1])
    return picks


def sweep_cases():
    """Every SweepCase, real and complex, in rule-table order."""
    out = []
    for rule in public_rules():
        picks = chosen(SPECS.get(rule.func, []))
        for i, case in enumerate(picks):
            out.append(SweepCase(rule, case, i))
        for i, case in enumerate(picks[:1]):
            names = keyword_names(case)
            if names and any(n and k + 1 in _wrt(case) for k, n in enumerate(names)):
                # a differentiated argument passed by name (rules bind it by name)
                out.append(SweepCase(rule, case, i, kind="keywords"))
            sc = SweepCase(rule, case, i, kind="complex")
            if _accepts_complex(sc):
                out.append(sc)
                mixed = SweepCase(rule, case, i, kind="mixed")
                if len(mixed.build()[2]) > 1 and _accepts_complex(mixed):
                    out.append(mixed)
    return out
