"""wrong value at order two, reverse over reverse only: a buffer made in each
iteration (``buf7 = t8.copy()``), written in place with a differentiated value,
then read nonlinearly (``np.cos(buf7)``). jacobian(grad(f)) was off by about 1%
(0.4292 for 0.4314); hvp, hessian and jvp(grad) were right. The gradient code
pushed the buffer right after making it and then wrote it in place; its reverse
iteration pops it when it starts, i.e. at the end of the iteration, so reverse
over reverse read the stack entry as the copy before the write. The push now
follows the last write (reverse.py, _iterlocal_push_point). Same class as
test_higher_order.py::test_buffer_without_derivative_then_written_in_a_loop_reverse_over_reverse.

Found by tools/fuzz.py --focus loop-temporary (seed 5151, program 18, wrt y) once
the idiom also makes such a buffer (s_loop_buffer); shrunk by hand.
"""
import math
import numpy as np


def f(y):
    r1 = np.expm1(np.tanh(y[None, :]))
    t8 = np.tanh(np.sum(r1) + 0.0 * y)
    for i5 in range(2):
        buf7 = t8.copy()
        buf7[1:2] = np.sin(t8[1:2]) * np.tanh(np.mean(r1))
        t8 = 0.5 * t8 + 0.3 * np.cos(buf7) * buf7[::-1]
    return np.sum(t8 ** 2)

FUNC = 'f'
ARGS = (np.array([-0.29985959817353924, 0.8180003202367849]),)
WRT = 0
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
