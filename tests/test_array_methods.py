"""ndarray methods and attributes as users write them (issue 18): ``x.item()``,
``x.mT``, ``x.searchsorted(v)``, through the public transforms at orders one
and two."""
import numpy as np
import pytest

import srcdiff

from numeric import assert_orders_one_and_two, load_function

RNG = np.random.default_rng(23)

SOURCES = {
    "item of a size-one result": """
        def f(x):
            s = np.sum(x * x).item()
            return s * x[0] + np.sin(s)
    """,
    "item with a flat index and a multi-index": """
        def f(x):
            A = np.reshape(x, (2, 3))
            return A.item(4) * A.item(1, 0) + np.tanh(x).item(2) ** 3
    """,
    "item inside a loop": """
        def f(x):
            t = 0.0
            for k in range(x.size):
                t = t + np.cos(x).item(k) * x.item(k)
            return t
    """,
    "mT of a batch": """
        def f(x):
            A = np.reshape(x, (1, 2, 3))
            return np.sum((A.mT @ A) ** 2)
    """,
    "searchsorted as a constant index": """
        def f(x):
            edges = np.array([-0.5, 0.0, 0.5])
            k = edges.searchsorted(0.2)
            return np.sum(x[k:] ** 2) * k
    """,
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_method_through_the_transforms(name):
    f = load_function(SOURCES[name])
    assert_orders_one_and_two(f, [RNG.normal(size=6)], 0, RNG.normal(size=6))


def test_item_of_a_larger_array_without_an_index_is_numpys_error():
    f = load_function("""
        def f(x):
            return x.item() * 2.0
    """)
    with pytest.raises(ValueError, match="size 1"):
        srcdiff.grad(f)(np.ones(3))
