"""The classic autograd tutorial on srcdiff's Tensor shim.

Two leaf tensors with requires_grad=True, a vector-valued W = 3x^3 - y^2,
and W.backward(gradient=ones): the gradients land in x.grad and y.grad,
computed by the same derivative rules the source transformer uses.
"""
import numpy as np

from srcdiff.tensor import tensor, ones

x = tensor([2.0, 3.0], requires_grad=True)
y = tensor([6.0, 4.0], requires_grad=True)

W = 3 * x ** 3 - y ** 2
print("W =", W)

# W is a vector: backward needs the gradient of some scalar with respect to W
# (here dL/dW = 1, i.e. L = W.sum()).
W.backward(gradient=ones(2))

print("x.grad =", x.grad, " expected 9 x^2 =", 9 * x.data ** 2)
print("y.grad =", y.grad, " expected -2 y  =", -2 * y.data)
assert np.allclose(x.grad.data, 9 * x.data ** 2)
assert np.allclose(y.grad.data, -2 * y.data)

# Gradients accumulate across backward() calls until reset.
W = 3 * x ** 3 - y ** 2
W.backward(gradient=ones(2))
assert np.allclose(x.grad.data, 2 * 9 * x.data ** 2)
x.grad = None
y.grad = None
print("after a second backward the gradients doubled; reset them with .grad = None")
print("OK")
