"""``np.fft``: all transforms are linear, so each reverse rule is the
transposed transform and each forward rule the transform of the tangent.

Complex values follow the JAX/autograd convention: the cotangent ``c`` of a
complex ``z`` pairs with a tangent ``t`` as ``Re(sum(c * t))`` (for a real
loss L, ``c = dL/dRe(z) - 1j * dL/dIm(z)``). The DFT matrix is symmetric,
so the transpose of ``fft`` is ``fft`` itself (with the same ``norm``); a
real input takes the real part of its cotangent. ``n``/``s`` padding and
cropping are transposed by cropping/padding the cotangent.
"""
import numpy as np

from ..runtime import cast_like
from .registry import vjp_rule, jvp_rule, register_linear, nondifferentiable
from .fft_derivatives import (fit_length, fit_shape, fft_axes, rfft_cotangent, irfft_cotangent,
                              rfftn_cotangent, irfftn_cotangent, inverse_norm)

fft_ = np.fft


@vjp_rule(np.fft.fft)
def fft(g, ans, a, n=None, axis=-1, norm=None, out=None):
    return cast_like(fit_length(np.fft.fft(g, axis=axis, norm=norm), a, axis), a)


@jvp_rule(np.fft.fft)
def fft_jvp(ans, a, n=None, axis=-1, norm=None, out=None, *, da):
    return np.fft.fft(da, n, axis, norm)


@vjp_rule(np.fft.ifft)
def ifft(g, ans, a, n=None, axis=-1, norm=None, out=None):
    return cast_like(fit_length(np.fft.ifft(g, axis=axis, norm=norm), a, axis), a)


@jvp_rule(np.fft.ifft)
def ifft_jvp(ans, a, n=None, axis=-1, norm=None, out=None, *, da):
    return np.fft.ifft(da, n, axis, norm)


@vjp_rule(np.fft.fftn)
def fftn(g, ans, a, s=None, axes=None, norm=None, out=None):
    return cast_like(fit_shape(np.fft.fftn(g, axes=fft_axes(a, s, axes), norm=norm), a, fft_axes(a, s, axes)), a)


@jvp_rule(np.fft.fftn)
def fftn_jvp(ans, a, s=None, axes=None, norm=None, out=None, *, da):
    return np.fft.fftn(da, s, axes, norm)


@vjp_rule(np.fft.ifftn)
def ifftn(g, ans, a, s=None, axes=None, norm=None, out=None):
    return cast_like(fit_shape(np.fft.ifftn(g, axes=fft_axes(a, s, axes), norm=norm), a, fft_axes(a, s, axes)), a)


@jvp_rule(np.fft.ifftn)
def ifftn_jvp(ans, a, s=None, axes=None, norm=None, out=None, *, da):
    return np.fft.ifftn(da, s, axes, norm)


@vjp_rule(np.fft.fft2)
def fft2(g, ans, a, s=None, axes=(-2, -1), norm=None, out=None):
    return cast_like(fit_shape(np.fft.fftn(g, axes=fft_axes(a, s, axes), norm=norm), a, fft_axes(a, s, axes)), a)


@jvp_rule(np.fft.fft2)
def fft2_jvp(ans, a, s=None, axes=(-2, -1), norm=None, out=None, *, da):
    return np.fft.fft2(da, s, axes, norm)


@vjp_rule(np.fft.ifft2)
def ifft2(g, ans, a, s=None, axes=(-2, -1), norm=None, out=None):
    return cast_like(fit_shape(np.fft.ifftn(g, axes=fft_axes(a, s, axes), norm=norm), a, fft_axes(a, s, axes)), a)


@jvp_rule(np.fft.ifft2)
def ifft2_jvp(ans, a, s=None, axes=(-2, -1), norm=None, out=None, *, da):
    return np.fft.ifft2(da, s, axes, norm)


@vjp_rule(np.fft.rfft)
def rfft(g, ans, a, n=None, axis=-1, norm=None, out=None):
    """Real input: the cotangent is real (the transpose of the one-sided DFT)."""
    return rfft_cotangent(g, a, n, axis, norm)


@jvp_rule(np.fft.rfft)
def rfft_jvp(ans, a, n=None, axis=-1, norm=None, out=None, *, da):
    return np.fft.rfft(da, n, axis, norm)


@vjp_rule(np.fft.irfft)
def irfft(g, ans, a, n=None, axis=-1, norm=None, out=None):
    """irfft reads a one-sided spectrum (and ignores the imaginary parts of its
    DC and Nyquist bins): its transpose weighs bins by 1 or 2."""
    return irfft_cotangent(g, a, n, axis, norm)


@jvp_rule(np.fft.irfft)
def irfft_jvp(ans, a, n=None, axis=-1, norm=None, out=None, *, da):
    return np.fft.irfft(da, n, axis, norm)


@vjp_rule(np.fft.rfftn)
def rfftn(g, ans, a, s=None, axes=None, norm=None, out=None):
    return rfftn_cotangent(g, a, s, axes, norm)


@jvp_rule(np.fft.rfftn)
def rfftn_jvp(ans, a, s=None, axes=None, norm=None, out=None, *, da):
    return np.fft.rfftn(da, s, axes, norm)


@vjp_rule(np.fft.rfft2)
def rfft2(g, ans, a, s=None, axes=(-2, -1), norm=None, out=None):
    return rfftn_cotangent(g, a, s, axes, norm)


@jvp_rule(np.fft.rfft2)
def rfft2_jvp(ans, a, s=None, axes=(-2, -1), norm=None, out=None, *, da):
    return np.fft.rfft2(da, s, axes, norm)


@vjp_rule(np.fft.irfftn)
def irfftn(g, ans, a, s=None, axes=None, norm=None, out=None):
    return irfftn_cotangent(g, a, s, axes, norm)


@jvp_rule(np.fft.irfftn)
def irfftn_jvp(ans, a, s=None, axes=None, norm=None, out=None, *, da):
    return np.fft.irfftn(da, s, axes, norm)


@vjp_rule(np.fft.irfft2)
def irfft2(g, ans, a, s=None, axes=(-2, -1), norm=None, out=None):
    return irfftn_cotangent(g, a, s, axes, norm)


@jvp_rule(np.fft.irfft2)
def irfft2_jvp(ans, a, s=None, axes=(-2, -1), norm=None, out=None, *, da):
    return np.fft.irfft2(da, s, axes, norm)


@vjp_rule(np.fft.hfft)
def hfft(g, ans, a, n=None, axis=-1, norm=None, out=None):
    """hfft(a) = irfft(conj(a)) with the opposite norm."""
    return np.conj(irfft_cotangent(g, a, n, axis, inverse_norm(norm)))


@jvp_rule(np.fft.hfft)
def hfft_jvp(ans, a, n=None, axis=-1, norm=None, out=None, *, da):
    return np.fft.hfft(da, n, axis, norm)


@vjp_rule(np.fft.ihfft)
def ihfft(g, ans, a, n=None, axis=-1, norm=None, out=None):
    """ihfft(a) = conj(rfft(a)) with the opposite norm."""
    return rfft_cotangent(np.conj(g), a, n, axis, inverse_norm(norm))


@jvp_rule(np.fft.ihfft)
def ihfft_jvp(ans, a, n=None, axis=-1, norm=None, out=None, *, da):
    return np.fft.ihfft(da, n, axis, norm)


@vjp_rule(np.fft.fftshift)
def fftshift(g, ans, x, axes=None):
    return np.fft.ifftshift(g, axes)


@jvp_rule(np.fft.fftshift)
def fftshift_jvp(ans, x, axes=None, *, dx):
    return np.fft.fftshift(dx, axes)


@vjp_rule(np.fft.ifftshift)
def ifftshift(g, ans, x, axes=None):
    return np.fft.fftshift(g, axes)


@jvp_rule(np.fft.ifftshift)
def ifftshift_jvp(ans, x, axes=None, *, dx):
    return np.fft.ifftshift(dx, axes)


register_linear((0,), np.fft.fft, np.fft.ifft, np.fft.fftn, np.fft.ifftn, np.fft.fft2, np.fft.ifft2,
                np.fft.rfft, np.fft.irfft, np.fft.rfftn, np.fft.irfftn, np.fft.rfft2, np.fft.irfft2,
                np.fft.hfft, np.fft.ihfft, np.fft.fftshift, np.fft.ifftshift)
nondifferentiable(np.fft.fftfreq, np.fft.rfftfreq)
