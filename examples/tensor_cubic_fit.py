"""Fit y = sin(x) on [-pi, pi] with a cubic a + b x + c x^2 + d x^3,
PyTorch-tutorial style: Tensors, loss.backward(), updates under no_grad(),
and .grad = None resets."""
import math
import time

import numpy as np

from srcdiff.tensor import linspace, randn, no_grad, manual_seed

x = linspace(-math.pi, math.pi, 1500)
y = np.sin(x)                      # a Tensor (no grad): np.sin dispatches to the shim

manual_seed(0)
a = randn((), requires_grad=True)
b = randn((), requires_grad=True)
c = randn((), requires_grad=True)
d = randn((), requires_grad=True)

learning_rate = 1e-6
start = time.perf_counter()
for t in range(2000):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t == 0:
        first = loss.item()
    if t % 100 == 99:
        print(f"step {t + 1:4d}  loss {loss.item():12.4f}")
    loss.backward()
    with no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
elapsed = time.perf_counter() - start

print(f"Result: y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3")
print(f"loss {first:.1f} -> {loss.item():.2f} in 2000 steps ({elapsed / 2000 * 1e6:.0f} us/step)")
assert loss.item() < first / 100, "the loss should fall by orders of magnitude"
assert abs(b.item() - 0.85) < 0.1 and abs(d.item() + 0.09) < 0.02
print("OK")
