"""Input generators for the systematic rule tests: for each registered
callable, the cases (arguments, options) its rules are checked on.

Domains are chosen away from kinks and singularities (positive for log,
|x| < 1 for arcsin, distinct values for max/sort, well-conditioned matrices
for linalg). Shapes sweep scalar, vector, matrix and 3-D; binary functions
sweep broadcast pairs; reductions sweep every axis/keepdims combination.
"""
import itertools
import math
import re

import numpy as np

_rng = np.random.default_rng(1234)


def _stable_name(obj):
    """A name for a callable that is the same in every process (pytest-xdist
    workers must collect the same test ids): never a repr with an address."""
    name = getattr(obj, "__name__", None)
    if name is None:
        for module in (np, np.linalg):
            for attr in dir(module):
                if getattr(module, attr, None) is obj:
                    return f"np.{attr}" if module is np else f"np.linalg.{attr}"
        name = type(obj).__name__
    return re.sub(r" at 0x[0-9a-f]+", "", name)


class Case:
    """One call ``func(*args, **kwargs)`` to check. ``wrt``: positions of the
    differentiated arguments (default: every argument with floating leaves)."""

    def __init__(self, func, *args, wrt=None, rtol=1e-5, atol=1e-6, second=True, eps=1e-6,
                 label="", xfail=None, only_vjp=False, call_kwargs=None, **kwargs):
        self.func = func
        self.args = tuple(args)
        # call_kwargs: keywords of the call that share a name with Case's own (rtol, atol)
        self.kwargs = {**kwargs, **(call_kwargs or {})}
        self.wrt = wrt
        self.rtol, self.atol, self.second, self.eps = rtol, atol, second, eps
        self.label = label
        self.xfail = xfail
        # at a tie, central differences are only linear along coordinate directions:
        self.only_vjp = only_vjp

    def __repr__(self):
        def desc(a):
            if isinstance(a, (list, tuple)):
                return "[" + ",".join(desc(x) for x in a) + "]"
            if isinstance(a, (np.ndarray, np.generic)) and not isinstance(a, (float, int)):
                return f"{a.dtype}{tuple(a.shape)}"
            if isinstance(a, type) or callable(a):
                return _stable_name(a)
            return repr(a)
        name = _stable_name(self.func)
        kw = ",".join(f"{k}={desc(v)}" for k, v in self.kwargs.items())
        return f"{name}({','.join(desc(a) for a in self.args)}{'; ' if kw else ''}{kw}){self.label}"


# ----------------------------------------------------------------------------
# generators
# ----------------------------------------------------------------------------

def uni(shape, lo=-1.0, hi=1.0):
    """Uniform values in [lo, hi]; shape () gives a 0-d array."""
    return _rng.uniform(lo, hi, size=shape)


def pos(shape, lo=0.5, hi=2.0):
    return uni(shape, lo, hi)


def distinct(shape, spacing=0.3):
    """Values at least ``spacing`` apart (no ties) in random order."""
    n = int(np.prod(shape)) if shape else 1
    vals = (np.arange(n) - n / 2) * spacing + _rng.uniform(0, 0.05)
    _rng.shuffle(vals)
    return vals.reshape(shape)


def cplx(shape):
    return uni(shape) + 1j * uni(shape)


def spd(n, batch=()):
    a = uni(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def wellcond(n, batch=()):
    return uni(batch + (n, n)) + 2.5 * np.eye(n)


def sym_distinct(n, batch=()):
    """Symmetric with well separated eigenvalues."""
    q, _ = np.linalg.qr(uni(batch + (n, n)))
    w = np.arange(1, n + 1) * 1.0 + np.zeros(batch + (n,))
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)


SHAPES = [(), (3,), (2, 3), (2, 1, 3)]
PAIRS = [((), ()), ((3,), ()), ((), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((2, 3), (2, 3)),
         ((1, 3, 1), (2, 1, 2))]


def all_axes(nd):
    """Every axis argument for an nd-array: None, each int (and a negative),
    and every tuple of two or more distinct axes."""
    out = [None] + list(range(nd))
    if nd:
        out.append(-1)
    for r in range(2, nd + 1):
        out += list(itertools.combinations(range(nd), r))
    return out


# ----------------------------------------------------------------------------
# the spec table
# ----------------------------------------------------------------------------

SPECS = {}


def spec(func, cases):
    SPECS.setdefault(func, []).extend(cases)


def unary(func, gen=uni, shapes=SHAPES, py=True, **kw):
    cases = [Case(func, gen(s), **kw) for s in shapes]
    if py:
        cases.append(Case(func, float(gen(())), **kw))
    spec(func, cases)


def binary(func, gen1=uni, gen2=uni, pairs=PAIRS, **kw):
    spec(func, [Case(func, gen1(a), gen2(b), **kw) for a, b in pairs])


# --- elementwise -----------------------------------------------------------

for f in (np.sin, np.cos, np.arctan, np.sinh, np.cosh, np.tanh, np.arcsinh, np.exp, np.exp2,
          np.expm1, np.square, np.deg2rad, np.rad2deg, np.radians, np.degrees, np.negative,
          np.positive, np.conjugate, np.real, np.cbrt):
    unary(f)
for f in (np.sin, np.cos, np.exp, np.tanh, np.square, np.conjugate, np.real, np.negative):
    spec(f, [Case(f, cplx((2, 2)), label=" complex")])
unary(np.tan, lambda s: uni(s, -1.2, 1.2))
unary(np.arcsin, lambda s: uni(s, -0.9, 0.9))
unary(np.arccos, lambda s: uni(s, -0.9, 0.9))
unary(np.arctanh, lambda s: uni(s, -0.9, 0.9))
unary(np.arccosh, lambda s: uni(s, 1.2, 3.0))
for f in (np.log, np.log2, np.log10, np.log1p, np.sqrt, np.reciprocal):
    unary(f, pos)
spec(np.log, [Case(np.log, cplx((3,)) + 2, label=" complex")])
spec(np.sqrt, [Case(np.sqrt, cplx((3,)) + 2, label=" complex")])
unary(np.cbrt, lambda s: pos(s) * np.where(uni(s) > 0, 1, -1))
unary(np.sinc, lambda s: uni(s, 0.1, 1.5))
unary(np.absolute, lambda s: pos(s) * np.where(uni(s) > 0, 1, -1))
spec(np.absolute, [Case(np.absolute, cplx((2, 3)), label=" complex")])
unary(abs, lambda s: pos(s) * np.where(uni(s) > 0, 1, -1), shapes=[(3,)])
unary(np.fabs, lambda s: pos(s) * np.where(uni(s) > 0, 1, -1))
unary(np.nan_to_num, uni, py=False)
spec(np.nan_to_num, [Case(np.nan_to_num, np.array([1.0, np.nan, 2.0]), label=" nan")])
unary(np.imag, cplx, shapes=[(3,), (2, 2)], py=False)
spec(np.imag, [Case(np.imag, uni((3,)), label=" real")])
unary(np.angle, cplx, shapes=[(3,), (2, 2)], py=False)
spec(np.angle, [Case(np.angle, cplx((3,)), deg=True), Case(np.angle, pos((3,)), label=" real")])

for f in (np.add, np.subtract, np.multiply, np.logaddexp, np.logaddexp2, np.hypot):
    binary(f)
binary(np.divide, uni, pos)
binary(np.true_divide, uni, pos, pairs=PAIRS[:3])
binary(np.power, pos, uni)
binary(np.float_power, pos, uni)
binary(np.arctan2, uni, pos)
binary(np.copysign, pos, uni)
binary(np.mod, lambda s: uni(s, 0.1, 0.9) + 3.0, lambda s: pos(s, 1.1, 1.4))
binary(np.remainder, lambda s: uni(s, 0.1, 0.9) + 3.0, lambda s: pos(s, 1.1, 1.4), pairs=PAIRS[:3])
binary(np.fmod, lambda s: uni(s, 0.1, 0.9) + 3.0, lambda s: pos(s, 1.1, 1.4))
for f in (np.maximum, np.minimum, np.fmax, np.fmin):
    binary(f, lambda s: distinct(s), lambda s: distinct(s) + 0.1)
    spec(f, [Case(f, np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 4.0]), only_vjp=True, label=" tie")])
spec(np.multiply, [Case(np.multiply, cplx((3,)), uni((3,)), label=" complex*real",
                        xfail=None)])
spec(np.ldexp, [Case(np.ldexp, uni(s), np.array(3), wrt=(0,)) for s in SHAPES]
     + [Case(np.ldexp, uni((2, 3)), np.array([1, -2, 0]), wrt=(0,))])
spec(np.where, [Case(np.where, uni(a) > 0, uni(a), uni(b)) for a, b in PAIRS]
     + [Case(np.where, uni((3,)) > 0, uni((2, 3)), 1.5)])
spec(np.clip, [Case(np.clip, distinct((3, 4)), -0.25, 0.25),
               Case(np.clip, distinct((6,)), distinct((6,)) * 0 - 0.31, None),
               Case(np.clip, distinct((6,)), None, np.full(6, 0.01)),
               Case(np.clip, distinct((2, 3)), uni((3,)) * 0.0 - 0.2, uni((2, 1)) * 0 + 0.2),
               Case(np.clip, distinct((4,)), -0.2, 0.2)])


# --- reductions --------------------------------------------------------------

RSHAPES = [(4,), (2, 3), (2, 3, 2)]


def reduction(func, gen=uni, shapes=RSHAPES, extra=None, scalar=True, **kw):
    cases = [Case(func, gen(()), **kw)] if scalar else []
    for s in shapes:
        for axis in all_axes(len(s)):
            for keepdims in (False, True):
                cases.append(Case(func, gen(s), axis=axis, keepdims=keepdims, **kw, **(extra or {})))
    spec(func, cases)


for f in (np.sum, np.mean, np.nansum, np.nanmean):
    reduction(f)
reduction(np.prod, pos)
spec(np.prod, [Case(np.prod, np.array([[1.5, 0.0, 2.0], [0.5, 0.0, 0.0]]), axis=a, label=" zeros")
               for a in (None, 0, 1)]
     + [Case(np.prod, np.array([0.7, 0.0, 1.3, -0.8]), label=" one zero")])
reduction(np.nanprod, pos, shapes=[(2, 3)])
for f in (np.var, np.std):
    reduction(f, shapes=[(4,), (2, 3, 2)], scalar=f is np.var)
    spec(f, [Case(f, uni((3, 4)), axis=1, ddof=1), Case(f, uni((5,)), ddof=2)])
for f in (np.nanvar, np.nanstd):
    spec(f, [Case(f, uni((3, 4)), axis=a, keepdims=k) for a in (None, 0, 1) for k in (False, True)]
         + [Case(f, np.array([0.3, np.nan, -0.4, 0.9]), label=" nan"), Case(f, uni((4,)), ddof=1)])
for f in (np.max, np.amax, np.min, np.amin, np.nanmax, np.nanmin, np.ptp):
    reduction(f, distinct)
    spec(f, [Case(f, np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]), axis=1, only_vjp=True, label=" ties"),
             Case(f, np.array([3.0, 1.0, 3.0, 1.0]), only_vjp=True, label=" ties")])
spec(np.nanmax, [Case(np.nanmax, np.array([0.5, np.nan, -1.0, 2.0]), label=" nan")])
spec(np.nansum, [Case(np.nansum, np.array([[0.5, np.nan], [-1.0, 2.0]]), axis=0, label=" nan")])
spec(np.nanmean, [Case(np.nanmean, np.array([[0.5, np.nan], [-1.0, 2.0]]), axis=a, label=" nan")
                  for a in (None, 0, 1)])
spec(np.nanprod, [Case(np.nanprod, np.array([0.5, np.nan, -1.0, 2.0]), label=" nan")])
for f in (np.cumsum, np.cumprod, np.nancumsum):
    gen = pos if f is np.cumprod else uni
    spec(f, [Case(f, gen(s), axis=a) for s in RSHAPES for a in [None] + list(range(len(s)))]
         + [Case(f, gen(()))])
spec(np.cumprod, [Case(np.cumprod, np.array([1.5, 0.0, 2.0, 0.0, 0.7]), label=" zeros"),
                  Case(np.cumprod, np.array([[1.5, 0.0, 2.0], [0.2, 0.3, 0.0]]), axis=1, label=" zeros")])
spec(np.cumulative_sum, [Case(np.cumulative_sum, uni((4,))), Case(np.cumulative_sum, uni((2, 3)), axis=1),
                         Case(np.cumulative_sum, uni((2, 3)), axis=0, include_initial=True)])
spec(np.diff, [Case(np.diff, uni(s), n=n, axis=a) for s in RSHAPES for n in (1, 2)
               for a in range(-1, len(s)) if s[a] > n]
     + [Case(np.diff, uni((5,)), 1, -1, uni((2,)), uni(())),
        Case(np.diff, uni((2, 4)), 1, 1, uni((2, 1))),
        Case(np.diff, uni((3, 4)), 2, 0, uni(()), uni((1, 4)))])
spec(np.trace, [Case(np.trace, uni((3, 3))), Case(np.trace, uni((3, 4)), offset=1),
                Case(np.trace, uni((4, 3)), offset=-1), Case(np.trace, uni((2, 3, 3)), axis1=1, axis2=2),
                Case(np.trace, uni((3, 2, 3)), 0, 0, 2), Case(np.trace, uni((3, 2, 4)), 1, -1, 0)])
spec(np.average, [Case(np.average, uni((3, 4))), Case(np.average, uni((3, 4)), axis=1),
                  Case(np.average, uni((3, 4)), None, pos((3, 4))),
                  Case(np.average, uni((3, 4)), 0, pos((3,))),
                  Case(np.average, uni((3, 4)), 1, pos((4,)), keepdims=True),
                  Case(np.average, uni((2, 3, 2)), (0, 2), pos((2, 3, 2)))])


# --- shapes and indexing -------------------------------------------------------

spec(np.reshape, [Case(np.reshape, uni((2, 3)), (3, 2)), Case(np.reshape, uni((2, 3)), (-1,)),
                  Case(np.reshape, uni((2, 3, 2)), (4, 3), order="F"), Case(np.reshape, uni(()), (1, 1))])
spec(np.ravel, [Case(np.ravel, uni(s)) for s in SHAPES] + [Case(np.ravel, uni((2, 3)), order="F")])
for f in (np.transpose, np.permute_dims):
    spec(f, [Case(f, uni((2, 3))), Case(f, uni((2, 3, 4))), Case(f, uni((2, 3, 4)), (1, 2, 0)),
             Case(f, uni((2, 3, 4)), (-1, 0, 1))])
for f in (np.matrix_transpose, np.linalg.matrix_transpose):
    spec(f, [Case(f, uni((2, 3))), Case(f, uni((2, 3, 4)))])
spec(np.swapaxes, [Case(np.swapaxes, uni((2, 3, 4)), 0, 2), Case(np.swapaxes, uni((2, 3)), -1, 0)])
spec(np.moveaxis, [Case(np.moveaxis, uni((2, 3, 4)), 0, -1), Case(np.moveaxis, uni((2, 3, 4)), (0, 1), (2, 0))])
spec(np.rollaxis, [Case(np.rollaxis, uni((2, 3, 4)), a, s) for a in (0, 2, -1) for s in (0, 1, 3)])
spec(np.squeeze, [Case(np.squeeze, uni((1, 3, 1))), Case(np.squeeze, uni((1, 3, 1)), 2),
                  Case(np.squeeze, uni((1, 3, 1)), (0, 2))])
spec(np.expand_dims, [Case(np.expand_dims, uni((2, 3)), a) for a in (0, 2, -1, (0, 2))])
spec(np.broadcast_to, [Case(np.broadcast_to, uni(a), b) for a, b in
                       [((), (2, 3)), ((3,), (2, 3)), ((2, 1), (2, 3)), ((1, 3, 1), (2, 3, 2))]])
spec(np.broadcast_arrays, [Case(np.broadcast_arrays, uni((3,)), uni((2, 1))),
                           Case(np.broadcast_arrays, uni(()), uni((2, 3)), uni((3,)))])
for f in (np.atleast_1d, np.atleast_2d, np.atleast_3d):
    spec(f, [Case(f, uni(s)) for s in SHAPES] + [Case(f, uni(()), uni((3,)))])
spec(np.tile, [Case(np.tile, uni(s), r) for s, r in [((3,), 2), ((2, 3), (2, 1)), ((3,), (2, 2)),
                                                        ((2, 3), (2,)), ((), 3), ((2, 1, 3), (1, 2, 1))]])
spec(np.repeat, [Case(np.repeat, uni((2, 3)), 2), Case(np.repeat, uni((2, 3)), 2, 1),
                 Case(np.repeat, uni((2, 3)), np.array([1, 0, 3]), 1), Case(np.repeat, uni((4,)), np.array([2, 1, 1, 3])),
                 Case(np.repeat, uni((2, 3)), [2, 1], axis=0)])
spec(np.roll, [Case(np.roll, uni((5,)), 2), Case(np.roll, uni((2, 3)), 1), Case(np.roll, uni((2, 3)), -1, 1),
               Case(np.roll, uni((2, 3, 4)), (1, 2), (0, 2))])
spec(np.flip, [Case(np.flip, uni((2, 3))), Case(np.flip, uni((2, 3)), 1), Case(np.flip, uni((2, 3, 2)), (0, 2))])
spec(np.fliplr, [Case(np.fliplr, uni((2, 3))), Case(np.fliplr, uni((2, 3, 2)))])
spec(np.flipud, [Case(np.flipud, uni((3,))), Case(np.flipud, uni((2, 3)))])
spec(np.rot90, [Case(np.rot90, uni((2, 3)), k) for k in (1, 2, 3, -1)] + [Case(np.rot90, uni((2, 3, 4)), 1, (1, 2))])
spec(np.concatenate, [Case(np.concatenate, [uni((2, 3)), uni((1, 3))]), Case(np.concatenate, [uni((2, 3)), uni((2, 2))], 1),
                      Case(np.concatenate, [uni((3,)), uni((2,)), uni((1,))]),
                      Case(np.concatenate, [uni((2, 3)), uni((2,))], axis=None),
                      Case(np.concatenate, (uni((2, 2, 1)), uni((2, 2, 3))), -1)])
spec(np.stack, [Case(np.stack, [uni((2, 3)), uni((2, 3))]), Case(np.stack, [uni((3,)), uni((3,)), uni((3,))], 1),
                Case(np.stack, [uni(()), uni(())]), Case(np.stack, [uni((2, 3)), uni((2, 3))], -1)])
spec(np.hstack, [Case(np.hstack, [uni((2,)), uni((3,))]), Case(np.hstack, [uni((2, 1)), uni((2, 3))]),
                 Case(np.hstack, [uni(()), uni((2,))])])
spec(np.vstack, [Case(np.vstack, [uni((3,)), uni((3,))]), Case(np.vstack, [uni((1, 3)), uni((2, 3))])])
spec(np.dstack, [Case(np.dstack, [uni((3,)), uni((3,))]), Case(np.dstack, [uni((2, 3)), uni((2, 3, 2))])])
spec(np.column_stack, [Case(np.column_stack, [uni((3,)), uni((3, 2))])])
for f in (np.split, np.array_split):
    spec(f, [Case(f, uni((6,)), 3), Case(f, uni((4, 3)), [1, 3]), Case(f, uni((2, 6)), 2, 1)])
spec(np.array_split, [Case(np.array_split, uni((7,)), 3)])
spec(np.hsplit, [Case(np.hsplit, uni((6,)), 2), Case(np.hsplit, uni((2, 4)), [1])])
spec(np.vsplit, [Case(np.vsplit, uni((4, 3)), 2)])
spec(np.dsplit, [Case(np.dsplit, uni((2, 2, 4)), [1, 3])])
spec(np.unstack, [Case(np.unstack, uni((3, 2))), Case(np.unstack, uni((2, 3)), axis=1)])
spec(np.pad, [Case(np.pad, uni((3,)), 2), Case(np.pad, uni((2, 3)), ((1, 0), (2, 1))),
              Case(np.pad, uni((2, 3)), 1, constant_values=0.5),
              Case(np.pad, uni((2, 3)), ((1, 2), (0, 1)), "edge"), Case(np.pad, uni((4,)), 2, "reflect"),
              Case(np.pad, uni((3, 3)), 2, "symmetric"), Case(np.pad, uni((3,)), (1, 4), "wrap")])
spec(np.diag, [Case(np.diag, uni((3,))), Case(np.diag, uni((3,)), 1), Case(np.diag, uni((3,)), -2),
               Case(np.diag, uni((3, 3))), Case(np.diag, uni((3, 4)), 1), Case(np.diag, uni((4, 3)), -1)])
spec(np.diagflat, [Case(np.diagflat, uni((2, 2))), Case(np.diagflat, uni((3,)), 1)])
spec(np.diagonal, [Case(np.diagonal, uni((3, 3))), Case(np.diagonal, uni((3, 4)), 1),
                   Case(np.diagonal, uni((2, 3, 3)), 0, 1, 2), Case(np.diagonal, uni((3, 2, 4)), -1, 2, 0)])
spec(np.linalg.diagonal, [Case(np.linalg.diagonal, uni((2, 3, 3))), Case(np.linalg.diagonal, uni((3, 4)), offset=1)])
for f in (np.tril, np.triu):
    spec(f, [Case(f, uni((3, 3))), Case(f, uni((3, 4)), 1), Case(f, uni((2, 3, 3)), -1)])
spec(np.take, [Case(np.take, uni((5,)), np.array([0, 2, 2, 4])), Case(np.take, uni((2, 3)), np.array([[0, 1], [5, 5]])),
               Case(np.take, uni((2, 3)), np.array([2, 0, 2]), 1), Case(np.take, uni((2, 3)), 1, 0),
               Case(np.take, uni((4, 3)), np.array([-1, 5]), 0, mode="wrap"),
               Case(np.take, uni((2, 4, 3)), np.array([[0, 3], [1, 1]]), 1)])
spec(np.take_along_axis, [Case(np.take_along_axis, uni((2, 3)), np.array([[0, 2, 2], [1, 0, 1]]), 1),
                          Case(np.take_along_axis, uni((3, 2)), np.array([[2, 0]]), 0),
                          Case(np.take_along_axis, uni((6,)), np.array([5, 0, 5]), None)])
spec(np.sort, [Case(np.sort, distinct((5,))), Case(np.sort, distinct((3, 4))), Case(np.sort, distinct((3, 4)), 0),
               Case(np.sort, distinct((2, 3, 2)), None)])
for f in (np.array, np.asarray, np.asanyarray, np.ascontiguousarray):
    spec(f, [Case(f, uni((2, 3))), Case(f, [uni(()), uni(()), 1.5]), Case(f, [uni((2,)), uni((2,))]),
             Case(f, [[uni(()), 0.5], [uni(()), uni(())]])])
spec(np.array, [Case(np.array, [uni((2,)), uni((2,))], ndmin=3)])
spec(np.copy, [Case(np.copy, uni(s)) for s in SHAPES])
spec(np.astype, [Case(np.astype, uni((3,)), np.float32, rtol=1e-3, atol=1e-4, eps=1e-3, second=False),
                 Case(np.astype, uni((3,)), np.complex128), Case(np.astype, uni((2, 2)).astype(np.float32), np.float64,
                                                  rtol=1e-3, atol=1e-3, eps=1e-2, second=False)])
for f in (np.float64, np.longdouble):
    spec(f, [Case(f, uni(())), Case(f, uni((3,))), Case(f, 0.7)])
spec(np.float32, [Case(np.float32, uni((3,)), rtol=1e-3, atol=1e-4, eps=1e-3, second=False)])
spec(np.complex128, [Case(np.complex128, uni((3,))), Case(np.complex128, cplx((3,)))])
spec(np.complex64, [Case(np.complex64, uni((3,)), rtol=1e-3, atol=1e-4, eps=1e-3, second=False)])
spec(np.append, [Case(np.append, uni((3,)), uni((2,))), Case(np.append, uni((2, 3)), uni((1, 3)), 0),
                 Case(np.append, uni((2, 3)), uni(()))])


# --- products ------------------------------------------------------------------

DOT_PAIRS = [((), ()), ((), (3,)), ((2, 3), ()), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)),
             ((2, 3), (3, 4)), ((2, 2, 3), (3,)), ((2, 3), (2, 3, 2)), ((2, 1, 3), (2, 3, 2))]
spec(np.dot, [Case(np.dot, uni(a), uni(b)) for a, b in DOT_PAIRS] + [Case(np.dot, 0.5, uni((3,)))])
MATMUL_PAIRS = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 2)),
                ((3,), (2, 3, 2)), ((2, 1, 2, 3), (3, 3, 2)), ((2, 2, 3), (3,))]
for f in (np.matmul, np.linalg.matmul):
    spec(f, [Case(f, uni(a), uni(b)) for a, b in MATMUL_PAIRS])
spec(np.tensordot, [Case(np.tensordot, uni((2, 3, 4)), uni((3, 4, 2))), Case(np.tensordot, uni((2, 3)), uni((3, 2)), 1),
                    Case(np.tensordot, uni((2, 3)), uni((4,)), 0),
                    Case(np.tensordot, uni((2, 3, 4)), uni((4, 2, 3)), ([1, 0], [2, 1])),
                    Case(np.tensordot, uni((2, 3, 4)), uni((4, 5)), ([2], [0])),
                    Case(np.tensordot, uni((3, 4, 2)), uni((2, 4)), ((-1, 1), (0, 1))),
                    Case(np.tensordot, uni((3,)), uni((3,)), (0, 0))])
spec(np.linalg.tensordot, [Case(np.linalg.tensordot, uni((2, 3, 4)), uni((4, 2, 3)), axes=([1, 0], [2, 1])),
                           Case(np.linalg.tensordot, uni((2, 3)), uni((3, 2)), axes=1)])
spec(np.inner, [Case(np.inner, uni(a), uni(b)) for a, b in
                [((), ()), ((3,), ()), ((), (2, 3)), ((3,), (3,)), ((2, 3), (3,)), ((2, 3), (4, 3)), ((2, 2, 3), (2, 3))]])
spec(np.vdot, [Case(np.vdot, uni((3,)), uni((3,))), Case(np.vdot, uni((2, 3)), uni((3, 2))),
               Case(np.vdot, cplx((3,)), cplx((3,)))])
for f in (np.outer, np.linalg.outer):
    spec(f, [Case(f, uni((3,)), uni((2,)))])
spec(np.outer, [Case(np.outer, uni((2, 2)), uni((3,))), Case(np.outer, uni(()), uni((2,)))])
spec(np.kron, [Case(np.kron, uni(a), uni(b)) for a, b in
               [((2,), (3,)), ((2, 2), (2, 3)), ((2,), (2, 3)), ((2, 3), (2,)), ((2, 1, 2), (1, 2, 2))]])
spec(np.cross, [Case(np.cross, uni((3,)), uni((3,))), Case(np.cross, uni((2, 3)), uni((3,))),
                Case(np.cross, uni((3, 2)), uni((3, 2)), axis=0),
                Case(np.cross, uni((3, 2)), uni((2, 3)), axisa=0, axisb=1, axisc=0)])
spec(np.linalg.cross, [Case(np.linalg.cross, uni((2, 3)), uni((2, 3))),
                       Case(np.linalg.cross, uni((3, 2)), uni((3, 2)), axis=0)])
EINSUM = [("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("i,i->", [(3,), (3,)]),
          ("i,i", [(3,), (3,)]), ("ij->ji", [(2, 3)]), ("ij->", [(2, 3)]), ("ii->i", [(3, 3)]),
          ("ii", [(3, 3)]), ("ij->i", [(2, 3)]), ("i,j->ij", [(2,), (3,)]), ("...ij,...jk->...ik", [(2, 2, 3), (2, 3, 2)]),
          ("...ij,jk", [(2, 2, 3), (3, 2)]), ("ij,ij,ij->", [(2, 3), (2, 3), (2, 3)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
          ("ij,j->i", [(2, 3), (3,)]), ("i...,i...->...", [(3, 2), (3, 2)]), ("ijj->i", [(2, 3, 3)]),
          ("ij,kl->ijkl", [(2, 2), (2, 3)]), ("...i,...i", [(2, 3), (3,)]), ("i,ij->j", [(1,), (2, 3)])]
spec(np.einsum, [Case(np.einsum, s, *[uni(x) for x in shapes]) for s, shapes in EINSUM])
for f in (np.vecdot, np.linalg.vecdot):
    spec(f, [Case(f, uni((3,)), uni((3,))), Case(f, uni((2, 3)), uni((3,))), Case(f, uni((3, 2)), uni((3, 2)), axis=0),
             Case(f, cplx((2, 3)), cplx((2, 3)))])
spec(np.linalg.multi_dot, [Case(np.linalg.multi_dot, [uni((2, 3)), uni((3, 4)), uni((4, 2))]),
                           Case(np.linalg.multi_dot, [uni((3,)), uni((3, 4)), uni((4, 2)), uni((2,))]),
                           Case(np.linalg.multi_dot, [uni((3,)), uni((3, 2)), uni((2, 3))])])


# --- linalg ----------------------------------------------------------------------

L = np.linalg
spec(L.inv, [Case(L.inv, wellcond(3)), Case(L.inv, wellcond(2, (2,)))])
spec(L.pinv, [Case(L.pinv, uni((4, 2)) + np.eye(4, 2)), Case(L.pinv, uni((2, 3)) + np.eye(2, 3)),
              Case(L.pinv, wellcond(3))])
spec(L.det, [Case(L.det, wellcond(3)), Case(L.det, wellcond(2, (2,)))])
spec(L.slogdet, [Case(L.slogdet, wellcond(3)), Case(L.slogdet, -wellcond(3)), Case(L.slogdet, wellcond(2, (2,)))])
spec(L.solve, [Case(L.solve, wellcond(3), uni((3,))), Case(L.solve, wellcond(3), uni((3, 2))),
               Case(L.solve, wellcond(3, (2,)), uni((2, 3, 1))), Case(L.solve, wellcond(3, (2,)), uni((3,))),
               Case(L.solve, wellcond(3), uni((2, 3, 2)))])
spec(L.cholesky, [Case(L.cholesky, spd(3)), Case(L.cholesky, spd(2, (2,))), Case(L.cholesky, spd(3), upper=True)])
spec(L.eigh, [Case(L.eigh, sym_distinct(3)), Case(L.eigh, sym_distinct(3, (2,))), Case(L.eigh, sym_distinct(3), "U")])
spec(L.eigvalsh, [Case(L.eigvalsh, sym_distinct(3)), Case(L.eigvalsh, sym_distinct(3), UPLO="U")])
spec(L.svd, [Case(L.svd, uni((3, 3)) + np.diag([3.0, 2.0, 1.0])),
             Case(L.svd, uni((4, 2)) + np.eye(4, 2) * [3, 1], full_matrices=False),
             Case(L.svd, uni((2, 4)) + np.eye(2, 4) * [[3], [1]], full_matrices=False),
             Case(L.svd, uni((4, 3)) + np.eye(4, 3) * [3, 2, 1], compute_uv=False),
             Case(L.svd, uni((2, 3, 2)) + np.eye(3, 2) * [3, 1], full_matrices=False)])
spec(L.svdvals, [Case(L.svdvals, uni((3, 2)) + np.eye(3, 2) * [3, 1])])
spec(L.qr, [Case(L.qr, wellcond(3)), Case(L.qr, uni((4, 2)) + np.eye(4, 2) * 2), Case(L.qr, wellcond(2, (2,))),
            Case(L.qr, uni((4, 3)) + np.eye(4, 3) * 2, mode="r"),
            # wide: A = [X Y], X square
            Case(L.qr, uni((2, 5)) + np.eye(2, 5) * 2), Case(L.qr, uni((2, 3, 4)) + np.eye(3, 4) * 2),
            Case(L.qr, uni((2, 4)) + np.eye(2, 4) * 2, mode="complete"), Case(L.qr, uni((3, 5)) + np.eye(3, 5) * 2, mode="r"),
            Case(L.qr, cplx((2, 3)) + np.eye(2, 3) * 2)])
NORMS = ([Case(L.norm, uni(s)) for s in [(3,), (2, 3), (2, 3, 2)]]
         + [Case(L.norm, distinct((4,)) + 0.05, o, wrt=(0,)) for o in (1, 2, 3, 0.5, np.inf, -np.inf, -1)]
         + [Case(L.norm, uni((2, 3)), o, second=o not in (2, -2))
            for o in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf)]
         + [Case(L.norm, uni((2, 3, 2)), None, a, k) for a in (0, -1, (0, 2), (1, 2)) for k in (False, True)]
         + [Case(L.norm, uni((2, 3, 2)), o, (0, 2)) for o in (1, "nuc", np.inf)]
         + [Case(L.norm, uni((3, 4)), 3, 1, True, wrt=(0,))])
spec(L.norm, NORMS)
spec(L.vector_norm, [Case(L.vector_norm, uni((2, 3))), Case(L.vector_norm, uni((2, 3)), axis=1, keepdims=True),
                     Case(L.vector_norm, distinct((2, 3)), ord=1), Case(L.vector_norm, distinct((2, 3)), ord=np.inf),
                     Case(L.vector_norm, uni((2, 3, 2)), axis=(0, 2), ord=3.0)])
spec(L.matrix_norm, [Case(L.matrix_norm, uni((2, 3))), Case(L.matrix_norm, uni((2, 2, 3)), keepdims=True),
                     Case(L.matrix_norm, distinct((2, 3)) + 0.05, ord=1),
                     Case(L.matrix_norm, uni((3, 3)) + np.diag([3.0, 2.0, 1.0]), ord="nuc")])
spec(L.lstsq, [Case(L.lstsq, uni((4, 2)) + np.eye(4, 2) * 2, uni((4,))),
               Case(L.lstsq, uni((4, 2)) + np.eye(4, 2) * 2, uni((4, 3))),
               Case(L.lstsq, wellcond(3), uni((3,)))])
spec(L.matrix_power, [Case(L.matrix_power, uni((3, 3)), n) for n in (0, 1, 2, 3)]
     + [Case(L.matrix_power, wellcond(3), -2), Case(L.matrix_power, uni((2, 2, 2)), 3)])


# --- fft ---------------------------------------------------------------------------
# complex values flow: the checks pair cotangents and tangents as Re(sum(c * t))

F = np.fft
for f in (F.fft, F.ifft):
    spec(f, [Case(f, uni((5,))), Case(f, cplx((4,))), Case(f, cplx((2, 3)), axis=0), Case(f, cplx((4,)), 6),
             Case(f, uni((6,)), 4), Case(f, cplx((2, 4)), norm="ortho"), Case(f, cplx((3,)), norm="forward"),
             Case(f, uni((3, 2)), 3, 0, "backward")])
for f in (F.fftn, F.ifftn):
    spec(f, [Case(f, cplx((2, 3))), Case(f, uni((2, 3, 2))), Case(f, cplx((2, 3, 2)), axes=(0, 2)),
             Case(f, cplx((3, 3)), (4, 2), (0, 1)), Case(f, uni((2, 3)), norm="ortho"), Case(f, cplx((2, 3)), None, [1], "forward")])
for f in (F.fft2, F.ifft2):
    spec(f, [Case(f, cplx((2, 3))), Case(f, uni((2, 2, 3))), Case(f, cplx((3, 3)), (2, 4), norm="ortho")])
for f in (F.rfft, F.ihfft):
    spec(f, [Case(f, uni((5,))), Case(f, uni((6,))), Case(f, uni((2, 5)), axis=0), Case(f, uni((5,)), 8),
             Case(f, uni((7,)), 4), Case(f, uni((6,)), norm="ortho"), Case(f, uni((4,)), norm="forward")])
for f in (F.irfft, F.hfft):
    spec(f, [Case(f, cplx((4,))), Case(f, cplx((4,)), 7), Case(f, cplx((4,)), 6), Case(f, cplx((2, 3)), axis=0),
             Case(f, cplx((5,)), 4), Case(f, cplx((3,)), 8, norm="ortho"), Case(f, cplx((4,)), norm="forward"),
             Case(f, uni((4,)), label=" real input")])
for f in (F.rfftn, F.rfft2):
    spec(f, [Case(f, uni((2, 3))), Case(f, uni((3, 4))), Case(f, uni((2, 3, 4)), axes=(0, 2)) if f is F.rfftn
             else Case(f, uni((2, 3, 4))), Case(f, uni((3, 3)), (4, 5), (0, 1)), Case(f, uni((2, 4)), norm="ortho")])
for f in (F.irfftn, F.irfft2):
    spec(f, [Case(f, cplx((2, 3))), Case(f, cplx((3, 4))), Case(f, cplx((2, 3, 3)), axes=(0, 2)) if f is F.irfftn
             else Case(f, cplx((2, 3, 3))), Case(f, cplx((3, 3)), (4, 5), (0, 1)), Case(f, cplx((2, 4)), norm="forward")])
for f in (F.fftshift, F.ifftshift):
    spec(f, [Case(f, uni((5,))), Case(f, uni((2, 3))), Case(f, cplx((4, 3)), axes=0)])


# --- scipy.special -------------------------------------------------------------------

try:
    from scipy import special as S
except ImportError:  # pragma: no cover
    S = None

if S is not None:
    for f in (S.gammaln, S.gamma, S.digamma):
        unary(f, lambda s: pos(s, 0.5, 3.0))
    spec(S.polygamma, [Case(S.polygamma, n, pos((3,), 0.5, 3.0)) for n in (0, 1, 2)]
         + [Case(S.polygamma, np.array([0, 1]), pos((2, 2), 0.5, 3.0))])
    for f in (S.erf, S.erfc, S.erfcx, S.expit, S.log_expit, S.ndtr, S.log_ndtr, S.exp10, S.expm1, S.exp2,
              S.sindg, S.cosdg, S.j0, S.j1, S.i0, S.i1, S.i0e, S.i1e):
        unary(f)
    unary(S.cbrt, lambda s: pos(s) * np.where(uni(s) > 0, 1, -1))
    for f in (S.erfinv, S.logit, S.ndtri):
        unary(f, lambda s: uni(s, 0.1, 0.9))
    unary(S.erfcinv, lambda s: uni(s, 0.2, 1.8))
    for f in (S.log1p, S.entr, S.y0, S.y1):
        unary(f, lambda s: pos(s, 0.5, 2.5))
    for f in (S.xlogy, S.xlog1py, S.rel_entr, S.kl_div, S.beta, S.betaln):
        binary(f, pos, pos, pairs=PAIRS[:5])
    spec(S.logsumexp, [Case(S.logsumexp, uni(s), axis=a, keepdims=k) for s in [(4,), (2, 3)]
                       for a in all_axes(len(s)) for k in (False, True)]
         + [Case(S.logsumexp, uni((2, 3)), 1, pos((2, 3))), Case(S.logsumexp, uni((2, 3)), None, pos((3,)))])
    for f in (S.softmax, S.log_softmax):
        spec(f, [Case(f, uni((4,))), Case(f, uni((2, 3)), axis=1), Case(f, uni((2, 3)), axis=0),
                 Case(f, uni((2, 3, 2)), axis=(0, 2))])


# --- constructors with differentiable values -------------------------------------------

spec(np.full, [Case(np.full, (2, 3), 0.7), Case(np.full, (2, 3), uni((3,)))])
spec(np.full_like, [Case(np.full_like, uni((2, 3)), 0.7, wrt=(1,)), Case(np.full_like, uni((2, 3)), uni((2, 1)), wrt=(1,))])
spec(np.arange, [Case(np.arange, 0.25, 3.0), Case(np.arange, 0.25, 3.0, 0.5, wrt=(0, 2)), Case(np.arange, 4.0, wrt=())])
spec(np.linspace, [Case(np.linspace, 0.3, 1.7, 5), Case(np.linspace, uni((2,)), uni((2,)), 4),
                   Case(np.linspace, uni((2,)), 1.0, 3, False, axis=1), Case(np.linspace, uni(()), uni((3,)), 4, axis=-1)])


# --- math ----------------------------------------------------------------------------

def _f(lo=-1.0, hi=1.0):
    return float(_rng.uniform(lo, hi))


for f in (math.sin, math.cos, math.atan, math.sinh, math.cosh, math.tanh, math.asinh, math.exp,
          math.expm1, math.erf, math.erfc, math.degrees, math.radians, math.fabs, math.tan):
    spec(f, [Case(f, _f(0.1, 1.0)), Case(f, _f(-1.0, -0.1))])
for f in (math.asin, math.acos, math.atanh):
    spec(f, [Case(f, _f(-0.8, 0.8))])
for f in (math.log, math.log2, math.log10, math.log1p, math.sqrt, math.gamma, math.lgamma):
    spec(f, [Case(f, _f(0.5, 3.0)), Case(f, _f(3.0, 9.0))])
spec(math.lgamma, [Case(math.lgamma, _f(-0.9, -0.1))])
spec(math.acosh, [Case(math.acosh, _f(1.2, 3.0))])
spec(math.log, [Case(math.log, _f(0.5, 3.0), _f(1.5, 3.0))])
spec(math.pow, [Case(math.pow, _f(0.5, 2.0), _f(-2.0, 2.0)), Case(math.pow, -1.5, 3.0, wrt=(0,))])
spec(math.atan2, [Case(math.atan2, _f(), _f(0.2, 1.0)), Case(math.atan2, _f(), _f(-1.0, -0.2))])
spec(math.hypot, [Case(math.hypot, _f(), _f()), Case(math.hypot, _f(), _f(), _f())])
spec(math.fsum, [Case(math.fsum, uni((5,))), Case(math.fsum, [_f(), _f(), _f()])])
spec(math.copysign, [Case(math.copysign, _f(0.2, 1.0), _f(-1, -0.2), wrt=(0,))])
spec(math.fmod, [Case(math.fmod, 3.4, 1.3), Case(math.fmod, -3.4, 1.3)])
spec(math.ldexp, [Case(math.ldexp, _f(), 3, wrt=(0,))])
spec(math.frexp, [Case(math.frexp, 0.7), Case(math.frexp, -5.3)])
if hasattr(math, "exp2"):
    spec(math.exp2, [Case(math.exp2, _f())])
if hasattr(math, "cbrt"):
    spec(math.cbrt, [Case(math.cbrt, _f(0.5, 2.0)), Case(math.cbrt, _f(-2.0, -0.5))])


# --- Python builtins (rules in rules/builtins.py) --------------------------------------

import builtins  # noqa: E402

spec(builtins.abs, [Case(builtins.abs, -0.7), Case(builtins.abs, uni((3,)) + 2.0)])
spec(builtins.float, [Case(builtins.float, np.float64(0.3))])
spec(builtins.sum, [Case(builtins.sum, [uni(()), uni(()), 0.5],
                         xfail="sum's jvp needs a tangent for the omitted `start` (None here)"), Case(builtins.sum, [uni((3,)), uni((3,))], uni(()))])
spec(builtins.max, [Case(builtins.max, 0.3, 0.9, -0.2), Case(builtins.max, [0.3, 0.9, -0.2])])
spec(builtins.min, [Case(builtins.min, 0.3, 0.9, -0.2), Case(builtins.min, [0.3, 0.9, -0.2])])
spec(builtins.list, [Case(builtins.list, (uni(()), uni((2,))),
                          xfail=None)])
spec(builtins.tuple, [Case(builtins.tuple, [uni(()), uni((2,))])])
# (pairs with string keys, sorted(d.items()) and dict(zip(keys, values)), and dicts of
# several keys are checked
# through the transforms in test_peer_fixes.py: the harnesses here perturb every leaf)
spec(builtins.sorted, [Case(builtins.sorted, [uni(()) + 0.5, uni(()) - 0.5, uni(())])])
spec(builtins.dict, [Case(builtins.dict, {"a": uni((2,))})])
spec(builtins.reversed, [Case(builtins.reversed, [uni(()), uni((2,))],
                              xfail="reversed's second-order check passes a None tangent")])
# (values of their own generator: drawing from _rng here would change every later
# case's inputs, and inputs near a jump of LAPACK's eigenvector phase make the
# finite differences of a gradient meaningless)
_own = np.random.default_rng(559)
spec(builtins.enumerate, [Case(builtins.enumerate, [_own.uniform(-1, 1, ()), _own.uniform(-1, 1, (2,))]),
                          Case(builtins.enumerate, _own.uniform(-1, 1, (3, 2)))])
spec(builtins.zip, [Case(builtins.zip, [_own.uniform(-1, 1, ()), _own.uniform(-1, 1, (2,))],
                         _own.uniform(-1, 1, (3, 2))),
                    Case(builtins.zip, _own.uniform(-1, 1, (2, 2)), _own.uniform(-1, 1, (3,)),
                         _own.uniform(-1, 1, (2,)))])

# --- operator twins of the NumPy ufuncs (same rules) --------------------------------------

import operator  # noqa: E402

for op, gen1, gen2 in ((operator.add, uni, uni), (operator.sub, uni, uni), (operator.mul, uni, uni),
                       (operator.truediv, uni, pos), (operator.pow, pos, uni)):
    binary(op, gen1, gen2)
binary(operator.mod, lambda s: uni(s, 0.1, 0.9) + 3.0, lambda s: pos(s, 1.1, 1.4))
spec(operator.matmul, [Case(operator.matmul, uni(a), uni(b)) for a, b in MATMUL_PAIRS])
for op in (operator.neg, operator.pos):
    unary(op)
spec(operator.getitem, [Case(operator.getitem, uni((4, 3)), 1), Case(operator.getitem, uni((4, 3)), (slice(1, 3), 2)),
                        Case(operator.getitem, uni((4,)), np.array([0, 2, 2])),
                        Case(operator.getitem, uni((2, 3)), uni((2, 3)) > 0)])


# np.r_ / np.c_ (called as np.r_[key]; the key is the one argument)
spec(np.r_, [Case(np.r_, (uni((3,)), uni((2,)))), Case(np.r_, uni((3,))),
             Case(np.r_, (uni((2, 3)), uni((1, 3)))),
             Case(np.r_, ("0,2", uni((3,)), uni((3,))))])
spec(np.c_, [Case(np.c_, (uni((3,)), uni((3,)))), Case(np.c_, (uni((3, 2)), uni((3,))))])
spec(np.nextafter, [Case(np.nextafter, uni((3,)), 10.0, wrt=(0,)),
                    Case(np.nextafter, uni((2, 3)), uni((3,)), wrt=(0,))])
spec(np.bincount, [Case(np.bincount, np.array([0, 1, 1, 3]), uni((4,)), wrt=(1,)),
                   Case(np.bincount, np.array([2, 0]), uni((2,)), wrt=(1,), minlength=5)])
spec(np.unique, [Case(np.unique, distinct((5,))), Case(np.unique, distinct((2, 3))),
                 Case(np.unique, distinct((4,)), return_counts=True)])
spec(np.unique_values, [Case(np.unique_values, distinct((5,)))])


# --- scipy.integrate -----------------------------------------------------------------

def lotka_volterra(y, t, alpha, beta):
    """A right-hand side for odeint (a module-level function srcdiff reads)."""
    return np.array([alpha * y[0] - beta * y[0] * y[1], 0.8 * y[0] * y[1] - 1.1 * y[1]])


def lotka_volterra_first(t, y, alpha, beta):
    """The same right-hand side for solve_ivp (time first)."""
    return lotka_volterra(y, t, alpha, beta)


if S is not None:
    from scipy import integrate as I
    # odeint's rtol/atol are its 10th and 11th positional parameters (Case takes the keywords)
    spec(I.odeint, [Case(I.odeint, lotka_volterra, pos((2,), 0.5, 1.5), np.linspace(0.0, 1.5, 4),
                         (pos(()), pos(())), None, 0, 0, None, None, 1e-11, 1e-11,
                         wrt=(1, 2, 3), eps=1e-5, rtol=2e-6, atol=2e-7)])
    # solve_ivp's result is read as sol.y (sweep_cases._build); y0 and args, not the times
    spec(I.solve_ivp, [Case(I.solve_ivp, lotka_volterra_first, (0.0, 1.5), pos((2,), 0.5, 1.5), "RK45",
                            np.linspace(0.5, 1.5, 3), False, None, False, (pos(()), pos(())),
                            wrt=(2, 8), eps=1e-5, rtol=2e-6, atol=2e-7,
                            call_kwargs={"rtol": 1e-11, "atol": 1e-11})])


# --- scipy.linalg -----------------------------------------------------------------------

if S is not None:
    from scipy import linalg as SL

    def _banded(n, lo, up):
        """solve_banded storage of a diagonally dominant band matrix."""
        ab = uni((lo + up + 1, n))
        ab[up] += 3.0
        return ab

    _lu = SL.lu_factor(wellcond(3))
    spec(SL.solve, [Case(SL.solve, wellcond(3), uni((3,))), Case(SL.solve, wellcond(3), uni((3, 2)), transposed=True),
                    Case(SL.solve, spd(3), uni((3, 2)), assume_a="pos")])
    spec(SL.solve_triangular, [Case(SL.solve_triangular, wellcond(3), uni((3,)), lower=True),
                               Case(SL.solve_triangular, wellcond(3), uni((3, 2)), trans="T", unit_diagonal=True)])
    spec(SL.cho_factor, [Case(SL.cho_factor, spd(3)), Case(SL.cho_factor, spd(3), lower=True)])
    spec(SL.cho_solve, [Case(SL.cho_solve, (SL.cho_factor(spd(3))[0], False), uni((3,))),
                        Case(SL.cho_solve, (SL.cho_factor(spd(3), lower=True)[0], True), uni((3, 2)))])
    spec(SL.lu_factor, [Case(SL.lu_factor, uni((3, 3)))])
    spec(SL.lu_solve, [Case(SL.lu_solve, (_lu[0], _lu[1]), uni((3,)), wrt=(0, 1)),
                       Case(SL.lu_solve, (_lu[0], _lu[1]), uni((3, 2)), trans=1, wrt=(0, 1))])
    spec(SL.solve_banded, [Case(SL.solve_banded, (1, 1), _banded(4, 1, 1), uni((4,)), wrt=(1, 2)),
                           Case(SL.solve_banded, (2, 0), _banded(4, 2, 0), uni((4, 2)), wrt=(1, 2))])
    spec(SL.solve_sylvester, [Case(SL.solve_sylvester, wellcond(3), wellcond(2), uni((3, 2)))])
    spec(SL.expm, [Case(SL.expm, uni((3, 3))), Case(SL.expm, uni((2, 2, 2)))])
    spec(SL.sqrtm, [Case(SL.sqrtm, spd(3)), Case(SL.sqrtm, wellcond(2) + 1.0)])


# --- np.linalg.eig (rules/linalg_eig.py): distinct eigenvalues, complex pairs and real ones -----------

spec(np.linalg.eig, [Case(np.linalg.eig, np.array([[1.0, -2.0, 0.3], [1.5, 0.5, 0.2], [0.1, 0.4, 3.0]]) + 0.1 * uni((3, 3))),
                     Case(np.linalg.eig, sym_distinct(3, (2,)) + 0.2 * uni((2, 3, 3)))])
spec(np.linalg.eigvals, [Case(np.linalg.eigvals, np.array([[1.0, -2.0, 0.3], [1.5, 0.5, 0.2], [0.1, 0.4, 3.0]])
                              + 0.1 * uni((3, 3))),
                         Case(np.linalg.eigvals, sym_distinct(3, (2,)) + 0.2 * uni((2, 3, 3)))])


# --- convolution and correlation (rules/signal.py) -------------------------------------------

for f in (np.convolve, np.correlate):
    spec(f, [Case(f, uni((5,)), uni((3,))), Case(f, uni((4,)), uni((4,)), "same"),
             Case(f, uni((3,)), uni((6,)), mode="valid"), Case(f, uni((3,)), uni((4,)), mode="same")])
if S is not None:
    from scipy import signal as SS
    for f in (SS.convolve, SS.correlate):
        spec(f, [Case(f, uni((3, 4)), uni((2, 2))), Case(f, uni((5,)), uni((3,)), "valid"),
                 Case(f, uni((3, 4)), uni((2, 3)), mode="same")])
    # a stable filter: a_0 away from 0, the other poles small
    spec(SS.lfilter, [Case(SS.lfilter, uni((3,)), np.array([1.2, -0.3, 0.1]) + 0.1 * uni((3,)), uni((7,))),
                      Case(SS.lfilter, uni((2,)), np.array([1.0, 0.4]) + 0.1 * uni((2,)), uni((4, 3)), axis=0)])


# --- polynomials and interpolation (rules/polynomial.py) ------------------------------------------

spec(np.polyval, [Case(np.polyval, uni((4,)), uni((2, 3))), Case(np.polyval, uni((3,)), 0.7)])
spec(np.polyfit, [Case(np.polyfit, np.linspace(-1.0, 1.0, 7), uni((7,)), 3, wrt=(1,)),
                  Case(np.polyfit, np.linspace(-1.0, 1.0, 6), uni((6, 2)), 2, w=pos((6,)), wrt=(1,))])
# query points away from the sample points (the derivative jumps there)
spec(np.interp, [Case(np.interp, np.array([-0.3, 0.13, 0.52, 0.71, 0.95, 1.3]), np.linspace(0.0, 1.0, 6), uni((6,)),
                      wrt=(0, 2)),
                 Case(np.interp, np.array([[-0.3, 0.37], [0.66, 1.2]]), np.linspace(0.0, 1.0, 4), uni((4,)), uni(()),
                      uni(()), wrt=(0, 2, 3, 4))])



# --- rules/array_extra.py ----------------------------------------------------------------------

spec(np.gradient, [Case(np.gradient, uni((5,))), Case(np.gradient, uni((3, 4)), 0.5, 2.0, edge_order=2)])
spec(np.partition, [Case(np.partition, distinct((6,)), 2), Case(np.partition, distinct((3, 4)), 1, axis=0)])
spec(np.real_if_close, [Case(np.real_if_close, uni((3,)))])
if hasattr(np, "row_stack"):
    spec(np.row_stack, [Case(np.row_stack, [uni((3,)), uni((2, 3))])])


# --- rules/special_extra.py: differentiated in x (the shapes / orders have no closed form) -------------

if S is not None:
    spec(S.gammainc, [Case(S.gammainc, 2.5, pos((4,), 0.5, 4.0), wrt=(1,)),
                      Case(S.gammainc, pos((2, 1), 1.0, 3.0), pos((3,), 0.5, 4.0), wrt=(1,))])
    spec(S.gammaincc, [Case(S.gammaincc, 2.5, pos((4,), 0.5, 4.0), wrt=(1,))])
    spec(S.betainc, [Case(S.betainc, 2.0, 3.5, uni((4,), 0.1, 0.9), wrt=(2,)),
                     Case(S.betainc, pos((2, 1), 1.0, 3.0), 1.5, uni((3,), 0.1, 0.9), wrt=(2,))])
    spec(S.jv, [Case(S.jv, 1.5, pos((4,), 0.5, 4.0), wrt=(1,)), Case(S.jv, 0, uni((2, 3), -3.0, 3.0), wrt=(1,))])
    spec(S.yn, [Case(S.yn, 1, pos((4,), 0.5, 4.0)), Case(S.yn, 0, pos((2, 3), 0.5, 4.0))])
    spec(S.iv, [Case(S.iv, 2.5, pos((4,), 0.5, 4.0), wrt=(1,)), Case(S.iv, 1, uni((3,), -3.0, 3.0), wrt=(1,))])
    spec(S.ive, [Case(S.ive, 0.5, pos((4,), 0.5, 4.0), wrt=(1,)), Case(S.ive, 1, uni((3,), -3.0, 3.0), wrt=(1,))])
    spec(S.kv, [Case(S.kv, 1.5, pos((4,), 0.5, 4.0), wrt=(1,))])
    unary(S.rgamma, lambda s: pos(s, 0.5, 3.0))
    spec(S.multigammaln, [Case(S.multigammaln, 2.7, 3), Case(S.multigammaln, pos((3,), 2.0, 4.0), 2)])


# --- added later: fixed inputs (drawing from _rng would change every case after them) ---

spec(np.sign, [Case(np.sign, np.array([[0.7, -1.3, 0.4], [-0.6, 1.1, -0.9]])),
               Case(np.sign, np.array([[0.7 - 0.2j, -1.3 + 0.5j, 0.4 + 0.9j], [-0.6 - 0.3j, 1.1j, -0.9]]),
                    label=" complex")])
if S is not None:
    spec(S.factorial, [Case(S.factorial, np.array([0.4, 1.7, 2.3])),
                       Case(S.factorial, np.array([-0.5, 0.6, 3.2]), extend="complex")])
    spec(S.comb, [Case(S.comb, np.array([5.3, 4.1, 6.7]), np.array([2.2, 1.5, 3.0])),
                  Case(S.comb, np.array([3.3, 2.1]), 1.7, repetition=True)])
    spec(S.perm, [Case(S.perm, np.array([5.3, 4.1, 6.7]), np.array([2.2, 1.5, 3.0])),
                  Case(S.perm, 4.6, np.array([0.5, 2.5]))])


# --- scipy.stats location-scale distributions (rules/stats.py) ----------------------------------

if S is not None:
    from scipy import stats as ST
    for f in (ST.norm.logpdf, ST.norm.pdf, ST.norm.cdf, ST.norm.sf, ST.norm.logcdf, ST.norm.logsf,
              ST.logistic.logpdf, ST.logistic.pdf, ST.cauchy.logpdf, ST.cauchy.pdf):
        spec(f, [Case(f, uni((4,), -2.0, 2.0), uni(()), pos(())), Case(f, uni((2, 3), -2.0, 2.0)),
                 Case(f, uni((3,), -2.0, 2.0), uni((2, 1)), pos((3,)))])
    # away from the kink of laplace at loc, inside the support of expon (x > loc)
    for f in (ST.laplace.logpdf, ST.laplace.pdf):
        spec(f, [Case(f, np.array([-1.3, -0.4, 0.6, 1.7]), uni((), -0.2, 0.2), pos(())),
                 Case(f, np.array([[-1.1, 0.8], [0.45, -0.5]]), 0.1, pos((2,)))])
    for f in (ST.expon.logpdf, ST.expon.pdf):
        spec(f, [Case(f, pos((4,), 0.5, 2.0), uni((), -0.3, 0.3), pos(())), Case(f, pos((2, 3), 0.2, 2.0))])
    # the cdf-type methods of the families above (rules/stats.py)
    for f in (ST.logistic.cdf, ST.logistic.sf, ST.logistic.logcdf, ST.logistic.logsf,
              ST.cauchy.cdf, ST.cauchy.sf, ST.cauchy.logcdf, ST.cauchy.logsf):
        spec(f, [Case(f, uni((4,), -2.0, 2.0), uni(()), pos(())), Case(f, uni((3,), -2.0, 2.0), uni((2, 1)), pos((3,)))])
    for f in (ST.laplace.cdf, ST.laplace.sf, ST.laplace.logcdf, ST.laplace.logsf):
        spec(f, [Case(f, np.array([-1.3, -0.4, 0.6, 1.7]), uni((), -0.2, 0.2), pos(())),
                 Case(f, np.array([[-1.1, 0.8], [0.45, -0.5]]), 0.1, pos((2,)))])
    for f in (ST.expon.cdf, ST.expon.sf, ST.expon.logcdf, ST.expon.logsf):
        spec(f, [Case(f, pos((4,), 0.5, 2.0), uni((), -0.3, 0.3), pos(())), Case(f, pos((2, 3), 0.2, 2.0))])
    # shape families: data inside the support; the cdf-type methods' shape derivatives that have
    # no closed form are left out (wrt), tests/test_stats.py checks their refusal
    _SHAPED = {ST.t: (lambda s: uni(s, -2.0, 2.0), [lambda s: pos(s, 2.0, 6.0)], 0.3),
               ST.gamma: (lambda s: pos(s, 0.8, 4.0), [lambda s: pos(s, 1.5, 4.0)], 0.2),
               ST.chi2: (lambda s: pos(s, 0.8, 4.0), [lambda s: pos(s, 3.0, 6.0)], 0.2),
               ST.lognorm: (lambda s: pos(s, 0.6, 3.0), [lambda s: pos(s, 0.5, 1.5)], 0.2),
               ST.beta: (lambda s: uni(s, 0.25, 0.75), [lambda s: pos(s, 1.5, 3.0)] * 2, 0.05)}
    for dist, (xs, shapes, lo) in _SHAPED.items():
        for m in ("logpdf", "pdf", "cdf", "sf", "logcdf", "logsf"):
            f = getattr(dist, m)
            ns = len(shapes)
            closed = m in ("logpdf", "pdf") or dist is ST.lognorm
            wrt = tuple(range(ns + 3)) if closed else (0,) + tuple(range(ns + 1, ns + 3))
            scale = (lambda s: pos(s, 1.0, 1.2)) if dist is ST.beta else pos
            spec(f, [Case(f, xs((4,)), *[sh(()) for sh in shapes], uni((), -lo, lo), scale(()), wrt=wrt),
                     Case(f, xs((2, 3)), *[sh((3,)) for sh in shapes], wrt=tuple(range(ns + 1)) if closed else (0,))])
    # discrete: integer counts, differentiated in the real parameters
    _k = np.array([0, 1, 3, 6])
    for m in ("logpmf", "pmf", "cdf", "sf"):
        closed = m in ("logpmf", "pmf")
        f = getattr(ST.poisson, m)
        spec(f, [Case(f, _k, pos((4,), 1.0, 4.0)), Case(f, np.array([[2], [5]]), pos((3,), 1.0, 4.0), 1)])
        f = getattr(ST.binom, m)
        spec(f, [Case(f, _k, 8, uni((4,), 0.2, 0.8), wrt=(2,)), Case(f, np.array([[2], [5]]), 9, uni((3,), 0.2, 0.8), wrt=(2,))])
        f = getattr(ST.nbinom, m)
        spec(f, [Case(f, _k, pos((4,), 1.5, 4.0), uni((4,), 0.2, 0.8), wrt=(1, 2) if closed else (2,)),
                 Case(f, np.array([[2], [5]]), 3.5, uni((3,), 0.2, 0.8), wrt=(1, 2) if closed else (2,))])
        f = getattr(ST.geom, m)
        spec(f, [Case(f, _k + 1, uni((4,), 0.2, 0.8)), Case(f, np.array([[2], [5]]), uni((3,), 0.2, 0.8), 1)])
    # multivariate (rules/stats_multivariate.py); dirichlet's x stays on the simplex, so only alpha here
    spec(ST.multivariate_normal.logpdf, [Case(ST.multivariate_normal.logpdf, uni((4, 3)), uni((3,)), spd(3)),
                                         Case(ST.multivariate_normal.logpdf, uni((3,)), uni((3,)), pos((3,)))])
    spec(ST.multivariate_normal.pdf, [Case(ST.multivariate_normal.pdf, uni((4, 2)), uni((2,)), spd(2)),
                                      Case(ST.multivariate_normal.pdf, uni((3,)), None, spd(3))])
    spec(ST.multivariate_normal.entropy, [Case(ST.multivariate_normal.entropy, uni((3,)), spd(3)),
                                          Case(ST.multivariate_normal.entropy, uni((2,)), spd(2))])
    _simplex = np.array([[0.2, 0.5, 0.3], [0.3, 0.1, 0.6]]).T
    for f in (ST.dirichlet.logpdf, ST.dirichlet.pdf):
        spec(f, [Case(f, _simplex, pos((3,), 1.5, 3.0), wrt=(1,)), Case(f, _simplex[:, 0], pos((3,), 0.5, 3.0), wrt=(1,))])

# np.select (rules/array_extra.py): the first true condition wins; fixed inputs
_c = np.array([[0.3, -0.8, 0.1], [-0.2, 0.6, -0.5]])
spec(np.select, [Case(np.select, [_c > 0, _c > -0.3], [np.array([[0.5, 1.2, -0.7], [0.9, -0.4, 0.3]]), np.array([0.8, -1.1, 0.6])],
                      np.array([[1.5], [-0.6]]), wrt=(1, 2)),
                 Case(np.select, [_c[0] > 0], [np.array([0.7, -0.2, 1.3])], wrt=(1,))])

# sliding windows (rules/windows.py): overlapping views, adjoint adds the windows back
from numpy.lib.stride_tricks import sliding_window_view as _swv  # noqa: E402
spec(_swv, [Case(_swv, uni((7,)), 3), Case(_swv, uni((4, 5)), (2, 3)),
            Case(_swv, uni((4, 5)), 2, axis=0), Case(_swv, uni((3, 6)), (2, 2), axis=(1, 1))])

import rule_specs_scipy_linalg  # noqa: E402,F401  (the scipy.linalg specs: their own file)
from rule_specs_numpy_more import *  # noqa: E402,F401,F403  (more NumPy specs; uses the helpers above)
