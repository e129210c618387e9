"""Transform time against function size (issue 19, part 4).

    python -m benchmarks.transform_time [--quick] [--sizes 50,100,...] [--repeats N]
    python -m benchmarks --only size      (the same, as a section of the report)

How long srcdiff takes to generate a gradient, as the function grows:

* three shapes of generated functions of 50 to 2,000 statements:
  straight-line code, loops (four-statement bodies), branches (if/else on a
  value of the data); for each, ``grad(f)`` alone (the transform made when the
  gradient is requested) and ``grad(f)`` plus its first call (which makes a
  second variant, specialised on the kinds of the arguments);
* one large program of the fuzzer (``benchmarks/fuzz_program.py``, 211 lines,
  kept as text);
* the small functions of the sweep (``tests/sweep_cases.py``: a call of one
  rule's function and a scalar of it, 2-5 lines): CPU seconds of
  ``jacobian(grad(loss))`` (the reverse transform of the loss, then of its
  generated gradient: tests/test_sweep.py's ``jacgrad`` tier) over the first
  real twice-differentiable case of ``--sweep`` rules;
* the realistic 20-60-line programs of ``benchmarks/realistic.py`` (a GRU, a
  Gaussian mixture, Black-Scholes, a wave-equation solver) and the seven
  workloads of ``benchmarks/workloads.py``: the median over ``--repeats``
  fresh function objects of the first call of ``grad(f)(*args)`` minus a
  cached call.

Every function is loaded from its own freshly written module, so nothing is
served from a cache. Times are CPU seconds of the process
(``time.process_time``: the transform is single-threaded, and CPU time
stays meaningful on a shared, loaded machine where wall-clock time does
not); the tables are printed as Markdown.
"""
import importlib.util
import inspect
import itertools
import os
import statistics
import sys
import tempfile
import time

import numpy as np

SIZES = (50, 100, 250, 500, 1000, 2000)
QUICK_SIZES = (20, 50)

_counter = itertools.count()
_tmpdir = None


def _module(source, stem="tt"):
    """Import ``source`` as a new module from its own file (new code objects)."""
    global _tmpdir
    if _tmpdir is None:
        _tmpdir = tempfile.mkdtemp(prefix="srcdiff_tt_")
    name = f"{stem}_{os.getpid()}_{next(_counter)}"
    path = os.path.join(_tmpdir, name + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


# -- generated functions --------------------------------------------------------

def straight(n):
    """n statements of straight-line code, each reading the previous ones."""
    lines = ["def f(x, w):", "    a0 = x * w"]
    for i in range(1, n):
        j = i - 1
        lines.append(("    a{i} = np.sin(a{j}) + w", "    a{i} = a{j} * 0.5 + x",
                      "    a{i} = np.tanh(a{j}) * w",
                      "    a{i} = a{j} - 0.1 * a{k}")[i % 4].format(i=i, j=j, k=max(0, j - 2)))
    lines.append(f"    return np.sum(a{n - 1})")
    return "\n".join(lines)


def loops(n):
    """About n statements: loops of three steps with four-statement bodies."""
    lines = ["def f(x, w):", "    s = x * w"]
    for i in range(max(1, n // 5)):
        lines += [f"    for i{i} in range(3):",
                  f"        t{i} = np.sin(s) * w",
                  f"        s = s + 0.1 * t{i}",
                  f"        u{i} = np.cos(s)",
                  f"        s = s * 0.9 + 0.05 * u{i}"]
    lines.append("    return np.sum(s)")
    return "\n".join(lines)


def branches(n):
    """About n statements: if/else on the data, two statements a branch."""
    lines = ["def f(x, w):", "    s = x * w"]
    for i in range(max(1, n // 4)):
        lines += [f"    if np.sum(s) > {0.1 * (i % 7) - 0.3:.2f}:",
                  f"        b{i} = np.sin(s) * w",
                  f"        s = s + 0.1 * b{i}",
                  "    else:",
                  "        s = np.tanh(s) * 0.9"]
    lines.append("    return np.sum(s)")
    return "\n".join(lines)


SHAPES = {"straight": straight, "loops": loops, "branches": branches}


def statements(source):
    """Statements of a function's body (nested ones counted)."""
    import ast
    fn = ast.parse(source).body[0]
    return sum(isinstance(n, ast.stmt) for n in ast.walk(fn)) - 1


def time_shape(shape, n, srcdiff):
    """(statements, seconds of grad(f), seconds of grad(f) and its first call)."""
    source = SHAPES[shape](n)
    f = _module("import numpy as np\n\n\n" + source + "\n").f
    x, w = np.linspace(0.1, 1.0, 5), np.float64(0.3)
    t0 = time.process_time()
    g = srcdiff.grad(f, wrt=(0, 1))
    t1 = time.process_time()
    g(x, w)
    t2 = time.process_time()
    return statements(source), t1 - t0, t2 - t0


# -- a fuzz program -------------------------------------------------------------

def fuzz_case():
    """(source, function name, args, wrt) of the fixed fuzz program
    (benchmarks/fuzz_program.py: a program of the fuzzer kept as text, so
    that a change to the generator does not change what is timed)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz_program.py")
    with open(path) as fh:
        source = fh.read()
    mod = _module(source, "fzdata")
    return source, mod.FUNC, mod.ARGS, mod.WRT


def time_fuzz(case, srcdiff):
    source, fname, args, wrt = case
    f = getattr(_module(source, "fz"), fname)
    t0 = time.process_time()
    g = srcdiff.grad(f, wrt=wrt)
    t1 = time.process_time()
    try:
        g(*args)
    except srcdiff.SrcdiffError as e:   # (raised by the generated code: transformed)
        print(f"fuzz program: the first call raised {e}", file=sys.stderr)
    t2 = time.process_time()
    return len(source.splitlines()), t1 - t0, t2 - t0


# -- the sweep's small functions ---------------------------------------------------

def sweep_losses(n):
    """The losses and parameters of the first real case of the first ``n``
    twice-differentiable rules of tests/sweep_cases.py (each its own module)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tests = os.path.join(root, "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    import sweep_cases
    from srcdiff.api.check import _is_complex_leaf
    from srcdiff.rules.listing import FIRST_ORDER_ONLY
    refused = {name for name, calls in FIRST_ORDER_ONLY if calls == "every call"}
    chosen, seen = [], set()
    for sc in sweep_cases.sweep_cases():
        if len(chosen) == n:
            break
        if not sc.second or sc.name in seen or sc.name in refused:
            continue
        _, loss, params = sc.build()
        if not any(_is_complex_leaf(p) for p in params):
            seen.add(sc.name)
            chosen.append((loss, params))
    return chosen


def time_sweep(losses, srcdiff):
    """CPU seconds of ``jacobian(grad(loss, wrt=i), wrt=j)(*params)`` for every
    pair of parameters of every loss (what tests/test_sweep.py's jacgrad runs)."""
    t0 = time.process_time()
    for loss, params in losses:
        for i in range(len(params)):
            for j in range(len(params)):
                try:
                    srcdiff.jacobian(srcdiff.grad(loss, wrt=i), wrt=j)(*params)
                except srcdiff.SrcdiffError:
                    pass        # (README lists the calls refused at order two)
    return time.process_time() - t0


# -- realistic programs and the benchmark workloads ------------------------------

def _fresh_function(module, name):
    """A fresh copy of ``module.name``: the module's source imported anew."""
    return getattr(_module(inspect.getsource(module), module.__name__.split(".")[-1]), name)


def first_call_transform(module, name, wrt, args, srcdiff, repeats):
    """Median over ``repeats`` fresh functions of the first call of grad(f)
    minus a cached call (seconds), and the number of lines of the function."""
    samples = []
    for _ in range(repeats):
        f = _fresh_function(module, name)
        t0 = time.process_time()
        g = srcdiff.grad(f, wrt=wrt)
        g(*args)
        first = time.process_time() - t0
        cached = []
        for _ in range(3):
            t0 = time.process_time()
            g(*args)
            cached.append(time.process_time() - t0)
        samples.append(first - min(cached))
    lines = len(inspect.getsource(getattr(module, name)).splitlines())
    return lines, statistics.median(samples)


def realistic_rows(srcdiff, repeats, rng):
    from benchmarks import realistic
    rows = []
    for name, f, wrt, make_args in realistic.PROGRAMS:
        lines, t = first_call_transform(realistic, f.__name__, wrt, make_args(rng), srcdiff,
                                        repeats)
        rows.append((name, lines, t))
    return rows


def workload_rows(srcdiff, repeats, rng):
    from benchmarks import workloads
    rows = []
    for w in workloads.WORKLOADS:
        lines, t = first_call_transform(workloads, w.f.__name__, w.wrt, w.make_args(True, rng),
                                        srcdiff, repeats)
        rows.append((w.name, lines, t))
    return rows


# -- report ---------------------------------------------------------------------

def run(quick=False, sizes=None, repeats=None, out=print, fuzz=None, sweep=None):
    """Measure and print the tables; returns them as a dict (seconds)."""
    import srcdiff
    sizes = sizes or (QUICK_SIZES if quick else SIZES)
    repeats = repeats or (3 if quick else 7)
    rng = np.random.default_rng(0)
    time_shape("straight", 5, srcdiff)          # (imports and rule tables, once)
    result = {"shapes": {}, "realistic": [], "workloads": [], "fuzz": None}
    out("CPU seconds of `grad(f)` alone / of `grad(f)` and its first call\n")
    out("| shape | " + " | ".join(f"{n} stmts" for n in sizes) + " |")
    out("|---" * (len(sizes) + 1) + "|")
    for shape in SHAPES:
        cells = []
        for n in sizes:
            stmts, alone, first = time_shape(shape, n, srcdiff)
            result["shapes"].setdefault(shape, []).append((n, stmts, alone, first))
            cells.append(f"{alone:.2f} / {first:.2f}")
        out(f"| {shape} | " + " | ".join(cells) + " |")
    if fuzz if fuzz is not None else not quick:
        case = fuzz_case()
        if case is not None:
            lines, alone, first = time_fuzz(case, srcdiff)
            result["fuzz"] = (lines, alone, first)
            out(f"\nfuzz program (benchmarks/fuzz_program.py, {lines} lines): grad(f) "
                f"{alone:.2f} s, with its first call {first:.2f} s")
    sweep = (0 if quick else 50) if sweep is None else sweep
    if sweep:
        losses = sweep_losses(sweep)
        t = time_sweep(losses, srcdiff)
        result["sweep"] = (len(losses), t)
        out(f"\nsweep's small functions: jacobian(grad(loss)) of {len(losses)} rules' first "
            f"real cases: {t:.2f} s ({1000 * t / max(1, len(losses)):.0f} ms a case)")
    out(f"\nFirst-call transform (median of {repeats} fresh functions, ms)\n")
    out("| program | lines | transform ms |")
    out("|---|---|---|")
    for kind in ("realistic", "workloads"):
        rows = (realistic_rows if kind == "realistic" else workload_rows)(srcdiff, repeats, rng)
        result[kind] = rows
        for name, lines, t in rows:
            out(f"| {name} ({kind}) | {lines} | {1000 * t:.0f} |")
    return result


def main(argv=None):
    import argparse
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="sizes 20 and 50, no fuzz program")
    p.add_argument("--sizes", default="", help="comma-separated statement counts")
    p.add_argument("--repeats", type=int, default=None)
    p.add_argument("--no-fuzz", action="store_true")
    p.add_argument("--sweep", type=int, default=None,
                   help="how many rules' sweep cases to time (50; --quick: 0, none)")
    a = p.parse_args(argv)
    sizes = tuple(int(s) for s in a.sizes.split(",") if s) or None
    run(a.quick, sizes, a.repeats, fuzz=False if a.no_fuzz else None, sweep=a.sweep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
