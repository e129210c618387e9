"""``with np.errstate(...)`` blocks that only silence or report floating-point
errors are differentiated (the generated code runs under the same errstate);
other context managers, and errstate settings that change what runs
('raise', 'call'), are refused naming the user's line."""
import warnings

import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

MOD = load_module("""
def safe_log(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(x > 0.0, np.log(np.abs(x)), x ** 2)
    return np.sum(y * x)

def two_blocks(x, w):
    with np.errstate(all="ignore"):
        r = np.where(w > 0.1, np.log(w - 0.1), 0.0)
    s = np.sum(r * x ** 2)
    with np.errstate(over="ignore"), np.errstate(under="warn"):
        s = s + np.sum(np.exp(x) * w)
    return s

def raising(x):
    with np.errstate(all="raise"):
        y = np.log(x)
    return np.sum(y)

def opens(x):
    with open(__file__) as fh:
        n = len(fh.read())
    return np.sum(x) * n
""")

RNG = np.random.default_rng(2)
X = np.array([0.7, -0.4, 1.3, -1.1, 0.2, 0.9])


def test_errstate_block_every_order_without_warnings():
    v = RNG.normal(size=6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # log of a negative entry, silenced by the block
        assert_orders_one_and_two(MOD.safe_log, (X,), 0, v)
    assert "errstate(divide='ignore', invalid='ignore')" in srcdiff.source(srcdiff.grad(MOD.safe_log))


@pytest.mark.parametrize("i", [0, 1])
def test_several_errstate_blocks(i):
    w = np.array([0.5, -0.3, 0.8, -0.9, 0.4, 0.6])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_orders_one_and_two(MOD.two_blocks, (X, w), i, RNG.normal(size=6))


@pytest.mark.parametrize("name, says", [("raising", "'with' statements"), ("opens", "'with' statements")])
def test_other_context_managers_are_refused_with_the_line(name, says):
    with pytest.raises(srcdiff.SrcdiffError, match=says) as info:
        srcdiff.grad(getattr(MOD, name))(np.abs(X))
    assert info.value.filename == MOD.__file__
