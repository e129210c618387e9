"""Lists grown with ``L += [v]``: Python extends the list object in place, so
what may see it is another name for that list (``M = L``, a dict holding it),
not the arrays its items are views of. ``L = [B[0]]; L += [B[1]]; L[0] = ...``
was refused ("'L' is changed in place here, but 'B' names the same array"),
as if L were an array sharing B's memory; it is followed now. Where the list's
items are views of an array later written in place, the function is still
refused (file and line). Orders one and two against central differences."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

X = np.array([0.4, -0.3, 0.8])
V = np.array([0.5, 0.2, -0.6])

MOD = load_module('''
def grown_then_item_rebound(x):
    B = np.stack([np.sin(x), np.cos(x)])
    L = [B[0]]
    L += [B[1]]
    L[0] = L[0] * 2.0
    return np.sum(L[0] * L[1]) + np.sum(B ** 2)


def grown_in_a_loop(x):
    B = np.outer(x, x)
    L = []
    for i in range(3):
        L += [B[i] * x[i]]
    L[1] = L[1] * 3.0
    return np.sum(L[0] * L[1] * L[2]) + np.sum(B)


def another_name_sees_the_extension(x):
    L = [np.sin(x)]
    M = L
    L += [np.cos(x)]
    return np.sum(M[-1] * x) + len(M)


def a_dict_holds_the_list(x):
    L = [np.sin(x)]
    P = {"a": L}
    L += [np.cos(x)]
    return np.sum(P["a"][-1] * x)


def an_array_plus_a_list_literal(x):
    a = np.sin(x)
    b = a
    a += [1.0, 2.0, 3.0]
    a[0] = a[0] * 2.0
    return np.sum(a * b)


def views_then_their_array_written(x):
    B = np.stack([np.sin(x), np.cos(x), x * x])
    L = [B[0]]
    L += [B[1]]
    B[0] = B[0] * 2.0
    return np.sum(L[0] * L[1] * B[2])
''')


@pytest.mark.parametrize("name", ["grown_then_item_rebound", "grown_in_a_loop",
                                  "another_name_sees_the_extension", "a_dict_holds_the_list"])
def test_list_grown_with_augassign(name):
    assert_orders_one_and_two(getattr(MOD, name), [X], 0, V)


def test_views_in_a_grown_list_then_their_array_written_is_refused():
    with pytest.raises(srcdiff.SrcdiffError, match=r"gen_\d+\.py:\d+: 'L' \(which may share "
                       r"memory with 'B'\) is used after 'B' is written in place"):
        srcdiff.grad(MOD.views_then_their_array_written)(X)


def test_an_array_grown_by_a_list_literal_is_no_list():
    """``a += [1.0, 2.0, 3.0]`` of an array adds in place (b sees it): it is not a
    list grown by ``+=``, and is refused as any aliased augmented assignment."""
    with pytest.raises(srcdiff.SrcdiffError, match=r"'a' is changed in place here, but 'b' "
                       r"names the same array"):
        srcdiff.grad(MOD.an_array_plus_a_list_literal)(X)
