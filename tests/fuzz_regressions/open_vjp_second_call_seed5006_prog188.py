"""OPEN BUG found by tools/fuzz.py (seed 5006, program 188, not shrunk yet):
a second call of the same f_vjp gives a different cotangent (wrt y). Shrink it with `python tools/fuzz.py --shrink FILE`, fix, then remove
the XFAIL line.
"""
import math
import numpy as np

G0 = 0.46

def f(flag, A, xs, y):
    v1 = np.zeros(5)
    for i2 in range(5):
        v1[i2] = np.linspace(-0.4, 0.3, 4).mean()
    A = np.clip(0.5 * np.ones((4, 1)), -0.53, 0.21) * np.mean(A, axis=0, keepdims=True)
    v1 *= y
    L3 = [np.sin(v1 + np.fmax(A[-2], G0)) for v4 in xs]
    y = y.copy()
    if flag:
        c5 = np.expand_dims(np.linspace(-0.2, 0.59, 4) - G0, 1)
    return np.mean(v1)

FUNC = 'f'
ARGS = (False, np.array([[-0.30430211442371313, -0.46295059467485367, -0.07451592734983059, 0.2559055803834598, 0.8886002488396831], [0.7617868667652796, -0.021875189177334775, 0.8527990166594603, 0.7108748240498974, -0.09359794258374743], [0.4217937442050379, -0.6485556526694828, -0.012155771639796864, 0.3035092753640307, 0.2857804387637788], [0.6056383151400071, -0.7521394360696081, -0.2301077617391123, -0.7153248775588102, -0.4392363719646599]]), [np.array([-1.08326907322612, -0.3595076922243515, 0.6018815374843858, 0.2241322004668702, 0.4928470803082283]), np.array([0.9256266285981389, -0.10669145493921484, 0.8229289911118787, 0.39797524284774743, 0.016026527243493627]), np.array([0.565433590440749, 0.25719497908541555, -0.5953287809411073, 0.10667386533971457, -0.14564132289783194])], np.array([-1.0344553459016061, 0.4238744985586367, -0.34866816168040415, -0.9408544904567777, -1.0589747227281998]))
WRT = (1, 2, 3)
XFAIL = 'a second call of the same f_vjp gives a different cotangent (wrt y)'
