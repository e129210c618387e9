"""Loops over enumerate/zip/reversed of arrays that one argument does not reach:
the gradient w.r.t. that argument keeps the loop's sequence as it is
(``as_sequence(enumerate(...))``, pushed on a stack inside an outer loop), and
forward mode of that generated code, along every argument, must follow it
(fuzz seed 99101 program 777: "no forward-mode derivative for
builtins.enumerate"). Through the public transforms, against central
differences of the gradient."""
import numpy as np
import pytest

import srcdiff


def enumerate_in_while(p, w):
    A = np.outer(p, p)
    s = 0.0
    j = 0
    while j < 2:
        for i, v in enumerate(np.exp(0.5 * A)):
            s = s + np.sum(v * w) * (i + j)
        A = A * 0.5
        j += 1
    return s


def listed_pairs(p, w):
    pairs = list(enumerate(np.exp(0.3 * np.outer(p, p))))
    s = 0.0
    for i, v in pairs:
        s = s + np.sum(v * w) * (i + 1)
    for i, v in reversed(pairs):
        s = s + np.sum(np.sin(v) * w) * i
    return s


def zipped_in_for(p, w):
    s = 0.0
    for k in range(2):
        for a, b in zip(np.tanh(np.outer(p, p)), np.cos(p)):
            s = s + np.sum(a * w) * b * (k + 1)
    return s


P = np.array([0.1, 0.2, 0.3])
W = np.array([1.0, 2.0, 3.0])
DP = np.array([0.3, -0.2, 0.5])
DW = np.array([1.0, -1.0, 0.5])
EPS = 1e-6


@pytest.mark.parametrize("f", [enumerate_in_while, listed_pairs, zipped_in_for])
@pytest.mark.parametrize("wrt", [0, 1])
def test_forward_mode_of_the_gradient_along_both_arguments(f, wrt):
    g = srcdiff.grad(f, wrt=wrt)
    want = (g(P + EPS * DP, W + EPS * DW) - g(P - EPS * DP, W - EPS * DW)) / (2 * EPS)
    np.testing.assert_allclose(srcdiff.jvp(g, (P, W), (DP, DW))[1], want, rtol=1e-5, atol=1e-7)
    # and reverse over reverse: the mixed block of the Hessian
    J = srcdiff.jacobian(g, wrt=1 - wrt)(P, W)
    other = DW if wrt == 0 else DP
    fd = (g(P + EPS * DP * (wrt == 1), W + EPS * DW * (wrt == 0))
          - g(P - EPS * DP * (wrt == 1), W - EPS * DW * (wrt == 0))) / (2 * EPS)
    np.testing.assert_allclose(J @ other, fd, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("f", [enumerate_in_while, listed_pairs, zipped_in_for])
def test_gradient_and_hvp(f):
    g = srcdiff.grad(f, wrt=0)
    fd = np.array([(f(P + EPS * e, W) - f(P - EPS * e, W)) / (2 * EPS) for e in np.eye(3)])
    np.testing.assert_allclose(g(P, W), fd, rtol=1e-6, atol=1e-8)
    want = (g(P + EPS * DP, W) - g(P - EPS * DP, W)) / (2 * EPS)
    np.testing.assert_allclose(srcdiff.hvp(f, wrt=0)(P, W, DP), want, rtol=1e-5, atol=1e-7)
