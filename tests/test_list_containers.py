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
from numeric import assert_orders_one_and_two, load_function, numeric_grad

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
    # + joins lists and tuples, * repeats them (their cotangents are split or
    # added up): these were differentiated as array arithmetic
    "list_joined_with_plus": """
def f(x):
    L = [x]
    L = L + [np.sin(x)]
    return np.sum(L[1] * x) + np.sum(L[0])
""",
    "list_joined_with_plus_equals": """
def f(x):
    L = [x]
    L += [np.sin(x)]
    return np.sum(L[1] * x)
""",
    "list_repeated": """
def f(x):
    L = [x * x] * 3
    return np.sum(L[2] * x) + np.sum(L[0])
""",
    "tuples_joined": """
def f(x):
    T = (x, 1.0) + (np.sin(x),)
    return np.sum(T[2] * T[0]) * T[1]
""",
    "list_grown_by_joining_in_a_loop": """
def f(x):
    acc = []
    for i in range(3):
        acc = acc + [x * i]
    return np.sum(np.stack(acc) ** 2)
""",
    "nested_list_items_joined": """
def f(x):
    P = [[x], [np.cos(x)]]
    L = P[0] + P[1]
    return np.sum(L[1] * L[0])
""",
    # the second read adds its cotangent at index -1 (and at a slice): a tuple's
    # add_at matched no position (fuzzer seed 303, program 9)
    "tuple_items_read_twice_at_negative_indices": """
def f(x):
    T = (np.sin(x), x * 2.0, x * x)
    return np.sum(T[-1] * T[0]) + np.sum(T[-1]) + np.sum(T[1:][0] * T[1:][1])
""",
    # an array put into a container after its in-place changes
    "array_written_before_it_is_put_in_a_list": """
def f(x):
    buf = np.zeros(4)
    buf[0] = x[0] * 3.0
    L = [buf]
    return np.sum(L[0] * x)
""",
    "array_changed_in_place_before_it_is_put_in_a_list": """
def f(x):
    y = x * 2.0
    y += 1.0
    L = [y, x]
    return np.sum(L[0] * L[1])
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
}


# changed under one name (or through a container's item) and read under the
# other: these gave silently wrong gradients, then were refused; where neither
# name is rebound before the read, it is read under one name
# (srcdiff.list_names), and followed
FOLLOWED_UNDER_ONE_NAME = {
    "append_to_a_list_a_tuple_holds": """
def f(x):
    state = ([x], 1.0)
    L, s = state
    L.append(np.sin(x))
    return np.sum(state[0][-1] * x)
""",
    "append_through_a_dict_value": """
def f(x):
    L = [x]
    D = {"a": L}
    D["a"].append(np.cos(x))
    return np.sum(L[1] * x)
""",
    "pop_and_append_through_two_items_of_one_list": """
def f(x):
    L = [x]
    outer = [L, L]
    outer[0].pop()
    outer[1].append(x * 3.0)
    return np.sum(L[0] * x)
""",
    "append_through_a_list_holding_the_list": """
def f(x):
    L = [x * 2.0]
    P = [L]
    P[0].append(np.sin(x))
    s = 0.0
    for v in L:
        s = s + np.sum(v * v)
    return s
""",
    "append_to_an_item_taken_out_of_a_tuple": """
def f(x):
    L = [x * 2.0]
    P = (L, 1)
    M = P[0]
    M.append(np.sin(x))
    return np.sum(L[-1] * x)
""",
    "item_written_through_an_alias": """
def f(x):
    L = [x, x * 2.0]
    M = L
    L[0] = np.sin(x)
    return np.sum(M[0] * x)
""",
    "dict_item_written_through_an_alias": """
def f(x):
    D = {"a": x, "b": x * 2.0}
    E = D
    D["a"] = np.sin(x)
    return np.sum(E["a"] * x)
""",
    "item_written_while_a_tuple_holds_the_list": """
def f(x):
    L = [x, x * 2.0]
    P = (L, 1.0)
    L[0] = np.sin(x)
    return np.sum(P[0][0] * x)
""",
    "list_grown_with_plus_equals_through_an_alias": """
def f(x):
    L = [x]
    M = L
    L += [np.sin(x)]
    return np.sum(M[-1] * x)
""",
    "list_grown_under_another_name": """
def f(x):
    L = [x, x * 3.0]
    M = L
    L.append(x * x)
    return np.sum(M[0] * M[2])
""",
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


def test_list_parameters_joined_in_both_modes():
    # which parameters hold lists is known from the call: xs + [y] joins them
    f = load_function("""
def f(xs, y):
    L = xs + [y * y]
    return np.sum(L[0] * L[-1]) + np.sum(L[1])
""", "f")
    xs = [X.copy(), np.cos(X)]
    y = X * 0.5
    gx, gy = srcdiff.grad(f, wrt=(0, 1))(xs, y)
    for k in range(2):
        np.testing.assert_allclose(
            gx[k], numeric_grad(lambda a: f([a if j == k else xs[j] for j in range(2)], y),
                                [xs[k]], 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gy, numeric_grad(f, [xs, y], 1), rtol=1e-6, atol=1e-8)
    u = [np.array([0.2, -0.5, 0.9, 0.4]), np.array([1.0, 0.3, -0.2, 0.1])]
    v = np.array([0.5, 0.1, -0.7, 0.3])
    _, d = srcdiff.jvp(f, (xs, y), (u, v))
    np.testing.assert_allclose(d, gx[0] @ u[0] + gx[1] @ u[1] + gy @ v, rtol=1e-9)


def test_two_list_parameters_joined():
    f = load_function("""
def f(xs, ys):
    L = xs + ys
    return np.sum(L[0] * L[-1] * L[1])
""", "f")
    xs, ys = [X.copy(), np.sin(X)], [np.cos(X)]
    gx, gy = srcdiff.grad(f, wrt=(0, 1))(xs, ys)
    np.testing.assert_allclose(gx[0], X * 0 + np.sin(X) * np.cos(X), rtol=1e-12)
    np.testing.assert_allclose(gx[1], X * np.cos(X), rtol=1e-12)
    np.testing.assert_allclose(gy[0], X * np.sin(X), rtol=1e-12)
    u, v = [np.ones(4), np.zeros(4)], [np.zeros(4)]
    _, d = srcdiff.jvp(f, (xs, ys), (u, v))
    np.testing.assert_allclose(d, np.sum(gx[0]), rtol=1e-12)


# an array held by a list, tuple or dict and changed in place (y += v, y[k] = v)
# is changed in it too; srcdiff differentiates y += v as a new value, so reading
# the container afterwards is refused (these gave silently wrong gradients)
HELD_ARRAY_REFUSED = {
    "item_of_a_list_changed_in_place": ("""
def f(x):
    L = [x * 2.0, x * 3.0]
    a = L[0]
    a += np.sin(x)
    return np.sum(L[0] * x)
""", 5, "'L' holds the same array"),
    "item_unpacked_from_a_tuple_changed_in_place": ("""
def f(x):
    pair = (x * 2.0, x * 3.0)
    a, b = pair
    a *= x
    return np.sum(pair[0] * b)
""", 5, "'pair' holds the same array"),
    "dict_value_changed_in_place": ("""
def f(x):
    D = {"w": x * 2.0}
    w = D["w"]
    w -= np.cos(x)
    return np.sum(D["w"] * x)
""", 5, "'D' holds the same array"),
    "loop_variable_over_a_list_changed_in_place": ("""
def f(x):
    L = [x * 2.0, x * 3.0]
    for v in L:
        v *= 2.0
    return np.sum(L[0] * L[1])
""", 5, "'L' holds the same array"),
    "array_changed_in_place_after_it_is_put_in_a_list": ("""
def f(x):
    y = x * 2.0
    L = [y]
    y += 1.0
    return np.sum(L[0] * x)
""", 5, "'L' holds the same array"),
    "nested_write_into_an_item_of_a_list": ("""
def f(x):
    y = x * 2.0
    L = [y, y]
    L[0][1] = 5.0
    return np.sum(L[1] * x)
""", 5, "into an item of a list"),
    "array_written_by_subscript_after_it_is_put_in_a_list": ("""
def f(x):
    buf = np.zeros(4)
    L = [buf]
    buf[0] = x[0] * 3.0
    return np.sum(L[0] * x)
""", 5, "may share memory with 'buf'"),
}

@pytest.mark.parametrize("name", sorted(HELD_ARRAY_REFUSED))
def test_array_held_by_a_container_and_changed_in_place_is_refused(name):
    src, line, says = HELD_ARRAY_REFUSED[name]
    f = load_function(src, "f")
    with pytest.raises(srcdiff.SrcdiffError) as err:
        srcdiff.grad(f)(X.copy())
    assert f"{f.__code__.co_filename}:{line + 2}:" in str(err.value), str(err.value)
    assert says in str(err.value), str(err.value)


@pytest.mark.parametrize("which", ["seq_add", "seq_mul"])
def test_sequence_rules_on_arrays_match_differences(which):
    # where an operand may be a list but the values are arrays (broadcasting
    # included), the rules of runtime.seq_add / seq_mul are those of + and *
    from srcdiff import runtime
    from srcdiff.rules import lookup
    f = getattr(runtime, which)
    rule = lookup(f)
    x, y = np.array([[0.3], [-0.7]]), np.array([1.1, 0.5, -0.2])
    g = np.array([[1.0, -2.0, 0.5], [0.3, 0.7, -1.1]])
    gx, gy = rule.vjp(g, f(x, y), x, y)
    np.testing.assert_allclose(gx, numeric_grad(lambda a: np.sum(g * f(a, y)), [x], 0),
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(gy, numeric_grad(lambda b: np.sum(g * f(x, b)), [y], 0),
                               rtol=1e-6, atol=1e-9)
    dx, dy = np.array([[0.2], [1.0]]), np.array([-0.4, 0.9, 0.1])
    d = rule.jvp(f(x, y), x, y, dx=dx, dy=dy)
    np.testing.assert_allclose(np.sum(g * d), np.sum(gx * dx) + np.sum(gy * dy), rtol=1e-12)
    np.testing.assert_allclose(rule.jvp(f(x, y), x, y, dy=dy), f(x, y) * 0 + (
        dy if which == "seq_add" else x * dy), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(FOLLOWED_UNDER_ONE_NAME))
def test_followed_under_one_name_at_orders_one_and_two(name):
    f = load_function(FOLLOWED_UNDER_ONE_NAME[name], "f")
    assert_orders_one_and_two(f, (X.copy(),), 0, np.array([0.2, -0.5, 0.9, 0.4]))
