"""Lists inside containers. ``L.append(v)`` / ``L.extend(vs)`` / ``L.pop()`` are
followed under the name they are called on; a container that holds the list
(``P = [L]``, ``grid[i].append(v)``, ``state = (L, s)``) sees the change too, so
reading it is refused with the line (these gave silently wrong gradients:
zeros for ``grid[i].append(v)``). Lists built on their own and put into a
container afterwards, and containers of lists that are never resized, are
differentiated, checked against central differences and forward mode."""
import numpy as np
import pytest

import srcdiff
from numeric import load_function, numeric_grad

X = np.array([0.3, -0.7, 1.1, 0.5])

ACCEPTED = {
    "list_built_then_stacked": """
def f(x):
    rows = []
    for i in range(3):
        rows.append(x * i)
    return np.sum(np.stack(rows) ** 2)
""",
    "item_read_out_before_the_list_grows": """
def f(x):
    hs = [x]
    for i in range(3):
        h = hs[-1]
        hs.append(np.tanh(h * 1.5))
    return np.sum(hs[-1]) + np.sum(h)
""",
    "list_put_into_a_tuple_after_its_last_change": """
def f(x):
    L = []
    L.append(np.sin(x))
    L.append(x * x)
    out = (L, 2.0)
    return np.sum(out[0][1]) * out[1] + np.sum(out[0][0])
""",
    "list_put_into_a_dict_after_its_last_change": """
def f(x):
    acc = []
    for i in range(2):
        acc.append(x ** (i + 1))
    D = {"a": acc, "b": x}
    return np.sum(D["a"][1] * D["b"])
""",
    "extend_with_another_list_then_pop": """
def f(x):
    L = [np.sin(x)]
    M = [np.cos(x), x]
    L.extend(M)
    w = L.pop()
    return np.sum(L[1] * w) + np.sum(M[0])
""",
    "pop_whose_item_is_dropped": """
def f(x):
    L = [x, 2.0 * x, np.sin(x)]
    s = 0.0
    for v in L:
        s = s + np.sum(v * v)
    L.pop()
    return s + np.sum(L[-1] * x)
""",
    "nested_lists_never_resized": """
def f(x):
    grid = [[x, x * 2.0], [np.exp(x)]]
    return np.sum(grid[0][1] * grid[1][0])
""",
}

REFUSED = {
    "append_through_an_item_of_a_list_of_lists": ("""
def f(x):
    grid = [[], []]
    for i in range(4):
        grid[i % 2].append(x[i] * x)
    return np.sum(np.stack(grid[0]) ** 2) + np.sum(np.stack(grid[1]))
""", 5),
    "append_through_an_item_of_a_comprehension_of_lists": ("""
def f(x):
    grid = [[] for _ in range(2)]
    for i in range(4):
        grid[i % 2].append(x[i] * x)
    return np.sum(np.stack(grid[0]) ** 2) + np.sum(np.stack(grid[1]))
""", 5),
    "append_to_a_list_a_tuple_holds": ("""
def f(x):
    state = ([x], 1.0)
    L, s = state
    L.append(np.sin(x))
    return np.sum(state[0][-1] * x)
""", 5),
    "append_through_a_dict_value": ("""
def f(x):
    L = [x]
    D = {"a": L}
    D["a"].append(np.cos(x))
    return np.sum(L[1] * x)
""", 5),
    "pop_and_append_through_two_items_of_one_list": ("""
def f(x):
    L = [x]
    outer = [L, L]
    outer[0].pop()
    outer[1].append(x * 3.0)
    return np.sum(L[0] * x)
""", 5),
    "append_through_a_list_holding_the_list": ("""
def f(x):
    L = [x * 2.0]
    P = [L]
    P[0].append(np.sin(x))
    s = 0.0
    for v in L:
        s = s + np.sum(v * v)
    return s
""", 5),
    "append_to_an_item_taken_out_of_a_tuple": ("""
def f(x):
    L = [x * 2.0]
    P = (L, 1)
    M = P[0]
    M.append(np.sin(x))
    return np.sum(L[-1] * x)
""", 6),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_and_exact(name):
    f = load_function(ACCEPTED[name], "f")
    g = srcdiff.grad(f)(X.copy())
    np.testing.assert_allclose(g, numeric_grad(f, [X.copy()], 0), rtol=1e-6, atol=1e-8)
    u = np.array([0.2, -0.5, 0.9, 0.4])
    _, d = srcdiff.jvp(f, (X.copy(),), (u,))
    np.testing.assert_allclose(d, g @ u, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_line(name):
    src, line = REFUSED[name]
    f = load_function(src, "f")
    with pytest.raises(srcdiff.SrcdiffError) as err:
        srcdiff.grad(f)(X.copy())
    # load_function prepends two import lines
    assert f"{f.__code__.co_filename}:{line + 2}:" in str(err.value), str(err.value)
    assert "list" in str(err.value)
