"""A small recurrent network, written as plain Python with a helper function,
a loop over time steps, a branch and a list of hidden states.

srcdiff differentiates it as written (the helper is inlined, the loop is
reversed with only the overwritten values saved) and we check the gradient
against central differences, then print the generated derivative.
"""
import numpy as np

import srcdiff


def cell(h, x, W, U, b):
    """One step: h' = tanh(W h + U x + b)."""
    return np.tanh(W @ h + U @ x + b)


def loss(W, U, b, xs, target):
    h = np.zeros(W.shape[0])
    states = []
    for x in xs:
        h = cell(h, x, W, U, b)
        states.append(h)
    if len(states) > 3:                  # average the last three states
        h = (states[-1] + states[-2] + states[-3]) / 3.0
    return np.sum((h - target) ** 2)


def numeric(f, args, i, eps=1e-6):
    args = list(args)
    x = args[i]
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        for sign in (1, -1):
            xp = x.copy()
            xp[idx] += sign * eps
            args[i] = xp
            g[idx] += sign * f(*args) / (2 * eps)
    return g


def main():
    rng = np.random.default_rng(0)
    n_hidden, n_in, steps = 4, 3, 12
    W = rng.normal(size=(n_hidden, n_hidden)) * 0.5
    U = rng.normal(size=(n_hidden, n_in)) * 0.5
    b = np.zeros(n_hidden)
    xs = rng.normal(size=(steps, n_in))
    target = rng.normal(size=n_hidden) * 0.5

    dloss = srcdiff.grad(loss, wrt=("W", "U", "b"))
    dW, dU, db = dloss(W, U, b, xs, target)
    for name, g, i in (("W", dW, 0), ("U", dU, 1), ("b", db, 2)):
        err = np.max(np.abs(g - numeric(loss, (W, U, b, xs, target), i)))
        print(f"d loss / d{name}: max difference from central differences {err:.2e}")
        assert err < 1e-6
    print("\ndloss/db =", db)
    print("\nThe generated derivative:\n")
    print(srcdiff.source(dloss))


if __name__ == "__main__":
    main()
