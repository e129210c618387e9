"""The classic first example: W = 3x^3 - y^2.

srcdiff reads the function's source and writes its derivative as plain
NumPy code. We check dW/dx = 9x^2 and dW/dy = -2y, and print the code.
"""
import numpy as np

import srcdiff


def W(x, y):
    return 3 * x ** 3 - y ** 2


x = np.array([2.0, 3.0])
y = np.array([6.0, 4.0])

# W is a vector: its vector-Jacobian product with an external gradient of
# ones gives dW/dx and dW/dy elementwise.
out, W_vjp = srcdiff.vjp(W, x, y)
dx, dy = W_vjp(np.ones_like(out))
print("W      =", out)
print("dW/dx  =", dx, " (9x^2 =", 9 * x ** 2, ")")
print("dW/dy  =", dy, " (-2y  =", -2 * y, ")")
assert np.allclose(dx, 9 * x ** 2) and np.allclose(dy, -2 * y)


# For a scalar function, grad gives the gradient directly.
@srcdiff.grad(wrt=("x", "y"))
def dW_sum(x, y):
    return np.sum(3 * x ** 3 - y ** 2)


gx, gy = dW_sum(x, y)
assert np.allclose(gx, 9 * x ** 2) and np.allclose(gy, -2 * y)

print("\nThe derivative srcdiff generated for sum(W):\n")
print(srcdiff.source(dW_sum))
print("The vector-Jacobian product of W (forward and backward functions):\n")
print(srcdiff.source(W_vjp))
print("quickstart: OK")
