"""A custom autograd Function: the Legendre polynomial P3(x) = (5x^3 - 3x)/2
with its hand-written backward grad * 3/2 (5x^2 - 1).

The Function works on Tensors (PyTorch style) and is also registered in
srcdiff's rule table, so srcdiff.gradcheck can check its backward against
central differences through source transformation."""
import numpy as np

from srcdiff.tensor import Function, tensor, linspace

try:
    from srcdiff import gradcheck
except ImportError:                      # not exported yet
    from srcdiff.api.check import gradcheck


class LegendrePolynomial3(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return 0.5 * (5 * x ** 3 - 3 * x)

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * x ** 2 - 1)


P3 = LegendrePolynomial3.apply

# 1. Tensor use: forward, backward, compare with the known derivative.
x = linspace(-1, 1, 9, requires_grad=True)
y = P3(x)
print("P3(x) =", y)
y.sum().backward()
print("dP3/dx =", x.grad)
assert np.allclose(x.grad.data, 1.5 * (5 * x.data ** 2 - 1))


# 2. gradcheck: srcdiff differentiates a NumPy function that calls the
#    Function (its backward is the rule), compared with central differences.
def p3_sin(x):
    return np.sin(P3(x))


points = np.linspace(-0.9, 0.9, 7)
assert gradcheck(p3_sin, points, modes=("reverse",))
print("gradcheck of sin(P3(x)) through the custom backward: passed")

# 3. A wrong backward is caught.
class WrongP3(LegendrePolynomial3):
    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * x ** 2 + 1)


def wrong(x):
    return WrongP3.apply(x)


try:
    gradcheck(wrong, points, modes=("reverse",))
except AssertionError as exc:
    print("a wrong backward fails gradcheck:", str(exc).splitlines()[0])
else:
    raise AssertionError("gradcheck should have caught the wrong backward")

# 4. Central differences on the Tensor path directly.
eps = 1e-6
xs = tensor(points, requires_grad=True)
np.sin(P3(xs)).sum().backward()
num = (np.sin(0.5 * (5 * (points + eps) ** 3 - 3 * (points + eps)))
       - np.sin(0.5 * (5 * (points - eps) ** 3 - 3 * (points - eps)))) / (2 * eps)
assert np.allclose(xs.grad.data, num, atol=1e-7)
print("Tensor gradients match central differences")
print("OK")
