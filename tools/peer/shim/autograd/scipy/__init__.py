"""autograd.scipy.X is scipy.X (the real functions, so srcdiff's rules apply)."""
import sys

import scipy.integrate
import scipy.linalg
import scipy.signal
import scipy.special
import scipy.stats

from .._harness import internal_module

_here = __name__
special = scipy.special
linalg = scipy.linalg
signal = scipy.signal
integrate = scipy.integrate
stats = scipy.stats
for _n in ("special", "linalg", "signal", "integrate", "stats"):
    sys.modules[f"{_here}.{_n}"] = getattr(scipy, _n)
for _d in ("norm", "t", "gamma", "beta", "poisson", "dirichlet", "multivariate_normal",
           "chi2", "expon", "laplace", "logistic", "cauchy"):
    if hasattr(scipy.stats, _d):
        sys.modules[f"{_here}.stats.{_d}"] = getattr(scipy.stats, _d)
sys.modules[f"{_here}.misc"] = misc = internal_module(f"{_here}.misc")
misc.logsumexp = scipy.special.logsumexp
