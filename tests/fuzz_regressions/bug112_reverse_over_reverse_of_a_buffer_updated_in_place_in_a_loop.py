"""wrong value at order two, reverse over reverse only: a buffer read in a loop, then
updated in place with a differentiated value (``buf[...] += 0.1 * np.sin(t3 ...)``).
jacobian(grad(f)) was off (18.95 for 18.13); hvp, hessian and jvp(grad) were right.
The gradient code keeps only the shape of ``buf2_old = buf2[...]`` (a view of the
buffer written next); differentiating that code again makes each binding of the
view a copy, ``saved_copy(buf2_old_stack.pop())``, and saved_copy turned the
ShapeOf into a 0-d object array, which ``unbroadcast`` then summed a cotangent
to: a scalar 0.0 where the buffer's zero cotangent was, and a wrong sum later.
Fixed in runtime.saved_copy (a ShapeOf is kept as it is).

Found by tools/fuzz.py --focus inplace-call (seed 1717, program 1) once the idiom
writes through a nested helper's parameter (``def bump(b, v): b[...] += ...``);
written here without the helper, which is not needed.
"""
import math
import numpy as np


def f(t):
    buf2 = np.linspace(-0.3, 0.3, 5)
    t3 = t / (1.0 + np.square(t))
    for i1 in range(3):
        t3 = t3 * (1.0 + buf2)
        buf2[...] += 0.1 * np.sin(t3 * np.cos(i1))
    return np.sum(t3 ** 2)

FUNC = 'f'
ARGS = (0.07507231626736766,)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
