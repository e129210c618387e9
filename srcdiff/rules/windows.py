"""numpy.lib.stride_tricks.sliding_window_view: overlapping windows of an array.

The windows are a linear view, so the tangent is the view of the tangent; the
cotangent adds every window's entries back onto the positions it covers
(``windows_summed``), whose own adjoint is the window view again."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .registry import vjp_rule, jvp_rule, register_linear


def window_axes(x, window_shape, axis=None):
    """The window's sizes and the axes of ``x`` they run along (NumPy's rules)."""
    sizes = (int(window_shape),) if np.ndim(window_shape) == 0 else tuple(int(w) for w in window_shape)
    ndim = np.ndim(x)
    if axis is None:
        axes = tuple(range(ndim))
    else:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return sizes, tuple(int(a) % ndim for a in axes)


def windows_summed(g, x, window_shape, axis=None):
    """The adjoint of ``sliding_window_view(x, window_shape, axis)``: each window
    of ``g`` (its trailing axes) added onto the entries of ``x`` it covers."""
    sizes, axes = window_axes(x, window_shape, axis)
    g = np.asarray(g)
    lead = g.shape[:np.ndim(x)]
    out = np.zeros(np.shape(x), dtype=np.result_type(g.dtype, np.float64))
    for offsets in np.ndindex(*sizes):
        shift = [0] * np.ndim(x)
        for a, k in zip(axes, offsets):
            shift[a] += k
        region = tuple(slice(s, s + n) for s, n in zip(shift, lead))
        out[region] += g[(Ellipsis,) + offsets]
    return out


@vjp_rule(sliding_window_view)
def sliding_window_view_vjp(g, ans, x, window_shape, axis=None, subok=False, writeable=False):
    return windows_summed(g, x, window_shape, axis)


@jvp_rule(sliding_window_view)
def sliding_window_view_jvp(ans, x, window_shape, axis=None, subok=False, writeable=False, *, dx):
    return sliding_window_view(dx, window_shape, axis)


@vjp_rule(windows_summed)
def windows_summed_vjp(gg, ans, g, x, window_shape, axis=None):
    return sliding_window_view(gg, window_shape, axis), None


@jvp_rule(windows_summed)
def windows_summed_jvp(ans, g, x, window_shape, axis=None, *, dg, dx):
    return windows_summed(dg, x, window_shape, axis)


register_linear((0,), sliding_window_view, windows_summed)
