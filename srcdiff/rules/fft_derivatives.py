"""Pieces of the FFT rules' derivatives (fft.py): lengths and axes fitted to
the input, normalisation, and the cotangents of the real transforms.

Plain NumPy-API code (it never forces values through ``np.asarray`` or
``float()``, so Dask or CuPy arrays stay in their own library). A piece that
carries derivative information has its own vjp/jvp rules (after its section),
so derivative code that calls it can be differentiated again; one that only
computes constants (masks, axes, subscripts) is ``nondifferentiable``.
"""
import numpy as np

from ..runtime import cast_like
from .registry import vjp_rule, jvp_rule, nondifferentiable, register_linear


def fit_length(ct, a, axis=-1):
    """``ct`` truncated or zero-padded along ``axis`` to ``a``'s length there."""
    n = np.shape(a)[axis]
    m = np.shape(ct)[axis]
    if n == m:
        return ct
    if m > n:
        return np.take(ct, np.arange(n), axis=axis)
    nd = np.ndim(ct)
    ax = axis % nd
    return np.pad(ct, tuple((0, n - m) if i == ax else (0, 0) for i in range(nd)))


def fft_axes(a, s=None, axes=None):
    """The axes an ``np.fft.*n`` call transforms."""
    nd = np.ndim(a)
    if axes is None:
        if s is None:
            return tuple(range(nd))
        return tuple(range(nd - len(s), nd))
    return tuple(x % nd for x in axes)


def fit_shape(ct, a, axes):
    """``fit_length`` along each of ``axes``."""
    for ax in axes:
        ct = fit_length(ct, a, ax)
    return ct


def inverse_norm(norm):
    """The ``norm`` argument whose scaling is the transpose's: the unscaled
    direction of ``backward`` is 1/n for the adjoint of the inverse, etc."""
    return {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}[norm]


def rfft_cotangent(g, a, n=None, axis=-1, norm=None):
    """Cotangent of the real ``a`` in ``np.fft.rfft(a, n, axis, norm)``."""
    nn = np.shape(a)[axis] if n is None else n
    full = _pad_to(g, nn, axis)
    return cast_like(fit_length(np.fft.fft(full, axis=axis, norm=norm), a, axis), a)


def _pad_to(g, n, axis):
    m = np.shape(g)[axis]
    if m >= n:
        return np.take(g, np.arange(n), axis=axis)
    nd = np.ndim(g)
    ax = axis % nd
    return np.pad(g, tuple((0, n - m) if i == ax else (0, 0) for i in range(nd)))


def irfft_weights(m, n, axis, nd):
    """Weights c_k (1 for k=0 and the Nyquist bin, 2 otherwise) of the one-sided
    spectrum of length ``m`` read by ``irfft`` to length ``n``, shaped to
    broadcast along ``axis`` of an ``nd``-dim array."""
    c = np.full(m, 2.0)
    c[0] = 1.0
    if n % 2 == 0 and m - 1 == n // 2:
        c[-1] = 1.0
    shape = [1] * nd
    shape[axis % nd] = m
    return np.reshape(c, shape)


def irfft_cotangent(g, a, n=None, axis=-1, norm=None):
    """Cotangent of ``a`` in ``np.fft.irfft(a, n, axis, norm)`` (JAX convention)."""
    nn = np.shape(g)[axis]
    spec = np.fft.rfft(g, axis=axis, norm=inverse_norm(norm))
    c = irfft_weights(np.shape(spec)[axis], nn, axis, np.ndim(g))
    return cast_like(fit_length(c * np.conj(spec), a, axis), a)


def rfftn_cotangent(g, a, s=None, axes=None, norm=None):
    """Cotangent of the real ``a`` in ``np.fft.rfftn(a, s, axes, norm)``."""
    ax = fft_axes(a, s, axes)
    h = np.fft.fftn(g, axes=ax[:-1], norm=norm) if len(ax) > 1 else g
    n_last = s[-1] if s is not None else np.shape(a)[ax[-1]]
    ct = np.fft.fft(_pad_to(h, n_last, ax[-1]), axis=ax[-1], norm=norm)
    return cast_like(fit_shape(ct, a, ax), a)


def irfftn_cotangent(g, a, s=None, axes=None, norm=None):
    """Cotangent of ``a`` in ``np.fft.irfftn(a, s, axes, norm)`` (JAX convention)."""
    ax = fft_axes(a, s, axes)
    nn = np.shape(g)[ax[-1]]
    spec = np.fft.rfft(g, axis=ax[-1], norm=inverse_norm(norm))
    c = irfft_weights(np.shape(spec)[ax[-1]], nn, ax[-1], np.ndim(g))
    h = fit_length(c * np.conj(spec), a, ax[-1])
    ct = np.fft.ifftn(h, axes=ax[:-1], norm=norm) if len(ax) > 1 else h
    return cast_like(fit_shape(ct, a, ax[:-1]), a)


def fft_out_sizes(g, axes):
    """The sizes of ``g`` along ``axes`` (the ``s`` that reproduces them)."""
    return tuple(np.shape(g)[x] for x in axes)


@vjp_rule(fit_length)
def fit_length_vjp(gg, ans, ct, a, axis=-1):
    return fit_length(gg, ct, axis), None


@jvp_rule(fit_length)
def fit_length_jvp(ans, ct, a, axis=-1, *, dct, da):
    return fit_length(dct, a, axis)


@vjp_rule(fit_shape)
def fit_shape_vjp(gg, ans, ct, a, axes):
    return fit_shape(gg, ct, axes), None


@jvp_rule(fit_shape)
def fit_shape_jvp(ans, ct, a, axes, *, dct, da):
    return fit_shape(dct, a, axes)


@vjp_rule(rfft_cotangent)
def rfft_cotangent_vjp(gg, ans, g, a, n=None, axis=-1, norm=None):
    return np.fft.rfft(gg, n=n, axis=axis, norm=norm), None


@jvp_rule(rfft_cotangent)
def rfft_cotangent_jvp(ans, g, a, n=None, axis=-1, norm=None, *, dg, da):
    return rfft_cotangent(dg, a, n, axis, norm)


@vjp_rule(irfft_cotangent)
def irfft_cotangent_vjp(gg, ans, g, a, n=None, axis=-1, norm=None):
    return np.fft.irfft(gg, n=np.shape(g)[axis], axis=axis, norm=norm), None


@jvp_rule(irfft_cotangent)
def irfft_cotangent_jvp(ans, g, a, n=None, axis=-1, norm=None, *, dg, da):
    return irfft_cotangent(dg, a, n, axis, norm)


@vjp_rule(rfftn_cotangent)
def rfftn_cotangent_vjp(gg, ans, g, a, s=None, axes=None, norm=None):
    return np.fft.rfftn(gg, s=s, axes=fft_axes(a, s, axes), norm=norm), None


@jvp_rule(rfftn_cotangent)
def rfftn_cotangent_jvp(ans, g, a, s=None, axes=None, norm=None, *, dg, da):
    return rfftn_cotangent(dg, a, s, axes, norm)


@vjp_rule(irfftn_cotangent)
def irfftn_cotangent_vjp(gg, ans, g, a, s=None, axes=None, norm=None):
    return np.fft.irfftn(gg, s=fft_out_sizes(g, fft_axes(a, s, axes)), axes=fft_axes(a, s, axes),
                         norm=norm), None


@jvp_rule(irfftn_cotangent)
def irfftn_cotangent_jvp(ans, g, a, s=None, axes=None, norm=None, *, dg, da):
    return irfftn_cotangent(dg, a, s, axes, norm)


register_linear((0,), rfftn_cotangent, irfftn_cotangent)


register_linear((0,), fit_length, fit_shape, rfft_cotangent, irfft_cotangent)


nondifferentiable(fft_axes, inverse_norm, irfft_weights, fft_out_sizes)
