"""``s = min(w[k], c)`` (or max) then ``w[k] += ...`` then ``s`` read: where
``w`` is 2-d, ``w[k]`` is a row view and min returns that very view when it
selects it, so the write changes ``s``. The gradient's code copies the view for
its own sweep, and that copy hid the sharing from the check made where the
write runs: srcdiff returned the value (and gradient) of the program as if ``s``
had been copied -- silently wrong. Now refused where min selects the view, and
right (orders one and two) where it selects the constant or ``w`` is 1-d (an
item is then a number)."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two


def min_of_a_row_then_written(x):
    w = (x * 2.0).reshape(4, 1).copy()
    s = min(w[-1], 0.5)
    w[-1] += 1.0
    t = np.sin(s)
    return np.sum(w) * np.sum(t)


def max_of_a_row_in_a_loop(x):
    w = (x * 2.0).reshape(4, 1).copy()
    t = 0.0
    for i in range(2):
        s = max(w[-1 - i], -0.5)
        w[-1 - i] *= 3.0
        t = t + np.sum(np.cos(s))
    return np.sum(w ** 2) * t


def min_of_a_number_then_written(x):
    w = (x * 2.0).copy()
    s = min(w[-1], 0.5)
    w[-1] += 1.0
    return np.sum(w) * np.sin(s)


@pytest.mark.parametrize("f, x", [
    (min_of_a_row_then_written, np.array([0.1, 0.2, 0.3, 0.1])),       # min picks the row
    (max_of_a_row_in_a_loop, np.array([0.1, 0.2, 0.3, 0.1])),          # max picks the row
])
def test_a_selected_view_written_and_read_again_is_refused(f, x):
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_selected_views\.py:\d+: 's' \(which may share "
                                                   r"memory with 'w'\) is used after 'w' is written"):
        srcdiff.value_and_grad(f)(x)


@pytest.mark.parametrize("f, x", [
    (min_of_a_row_then_written, np.array([0.5, 0.6, 0.7, 0.8])),       # min picks 0.5
    (max_of_a_row_in_a_loop, np.array([0.1, 0.2, -0.3, -0.4])),        # max picks -0.5
    (min_of_a_number_then_written, np.array([0.1, 0.2, 0.3, 0.1])),
    (min_of_a_number_then_written, np.array([0.5, 0.6, 0.7, 0.8])),
])
def test_value_and_derivatives_where_nothing_is_shared(f, x):
    np.testing.assert_allclose(srcdiff.value_and_grad(f)(x)[0], f(x), rtol=1e-12)
    assert_orders_one_and_two(f, (x,), 0, np.array([0.3, -0.2, 0.5, 0.1]))
