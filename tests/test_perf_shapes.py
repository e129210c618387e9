"""Numeric checks of the symbolic shapes of slices (``u[1:-1]``, ``u[2:]`` and
``u[:-2]`` have one length for any ``u``; a parameter keeps its shape through
``u = u_new``, ``u_new = u.copy()``), which drop ``unbroadcast`` calls and
shape saves; of copy propagation; of an ``add_at`` merged into the
``replace_at`` before it. Adversarial cases: the shapes do differ (a
broadcasting ``k``, slices of different lengths, a value whose shape changes
in a loop, lists that grow), and there the helpers must stay."""
import os
import sys

import numpy as np
import pytest

import srcdiff
from numeric import load_function, assert_grads, numeric_grad


def _check(src, args, wrt, rtol=1e-5, atol=1e-6):
    f = load_function(src)
    df = srcdiff.grad(f, wrt=wrt)
    assert_grads(f, df, args, wrt, rtol=rtol, atol=atol)
    return srcdiff.source(df)


from test_perf_loops import HEAT   # (the heat workload's source)

RNG = np.random.default_rng(3)


def test_heat_scalar_k_lean():
    src = _check(HEAT, (RNG.uniform(0, 1, (7, 6)), 0.2, 3), (0, 1))
    # the slices' shapes are one: no unbroadcast among them, no saved shapes
    # of the sums; the zeroing and the add at the written slot are one write
    assert src.count("unbroadcast(") <= 3 and src.count("shape_of(") <= 2
    assert "zero_at" not in src and "add_at_owned" not in src
    assert src.count("add_at(") == 4
    assert "dt_7 = " not in src      # (copies propagated)


@pytest.mark.parametrize("kshape", [(5, 4), (1, 4), (5, 1), (1, 1), (2, 5, 4), (1, 5, 4)])
def test_heat_array_k(kshape):
    # k broadcasts against the slices (and may add a leading axis: then
    # the write broadcasts into the slot); the helpers that depend on k stay
    u = RNG.uniform(0, 1, (7, 6))
    k = RNG.uniform(0.05, 0.2, kshape)
    if len(kshape) == 3 and kshape[0] != 1:
        with pytest.raises(ValueError):
            load_function(HEAT)(u, k, 2)
        return
    _check(HEAT, (u, k, 2), (0, 1))


def test_heat_1d_and_3d():
    # the same stencil code on arrays of another rank (rank is never assumed)
    src1 = """
        def f(u, k, steps):
            for step in range(steps):
                u_new = u.copy()
                u_new[1:-1] = u[1:-1] + k * (u[2:] + u[:-2] - 2.0 * u[1:-1])
                u = u_new
            return np.sum(u ** 2)
    """
    _check(src1, (RNG.uniform(0, 1, 9), 0.3, 3), (0, 1))
    _check(HEAT, (RNG.uniform(0, 1, (6, 5, 3)), 0.1, 2), (0, 1))


def test_slices_of_different_lengths():
    src = """
        def f(u, w):
            a = u[1:-1] * w[2:]
            b = u[2:] + u[:-1][1:]
            c = a * b + u[:-3]
            return np.sum(c * u[3:])
    """
    # lengths n-2, n-2, n-2, n-3, n-3: the mixed ones broadcast only where
    # n-2 or n-3 is 1 -- use a length where the sums are exact
    src2 = """
        def f(u, w):
            a = u[1:-1] * w[2:]
            b = u[2:] + u[:-1][1:]
            return np.sum(a * b * u[:-2])
    """
    _check(src2, (RNG.standard_normal(8), RNG.standard_normal(8)), (0, 1))
    # u of length 4: u[1:-1] (2) against w[2:] of w of length 3 (1): broadcasts
    _check(src2, (RNG.standard_normal(4), RNG.standard_normal(3)), (0, 1))
    f = load_function(src)
    with pytest.raises(ValueError):
        f(RNG.standard_normal(8), RNG.standard_normal(8))
    # n = 4: u[1:-1], u[2:] have length 2, u[:-3], u[3:] length 1: broadcasts
    _check(src, (RNG.standard_normal(4), RNG.standard_normal(4)), (0, 1))


def test_shape_changes_in_loop():
    # u grows in the loop: its shape at entry is not its shape later
    src = """
        def f(u, k, steps):
            for step in range(steps):
                v = u[1:] * k + u[:-1]
                u = np.concatenate([v, u[:2]])
            return np.sum(u ** 2)
    """
    _check(src, (RNG.standard_normal(5), 0.7, 3), (0, 1))
    src_shrink = """
        def f(u, k, steps):
            for step in range(steps):
                u = u[1:] * k + u[:-1]
            return np.sum(u ** 2)
    """
    _check(src_shrink, (RNG.standard_normal(7), 0.7, 3), (0, 1))
    _check(src_shrink, (RNG.standard_normal((7, 2)), RNG.standard_normal(2), 3), (0, 1))


def test_list_that_grows():
    # a list's length changes in place: no shape is trusted for it
    src = """
        def f(x, w):
            xs = [x, x * w]
            xs.append(x + w)
            a = np.stack(xs)
            b = np.stack(xs[1:])
            return np.sum(a[1:] * b) + np.sum(a[:-1] * w)
    """
    _check(src, (RNG.standard_normal(3), RNG.standard_normal(3)), (0, 1))


def test_merge_into_replace_at_with_overlapping_adds():
    # the add at the written slot folds into replace_at; the other adds
    # overlap it (sums commute)
    src = """
        def f(u, c):
            for i in range(2):
                v = u.copy()
                v[1:-1] = u[1:-1] * c + u[:-2] - u[2:] * u[1:-1]
                u = v
            return np.sum(np.sin(u))
    """
    _check(src, (RNG.standard_normal(8), 0.6), (0, 1))
    _check(src, (RNG.standard_normal((8, 3)), RNG.standard_normal(3)), (0, 1))
    _check(src, (RNG.standard_normal((8, 3)), RNG.standard_normal((6, 1))), (0, 1))


def test_copy_propagation_keeps_loop_carried_values():
    src = """
        def f(x, n):
            a = x
            s = 0.0
            for i in range(n):
                b = a
                s = s + np.sum(b * x)
                a = b * 0.9 + x
            return s + np.sum(a)
    """
    _check(src, (RNG.standard_normal(4), 3), (0,))


def test_second_order_through_heat():
    # derivatives of the generated code (replace_at, sum_product) are exact too
    f = load_function(HEAT)
    u, v = RNG.uniform(0, 1, (5, 5)), RNG.standard_normal((5, 5))
    got = srcdiff.hvp(f)(u, 0.2, 2, v)
    df = srcdiff.grad(f)
    eps = 1e-6
    want = (df(u + eps * v, 0.2, 2) - df(u - eps * v, 0.2, 2)) / (2 * eps)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_a_thousand_statement_function():
    """A gradient that collects ~750 contributions to one parameter: written as
    several sums of at most optimize.MAX_MERGED_TERMS terms (one sum of all of them
    was nested too deep: RecursionError in the code generator)."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from benchmarks.transform_time import straight
    f = load_function(straight(1000))
    x, w = np.linspace(0.1, 1.0, 5), 0.3
    gx, gw = srcdiff.grad(f, wrt=(0, 1))(x, w)
    np.testing.assert_allclose(gx, numeric_grad(f, (x, w), 0), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gw, numeric_grad(f, (x, w), 1), rtol=1e-5, atol=1e-7)
