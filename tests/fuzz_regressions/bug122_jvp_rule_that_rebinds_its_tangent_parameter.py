"""silently wrong value: a forward rule that rebinds its tangent parameter
(``dx = 2.0 * dx; return dx``) gives a wrong tangent through jvp (6.0, right:
8.0 here). srcdiff's own rules avoid it (svd_jvp's Hermitian read used to, and
was wrong for hermitian=True), but a user's srcdiff.jvp_rule may not.

Found by review (issue 17, np.linalg on complex input); not by the fuzzer.
"""
import math
import numpy as np
import srcdiff


def twice(x):
    return 2.0 * x


@srcdiff.jvp_rule(twice)
def twice_jvp(ans, x, *, dx):
    dx = 2.0 * dx
    return dx


@srcdiff.vjp_rule(twice)
def twice_vjp(g, ans, x):
    return 2.0 * g


def f(x):
    return np.sum(twice(x) * x)

FUNC = 'f'
ARGS = (np.array([1.0, 2.0]),)
WRT = (0,)
ORDERS = (1, 2)

if __name__ == "__main__":
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tools.fuzz import check_saved
    sys.exit(check_saved(__file__))
