"""OPEN BUG found by tools/fuzz.py (seed 2001, program 1410, not shrunk yet):
crash: jvp UnboundLocalError (tangent of an array written in a zip loop inside nested loops). Shrink it with `python tools/fuzz.py --shrink FILE`, fix, then remove
the XFAIL line.
"""
import math
import numpy as np


def h0(a1, scale=0.37):
    if np.mean(scale * np.linspace(-1.0, 1.0, 3)) < 0.07:
        scale = -0.29 + min(scale, scale)
        for i2 in range(1, 5):
            for i3 in range(3):
                v4 = np.max(np.linspace(-1.0, 1.0, 12).reshape(4, 3), axis=0)
                v4 += np.flip(v4[::-1])
                v4[::-1] = 0.136 * ((v4 if np.sum(a1[:, None] ** 3 / (1.0 + np.square(a1[:, None] ** 3))) > 0.04 else 0.5 * v4) * (scale * scale + v4))
                v4[::-1] = abs(np.sinh(np.sin(scale)) + scale + np.tanh(np.exp(0.5 * np.sin(v4 * np.ones((4, 1)))).sum(axis=0))) / (1.0 + np.square(abs(np.sinh(np.sin(scale)) + scale + np.tanh(np.exp(0.5 * np.sin(v4 * np.ones((4, 1)))).sum(axis=0)))))
            v5 = scale * np.linspace(-1.0, 1.0, 3)
            w6 = np.log1p((np.expm1(np.tanh(a1)) ** 3) ** 2)
            s7 = np.outer(w6, np.ones(3))[i2 % 4][i2 % 3]
            for s8 in v5:
                a1 = np.tanh(np.where(a1 > np.linspace(-0.76, 0.9, 4), a1, w6))
                v5 = np.tanh(1.0 / (1.5 + np.cos(np.arctan(v5) * (0.54 - s8))))
                s9 = s8 * s7 / (1.0 + (scale + s7) * (scale + s7))
    if np.sum(scale + np.linspace(-0.02, 0.94, 3)) > 0.18:
        a1 = np.log(2.0 + np.cos(scale * np.ones(4)))
        scale = -(np.sqrt(np.square(scale + scale) + 0.5) * (np.exp(np.tanh(scale)) * scale) / (1.0 + np.square(np.sqrt(np.square(scale + scale) + 0.5) * (np.exp(np.tanh(scale)) * scale))))
        scale = math.cos((np.linspace(-0.49, 0.65, 3) * np.linspace(-0.51, 0.49, 3)[1]).sum())
    if np.outer(a1, np.ones(3))[0, -1] * np.mean(np.outer(a1, np.ones(3))) / (1.0 + np.square(np.outer(a1, np.ones(3))[0, -1] * np.mean(np.outer(a1, np.ones(3))))) >= -0.46:
        for s10 in np.linspace(-0.89, 0.69, 3) * np.linspace(-0.31, 0.72, 3):
            for i11 in range(1):
                s10 = np.tanh(scale)
                scale = s10 * 1.0
                s12 = s10 * s10
                v13 = scale * np.linspace(-1.0, 1.0, 3) + (np.cosh(np.tanh(np.exp(np.tanh(s10 * np.linspace(-1.0, 1.0, 3))))) if np.mean(scale) < -0.07 else abs(s12 + s12 * np.linspace(-1.0, 1.0, 3)))
            scale = 0.5 * (scale - s10)
            s14 = s10 * scale - np.exp(np.tanh(s10))
            if np.log(2.0 + np.cos(np.linspace(-0.01, 0.11, 3)))[1] > 0.13:
                return np.tanh(0.5 * np.ones((4, 1)))
        a1 = np.cos(np.max(scale * np.ones((4, 3)), axis=1))
        v15 = np.sinh(np.sin(scale * (scale * np.linspace(-1.0, 1.0, 3))))
    c16 = np.mean(np.outer(a1, np.ones(3)), axis=-1, keepdims=True).copy()
    c16[2, 0] = 0.179 * (scale + scale - np.logaddexp(np.sum(np.linspace(-0.58, 0.94, 3)[1:3]), 0.3))
    return c16 / (1.0 + np.square(c16))

def h17(a18, a19):
    return np.mean((np.linspace(0.1, 0.9, 3).reshape(1, 3) - a18) * (np.sum(a19, axis=1, keepdims=True) / (1.0 + np.square(np.sum(a19, axis=1, keepdims=True))) - 0.5 * np.ones((4, 1))), axis=0).reshape(1, 3)

def f(A, w, B):
    for i20 in range(4):
        for i21 in range(1, 4):
            for s23, v22 in zip(w * w, np.sqrt(1.0 + B ** 2)):
                v24 = np.log(1.0 + np.square(A))[i21, :]
                v24[::2] = np.tanh(s23)
                v24[i21 % 3] = 0.419 * (np.vdot(v24, v24) if v24[i21 % 3] > -0.24 else np.mean(B))
                B = (1.0 / (1.5 + np.cos(np.outer(w, v22))) if v24[i21 % 3] > -0.25 or s23 >= 0.32 else np.cosh(np.tanh(np.sum(A, axis=1, keepdims=True) * v24[None, :]))) / (1.0 + np.square(1.0 / (1.5 + np.cos(np.outer(w, v22))) if v24[i21 % 3] > -0.25 or s23 >= 0.32 else np.cosh(np.tanh(np.sum(A, axis=1, keepdims=True) * v24[None, :]))))
                A25 = np.cos(A)
            r26 = np.log(1.0 + np.square(np.mean(A, axis=0, keepdims=True)))
        A27 = 0.5 * np.ones((4, 1)) * np.mean(B, axis=0, keepdims=True)
        A27 += 0.5 * np.ones((4, 1)) / (1.0 + 0.139 * np.sum(A27) * (0.139 * np.sum(A27)))
        for i28 in range(2):
            A27 -= np.linspace(-0.06, 0.43, 3)
            A27 *= 0.05 * np.exp(np.tanh(A27)) ** 3
            A27 += np.abs(w[:, None])
        s29 = np.log1p(np.logaddexp(np.sum(np.linspace(0.1, 0.9, 3).reshape(1, 3)), 0.3) ** 2)
    v30 = np.sinh(np.sin(np.linspace(-0.55, 0.31, 3)))
    v30 = v30 - np.sum(w)
    if np.mean(A) - -0.29 > 0.52:
        return np.sqrt(np.square((A[:, -3] if np.sum(B) > -0.37 else w).mean()) + 0.5)
    A31 = np.zeros((4, 3))
    for i32 in range(4):
        A31[i32] = B[-1]
    A33 = np.sin(np.exp(np.tanh(np.sum(B, axis=1, keepdims=True))) * np.logaddexp(np.linspace(0.1, 0.9, 3).reshape(1, 3), A31[-1]))
    return np.sum(v30) + 0.45 * np.mean(A31) + 0.4 * np.mean(A33)

FUNC = 'f'
ARGS = (np.array([[0.7240160324066403, -0.06948556127572991, 0.9953989465461655], [0.7871206057933215, 0.1594756906521948, -0.7627201738485736], [-1.1439317031257323, -1.0933140862883344, -0.874344464607816], [-0.7737002564449753, -0.2958525637515489, -0.5360014812062471]]), np.array([-0.2664778776652257, -0.09986870452515673, 1.105882550611106, -0.8651144274765945]), np.array([[-0.6678162815695405, -0.6585057920235587, 0.09428967710913971], [1.0302745197439298, 0.7053404884534236, 1.1144026720467177], [0.5122418357696064, -0.7719858654729153, 0.13403666888726096], [-0.3379554245936167, -0.6690620684767054, 0.550028984585238]]))
WRT = (0, 1, 2)
XFAIL = 'crash: jvp UnboundLocalError (tangent of an array written in a zip loop inside nested loops)'
