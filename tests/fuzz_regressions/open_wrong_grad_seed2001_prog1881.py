"""OPEN BUG found by tools/fuzz.py (seed 2001, program 1881, not shrunk yet):
wrong gradient (grad wrt A; zip loop with a return, after an elif that returns). Shrink it with `python tools/fuzz.py --shrink FILE`, fix, then remove
the XFAIL line.
"""
import math
import numpy as np


def h0(a1, a2):
    L3 = []
    for i4 in range(1):
        v5 = 1.0 / (1.5 + np.cos(np.max(np.tanh(0.5 * np.ones((4, 1))) - np.expm1(np.tanh(np.linspace(0.1, 0.9, 3).reshape(1, 3))), axis=0)))
        L3.append(a1 / (1.0 + np.square(a1)))
    return np.max(np.stack([a1, a1, a1, a1]), axis=0) ** 2 / (1.0 + np.square(np.max(np.stack([a1, a1, a1, a1]), axis=0) ** 2))

def h6(a7, a8, a9):
    a8 = h0(np.sin(a9 - a7 if np.sum(np.linspace(0.1, 0.9, 3).reshape(1, 3) * np.linspace(-1.0, 1.0, 12).reshape(4, 3)) > 0.3 else np.sin(np.exp(0.5 * np.sin(a9)))), a7 * np.ones((4, 3)))
    for i10 in reversed(range(1)):
        A11 = np.copy(np.arctan(0.5 * np.ones((4, 1))) * (a8[None, :] * a7 / (1.0 + np.square(a8[None, :] * a7))))
        A11[i10] = 0.312 * np.dot(np.linspace(-0.37, 0.66, 4), A11)
        A11[1:4] += np.log1p(np.sin((A11 - a9).sum()) ** 2)
        A11[:, 0:2] = A11[0][-1 - i10]
        if np.sum(np.linspace(0.1, 0.9, 3).reshape(1, 3)) > -0.21:
            A11 += np.sum(np.linspace(-1.0, 1.0, 12).reshape(4, 3), axis=0) - (np.sum(A11) / (1.0 + np.square(np.sum(A11))) + 0.5 * np.ones((4, 1)))
            A11[-1 - i10] = a9 if np.mean(a9) < -0.0 else a9
            s12 = np.tanh(np.mean(A11)) * (np.exp(0.5 * np.sin(a7 - a7)) + (math.sin(a7) if not a8[i10] > -0.04 else np.dot(0.147 * A11[:, i10], np.linspace(-0.18, 0.19, 4))))
        else:
            for s14, v13 in zip(0.5 * np.tanh(A11[:, i10]), 0.5 * np.ones((4, 1)) * np.tanh(np.mean(A11, axis=0, keepdims=True))):
                w15 = np.sqrt(1.0 + np.sinh(np.sin(np.linspace(-0.16, 0.82, 4))) ** 2) + np.max(np.linspace(-1.0, 1.0, 12).reshape(4, 3), axis=1)
                s14 = s14 * 1.0
                A16 = A11 / (1.0 + np.square(A11))
            a7 = np.tanh(a7 ** 3)
            v17, v18 = (a8, np.sin(a9 * a7) * np.exp(np.tanh(a7)))
            v19 = np.cosh(np.tanh(a9)) if np.abs(np.tanh(np.sum(a8[None, :]))) >= 0.05 else np.tanh(v17) ** 3
    a9 = a8
    return 0.5 * np.ones((4, 1)) if np.cosh(np.tanh(a7 + a7)) <= 0.25 else 0.5 * np.ones((4, 1)) + a7

def f(A, w, n, xs):
    if (np.linspace(-0.73, 0.14, 3) - np.mean(w) / (1.5 + np.cos(np.mean(A))))[-2] > 0.32:
        g20 = lambda z21: np.clip(z21, -0.41, 0.44)
        A = A
        s22 = np.sqrt(1.0 + np.exp(np.tanh(np.mean(A))) ** 2)
    else:
        L23 = []
        for i24 in range(2):
            if (np.linspace(-0.82, 0.06, 3) - np.sum(w))[2] > 0.48:
                return np.sum(w)
            L23.append((np.logaddexp(w, 0.3) - w + (np.sum(w) if np.linspace(-0.1, 0.44, 3)[n % 3] > -0.14 else 0.069 * np.sum(A) if np.mean(w) <= -0.29 and np.mean(w) >= 0.51 else np.sum(w))) / (1.0 + np.square(np.logaddexp(w, 0.3) - w + (np.sum(w) if np.linspace(-0.1, 0.44, 3)[n % 3] > -0.14 else 0.069 * np.sum(A) if np.mean(w) <= -0.29 and np.mean(w) >= 0.51 else np.sum(w)))) + (0.127 * (np.sum(w) + w - np.logaddexp(np.sin(np.sum(A)), np.mean(A))) if (-0.43 * -0.78 if np.sum(np.logaddexp(np.mean(w), np.mean(A, axis=0, keepdims=True))) > 0.87 else math.sin(np.sum(w))) < -0.45 else np.exp(-np.square(np.maximum(np.mean(A), w)))))
        for i25 in range(n):
            v26 = np.sin(np.sum(np.stack(xs), axis=0))
        A = A.copy()
        s27 = np.sum(w)
    A28 = np.log(2.0 + np.cos(np.maximum(np.linspace(-0.39, 0.44, 3) * w[:, None], 0.76 * A)))
    g29 = lambda z30: (z30 if 0.64 <= -0.51 else A[3 - n]) * 1.0
    A28 = A28
    L31 = []
    for i32 in range(1):
        L31.append(np.mean(A28, axis=0))
    c33 = np.sum(A, axis=1, keepdims=True)
    for i34 in range(n):
        if np.sum(0.069 * np.sum(A)) > -0.05 or np.sum(np.mean(A, axis=0, keepdims=True)) > 0.52:
            break
        v35 = np.sum(np.sin(A - np.log1p(np.mean(w) ** 2))[0:2], axis=0)
        v35 += np.mean(w)
        c33 += np.tanh(np.sum(A28)) + c33
        v35[2:3] = np.tanh(np.exp(-np.square(np.mean(w)))) if np.arctan2(np.mean(v35), 1.5 + np.cos(A[-1]))[n % 3] > -0.42 else np.sin(np.mean(w) - -0.05)
    i36 = 0
    while np.mean(np.mean(A28) - np.mean(A, axis=0)) < 0.11 and i36 < 1:
        c33 *= 0.035 * np.where((np.min(A28, axis=0) if np.sum(np.stack([np.mean(A, axis=0), np.mean(A, axis=0), np.mean(A, axis=0), np.mean(A, axis=0)])) > 0.37 else np.linspace(-0.04, 0.94, 3) * np.mean(w)) > np.tanh(c33), np.min(A28, axis=0) if np.sum(np.stack([np.mean(A, axis=0), np.mean(A, axis=0), np.mean(A, axis=0), np.mean(A, axis=0)])) > 0.37 else np.linspace(-0.04, 0.94, 3) * np.mean(w), np.sinh(np.sin(A)) / (1.5 + np.cos(np.sum(np.linspace(-1.0, 1.0, 12).reshape(4, 3), axis=1, keepdims=True)))).sum()
        i36 += 1
    else:
        c33[-1 - n, 0] = np.tanh(np.sum(c33)) - np.sum(w)
    for s38, v37 in zip(w / (1.5 + np.cos(np.mean(w))), c33 / (1.0 + np.square(c33)) / (1.0 + np.mean(A, axis=0) * np.mean(A, axis=0))):

        def g39(z40, z41):
            g42 = lambda z43: np.sqrt(1.0 + w ** 2)
            return v37[None, :] * 1.0
        c44 = 0.5 * (0.5 * np.ones((4, 1)))
        if np.sum(s38 + np.mean(A28)) > 0.45:
            return np.min(-v37) * s38 * np.log(2.0 + np.cos(v37 / (1.0 + np.square(v37)))).sum()
    L45 = [np.tanh(np.mean(v46) + v46 * v46) for v46 in L31]
    c33 += np.sum(w) * np.tanh(np.sum(A))
    c33 += np.sin(np.mean(c33)) - np.sum(w)
    s48 = np.tanh(sum([np.sum(v47) for v47 in xs]))
    c33 = np.exp(0.5 * np.sin(np.expm1(np.tanh(np.sin(c33)))))
    if np.mean(0.053 * c33 + A) < 0.08:
        return np.arctan2(float(math.tanh(s48)), 1.5 + np.cos(np.mean(A) ** 2 - (s48 + s48)))
    v49 = np.mean(A, axis=0)
    g50 = lambda z51: z51 * 1.0
    return np.mean(c33 ** 2) + np.sum(v49)

FUNC = 'f'
ARGS = (np.array([[0.5181868891738393, -0.20900352016160983, 0.7808134076872011], [-0.5545716927163039, 1.1684443918523042, -0.13377577566561238], [0.4526480469188763, 0.3997650977452456, -1.1707773297590875], [-0.17701381097173385, -0.6541332533849211, -0.49121613864046265]]), np.array([0.8211356164797474, -0.16689962569564587, 0.4636561413017959, 0.8256911136811234]), 3, [np.array([-0.269261609833655, -0.3038503022857665, 0.46872315935090225]), np.array([-0.2312823094212727, -0.29306005730340023, -0.2509098870535651]), np.array([-0.8400234467586527, 0.31348963301466637, -0.5641419401485613])])
WRT = ('A',)
XFAIL = 'wrong gradient (grad wrt A; zip loop with a return, after an elif that returns)'
