"""Central differences of a program with respect to one (nested, possibly complex)
argument."""
from __future__ import annotations

import copy

import numpy as np

from tools.fuzz.values import _is_complex, flatten, unflatten


def complex_elements(arg):
    """Per flat element of ``arg``'s leaves: is it complex?"""
    return [_is_complex(leaf) for leaf in flatten(arg) for _ in range(int(np.size(leaf)))]


def _perturbed(arg, j, h):
    """``arg`` with float leaf j (flat element index over leaves) moved by h (an
    imaginary h moves a complex element's imaginary part)."""
    leaves = flatten(arg)
    new = []
    for leaf in leaves:
        size = int(np.size(leaf))
        if 0 <= j < size:
            if isinstance(leaf, np.ndarray):
                c = leaf.astype(complex if _is_complex(leaf) else float, copy=True)
                c.reshape(-1)[j] += h
                new.append(c)
            elif isinstance(leaf, (np.floating, np.complexfloating)):
                new.append(type(leaf)(leaf + h))
            elif isinstance(leaf, complex):
                new.append(leaf + h)
            else:
                new.append(float(leaf) + h)
        else:
            new.append(copy.copy(leaf))
        j -= size
    return unflatten(arg, new)


def numeric_grad(f, args, i, eps=1e-6, stencil=2):
    """Central differences of scalar f w.r.t. argument i, as a flat vector: float, or
    complex where argument i has complex elements, whose cotangent is JAX's
    ``dL/dRe(z) - 1j * dL/dIm(z)``."""
    arg = args[i]
    cplx = complex_elements(arg)
    g = np.zeros(len(cplx), dtype=complex if any(cplx) else float)

    def diff(j, step):
        def at(h):
            a = list(args)
            a[i] = _perturbed(arg, j, h * step)
            return float(f(*a))
        if stencil == 2:
            return (at(eps) - at(-eps)) / (2 * eps)
        return (-at(2 * eps) + 8 * at(eps) - 8 * at(-eps) + at(-2 * eps)) / (12 * eps)
    for j, c in enumerate(cplx):
        g[j] = diff(j, 1.0) - 1j * diff(j, 1j) if c else diff(j, 1.0)
    return g
