"""crash: jvp(grad): RecursionError in parse.lookup_or_none. The gradient's code
rebinds a loop's sequence to itself (``x = as_sequence(x)``); the inliner
follows as_sequence(...) to the sequence it wraps (to index loops over
enumerate/zip in generated code), and a name wrapping its own earlier value
sent it round forever. It now stops there (inline._pairs / _view).

Found by tools/fuzz.py --orders 1,2 (seed 12041206, program 534; session 12),
at 31afb63; not shrunk (no time).
"""
import math
import numpy as np


def h0(a1):
    for s2 in np.sin(a1[0] ** 3):
        A4 = 0.5 * (s2 * np.ones((2, 4))) + np.eye(2, 4) * 2.0
        res3 = np.linalg.qr(A4)
        v5 = np.sum(res3.R ** 2, axis=0)
        A6 = res3.Q @ res3.R
        A7 = np.outer(0.025 * np.sum(A6, axis=1), np.sin(v5))
        w8 = np.zeros(2)
        for i9 in range(2):
            w8[i9] = np.tanh(np.mean(v5))
    return [a1[0] * 1.0, np.clip(np.linspace(-0.99, 0.75, 4), -0.25, 0.28)]

def h10(a11, a12, a13):
    a11 = a12 / (1.0 + np.expm1(np.tanh(a11)) * np.expm1(np.tanh(a11)))
    return np.sum(a12 * np.ones((2, 4)), axis=1, keepdims=True) / (1.0 + np.square(np.sum(a12 * np.ones((2, 4)), axis=1, keepdims=True)))

def f(x, flag, Ws):
    A14 = np.zeros((2, 4))
    for i15 in range(2):
        A14[i15] = np.arctan(np.concatenate([((np.linspace(-0.37, 0.75, 4) * x) ** 3)[1:], ((np.linspace(-0.37, 0.75, 4) * x) ** 3)[:1]]))
    t19 = x
    for i16 in range(1):
        buf18 = np.zeros_like(t19)
        buf18[2:4] = np.sin(t19[2:4]) * np.sum(0.5 * np.ones((2, 1)))
        t19 = 0.5 * t19 + 0.3 * np.cos(buf18) * buf18[::-1]
    if not np.mean(t19[None, :]) < 0.12:
        L20 = []
        for i21 in range(1):
            if np.mean(A14) * math.sqrt(1.0 + np.mean(x) * np.mean(x)) <= 0.5:
                A14 += np.square(A14[1:2])
            L20.append((np.linspace(-0.22, 0.83, 2) - float(np.mean(x))) / (1.0 + np.square(np.linspace(-0.22, 0.83, 2) - float(np.mean(x)))))
        if np.sum(np.tanh(np.mean(A14, axis=0) - np.tanh(np.sum(A14, axis=1, keepdims=True)))) > 0.01:
            return np.mean(A14) * (np.sum(A14) / (1.0 + np.square(np.sum(A14))))
        A14[:, 0] = np.tanh(A14[:, 0] / (1.5 + np.cos(np.tanh(np.sum(A14)) + np.linspace(-0.99, 0.16, 2))))
    A14 = A14.copy()
    v22 = np.zeros(4)
    for i23 in range(4):
        v22[i23] = t19[-2] / (1.0 + np.square(t19[-2]))
    r24 = 1.0 / (1.5 + np.cos(np.linspace(0.1, 0.9, 4).reshape(1, 4)))
    g25 = lambda z26: np.mean(v22)
    if not v22[3] > -0.41:
        w27 = np.sin(np.sum(A14, axis=1))
        L28 = (w27, 1.0)
        w27 += np.sin(w27 - w27)
        s29 = np.sum(np.sin(L28[0]))
    elif (np.cosh(np.tanh(t19)) if np.mean(np.tanh(np.sum(x) * np.mean(r24))) < -0.2 else t19 / (1.0 + np.square(t19)))[2] > -0.18:
        t19 = ((np.mean(x) * x if np.mean(np.tanh(np.sum(A14, axis=1)) / (1.5 + np.cos(np.sin(np.sum(A14, axis=1))))) < 0.34 else np.roll(np.linspace(-0.42, 0.48, 4), 1)) if np.tanh(np.sqrt(1.0 + (x if not np.mean(A14) > -0.52 else A14[1]) ** 2))[2] > -0.48 else np.mean(A14, axis=0) / (1.0 + np.square(np.mean(A14, axis=0)))) if t19[-1] > -0.24 else np.where(np.sin(v22) > x, np.sin(v22), v22)
        c30 = (0.5 * (0.5 * np.ones((2, 1)))).copy()
        c30[0, 0] = np.tanh(np.clip(A14, -0.57, 0.17) / (1.0 + np.sin(A14[:, 2][:, None] * v22) * np.sin(A14[:, 2][:, None] * v22))).sum() / (1.0 + np.square(np.tanh(np.clip(A14, -0.57, 0.17) / (1.0 + np.sin(A14[:, 2][:, None] * v22) * np.sin(A14[:, 2][:, None] * v22))).sum()))
        c30[-1, 0] = np.tanh(np.var(c30 * r24) + np.expm1(np.tanh(max(np.mean(c30), np.sin(np.sum(A14))))))
        if np.log(2.0 + np.cos(0.64 * np.sum(c30))) >= 0.58:
            if np.sum(np.sqrt(np.square(np.linspace(-0.94, 0.11, 2)) + 0.5) - np.tanh(np.mean(c30))) > -0.29:
                r24[0, -1] = g25(c30)
                v22 *= x
                x = np.log(2.0 + np.cos(np.sqrt(1.0 + (np.roll(v22, 1) + np.sqrt(np.square(t19) + 0.5)) ** 2)))
            else:
                v22 = 0.5 * A14[0]
                v31 = x
            A32 = (abs(A14[:, 1])[:, None] * np.tanh((x * np.ones((2, 1))).T @ A14[:, 2])).T.T
        x33 = np.sin(np.sqrt(np.square(v22) + 0.5) + np.sin((0.125 * np.sum(r24) if not np.sum(np.mean(v22)) > -1.38 else 0.125 * np.sum(r24)) - (-0.47 - np.mean(r24)) + np.sqrt(np.square(t19) + 0.5)))
        for W in Ws:
            h34 = x33 @ W
            x33 = h34 / (1.0 + h34 ** 2)
        s35 = np.sum(h34 ** 2) + np.sum(x33)
    else:
        for v36 in np.sinh(np.sin(A14)):
            if not t19[3] > 0.38:
                r37 = np.arctan(r24 * (0.48 + r24))
                c38 = np.arctan2(np.cos(np.sin(np.sum(A14, axis=1, keepdims=True))), 1.5 + np.cos(0.5 * np.ones((2, 1)) * (0.5 * np.ones((2, 1)))))
                c38 = np.maximum(np.sum(r37) / (1.0 + np.square(np.sum(r37))), c38)
            v39 = np.cumsum(0.148 * np.dot(np.linspace(-0.37, 0.08, 2) * -0.17 + np.mean(t19), np.sin(np.linspace(-1.0, 1.0, 8).reshape(2, 4))))
            r24 += np.tanh(np.sum(v22)) / (1.5 + np.cos(np.mean(x))) * -0.29
            r40 = 0.139 * (v39[-3] + t19) * r24
            if np.mean(0.164 * np.sqrt(1.0 + A14[0] ** 2)) < -0.32:
                break
        else:
            t19 = np.fmax(A14[0], np.mean(r24)) if np.mean(np.tanh(np.sum(A14, axis=1))) < 0.1 else np.exp(-np.square(t19)) * np.log1p(x ** 2)
        if np.sum(A14) > 0.75 or t19[3] > -0.3:
            return np.cosh(np.tanh(np.mean(r24)))
    if not v22[-3] > 0.33:
        A14[1, 1] = np.expm1(np.tanh(np.exp(0.5 * np.sin(g25(np.mean(A14, axis=-1, keepdims=True) / (1.0 + np.square(np.mean(A14, axis=-1, keepdims=True))))))))
        i41 = 0
        while i41 < 2:
            s42 = np.log1p(np.sum(x) ** 2)
            i41 += 1
    else:
        v43, r44 = (np.sinh(np.sin(v22)), r24.copy())
        x45 = v43 ** 2
        for W in Ws:
            h46 = x45 @ W
            x45 = np.sin(h46)
        s47 = np.sum(h46 ** 2) + np.sum(x45)
        v22 *= np.tanh(np.sum(np.where(0.02 * s47 > 0.5 * np.ones((2, 1)), 0.02 * s47, x45[:, None])))
        r44[0] = np.tanh(np.tanh(g25(np.tanh(np.tanh(np.sum(A14, axis=1, keepdims=True))))) - np.exp(-np.square(v43)) * np.mean(A14, axis=0) * np.linspace(-0.26, 0.43, 4))
    r24 = np.linspace(0.1, 0.9, 4).reshape(1, 4)
    A48 = A14.copy()
    A48[-2, -1] = np.mean(np.sin(np.mean(A14, axis=0) / (1.5 + np.cos(0.66))))
    A48[-2] = np.array([np.tanh(np.sum(r24)) for i49 in range(4)]) * v22
    A14 = A48
    L50 = []
    for i51 in range(1):
        c52 = 0.138 * (np.exp(np.tanh(np.tanh(np.sum(A48, axis=1, keepdims=True)))) * np.log(2.0 + np.cos(0.5 * np.ones((2, 1)))) * (0.042 * np.sum(A14, axis=1, keepdims=True) - np.sqrt(1.0 + np.sin(np.sum(A48, axis=1, keepdims=True)) ** 2)))
        x = np.tanh(t19) ** 3
        L50.append(np.expm1(np.tanh(A14)))
    L53 = []
    for i54 in range(3):
        L53.append(np.sinh(np.sin(A14)))
    r24[0] = 0.333 * v22
    if flag:
        v22 = x
    return np.mean(v22) + np.sum(A48)

FUNC = 'f'
ARGS = (np.array([0.7400129367358537, 1.1253349515908109, 0.8524338652573109, 0.25494567865333506]), True, [np.array([[0.4025438894449458, -0.15248549843465642], [0.15880309171168017, 0.12477911365207639], [0.5686875601118107, -0.3343994485767871], [-0.7893917300253458, -0.32157155873115784]]), np.array([[0.3645261511046709, -0.08455969495840687], [-0.017959285421268567, -0.14488234038104353]]), np.array([[0.3131451329169739, -0.0590124710436829], [-0.6848477333569968, 0.7840005849117591]])])
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/wt/fuzzrun')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
