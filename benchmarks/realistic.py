"""Realistic 20-60-line programs, written as a user would write them for
srcdiff, for the transform-time report (benchmarks/transform_time.py): how
long the first call of ``srcdiff.grad(f)`` takes to generate its code.

Each entry of ``PROGRAMS`` is (name, function, wrt, make_args(rng))."""
import numpy as np


def gru_loss(Wz, Uz, Wr, Ur, Wh, Uh, h, xs, target):
    """A GRU cell run over a sequence; squared error of the last state."""
    for t in range(xs.shape[0]):
        x = xs[t]
        z = 1.0 / (1.0 + np.exp(-(Wz @ x + Uz @ h)))
        r = 1.0 / (1.0 + np.exp(-(Wr @ x + Ur @ h)))
        cand = np.tanh(Wh @ x + Uh @ (r * h))
        h = (1.0 - z) * h + z * cand
    err = h - target
    return 0.5 * np.sum(err * err)


def gmm_loglik(means, log_sigmas, logits, x):
    """Negative log-likelihood of 1-D data under a Gaussian mixture."""
    k = means.shape[0]
    w = np.exp(logits - np.max(logits))
    w = w / np.sum(w)
    sig = np.exp(log_sigmas)
    diff = x[:, None] - means[None, :]
    z = diff / sig[None, :]
    log_pdf = -0.5 * z * z - log_sigmas[None, :] - 0.5 * np.log(2.0 * np.pi)
    a = log_pdf + np.log(w)[None, :]
    m = np.max(a, axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.sum(np.exp(a - m), axis=1))
    penalty = 0.01 * np.sum(means * means) / k
    return -np.mean(lse) + penalty


def _norm_cdf(x):
    t = 1.0 / (1.0 + 0.2316419 * np.abs(x))
    poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937
                                                     + t * (-1.821255978 + t * 1.330274429))))
    pdf = np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)
    upper = 1.0 - pdf * poly
    return np.where(x >= 0.0, upper, 1.0 - upper)


def black_scholes(spot, strike, rate, vol, expiry):
    """Total value of a book of European calls and puts (Black-Scholes)."""
    sqrt_t = np.sqrt(expiry)
    d1 = (np.log(spot / strike) + (rate + 0.5 * vol * vol) * expiry) / (vol * sqrt_t)
    d2 = d1 - vol * sqrt_t
    disc = np.exp(-rate * expiry)
    call = spot * _norm_cdf(d1) - strike * disc * _norm_cdf(d2)
    put = strike * disc * _norm_cdf(-d2) - spot * _norm_cdf(-d1)
    return np.sum(call) + 0.5 * np.sum(put)


def wave_energy(u0, c, steps):
    """Leapfrog solver of the 1-D wave equation with fixed ends; the energy
    of the final state."""
    n = u0.shape[0]
    dx = 1.0 / (n - 1)
    dt = 0.5 * dx
    k = (c * dt / dx) ** 2
    prev = u0.copy()
    cur = u0.copy()
    for step in range(steps):
        lap = np.zeros(n)
        lap[1:-1] = cur[2:] - 2.0 * cur[1:-1] + cur[:-2]
        nxt = 2.0 * cur - prev + k * lap
        nxt[0] = 0.0
        nxt[-1] = 0.0
        prev = cur
        cur = nxt
    vel = (cur - prev) / dt
    grad_u = (cur[1:] - cur[:-1]) / dx
    return 0.5 * np.sum(vel * vel) * dx + 0.5 * c * c * np.sum(grad_u * grad_u) * dx


def _gru_args(rng):
    H, D, T = 8, 4, 12
    mats = [rng.standard_normal((H, D if i % 2 == 0 else H)) * 0.3 for i in range(6)]
    return (*mats, np.zeros(H), rng.standard_normal((T, D)), rng.standard_normal(H))


def _gmm_args(rng):
    return (rng.standard_normal(3), 0.1 * rng.standard_normal(3), rng.standard_normal(3),
            rng.standard_normal(200))


def _bs_args(rng):
    n = 50
    return (rng.uniform(80, 120, n), rng.uniform(90, 110, n), 0.03, rng.uniform(0.1, 0.4, n),
            rng.uniform(0.2, 2.0, n))


def _wave_args(rng):
    x = np.linspace(0.0, 1.0, 41)
    return (np.sin(np.pi * x) * (1.0 + 0.1 * rng.standard_normal(41)), 1.0, 30)


PROGRAMS = [
    ("gru", gru_loss, (0, 1, 2, 3, 4, 5), _gru_args),
    ("gmm", gmm_loglik, (0, 1, 2), _gmm_args),
    ("black_scholes", black_scholes, (0, 2, 3, 4), _bs_args),
    ("wave", wave_energy, (0, 1), _wave_args),
]
