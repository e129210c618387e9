"""Random-program fuzzer for srcdiff.

Generates random, valid, differentiable Python/NumPy programs of growing size
(straight-line arithmetic with broadcasting, elementwise and reduction calls,
value-dependent branches, ``for``/``while`` loops with overwrites, ``break`` and
``continue``, subscript reads and writes into ``np.zeros`` buffers and
``.copy()``s, lists, helper functions, nested defs and lambdas), writes each
to a real ``.py`` file, imports it and checks, at random inputs kept away from
kinks:

* ``srcdiff.grad`` against central differences (w.r.t. a random choice of
  arguments, by position, by name or as a tuple);
* ``srcdiff.vjp`` (forward value, cotangents, and a second call of ``f_vjp``)
  and ``srcdiff.value_and_grad``;
* forward mode against reverse (``<u, J v>`` both ways) when ``srcdiff.jvp``
  exists;
* that the generated code leaves its inputs unmodified;
* at order two (``--orders 1,2``, the default; tools/fuzz/order2.py): ``hvp``
  against central differences of the gradient, ``jvp(grad(f))`` and
  ``jacobian(grad(f))`` against the same, ``hessian`` symmetric (small inputs);
* at order three (``--orders 1,2,3``), for one real argument: ``hvp`` of
  ``sum(grad(f) * u)`` against central differences of its gradient.

Complex arguments follow JAX's convention (the cotangent of z is
``dL/dRe(z) - 1j dL/dIm(z)``); a real argument must get a real cotangent.  The
grammar's real-code idioms (complex values, helpers returning tuples, lists and
dicts, closures changing an enclosing list, layer lists, loop temporaries read
after the loop, ``np.linalg`` named-tuple results, packed parameters) are in
tools/fuzz/generator/idioms.py; ``--focus FEATURE`` makes one ten times as frequent,
``--disable`` leaves it out, ``--ignore REGEX`` looks past known failures.

A ``SrcdiffError`` for a program the generator thought valid counts as a
mismatch ('refused') -- at order two too, unless it says that a rule the program
calls, named, is not twice differentiable --, except for a program whose value
depends on NumPy's in-place aliasing (it changes when every in-place write is made
on a copy): srcdiff may rightly refuse those, but a number it returns must still
be right.  Each failing program is shrunk (statements deleted, compound
statements unwrapped, expressions simplified, loop counts reduced)
to a minimal one that still fails the same way, and saved (with its inputs)
to ``--out`` (default ``fuzz-failures/``); the saved file runs on its own.

    python tools/fuzz --programs N --seed S [--orders 1,2] [--jobs J]

prints one line per mismatch and a final line ``N programs, K mismatches``;
the exit status is 1 when K > 0.  ``python tools/fuzz --check FILE.py``
re-runs the checks on a saved failure.

The package, one job a module (imports flow one way: cli -> runner -> saved ->
shrinker -> cases/generate -> checks/generator -> the common pieces):

* ``cli`` (the command line), ``runner`` (a campaign), ``saved`` (reproduction files);
* ``generate`` (a valid case from a seed), ``generator/`` (the grammar);
* ``cases`` (one case run end to end), ``checks`` (the checks themselves);
* ``shrinker``, with ``reductions`` (its candidates), ``rendering`` (a candidate's
  source) and ``forcing`` (a refused line made to run);
* ``validity``, ``probe`` (kinks), ``aliasing``, ``executed`` (lines that run);
* ``values``, ``differences``, ``failures``, ``loader``, ``timeouts``.
"""
import os

# One BLAS thread per fuzzing process (set before NumPy loads OpenBLAS, unless set):
# with --jobs or other work on the machine, OpenBLAS's spinning threads made small
# LAPACK calls ~30x slower and checks hit their timeout.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# the names the tests, the saved failure files and tools/fuzz/order2.py use
from tools.fuzz.aliasing import aliasing_dependent, out_of_place_source  # noqa: E402
from tools.fuzz.cases import run_case  # noqa: E402
from tools.fuzz.checks import ORDERS, check_program  # noqa: E402
from tools.fuzz.differences import numeric_grad  # noqa: E402
from tools.fuzz.executed import (executed_lines, failure_line_runs,  # noqa: E402
                                 line_is_executed)
from tools.fuzz.failures import Failure, _exc_failure, _named_location  # noqa: E402
from tools.fuzz.forcing import aliasing_where_refused  # noqa: E402
from tools.fuzz.generate import generate_case  # noqa: E402
from tools.fuzz.generator import FEATURES, HEADER, ProgramGenerator  # noqa: E402
from tools.fuzz.loader import load_module  # noqa: E402
from tools.fuzz.probe import Probe, probe_source  # noqa: E402
from tools.fuzz.runner import run  # noqa: E402
from tools.fuzz.saved import check_saved, literal, save_failure, saved_orders  # noqa: E402
from tools.fuzz.shrinker import shrink  # noqa: E402
from tools.fuzz.validity import writes_into_arguments  # noqa: E402
from tools.fuzz.values import (_is_float_arg, _numbers, close, deep_copy,  # noqa: E402
                               flat_grad, flatten, float_positions, random_tangent,
                               same_values, unflatten)
from tools.fuzz.generator.idioms import IDIOMS  # noqa: E402

__all__ = [
    "FEATURES", "HEADER", "IDIOMS", "ORDERS", "Failure", "Probe", "ProgramGenerator",
    "_exc_failure", "_is_float_arg", "_named_location", "_numbers",
    "aliasing_dependent", "aliasing_where_refused", "check_program", "check_saved", "close",
    "deep_copy", "executed_lines", "failure_line_runs", "flat_grad", "flatten",
    "float_positions", "generate_case", "line_is_executed", "literal", "load_module",
    "numeric_grad", "out_of_place_source", "probe_source", "random_tangent", "run",
    "run_case", "same_values", "save_failure", "saved_orders", "shrink", "unflatten",
    "writes_into_arguments",
]
