"""The command line of ``python -m benchmarks`` / ``python benchmarks/run.py``:
its options, which sections run (in a fixed order), and the files written."""
import argparse
import os
import sys
import time

from benchmarks import _threads
from benchmarks import gradients, jit, overhead, second_order, shim
from benchmarks import workloads as W
from benchmarks.peers import LIBS
from benchmarks.plots import plot
from benchmarks.report import short_error, write
from benchmarks.runner import Runner

HERE = os.path.dirname(os.path.abspath(__file__))
SECTIONS = {"main": gradients.section_main,
            "transform": overhead.section_transform,
            "dispatch": overhead.section_dispatch,
            "memory": gradients.section_memory,
            "hvp": second_order.section_hvp,
            "hessian": second_order.section_hessian,
            "shim": shim.section_shim,
            "checkpoint": gradients.section_checkpoint,
            "jit": jit.section_jit,
            "size": overhead.section_size,
            "closures": overhead.section_closures}
WORKLOAD_SECTIONS = ("main", "transform", "dispatch", "memory", "hvp")


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="srcdiff benchmarks: generated gradients vs hand-written "
                    "NumPy gradients and peer libraries.")
    p.add_argument("--quick", action="store_true",
                   help="tiny smoke configuration (small sizes, 3 repeats)")
    p.add_argument("--only", default="",
                   help="comma-separated workload names (%s) and/or sections "
                        "(%s)" % (",".join(W.BY_NAME), ",".join(SECTIONS)))
    p.add_argument("--repeats", type=int, default=None,
                   help="interleaved repeats per column (default 15; quick 3)")
    p.add_argument("--target-ms", type=float, default=None,
                   help="minimum duration of one measurement in ms "
                        "(default 20; quick 1)")
    p.add_argument("--threads", type=int, default=1,
                   help="BLAS/OpenMP/torch/XLA threads (default 1; 0 leaves "
                        "the libraries' defaults)")
    p.add_argument("--libs", default=",".join(LIBS),
                   help="comma-separated columns to run among %s "
                        "(f is always timed)" % ",".join(LIBS))
    p.add_argument("--out", default=None,
                   help="output directory (default benchmarks/results, "
                        "quick: benchmarks/results/quick)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-plot", action="store_true", help="skip the PNG")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar")
    p.add_argument("--strict", action="store_true",
                   help="exit with status 1 on any gradient mismatch")
    opts = p.parse_args(argv)
    opts.argv = list(argv)
    opts.only = [t.strip() for t in opts.only.split(",") if t.strip()]
    unknown = [t for t in opts.only if t not in W.BY_NAME and
               t not in SECTIONS]
    if unknown:
        p.error("unknown --only name(s): %s" % ", ".join(unknown))
    opts.libs = [t.strip() for t in opts.libs.split(",") if t.strip()]
    bad = [t for t in opts.libs if t not in LIBS]
    if bad:
        p.error("unknown --libs name(s): %s" % ", ".join(bad))
    if opts.repeats is None:
        opts.repeats = 3 if opts.quick else 15
    opts.repeats = max(1, opts.repeats)
    if opts.target_ms is None:
        opts.target_ms = 1.0 if opts.quick else 20.0
    opts.target = opts.target_ms / 1e3
    if opts.out is None:
        opts.out = os.path.join(HERE, "results", "quick" if opts.quick else "")
    opts.out = os.path.abspath(opts.out)
    return opts


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    opts = parse_args(argv)
    _threads.pin_runtime(opts.threads)
    runner = Runner(opts)
    sections = [t for t in opts.only if t in SECTIONS]
    if not sections:
        if any(t in W.BY_NAME for t in opts.only):
            sections = list(WORKLOAD_SECTIONS)
        else:
            sections = list(SECTIONS)
    t0 = time.perf_counter()
    for name, section in SECTIONS.items():
        if name in sections:
            section(runner)
    md_path, text = write(runner)
    png = None
    if not opts.no_plot and runner.main_rows:
        try:
            png = plot(runner.main_rows, os.path.join(opts.out, "benchmarks.png"),
                       runner.quick, opts.threads)
        except Exception as e:
            sys.stderr.write("chart not written: %s\n" % short_error(e))
    print(text)
    print("wrote %s%s (%.0f s)" % (md_path, " and " + png if png else "",
                                   time.perf_counter() - t0))
    if runner.mismatches:
        sys.stderr.write("\n%d GRADIENT MISMATCH(ES): %s\n" % (
            len(runner.mismatches), "; ".join(w for w, _ in
                                              runner.mismatches)))
        if opts.strict:
            return 1
    return 0
