"""OPEN BUG found by tools/fuzz.py (seed 5005, program 302, not shrunk yet):
crash: ValueError (boolean-mask assignment of 0 values) in generated code. Shrink it with `python tools/fuzz.py --shrink FILE`, fix, then remove
the XFAIL line.
"""
import math
import numpy as np


def f(y):
    A0 = np.array(np.cos(y[None, :]) / (1.5 + np.cos(0.5 * np.linspace(-1.0, 1.0, 12).reshape(3, 4))))
    A0[1] = np.tanh(np.dot(np.mean(A0) + np.linspace(-0.73, 0.97, 3), 0.125 * A0 ** 3))
    A0[0:1] += np.tanh(np.sum(A0)) + -0.75
    for i2, v1 in enumerate(np.cos(A0)):
        for s3 in v1:
            A0[A0 < -0.12] = np.arctan2(s3, 1.5 + np.cos(s3))
            A0 -= np.abs(np.linspace(0.1, 0.9, 4).reshape(1, 4))
            A0 = np.outer(np.linspace(-0.89, 0.93, 3), v1)
        c4 = 0.5 * np.ones((3, 1))
        v5 = A0[i2].copy()
    L6 = []
    for i7 in range(3):
        r8 = np.copy(y[None, :])
        r8[0] = 0.694 * np.square(y)
        r8[0] = np.sin(np.where(np.sum(r8) / (1.0 + np.mean(A0, axis=0) * np.mean(A0, axis=0)) > abs(np.mean(r8)), np.sum(r8) / (1.0 + np.mean(A0, axis=0) * np.mean(A0, axis=0)), np.exp(0.5 * np.sin(np.linspace(-0.01, 0.42, 4)))))
        for v9 in 0.5 * A0:
            A10 = A0.copy()
        L6.append(np.sin(A0 * A0))
    A0 = np.logaddexp(0.062 * np.sum(A0, axis=1, keepdims=True), 0.3) / (1.0 + A0 * A0)
    A11 = np.sqrt(1.0 + (0.5 * np.ones((3, 1))) ** 2) * (y - np.linspace(0.1, 0.9, 4).reshape(1, 4))
    r12 = np.linspace(0.1, 0.9, 4).reshape(1, 4) * y[None, :]
    return np.sum(r12) + 0.87 * np.sum(A11 ** 2) + 0.93 * np.sum(A0)

FUNC = 'f'
ARGS = (np.array([-0.005775393858996836, -0.8534467679861499, -0.8672792519463017, 1.143106220644207]),)
WRT = 'y'
XFAIL = 'crash: ValueError (boolean-mask assignment of 0 values) in generated code'
