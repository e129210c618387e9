"""Before a block (a loop, a branch) that writes items of a list, the sweep saves
the list's contents and puts them back after reversing the block. It saved
the list object itself (``saved_copy`` copies arrays only), and in the gradient
differentiated again the list is resized after the save, by the gradient's own
backward popping the items it appended: the sweep of jacobian(grad(f)) then
put back an emptied list and raised "pop from empty list" in generated code
(fuzz seed 16001 program 8269). A list's (or dict's) contents are saved as a
new list of its items now (``runtime.saved_contents``). Which check should
have caught it: the fuzzer did, at order two; these functions write a list
item in a loop that may return early (a constant: the sweep of the gradient's
gradient then skips the gradient's own backward, which emptied the list), in
a branch, and a dict item."""
import numpy as np
import pytest

from numeric import assert_orders_one_and_two, load_module

X = np.array([0.4, -0.3, 0.8, 0.2])
V = np.array([0.5, 0.2, -0.6, 0.1])

MOD = load_module('''
def item_written_in_a_loop_that_may_return(x):
    L = []
    for i in range(2):
        L.append(x[i] * 2.0)
    for v in x:
        if v > 5.0:
            return np.sum(x ** 2)
        L[0] = np.sin(v)
    return np.sum(x) * L[0] + L[1] ** 2


def item_written_in_a_branch(x):
    L = [x[0], x[1] * x[2]]
    L.append(np.tanh(x[3]))
    if x[0] < 1.0:
        L[1] = L[1] * 3.0
    return L[0] * L[1] + L[2] * x[2]


def dict_item_written_in_a_loop(x):
    d = {'a': x[0] * 1.0, 'b': 0.5}
    L = [d['a']]
    L.append(x[1] ** 2)
    for k in range(2):
        d['a'] = d['a'] * x[k + 1]
        L[1] = L[1] + d['a']
    return L[1] * L[0] + d['b']


def returns_a_constant_before_the_writes(x):
    v = np.zeros(2)
    L = []
    for i in range(1):
        L.append(v[0])
    for s in x:
        if x[0] < 5.0:
            return 2.0
        L[0] = 1.0
    for i in range(0):
        v[0:1] = L[0] * x[0]
    return np.sum(v * x[:2])


def returns_a_constant_before_a_list_product(x):
    v = 0
    L = []
    for i in range(1):
        L.append(v)
    for s in x:
        if x[0] < 5.0:
            return 1.5
        L[0] = 2.0
    for i in range(0):
        v[0:1] = L * x
    return v
''')

NAMES = ["item_written_in_a_loop_that_may_return", "item_written_in_a_branch",
         "dict_item_written_in_a_loop", "returns_a_constant_before_the_writes",
         "returns_a_constant_before_a_list_product"]


@pytest.mark.parametrize("name", NAMES)
def test_orders_one_and_two(name):
    assert_orders_one_and_two(getattr(MOD, name), [X], 0, V)
