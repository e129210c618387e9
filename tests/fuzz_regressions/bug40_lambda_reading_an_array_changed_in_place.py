"""false refusal: ``g26 = lambda z: ... v16 ...`` counted as holding v16's
array, so ``v16 /= ...`` was refused because g26 is called later. A closure
reads names when it is called (srcdiff inlines it there); it holds no array.
Lambdas no one calls are dropped like unused nested defs.

Found by tools/fuzz.py (seed 5003, program 944; partly shrunk).
"""
import math
import numpy as np
G0 = 0.74

def h1(a2, a3, a4, scale=0.66):
    for i6, v5 in enumerate(np.exp(0.5 * np.sin(a2))):
        v7 = ((v5 * np.tanh(a4 ** 2)) ** 2).copy()
        v7[i6] += G0
    s8 = G0 * 1.0
    s8 += np.abs(a4) * scale
    return np.sqrt(1.0 + np.exp(np.tanh(np.mean(a2, axis=0, keepdims=True))) ** 2)

def f(B):
    for v9 in np.linspace(-1.0, 1.0, 10).reshape(2, 5) if np.tanh(np.sum(B)) <= -0.21 or (np.mean(B, axis=0)[-5] > -0.1 or np.mean(np.sum(B, axis=1, keepdims=True)) < -0.22) else B:

        def g10(z11):
            z11 = np.tanh(np.logaddexp(B, np.mean(B, axis=0, keepdims=True)).sum())
            return -B
        B = np.sin(np.logaddexp(B * G0, np.cos(G0 * G0) + math.sqrt(1.0 + G0 * G0) ** 2))
        for i12 in range(3):
            w13 = (np.linspace(-0.3, 0.45, 2) + np.sum(B, axis=1)) / (1.0 + np.square(np.linspace(-0.3, 0.45, 2) + np.sum(B, axis=1)))
        i14 = 0
        while i14 < 4:
            if np.sin(v9)[-3] > -0.32:
                return G0 * 1.0
            if np.mean(G0 - v9) < -0.08:
                break
            v9 = np.tanh(np.mean(B ** 2, axis=0))
            i14 += 1
    else:
        v15 = (G0 * np.ones((2, 5)))[-1, :]
    B = B.copy()
    v16 = np.zeros(5)
    for i17 in range(5):
        i18 = 0
        while i18 < 1:
            v16 *= G0
            i18 += 1
        A19 = np.maximum(0.5 * np.ones((2, 1)), B)
        v16[i17] = 1.0 / (1.5 + np.cos(G0))
    B = v16[None, :] ** 3 / (1.0 + np.square(v16[None, :] ** 3)) - 0.5 * np.ones((2, 1)) * (0.5 * np.ones((2, 1)))
    i20 = 0
    while G0 + G0 > -0.23 and i20 < 2:
        v16 -= np.square(G0) + G0 * G0
        for i21 in range(i20 % 1 + 1):
            v16 -= -G0
            v22 = np.min(v16 * np.ones((2, 1)), axis=0)
            for s24, v23 in zip(np.exp(-np.square(B[:, -5])), (G0 * np.ones(2))[:, None] * v16):
                v16[2:3] *= 0.48
                v25 = v22 * G0
                v25 += (0.5 * np.ones((2, 1)) + v16[None, :]).mean()
            v16 = np.mean(np.clip((v16 - v22 * np.ones((2, 1))) / (1.0 + np.square(v16 - v22 * np.ones((2, 1)))), -0.14, 0.31), axis=0)
        i20 += 1
    g26 = lambda z27: 0.109 * np.sum(np.where(np.mean(B, axis=0, keepdims=True) > G0 * np.ones((2, 5)), np.mean(B, axis=0, keepdims=True), B * v16), axis=0)
    if np.sum(np.maximum(np.mean(B), G0) / (1.5 + np.cos(v16[None, :]))) > 0.86:

        def g28(z29, z30):
            L31 = [np.where(np.sin(G0) > np.log(2.0 + np.cos(G0)), np.sin(G0), z29) / (1.0 + np.square(np.where(np.sin(G0) > np.log(2.0 + np.cos(G0)), np.sin(G0), z29)))]
            return np.array([(np.tanh(np.sum(v16)) - np.where(G0 > G0, G0, z29) / (1.5 + np.cos(np.expm1(np.tanh(z29))))) / (1.0 + np.square(np.tanh(np.sum(v16)) - np.where(G0 > G0, G0, z29) / (1.5 + np.cos(np.expm1(np.tanh(z29)))))) for i32 in range(5)])
        if np.sum(np.arctan2(G0 * np.linspace(-1.0, 1.0, 5), 1.5 + np.cos(G0))) > 0.26:
            return math.sqrt(1.0 + np.mean(B) * np.mean(B))
    else:
        for i34, v33 in enumerate(np.sqrt(np.square(B) + 0.5)):
            v16 = G0 * np.sin(np.sum(B)) / (1.5 + np.cos(np.tanh(v33)))
            w35 = np.sum(B, axis=1)
            if v16[4 - i34] > -0.26:
                if v16[3] > -0.2:
                    return np.min(B)
                v36 = -v16
                v36 = np.cosh(np.tanh(v36)) * np.concatenate([np.log(1.0 + np.square(v36))[1:], np.log(1.0 + np.square(v36))[:1]]) / (1.0 + np.square(np.cosh(np.tanh(v36)) * np.concatenate([np.log(1.0 + np.square(v36))[1:], np.log(1.0 + np.square(v36))[:1]])))
                v36 = v33 / (1.0 + np.square(v33))
            for s37 in np.sin(v16):
                w35 *= np.cos((np.square(v16) / (1.0 + np.square(np.square(v16))) if not s37 >= -0.48 else v33 * G0).sum())
    i38 = 0
    while np.sum(G0 / (1.0 + 0.5 * np.ones((2, 1)) * (0.5 * np.ones((2, 1))))) > -0.36 and i38 < 1:
        L39 = [np.sin((v16 * np.ones((2, 1))).reshape(5, 2).reshape(2, 5) / (1.5 + np.cos(np.sum(B, axis=1).reshape(2, 1))))]
        v16 /= 1.5 + np.cos(G0 / (1.5 + np.cos(G0)))
        i38 += 1
    else:
        w40, c41 = (G0 * np.ones(2), np.sum(B, axis=1, keepdims=True))
    L42 = []
    for i43 in range(4):
        B = (G0 - B[:, -1 - i43])[:, None] * (np.mean(v16) * v16 / (1.0 + np.square(np.mean(v16) * v16)))
        A44 = np.sqrt(np.square(B - np.mean(B, axis=0, keepdims=True) if not np.mean(B) < 0.29 else B * v16) + 0.5) if np.mean(0.083 * (np.sum(B, axis=1, keepdims=True) / (1.5 + np.cos(G0))) / (1.0 + np.square(0.083 * (np.sum(B, axis=1, keepdims=True) / (1.5 + np.cos(G0)))))) < 0.1 else G0 + np.sinh(np.sin(np.sum(B, axis=1, keepdims=True))) + (np.sum(B, axis=0) + np.exp(-np.square(v16)))
        L42.append(np.exp(0.5 * np.sin(A44[i43 % 2])))
    s45 = np.tanh((0.145 * ((0.5 * v16[None, :] - np.where(v16 > G0, v16, v16)) * B)).sum())
    B = np.clip(B ** 2, -0.46, 0.43)
    L46 = []
    for i47 in range(4):
        L46.append(((0.5 * np.ones((2, 1)) + v16[None, :])[:, i47] + G0 * np.ones(2)) / (1.0 + np.square((0.5 * np.ones((2, 1)) + v16[None, :])[:, i47] + G0 * np.ones(2))))
    L42[1] = np.tanh(np.sum((np.sum(B, axis=1, keepdims=True) / (1.0 + abs(np.fmax(v16, s45)) * abs(np.fmax(v16, s45))))[1:2], axis=0))
    v16 -= g26(np.sqrt(np.square(0.5 * np.arctan2(v16, 1.5 + np.cos(G0))) + 0.5))
    L48 = [(0.121 * (0.5 * np.ones((2, 1)) * v16[3] + (s45 + v16))).T.T, B, np.tanh(np.stack([v16 - np.sin(np.tanh(np.sum(v16))) * np.tanh(s45), v16 - np.sin(np.tanh(np.sum(v16))) * np.tanh(s45)]))]
    v16 += math.sin(1.0 / (1.5 + np.cos(s45)))
    v16[-4] = s45
    r49 = np.expm1(np.tanh(np.tanh(v16))) - np.sum(B[0:1], axis=0).reshape(1, 5)
    return np.sum(r49 ** 2)

FUNC = 'f'
ARGS = (np.array([[-0.43808059441947844, -1.1193360314751761, 0.41561935031454667, -1.1244949207745212, -0.43922343798369], [0.39153813145488137, -1.0496378990209958, -0.3361001022038239, 0.5667999722525723, -0.112259059952593]]),)
WRT = (0,)
