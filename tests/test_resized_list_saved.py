"""A block of the gradient's code that grows or shrinks a list saves the list's
items before it (``saved_items(L)``), and the code that differentiates the
gradient again saves the lists that gradient builds the same way. Where the list
is not bound yet on that path (a loop left by a return, whose list is first made
inside it), the name holds None there, and ``list(None)`` crashed jacobian(grad)
(fuzz seed 15001 program 5939, bug227)."""
import numpy as np

from numeric import assert_orders_one_and_two, load_module

B = np.array([0.3, -0.6, 0.9])
V = np.array([0.5, 0.1, -0.4])

MOD = load_module('''
def returned_from_a_loop(b):
    L = []
    L.append(b)
    for i in range(1):
        return 1.0 * sum(np.sum(v ** 3) for v in L)
    q = 0.79


def returned_from_a_loop_as_written(b):
    L8 = []
    L8.append(b)
    for i11 in range(1):
        return 1.0 * sum((np.sum(v12) for v12 in L8))
    q27 = 0.79j


def returned_from_a_loop_after_two(b):
    L = [b * 2.0]
    L.append(np.sin(b))
    for i in range(2):
        if i == 1:
            return sum(np.sum(v * b) for v in L) ** 2
        L.append(b ** 2)
    return 0.0
''')


def test_returned_from_a_loop():
    assert_orders_one_and_two(MOD.returned_from_a_loop, [B], 0, V)


def test_returned_from_a_loop_as_written():
    from srcdiff.api.forward_mode import jacobian
    import srcdiff
    np.testing.assert_allclose(jacobian(srcdiff.grad(MOD.returned_from_a_loop_as_written))(B),
                               np.zeros((3, 3)), atol=1e-12)


def test_returned_from_a_loop_after_two():
    assert_orders_one_and_two(MOD.returned_from_a_loop_after_two, [B], 0, V)
