"""A benchmark run's shared state: its options and libraries, the Markdown
and JSON the sections produce, the errors and gradient mismatches they
record; and setting up a column (build it, call it once, cross-check it)."""
import sys
import time
import traceback

import numpy as np

from benchmarks import workloads as W
from benchmarks.checks import compare, to_tuple
from benchmarks.peers import LIBS, NA, Libs
from benchmarks.report import short_error


class Runner:
    """One run: what the sections read (options, libraries) and add to."""

    def __init__(self, opts):
        self.opts = opts
        self.quick = opts.quick
        self.repeats = opts.repeats
        self.target = opts.target
        self.libs = Libs(opts.threads)
        self.md = []             # Markdown blocks
        self.data = {}           # JSON-able results
        self.errors = []         # (where, message, traceback)
        self.mismatches = []     # (where, message)
        self.enabled_libs = set(opts.libs)
        self.progress = not opts.no_progress
        self.first_calls = {}    # (where, column key) -> first call (s)
        self.main_rows = None    # the main section's (workload, columns)

    def record_error(self, where, exc):
        msg = short_error(exc)
        tb = traceback.format_exc()
        self.errors.append((where, msg, tb))
        return msg

    def record_mismatch(self, where, msg):
        self.mismatches.append((where, msg))
        sys.stderr.write("\n" + "!" * 72 + "\n!!! GRADIENT MISMATCH: %s: %s\n"
                         % (where, msg) + "!" * 72 + "\n")
        sys.stderr.flush()

    def args_for(self, wl):
        # Fresh, reproducible arguments per workload (independent of --only).
        seed = sum(map(ord, wl.name)) + self.opts.seed
        return wl.make_args(self.quick, np.random.default_rng(seed))

    def selected_workloads(self):
        names = [t for t in self.opts.only if t in W.BY_NAME]
        if not names:
            return list(W.WORKLOADS)
        return [W.BY_NAME[n] for n in names]

    def setup_column(self, col, build, where, reference=None, nout=None,
                     check_args=None):
        """Build a column (``build()`` returns a zero-arg callable), run it
        once, and compare with ``reference`` (a tuple of arrays)."""
        if col.key in LIBS and col.key not in self.enabled_libs:
            col.status, col.reason = "n/a", "disabled by --libs"
            return col
        try:
            fn = build()
        except NA as e:
            col.status, col.reason = "n/a", str(e)
            return col
        except Exception as e:
            col.status = "error"
            col.reason = self.record_error("%s [%s] (build)" % (where,
                                                                 col.label), e)
            return col
        snapshot = None
        if check_args is not None:
            snapshot = [np.array(a, copy=True) if isinstance(a, np.ndarray)
                        else a for a in check_args]
        try:
            t0 = time.perf_counter()
            out = fn()
            col.extra["first_call_s"] = time.perf_counter() - t0
            self.first_calls[(where, col.key)] = col.extra["first_call_s"]
        except NA as e:
            col.status, col.reason = "n/a", str(e)
            return col
        except Exception as e:
            col.status = "error"
            col.reason = self.record_error("%s [%s]" % (where, col.label), e)
            return col
        col.fn = fn
        if snapshot is not None:
            for i, (a, s) in enumerate(zip(check_args, snapshot)):
                if isinstance(a, np.ndarray) and not np.array_equal(a, s):
                    col.status = "mismatch"
                    col.check = "argument %d was modified in place" % i
                    self.record_mismatch("%s [%s]" % (where, col.label),
                                         col.check)
                    return col
        if reference is not None:
            try:
                got = to_tuple(out, nout)
                ok, msg = compare(got, reference)
            except Exception as e:
                ok, msg = False, short_error(e)
            col.check = msg
            if not ok:
                col.status = "mismatch"
                self.record_mismatch("%s [%s]" % (where, col.label), msg)
        return col
