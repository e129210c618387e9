"""Fit the four parameters of a Lotka-Volterra predator-prey model to noisy
observations, with scipy.integrate.odeint inside the loss and srcdiff.grad
for its gradient (the adjoint method; srcdiff differentiates the right-hand
side below at run time), handed to scipy.optimize.minimize as ``jac``.

The parameters are optimised as logarithms, so that they stay positive.
"""
import numpy as np
from scipy.integrate import odeint
from scipy.optimize import minimize

import srcdiff

TRUE = np.array([1.0, 0.4, 0.3, 0.8])      # alpha, beta, delta, gamma
Y0 = np.array([2.0, 1.0])                 # prey, predators at t = 0
TIMES = np.linspace(0.0, 15.0, 40)


def lotka_volterra(y, t, alpha, beta, delta, gamma):
    prey, predators = y[0], y[1]
    return np.array([alpha * prey - beta * prey * predators,
                     delta * prey * predators - gamma * predators])


def loss(log_params, times, observed):
    p = np.exp(log_params)
    ys = odeint(lotka_volterra, Y0, times, args=(p[0], p[1], p[2], p[3]), rtol=1e-8, atol=1e-8)
    return 0.5 * np.sum((ys - observed) ** 2)


def main():
    rng = np.random.default_rng(0)
    clean = odeint(lotka_volterra, Y0, TIMES, args=tuple(TRUE))
    observed = clean + 0.05 * rng.standard_normal(clean.shape)
    loss_grad = srcdiff.grad(loss)
    start = np.log(np.array([0.7, 0.6, 0.2, 1.1]))
    result = minimize(loss, start, args=(TIMES, observed), jac=loss_grad, method="L-BFGS-B")
    fitted = np.exp(result.x)
    print(f"loss {loss(start, TIMES, observed):.4f} -> {result.fun:.4f} "
          f"in {result.nit} iterations ({result.njev} gradients)")
    print(f"{'':>6} {'true':>8} {'fitted':>8}")
    for name, t, f in zip(("alpha", "beta", "delta", "gamma"), TRUE, fitted):
        print(f"{name:>6} {t:8.4f} {f:8.4f}")
    assert result.success, result.message
    assert np.allclose(fitted, TRUE, rtol=0.1), fitted
    return fitted


if __name__ == "__main__":
    main()
