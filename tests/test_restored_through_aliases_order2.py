"""Forward mode over a gradient whose sweep puts back items of an array that
another name shares.

``v[1] = e`` after ``u = v`` (or ``choice = v if c else t``) is followed in the
gradient by a put-back in the sweep, ``v[1] = old``, which restores u's items
too (one array). When v is also rebound in a loop, the sweep pops v's earlier
arrays off a stack, and forward mode (hvp, jvp(grad)) took a popped tangent as
a buffer it might share with others, so it put the items back into a copy,
``v_dot = set_item(v_dot, ...)``: u's tangent kept the written items, and
the Hessian-vector product was silently wrong (0.23 for 2.01; fuzz seed 17001
program 8292, where ``jacobian(grad(f))`` was right). Now a stack whose every
pushed tangent was a buffer of its own gives buffers of their own when popped
(forward.ForwardTransform: ``owned`` keeps a key per list), and the put-back is
made in place, as the primal's is. A buffer pushed in a loop and written item
by item is made an array of its own where the loop binds it (``v = v * 0.5``,
whose tangent ``broadcast_like(v_dot * 0.5, v)`` may be a read-only view), not
where it is pushed: a copy at the push broke the first iteration's sharing
with u the same way (fuzz seed 17200 program 131, idiom shared-restored).
And where v is bound on one path only (the tail after an early return, whose
other path leaves v's placeholder None), the paths' meeting kept v's
ownership only if both owned it: None is no buffer anyone shares, and a name
bound on one path keeps what that path owns (seed 17201 program 52). A
whole array's contents put back (``restore_contents(w, saved)``, where w's
tangent was zero when saved and w is written with active values after) had no
tangent statement when its result was unused, so the tangent buffer kept the
written items (seed 17002 program 8705)."""
import numpy as np
import pytest

import srcdiff
from numeric import assert_orders_one_and_two, load_module

MOD = load_module('''
def alias_by_branch(t):
    v = np.array(t * np.linspace(1.0, 1.5, 4))
    v[1:-1] = (v * (v if t[0] < 0.2 else t))[2:]
    while v[0] > 1.0:
        v = v + 0.5 * t
    return np.mean(v)


def alias_then_loop_rebind(t):
    v = np.cos(t * np.linspace(0.5, 1.5, 4))
    u = v
    s = np.sum(u * u)
    v[1] = s * t[0]
    k = 0
    while k < 2:
        v = np.tanh(v) * t
        k += 1
    return np.sum(v) + s


def view_read_before_write(t):
    v = np.array(t * np.linspace(1.0, 1.5, 4))
    w = v[2:]
    p = np.sin(v[:2] * w)
    v[0:2] = p * t
    for i in range(2):
        if np.sum(v) > 10.0:
            v = v * t
    return np.sum(v * v)


def list_item_restored(t):
    v = np.sin(t * np.linspace(0.5, 1.5, 4))
    L = [v, t * 2.0]
    q = L[0] * L[1]
    v[2] = np.sum(q) * t[0]
    for i in range(2):
        v = v * np.cos(t)
    return np.sum(v) + np.sum(q * q)


def loop_rebinds_with_a_broadcast_tangent(t):
    v = np.tanh(t * np.linspace(1.0, 1.0, 3))
    u = v
    s = np.sum(np.sin(u))
    v[0] = 0.2
    for i in range(2):
        v = v * 0.5
    return s + np.sum(v)


def view_then_loop_rebinds(t):
    v = np.tanh(t * np.linspace(0.5, 1.0, 3))
    u = v[1:]
    s = np.sum(np.sin(u) * t)
    v[1:] *= t
    k = 0
    while k < 2 and np.sum(v) < 10.0:
        v = v * 0.5 + t
        k += 1
    return s + np.sum(v)


def after_an_early_return_in_a_loop(t):
    for s1 in t:
        if s1 > 5.0:
            return s1
    v = np.square(t * np.linspace(1.0, 2.0, 3))
    u = v
    s = np.sum(np.sin(u))
    v[0:1] += np.sum(t)
    for i in range(1):
        v = v
    return s + np.sum(v)


def contents_put_back_into_a_shared_array(t):
    w = np.cos(np.linspace(0.3, 0.9, 3))
    u = w if t[0] < 5.0 else t * np.ones(3)
    A = np.outer(t * np.ones(2), u)
    for i in range(2):
        w[1] = A[1][0]
    return np.mean(A)


def pushed_buffer_shared_after(t):
    v = np.sin(t * np.linspace(0.5, 1.5, 4))
    out = 0.0
    for i in range(3):
        w = v + 0.0
        v[i] = np.sum(w * v) * t[0]
        out = out + np.sum(w * w)
        v = np.tanh(v) * t
    return out + np.sum(v)
''')

NAMES = ["alias_by_branch", "alias_then_loop_rebind", "view_read_before_write",
         "list_item_restored", "pushed_buffer_shared_after",
         "loop_rebinds_with_a_broadcast_tangent", "view_then_loop_rebinds",
         "after_an_early_return_in_a_loop", "contents_put_back_into_a_shared_array"]


@pytest.mark.parametrize("t", [-0.89, 0.3])
@pytest.mark.parametrize("name", NAMES)
def test_orders_one_and_two(name, t):
    assert_orders_one_and_two(getattr(MOD, name), [np.array([t])], 0, np.array([1.0]))
