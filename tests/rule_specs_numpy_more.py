"""Specs of more NumPy functions (order statistics, cov/corrcoef, trapezoid,
ufunc methods, array builders): imported at the end of tests/rule_specs.py,
whose helpers this module uses (it is fully defined by then)."""
import numpy as np

from rule_specs import Case, spec, uni, pos, distinct

# --- order statistics: distinct values, away from ties (rules/reductions.py) ---------------
for f in (np.median, np.nanmedian):
    spec(f, [Case(f, distinct((5,))), Case(f, distinct((4,))),
             Case(f, distinct((3, 4)), axis=1), Case(f, distinct((3, 4)), axis=0, keepdims=True),
             Case(f, distinct((2, 3, 2)), axis=(0, 2))])
spec(np.nanmedian, [Case(np.nanmedian, np.array([[0.3, np.nan, -0.9, 1.4], [2.1, -0.2, np.nan, 0.8]]),
                         axis=1, label=" nan")])
for f, q in ((np.quantile, 0.3), (np.percentile, 30.0), (np.nanquantile, 0.7), (np.nanpercentile, 70.0)):
    qs = np.array([0.15, 0.62, 0.9]) * (100.0 if "percentile" in f.__name__ else 1.0)
    spec(f, [Case(f, distinct((6,)), q, wrt=(0,)),
             Case(f, distinct((3, 5)), qs, axis=1, wrt=(0,)),
             Case(f, distinct((4, 3)), q, axis=0, keepdims=True, wrt=(0,)),
             Case(f, distinct((2, 3, 2)), qs[:2], axis=(0, 2), keepdims=True, wrt=(0,)),
             Case(f, distinct((7,)), q, method="hazen", wrt=(0,)),
             Case(f, distinct((7,)), qs, method="nearest", wrt=(0,)),
             Case(f, distinct((8,)), q, method="median_unbiased", wrt=(0,))])
spec(np.nanquantile, [Case(np.nanquantile, np.array([[0.3, np.nan, -0.9, 1.4, 0.1], [2.1, -0.2, np.nan, 0.8, np.nan]]),
                           0.4, axis=1, wrt=(0,), label=" nan")])

# --- cumulative_prod (rules/reductions.py): like cumprod, first order only --------------------
spec(np.cumulative_prod, [Case(np.cumulative_prod, pos((4,)), second=False),
                          Case(np.cumulative_prod, pos((2, 3)), axis=1, second=False),
                          Case(np.cumulative_prod, np.array([[1.5, 0.0, 2.0], [0.2, 0.3, 0.0]]), axis=0,
                               include_initial=True, second=False, label=" zeros")])

# --- cov and corrcoef (rules/reductions.py): real data, constant weights ---------------------
spec(np.cov, [Case(np.cov, uni((3, 6))), Case(np.cov, uni((6,))),
              Case(np.cov, uni((5, 2)), rowvar=False, bias=True),
              Case(np.cov, uni((2, 5)), uni((5,)), ddof=2),
              Case(np.cov, uni((4, 2)), uni((4, 3)), rowvar=False),
              Case(np.cov, uni((2, 5)), fweights=np.array([1, 2, 1, 3, 1]), aweights=pos((5,)), wrt=(0,)),
              Case(np.cov, uni((2, 5)), aweights=pos((5,)), ddof=0, wrt=(0,))])
spec(np.corrcoef, [Case(np.corrcoef, uni((3, 6))), Case(np.corrcoef, uni((6,)), uni((6,))),
                   Case(np.corrcoef, uni((5, 2)), rowvar=False)])
spec(np.cov, [Case(np.cov, uni((2, 4)) + 1j * uni((2, 4)), label=" complex")])
spec(np.corrcoef, [Case(np.corrcoef, uni((3, 5)) + 1j * uni((3, 5)), label=" complex")])

# --- trapezoid (rules/reductions.py): y, the sample points x (positional), the spacing dx -----
_xs = np.cumsum(pos((5,), 0.3, 1.0))
spec(np.trapezoid, [Case(np.trapezoid, uni((5,))), Case(np.trapezoid, uni((5,)), _xs),
                    Case(np.trapezoid, uni((3, 5)), None, 0.7, wrt=(0, 2)),
                    Case(np.trapezoid, uni((5, 3)), _xs, axis=0),
                    Case(np.trapezoid, uni((2, 4)), np.cumsum(pos((2, 4)), axis=1)),
                    Case(np.trapezoid, uni((4, 3)), np.cumsum(pos((4, 3)), axis=0), 1.0, 0)])

# --- ufunc methods (rules/ufunc_methods.py) --------------------------------------------------
for f, gen in ((np.add.reduce, uni), (np.multiply.reduce, pos), (np.maximum.reduce, distinct),
               (np.minimum.reduce, distinct), (np.fmax.reduce, distinct), (np.fmin.reduce, distinct),
               (np.logaddexp.reduce, uni), (np.logaddexp2.reduce, uni)):
    spec(f, [Case(f, gen((4,))), Case(f, gen((3, 4)), axis=1), Case(f, gen((2, 3, 2)), axis=None),
             Case(f, gen((2, 3, 2)), axis=(0, 2), keepdims=True), Case(f, gen((3, 4)), keepdims=True)])
for f, gen in ((np.add.accumulate, uni), (np.maximum.accumulate, distinct), (np.minimum.accumulate, distinct),
               (np.fmax.accumulate, distinct), (np.fmin.accumulate, distinct)):
    spec(f, [Case(f, gen((5,))), Case(f, gen((3, 4)), axis=1), Case(f, gen((3, 4)))])
spec(np.multiply.accumulate, [Case(np.multiply.accumulate, pos((5,)), second=False),
                              Case(np.multiply.accumulate, pos((3, 4)), axis=1, second=False)])
for f in (np.add.outer, np.subtract.outer, np.multiply.outer):
    spec(f, [Case(f, uni((3,)), uni((4,))), Case(f, uni((2, 3)), uni((2,))), Case(f, uni(()), uni((3,)))])
spec(np.divide.outer, [Case(np.divide.outer, uni((3,)), pos((4,))), Case(np.divide.outer, uni((2, 2)), pos((3,)))])
spec(np.power.outer, [Case(np.power.outer, pos((3,)), uni((4,))), Case(np.power.outer, pos((2, 2)), uni((3,)))])
for f in (np.maximum.outer, np.minimum.outer):
    spec(f, [Case(f, distinct((3,)), distinct((4,)) + 0.1), Case(f, distinct((2, 2)), distinct((3,)) + 0.1)])

# --- array builders and piecewise-identity functions (rules/array_extra.py) -------------------
spec(np.meshgrid, [Case(np.meshgrid, uni((3,)), uni((4,))), Case(np.meshgrid, uni((2,)), uni((3,)), uni((2,)), indexing="ij"),
                   Case(np.meshgrid, uni((3,)), uni((2,)), sparse=True)])
spec(np.unwrap, [Case(np.unwrap, np.array([0.1, 3.5, 6.9, 0.4, -2.9])), Case(np.unwrap, uni((2, 4)) * 4.0, axis=0)])
spec(np.modf, [Case(np.modf, uni((4,)) * 3 + np.array([0.05, 0.5, 0.5, 0.5]) * 0.0 + 0.01)])
spec(np.frexp, [Case(np.frexp, np.array([0.3, -1.7, 5.2, 0.9]))])
spec(np.divmod, [Case(np.divmod, uni((3,), 0.1, 0.9) + 3.0, pos((3,), 1.1, 1.4)),
                 Case(np.divmod, uni((2, 3), 0.1, 0.9) + 3.0, pos((3,), 1.1, 1.4))])
spec(np.vander, [Case(np.vander, uni((4,))), Case(np.vander, uni((3,)), 5, True)])
spec(np.logspace, [Case(np.logspace, uni(()), uni(()), 5), Case(np.logspace, uni((2,)), uni(()), 4, base=2.0),
                   Case(np.logspace, uni((2,)), uni(()), 4, True, pos(()) + 1.0)])
spec(np.geomspace, [Case(np.geomspace, pos(()), pos(()) + 2, 5), Case(np.geomspace, pos((2,)), pos(()) + 2, 4, endpoint=False)])
spec(np.delete, [Case(np.delete, uni((5,)), 2), Case(np.delete, uni((3, 4)), [0, 2], axis=1), Case(np.delete, uni((2, 3)), 4)])
spec(np.compress, [Case(np.compress, np.array([True, False, True]), uni((3, 2)), axis=0),
                   Case(np.compress, np.array([False, True]), uni((2, 2)))])
spec(np.extract, [Case(np.extract, np.array([[True, False, True], [False, True, True]]), uni((2, 3)))])
spec(np.resize, [Case(np.resize, uni((3,)), (2, 4)), Case(np.resize, uni((2, 3)), (4,))])
spec(np.sort_complex, [Case(np.sort_complex, distinct((5,))), Case(np.sort_complex, distinct((2, 3)) + 1j * uni((2, 3)))])
spec(np.i0, [Case(np.i0, uni((4,))), Case(np.i0, uni((2, 3)) * 3)])

# --- unique_* and set operations (distinct values), ediff1d, choose (rules/array_extra.py) ----
for f in (np.unique_counts, np.unique_inverse, np.unique_all):
    spec(f, [Case(f, distinct((5,))), Case(f, distinct((2, 3)))])
# (a value shared by both arrays, or repeated, is where these have no derivative: finite
# differences change the output's size; tests/test_numpy_more.py checks shared values exactly)
_a1, _a2 = np.array([0.3, -1.2, 0.8, 2.5]), np.array([[0.9, 1.7], [-0.4, 2.9]])
spec(np.union1d, [Case(np.union1d, _a1, _a2), Case(np.union1d, distinct((3,)), distinct((2,)) + 0.07)])
spec(np.setdiff1d, [Case(np.setdiff1d, _a1, _a2, wrt=(0,)), Case(np.setdiff1d, _a1, _a2, assume_unique=True, wrt=(0,))])
spec(np.setxor1d, [Case(np.setxor1d, _a1, _a2), Case(np.setxor1d, distinct((3,)), distinct((2,)) + 0.07)])
spec(np.ediff1d, [Case(np.ediff1d, uni((5,))), Case(np.ediff1d, uni((2, 3)), uni((2,)), uni(()))])
# (the first case differentiates arr only: the sweep's mixed case would insert complex values
# into a real array, which NumPy refuses with a ComplexWarning)
spec(np.insert, [Case(np.insert, uni((4,)), 1, uni(()), wrt=(0,)), Case(np.insert, uni((4,)), [1, 3], uni((2,))),
                 Case(np.insert, uni((2, 3)), 1, uni((2,)), axis=1), Case(np.insert, uni((2, 3)), [0, 2], uni(()), axis=0),
                 Case(np.insert, uni((2, 3)), 2, uni((3,)))])
