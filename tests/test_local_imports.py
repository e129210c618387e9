"""Import statements inside differentiated functions (issue 18: real code).

``from scipy.special import logsumexp`` or ``import numpy.linalg as la`` inside
a function binds the same module objects at every run: srcdiff imports them
when it reads the source and binds the names like closure variables."""
import numpy as np
import pytest

import srcdiff
from srcdiff import SrcdiffError

from numeric import assert_orders_one_and_two, load_function

RNG = np.random.default_rng(11)


def _check_all_orders(f, x):
    assert_orders_one_and_two(f, [x], 0, RNG.normal(size=np.shape(x)))


def test_from_import_in_the_body():
    f = load_function("""
        def f(w):
            from scipy.special import logsumexp
            x = np.linspace(-1.0, 1.0, 6)
            return -np.sum(logsumexp(-0.5 * (x[:, None] - w[None, :]) ** 2, axis=1))
    """)
    _check_all_orders(f, RNG.normal(size=3))


def test_module_import_with_alias_and_dotted_import():
    f = load_function("""
        def f(x):
            import numpy.linalg as la
            import scipy.special
            A = np.outer(x, x) + 3.0 * np.eye(3)
            return la.slogdet(A)[1] + np.sum(scipy.special.expit(x))
    """)
    _check_all_orders(f, RNG.normal(size=3))


def test_import_in_a_helper_and_in_a_loop():
    f = load_function("""
        def helper(y):
            import math
            from numpy import tanh as th
            return th(y) * math.pi

        def f(x):
            s = 0.0
            for k in range(3):
                from numpy import sin
                s = s + np.sum(sin(x * k) * helper(x))
            return s
    """, name="f")
    _check_all_orders(f, RNG.normal(size=4))


def test_a_name_imported_and_assigned_is_refused():
    f = load_function("""
        def f(x):
            from numpy import sin
            y = sin(x)
            sin = np.cos
            return np.sum(sin(y))
    """)
    with pytest.raises(SrcdiffError, match="both imported and assigned"):
        srcdiff.grad(f)(np.ones(2))


def test_a_failing_import_is_refused_with_its_line():
    f = load_function("""
        def f(x):
            from numpy import no_such_name
            return np.sum(x)
    """)
    with pytest.raises(SrcdiffError, match="this import fails"):
        srcdiff.grad(f)(np.ones(2))
