"""order2: hvp wrt xs, x, A (max abs diff 0.00133). A silently wrong second
derivative: hvp and jvp(grad) give 205.2 where jacobian(grad) and central
differences give 80.6 (for A = [0.1, 0.2, -0.3], v = e0). The gradient's code
binds ``choice = v5_2`` (the conditional expression's branch), writes
``v5_2[::1] = ...`` and, in its sweep, puts v5_2's old items back in place
before it reads ``choice`` (the same array, so right at order one). Forward
mode over that code does not follow the aliasing of choice and v5_2 through
the put-back: its tangent of v5_2 had lost its own array to A12's tangent
(``A12 = G0 + v5_2``), so the put-back was made on a copy that choice's
tangent did not see. Such a tangent now gets an array of its own instead
(forward.ForwardTransform._written_mirrors).

Found by tools/fuzz.py --orders 1,2 (seed 15002, program 1835 of 2,000;
session 15, on the session's final code), shrunk.
"""
import math
import numpy as np
G0 = 1.0


def f(xs, x, A):
    v5 = A + G0
    v5 /= np.cos(v5)
    v5[::1] = np.square(v5 if G0 >= 0.5 else 0.5)
    A12 = G0 + v5
    return np.mean(A12)


FUNC = 'f'
ARGS = ([np.array([-0.23210596207831125, -0.37670614173728056, -0.010041799288632358, 1.159489491972043]), np.array([-1.0019685148012747, 1.1038540801108108, -0.3593288236855551, -0.8610637698051153])], np.array([-0.5816500074209195, -0.5089680875549307, -0.3381802008650272, 0.31531385128913714]), np.array([[-0.7022456915896322, 0.40504818172077495, 0.23154002158978093, 1.1150847678836462], [-0.052667615593425365, 0.24956353898795314, -0.2687437269184809, -0.6621495597851029]]))
WRT = (0, 1, 2)
ORDERS = (1, 2)


if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
