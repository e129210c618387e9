"""The cubic fit again, with the loss under @srcdiff.compile: the whole loss
becomes ONE graph node whose backward is the adjoint srcdiff generates from
the loss's source, instead of one node per operation. Both versions are
timed and reach the same parameters."""
import math
import time

import numpy as np

from srcdiff.tensor import compile, no_grad, randn, manual_seed, tensor


def cubic_loss(a, b, c, d, x, y):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    return np.sum((y_pred - y) ** 2)


compiled_loss = compile(cubic_loss)

x = np.linspace(-math.pi, math.pi, 1500)
y = np.sin(x)
learning_rate = 1e-6
steps = 2000


def train(loss_fn, x, y):
    manual_seed(0)
    params = [randn((), requires_grad=True) for _ in range(4)]
    start = time.perf_counter()
    for t in range(steps):
        loss = loss_fn(*params, x, y)
        if t == 0:
            first = loss.item()
        if t % 500 == 499:
            print(f"  step {t + 1:4d}  loss {loss.item():10.4f}")
        loss.backward()
        with no_grad():
            for p in params:
                p -= learning_rate * p.grad
                p.grad = None
    elapsed = time.perf_counter() - start
    return params, first, loss.item(), elapsed


print("per-op Tensor graph:")
p_ops, first, last_ops, t_ops = train(cubic_loss, tensor(x), tensor(y))
print("compiled loss (one node):")
loss = compiled_loss(*[randn((), requires_grad=True) for _ in range(4)], x, y)
print("  the loss's grad_fn:", loss.grad_fn)
p_cmp, _, last_cmp, t_cmp = train(compiled_loss, x, y)

print(f"per-op   : {t_ops / steps * 1e6:6.1f} us/step, final loss {last_ops:.4f}")
print(f"compiled : {t_cmp / steps * 1e6:6.1f} us/step, final loss {last_cmp:.4f}")
assert last_ops < first / 100 and last_cmp < first / 100
for po, pc in zip(p_ops, p_cmp):
    assert np.allclose(po.item(), pc.item(), rtol=1e-8)
print("both versions reach the same parameters")
print("OK")
