"""A field read from an object is the object's memory.

``w = res.S`` for ``res = np.linalg.svd(A)`` names the array the result holds:
``w[1:2] *= 0.74`` changes ``res.S`` too. The clean-up pass that folds a
single-use temporary into its reader (optimize.forward_substitute) grouped
names by views (``x.T``, ``x[...]``, ``x.reshape(...)``) but not by fields,
so ``B = res.U @ np.diag(res.S) @ res.Vh``, a value no derivative needs,
was moved past the write into ``w`` and read the written singular values:
the function's own value, as ``vjp`` and ``value_and_grad`` returned it, was
wrong (7.089 for 7.217; fuzz seed 18001 program 1876), and so was every
derivative that value feeds (``B * t``).

Writing into a field of a named tuple the function builds itself is refused
(srcdiff does not follow writes through aliases); the hint names the item to
copy (``a = p[0].copy()``), not the whole holder."""
import copy

import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

MOD = load_module('''
import collections

Pair = collections.namedtuple("Pair", "a b")


def svd_field_written(t):
    A = np.linspace(0.0, 1.0, 6).reshape(2, 3) + np.eye(2, 3)
    res = np.linalg.svd(A, full_matrices=False)
    w = res.S
    B = res.U @ np.diag(res.S) @ res.Vh
    w[1:2] *= 0.74
    return np.sum(B) * t[0] + np.mean(w) * t[0] ** 2


def svd_field_written_active(t):
    A = np.tanh(t[0] * np.ones((2, 3))) + np.linspace(0.0, 1.0, 6).reshape(2, 3) \\
        + np.eye(2, 3) * np.linspace(1.0, 2.0, 3)
    res = np.linalg.svd(A, full_matrices=False)
    w = res.S
    B = res.U @ np.diag(res.S) @ res.Vh
    w[1:2] *= 0.74
    return np.sum(B) + np.mean(w)


def eigh_field_written(t):
    M = np.array([[2.0, 0.3], [0.3, 1.0]])
    res = np.linalg.eigh(M)
    lam = res.eigenvalues
    E = res.eigenvalues ** 2
    lam *= 3.0
    return np.sum(E) * np.sin(t[0]) + np.sum(lam) * t[0]


def qr_field_of_a_product(t):
    res = np.linalg.qr(np.array([[2.0, 0.5], [0.1, 1.0]]))
    r = res.R
    d = np.diag(res.Q @ res.R)
    r[0, 0] = 0.0
    return np.sum(d) * t[0] + np.sum(r) * t[0] ** 2


def slogdet_then_field_written(t):
    res = np.linalg.svd(np.outer(t * np.ones(2), np.linspace(1.0, 2.0, 3))
                        + np.eye(2, 3), full_matrices=False)
    w = res.S
    s = np.sum(np.sqrt(res.S))
    w[0] = w[0] * 0.5
    return s + np.sum(w)


def namedtuple_field_written(t):
    p = Pair(np.sin(t * np.ones(3)), np.cos(t))
    a = p.a
    s = np.sum(p.a * p.a)
    a[1] = 2.0 * t[0]
    return s + np.sum(a) + np.sum(p.b)
''')

NAMES = ["svd_field_written", "svd_field_written_active", "eigh_field_written",
         "qr_field_of_a_product", "slogdet_then_field_written"]


@pytest.mark.parametrize("t", [-0.7, 0.4])
@pytest.mark.parametrize("name", NAMES)
def test_orders_one_and_two(name, t):
    assert_orders_one_and_two(getattr(MOD, name), [np.array([t])], 0, np.array([1.0]))


@pytest.mark.parametrize("name", NAMES)
def test_values(name):
    f = getattr(MOD, name)
    x = np.array([0.4])
    want = f(copy.deepcopy(x))
    value, _ = srcdiff.value_and_grad(f)(x)
    np.testing.assert_allclose(value, want, rtol=1e-12)
    out, _ = srcdiff.vjp(f, x)
    np.testing.assert_allclose(out, want, rtol=1e-12)


def test_a_written_field_of_a_named_tuple_is_refused_with_the_item_to_copy():
    with pytest.raises(srcdiff.SrcdiffError, match=r"gen_\d+\.py:\d+: 'a' is written in place "
                       r"but may share memory with p(?s:.*)a = p\[0\]\.copy\(\)"):
        srcdiff.grad(MOD.namedtuple_field_written)(np.array([0.4]))
