"""A small function for tests/test_stages.py to print stage by stage (it is
loaded through the command line, ``FILE.py::loss``): a loop, and a call of a
user function the inline stage inlines."""
import numpy as np


def scaled_sum(v, s):
    return np.sum(v * s)


def loss(w, x):
    h = np.tanh(x * w)
    for _ in range(2):
        h = h + np.sin(h) * w
    return scaled_sum(h, 0.5)
