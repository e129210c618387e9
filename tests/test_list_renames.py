"""A list named twice (``M = L``) or held by a tuple, list or dict literal
(``P = (L, x)``) and changed in place under one name, then read under the
other: while neither name has been rebound, the read is a read of L
(srcdiff.list_names rewrites it so), and the derivatives are those of the
program. Where a name may have been rebound on some path, the sharing cannot
be followed and the change stays refused, naming the line."""
import inspect

import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two

X = np.array([0.3, -0.5, 0.7])
V = np.array([0.2, -0.4, 0.9])


def renamed_then_item_written(x):
    L = [np.sum(x) / (1.0 + np.square(np.sum(x)))] * 2
    L += [np.tanh(np.min(x))]
    M = L
    L[0] = np.mean(x) * x[1]
    return np.sum(M[1]) + np.sum(M[-1]) * M[0]


def grown_then_item_written(x):
    L = [np.sin(x[0]), x[1] * x[2]]
    L += [np.tanh(x[2])]
    L[0] = L[0] * x[1]
    return L[0] * L[2] + L[1]


def grown_renamed_then_grown_again(x):
    L = [np.sin(x[0])]
    L += [np.cos(x[1])]
    M = L
    L += [np.tanh(x[2])]
    M[0] = M[0] * x[2]
    return L[0] * M[-1] + M[1] * L[2]


def renamed_then_appended(x):
    L = [np.sin(x[0])]
    M = L
    M.append(x[1] * x[2])
    L.append(np.cos(M[0]))
    return M[-1] * L[1] + M[0] * L[0]


def tuple_holds_the_list(x):
    L = [np.sqrt(1.0 + np.sum(x) ** 2)]
    P = (L, np.sum(x) * x[0])
    P[0].append(np.sin(x[1]))
    return np.sum(P[0][-1] * L[0]) + P[1] * P[-2][1]


def list_holds_the_list(x):
    L = [np.sum(x)]
    P = [L, x[0]]
    P[-2].append(np.sin(x[1]))
    L[0] = L[0] * x[2]
    return P[0][-1] * L[0] + P[1] * P[0][0]


def dict_holds_the_list(x):
    L = [np.sum(x)]
    D = {'a': L, 'b': x[0]}
    D['a'].append(np.sin(x[1]))
    L[0] = L[0] * x[2]
    return D['a'][1] * D['a'][0] + L[-1] * D['b']


def renamed_in_a_loop_body(x):
    s = 0.0
    for i in range(3):
        L = [np.sum(x) * i, np.sin(x[0])]
        M = L
        M.append(np.cos(x[1]))
        L[1] = L[1] * x[2]
        P = (M, i)
        P[0].append(x[0] * x[1])
        s = s + M[-1] * M[1] + L[0] + L[3] * P[1]
    return s


def renamed_before_a_loop(x):
    L = [np.sum(x), np.sin(x[0])]
    M = L
    s = 0.0
    for i in range(3):
        M.append(np.cos(x[1]) * i)
        L[0] = L[0] * x[2]
        s = s + M[-1] * M[0]
    return s + L[0] + M[0]


def renamed_twice(x):
    L = [np.sum(x), x[0]]
    M = L
    N = M
    T = (N, 1.0)
    T[0].append(np.tanh(x[2]))
    M[1] = x[1] * x[0]
    return N[1] * L[2] + T[0][0] * T[1]


@pytest.mark.parametrize("f", [renamed_then_item_written, grown_then_item_written,
                               grown_renamed_then_grown_again,
                               renamed_then_appended, tuple_holds_the_list,
                               list_holds_the_list, dict_holds_the_list,
                               renamed_in_a_loop_body, renamed_before_a_loop, renamed_twice])
def test_orders_one_and_two(f):
    assert_orders_one_and_two(f, (X,), 0, V)


def test_the_other_name_is_read_as_the_list():
    # (M = L is left out as dead; the comments still show the line as written)
    g = srcdiff.grad(renamed_then_appended)
    g(X)
    code = [ln.strip() for ln in srcdiff.source(g).splitlines() if not ln.strip().startswith("#")]
    assert "L.append(x_item * x_item_1)" in code and "M = L" not in code
    assert not any("M[" in ln for ln in code)


def rebound_in_a_branch(x, c=True):
    L = [np.sum(x), np.sin(x[0])]
    M = L
    if c:
        M = [x[1], x[2]]
    L[0] = np.cos(x[0])  # refused here
    return M[0] + L[0]


def rebound_later_in_the_loop(x):
    L = [np.sum(x), np.sin(x[0])]
    M = L
    s = 0.0
    for i in range(2):
        L[0] = L[0] * x[1]  # refused here
        s = s + M[0]
        M = [x[2], x[0]]
    return s


def changed_under_the_other_name_before_growing(x, c=True):
    L = [np.sum(x), np.sin(x[0])]
    M = [x[1], x[2]] if c else L
    M[0] = np.cos(x[0])  # refused here
    L += [x[1]]
    return L[0] + L[2]


def container_changed_before(x):
    L = [np.sum(x)]
    P = [L, x[0]]
    P.append(L)  # refused here
    L.append(np.sin(x[1]))
    return P[0][-1] + P[2][-1] + L[-1]


@pytest.mark.parametrize("f", [rebound_in_a_branch, rebound_later_in_the_loop,
                               changed_under_the_other_name_before_growing,
                               container_changed_before])
def test_sharing_that_may_differ_by_path_is_refused(f):
    lines, first = inspect.getsourcelines(f)
    line = first + next(i for i, ln in enumerate(lines) if "# refused here" in ln)
    with pytest.raises(srcdiff.SrcdiffError) as err:
        srcdiff.grad(f)(X)
    assert f"test_list_renames.py:{line}" in str(err.value)
    assert "same list" in str(err.value) or "container" in str(err.value)


def grown_then_renamed_then_rebound_in_a_branch(x, c=True):
    L = [np.sum(x), np.sin(x[0])]
    L += [np.cos(x[1])]
    M = L
    if c:
        M = [x[2]]
    L[0] = x[1] * x[2]
    return M[0] + L[0]


def test_refusal_names_the_other_name():
    # (L's version made by L += ... is L too: the message named L twice)
    with pytest.raises(srcdiff.SrcdiffError) as err:
        srcdiff.grad(grown_then_renamed_then_rebound_in_a_branch)(X)
    assert "but 'M' names the same list" in str(err.value)
