"""wrong value at order two, reverse over reverse only: a buffer read in a loop, then
updated in place with a differentiated value (``buf[...] += 0.1 * np.sin(t3 ...)``).
jacobian(grad(f)) is off (18.95 for 18.13); hvp, hessian and jvp(grad) are right. The
gradient code pushes the buffer and writes the same array in place; differentiating
that code in reverse does not follow the aliasing of the stack entry and the buffer
(generated code is not checked by protect_writes). Same class as the strict xfail
test_higher_order.py::test_buffer_without_derivative_then_written_in_a_loop_reverse_over_reverse.

Found by tools/fuzz.py --focus inplace-call (seed 1717, program 1) once the idiom
writes through a nested helper's parameter (``def bump(b, v): b[...] += ...``);
written here without the helper, which is not needed.
"""
import math
import numpy as np

XFAIL = "reverse over reverse of a buffer pushed on a stack then written in place (issue 17)"


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
