"""``np.linalg.eig``: eigenvalues and eigenvectors of a general matrix.

Caveats (README): the eigenvalues must be distinct. The eigenvectors are
differentiated under NumPy's (LAPACK's) normalisation, which fixes the
otherwise arbitrary scale of each one: unit Euclidean norm and its entry of
largest modulus real. A real matrix's outputs are complex when some eigenvalue
is; a real matrix gets a real cotangent and a real output a real tangent
(the complex convention of ``srcdiff.rules``).

With ``C = V^-1 dA V`` and ``F[i, k] = 1 / (w[k] - w[i])`` (0 on the diagonal):
``dw = diag(C)``, and eigenvector ``k`` moves by ``u = V (F * C)`` plus
``c[k] v[k]``, where ``Re c[k] = -Re(v[k]^H u[k])`` keeps the norm and
``Im c[k] = -Im(u[m, k]) / v[m, k]`` keeps entry ``m`` (the largest) real.
"""
import numpy as np

from .registry import vjp_rule, jvp_rule, nondifferentiable


def largest_entries(v):
    """The row of each eigenvector's entry of largest modulus, shaped (..., 1, n)."""
    return np.expand_dims(np.argmax(np.abs(v), axis=-2), -2)


nondifferentiable(largest_entries)


def _gaps(w):
    """``F[i, k] = 1 / (w[k] - w[i])`` off the diagonal, 0 on it."""
    eye = np.eye(np.shape(w)[-1])
    return (1 - eye) / (np.expand_dims(w, -2) - np.expand_dims(w, -1) + eye)


def _real_like(t, ref):
    """``t``, real when ``ref`` is real (a real output's tangent)."""
    return t if np.iscomplexobj(ref) else np.real(t)


@jvp_rule(np.linalg.eig)
def eig_jvp(ans, a, *, da):
    w, v = ans
    C = np.linalg.solve(v, da @ v)
    u = v @ (_gaps(w) * C)
    m = largest_entries(v)
    vm = np.real(np.take_along_axis(v, m, -2))
    um = np.take_along_axis(u, m, -2)
    c = -np.real(np.sum(np.conj(v) * u, axis=-2, keepdims=True)) - 1j * np.imag(um) / vm
    return _real_like(np.diagonal(C, 0, -2, -1), w), _real_like(u + v * c, v)


@vjp_rule(np.linalg.eig)
def eig(g, ans, a):
    """``g`` is (cotangent of w, cotangent of v), either may be None."""
    w, v = ans
    n = np.shape(w)[-1]
    gv = g[1] if g[1] is not None else 0.0 * v
    m = largest_entries(v)
    vm = np.real(np.take_along_axis(v, m, -2))
    s = np.sum(gv * v, axis=-2, keepdims=True)
    at_largest = np.expand_dims(np.arange(n), -1) == m
    gu = gv - np.real(s) * np.conj(v) - 1j * np.where(at_largest, np.imag(s) / vm, 0.0)
    gC = _gaps(w) * (np.swapaxes(v, -1, -2) @ gu) + (np.expand_dims(g[0], -1) * np.eye(n) if g[0] is not None
                                                      else 0.0)
    ga = np.linalg.solve(np.swapaxes(v, -1, -2), gC @ np.swapaxes(v, -1, -2))
    return ga if np.iscomplexobj(a) else np.real(ga)


@jvp_rule(np.linalg.eigvals)
def eigvals_jvp(ans, a, *, da):
    w, v = np.linalg.eig(a)
    return _real_like(np.diagonal(np.linalg.solve(v, da @ v), 0, -2, -1), ans)


@vjp_rule(np.linalg.eigvals)
def eigvals(g, ans, a):
    w, v = np.linalg.eig(a)
    ga = np.linalg.solve(np.swapaxes(v, -1, -2), np.expand_dims(g, -1) * np.swapaxes(v, -1, -2))
    return ga if np.iscomplexobj(a) else np.real(ga)
