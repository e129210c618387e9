"""srcdiff benchmark runner (entry point).

    python -m benchmarks [--quick] [--only NAMES] [--repeats N] [--threads N]
    python benchmarks/run.py [same options]

For each workload of ``benchmarks/workloads.py`` it times the function
alone, the hand-written NumPy gradient, ``srcdiff.grad`` and the installed
peers (autograd, PyTorch eager, JAX grad without jit, ``jax.jit(grad)``).
Every gradient is cross-checked against the hand-written one BEFORE any
timing; a disagreement is printed loudly and marked in the table.  Repeats
are interleaved (one measurement of every column per round) and the median
is reported, as a ratio to the time of the function alone.

Further sections: transform time and cached-call dispatch overhead, peak
memory of the loop workloads' gradients (tracemalloc), hvp vs grad cost,
Hessian of a 100-parameter function, and the Tensor-shim training step.
A column whose library or srcdiff API is missing is reported as
"n/a (reason)"; an error inside srcdiff is reported with its message (full
tracebacks go to ``errors.txt`` next to the table).

Results: ``benchmarks.md`` (Markdown tables), ``benchmarks.png`` (chart),
``benchmarks.json`` (raw medians) in ``benchmarks/results/`` (``--out``);
``--quick`` writes to ``benchmarks/results/quick/`` unless ``--out`` is given.

The modules, each importing only those below it:

- ``cli``: options, which sections run, the files written;
- ``gradients``, ``second_order``, ``shim``, ``overhead``, ``jit``: the
  sections, each measuring and writing its tables;
- ``runner``: the run's shared state and checked column set-up;
- ``peers`` (the libraries), ``report`` (formats, header, files),
  ``plots`` (the chart), ``timing`` (measurement), ``checks`` (gradient
  comparison);
- ``workloads``: the functions and their hand-written gradients.

This file only makes the repository importable and pins thread pools before
NumPy is loaded.
"""
import os
import sys

if __name__ == "__main__" and not __package__:
    # ``python benchmarks/run.py``: make the repository root importable.
    _root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if _root not in sys.path:
        sys.path.insert(0, _root)
    if sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]     # benchmarks/ itself must not shadow anything

from benchmarks import _threads  # noqa: E402

if __name__ == "__main__":
    _threads.pin_env(_threads.threads_from_argv(sys.argv[1:]))

from benchmarks.cli import main  # noqa: E402  (after pinning threads)

if __name__ == "__main__":
    sys.exit(main())
