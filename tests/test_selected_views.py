"""``s = min(w[k], c)`` (or max) then ``w[k] += ...`` then ``s`` read: where
``w`` is 2-d, ``w[k]`` is a row view and min returns that very view when it
selects it, so the write changes ``s``. The gradient's code copies the view for
its own sweep, and that copy hid the sharing from the check made where the
write runs: srcdiff returned the value (and gradient) of the program as if ``s``
had been copied -- silently wrong. Now refused where min selects the view, and
right (orders one and two) where it selects the constant or ``w`` is 1-d (an
item is then a number).

The first fix looked for the min right after the copy: with the other argument
computed in between (``min(w[-1], np.cos(x[0]))``, or a field ``pn.c``), or
the view second, or the result renamed, the check read the copy again
(silently wrong value and gradient; fuzz seed 15001 program 2816). The checks
now read the value as the program made it wherever a copy may be selected
(``s_held``, reverse._check_before_copies)."""
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


def min_with_a_computed_bound(x):
    w = (x * 2.0).reshape(4, 1).copy()
    s = min(w[-1], np.cos(x[0]) * 0.6)
    w[-1] += 1.0
    return np.sum(w) * np.sum(np.sin(s))


def max_with_the_view_second_then_renamed(x):
    w = (x * 2.0).reshape(4, 1).copy()
    s = max(np.sin(x[1]) - 0.6, w[0])
    u = s
    w[w < 0.5] = 0.25
    return np.sum(w * x[:, None]) + np.sum(u ** 2)


def min_of_a_row_of_constants_made_active(x):
    w = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    w[1] += x
    s = min(w[0:1, 0], np.cos(x[2]) - 1.5)
    w[w < 0.5] = 0.9
    return np.sum(np.sin(s)) + np.sum(w[1] * x)


def view_of_a_row(x):
    w = (x * 2.0).reshape(4, 1).copy()
    s = w[0]
    t = s[0:1]
    w[w < 0.5] = 0.25
    return np.sum(w * x[:, None]) + np.sum(np.sin(t))


def min_then_a_view(x):
    w = (x * 2.0).reshape(4, 1).copy()
    s = min(w[0], np.cos(x[0]))
    t = s.T
    w[w < 0.5] = 0.25
    return np.sum(w * x[:, None]) + np.sum(np.sin(t))


def a_view_then_min(x):
    w = (x * 2.0).reshape(4, 1).copy()
    s = w[0].T
    t = min(s, np.cos(x[0]))
    w[w < 0.5] = 0.25
    return np.sum(w * x[:, None]) + np.sum(np.sin(t))


@pytest.mark.parametrize("f", [view_of_a_row, min_then_a_view, a_view_then_min])
def test_a_view_of_a_kept_copy_is_checked_as_the_program_made_it(f):
    """t a view (or min) of s, s a view (or min) of a row: the check at the write
    read t made from the sweep's copy of s (silently wrong value and gradient on
    8e980c7). Refused where the view is picked; right where min picks cos."""
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_selected_views\.py:\d+: 't' \(which may share "
                                                   r"memory with 'w'\) is used after 'w' is written"):
        srcdiff.value_and_grad(f)(np.array([0.1, 0.2, 0.3, 0.4]))
    if f is not view_of_a_row:
        x = np.array([0.6, 0.2, 0.3, 0.4])
        np.testing.assert_allclose(srcdiff.value_and_grad(f)(x)[0], f(x), rtol=1e-12)
        assert_orders_one_and_two(f, (x,), 0, np.array([0.3, -0.2, 0.5, 0.1]))


@pytest.mark.parametrize("f, x", [
    (min_with_a_computed_bound, np.array([0.1, 0.2, 0.3, 0.1])),       # min picks the row
    (max_with_the_view_second_then_renamed, np.array([0.1, -0.2, 0.3, 0.1])),
    (min_of_a_row_of_constants_made_active, np.array([0.1, -0.2, 0.3, 0.1])),
    (min_of_a_row_then_written, np.array([0.1, 0.2, 0.3, 0.1])),       # min picks the row
    (max_of_a_row_in_a_loop, np.array([0.1, 0.2, 0.3, 0.1])),          # max picks the row
])
def test_a_selected_view_written_and_read_again_is_refused(f, x):
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_selected_views\.py:\d+: '[su]' \(which may share "
                                                   r"memory with 'w'\) is used after 'w' is written"):
        srcdiff.value_and_grad(f)(x)


@pytest.mark.parametrize("f, x", [
    (min_with_a_computed_bound, np.array([0.5, 0.6, 0.7, 0.8])),       # min picks cos
    (max_with_the_view_second_then_renamed, np.array([0.1, 1.6, -0.3, 0.1])),
    (min_of_a_row_of_constants_made_active, np.array([0.1, -0.2, 3.0, 0.1])),
    (min_of_a_row_then_written, np.array([0.5, 0.6, 0.7, 0.8])),       # min picks 0.5
    (max_of_a_row_in_a_loop, np.array([0.1, 0.2, -0.3, -0.4])),        # max picks -0.5
    (min_of_a_number_then_written, np.array([0.1, 0.2, 0.3, 0.1])),
    (min_of_a_number_then_written, np.array([0.5, 0.6, 0.7, 0.8])),
])
def test_value_and_derivatives_where_nothing_is_shared(f, x):
    np.testing.assert_allclose(srcdiff.value_and_grad(f)(x)[0], f(x), rtol=1e-12)
    assert_orders_one_and_two(f, (x,), 0, np.array([0.3, -0.2, 0.5, 0.1]))
