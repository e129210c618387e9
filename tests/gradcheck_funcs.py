"""Functions for the gradcheck tests (gradcheck needs their source in a file)."""
import numpy as np


def good(x):
    return np.sum(np.sin(x) * x ** 2)


def mysin(x):
    return np.sin(x)


def uses_mysin(x):
    return np.sum(mysin(x) * x)


def mysin_wrong_vjp(g, ans, x):
    return 2.0 * g * np.cos(x)


def mysin_wrong_jvp(ans, x, *, dx):
    return 2.0 * dx * np.cos(x)
