"""OPEN BUG found by tools/fuzz.py (seed 5006, program 808, not shrunk yet):
crash: jvp UnboundLocalError ('dv') in generated code. Shrink it with `python tools/fuzz.py --shrink FILE`, fix, then remove
the XFAIL line.
"""
import math
import numpy as np

G0 = 0.47

def h1(a2, a3):
    L4 = []
    for i5 in range(4):
        A6 = a3 * (np.linspace(0.1, 0.9, 2).reshape(1, 2) * (G0 * np.ones((4, 2))))
        i7 = 0
        while i7 < 4:
            a2 = a2
            A6[-1 - i5] += a2 / (1.0 + np.square(a2))
            A6 = np.arctan2(np.sum(np.tanh(np.outer(a3[:, 0], a2)), axis=1, keepdims=True), 1.5 + np.cos(math.sin(G0) * a2[None, :][0]))
            A6 = A6.copy()
            i7 += 1
        L4.append((np.expm1(np.tanh(np.mean(a3))) - np.mean(A6, axis=0, keepdims=True)[0]) / (1.0 + np.square(np.expm1(np.tanh(np.mean(a3))) - np.mean(A6, axis=0, keepdims=True)[0])))
    A8 = np.zeros((4, 2))
    i9 = 0
    while i9 < 4:
        A8[i9] = np.sin(G0 * a2 * (G0 - a2))
        i9 += 1
    a3 = a3
    return np.fmax(G0, a3)
h10 = lambda a11: np.linspace(-1.0, 1.0, 8).reshape(4, 2).mean(axis=1)[:, None]

def h12(a13, a14, a15):
    v16 = np.array(0.136 * (np.sqrt(1.0 + np.mean(a14) ** 2) - G0 + G0 / (1.0 + np.square(G0)) * G0 - ((a14 if np.mean(a15) < -0.11 else a13[0] * G0) + G0)))
    v16[1:2] = G0 * G0 * G0
    v16[1] = np.maximum(0.5 * G0, G0 / (1.5 + np.cos(G0)))
    v16[-2] = 0.167 * np.sum(a13[0])
    v16 += np.cosh(np.tanh(a13)).mean()
    A17 = np.sqrt(1.0 + (np.tanh(G0 * np.ones((4, 2))) + np.tanh((a14 + a13) * np.logaddexp(G0 * np.ones((4, 2)), 0.3))) ** 2)
    return 0.111 * (a15 * (a15 * np.tanh(G0))) + v16[None, :]

def f(xs, s, B):
    A18 = np.zeros_like(B)
    for i19 in range(4):
        w20 = np.sin((-np.sum(A18, axis=1, keepdims=True) + np.clip(s * np.linspace(-1.0, 1.0, 2), -0.15, 0.69)).dot(np.fmax(np.log1p(s ** 2), np.exp(0.5 * np.sin(s * np.linspace(-1.0, 1.0, 2))))))
        A18 = A18.copy()
        A18[i19] = B[-3]
    w21 = np.mean(0.5 * np.ones((4, 1)) * np.mean(A18, axis=0, keepdims=True), axis=-1)
    L22 = []
    for i23 in range(3):
        s24 = np.tanh(np.sum(np.cosh(np.tanh(0.5 * np.ones((4, 1))))))
        L22.append(np.sum(np.where(np.exp(-np.square(B)) > 1.0 / (1.5 + np.cos(G0)), np.exp(-np.square(B)), np.tanh(np.linspace(-1.0, 1.0, 8).reshape(4, 2)))[3:4], axis=0))
    for i25 in range(1, 3):
        A26 = A18.copy()
        if (0.5 * np.linspace(-0.3, 0.05, 2))[i25 % 2] > 0.38:
            if np.mean(np.expand_dims(w21, 1) + np.sum(B, axis=0)) < 0.19:
                r27 = np.exp(0.5 * np.sin(np.linspace(0.1, 0.9, 2).reshape(1, 2)))
                A28 = A18.copy()
            for i30, v29 in enumerate(L22):
                w31 = np.sum(A26, axis=1) + G0
                if v29[i30 % 2] > -0.0:
                    return G0 * s
        elif G0 - np.clip(G0, -0.64, 0.78) >= -0.3:
            c32 = np.exp(np.tanh(np.sum(B, axis=1, keepdims=True)))
            A18 = 0.417 * (s * A18[i25] * np.linspace(-1.0, 1.0, 8).reshape(4, 2) ** 3)
            s33 = s + G0
            v34 = np.cosh(np.tanh(s * np.linspace(-1.0, 1.0, 2)))
        elif not np.mean(w21) < 0.27:
            if np.fmax(np.sum(np.stack(L22), axis=0), np.expm1(np.tanh(np.mean(A18, axis=0))))[i25 % 2] > 0.24:
                A26[A26 < -0.17] = G0
    v35 = A18[-3] + G0
    for i37, v36 in enumerate(L22):
        A38 = np.stack([(G0 - v35) * (s / (1.0 + G0 * G0)), (G0 - v35) * (s / (1.0 + G0 * G0)), (G0 - v35) * (s / (1.0 + G0 * G0)), (G0 - v35) * (s / (1.0 + G0 * G0))])
    else:
        if np.mean(np.sum(B, axis=1, keepdims=True)) < 0.39 or np.sum(B) > -0.13:
            if np.sum(A18[:, 0]) > -0.16:
                v39 = np.sin(np.stack([np.expm1(np.tanh(np.tanh(v35))), np.expm1(np.tanh(np.tanh(v35))), np.expm1(np.tanh(np.tanh(v35))), np.expm1(np.tanh(np.tanh(v35)))]).sum(axis=0))
            for i40 in reversed(range(3)):
                A18 += np.sqrt(np.square((np.mean(B, axis=0, keepdims=True) + B) * v35[None, :]) + 0.5)[1][i40 % 2]
                A18[-4] = np.log1p(np.linspace(-0.26, 0.41, 2) ** 2)
            A18[-3, -2] = G0
    if np.sum(np.sinh(np.sin(v35 if np.mean(np.sin(A18[1])) < -0.26 else v35))) > 0.21:
        s41 = -G0 + np.min(B)
        w42 = np.zeros_like(w21)
        for i43 in range(4):
            if np.mean(np.tanh(np.cumsum(v35) + np.sum(v35[0:1]))) < -0.14:
                w21 *= np.cos(np.arctan2(w21, 1.5 + np.cos(G0)) ** 3)
            elif np.sum(s41 / (1.5 + np.cos(0.063 * np.sum(A18, axis=1, keepdims=True)))) > -0.12:
                r44 = np.sum(np.log(2.0 + np.cos(np.sum(B, axis=1, keepdims=True))) * (v35[None, :] - np.mean(B, axis=0, keepdims=True)), axis=0, keepdims=True) / (1.0 + np.square(np.sum(np.log(2.0 + np.cos(np.sum(B, axis=1, keepdims=True))) * (v35[None, :] - np.mean(B, axis=0, keepdims=True)), axis=0, keepdims=True)))
                v45 = xs[2]
                B = np.cos(A18 / (1.0 + np.square(A18))) * ((r44 * (0.5 * np.ones((4, 1))))[0:1] * np.outer(np.exp(np.tanh(w21)), v45 - G0))
            else:
                v46 = v35 - G0
                w21[3] = 0.909 * np.log(2.0 + np.cos(np.mean(B)))
                v47 = np.log1p(v35 ** 2)
            s48 = math.log(1.5 + math.sin(math.sqrt(1.0 + s41 * s41))) + w21.reshape(4, 1).sum()
            w42[i43] = np.sum(v35 - v35[::-1] * np.tanh(s48 / (1.5 + np.cos(np.linspace(-0.43, 0.4, 2))))) / (1.0 + np.square(np.sum(v35 - v35[::-1] * np.tanh(s48 / (1.5 + np.cos(np.linspace(-0.43, 0.4, 2)))))))
        w21 += np.sin(A18)[:, 1] if np.sqrt(np.square(B[-4]) + 0.5)[1] > 0.25 else np.logaddexp(w21, 0.3)
    elif not np.sum(B) > -0.6:
        if np.sum(w21) > 0.66:
            s = np.sinh(np.sin(0.39))
            A18 = (0.125 * A18) ** 2
            v49 = v35.copy()
        else:
            s50 = s * math.tanh(np.sum(w21) / (1.0 + np.square(np.sum(w21)))) + G0
            w51, v52 = ((w21 if G0 < 0.5 else w21).copy(), np.logaddexp(np.logaddexp(v35, 0.3), 0.3))
        s = s * np.mean(w21)
        c53 = np.log(1.0 + np.square(np.log(2.0 + np.cos(0.063 * np.sum(A18, axis=1, keepdims=True)))))
    w21[-3] = np.exp(-np.square(math.sin(v35[1])))
    for s55, v54 in zip(np.cos(w21), -np.linspace(-1.0, 1.0, 8).reshape(4, 2)):
        for s56 in v54 * s:
            B = np.stack([v54, v54, v54, v54])
            L22[-1] = np.sin(v35)
            c57 = w21[:, None] / (1.0 + np.square(w21[:, None]))
            for s59, v58 in zip(s55 * np.ones(4), np.stack([v54, v54, v54, v54])):
                v35 = np.tanh(np.exp(np.tanh(v54)))
                s56 = G0 * 1.0
                s60 = math.exp(math.tanh(np.tanh(s56 - s59 + G0 + (np.cos(s59) - np.tanh(s)))))
            if np.sum(B) > 0.32 and s55 < 0.13:
                c61 = B[:, 0:1]
                c57 = np.sin(np.sum(B, axis=1, keepdims=True) / (1.0 + np.sum(B, axis=1, keepdims=True) * np.sum(B, axis=1, keepdims=True)))
                if np.linspace(0.1, 0.9, 2).reshape(1, 2)[0][1] > 0.06:
                    continue
                if np.sum(np.cosh(np.tanh(np.linspace(-1.0, 1.0, 8).reshape(4, 2)))) > -0.39:
                    return math.sqrt(1.0 + (G0 + s56) * (G0 + s56))
            elif np.mean(v54) + np.tanh(np.sum(w21)) <= 0.27:
                v35 += np.sum(c57) if np.sum(c57) > 0.29 else s56
                w21 *= s55
                v35 -= np.logaddexp(s55, s55)
            elif not np.sum(s55) > -0.22:
                if np.mean(np.where(G0 > w21, G0, np.sin(A18[:, 0]))) < -0.27:
                    continue
                A18 = B.copy()
                w21[1:-1] = 0.5 * ((0.227 * (np.logaddexp(G0, 0.3) * w21))[2:] - c57[:, 0][:-2]) + w21[1:-1]
                B = 0.18 * (h10(-c57) - (h12(np.tanh(v35[None, :]), v54, c57) - (c57 if v54[1] > -0.45 else c57)))
        else:
            if np.sum(w21[:, None]) > -0.69 or (v35 / (1.0 + np.square(v35)))[0] > 0.46:
                if np.sqrt(np.square(np.sin(v35)) + 0.5)[0] > 0.06:
                    break
                v62 = G0 + np.tanh(v35)
        g63 = lambda z64: np.logaddexp(G0, s) * s55
        w21 = (B + 0.5 * np.ones((4, 1)))[:, -2] + np.logaddexp(s, s)
    s65 = np.cos(math.tanh((G0 / (1.0 + G0 * G0)) ** 3))
    pair68 = (np.squeeze(np.tanh(np.square(w21[:, None])), axis=1)[:, None] * sum(L22), np.logaddexp(np.tanh(v35[None, :]), np.sum(B, axis=0, keepdims=True)))
    A66 = pair68[0]
    r67 = pair68[-1]
    L69 = [np.tanh((v35 / (1.0 + np.square(v35)) + 0.122 * v35[-1] - np.logaddexp(np.sin(v35), 0.3))[-2]), (A18[3] / (1.0 + np.square(A18[3]))).sum()]
    return np.mean(w21 ** 2) + np.mean(r67)

FUNC = 'f'
ARGS = ([np.array([1.1273308161208238, 0.640264273977112]), np.array([-1.1294634248968007, 0.7580565640583314]), np.array([0.944853875456704, 1.08590638611764])], np.array(-0.273610417088204), np.array([[-0.10805481388710914, -0.537300854160463], [-0.03272428561379859, -0.5927543407894023], [0.10386731238160007, 1.039979241484289], [-1.0778076726523602, -0.646284453846632]]))
WRT = (0, 1, 2)
XFAIL = "crash: jvp UnboundLocalError ('dv') in generated code"
