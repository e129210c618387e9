"""Fit y = m + n a + o a^2 + p a^3 to sin(a) on [-pi, pi] by gradient descent.

The loss is ordinary NumPy code; srcdiff.grad turns it into a gradient
function once, and each step is then one call of plain generated code.
"""
import math

import numpy as np

import srcdiff


def loss(m, n, o, p, a, target):
    pred = m + n * a + o * a ** 2 + p * a ** 3
    return np.sum((pred - target) ** 2)


def main(steps=2000, lr=1e-6):
    a = np.linspace(-math.pi, math.pi, 1500)
    target = np.sin(a)
    rng = np.random.default_rng(0)
    m, n, o, p = rng.normal(size=4)
    value_and_grads = srcdiff.value_and_grad(loss, wrt=(0, 1, 2, 3))
    first = None
    for t in range(steps):
        value, (gm, gn, go, gp) = value_and_grads(m, n, o, p, a, target)
        first = value if first is None else first
        if t % 100 == 99:
            print(f"step {t + 1:5d}  loss {value:.6f}")
        m, n, o, p = m - lr * gm, n - lr * gn, o - lr * go, p - lr * gp
    print(f"Result: y = {m:.4f} + {n:.4f} a + {o:.4f} a^2 + {p:.4f} a^3")
    assert value < first / 100, (first, value)
    return m, n, o, p


if __name__ == "__main__":
    main()
