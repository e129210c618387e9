"""Pin BLAS / OpenMP / XLA threads BEFORE NumPy (or torch, jax) is imported.

Imported first by ``benchmarks/run.py`` and ``benchmarks/__main__.py``; it
must not import NumPy itself.  ``--threads N`` on the command line (default
1; ``0`` leaves the libraries' defaults alone).
"""
import os

_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
         "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "BLIS_NUM_THREADS")


def threads_from_argv(argv):
    """The value of ``--threads`` in ``argv`` (default 1)."""
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            return int(argv[i + 1])
        if a.startswith("--threads="):
            return int(a.split("=", 1)[1])
    return 1


def pin_env(n):
    """Set the environment variables that thread pools read at import time."""
    if n <= 0:
        return
    for var in _VARS:
        os.environ[var] = str(n)
    if n == 1:
        flags = os.environ.get("XLA_FLAGS", "")
        if "xla_cpu_multi_thread_eigen" not in flags:
            os.environ["XLA_FLAGS"] = (
                flags + " --xla_cpu_multi_thread_eigen=false").strip()


def pin_runtime(n):
    """Limit thread pools of libraries that are already imported
    (threadpoolctl when installed; torch when imported)."""
    if n <= 0:
        return "library defaults"
    how = ["env"]
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(limits=n)
        how.append("threadpoolctl")
    except ImportError:
        pass
    return "+".join(how)
