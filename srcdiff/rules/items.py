"""``x.item(...)``: one entry of an array as a Python scalar.

``array_item(x, index)`` is the method as a function (no index: the one
entry of a size-one array; one integer: a flat index; a tuple: a
multi-index, which ``x.item(i, j)`` passes packed). Its cotangent puts ``g`` at that entry (``item_back``), whose
own adjoint reads the entry again."""
import numpy as np

from .registry import vjp_rule, jvp_rule, register_linear


def array_item(x, index=None):
    """``x.item()`` (``index`` None), ``x.item(k)`` (an integer: flat) or
    ``x.item(i, j)`` (``index`` the tuple)."""
    return np.asarray(x).item() if index is None else np.asarray(x).item(index)


def item_back(g, x, index=None):
    """The cotangent of ``x`` from ``g``, the cotangent of ``array_item(x, index)``."""
    out = np.zeros(np.shape(x), dtype=np.result_type(g, np.float64))
    if index is None:
        out[...] = g
    elif isinstance(index, tuple):
        out[index] = g
    else:
        out.flat[index] = g
    return out


@vjp_rule(array_item)
def array_item_vjp(g, ans, x, index=None):
    return item_back(g, x, index), None


@jvp_rule(array_item)
def array_item_jvp(ans, x, index=None, *, dx):
    return array_item(dx, index)


@vjp_rule(item_back)
def item_back_vjp(gg, ans, g, x, index=None):
    return array_item(gg, index), None, None


@jvp_rule(item_back)
def item_back_jvp(ans, g, x, index=None, *, dg, dx):
    return item_back(dg, x, index)


register_linear((0,), array_item, item_back)
