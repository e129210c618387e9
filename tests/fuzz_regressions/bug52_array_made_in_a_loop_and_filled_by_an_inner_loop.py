"""wrong gradient: ``w8 = np.zeros(3)`` at the top of a loop body, then
``w8[i9] = 0.5`` in an inner loop: the gradient was all zeros.
w8 is iteration-local (pushed where it is made, popped when its reverse
iteration starts), and the inner loop saves w8's contents to refill them in
place; both went on the same stack, so the early pop took the saved (zero)
contents and the refill the array. Contents refilled in place now have a
stack of their own.

Found by tools/fuzz.py (seed 7002, program 782; shrunk).
"""
import math
import numpy as np

def f(A):
    for i7 in range(1):
        w8 = np.zeros(3)
        for i9 in range(1):
            w8[i9] = 0.5
        A = w8 @ A
    return np.mean(A)

FUNC = 'f'
ARGS = (np.array([[0.7456679899637704, 0.10535308283662825, -1.003200726919318, 0.7569349790212001], [-0.016935374079888987, -0.8757482561506733, 0.37674987594784803, -0.6266558704048044], [-0.12350986628496385, 0.31524764109373105, 0.7530191862645899, -1.0200802850302733]]),)
WRT = (0,)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, '/work/main')
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
