"""OPEN BUG found by tools/fuzz.py (seed 2001, program 804, not shrunk yet):
crash: IndexError pop from empty list in generated code. Shrink it with `python tools/fuzz.py --shrink FILE`, fix, then remove
the XFAIL line.
"""
import math
import numpy as np

G0 = 1.2
W1 = np.linspace(-0.5, 0.5, 4)

def f(xs, t):
    if np.expm1(np.tanh(np.tanh(W1)))[0] > -0.11:
        for i2 in range(1, 2):
            A3 = np.where(-(0.5 * np.ones((2, 1))) > (t * np.ones((2, 4))).T.T, -(0.5 * np.ones((2, 1))), np.linspace(-0.21, 0.37, 2)[:, None] * (t * np.linspace(-1.0, 1.0, 4)))
        else:
            v4 = W1
    else:
        w5 = G0 * np.ones(2)
    v6 = np.zeros(4)
    for i7 in range(4):
        v6[i7] = -0.01
    v6 = 1.0 / (1.5 + np.cos(np.stack([G0 * np.linspace(-1.0, 1.0, 4), G0 * np.linspace(-1.0, 1.0, 4)])[-2, :]))
    v6 = v6
    for i8 in reversed(range(1)):
        w9, A10 = ((np.linspace(-1.0, 1.0, 8).reshape(2, 4) if t * G0 < 0.58 else W1[None, :] * (0.5 * np.ones((2, 1))))[:, -3], np.arctan2(np.linspace(-1.0, 1.0, 8).reshape(2, 4), 1.5 + np.cos(0.5 * np.ones((2, 1)))))
        A10 *= 0.5 + 0.5 * np.sin(t + np.sinh(np.sin(G0)) / (1.0 + np.sum(W1[3:4]) * np.sum(W1[3:4])))
        s11 = A10[-1, 3] * 1.0
        v12 = v6
    else:
        for i13 in range(3):
            t = np.tanh(np.arctan(t))
    s14 = np.linspace(-1.0, 1.0, 8).reshape(2, 4)[1][3]
    s14 = np.sinh(np.sin(np.exp(0.5 * np.sin(v6))))[-3]
    for i15 in reversed(range(2)):
        i16 = 0
        while i16 < 2:
            s17 = np.exp(-np.square(np.abs(G0))) / (1.0 + (np.tanh(np.sum(W1) ** 3) - s14 * s14) * (np.tanh(np.sum(W1) ** 3) - s14 * s14))
            if s14 >= -0.32:
                if s14 + s17 >= -0.41:
                    break
                s17 = np.tanh(s14)
            for v18 in xs:
                v18 = v18
                s14 += G0
                s14 = G0 * 1.0
            s17 *= 0.5 + 0.5 * np.sin(np.exp(np.tanh((s14 * s14 / (1.0 + np.square(s14 * s14))) ** 3)))
            i16 += 1
        if np.cos(G0) >= 0.25:
            if not np.mean(0.5 * np.ones((2, 1))) < 0.24:
                s14 = (t if np.mean(v6) >= 0.52 else t) * 1.0
                if np.mean(W1) >= 0.07:
                    continue
            else:
                pair21 = ((t * (t * np.linspace(-1.0, 1.0, 4))).reshape(1, 4), np.min(v6) - abs(np.log(1.0 + np.square(0.5 * np.ones((2, 1))))))
                r19 = pair21[0]
                c20 = pair21[-1]
        elif np.sum(np.linspace(-1.0, 1.0, 8).reshape(2, 4)) > -0.25:
            i22 = 0
            while i22 < 4:
                A23 = (W1 - 0.5 * np.ones((2, 1))).reshape(4, 2).reshape(2, 4)
                A23[1 - i15] = 0.847 * np.sinh(np.sin(v6))
                t = np.sin(np.sum(A23 ** 3))
                i22 += 1
            s14 -= np.mean(v6)
        elif np.sum(0.5 * np.ones((2, 1))) > -0.07 and np.mean(t) < -0.28:
            if np.mean(np.dot(np.linspace(-0.7, 0.08, 2), np.linspace(-1.0, 1.0, 8).reshape(2, 4))) < -0.08:
                return np.sin(G0)
        else:
            if np.sum(np.linspace(0.1, 0.9, 4).reshape(1, 4)) > 0.45:
                s14 *= W1[i15]
            i24 = 0
            while t <= -0.29 and i24 < 3:
                A25 = -(np.mean(W1) + t - (np.linspace(-0.55, 0.85, 4) - 0.5 * np.ones((2, 1))))
                w26 = t * np.ones(2)
                i24 += 1
            else:
                s27 = s14 + np.tanh(np.sum(v6))
        t = np.tanh(G0)
        v28 = v6
    if not s14 >= 0.54:
        return np.clip(v6[-1], -0.71, 0.3)
    s14 /= 1.5 + np.cos(np.exp(-np.square(np.clip(G0, -0.65, 0.7))))
    return s14

FUNC = 'f'
ARGS = ([np.array([-0.19105012819108347, -0.8435462181616125, 1.1986798967017445, -0.617175629248725]), np.array([0.22470570880911778, -0.35720807093927454, -0.8990008500340441, -0.20587200851135257])], -1.1101551097310027)
WRT = (0, 1)
XFAIL = 'crash: IndexError pop from empty list in generated code'
