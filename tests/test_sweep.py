"""The sweep through the public transforms (issue 17).

For every differentiable entry of the rule table, user functions in real
.py files (tests/sweep_cases.py writes them from tests/rule_specs.py's
inputs) are differentiated through the public API and compared with
central differences:

* order one: ``grad`` of a scalar loss of the call, ``vjp`` and ``jvp`` of
  the call itself;
* order two: ``hvp``, ``hessian``, ``jacobian(grad(f))`` and
  ``jvp(grad(f))`` of the loss, against a four-point central-difference
  Hessian of the loss.

A keyword case (its arguments after the first passed by name, where the
callable's signature takes them so) runs at order one; a complex case runs for
every callable that computes a finite value on
complex input. Complex numbers follow JAX's convention: the cotangent of
``z`` is ``dL/dRe(z) - 1j dL/dIm(z)``, i.e. a cotangent ``c`` pairs with a
tangent ``t`` as ``Re(sum(c * t))``; central differences run along the real
and the imaginary direction of every entry. Results must have their
input's structure and dtype kind (a real input gets a real cotangent, a
tuple output a tuple tangent).

Two tiers: every case runs grad, vjp and jvp. In CI, ``hvp`` runs on each
rule's first and last case, ``jvp(grad(f))`` (the same forward transform of
the generated gradient, reached through ``jvp`` of a ``grad`` object) on its
last, reverse-over-reverse (``jacobian(grad(f))``) on its first real case, and
the whole ``hessian`` (assembled from hvp's forward transform) on the first
real case of every other rule. Every case meets them all with
``SRCDIFF_SWEEP=full``, which each session runs before it stops.

Known failures are strict xfails in KNOWN, grouped by cause, so that each
flips to a failure when its cause is fixed. Rules that are honestly not
twice differentiable are listed in NOT_TWICE: their second-order transforms
must raise SrcdiffError.
"""
import os

import numpy as np
import pytest

import srcdiff
from srcdiff import SrcdiffError
from srcdiff.api.check import (_is_complex_leaf, _is_float_leaf, _is_namedtuple, flatten, leaves,
                               tree_inner, unflatten)
from srcdiff.rules.listing import FIRST_ORDER_ONLY
import sweep_cases
from numeric import load_function

CASES = sweep_cases.sweep_cases()
ORDER_ONE = ("grad", "vjp", "jvp")
ORDER_TWO = ("hvp", "hessian", "jacgrad", "jvpgrad")

# Rules whose second derivatives srcdiff refuses for every call (README.md lists
# them, from srcdiff.rules.listing.FIRST_ORDER_ONLY); the sweep checks that
# their second-order transforms raise SrcdiffError.
NOT_TWICE = tuple(name for name, calls in FIRST_ORDER_ONLY if calls == "every call")

# One call for each entry of FIRST_ORDER_ONLY, refused at order two.
REFUSED_SOURCES = {
    "numpy.cumprod": "np.sum(np.cumprod(x) ** 2)",
    "numpy.cumulative_prod": "np.sum(np.cumulative_prod(x) ** 2)",
    "numpy.multiply.accumulate": "np.sum(np.multiply.accumulate(x) ** 2)",
    "numpy.linalg.matrix_power": "np.sum(np.linalg.matrix_power(np.reshape(x, (2, 2)), 3))",
    "numpy.linalg.multi_dot": "np.sum(np.linalg.multi_dot([np.reshape(x, (2, 2)), np.reshape(x, (2, 2)), np.reshape(x, (2, 2))]))",
    "numpy.linalg.norm": "np.linalg.norm(np.reshape(x, (2, 2)), 2)",
    "numpy.linalg.matrix_norm": "np.linalg.matrix_norm(np.reshape(x, (2, 2)), ord=2)",
    "scipy.linalg.norm": "scipy.linalg.norm(np.reshape(x, (2, 2)), 2)",
    "scipy.integrate.odeint": "np.sum(scipy.integrate.odeint(decay, x[:2], x[2:] ** 2, (x[0],)) ** 2)",
    "scipy.integrate.solve_ivp": "np.sum(scipy.integrate.solve_ivp(decay_first, (0.0, 1.0), x[:2], "
                                 "t_eval=[0.5, 1.0], args=(x[2],), rtol=1e-11, atol=1e-11).y ** 2)",
}

# Sweep cases whose calls README lists as refused at order two (FIRST_ORDER_ONLY):
# their second-order transforms must raise SrcdiffError.
REFUSED_CASES = set()

# Sweep cases refused at every order (README lists them): each transform must
# raise a SrcdiffError naming the user's file and line.
REFUSED_EVERYWHERE = {
    # SciPy's own x is wrong there (a real Schur form passed to the complex solver)
    "scipy.linalg.solve_sylvester[0m]": "a complex q with a real a or b",
    "scipy.linalg.solve_continuous_lyapunov[0m]": "a complex q with a real a",
}


def _refused_everywhere(sc, transform):
    """For a case README lists as refused: check that ``transform`` refuses it."""
    if sc.id not in REFUSED_EVERYWHERE:
        return False
    out, loss, params = sc.build()
    rng = np.random.default_rng(5)
    calls = _second_order_calls(loss, params, random_like(params, rng))
    calls["grad"] = lambda: srcdiff.grad(loss, wrt=_wrt(params))(*params)
    calls["vjp"] = lambda: srcdiff.vjp(out, *params)[1](_cotangent(out(*params), rng))
    calls["jvp"] = lambda: srcdiff.jvp(out, tuple(params), tuple(random_like(params, rng)))
    with pytest.raises(SrcdiffError) as info:
        calls[transform]()
    assert info.value.filename is not None and info.value.lineno is not None, str(info.value)
    return True


# Known failures, grouped by cause (each a strict xfail, so that it flips when
# its cause is fixed): "<case id>:<transform>[,<transform>...]".
KNOWN = {
}


def _known():
    out = {}
    for reason, entries in KNOWN.items():
        for entry in entries:
            case_id, transforms = entry.rsplit(":", 1)
            for t in transforms.split(","):
                out[(case_id, t)] = reason
    return out


_KNOWN = _known()


def _params(transform, cases):
    out = []
    for sc in cases:
        reason = _KNOWN.get((sc.id, transform))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(sc, id=f"{sc.id}-{transform}", marks=marks))
    return out


def _second(sc):
    return sc.second and sc.name not in NOT_TWICE


def _real(sc):
    """No complex parameter (hessian and jacobian take real coordinates only)."""
    return not any(_is_complex_leaf(p) for p in sc.build()[2])


# ----------------------------------------------------------------------------
# central differences over the parameters' real coordinates
# ----------------------------------------------------------------------------

def _at(params, vec):
    return list(unflatten(tuple(params), vec))


def fd_gradient(f, params, eps):
    """d f / d theta, theta the real coordinates of the parameters (complex
    entries give their real, then imaginary parts)."""
    x = flatten(tuple(params))
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = eps
        g[i] = (float(f(*_at(params, x + e))) - float(f(*_at(params, x - e)))) / (2 * eps)
    return g


def fd_hessian(f, params, h):
    """The four-point central-difference Hessian of scalar f in theta."""
    x = flatten(tuple(params))
    n = x.size
    H = np.zeros((n, n))

    def at(i, si, j, sj):
        d = np.zeros(n)
        d[i] += si * h
        d[j] += sj * h
        return float(f(*_at(params, x + d)))
    for i in range(n):
        for j in range(i, n):
            H[i, j] = H[j, i] = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1)
                                 + at(i, -1, j, -1)) / (4 * h * h)
    return H


def fd_directional(f, params, tangents, eps):
    """(f(theta + eps v) - f(theta - eps v)) / 2 eps, leaf by leaf of f's output."""
    x, v = flatten(tuple(params)), flatten(tuple(tangents))
    plus, minus = f(*_at(params, x + eps * v)), f(*_at(params, x - eps * v))
    return [(np.asarray(p) - np.asarray(m)) / (2 * eps)
            for p, m in zip(leaves(plus), leaves(minus)) if _is_float_leaf(p)]


def cotangent_vector(cts, params):
    """The cotangents in theta: dL/dRe, then dL/dIm = -Im(c) for complex entries."""
    parts = []
    for c, p in zip(leaves(list(cts)), leaves(list(params))):
        a = np.zeros(np.shape(p)) if c is None else np.asarray(c)
        if _is_complex_leaf(p):
            parts += [np.ravel(a.real), np.ravel(-a.imag)]
        else:
            parts.append(np.ravel(np.real(a)))
    return np.concatenate(parts) if parts else np.zeros(0)


def random_like(params, rng):
    out = []
    for p in params:
        v = rng.standard_normal(np.shape(p))
        if _is_complex_leaf(p):
            v = v + 1j * rng.standard_normal(np.shape(p))
        out.append(type(p)(v) if isinstance(p, (float, complex)) else v)
    return out


# ----------------------------------------------------------------------------
# checks
# ----------------------------------------------------------------------------

def assert_close(got, want, rtol, atol, what):
    got, want = np.ravel(got), np.ravel(want)
    assert got.shape == want.shape, f"{what}: {got.size} values, expected {want.size}"
    scale = max([0.0] + [float(np.max(np.abs(a))) for a in (got, want) if a.size])
    diff = float(np.max(np.abs(got - want))) if got.size else 0.0
    tol = atol + rtol * scale
    assert np.isfinite(diff) and diff <= tol, \
        f"{what}: largest difference {diff:.3e} > {tol:.3e}\n got  {got}\n want {want}"


def assert_like(got, template, what):
    """``got`` has ``template``'s structure, leaf shapes and dtype kind."""
    if isinstance(template, (tuple, list)):
        kind = tuple if _is_namedtuple(template) else type(template)
        assert isinstance(got, kind), f"{what}: a {type(got).__name__}, expected a {kind.__name__}"
        assert len(got) == len(template), f"{what}: {len(got)} items, expected {len(template)}"
        for k, (g, t) in enumerate(zip(got, template)):
            assert_like(g, t, f"{what}[{k}]")
        return
    if not _is_float_leaf(template):
        return
    assert got is not None, f"{what}: None for a {np.shape(template)} input"
    assert np.shape(got) == np.shape(template), \
        f"{what}: shape {np.shape(got)}, expected {np.shape(template)}"
    want = "c" if _is_complex_leaf(template) else "f"
    kind = np.asarray(got).dtype.kind
    assert kind == want, f"{what}: dtype {np.asarray(got).dtype} for a {np.asarray(template).dtype} input"


def _wrt(params):
    return 0 if len(params) == 1 else tuple(range(len(params)))


def _tuple(result, params):
    return (result,) if len(params) == 1 else result


def _order_one_eps(sc):
    return sc.eps


def _hessian(sc):
    """The central-difference Hessian of the case's loss (cached on the case)."""
    if getattr(sc, "_hess", None) is None:
        _, loss, params = sc.build()
        # single-precision cases (eps >= 1e-3) are quadratic in their rounded values:
        # a wide step keeps the rounding out of the second differences
        sc._hess = fd_hessian(loss, params, 2e-4 if sc.eps < 1e-4 else 0.1)
    return sc._hess


def _second_tolerance(sc):
    return max(1e-4, 10 * sc.rtol), max(1e-5, sc.atol)


# ----------------------------------------------------------------------------
# order one
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("sc", _params("grad", CASES))
def test_grad(sc):
    if _refused_everywhere(sc, "grad"):
        return
    _, loss, params = sc.build()
    got = _tuple(srcdiff.grad(loss, wrt=_wrt(params))(*params), params)
    assert_like(got, tuple(params), "grad")
    want = fd_gradient(loss, params, sc.eps)
    assert_close(cotangent_vector(got, params), want, sc.rtol, sc.atol, f"grad of {sc!r}")


@pytest.mark.parametrize("sc", _params("vjp", CASES))
def test_vjp(sc):
    if _refused_everywhere(sc, "vjp"):
        return
    out, _, params = sc.build()
    value, f_vjp = srcdiff.vjp(out, *params)
    plain = out(*params)
    assert_close(flatten(value), flatten(plain), 1e-12, 1e-12, "vjp's value")
    rng = np.random.default_rng(0)
    u = _cotangent(plain, rng)
    cts = f_vjp(u)
    assert isinstance(cts, tuple) and len(cts) == len(params), f"vjp: {cts!r}"
    assert_like(cts, tuple(params), "vjp")

    def pairing(*xs):
        return tree_inner(u, _plain(out(*xs)))
    want = fd_gradient(pairing, params, sc.eps)
    assert_close(cotangent_vector(cts, params), want, sc.rtol, sc.atol, f"vjp of {sc!r}")


def _plain(value):
    """Named tuples as tuples (the pairing walks plain structures)."""
    if isinstance(value, (tuple, list)):
        items = [_plain(v) for v in value]
        return items if isinstance(value, list) else tuple(items)
    return value


def _cotangent(value, rng):
    """A random output cotangent shaped like ``value`` (None for integer items)."""
    if isinstance(value, (tuple, list)):
        items = [_cotangent(v, rng) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if not _is_float_leaf(value):
        return None
    return random_like([value], rng)[0]


@pytest.mark.parametrize("sc", _params("jvp", CASES))
def test_jvp(sc):
    if _refused_everywhere(sc, "jvp"):
        return
    out, _, params = sc.build()
    tangents = random_like(params, np.random.default_rng(1))
    value, dout = srcdiff.jvp(out, tuple(params), tuple(tangents))
    plain = out(*params)
    assert_close(flatten(value), flatten(plain), 1e-12, 1e-12, "jvp's value")
    assert_like(dout, plain, "jvp's tangent")
    got = [np.asarray(d) for d, p in zip(leaves(_plain(dout)), leaves(_plain(plain))) if _is_float_leaf(p)]
    want = fd_directional(out, params, tangents, sc.eps)
    assert_close(np.concatenate([np.ravel(g) for g in got] or [np.zeros(0)]),
                 np.concatenate([np.ravel(w) for w in want] or [np.zeros(0)]),
                 sc.rtol, sc.atol, f"jvp of {sc!r}")


# ----------------------------------------------------------------------------
# order two
# ----------------------------------------------------------------------------

FULL = os.environ.get("SRCDIFF_SWEEP") == "full"
# (a call with its arguments passed by name: order one in CI, every order in full)
SECOND = [sc for sc in CASES if _second(sc) and (FULL or sc.kind != "keywords")]
SECOND_REAL = [sc for sc in SECOND if _real(sc)]


def _one_per_rule(cases, transform, last=False):
    """The CI tier of a transform that another one already runs on every case: each
    rule's first case (its last with ``last``, so that two sampled transforms meet
    different calls), and every case with a known failure there (so that its strict
    xfail still flips). ``SRCDIFF_SWEEP=full`` runs every case."""
    if FULL:
        return cases
    chosen = {}
    for sc in cases:
        if last or sc.name not in chosen:
            chosen[sc.name] = sc
    keep = {id(sc) for sc in chosen.values()}
    return [sc for sc in cases if id(sc) in keep or (sc.id, transform) in _KNOWN]


def _first_and_last(cases, transform):
    """The CI tier of hvp: each rule's first and last case (its real and, where it
    has one, its complex call), and every case with a known failure there."""
    if FULL:
        return cases
    first, last = {}, {}
    for sc in cases:
        first.setdefault(sc.name, sc)
        last[sc.name] = sc
    keep = {id(sc) for sc in list(first.values()) + list(last.values())}
    return [sc for sc in cases if id(sc) in keep or (sc.id, transform) in _KNOWN]


def _every_other_rule(cases, transform):
    """The CI tier of hessian (assembled from the same forward transform of the
    generated gradient as hvp): the first case of every other rule in name order,
    and every case with a known failure there."""
    if FULL:
        return cases
    names = sorted({sc.name for sc in cases})
    chosen = set(names[::2])
    return [sc for sc in _one_per_rule(cases, transform)
            if sc.name in chosen or (sc.id, transform) in _KNOWN]


def _refused(sc, transform):
    """For a call README lists as refused at order two: check that it is."""
    if sc.id not in REFUSED_CASES:
        return False
    _, loss, params = sc.build()
    with pytest.raises(SrcdiffError):
        _second_order_calls(loss, params, random_like(params, np.random.default_rng(4)))[transform]()
    return True


@pytest.mark.parametrize("sc", _params("hvp", _first_and_last(SECOND, "hvp")))
def test_hvp(sc):
    if _refused_everywhere(sc, "hvp"):
        return
    if _refused(sc, "hvp"):
        return
    _, loss, params = sc.build()
    v = random_like(params, np.random.default_rng(2))
    got = _tuple(srcdiff.hvp(loss, wrt=_wrt(params))(*params, v[0] if len(v) == 1 else tuple(v)), params)
    assert_like(got, tuple(params), "hvp")
    rtol, atol = _second_tolerance(sc)
    assert_close(cotangent_vector(got, params), _hessian(sc) @ flatten(tuple(v)), rtol, atol,
                 f"hvp of {sc!r}")


@pytest.mark.parametrize("sc", _params("jvpgrad", _one_per_rule(SECOND, "jvpgrad", last=True)))
def test_jvp_of_grad(sc):
    if _refused_everywhere(sc, "jvpgrad"):
        return
    if _refused(sc, "jvpgrad"):
        return
    _, loss, params = sc.build()
    v = random_like(params, np.random.default_rng(3))
    g, dg = srcdiff.jvp(srcdiff.grad(loss, wrt=_wrt(params)), tuple(params), tuple(v))
    assert_like(_tuple(dg, params), tuple(params), "jvp(grad)")
    rtol, atol = _second_tolerance(sc)
    assert_close(cotangent_vector(_tuple(dg, params), params), _hessian(sc) @ flatten(tuple(v)),
                 rtol, atol, f"jvp(grad) of {sc!r}")


def _blocks(H, params):
    sizes = np.cumsum([0] + [np.size(p) for p in params])
    return [[H[sizes[i]:sizes[i + 1], sizes[j]:sizes[j + 1]] for j in range(len(params))]
            for i in range(len(params))]


@pytest.mark.parametrize("sc", _params("hessian", _every_other_rule(SECOND_REAL, "hessian")))
def test_hessian(sc):
    if _refused_everywhere(sc, "hessian"):
        return
    if _refused(sc, "hessian"):
        return
    _, loss, params = sc.build()
    got = srcdiff.hessian(loss, wrt=_wrt(params))(*params)
    got = ((got,),) if len(params) == 1 else got
    want = _blocks(_hessian(sc), params)
    rtol, atol = _second_tolerance(sc)
    for i, pi in enumerate(params):
        for j, pj in enumerate(params):
            assert np.shape(got[i][j]) == np.shape(pi) + np.shape(pj), (i, j, np.shape(got[i][j]))
            assert_close(got[i][j], want[i][j], rtol, atol, f"hessian block {i},{j} of {sc!r}")


@pytest.mark.parametrize("sc", _params("jacgrad", _one_per_rule(SECOND_REAL, "jacgrad")))
def test_jacobian_of_grad(sc):
    if _refused_everywhere(sc, "jacgrad"):
        return
    if _refused(sc, "jacgrad"):
        return
    _, loss, params = sc.build()
    want = _blocks(_hessian(sc), params)
    rtol, atol = _second_tolerance(sc)
    for i, pi in enumerate(params):
        for j, pj in enumerate(params):
            got = srcdiff.jacobian(srcdiff.grad(loss, wrt=i), wrt=j)(*params)
            assert np.shape(got) == np.shape(pi) + np.shape(pj), (i, j, np.shape(got))
            assert_close(got, want[i][j], rtol, atol, f"jacobian(grad) block {i},{j} of {sc!r}")


def _second_order_calls(f, params, v):
    """The four second-order transforms of f at params (along v)."""
    wrt = _wrt(params)
    v = v[0] if len(v) == 1 else tuple(v)
    return {"hvp": lambda: srcdiff.hvp(f, wrt=wrt)(*params, v),
            "hessian": lambda: srcdiff.hessian(f, wrt=wrt)(*params),
            "jacgrad": lambda: srcdiff.jacobian(srcdiff.grad(f, wrt=0), wrt=0)(*params),
            "jvpgrad": lambda: srcdiff.jvp(srcdiff.grad(f, wrt=wrt), tuple(params), (v,) if len(params) == 1
                                           else v)}


@pytest.mark.parametrize("transform", ORDER_TWO)
@pytest.mark.parametrize("name", NOT_TWICE)
def test_not_twice_differentiable_refuses(name, transform):
    """The sweep's own cases of the rules refused at order two raise SrcdiffError."""
    sc = next(sc for sc in CASES if sc.name == name and _real(sc))
    _, loss, params = sc.build()
    with pytest.raises(SrcdiffError):
        _second_order_calls(loss, params, random_like(params, np.random.default_rng(4)))[transform]()


@pytest.mark.parametrize("transform", ORDER_TWO)
@pytest.mark.parametrize("name", [name for name, _ in FIRST_ORDER_ONLY])
def test_first_order_only_calls_refuse(name, transform):
    """Each call README lists as refused at order two raises SrcdiffError there
    and is right at order one."""
    f = load_function(f"import scipy.integrate\n\n\ndef decay(y, t, k):\n    return -k * y\n\n\n"
                      f"def decay_first(t, y, k):\n    return -k * y\n\n\n"
                      f"def f(x):\n    return {REFUSED_SOURCES[name]}\n", "f")
    x = np.array([0.9, -0.4, 0.3, 1.2, 0.5, -0.7])[:4 if "cross" not in name else 6]
    assert_close(srcdiff.grad(f)(x), fd_gradient(f, [x], 1e-6), 1e-5, 1e-6, f"grad of {name}")
    with pytest.raises(SrcdiffError):
        _second_order_calls(f, [x], [np.ones_like(x)])[transform]()


# ----------------------------------------------------------------------------
# coverage
# ----------------------------------------------------------------------------

def test_coverage_order_one():
    table = {sweep_cases.display_name(r) for r in sweep_cases.public_rules()}
    exercised = {sc.name for sc in CASES} & table
    assert len(exercised) / len(table) == 1.0, f"not exercised: {sorted(table - exercised)}"


def test_coverage_order_two():
    table = {sweep_cases.display_name(r) for r in sweep_cases.public_rules()}
    exercised = {sc.name for sc in SECOND}
    missing = table - exercised - set(NOT_TWICE)
    assert not missing, f"twice-differentiable rules not exercised at order two: {sorted(missing)}"
    assert not set(NOT_TWICE) & exercised


def test_known_failures_name_sweep_cases():
    ids = {sc.id for sc in CASES}
    assert {case_id for case_id, _ in _KNOWN} <= ids
    assert {t for _, t in _KNOWN} <= set(ORDER_ONE + ORDER_TWO)



# ----------------------------------------------------------------------------
# the entries the table marks nondifferentiable
# ----------------------------------------------------------------------------

# uninitialised memory: its value is not a function of the input
_NOT_A_FUNCTION = {"numpy.empty_like"}


def _nondiff_numeric_rules():
    return [r for r in srcdiff.rules.all_rules()
            if r.nondiff and r.name.split(".")[0] in ("numpy", "scipy", "math")
            and ".random" not in r.name and r.name not in _NOT_A_FUNCTION]


def test_nondifferentiable_entries_are_constant_on_complex_input():
    """A nondifferentiable entry's output must not move when a complex (or
    real) input moves a little: np.sign of a complex z is z / |z|, and
    marking it nondifferentiable gave every complex norm a wrong second
    derivative. Entries that take no such input are skipped."""
    import warnings
    z = np.array([0.31 + 0.17j, -0.52 + 0.23j, 0.83 - 0.37j])
    dz = 1e-7 * np.array([1 + 0.5j, -0.2 + 1j, 0.3 + 0.1j])
    moving = []
    for x, dx in ((z, dz), (z.real, dz.real)):
        for rule in _nondiff_numeric_rules():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error")
                    a, b = rule.func(x), rule.func(x + dx)
            except Exception:
                continue
            if not all(np.array_equal(np.asarray(p), np.asarray(q)) for p, q in zip(leaves(a), leaves(b))):
                moving.append(rule.name)
    assert not moving, f"nondifferentiable entries whose value moves with their input: {moving}"
