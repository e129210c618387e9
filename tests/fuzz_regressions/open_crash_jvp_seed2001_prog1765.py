"""OPEN BUG found by tools/fuzz.py (seed 2001, program 1765, not shrunk yet):
crash: jvp UnboundLocalError. Shrink it with `python tools/fuzz.py --shrink FILE`, fix, then remove
the XFAIL line.
"""
import math
import numpy as np

W0 = np.linspace(-0.5, 0.5, 5)

def h1(a2, a3, a4, scale=0.88):
    if W0[4] > -0.01:
        a2 = scale - a2
        i5 = 0
        while i5 < 2:
            if not np.sum(a2) > 0.51:
                if np.mean(a3) <= -0.59:
                    break
                r6 = np.linspace(0.1, 0.9, 5).reshape(1, 5) ** 2 * (0.5 * np.fmin(np.linspace(0.1, 0.9, 5).reshape(1, 5), W0))
            else:
                scale = np.tanh((0.5 * (scale + a2)).sum()) * (np.linspace(-0.18, 0.24, 4)[:, None] * (W0 if np.sum(0.5 * np.ones((4, 1))) > -0.1 or np.sum(a4) > -0.69 else W0))[-3, -4]
                w7 = np.linspace(-0.6, 0.55, 4) + scale
                scale = np.sin(np.cosh(np.tanh(scale)))
                v8 = np.exp(0.5 * np.sin(W0))
            v9 = scale + scale + np.square(scale) + np.dot(a3 - a3, a4.T.T) / (1.0 + np.square(np.dot(a3 - a3, a4.T.T)))
            scale = math.sin(scale)
            i5 += 1
    else:
        v10 = np.zeros(5)
        for i11 in range(5):
            v10[i11] = scale
        if a4[-3][-4] > 0.34:
            scale = scale * 1.0
        if math.tanh(np.abs(scale)) >= 0.15:
            i12 = 0
            while np.mean(1.0 / (1.5 + np.cos(a3))) < 0.08 and i12 < 1:
                A13 = a4
                v14 = scale * np.linspace(-1.0, 1.0, 5)
                if np.sum(np.exp(np.tanh(np.tanh(np.sum(a4, axis=1))))) > -1.22:
                    break
                v10 -= math.cos(np.tanh(a3 @ a3))
                i12 += 1
            else:
                scale = scale * scale
    return np.exp(np.tanh(scale))

def f(n, A, flag, xs):
    v15 = W0.copy()
    v15 = np.mean(A) / (1.0 + v15 * v15)
    i16 = 0
    while np.sum(np.linspace(-1.0, 1.0, 20).reshape(4, 5)) > 0.12 and i16 < 4:
        for i17 in range(1, 2):
            if np.sum(A / (1.0 + np.square(A))) > 0.09:
                break
            A18 = A
            v15 = W0 * -0.73
        L19 = [np.sin(math.exp(math.tanh(np.mean(A))) + np.maximum(v15, np.linspace(-0.64, 0.47, 5))), 0.238 * np.where((np.abs(W0) if np.exp(-np.square(v15))[i16] > 0.26 else np.linspace(0.1, 0.9, 5).reshape(1, 5)[0]) > np.tanh((A + A).sum(axis=0)), np.abs(W0) if np.exp(-np.square(v15))[i16] > 0.26 else np.linspace(0.1, 0.9, 5).reshape(1, 5)[0], W0 - np.sum(W0) - np.mean(A)), np.mean(A, axis=0), np.sqrt(np.square(v15) + 0.5)]
        L20 = [np.tanh(v15 / (1.5 + np.cos(np.mean(v21))) + math.cos(float(np.sum(W0) * -0.03))) for v21 in xs]
        i16 += 1
    v15[::2] = np.sinh(np.sin(np.sum(A) / (1.0 + np.square(np.sum(A)))))
    for i22 in range(2):
        s23 = v15[0] * 1.0
        v24 = (np.exp(0.5 * np.sin(np.sqrt(1.0 + W0 ** 2))) + (v15 ** 2 + abs(v15))).copy()
        v24[1:-1] = 0.5 * (v24[2:] - v24[:-2]) + v24[1:-1]
        v15[4:5] = np.tanh(A[:, i22] - s23)[3:4]
        A = A
        L25 = []
        for i26 in range(1):
            for i28, v27 in enumerate(xs):
                A29 = np.outer(A[:, n], A[i28 % 4]) ** 2
                A29[-1] = np.log1p(A29[i28 % 4] ** 2)
                A = np.tanh(A29)
                A29[:, -3] = (-0.55 + s23) * np.log(1.0 + np.square(s23 * np.ones(4)))
                v15 = v27.copy()
            w30 = np.sin(((np.mean(W0) if np.sum(s23) > 0.38 else s23) - -np.linspace(-0.37, 0.88, 4)) * (s23 - (s23 - s23 * np.ones(4))))
            L25.append(0.117 * v24)
    if flag:
        v15 *= np.mean(v15) / (1.0 + (1.0 / (1.5 + np.cos(v15)) if A[-3][4 - n] > 0.28 else np.sqrt(np.square(W0) + 0.5)) * (1.0 / (1.5 + np.cos(v15)) if A[-3][4 - n] > 0.28 else np.sqrt(np.square(W0) + 0.5)))
    return np.sum(A) + np.sum(v15 ** 2)

FUNC = 'f'
ARGS = (1, np.array([[-1.064686353411087, 1.1284132633824433, -0.007481734118196304, -1.1335162139310513, 0.9818253455131873], [-0.7311118557590068, -0.6706334454973257, -0.9699140669450932, 0.5343089768503357, -0.43661521057484853], [-0.1333489147025686, 0.5853359222208541, -0.8153097901020206, 0.8802759399735385, -0.8436785638553168], [-0.7661672127867312, 1.0421069566481156, -0.39522007294495654, 0.05797550950560515, 0.6425179245662171]]), True, [np.array([0.24455952140486392, -0.3255445205545683, 0.5508619536012627, -0.30230543598192317, 0.35986184122100173])])
WRT = (1, 3)
XFAIL = 'crash: jvp UnboundLocalError'
