"""A loop writes into an array in place (``buf[0] = u[0]``), then the name is
bound to a new array (``buf = u / (1 + u * u)``), and a nested def reads the
name, so the gradient's code cannot give the new value a name of its own. The
sweep put the loop's old contents back with ``restore_contents(buf, saved)``
into whatever ``buf`` named then: the new array, whose values the adjoint of
``buf = u / ...`` had read. Differentiated again in reverse mode that value
was read after the refill changed it: jacobian(grad(f)) was wrong (hvp and
jvp(grad) right; fuzz seed 14001 program 2740). The name's old array is put
back first now, as for an item put back (reverse._put_back_into). With double
buffers, the array a name pops off a stack may be one another name holds:
the alias analysis follows what a list holds (L.append(v), then L.pop()) now
(liveness.points_to, binds.puts). Orders one and two against central
differences."""
import numpy as np
import pytest

from numeric import assert_orders_one_and_two, load_module

A = np.array([0.3, 0.7, -0.4])
B = np.array([0.5, -0.2, 0.9])
V = np.array([0.1, 0.4, -0.3])

MOD = load_module('''
def written_in_a_loop_then_rebound(a, b):
    u = a * b
    buf = np.zeros(3)
    for i in range(1):
        buf[0] = u[0]

    def g(z):
        return buf
    buf = u / (1.0 + u * u)
    return np.sum(buf)


def double_buffers_then_rebound(a, b):
    u = a * b
    bufa = np.copy(u / (1.0 + u * u))
    bufb = np.zeros(3)
    for i in range(2):
        bufb[1:] = bufa[1:] + bufa[:-1] * np.cos(bufa[1:])
        bufb[0] = np.sin(bufa[0])
        bufa, bufb = bufb, bufa

    def g(z):
        return bufb * 1.0
    bufb = bufa / (1.0 + np.square(bufa))
    return np.sum(bufb ** 2) + np.mean(bufa)


def rebound_then_read_through_the_def(a, b):
    u = a * b
    buf = np.ones(3)
    for i in range(2):
        buf[i] = buf[i] * u[i]
    g = lambda z: np.sum(buf * z)
    buf = np.sin(u) * buf
    return g(u) + np.sum(buf ** 2)
''')


@pytest.mark.parametrize("name", ["written_in_a_loop_then_rebound",
                                  "rebound_then_read_through_the_def",
                                  "double_buffers_then_rebound"])
def test_refill_reaches_the_array_the_loop_wrote(name):
    assert_orders_one_and_two(getattr(MOD, name), [A, B], 1, V)
