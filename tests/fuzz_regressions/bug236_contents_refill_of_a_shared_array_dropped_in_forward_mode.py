"""hvp, jvp(grad) and hessian: wrong second derivative (0.107 for 0.101 on the
found program; 0.138 for 0 shrunk: the value is linear in s). v21 (no
tangent yet) is saved whole before a loop writes active values into it,
and the sweep refills it (``restore_contents(v21, saved)``); the conditional
expression's branch shares v21's array, and the sweep reads it after the
refill. Forward mode over the gradient declared restore_contents linear in
the snapshot, so with the snapshot's tangent zero it dropped the refill of
v21's tangent buffer, which kept the written items. Fixed in session 17
(rules/helpers.py, forward.py: the tangent buffer is refilled, with zeros
where the snapshot's tangent is zero, even where the result is unused).

Found by tools/fuzz.py --orders 1,2 (seed 17002, program 8705 of 10,000;
session 17, on 5f60629), shrunk.
"""
import math
import numpy as np


def h0(a1, a2):
    return {'u': a2, 'v': a2}


def f(s, pt, n, p):
    res7 = h0(pt, s)
    c5 = res7['u']
    s6 = res7['v']
    v21, r22 = (p['w'] * p['w'], p)
    A25 = np.outer(s6 * np.ones(3), r22 if c5 > 1.0 else v21)
    for i28, v27 in enumerate(A25):
        v21[n] = A25[n][0]
    return np.mean(A25)


FUNC = 'f'
ARGS = (np.array(0.7699566684487174), (np.array([0.4715732621017126, -0.9117620403720865, 0.22747691935460068, -0.887367144645886]), -0.5509085993947032), 2, {'w': np.array([-0.7430577136209082, 0.26937252004861945, -1.0375275777796966, -0.22308091786958084]), 'b': 0.5936642182358385})
WRT = 0
ORDERS = (1, 2)


if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
