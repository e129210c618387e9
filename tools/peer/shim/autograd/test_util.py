"""autograd.test_util through srcdiff's public transforms.

check_grads(fun, argnum=0, modes=["fwd", "rev"], order=2)(*args, **kwargs) checks,
against central differences with autograd's own tolerances and random directions:
  order 1, "rev": srcdiff.vjp            "fwd": srcdiff.jvp
  order 2 (of the scalarised function s(x) = <w, fun(x)>, w random):
          "rev": srcdiff.vjp(srcdiff.grad(s))
          "fwd": srcdiff.jvp(srcdiff.grad(s)) and srcdiff.hvp(s)
  the reference for order 2 is the central difference of srcdiff.grad(s), itself
  checked at order 1 against central differences of s.
The differentiated argument(s) become the parameters of a wrapper function written
to a real .py file (srcdiff reads source); the others are module constants.
A structure or dtype-kind mismatch (real input, complex cotangent) is a failure."""
import importlib.util
import itertools
import os
import sys
import tempfile

import numpy as np

import srcdiff

from ._harness import HarnessError

TOL = 1e-6
RTOL = 1e-6
EPS = 1e-6
_DIR = tempfile.mkdtemp(prefix="peer_wrappers_")
_count = itertools.count()


def scalar_close(a, b):
    return abs(a - b) < TOL or abs(a - b) / abs(a + b) < RTOL


# ---------------------------------------------------------------- vector spaces
def _is_leaf(x):
    return isinstance(x, (int, float, complex, np.ndarray, np.number, np.bool_)) and not isinstance(x, bool)


def _leaves(x):
    if isinstance(x, (tuple, list)):
        return [l for e in x for l in _leaves(e)]
    if isinstance(x, dict):
        return [l for k in sorted(x) for l in _leaves(x[k])]
    if _is_leaf(x):
        return [x]
    raise HarnessError(f"the shim has no vector space for {type(x).__name__}")


def _map(f, *xs):
    x = xs[0]
    if isinstance(x, (tuple, list)):
        return type(x)(_map(f, *[y[i] for y in xs]) for i in range(len(x)))
    if isinstance(x, dict):
        return {k: _map(f, *[y[k] for y in xs]) for k in x}
    return f(*xs)


def _kind(x):
    return "c" if np.iscomplexobj(x) else "r"


def _signature(x):
    """Structure, shapes and real/complex kind (autograd's vspace equality)."""
    if isinstance(x, (tuple, list)):
        return ("seq", len(x), tuple(_signature(e) for e in x))
    if isinstance(x, dict):
        return ("dict", tuple(sorted((k, _signature(v)) for k, v in x.items())))
    if x is None:
        return ("none",)
    return (np.shape(x), _kind(x))


def _randn(x):
    def one(a):
        if np.iscomplexobj(a):
            r = np.random.randn(*np.shape(a)) + 1j * np.random.randn(*np.shape(a))
        else:
            r = np.random.randn(*np.shape(a))
        if np.ndim(a) or isinstance(a, np.ndarray):
            return np.asarray(r).reshape(np.shape(a))
        return complex(r) if np.iscomplexobj(a) else float(r)
    return _map(one, x)


def _add(x, y, c):
    return _map(lambda a, b: a + c * b, x, y)


def _covector(x):
    return _map(np.conj, x)


def _inner(x, y):
    return float(sum(np.real(np.vdot(np.ravel(a), np.ravel(b)))
                     for a, b in zip(_leaves(x), _leaves(y))))


def check_equivalent(x, y):
    sx, sy = _signature(x), _signature(y)
    assert sx == sy, f"structure mismatch:\nx: {sx}\ny: {sy}"
    v = _randn(x)
    assert scalar_close(_inner(x, v), _inner(y, v)), f"value mismatch:\nx: {x}\ny: {y}"


# ---------------------------------------------------------------- wrappers
def _load(source, consts):
    path = os.path.join(_DIR, f"peer_wrap_{next(_count)}.py")
    with open(path, "w") as fh:
        fh.write("import numpy as np\n\n" + source)
    name = os.path.basename(path)[:-3]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    mod.__dict__.update(consts)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _wrapper(fun, argnums, args, kwargs):
    """def U(x0, x1..): return FUN(<args with the wrt ones replaced>, k=K_k...)."""
    consts = {"FUN": fun}
    call = []
    params = []
    for i, a in enumerate(args):
        if i in argnums:
            params.append(f"x{i}")
            call.append(f"x{i}")
        else:
            consts[f"A{i}"] = a
            call.append(f"A{i}")
    for k, v in kwargs.items():
        consts[f"K_{k}"] = v
        call.append(f"{k}=K_{k}")
    src = f"def U({', '.join(params)}):\n    return FUN({', '.join(call)})\n"
    return _load(src, consts).U


def _paths(y, path="y"):
    if isinstance(y, (tuple, list)):
        return [p for i, e in enumerate(y) for p in _paths(e, f"{path}[{i}]")]
    if isinstance(y, dict):
        return [p for k in sorted(y) for p in _paths(y[k], f"{path}[{k!r}]")]
    return [(path, y)]


def _scalariser(U, nparams, y):
    """s(x..) = <w, U(x..)> with w random, in a real file."""
    consts = {"U": U}
    terms = []
    for j, (path, leaf) in enumerate(_paths(y)):
        w = _randn(leaf)
        if np.iscomplexobj(leaf):
            consts[f"W{j}"] = np.conj(w)
            terms.append(f"np.sum(np.real(W{j} * {path}))")
        else:
            consts[f"W{j}"] = w
            terms.append(f"np.sum(W{j} * {path})")
    params = ", ".join(f"x{i}" for i in range(nparams))
    src = (f"def S({params}):\n    y = U({params})\n"
           f"    return {' + '.join(terms) or '0.0'}\n")
    return _load(src, consts).S


# ---------------------------------------------------------------- the checks
def _numeric_jvp(F, xs, us):
    plus = F(*[_add(x, u, EPS / 2) for x, u in zip(xs, us)])
    minus = F(*[_add(x, u, -EPS / 2) for x, u in zip(xs, us)])
    return _map(lambda p, m: (p - m) / EPS, plus, minus)


def _check_vjp(F, xs, what):
    y = F(*xs)
    out, pullback = srcdiff.vjp(F, *xs)
    v = _randn(y)
    us = [_randn(x) for x in xs]
    cts = pullback(_covector(v))
    assert isinstance(cts, tuple) and len(cts) == len(xs), \
        f"{what}: vjp returned {type(cts).__name__} for {len(xs)} argument(s)"
    for x, ct in zip(xs, cts):
        assert _signature(ct) == _signature(x), \
            f"{what}: cotangent {_signature(ct)} for argument {_signature(x)}"
    exact = sum(_inner(u, _covector(ct)) for u, ct in zip(us, cts))
    numeric = _inner(v, _numeric_jvp(F, xs, us))
    assert scalar_close(numeric, exact), \
        f"{what}: vjp check failed\nanalytic: {exact}\nnumeric:  {numeric}"


def _check_jvp(F, xs, what):
    us = [_randn(x) for x in xs]
    out, t = srcdiff.jvp(F, tuple(xs), tuple(us))
    num = _numeric_jvp(F, xs, us)
    try:
        check_equivalent(t, num)
    except AssertionError as e:
        raise AssertionError(f"{what}: jvp check failed: {e}") from None


def _unwrap(g, n):
    return lambda *xs: (lambda r: tuple(r) if n > 1 else (r,))(g(*xs))


def _check(fun, argnums, args, kwargs, modes, order):
    if not isinstance(argnums, (tuple, list)):
        argnums = (argnums,)
    argnums = tuple(argnums)
    try:
        y = fun(*args, **kwargs)
    except Exception as e:  # the test's function does not run on plain numpy/scipy
        raise HarnessError(f"plain call fails without autograd: {type(e).__name__}: {e}")
    _leaves(y)
    xs = [args[i] for i in argnums]
    _leaves(xs)
    U = _wrapper(fun, argnums, args, kwargs)
    if "rev" in modes:
        _check_vjp(U, xs, "order 1 reverse (vjp)")
    if "fwd" in modes:
        _check_jvp(U, xs, "order 1 forward (jvp)")
    if order < 2:
        return
    n = len(xs)
    S = _scalariser(U, n, y)
    wrt = tuple(range(n)) if n > 1 else 0
    G = srcdiff.grad(S, wrt=wrt)
    Gt = _unwrap(G, n)
    # srcdiff.grad(s) against central differences of s (order 1 of the scalar)
    us = [_randn(x) for x in xs]
    exact = sum(_inner(u, _covector(g)) for u, g in zip(us, Gt(*xs)))
    numeric = _numeric_jvp(S, xs, us)
    assert scalar_close(float(np.real(numeric)), exact), \
        f"grad(s) check failed\nanalytic: {exact}\nnumeric:  {numeric}"
    Hu = _numeric_jvp(Gt, xs, us)
    if "rev" in modes:
        out, pullback = srcdiff.vjp(G, *xs)
        c = tuple(_randn(x) for x in xs)
        cts = pullback(_covector(c[0] if n == 1 else c))
        for x, ct in zip(xs, cts):
            assert _signature(ct) == _signature(x), \
                f"order 2 reverse: cotangent {_signature(ct)} for argument {_signature(x)}"
        exact = sum(_inner(u, _covector(ct)) for u, ct in zip(us, cts))
        numeric = _inner(c, Hu)
        assert scalar_close(numeric, exact), \
            f"order 2 reverse (vjp of grad) failed\nanalytic: {exact}\nnumeric:  {numeric}"
    if "fwd" in modes:
        out, t = srcdiff.jvp(G, tuple(xs), tuple(us))
        try:
            check_equivalent(_unwrap(lambda: t, n)(), Hu)
        except AssertionError as e:
            raise AssertionError(f"order 2 forward (jvp of grad) failed: {e}") from None
        h = srcdiff.hvp(S, wrt=wrt)(*xs, us[0] if n == 1 else tuple(us))
        try:
            check_equivalent(_unwrap(lambda: h, n)(), Hu)
        except AssertionError as e:
            raise AssertionError(f"order 2 hvp failed: {e}") from None


def check_grads(fun, argnum=0, modes=("fwd", "rev"), order=2):
    assert all(m in ("fwd", "rev") for m in modes)

    def at(*args, **kwargs):
        _check(fun, argnum, args, kwargs, modes, min(order, 2))
    return at


def combo_check(fun, *args, **kwargs):
    _check_grads = lambda f: check_grads(f, *args, **kwargs)

    def _combo_check(*args, **kwargs):
        kwarg_key_vals = [[(k, x) for x in xs] for k, xs in kwargs.items()]
        for _args in itertools.product(*args):
            for _kwargs in itertools.product(*kwarg_key_vals):
                _check_grads(fun)(*_args, **dict(_kwargs))
    return _combo_check
