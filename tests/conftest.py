import os
import sys

# One BLAS thread per test process. pytest -n auto already runs a process per core, and
# OpenBLAS's worker threads spinning against the other processes made small LAPACK calls
# ~30x slower (scipy.linalg.logm of a 3x3 matrix: 150 ms against 5 ms). Set before
# NumPy or SciPy load OpenBLAS; a user's own setting wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture
def rng():
    return np.random.default_rng(0)
