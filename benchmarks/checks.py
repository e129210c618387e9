"""Cross-checking: a gradient (any library's) against a reference."""
import numpy as np


def to_tuple(g, n):
    """A gradient as a tuple of n float arrays (for comparison)."""
    if n == 1 and not isinstance(g, (tuple, list)):
        g = (g,)
    if not isinstance(g, (tuple, list)) or len(g) != n:
        raise ValueError("expected %d gradients, got %r" % (n, type(g)))
    out = []
    for x in g:
        if hasattr(x, "detach"):           # torch
            x = x.detach().numpy()
        out.append(np.asarray(x, dtype=float))
    return tuple(out)


def compare(got, ref, rtol=1e-6):
    """(ok, message) for two tuples of arrays."""
    worst = 0.0
    for i, (g, r) in enumerate(zip(got, ref)):
        if g.shape != r.shape:
            return False, "gradient %d has shape %s, expected %s" % (
                i, g.shape, r.shape)
        scale = max(1.0, float(np.max(np.abs(r))) if r.size else 1.0)
        if not np.allclose(g, r, rtol=rtol, atol=1e-9 * scale):
            err = float(np.max(np.abs(g - r))) if r.size else 0.0
            return False, ("gradient %d differs: max |diff| %.3g "
                           "(max |ref| %.3g)" % (i, err, scale))
        if r.size:
            worst = max(worst, float(np.max(np.abs(g - r))) / scale)
    return True, "max rel diff %.1e" % worst
