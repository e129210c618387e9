"""The mathematics of the rules, through the public transforms (issue 17,
classes 3, 6, 7 and 12): results read as the rules return them, nothing
silently constant, one complex convention, and the edge values (masks select,
saturating and singular points give finite numbers).

Every function is a user-level function in a real file (``load_function``),
differentiated by ``grad``/``jvp``/``hvp``/``jacobian(grad)`` and compared with
central differences.
"""
import math
import warnings

import gast
import numpy as np
import pytest

import srcdiff
from srcdiff import SrcdiffError, grad, hvp, jacobian, jvp, vjp
from srcdiff.rules import lookup
from srcdiff.ir.templates import template

from numeric import load_function

EPS = 1e-6


# ---- helpers -------------------------------------------------------------------

def num_grad(f, x, eps=EPS):
    """Central differences of real scalar f at x (a float or a real array)."""
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[idx] = eps
        g[idx] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


def complex_cotangent(f, z, eps=EPS):
    """The convention: the cotangent of z is dL/dRe(z) - 1j dL/dIm(z), each
    from central differences along that real direction."""
    z = np.asarray(z, dtype=complex)
    out = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        d = np.zeros_like(z)
        d[idx] = eps
        dre = (f(z + d) - f(z - d)) / (2 * eps)
        dim = (f(z + 1j * d) - f(z - 1j * d)) / (2 * eps)
        out[idx] = dre - 1j * dim
    return out


def check_order_one(f, x, v, atol=1e-6, rtol=1e-5):
    """grad and jvp of f at x (real) against central differences."""
    want = num_grad(f, x)
    got = grad(f)(x)
    assert np.shape(got) == np.shape(x) and not np.iscomplexobj(got)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)
    _, t = jvp(f, (x,), (v,))
    np.testing.assert_allclose(t, np.sum(want * v), rtol=rtol, atol=atol)


def check_order_two(f, x, v, atol=1e-5, rtol=1e-4):
    """hvp and jacobian(grad) against central differences of the gradient."""
    g = grad(f)
    want = (g(x + EPS * v) - g(x - EPS * v)) / (2 * EPS)
    np.testing.assert_allclose(hvp(f)(x, v), want, rtol=rtol, atol=atol)
    J = jacobian(g)(x)
    np.testing.assert_allclose(np.tensordot(J, v, axes=np.ndim(v)), want, rtol=rtol, atol=atol)


X4 = np.array([0.3, -1.2, 0.7, 2.1])
V4 = np.array([0.5, -0.25, 1.0, 0.3])


# =================================================================================
# class 12: a rule's result is read the way the rule returns it
# =================================================================================

DIFF_CASES = {
    "plain": "def f(x):\n    return np.sum(np.diff(x) ** 2)\n",
    "plus_sum": "def f(x):\n    return np.sum(np.diff(x) ** 2) + np.sum(x)\n",
    "n2": "def f(x):\n    return np.sum(np.diff(x, 2) ** 2)\n",
    "prepend": "def f(x):\n    return np.sum(np.diff(x, prepend=x[0] * 2.0) ** 3)\n",
    "append": "def f(x):\n    return np.sum(np.diff(x, append=np.sin(x[:2])) ** 2)\n",
}


@pytest.mark.parametrize("name", sorted(DIFF_CASES))
def test_diff_gradient_is_one_array(name):
    f = load_function(DIFF_CASES[name])
    check_order_one(f, X4, V4)
    check_order_two(f, X4, V4)


MULTI_ARG_CASES = [   # (source, shapes, second order: True or refused with SrcdiffError)
    ("def f(x, y):\n    return np.sum(np.cross(x, y, axis=0) ** 2)\n", (3, 2), (3, 2), True),
    ("def f(x, y):\n    return np.sum(np.cross(x, y) ** 2)\n", (2, 3), (2, 3), True),
    ("def f(x, y):\n    return np.sum(np.linalg.cross(x, y) ** 2)\n", (2, 3), (2, 3), True),
    ("def f(x, w):\n    return np.average(x, weights=w) ** 2\n", (4,), (4,), True),
]


@pytest.mark.parametrize("src,sx,sy,second", MULTI_ARG_CASES)
def test_rules_with_several_cotangents(src, sx, sy, second):
    f = load_function(src)
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0.5, 1.5, sx), rng.uniform(0.5, 1.5, sy)
    gx, gy = grad(f, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(gx, num_grad(lambda a: f(a, y), x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gy, num_grad(lambda b: f(x, b), y), rtol=1e-5, atol=1e-6)
    v = rng.normal(size=sx)
    if not second:
        with pytest.raises(SrcdiffError, match="second derivatives"):
            hvp(f)(x, y, v)
        return
    want = (grad(f)(x + EPS * v, y) - grad(f)(x - EPS * v, y)) / (2 * EPS)
    np.testing.assert_allclose(hvp(f)(x, y, v), want, rtol=1e-4, atol=1e-5)


def test_math_log_with_a_base():
    f = load_function("def f(x, b):\n    return math.log(x, b) ** 2\n")
    gx, gb = grad(f, wrt=(0, 1))(3.0, 2.0)
    assert gx == pytest.approx(num_grad(lambda a: f(float(a), 2.0), 3.0), rel=1e-6)
    assert gb == pytest.approx(num_grad(lambda b: f(3.0, float(b)), 2.0), rel=1e-6)


def test_logsumexp_with_weights():
    special = pytest.importorskip("scipy.special")
    b = np.array([1.0, 2.0, 3.0])
    f = load_function("def f(x):\n    return np.sum(special.logsumexp(x, b=b)) ** 2\n",
                      special=special, b=b)
    check_order_one(f, np.array([0.1, -0.4, 0.8]), np.array([1.0, 0.5, -0.3]))


def test_forward_rule_of_several_outputs_is_read_whole():
    # slogdet's forward rule returns (None, d logabsdet): the tuple, not its first item
    f = load_function("def f(a):\n    s, l = np.linalg.slogdet(a)\n    return l * 2.0\n")
    a = np.array([[2.0, 1.0], [0.5, 3.0]])
    da = np.array([[0.3, -0.1], [0.2, 0.4]])
    _, t = jvp(f, (a,), (da,))
    assert t == pytest.approx((f(a + EPS * da) - f(a - EPS * da)) / (2 * EPS), rel=1e-6)


def _cases():
    from rule_specs import SPECS
    for func, cases in SPECS.items():
        yield func, cases


def test_every_rule_result_is_read_as_it_returns():
    """For every case of the rule table: a reverse rule the transformer inlines
    returns a tuple exactly when its template's result is a tuple expression (a
    conditional result is split per branch by the inliner: see
    tests/test_rule_application.py)."""
    from test_rules import _ct_tree      # the harness the table is run with
    rng = np.random.default_rng(0)
    checked = 0
    for func, cases in _cases():
        rule = lookup(func)
        if rule is None or rule.vjp is None:
            continue
        tpl = template(rule.vjp)
        if not tpl.inlinable:
            continue
        if isinstance(tpl.result, gast.IfExp) or tpl.varargs:
            continue     # (a *args rule's result is one cotangent per extra argument)
        for case in cases:
            f = func if callable(func) else func.__getitem__
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ans = f(*case.args, **case.kwargs)
                g = _ct_tree(ans, rng)
                if g is None:       # (an iterator: reversed(x))
                    continue
                try:
                    res = rule.vjp(g, ans, *case.args, **case.kwargs)
                except SrcdiffError:
                    continue
            several = isinstance(res, tuple) and not _is_cotangent_of_a_tuple(case, res)
            assert several == isinstance(tpl.result, gast.Tuple), \
                f"{rule.name}: the rule returned {type(res).__name__}, the inliner reads " \
                f"{type(tpl.result).__name__} ({case!r})"
            checked += 1
    assert checked > 500


def _is_cotangent_of_a_tuple(case, res):
    """A bare result that is itself the cotangent of a tuple/list first argument."""
    return bool(case.args) and isinstance(case.args[0], (tuple, list)) \
        and len(res) == len(case.args[0]) and len(case.args) == 1


# =================================================================================
# class 3: nothing silently constant
# =================================================================================

TRICK_CASES = {
    "r_pair": "def f(x):\n    return np.sum(np.r_[x, x] ** 2)\n",
    "r_mixed": "def f(x):\n    return np.sum(np.r_[x, 0:3, c, x[0]] ** 3)\n",
    "r_one": "def f(x):\n    return np.sum(np.r_[x] ** 3)\n",
    "r_directive": "def f(x):\n    return np.sum(np.r_['0,2', x, x * 2] ** 2 * W)\n",
    "c_columns": "def f(x):\n    return np.sum(np.c_[x, c * x, c] ** 2 * np.arange(12.).reshape(4, 3))\n",
    "c_matrix": "def f(x):\n    return np.sum(np.sin(np.c_[np.outer(x, x), x]))\n",
}


@pytest.mark.parametrize("name", sorted(TRICK_CASES))
def test_index_concatenation_is_differentiated(name):
    f = load_function(TRICK_CASES[name], c=np.array([5.0, 6.0, -1.0, 0.5]),
                      W=np.arange(8.0).reshape(2, 4))
    check_order_one(f, X4, V4)
    check_order_two(f, X4, V4)


EINSUM_CASES = {
    "interleaved_transpose": "def f(x):\n    return np.sum(np.einsum(x, [0, 1], [1, 0]) * W)\n",
    "interleaved_product": "def f(x):\n    return np.sum(np.einsum(x, [0, 1], x, [1, 2]) ** 2)\n",
    "interleaved_implicit": "def f(x):\n    return np.sum(np.einsum(x, [0, 1], W, [1, 0]) ** 2)\n",
}


@pytest.mark.parametrize("name", sorted(EINSUM_CASES))
def test_einsum_interleaved_form(name):
    f = load_function(EINSUM_CASES[name], W=np.array([[1.0, -2.0], [0.5, 3.0]]))
    x = np.array([[0.3, -0.7], [1.1, 0.4]])
    v = np.array([[0.2, 0.1], [-0.5, 0.3]])
    check_order_one(f, x, v)


VALUE_CASES = {
    "unique": "def f(x):\n    return np.sum(np.unique(x) ** 2 * np.arange(4.0))\n",
    "unique_values": "def f(x):\n    return np.sum(np.unique_values(x) ** 3)\n",
    "unique_counts": "def f(x):\n    u, n = np.unique(x, return_counts=True)\n"
                     "    return np.sum(u ** 2 * n)\n",
    "bincount": "def f(x):\n    return np.sum(np.bincount(np.array([0, 2, 2, 1]), weights=x) ** 2)\n",
    "nextafter": "def f(x):\n    return np.sum(np.nextafter(x, 10.0) ** 2)\n",
}


@pytest.mark.parametrize("name", sorted(VALUE_CASES))
def test_values_that_move_with_the_input(name):
    f = load_function(VALUE_CASES[name])
    check_order_one(f, X4, V4, atol=1e-5)
    check_order_two(f, X4, V4)


def test_unique_ties_share_the_cotangent():
    f = load_function("def f(x):\n    return np.sum(np.unique(x) * np.array([1.0, 3.0]))\n")
    np.testing.assert_allclose(grad(f)(np.array([2.0, 1.0, 2.0])), [1.5, 1.0, 1.5])


def test_math_frexp_mantissa():
    f = load_function("def f(x):\n    m, e = math.frexp(x)\n    return m ** 2\n")
    assert grad(f)(5.3) == pytest.approx(num_grad(lambda a: f(float(a)), 5.3), rel=1e-6)
    assert jvp(f, (5.3,), (1.0,))[1] == pytest.approx(num_grad(lambda a: f(float(a)), 5.3),
                                                       rel=1e-6)


class _Box:
    def __getitem__(self, key):
        return key[0] * 2.0


REFUSED = {
    "s_": ("def f(x):\n    return np.sum(np.array(np.s_[x, 1.0]) ** 2)\n", "np.s_"),
    "object_getitem": ("def f(x):\n    return np.sum(box[x, 3] ** 2)\n", "box"),
    "put": ("def f(x):\n    y = x.copy()\n    np.put(y, [0], [5.0])\n    return np.sum(y ** 2)\n",
            "put"),
    # (np.add.at and np.subtract.at are followed: tests/test_ufunc_at.py)
    "ufunc_at": ("def f(x):\n    y = np.ones(4)\n    np.multiply.at(y, [0, 0], x[:2])\n"
                 "    return np.sum(y ** 2)\n", "at"),
    "histogram_weights": ("def f(x):\n    return np.sum(np.histogram(x, bins=2, weights=x)[0])\n",
                          "histogram"),
    "histogram_edges": ("def f(x):\n    return np.sum(np.histogram(x, bins=3)[1])\n", "histogram"),
}


# writes of a differentiated value through np.copyto or out= are item stores
# (y[...] = v): differentiated, no longer refused
WRITTEN = {
    "copyto": "def f(x):\n    y = np.zeros(4)\n    np.copyto(y, x)\n    return np.sum(y ** 2)\n",
    "out_kwarg": "def f(x):\n    y = np.empty(4)\n    np.multiply(x, x, out=y)\n"
                 "    return np.sum(y)\n",
    "out_assigned": "def f(x):\n    y = np.empty(4)\n    z = np.sin(x, out=y)\n"
                    "    return np.sum(y * z)\n",
}


@pytest.mark.parametrize("name", sorted(WRITTEN))
def test_written_through_a_call(name):
    f = load_function(WRITTEN[name])
    eps = 1e-6
    want = np.array([(f(X4 + eps * e) - f(X4 - eps * e)) / (2 * eps) for e in np.eye(4)])
    np.testing.assert_allclose(grad(f)(X4), want, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(jvp(f, (X4,), (V4,))[1], want @ V4, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(REFUSED))
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_refused_not_zero(name, mode):
    src, what = REFUSED[name]
    f = load_function(src, box=_Box())
    with pytest.raises(SrcdiffError) as e:
        if mode == "grad":
            grad(f)(X4)
        else:
            jvp(f, (X4,), (V4,))
    assert what in str(e.value) and f.__code__.co_filename in str(e.value)


# =================================================================================
# class 6: one complex convention
# =================================================================================

_rng = np.random.default_rng(7)
Z3 = _rng.normal(size=3) + 1j * _rng.normal(size=3)
ZM = _rng.normal(size=(3, 3)) + 1j * _rng.normal(size=(3, 3)) + 3 * np.eye(3)
C3 = np.array([1 + 2j, 3 - 1j, 0.5j])

COMPLEX_CASES = {
    "norm": ("np.linalg.norm(x)", Z3),
    "norm_3": ("np.linalg.norm(x, 3)", Z3),
    "norm_inf": ("np.linalg.norm(x, np.inf)", Z3),
    "norm_fro": ("np.linalg.norm(x, 'fro')", ZM),
    "norm_nuc": ("np.linalg.norm(x, 'nuc')", ZM),
    "norm_2": ("np.linalg.norm(x, 2)", ZM),
    "norm_axis": ("np.sum(np.linalg.norm(x, axis=0))", ZM),
    "vector_norm": ("np.linalg.vector_norm(x)", Z3),
    "matrix_norm": ("np.linalg.matrix_norm(x)", ZM),
    "abs_squared": ("np.sum(np.abs(x) ** 2)", Z3),
    "builtin_abs": ("abs(x[0] * 2.0)", Z3),
    "real": ("np.sum(np.real(x) ** 2)", Z3),
    "imag": ("np.sum(np.imag(x * c))", Z3),
    "real_attribute": ("np.sum(x.real * x.imag)", Z3),
    "angle": ("np.sum(np.angle(x))", Z3),
    "var": ("np.var(x)", Z3),
    "std": ("np.std(x)", Z3),
    "det": ("np.abs(np.linalg.det(x))", ZM),
    "inv": ("np.sum(np.abs(np.linalg.inv(x)) ** 2)", ZM),
    "solve": ("np.sum(np.abs(np.linalg.solve(x, c)) ** 2)", ZM),
    "matrix_power": ("np.abs(np.sum(np.linalg.matrix_power(x, 3)))", ZM),
    "matmul": ("np.abs(c @ x @ c)", ZM),
    "kron": ("np.sum(np.abs(np.kron(x, c)) ** 2)", Z3),
    "vdot": ("np.real(np.vdot(x, c))", Z3),
    "exp": ("np.sum(np.real(np.exp(x) * c))", Z3),
    "fft": ("np.sum(np.abs(np.fft.fft(x)) ** 3)", Z3),
    "einsum": ("np.abs(np.einsum('i,i->', x, c))", Z3),
}


@pytest.mark.parametrize("name", sorted(COMPLEX_CASES))
def test_complex_input_follows_the_convention(name):
    expr, z = COMPLEX_CASES[name]
    f = load_function(f"def f(x):\n    return {expr}\n", c=C3)
    want = complex_cotangent(f, z)
    got = grad(f)(z)
    assert np.iscomplexobj(got) and np.shape(got) == np.shape(z)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # forward mode: the tangent along a complex direction (both real directions)
    dz = (0.3 - 0.2j) * np.ones_like(z)
    _, t = jvp(f, (z,), (dz,))
    np.testing.assert_allclose(t, (f(z + EPS * dz) - f(z - EPS * dz)) / (2 * EPS),
                               rtol=1e-5, atol=1e-6)
    # and the cotangent pairs with a tangent as Re(sum(cotangent * tangent))
    assert np.real(np.sum(got * dz)) == pytest.approx(float(np.real(t)), rel=1e-6, abs=1e-8)


REAL_MEETS_COMPLEX = {
    "mul": "np.sum(np.abs(x * c) ** 2)",
    "mul_scalar": "np.real(x[0] * (1 + 2j))",
    "add": "np.sum(np.abs(x + 1j) ** 2)",
    "sub": "np.abs(x[1] - 1j)",
    "rsub": "np.sum(np.abs(1j - x))",
    "kron": "np.sum(np.abs(np.kron(x, c)))",
    "matmul": "np.abs(np.matmul(x, c))",
    "matmul_left": "np.abs(c @ x)",
    "angle": "np.sum(np.angle(x * c))",
    "exp_phase": "np.sum(np.imag(np.exp(1j * x) * c))",
    "real_of_product": "np.real(np.sum(x * c) ** 2)",
}


@pytest.mark.parametrize("name", sorted(REAL_MEETS_COMPLEX))
def test_real_input_gets_a_real_cotangent(name):
    f = load_function(f"def f(x):\n    return {REAL_MEETS_COMPLEX[name]}\n", c=C3)
    x = np.array([0.4, -1.3, 0.9])
    g = grad(f)(x)
    assert not np.iscomplexobj(g), g
    np.testing.assert_allclose(g, num_grad(f, x), rtol=1e-5, atol=1e-6)
    v = np.array([1.0, -0.5, 0.25])
    _, t = vjp(f, x)
    assert not np.iscomplexobj(t(1.0))
    want = (grad(f)(x + EPS * v) - grad(f)(x - EPS * v)) / (2 * EPS)
    h = hvp(f)(x, v)
    assert not np.iscomplexobj(h)
    np.testing.assert_allclose(h, want, rtol=1e-4, atol=1e-5)


def test_real_input_scalar():
    f = load_function("def f(x):\n    return np.real(x * (1 + 2j))\n")
    g = grad(f)(1.5)
    assert g == 1.0 and not np.iscomplexobj(g)


def test_complex_input_gets_a_complex_cotangent():
    f = load_function("def f(x):\n    return np.sum(np.real(x))\n")
    g = grad(f)(1j)
    assert np.iscomplexobj(g) and g == 1.0
    g = grad(f)(np.array([1j, 2.0 + 0j]))
    assert np.iscomplexobj(g)
    np.testing.assert_allclose(g, [1.0, 1.0])


def test_real_part_of_a_garbage_cotangent_is_dropped():
    # the cotangent of the real value np.real(w) meets the complex c: only its real
    # part may flow back into w
    f = load_function("def f(w):\n    y = np.real(w)\n    return np.sum(np.abs(y * c) ** 2)\n",
                      c=C3)
    np.testing.assert_allclose(grad(f)(Z3), complex_cotangent(f, Z3), rtol=1e-5, atol=1e-6)


_Z43 = _rng.normal(size=(4, 3)) + 1j * _rng.normal(size=(4, 3))
_W43 = _rng.normal(size=(4, 3)) + 1j * _rng.normal(size=(4, 3))
_W33 = _rng.normal(size=(3, 3)) + 1j * _rng.normal(size=(3, 3))
_B42 = _rng.normal(size=(4, 2)) + 1j * _rng.normal(size=(4, 2))
# wide: zgesdd leaves row 0 of U real only up to rounding (~1e-16; it was refused)
_Z35 = np.random.RandomState(0).randn(3, 5) + 1j * np.random.RandomState(1).randn(3, 5)
_Z235 = np.random.RandomState(2).randn(2, 3, 5) + 1j * np.random.RandomState(3).randn(2, 3, 5)

# np.linalg on complex matrices (issue 17: right, not refused). The losses read
# the eigen/singular vectors in ways that depend on their phase, which the rules
# take from LAPACK (a real row); the Hermitian ones read one triangle.
LINALG_COMPLEX = {
    "pinv": ("np.sum(np.abs(np.linalg.pinv(x)) ** 2)", _Z43),
    "pinv_wide": ("np.sum(np.real(np.linalg.pinv(x) * w))", _Z43.T),
    "slogdet": ("np.sum(np.real(np.linalg.slogdet(x)[0] * (0.3 + 2j))) + np.linalg.slogdet(x)[1]", ZM),
    "svdvals": ("np.sum(np.linalg.svd(x, compute_uv=False) ** 2)", _Z43),
    "svd_s": ("np.sum(np.linalg.svdvals(x) ** 3)", _Z43.T),
    "svd_tall": ("np.sum(np.real(np.linalg.svd(x, full_matrices=False)[0] * w))"
                 " + np.sum(np.imag(np.linalg.svd(x, full_matrices=False)[2] * w[:3])) ** 2", _Z43),
    "svd_wide": ("np.sum(np.real(np.linalg.svd(x, full_matrices=False)[2] * w.T))"
                 " + np.sum(np.abs(np.linalg.svd(x, full_matrices=False)[0] - w[:3]) ** 2)", _Z43.T),
    "svd_wide_abs": ("np.sum(np.abs(np.linalg.svd(x, full_matrices=False)[0]) ** 3)"
                     " + np.sum(np.linalg.svd(x, full_matrices=False)[1] ** 2)"
                     " + np.sum(np.abs(np.linalg.svd(x, full_matrices=False)[2]) ** 3)", _Z35),
    "svd_wide_phase": ("np.sum(np.real(np.linalg.svd(x, full_matrices=False)[2] * w[:3, :1]))"
                       " + np.sum(np.imag(np.linalg.svd(x, full_matrices=False)[0] * w[:3, :3]))", _Z35),
    "svd_wide_batched": ("np.sum(np.abs(np.linalg.svd(x, full_matrices=False)[0] - w[:3, :3]) ** 2)"
                         " + np.sum(np.real(np.linalg.svd(x, full_matrices=False)[2]) ** 2)", _Z235),
    "svd_square": ("np.sum(np.real(np.linalg.svd(x)[0] * v) + np.imag(np.linalg.svd(x)[2] * v.T))", ZM),
    "eigvalsh": ("np.sum(np.linalg.eigvalsh(x) ** 3)", ZM),
    "eigvalsh_U": ("np.sum(np.linalg.eigvalsh(x, 'U') ** 3)", ZM),
    "eigh": ("np.sum(np.real(np.linalg.eigh(x)[1] * v)) + np.sum(np.linalg.eigh(x)[0] ** 2)", ZM),
    "eigh_U": ("np.sum(np.imag(np.linalg.eigh(x, UPLO='U')[1] * v) ** 2)", ZM),
    "cholesky": ("np.sum(np.real(np.linalg.cholesky(x @ np.conj(x.T)) * v))", ZM),
    "cholesky_upper": ("np.sum(np.imag(np.linalg.cholesky(x, upper=True) * v.T) ** 2)", ZM @ np.conj(ZM.T)),
    "qr": ("np.sum(np.real(np.linalg.qr(x)[0] * w)) + np.sum(np.imag(np.linalg.qr(x)[1] * v))", _Z43),
    "qr_r": ("np.sum(np.abs(np.linalg.qr(x, mode='r') - v) ** 2)", _Z43),
    "lstsq": ("np.sum(np.real(np.linalg.lstsq(x, b)[0] * v[:, :2])) + np.sum(np.linalg.lstsq(x, b)[1])"
              " + np.sum(np.linalg.lstsq(x, b)[3] ** 2)", _Z43),
    "pinv_hermitian": ("np.sum(np.real(np.linalg.pinv(x, hermitian=True) * v))", ZM),
    "svd_hermitian": ("np.sum(np.linalg.svd(x, hermitian=True)[1] ** 3)"
                      " + np.sum(np.real(np.linalg.svd(x, hermitian=True)[0] * v))"
                      " + np.sum(np.imag(np.linalg.svd(x, hermitian=True)[2] * v))", ZM),
    "svdvals_hermitian": ("np.sum(np.linalg.svd(x, compute_uv=False, hermitian=True) ** 3)", ZM),
    "lstsq_vector": ("np.sum(np.abs(np.linalg.lstsq(x, b[:, 0])[0]) ** 2)", _Z43),
}


@pytest.mark.parametrize("name", sorted(LINALG_COMPLEX))
def test_linalg_of_complex_matrices(name):
    expr, z = LINALG_COMPLEX[name]
    f = load_function(f"def f(x):\n    return {expr}\n", v=_W33, w=_W43, b=_B42)
    want = complex_cotangent(f, z)
    got = grad(f)(z)
    assert np.iscomplexobj(got) and np.shape(got) == np.shape(z)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    dz = _rng.normal(size=np.shape(z)) + 1j * _rng.normal(size=np.shape(z))
    _, t = jvp(f, (z,), (dz,))
    assert not np.iscomplexobj(t)
    np.testing.assert_allclose(t, (f(z + EPS * dz) - f(z - EPS * dz)) / (2 * EPS), rtol=1e-5, atol=1e-6)
    # order two: the derivative of the gradient along dz
    g = grad(f)
    want2 = (g(z + EPS * dz) - g(z - EPS * dz)) / (2 * EPS)
    np.testing.assert_allclose(hvp(f)(z, dz), want2, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(jvp(g, (z,), (dz,))[1], want2, rtol=1e-4, atol=1e-5)


def test_real_matrix_with_complex_right_hand_side_in_lstsq():
    """A real a with a complex b: the cotangent of a is real (it was the
    real-matrix formula applied to complex values: wrong numbers)."""
    f = load_function("def f(a, b):\n    return np.sum(np.abs(np.linalg.lstsq(a, b)[0]) ** 2)"
                      " + np.sum(np.linalg.lstsq(a, b)[1])\n")
    a, b = np.real(_Z43), _B42
    ga, gb = grad(f, wrt=(0, 1))(a, b)
    assert not np.iscomplexobj(ga)
    np.testing.assert_allclose(ga, num_grad(lambda x: f(x, b), a), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gb, complex_cotangent(lambda y: f(a, y), b), rtol=1e-5, atol=1e-6)


def test_solve_sylvester_with_real_matrices_and_a_complex_q_is_refused():
    """SciPy's own solution is wrong there (it hands the real Schur form of a
    real matrix with complex eigenvalues to the complex triangular solver)."""
    f = load_function("import scipy.linalg\n\n\ndef f(a, b, q):\n"
                      "    return np.sum(np.abs(scipy.linalg.solve_sylvester(a, b, q)) ** 2)\n")
    a = np.array([[1.0, -2.0, 0.0], [2.0, 1.0, 0.3], [0.0, 0.1, 2.0]])   # eigenvalues 1 +- 2j, ...
    b = np.array([[3.0, 0.5], [0.2, 2.0]])
    q = _Z43[:3, :2]
    for call in (lambda: grad(f, wrt=2)(a, b, q), lambda: jvp(f, (a, b, q), (a, b, q))):
        with pytest.raises(SrcdiffError, match="solve_sylvester") as info:
            call()
        # the error names the user's line
        with open(info.value.filename) as fh:
            assert "solve_sylvester(a, b, q)" in fh.read().splitlines()[info.value.lineno - 1]
    # complex a and b are differentiated
    ac, bc = a + 0j, b + 0j
    np.testing.assert_allclose(grad(f, wrt=2)(ac, bc, q), complex_cotangent(lambda y: f(ac, bc, y), q),
                               rtol=1e-5, atol=1e-6)


# =================================================================================
# class 7: edge values
# =================================================================================

def test_std_of_equal_values():
    f = load_function("def f(x):\n    return np.std(x)\n")
    assert grad(f)(3.5) == 0.0
    np.testing.assert_array_equal(grad(f)(np.full(3, 2.0)), np.zeros(3))
    assert jvp(f, (np.full(3, 2.0),), (np.ones(3),))[1] == 0.0
    g = load_function("def g(x):\n    return np.nanstd(x)\n")
    np.testing.assert_array_equal(grad(g)(np.full(3, 2.0)), np.zeros(3))


POWER_ZERO = {
    "operator": "x ** 0.0",
    "np_power": "np.power(x, 0.0)",
    "float_power": "np.float_power(x, 0.0)",
    "math_pow": "math.pow(x, 0.0)",
}


@pytest.mark.parametrize("name", sorted(POWER_ZERO))
def test_power_zero_at_zero(name):
    f = load_function(f"def f(x):\n    return {POWER_ZERO[name]}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # no division by zero anywhere
        assert grad(f)(0.0) == 0.0
        assert jvp(f, (0.0,), (1.0,))[1] == 0.0
        assert grad(f)(2.0) == 0.0


def test_power_exponent_variable_at_zero():
    f = load_function("def f(x, y):\n    return x ** y\n")
    gx, gy = grad(f, wrt=(0, 1))(0.0, 0.0)
    assert gx == 0.0 and gy == 0.0
    gx, gy = grad(f, wrt=(0, 1))(2.0, 3.0)
    assert gx == pytest.approx(12.0) and gy == pytest.approx(8.0 * math.log(2.0))


MASKED = {   # reverse mode: an infinite cotangent (sqrt at 0) where the mask is 0
    "maximum": ("np.sum(np.sqrt(np.maximum(x, 0.0)))", [-1.0, -0.5]),
    "minimum": ("np.sum(np.sqrt(-np.minimum(x, 0.0)))", [1.0, 0.5]),
    "fmax": ("np.sum(np.sqrt(np.fmax(x, 0.0)))", [-1.0, -0.5]),
    "fmin": ("np.sum(np.sqrt(-np.fmin(x, 0.0)))", [1.0, 0.5]),
    "abs": ("np.sum(np.sqrt(np.abs(x)))", [0.0, 0.0]),
    "fabs": ("np.sum(np.sqrt(np.fabs(x)))", [0.0, 0.0]),
    "builtin_abs": ("np.sqrt(abs(x[0]))", [0.0, 1.0]),
    "clip": ("np.sum(np.sqrt(np.clip(x, 0.0, 1.0)))", [-1.0, -0.5]),
    "where": ("np.sum(np.sqrt(np.where(x > 0, x, 0.0)))", [-1.0, -0.5]),
    "max_reduction": ("np.sqrt(np.max(np.r_[x, 0.0]))", [-1.0, -0.5]),
}


@pytest.mark.parametrize("name", sorted(MASKED))
def test_masks_select_in_reverse_mode(name):
    expr, x = MASKED[name]
    x = np.array(x)
    f = load_function(f"def f(x):\n    return {expr}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # sqrt'(0) = inf upstream is expected
        g = grad(f)(x)
    assert np.all(np.isfinite(g)), g
    np.testing.assert_array_equal(g[0], 0.0)


MASKED_FORWARD = {   # forward mode: an infinite tangent (sqrt at 0) where the mask is 0
    "maximum": "np.maximum(np.sqrt(x), 1.0)",
    "minimum": "np.minimum(-np.sqrt(x), -1.0)",
    "fmax": "np.fmax(np.sqrt(x), 1.0)",
    "fmin": "np.fmin(-np.sqrt(x), -1.0)",
    "where": "np.where(x > 0.5, np.sqrt(x), 1.0)",
    "clip": "np.clip(np.sqrt(x), 1.0, 2.0)",
    "abs": "np.abs(np.sqrt(x) * 0.0)",
}


@pytest.mark.parametrize("name", sorted(MASKED_FORWARD))
def test_masks_select_in_forward_mode(name):
    f = load_function(f"def f(x):\n    return np.sum({MASKED_FORWARD[name]})\n")
    x = np.array([0.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, t = jvp(f, (x,), (np.ones(2),))
    assert t == 0.0


MASK_ORDER_TWO = {
    "maximum": "np.sum(np.maximum(x, 0.5) ** 3)",
    "minimum": "np.sum(np.minimum(x, x ** 2) ** 2)",
    "abs": "np.sum(np.abs(x) ** 3)",
    "where": "np.sum(np.where(x > 0, x ** 3, np.sin(x)))",
    "fabs": "np.sum(np.fabs(x) * x)",
    "copysign": "np.sum(np.copysign(x, -1.0) * x ** 2)",
    "max_reduction": "np.max(x ** 2)",
}


@pytest.mark.parametrize("name", sorted(MASK_ORDER_TWO))
def test_mask_rules_are_twice_differentiable(name):
    f = load_function(f"def f(x):\n    return {MASK_ORDER_TWO[name]}\n")
    x = np.array([0.3, -1.7, 0.8, 2.3])
    check_order_one(f, x, V4)
    check_order_two(f, x, V4)


@pytest.mark.parametrize("func", ["fmax", "fmin"])
def test_fmax_fmin_nan_loses(func):
    f = load_function(f"def f(x, y):\n    return np.sum(np.{func}(x, y) ** 2)\n")
    x, y = np.array([1.0, np.nan, 3.0]), np.array([np.nan, 2.0, 1.0])
    gx, gy = grad(f, wrt=(0, 1))(x, y)
    want_x = [2.0, 0.0, 6.0 if func == "fmax" else 0.0]
    want_y = [0.0, 4.0, 0.0 if func == "fmax" else 2.0]
    np.testing.assert_array_equal(gx, want_x)
    np.testing.assert_array_equal(gy, want_y)


def test_maximum_tie_still_splits():
    f = load_function("def f(x, y):\n    return np.maximum(x, y)\n")
    assert grad(f, wrt=(0, 1))(1.0, 1.0) == (0.5, 0.5)


NORM_AT_ZERO = ["np.linalg.norm(x)", "np.linalg.norm(x, 3)", "np.linalg.norm(x, 1)",
                "np.linalg.vector_norm(x)", "np.linalg.norm(x.reshape(2, 2), 'fro')",
                "np.linalg.matrix_norm(x.reshape(2, 2))", "np.sum(np.hypot(x, 0.0 * x))",
                "np.hypot(x[0], x[1]) + np.hypot(x[2], x[3])", "math.hypot(x[0], x[1], x[2]) + math.hypot(x[3], 0.0)"]


@pytest.mark.parametrize("expr", NORM_AT_ZERO)
def test_norm_at_the_zero_vector(expr):
    f = load_function(f"def f(x):\n    return {expr}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(grad(f)(np.zeros(4)), np.zeros(4))
        assert jvp(f, (np.zeros(4),), (np.ones(4),))[1] == 0.0
    check_order_one(f, X4, V4)


def test_expit_saturates_to_zero():
    special = pytest.importorskip("scipy.special")
    f = load_function("def f(x):\n    return np.sum(special.expit(x))\n", special=special)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(grad(f)(np.array([-800.0, 800.0])), [0.0, 0.0])


def test_tensor_sigmoid_and_relu_edges():
    from srcdiff.tensor import tensor
    x = tensor([-800.0, 0.0, 800.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = x.sigmoid()
        y.sum().backward()
    np.testing.assert_allclose(y.data, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(x.grad.data, [0.0, 0.25, 0.0])
    x = tensor([-1.0, 0.0, 2.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x.relu().sqrt().sum().backward()     # sqrt'(0) = inf where relu is 0
    assert x.grad.data[0] == 0.0 and x.grad.data[1] == 0.0
    assert x.grad.data[2] == pytest.approx(0.5 / math.sqrt(2.0))


CUMPROD_ORDER_TWO = {
    "cumprod": "np.sum(np.cumprod(x) ** 2)",
    "cumprod_axis": "np.sum(np.cumprod(x.reshape(2, 3), axis=1) * x.reshape(2, 3))",
    "cumprod_axis0": "np.sum(np.cumprod(x.reshape(2, 3), axis=0) ** 2)",
    "cumulative_prod": "np.sum(np.cumulative_prod(x, include_initial=True) * np.arange(7.0))",
    "multiply_accumulate": "np.sum(np.multiply.accumulate(x) * x)",
}


@pytest.mark.parametrize("x", [[0.5, 1.3, -0.8, 0.7, 1.1, -1.4], [0.5, 0.0, 1.2, 0.7, 0.0, 2.0]],
                         ids=["no_zero", "zeros"])
@pytest.mark.parametrize("name", sorted(CUMPROD_ORDER_TWO))
def test_cumprod_at_order_two_also_with_zeros(name, x):
    """Second derivatives by recurrences (no division: exact where entries are 0)."""
    f = load_function(f"def f(x):\n    return {CUMPROD_ORDER_TWO[name]}\n")
    x, v = np.array(x), np.array([0.3, -0.7, 1.1, 0.4, -0.2, 0.9])
    check_order_one(f, x, v)
    check_order_two(f, x, v)
    _, t = jvp(grad(f), (x,), (v,))
    np.testing.assert_allclose(t, (grad(f)(x + EPS * v) - grad(f)(x - EPS * v)) / (2 * EPS), rtol=1e-4,
                               atol=1e-5)


@pytest.mark.parametrize("n", [-2, -1, 0, 1, 2, 3])
def test_matrix_power_at_order_two(n):
    """The derivative of A^n is a block of a matrix power: every order is one."""
    f = load_function(f"def f(x):\n    A = x.reshape(2, 2, 2) + 2.0 * np.eye(2)\n"
                      f"    return np.sum(np.linalg.matrix_power(A, {n}) ** 2)\n")
    x = np.array([0.3, -0.5, 0.2, 0.4, -0.1, 0.6, 0.5, -0.3])
    v = np.array([0.2, 0.1, -0.4, 0.3, 0.5, -0.2, 0.1, 0.7])
    check_order_one(f, x, v)
    check_order_two(f, x, v)


CROSS_SHAPES = {   # (a's last axis, b's last axis): 2-vectors are refused, never differentiated
    "2x2": ((2, 2), (2, 2)), "2x3": ((2, 2), (2, 3)), "3x2": ((2, 3), (2, 2)),
}


@pytest.mark.parametrize("wrt", [0, 1, (0, 1)])
@pytest.mark.parametrize("shapes", sorted(CROSS_SHAPES))
def test_cross_of_two_vectors_is_refused_whatever_is_differentiated(shapes, wrt):
    f = load_function("def f(a, b):\n    return np.sum(np.sin(np.cross(a, b)))\n")
    sa, sb = CROSS_SHAPES[shapes]
    a, b = np.linspace(0.1, 0.9, np.prod(sa)).reshape(sa), np.linspace(-0.7, 0.4, np.prod(sb)).reshape(sb)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)     # NumPy's for 2-vectors
        try:
            np.cross(a, b)
        except ValueError:
            pytest.skip("this NumPy no longer computes np.cross of 2-vectors (the call itself fails)")
        with pytest.raises(srcdiff.SrcdiffError, match="2-vectors"):
            grad(f, wrt=wrt)(a, b)


def test_cross_of_three_vectors_with_default_axes():
    f = load_function("def f(x):\n    a, b = x[:6].reshape(2, 3), x[6:].reshape(2, 3)\n"
                      "    return np.sum(np.sin(np.cross(a, b)) * a)\n")
    x, v = np.linspace(-0.8, 0.9, 12), np.cos(np.arange(12.0))
    check_order_one(f, x, v)
    check_order_two(f, x, v)
