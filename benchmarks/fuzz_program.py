"""A fixed program of the fuzzer (tools/fuzz) (seed 13, program 0 of 1, max size 300, as
the generator made it in session 13), kept as text: the generator changes
between sessions, so benchmarks/transform_time.py times this file, not a seed."""
import math
import numpy as np


def h0(a1, scale=0.32):
    a1 = a1 - scale * a1
    if np.sum(scale * np.ones(2)) > -0.29:
        return scale * np.ones((2, 3)) - np.linspace(-0.83, 0.35, 3)
    return scale * np.ones((2, 3))

def h2(a3, a4):
    bufa6 = np.array(np.linspace(-0.28, 0.55, 3))
    bufb7 = np.ones(3)
    for i5 in range(4):
        bufb7[1:-1] = (bufa6[1:-1] + bufa6[2:] * np.cos(bufa6[:-2])) / 2.0
        bufb7[0] = np.sin(bufa6[0])
        bufb7[-1] = bufa6[-1] * 0.5
        if i5 % 2 == 0:
            bufa6, bufb7 = (bufb7, bufa6)
        else:
            bufa6 = bufa6 * 0.5 + 0.5 * bufb7
    return np.linspace(0.1, 0.9, 3).reshape(1, 3) * bufa6

def h9(a10, scale=0.62):
    r11 = np.linspace(0.1, 0.9, 3).reshape(1, 3)
    A12 = np.zeros((2, 3))
    for i13 in range(2):
        A12[i13] = 0.125 * (1.0 / (1.5 + np.cos(scale * np.ones(2))) @ (r11 / (1.5 + np.cos(np.sin(np.sum(A12, axis=1, keepdims=True) * np.sum(A12, axis=1, keepdims=True))))))
    return np.sum(h0(np.clip(0.5 * np.ones((2, 1)), -0.78, 0.58), scale=0.87)[1:2], axis=0) + np.log(1.0 + np.square(r11[0] * a10 / (1.5 + np.cos(r11[0]))))

def f(s, z):
    if np.sum((-0.48 + 0.5 * np.ones((2, 1))) * (s - np.linspace(0.1, 0.9, 3).reshape(1, 3))) > 0.41:
        v14 = np.linspace(-0.48, 0.41, 3) * (s * np.linspace(-1.0, 1.0, 3))
        acc15 = [np.zeros(2)]

        def add16(v):
            acc15[0] = acc15[0] + 0.96 * v
        add16(np.exp(-np.square(-(s * np.ones(2)) + np.maximum(s + s, math.exp(math.tanh(s))))))
        add16(0.417 * (s * np.ones(2) + s))
        add16(s * np.ones(2))
        w17 = acc15[0] * 1.0
        w17 -= s - w17
    else:
        A18 = np.zeros((2, 3))
        i19 = 0
        while i19 < 2:
            A18 -= h0(np.sin(np.sum(np.log(2.0 + np.cos(A18)), axis=1, keepdims=True)), scale=0.6)
            if np.sum(h0(np.sum(A18, axis=1, keepdims=True) / (1.0 + np.square(np.sum(A18, axis=1, keepdims=True))))) > 0.18:
                A18 = h0(np.sum(A18, axis=1, keepdims=True) / (1.0 + np.square(np.sum(A18, axis=1, keepdims=True))))
                if not s < 0.4:
                    return np.sin(max(s, s + s))
                A20 = np.cosh(np.tanh(np.logaddexp(A18, 0.3))).T.T
            else:
                A18 = A18.copy()
                A18[0, :] *= 0.79
                A18 += abs(np.square(np.linspace(-1.0, 1.0, 6).reshape(2, 3)))
            A18[i19, :] = (s * np.linspace(-1.0, 1.0, 3) + s) / (1.0 + np.square(s * np.linspace(-1.0, 1.0, 3) + s))
            i19 += 1
        if np.mean(A18[:, -2] * (s * np.ones(2))) < 0.02:
            A21 = (np.linspace(0.1, 0.9, 3).reshape(1, 3) + np.sum(A18, axis=1, keepdims=True)) / (1.0 + np.square(np.linspace(0.1, 0.9, 3).reshape(1, 3) + np.sum(A18, axis=1, keepdims=True)))
            s22 = s / (1.0 + np.square(s))
            A18[-1, 0] = -0.97
            c23 = np.sin(0.5 * np.ones((2, 1)) * np.sum(A21, axis=1, keepdims=True) * (s / (1.5 + np.cos(s22))))
        elif (np.arctan(A18[-2]) + np.linspace(0.1, 0.9, 3).reshape(1, 3)[0])[0] > 0.44:
            if np.mean(A18) < 0.04:
                A18 = A18 + np.mean(A18)
                A18 *= h0(0.5 * np.ones((2, 1)))
                A18 = np.clip(np.tanh(np.sum(A18, axis=1, keepdims=True)), -0.49, 0.17) * np.stack([np.expm1(np.tanh(s * np.linspace(-1.0, 1.0, 3))), np.expm1(np.tanh(s * np.linspace(-1.0, 1.0, 3)))])
                w25 = np.linalg.svd(np.sin(np.tanh(np.sum(A18, axis=1))[:, None] * np.mean(A18, axis=0)) + np.linspace(0.0, 1.0, 6).reshape(2, 3) + np.eye(2, 3) * np.linspace(1.0, 2.0, 3), compute_uv=False)
        else:
            s26 = np.var(s * np.linspace(-0.65, 0.66, 3))
    A27 = np.cosh(np.tanh(np.linspace(-1.0, 1.0, 6).reshape(2, 3)))
    q28 = z * (s * np.linspace(-1.0, 1.0, 3)) * (np.exp(1j * (0.645 * (np.mean(A27, axis=0) * np.linspace(-0.02, 0.81, 3)))) * np.sin(h9(s)))
    for i29 in range(3):
        q28 = q28 * np.exp(0.3j * (0.833 * (s * np.ones((2, 3)))[i29 % 2, 2 - i29])) + 0.5 * (z * 0.588)
    v30 = np.abs(q28) ** 2
    v31 = np.min(A27, axis=0) + np.sin(v30)
    q32 = np.conj(np.conj(np.exp(z) ** 2)) * 0.1
    v33 = np.imag(q32)
    v33 = 0.039 * v30 + s
    w34 = np.sqrt(np.square(A27.mean(axis=1) if np.sum(s * np.ones((2, 3)) * np.sum(A27, axis=1, keepdims=True)) > -0.18 else A27[:, 1]) + 0.5) + (0.261 * (0.5 * np.ones((2, 1)) * np.linspace(0.1, 0.9, 3).reshape(1, 3) @ v31)) ** 3
    v33 = np.tanh(v31)
    w35 = s / (1.5 + np.cos(w34))
    s36 = np.log1p(np.mean(0.137 * w34[:, None] ** 2) ** 2)
    v30 = np.tanh(v30)
    s37 = s - s
    g38 = lambda z39: z39 * 1.0
    v40 = np.log(1.0 + np.square(np.mean(A27, axis=0)))
    v41 = np.expm1(np.tanh(A27[1]))
    for i42 in range(1):
        v40 = np.tanh(np.linspace(-0.37, 0.44, 3) / (1.5 + np.cos(s)))
        v30 = h0(0.5 * np.ones((2, 1)))[i42]
        v30[2:3] = 0.138 * ((s36 - s if np.sum(w35 * s36) > 0.13 else s) / (1.5 + np.cos(np.sqrt(np.square(s36) + 0.5))) * np.log(1.0 + np.square(s37)))
    A27 += v40[None, :]
    A44 = 0.302 * np.outer(w34, v40) + np.eye(2, 3) * 2.0
    res43 = np.linalg.qr(A44)
    v45 = np.sum(res43.R ** 2, axis=0)
    A46 = res43.Q @ res43.R
    for s47 in np.mean(np.linspace(-1.0, 1.0, 6).reshape(2, 3), axis=0):
        v40 += np.sqrt(np.square(s47) + 0.5)
    else:
        v33 = np.where(np.where(np.sqrt(1.0 + s36 ** 2) > np.tanh(np.mean(A46, axis=0, keepdims=True)), np.sqrt(1.0 + s36 ** 2), v45[None, :] / (1.0 + np.square(v45[None, :])))[0] > (np.log(1.0 + np.square(np.tanh(v45))) - np.arctan(s36 * np.linspace(-1.0, 1.0, 3))) ** 3 / (1.0 + np.square((np.log(1.0 + np.square(np.tanh(v45))) - np.arctan(s36 * np.linspace(-1.0, 1.0, 3))) ** 3)), np.where(np.sqrt(1.0 + s36 ** 2) > np.tanh(np.mean(A46, axis=0, keepdims=True)), np.sqrt(1.0 + s36 ** 2), v45[None, :] / (1.0 + np.square(v45[None, :])))[0], np.log1p(np.tanh(w34 @ A27) ** 2) ** 3)
    i48 = 0
    while not v40[-3] > -0.13 and i48 < 4:
        A49 = np.abs(np.sqrt(1.0 + A27 ** 2))
        i50 = 0
        while i50 < i48 % 1 + 1:
            A27[-2][i50] = np.sin(np.vdot(np.cos(h9(s37, scale=0.54)), np.mean(A27, axis=0)))
            A51 = np.tanh(v30) / (1.5 + np.cos(w34[:, None]))
            i50 += 1
        v41[-1] -= np.cos(s36 * s) if np.sum(h0((0.019 * np.sum(A46) - w35[:, None]) / (1.0 + np.square(0.019 * np.sum(A46) - w35[:, None])))) > -0.32 else s
        i48 += 1

    def g52(z53, z54, k55=0.51):
        if np.mean(np.exp(0.5 * np.sin(v40))) < 0.11:
            return np.sin(np.square(v31))
        q56 = q28 * np.exp(1j * np.sin(v33 if z53 <= 0.52 else v45 / (1.0 + np.square(v45)))) * 0.595
        s57 = np.real(np.sum(q56 * q56))
        return v45 / (1.0 + np.square(v45))
    pair60 = (np.sinh(np.sin(np.sin(np.mean(A46, axis=0, keepdims=True)))) - (np.mean(A27, axis=0, keepdims=True) + s), v31[None, :].copy())
    r58 = pair60[0]
    r59 = pair60[-1]
    G62 = 0.392 * np.stack([v31, v31]) @ (0.392 * np.stack([v31, v31])).T + np.diag(np.linspace(1.0, 2.0, 2))
    w63, Q64 = np.linalg.eigh(G62)
    w65 = np.sum(Q64 ** 2 * w63, axis=1)
    w35[-1] = np.logaddexp(math.cos(s), 0.3)
    s66 = s * s36 + ((0.5 * np.ones((2, 1))).mean() if np.sum(np.fmin(v41, np.sin(v45))) > 1.09 else s37)
    x67 = np.log1p(np.sin(v30) ** 2)
    Ws69 = [np.linspace(-0.5, 0.5, 6).reshape(3, 2), np.linspace(0.5, -0.5, 4).reshape(2, 2)]
    for W in Ws69:
        h68 = x67 @ W
        x67 = np.sin(h68)
    s70 = np.sum(h68 ** 2) + np.sum(x67)
    bufa72 = np.copy(np.tanh((np.sin(r59 * v40) * v33)[0]))
    bufb73 = np.ones(3)
    bufc74 = bufa72 * 0.5
    for i71 in range(1):
        bufb73[1:-1] = (0.5 * (bufa72[1:-1] + bufc74[1:-1]) + bufa72[2:] * np.cos(bufa72[:-2])) / 2.0
        bufb73[0] = 0.0
        bufb73[-1] = bufa72[-1] * 0.5
        bufc74, bufa72, bufb73 = (bufa72, bufb73, bufc74)
    v75 = v33.copy()
    bufb73 = g52(s + np.tanh(np.sum(w65)), v40 / (1.0 + v33 * v33), k55=0.98)
    s37 += 0.5 * math.exp(math.tanh(np.mean(w63) + np.tanh(np.mean(A46))))
    i76 = 0
    while np.sum(np.sin(np.sum(A27, axis=1, keepdims=True)) + np.tanh(A46)) > 0.46 and i76 < 4:
        A77 = np.tanh(A46) - (np.sin(A46) @ v41 / (1.0 + np.square(np.sin(A46) @ v41))).reshape(2, 1)
        v33 = np.sin(np.sum(np.arctan(h0(0.5 * np.ones((2, 1)), scale=0.12)) ** 2, axis=0))
        A46 = A77.copy()
        i76 += 1
    else:
        A27 /= 1.5 + np.cos((s - s66) * bufa72 ** 2)
    A78 = w34[:, None] * (0.039 * v30)
    v79 = np.sum(A78[1:2], axis=0)
    v41[1:-1] = 0.5 * ((0.167 * (v75 / (1.5 + np.cos(w65.mean() / (1.0 + np.exp(-np.square(s70 / (1.0 + np.square(s70)))) * np.exp(-np.square(s70 / (1.0 + np.square(s70)))))))))[2:] - (0.5 * (0.02 * (s70 * np.linspace(-1.0, 1.0, 3))))[:-2]) + v41[1:-1]
    bufa81 = np.copy(np.sin(v75))
    bufb82 = np.zeros(3)
    bufc83 = bufa81 * 0.5
    for i80 in range(4):
        for i84 in range(1, 3 - 1):
            bufb82[i84] = 0.5 * 0.5 * (bufa81[i84] + bufc83[i84]) + 0.25 * (bufa81[i84 + 1] + bufa81[i84 - 1])
        bufb82[0] = np.sin(bufa81[0])
        bufb82[-1] = bufa81[-1] * 0.5
        bufc83, bufa81, bufb82 = (bufa81, bufb82, bufc83)
    s37 = s37 * 1.0
    A85 = np.zeros((2, 3))
    for i86 in range(2):
        A85[i86, :] = np.tanh(np.tanh(v30) * v79)
    v87 = v33.copy()
    w88 = A85[:, 1].copy()
    w88[0:1] = math.tanh(s37)
    w88[1:2] = (np.tanh(w65 @ (s36 * np.ones((2, 3)))) * (bufb82 / (1.0 + s36 * s36)))[0:1]
    g89 = lambda z90: (s36 + s) * np.linalg.norm(np.tanh(A46)) / (1.0 + np.square((s36 + s) * np.linalg.norm(np.tanh(A46))))
    for i91 in range(3):
        t92 = np.tanh(np.logaddexp(s66, h9(0.266 * s37, scale=0.35)[2 - i91]))
        v45 += np.vdot(bufb73, np.tanh(np.mean(A46, axis=0)))
    for i93 in range(1, 5):
        v94 = np.clip(bufa72 * t92, -0.71, 0.31)
        w95 = (A27 / (1.0 + np.square(A27))).mean(axis=1) * (1.0 / (1.5 + np.cos(t92)))
        w95[1:2] = np.tanh(-np.log(1.0 + np.square(t92))) * w95[1:2]
    G97 = (A46 / (1.0 + np.square(A46)) + A85) / (1.0 + np.square(A46 / (1.0 + np.square(A46)) + A85)) @ ((A46 / (1.0 + np.square(A46)) + A85) / (1.0 + np.square(A46 / (1.0 + np.square(A46)) + A85))).T + np.diag(np.linspace(1.0, 2.0, 2))
    sign98, s99 = np.linalg.slogdet(G97)
    A46[-2] += g52(s - (t92 if np.sum(np.clip(A78, -0.33, 0.86)) > 0.21 else s36 / (1.0 + np.square(s36))), np.tanh(np.fmax(np.exp(0.5 * np.sin(bufa81)), np.sqrt(1.0 + (s36 + s37) ** 2))))
    w100, r101 = (x67, (np.tanh(s70) + np.tanh(s70)) / (1.5 + np.cos(np.tanh(r58 + bufa81))))
    c102 = np.copy(s - np.mean(x67) + np.tanh(A46)[:, 0:1])
    c102[-2, 0] = np.tanh(np.sum(v41[2:3]))
    c102[-2, 0] = np.fmax(s66, A85[-1][2]) / (1.0 + np.square(np.fmax(s66, A85[-1][2])))
    if np.sum(w34[:, None] + c102) > 1.29:
        v103 = v75
        w34 *= np.linspace(-0.66, 0.86, 2)
        w65 = np.tanh(np.log1p(c102 ** 2) ** 3)[:, 0]
    elif np.mean(bufa81[0] if np.mean(v33) < -0.16 else t92) < -0.15:
        pair106 = (np.sinh(np.sin(w65)), np.sqrt(1.0 + r58 ** 2))
        w104 = pair106[0]
        r105 = pair106[-1]
        s66 /= 1.5 + np.cos(0.12)
        r101 += g52(np.tanh(s37), v33, k55=0.69)
    else:
        L107 = []
        for i108 in range(1):
            L107.append(s)
        r58 = np.tanh(np.square(np.mean(A27, axis=0, keepdims=True)))
    v75 = np.where(np.linspace(-0.49, 0.58, 3) > v33, np.linspace(-0.49, 0.58, 3), s99 * np.linspace(-1.0, 1.0, 3))
    A109 = np.logaddexp(np.sin(A27.T @ (w34 / (1.5 + np.cos(s)))) + np.expm1(np.tanh(r58)) / (1.0 + s66 * s66), np.stack([A85[-2] * np.max(np.linspace(-1.0, 1.0, 6).reshape(2, 3), axis=0), A85[-2] * np.max(np.linspace(-1.0, 1.0, 6).reshape(2, 3), axis=0)]))
    A110 = -(s99 * np.ones((2, 3)))
    w88 *= (s36 - s70 / (1.0 + np.square(s70))) * (t92 * (0.065 * np.sum(r58)))
    w111 = w65
    A110[:, -3] = np.tanh(A110[:, -3]) * (abs(np.tanh(s70)) + s36 if not np.sum(x67) > -0.1 else s36) ** 3
    v45 *= np.tanh(bufb73)
    A78 -= np.sin(np.cumsum(-np.mean(A110, axis=0)) * (np.sin(s70) / (1.0 + s * s))) if np.sum(A85) > 0.84 and (np.sum(v87) > 1.47 and (not np.mean(v33) < -0.19)) else np.exp(np.tanh(np.sin(np.square(v31))))
    return np.mean(w100 ** 2) + np.sum(A110 ** 2) + 0.85 * np.sum(A109 ** 2)

FUNC = 'f'
ARGS = (0.6929232344435468, np.array([(-0.8453047176892963-0.5863178815938238j), (0.7240561527670744+0.951228605466852j), (0.17853206192665683-0.22918116591695115j)]))
WRT = (0, 1)
