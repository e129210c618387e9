"""srcdiff benchmark runner.

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

import argparse  # noqa: E402
import datetime  # noqa: E402
import gc  # noqa: E402
import importlib  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import traceback  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks import workloads as W  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SECTIONS = ("main", "transform", "dispatch", "memory", "hvp", "hessian", "shim",
            "checkpoint")
LIBS = ("hand", "srcdiff", "autograd", "torch", "jax", "jax_jit")
LABELS = {"f": "f alone", "hand": "hand-written", "srcdiff": "srcdiff",
          "autograd": "autograd", "torch": "PyTorch eager",
          "jax": "JAX grad, no jit", "jax_jit": "JAX jit(grad)"}


# ---------------------------------------------------------------------------
# Small utilities
# ---------------------------------------------------------------------------

class NA(Exception):
    """A column that cannot run here (library or API missing)."""


class Progress:
    """tqdm when installed, else a one-line bar on stderr."""

    def __init__(self, total, desc, enabled=True):
        self.total, self.desc, self.n = max(total, 1), desc, 0
        self.enabled = enabled
        self._tqdm = None
        if not enabled:
            return
        try:
            from tqdm import tqdm
            self._tqdm = tqdm(total=self.total, desc=desc, file=sys.stderr,
                              leave=False, dynamic_ncols=True)
        except ImportError:
            self._draw()

    def _draw(self):
        width = 30
        done = int(width * self.n / self.total)
        sys.stderr.write("\r%-12s [%s%s] %d/%d" % (
            self.desc, "#" * done, "." * (width - done), self.n, self.total))
        sys.stderr.flush()

    def update(self, k=1):
        self.n += k
        if not self.enabled:
            return
        if self._tqdm is not None:
            self._tqdm.update(k)
        else:
            self._draw()

    def set_postfix(self, text):
        if self._tqdm is not None:
            self._tqdm.set_postfix_str(text, refresh=False)

    def close(self):
        if not self.enabled:
            return
        if self._tqdm is not None:
            self._tqdm.close()
        else:
            sys.stderr.write("\r" + " " * 70 + "\r")
            sys.stderr.flush()


def fmt_time(t):
    if t is None or not math.isfinite(t):
        return "-"
    if t < 1e-6:
        return "%.0f ns" % (t * 1e9)
    if t < 1e-3:
        return "%.1f µs" % (t * 1e6)
    if t < 1.0:
        return "%.2f ms" % (t * 1e3)
    return "%.2f s" % t


def fmt_ratio(r):
    if r is None or not math.isfinite(r):
        return "-"
    if r >= 100:
        return "%.0fx" % r
    if r >= 10:
        return "%.1fx" % r
    return "%.2fx" % r


def fmt_bytes(b):
    if b is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(b) < 1024 or unit == "GiB":
            return ("%d %s" % (b, unit)) if unit == "B" else (
                "%.1f %s" % (b, unit))
        b /= 1024.0


def short_error(e):
    msg = "%s: %s" % (type(e).__name__, e)
    msg = " ".join(msg.split())
    return msg


def to_tuple(g, n):
    """A gradient as a tuple of n float arrays (for comparison)."""
    if n == 1 and not isinstance(g, (tuple, list)):
        g = (g,)
    if not isinstance(g, (tuple, list)) or len(g) != n:
        raise ValueError("expected %d gradients, got %r" % (n, type(g)))
    out = []
    for x in g:
        if hasattr(x, "detach"):           # torch
            x = x.detach().numpy()
        out.append(np.asarray(x, dtype=float))
    return tuple(out)


def compare(got, ref, rtol=1e-6):
    """(ok, message) for two tuples of arrays."""
    worst = 0.0
    for i, (g, r) in enumerate(zip(got, ref)):
        if g.shape != r.shape:
            return False, "gradient %d has shape %s, expected %s" % (
                i, g.shape, r.shape)
        scale = max(1.0, float(np.max(np.abs(r))) if r.size else 1.0)
        if not np.allclose(g, r, rtol=rtol, atol=1e-9 * scale):
            err = float(np.max(np.abs(g - r))) if r.size else 0.0
            return False, ("gradient %d differs: max |diff| %.3g "
                           "(max |ref| %.3g)" % (i, err, scale))
        if r.size:
            worst = max(worst, float(np.max(np.abs(g - r))) / scale)
    return True, "max rel diff %.1e" % worst


def time_once(fn, number):
    """Mean time of ``number`` calls of ``fn`` with the GC off (as timeit)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        t1 = time.perf_counter()
    finally:
        if enabled:
            gc.enable()
    return (t1 - t0) / number


def calibrate(fn, target):
    """How many calls make one measurement of at least ``target`` seconds."""
    t = time_once(fn, 1)
    if t >= target:
        return 1
    n = 1
    while True:
        n_next = min(int(target / max(t, 1e-9)) + 1, 1000000)
        n = max(n_next, n * 2) if n_next <= n else n_next
        t_total = time_once(fn, n) * n
        if t_total >= target * 0.5 or n >= 1000000:
            return n
        t = t_total / n


class Column:
    """One timed thing: a zero-argument callable plus its status."""

    def __init__(self, key, label=None):
        self.key = key
        self.label = label or LABELS.get(key, key)
        self.fn = None
        self.status = "ok"      # ok | n/a | error | mismatch
        self.reason = ""
        self.check = ""
        self.times = []
        self.number = 1
        self.extra = {}

    @property
    def median(self):
        return statistics.median(self.times) if self.times else None

    @property
    def timed(self):
        return self.fn is not None and self.status in ("ok", "mismatch")


def run_interleaved(columns, repeats, target, progress):
    """Interleaved repeats: each round measures every column once, the
    starting column rotating from round to round."""
    live = [c for c in columns if c.timed]
    for c in live:
        c.number = calibrate(c.fn, target)
    for r in range(repeats):
        k = r % len(live) if live else 0
        for c in live[k:] + live[:k]:
            c.times.append(time_once(c.fn, c.number))
        progress.update()


# ---------------------------------------------------------------------------
# Libraries (imported lazily; missing ones become "n/a")
# ---------------------------------------------------------------------------

class Libs:
    def __init__(self, threads):
        self.threads = threads
        self._cache = {}
        self.versions = {}

    def get(self, name):
        if name in self._cache:
            mod, err = self._cache[name]
            if err:
                raise NA(err)
            return mod
        try:
            mod = getattr(self, "_load_" + name)()
            self._cache[name] = (mod, None)
            return mod
        except NA as e:
            self._cache[name] = (None, str(e))
            raise
        except Exception as e:      # broken install, etc.
            self._cache[name] = (None, "%s import failed: %s" % (
                name, short_error(e)))
            raise NA(self._cache[name][1])

    def _load_srcdiff(self):
        try:
            import srcdiff
        except ImportError as e:
            raise NA("srcdiff not importable: %s" % e)
        self.versions["srcdiff"] = getattr(srcdiff, "__version__", "?")
        return srcdiff

    def _load_autograd(self):
        try:
            import autograd
            import autograd.numpy  # noqa: F401
        except ImportError:
            raise NA("autograd not installed")
        try:
            from importlib.metadata import version
            self.versions["autograd"] = version("autograd")
        except Exception:
            self.versions["autograd"] = "?"
        return autograd

    def _load_torch(self):
        try:
            import torch
        except ImportError:
            raise NA("torch not installed")
        if self.threads > 0:
            torch.set_num_threads(self.threads)
            try:
                torch.set_num_interop_threads(1)
            except RuntimeError:
                pass
        self.versions["torch"] = torch.__version__
        _threads.pin_runtime(self.threads)   # torch brings its own libgomp
        return torch

    def _load_jax(self):
        try:
            import jax
        except ImportError:
            raise NA("jax not installed")
        jax.config.update("jax_enable_x64", True)
        jax.config.update("jax_platforms", "cpu")
        self.versions["jax"] = jax.__version__
        return jax

    def api(self, name):
        """``srcdiff.<name>`` or NA."""
        srcdiff = self.get("srcdiff")
        fn = getattr(srcdiff, name, None)
        if fn is None:
            raise NA("srcdiff.%s not available yet" % name)
        return fn


# ---------------------------------------------------------------------------
# Runner state
# ---------------------------------------------------------------------------

class Runner:
    def __init__(self, opts):
        self.opts = opts
        self.quick = opts.quick
        self.repeats = opts.repeats
        self.target = opts.target
        self.libs = Libs(opts.threads)
        self.rng = np.random.default_rng(opts.seed)
        self.md = []             # Markdown blocks
        self.data = {}           # JSON-able results
        self.errors = []         # (where, message, traceback)
        self.mismatches = []     # (where, message)
        self.enabled_libs = set(opts.libs)
        self.progress = not opts.no_progress
        self.first_calls = {}    # (where, column key) -> first call (s)

    # -- bookkeeping ------------------------------------------------------

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

    def cell(self, col, base=None):
        """A table cell: the ratio to column ``base`` (median of per-round
        ratios) or the median time; or why there is none."""
        if col.status == "n/a":
            return "n/a (%s)" % col.reason
        if col.status == "error":
            return "n/a (error: %s)" % truncate(col.reason, 90)
        text = (fmt_ratio(paired_ratio(col, base)) if base is not None
                else fmt_time(col.median))
        if col.status == "mismatch":
            text = "**MISMATCH** " + text
        return text

    # -- gradient builders for one workload --------------------------------

    def build_grad(self, key, wl, args):
        """A zero-arg callable computing the gradient of ``wl`` at ``args``
        with library ``key``."""
        wrt = wl.wrt
        if key == "hand":
            return lambda: wl.hand(*args)
        if key == "srcdiff":
            grad = self.libs.api("grad")
            df = grad(wl.f, wrt=wrt)
            return lambda: df(*args)
        if key == "autograd":
            ag = self.libs.get("autograd")
            import autograd.numpy as anp
            f = wl.autograd_f or W.rebind(wl.f, np=anp)

            def packed(ws):
                a = list(args)
                for p, w in zip(wrt, ws):
                    a[p] = w
                return f(*a)
            g = ag.grad(packed)
            ws = tuple(args[p] for p in wrt)
            return lambda: g(ws)
        if key == "torch":
            torch = self.libs.get("torch")
            if wl.torch_f is None:
                raise NA("no torch version")
            targs = torch_args(torch, args, wrt)
            params = [targs[p] for p in wrt]
            f = wl.torch_f

            def run():
                return torch.autograd.grad(f(*targs), params)
            return run
        if key in ("jax", "jax_jit"):
            jax = self.libs.get("jax")
            import jax.numpy as jnp
            f = wl.jax_f or W.rebind(wl.f, np=jnp)
            jargs = jax_args(jax, args, wl.static)
            g = jax.grad(f, argnums=wrt)
            if key == "jax_jit":
                g = jax.jit(g, static_argnums=wl.static)

            def run():
                return jax.block_until_ready(g(*jargs))
            return run
        raise NA("unknown column %s" % key)

    # -- sections -----------------------------------------------------------

    def selected_workloads(self):
        names = [t for t in self.opts.only if t in W.BY_NAME]
        if not names:
            return list(W.WORKLOADS)
        return [W.BY_NAME[n] for n in names]

    def section_main(self):
        wls = self.selected_workloads()
        keys = ["hand", "srcdiff", "autograd", "torch", "jax", "jax_jit"]
        prog = Progress(len(wls) * (self.repeats + 1), "gradients",
                        self.progress)
        rows = []
        for wl in wls:
            prog.set_postfix(wl.name)
            args = self.args_for(wl)
            ref = to_tuple(wl.hand(*args), len(wl.wrt))
            where = "main/%s" % wl.name
            fcol = Column("f")
            fcol.fn = lambda wl=wl, args=args: wl.f(*args)
            cols = [fcol]
            for key in keys:
                col = Column(key)
                self.setup_column(
                    col, lambda key=key: self.build_grad(key, wl, args),
                    where, reference=ref if key != "hand" else None,
                    nout=len(wl.wrt),
                    check_args=args if key == "srcdiff" else None)
                cols.append(col)
            prog.update()
            run_interleaved(cols, self.repeats, self.target, prog)
            rows.append((wl, cols))
        prog.close()

        head = ["workload", "f alone"] + [LABELS[k] for k in keys] + [
            "srcdiff / hand"]
        lines = ["## Gradient time / function time (medians)", "",
                 "Cross-checked against the hand-written gradient before "
                 "timing (`np.allclose`, rtol 1e-6). Each ratio is the median "
                 "over the interleaved rounds of the ratio within a round. "
                 "Target: srcdiff / hand <= 1.10.", "", md_row(head), md_sep(len(head))]
        abs_lines = ["### Absolute medians", "",
                     md_row(["workload"] + [LABELS[c.key] for c in
                                            rows[0][1]] if rows else []),
                     md_sep(len(keys) + 2)]
        self.data["main"] = {}
        for wl, cols in rows:
            base = cols[0]
            by = {c.key: c for c in cols}
            s, h = by["srcdiff"], by["hand"]
            if s.timed and h.timed:
                r = paired_ratio(s, h)
                sh = fmt_ratio(r) + (" (over)" if r > 1.10 else "")
            else:
                sh = "-"
            title = wl.name + " (quick sizes)" if self.quick else wl.title
            lines.append(md_row([title, fmt_time(base.median)] +
                                [self.cell(by[k], base) for k in keys] +
                                [sh]))
            abs_lines.append(md_row([wl.name] + [self.cell(c) for c in cols]))
            self.data["main"][wl.name] = {
                c.key: {"status": c.status, "reason": c.reason,
                        "check": c.check, "median_s": c.median,
                        "times_s": c.times, "number": c.number}
                for c in cols}
        notes = ["- %s: %s" % (wl.name, wl.notes) for wl, _ in rows
                 if wl.notes]
        if notes:
            lines += [""] + notes
        self.md.append("\n".join(lines + [""] + abs_lines))
        self.main_rows = rows

    def section_transform(self):
        wls = self.selected_workloads()
        n_fresh = 2 if self.quick else 5
        prog = Progress(len(wls) + 1, "transform", self.progress)
        lines = ["## Transform time and dispatch", "",
                 "First call of `srcdiff.grad(f)(...)` on a fresh function "
                 "object (a new copy of `workloads.py` is imported for each "
                 "sample%s), median of %d; the cached call is "
                 "`srcdiff.grad(f)` again on the same object plus the call. "
                 "transform = first call - cached call. "
                 "Target: transform < 50 ms." % (
                     "; srcdiff's cache is cleared too" if
                     self._clear_cache_fn() else "", n_fresh),
                 ""]
        head = ["workload", "first call", "cached grad(f) + call",
                "transform", "JAX jit compile (first call)"]
        lines += [md_row(head), md_sep(len(head))]
        self.data["transform"] = {}
        try:
            grad = self.libs.api("grad")
        except NA as e:
            lines.append("n/a (%s)" % e)
            self.md.append("\n".join(lines))
            prog.close()
            return
        for wl in wls:
            args = self.args_for(wl)
            firsts, cached = [], []
            err = None
            for i in range(n_fresh):
                f = fresh_copy(wl.f)
                clear = self._clear_cache_fn()
                if clear:
                    clear()
                try:
                    gc.collect()
                    t0 = time.perf_counter()
                    grad(f, wrt=wl.wrt)(*args)
                    t1 = time.perf_counter()
                    firsts.append(t1 - t0)
                    reps = []
                    for _ in range(5):
                        t0 = time.perf_counter()
                        grad(f, wrt=wl.wrt)(*args)
                        reps.append(time.perf_counter() - t0)
                    cached.append(min(reps))
                except Exception as e:
                    err = self.record_error("transform/%s" % wl.name, e)
                    break
            jit_t = self._jax_jit_compile_time(wl, args)
            if err:
                lines.append(md_row([wl.name, "n/a (error: %s)" %
                                     truncate(err, 90), "-", "-", jit_t]))
                self.data["transform"][wl.name] = {"error": err}
            else:
                fm, cm = statistics.median(firsts), statistics.median(cached)
                tr = fm - cm
                flag = " (over)" if tr > 0.050 else ""
                lines.append(md_row([wl.name, fmt_time(fm), fmt_time(cm),
                                     fmt_time(tr) + flag, jit_t]))
                self.data["transform"][wl.name] = {
                    "first_s": firsts, "cached_s": cached, "transform_s": tr}
            prog.update()
        prog.close()
        self.md.append("\n".join(lines))

    def _clear_cache_fn(self):
        try:
            srcdiff = self.libs.get("srcdiff")
        except NA:
            return None
        for owner in (srcdiff, getattr(srcdiff, "api", None)):
            for name in ("clear_cache", "_clear_cache", "cache_clear"):
                fn = getattr(owner, name, None) if owner else None
                if callable(fn):
                    return fn
        return None

    def _jax_jit_compile_time(self, wl, args):
        if "jax_jit" not in self.enabled_libs:
            return "n/a (disabled)"
        done = self.first_calls.get(("main/%s" % wl.name, "jax_jit"))
        if done is not None:       # measured by the main section already
            return fmt_time(done)
        try:
            jax = self.libs.get("jax")
            import jax.numpy as jnp
            f = wl.jax_f or W.rebind(fresh_copy(wl.f), np=jnp)
            jargs = jax_args(jax, args, wl.static)
            g = jax.jit(jax.grad(f, argnums=wl.wrt),
                        static_argnums=wl.static)
            t0 = time.perf_counter()
            jax.block_until_ready(g(*jargs))
            return fmt_time(time.perf_counter() - t0)
        except NA as e:
            return "n/a (%s)" % e
        except Exception as e:
            return "n/a (%s)" % truncate(short_error(e), 60)

    def section_dispatch(self):
        """Cached dispatch overhead: a call of the returned gradient minus a
        call of the same generated source exec'd on its own."""
        cases = [("ident", _ident, (1.5,), (0,)),
                 ("square", _square, (1.5,), (0,))]
        for wl in self.selected_workloads():
            cases.append((wl.name, wl.f, self.args_for(wl), wl.wrt))
        prog = Progress(len(cases) * (self.repeats + 1), "dispatch",
                        self.progress)
        lines = ["## Cached dispatch overhead", "",
                 "`df(*args)` (the function `srcdiff.grad` returned, cached) "
                 "vs the generated source `srcdiff.source(df)` exec'd on its "
                 "own and called directly (interleaved repeats; minima, the least "
                 "noisy estimate of a fixed cost); overhead = difference. "
                 "`ident` is f(x) = x, `square` f(x) = x * x; the target "
                 "(< 5 µs) is judged on those two: on the workloads the "
                 "difference is within timing noise unless large.", ""]
        head = ["function", "df(*args)", "exec'd source", "overhead"]
        lines += [md_row(head), md_sep(len(head))]
        self.data["dispatch"] = {}
        for name, f, args, wrt in cases:
            a = Column("srcdiff", "df")
            b = Column("raw", "exec'd source")
            try:
                grad = self.libs.api("grad")
                source = self.libs.api("source")
                df = grad(f, wrt=wrt)
                a.fn = lambda df=df, args=args: df(*args)
                a.fn()
                raw = exec_source(source(df), df)
                b.fn = lambda raw=raw, args=args: raw(*args)
                ref = to_tuple(a.fn(), len(wrt))
                ok, msg = compare(to_tuple(b.fn(), len(wrt)), ref, rtol=1e-12)
                if not ok:
                    raise RuntimeError("exec'd source disagrees with df: "
                                       + msg)
            except NA as e:
                lines.append(md_row([name, "n/a (%s)" % e, "-", "-"]))
                prog.update(self.repeats + 1)
                continue
            except Exception as e:
                msg = self.record_error("dispatch/%s" % name, e)
                lines.append(md_row([name, "n/a (error: %s)" %
                                     truncate(msg, 90), "-", "-"]))
                prog.update(self.repeats + 1)
                continue
            prog.update()
            run_interleaved([a, b], self.repeats, self.target, prog)
            amin, bmin = min(a.times), min(b.times)
            ov = amin - bmin
            flag = " (over)" if (ov > 5e-6 and name in ("ident", "square")) \
                else ""
            lines.append(md_row([name, fmt_time(amin), fmt_time(bmin),
                                 ("%.2f µs" % (ov * 1e6)) + flag]))
            self.data["dispatch"][name] = {"df_s": a.times,
                                           "raw_s": b.times}
        prog.close()
        self.md.append("\n".join(lines))

    def section_memory(self):
        wls = [wl for wl in self.selected_workloads() if wl.loop]
        prog = Progress(len(wls), "memory", self.progress)
        lines = ["## Peak memory of the loop workloads' gradients", "",
                 "tracemalloc peak above the starting point during one call "
                 "(NumPy reports its buffers to tracemalloc; PyTorch and JAX "
                 "do not, so they are not listed). Target: srcdiff within "
                 "1.2x of hand-written.", ""]
        head = ["workload", "f alone", "hand-written", "srcdiff",
                "srcdiff / hand", "autograd"]
        lines += [md_row(head), md_sep(len(head))]
        self.data["memory"] = {}
        for wl in wls:
            args = self.args_for(wl)
            row = [wl.name, fmt_bytes(peak_memory(lambda: wl.f(*args)))]
            res = {}
            for key in ("hand", "srcdiff", "autograd"):
                if key not in self.enabled_libs:
                    res[key] = "n/a (disabled)"
                    continue
                try:
                    fn = self.build_grad(key, wl, args)
                    fn()
                    res[key] = peak_memory(fn)
                except NA as e:
                    res[key] = "n/a (%s)" % e
                except Exception as e:
                    res[key] = "n/a (error: %s)" % truncate(
                        self.record_error("memory/%s [%s]" % (wl.name, key),
                                          e), 60)
            def show(v):
                return fmt_bytes(v) if isinstance(v, int) else v
            ratio = "-"
            if isinstance(res.get("hand"), int) and isinstance(
                    res.get("srcdiff"), int):
                r = res["srcdiff"] / max(res["hand"], 1)
                ratio = fmt_ratio(r) + (" (over)" if r > 1.2 else "")
            row += [show(res.get("hand")), show(res.get("srcdiff")), ratio,
                    show(res.get("autograd"))]
            lines.append(md_row(row))
            self.data["memory"][wl.name] = res
            prog.update()
        prog.close()
        self.md.append("\n".join(lines))

    def section_checkpoint(self):
        from benchmarks import checkpointing
        try:
            res = checkpointing.measure(self.quick, peak_memory)
        except Exception as e:
            self.record_error("checkpoint", e)
            self.md.append("## Checkpointed loop gradients\n\nerror: %s" % short_error(e))
            return
        self.data["checkpoint"] = res
        self.md.append("\n".join(checkpointing.report(res, fmt_time, fmt_bytes, md_row,
                                                       md_sep)))

    def section_hvp(self):
        cases = [W.BY_NAME["mlp"], W.BY_NAME["sin_loop"]]
        names = [t for t in self.opts.only if t in W.BY_NAME]
        if names:
            cases = [c for c in cases if c.name in names]
        keys = ["hand", "srcdiff", "autograd", "torch", "jax", "jax_jit"]
        prog = Progress(len(cases) * (self.repeats + 1), "hvp", self.progress)
        lines = ["## Hessian-vector product vs gradient (issue 5)", "",
                 "Gradient and hvp with respect to the first argument only "
                 "(MLP: W1, 784x256; loop: x). srcdiff: `srcdiff.hvp(f)(*args, "
                 "v)` (forward-over-reverse); autograd: "
                 "`hessian_vector_product` (reverse-over-reverse); JAX: "
                 "`jvp(grad(f))`; PyTorch: double backward. Hand-written: "
                 "the full hand-written gradient (all parameters) and a "
                 "hand-written forward-over-reverse hvp "
                 "(`workloads.mlp_loss_hvp`, `sin_loop_hvp`), which every "
                 "hvp is checked against. Target: srcdiff hvp / grad <= 4.",
                 ""]
        head = ["workload", "library", "grad", "hvp", "hvp / grad"]
        lines += [md_row(head), md_sep(len(head))]
        self.data["hvp"] = {}
        for wl in cases:
            args = self.args_for(wl)
            x = args[0]
            v = np.random.default_rng(7).standard_normal(np.shape(x))
            hand0 = lambda *a: wl.hand(*a)[0]          # noqa: E731
            ref_hv = wl.hvp(*args, v)
            cols = []
            for key in keys:
                g = Column(key, LABELS[key] + " grad")
                h = Column(key, LABELS[key] + " hvp")
                self.setup_column(
                    g, lambda key=key: self.build_grad0(key, wl, args),
                    "hvp/%s" % wl.name,
                    reference=(np.asarray(hand0(*args), float),) if
                    key != "hand" else None, nout=1)
                h.extra["check_rtol"] = 1e-4
                self.setup_hvp_column(h, key, wl, args, v, ref_hv)
                cols.append((g, h))
            prog.update()
            flat = [c for pair in cols for c in pair]
            run_interleaved(flat, self.repeats, self.target, prog)
            self.data["hvp"][wl.name] = {}
            for g, h in cols:
                gt, ht = g.median, h.median
                if g.timed and h.timed:
                    r = paired_ratio(h, g)
                    rs = fmt_ratio(r) + (" (over)" if (
                        g.key == "srcdiff" and r > 4) else "")
                else:
                    rs = "-"
                lines.append(md_row([wl.name, LABELS[g.key], self.cell(g),
                                     self.cell(h), rs]))
                self.data["hvp"][wl.name][g.key] = {"grad_s": gt,
                                                    "hvp_s": ht,
                                                    "grad_status": g.status,
                                                    "hvp_status": h.status,
                                                    "hvp_reason": h.reason}
        prog.close()
        self.md.append("\n".join(lines))

    def build_grad0(self, key, wl, args):
        """Gradient w.r.t. argument 0 only."""
        wl0 = W.Workload(wl.name, wl.title, wl.f, wl.hand, (0,),
                         wl.make_args, wl.static, wl.torch_f, wl.autograd_f,
                         wl.jax_f)
        if key == "hand":
            return lambda: (wl.hand(*args)[0],)
        return self.build_grad(key, wl0, args)

    def setup_hvp_column(self, col, key, wl, args, v, ref_hv):
        def build():
            if key == "hand":
                return lambda: wl.hvp(*args, v)
            if key == "srcdiff":
                hvp = self.libs.api("hvp")
                h = hvp(wl.f, wrt=0)
                return lambda: h(*args, v)
            if key == "autograd":
                ag = self.libs.get("autograd")
                import autograd.numpy as anp
                f = wl.autograd_f or W.rebind(wl.f, np=anp)
                hv = ag.hessian_vector_product(f, 0)
                return lambda: hv(*args, v)
            if key == "torch":
                torch = self.libs.get("torch")
                targs = torch_args(torch, args, (0,))
                tv = torch.from_numpy(v.copy())
                f = wl.torch_f

                def run():
                    (g,) = torch.autograd.grad(f(*targs), [targs[0]],
                                               create_graph=True)
                    return torch.autograd.grad(g, [targs[0]],
                                               grad_outputs=tv)[0]
                return run
            if key in ("jax", "jax_jit"):
                jax = self.libs.get("jax")
                import jax.numpy as jnp
                f = wl.jax_f or W.rebind(wl.f, np=jnp)
                jargs = jax_args(jax, args, wl.static)
                jv = jnp.asarray(v)
                static = wl.static

                def hvp_fn(*a):
                    *a, vv = a
                    gfun = jax.grad(lambda x0: f(x0, *a[1:]))
                    return jax.jvp(gfun, (a[0],), (vv,))[1]
                if key == "jax_jit":
                    hvp_fn = jax.jit(hvp_fn, static_argnums=static)

                def run():
                    return jax.block_until_ready(hvp_fn(*jargs, jv))
                return run
            raise NA("unknown")
        self.setup_column(col, build, "hvp/%s" % wl.name)
        if col.fn is not None and col.status == "ok" and key != "hand":
            try:
                got = to_tuple(col.fn(), 1)
                ok, msg = compare(got, (np.asarray(ref_hv, float),))
            except Exception as e:
                ok, msg = False, short_error(e)
            col.check = msg
            if not ok:
                col.status = "mismatch"
                self.record_mismatch("hvp/%s [%s]" % (wl.name, col.label),
                                     msg)

    def section_hessian(self):
        n = 10 if self.quick else 100
        x = np.random.default_rng(3).uniform(-1.0, 1.0, n)
        ref = (W.rosenbrock_hessian(x),)
        prog = Progress(self.repeats + 1, "hessian", self.progress)
        f = W.rosenbrock
        cols = []
        fcol = Column("f")
        fcol.fn = lambda: f(x)
        cols.append(fcol)

        def build(key):
            if key == "hand":
                return lambda: W.rosenbrock_hessian(x)
            if key == "srcdiff":
                H = self.libs.api("hessian")(f)
                return lambda: H(x)
            if key == "autograd":
                ag = self.libs.get("autograd")
                import autograd.numpy as anp
                H = ag.hessian(W.rebind(f, np=anp))
                return lambda: H(x)
            if key == "torch":
                torch = self.libs.get("torch")
                tx = torch.from_numpy(x.copy())
                return lambda: torch.autograd.functional.hessian(
                    W.rosenbrock_torch, tx)
            if key in ("jax", "jax_jit"):
                jax = self.libs.get("jax")
                import jax.numpy as jnp
                H = jax.hessian(W.rebind(f, np=jnp))
                if key == "jax_jit":
                    H = jax.jit(H)
                jx = jnp.asarray(x)
                return lambda: jax.block_until_ready(H(jx))
        for key in ["hand", "srcdiff", "autograd", "torch", "jax", "jax_jit"]:
            col = Column(key)
            self.setup_column(col, lambda key=key: build(key),
                              "hessian/rosenbrock%d" % n,
                              reference=ref if key != "hand" else None,
                              nout=1)
            cols.append(col)
        prog.update()
        run_interleaved(cols, self.repeats, self.target, prog)
        prog.close()
        base = fcol
        hl = dict(LABELS, srcdiff="srcdiff.hessian", autograd="autograd.hessian",
                  torch="torch.autograd.functional.hessian",
                  jax="jax.hessian, no jit", jax_jit="jax.jit(jax.hessian)")
        head = ["function", "f alone"] + [hl[c.key] for c in cols[1:]]
        lines = ["## Hessian of a %d-parameter function (issue 5)" % n, "",
                 "Rosenbrock in %d dimensions; Hessian time / function time "
                 "(absolute medians below). srcdiff: `srcdiff.hessian(f)`; "
                 "autograd: `autograd.hessian`; JAX: `jax.hessian` (no jit "
                 "and jit); PyTorch: `torch.autograd.functional.hessian`. "
                 "Checked against the hand-written Hessian." % n, "",
                 md_row(head), md_sep(len(head)),
                 md_row(["rosenbrock (ratio)", fmt_time(base.median)] +
                        [self.cell(c, base) for c in cols[1:]]),
                 md_row(["rosenbrock (time)", fmt_time(base.median)] +
                        [self.cell(c) for c in cols[1:]])]
        self.data["hessian"] = {c.key: {"median_s": c.median,
                                        "status": c.status,
                                        "reason": c.reason} for c in cols}
        self.md.append("\n".join(lines))

    def section_shim(self):
        npts = 200 if self.quick else 2000
        a = np.linspace(-np.pi, np.pi, npts)
        y = np.sin(a)
        lr = 1e-6
        init = [0.1, -0.2, 0.3, -0.05]
        ref = tuple(np.asarray(v) for v in
                    W.numpy_train_step(list(init), a, y, lr))
        prog = Progress(self.repeats + 1, "shim", self.progress)

        def build(key):
            if key == "hand":
                params = list(init)
                return lambda: W.numpy_train_step(params, a, y, lr), params
            if key in ("srcdiff_op", "srcdiff_compile"):
                sd = self.libs.get("srcdiff")
                for name in ("tensor", "no_grad"):
                    if not hasattr(sd, name):
                        raise NA("srcdiff.%s not available yet" % name)
                if key == "srcdiff_op":
                    loss_fn = W.cubic_fit_loss_methods
                else:
                    loss_fn = self.libs.api("compile")(W.cubic_fit_loss)
                params = [sd.tensor(v, requires_grad=True) for v in init]
                ta, ty = sd.tensor(a), sd.tensor(y)
                return (lambda: W.tensor_train_step(sd, loss_fn, params, ta,
                                                    ty, lr), params)
            if key == "torch":
                if "torch" not in self.enabled_libs:
                    raise NA("disabled by --libs")
                torch = self.libs.get("torch")
                params = [torch.tensor(v, dtype=torch.float64,
                                       requires_grad=True) for v in init]
                ta, ty = torch.from_numpy(a.copy()), torch.from_numpy(y.copy())
                return (lambda: W.tensor_train_step(
                    torch, W.cubic_fit_loss_methods, params, ta, ty, lr),
                    params)
            raise NA("unknown")

        labels = {"hand": "NumPy hand-written step",
                  "srcdiff_op": "srcdiff.Tensor per-op",
                  "srcdiff_compile": "srcdiff.Tensor + @srcdiff.compile",
                  "torch": "PyTorch eager"}
        cols = []
        for key in labels:
            col = Column(key, labels[key])
            if key in ("srcdiff_op", "srcdiff_compile") and \
                    "srcdiff" not in self.enabled_libs:
                col.status, col.reason = "n/a", "disabled by --libs"
                cols.append(col)
                continue
            holder = {}

            def b(key=key, holder=holder):
                fn, params = build(key)
                holder["params"] = params
                return fn
            self.setup_column(col, b, "shim/cubic")
            if col.fn is not None and col.status == "ok":
                got = tuple(np.asarray(p.detach().numpy() if hasattr(
                    p, "detach") and hasattr(p.detach(), "numpy") else
                    getattr(p, "data", p), float).reshape(())
                    for p in holder["params"])
                ok, msg = compare(got, tuple(np.asarray(r, float)
                                             for r in ref), rtol=1e-9)
                col.check = msg
                if not ok:
                    col.status = "mismatch"
                    self.record_mismatch("shim/cubic [%s]" % col.label,
                                         "params after one step: " + msg)
            cols.append(col)
        prog.update()
        run_interleaved(cols, self.repeats, self.target, prog)
        prog.close()
        by = {c.key: c for c in cols}
        tbase = by["torch"].median if by["torch"].timed else None
        head = ["step", "time per step", "vs PyTorch eager"]
        lines = ["## Tensor shim: cubic-fit training step (issue 6)", "",
                 "One step = forward, `loss.backward()`, SGD update under "
                 "`no_grad()`, `.grad = None`, %d points. Checked: the "
                 "parameters after one step equal the hand-written NumPy "
                 "step's. Targets: compile >= 2x faster than PyTorch eager; "
                 "per-op no slower than PyTorch eager." % npts, "",
                 md_row(head), md_sep(len(head))]
        for c in cols:
            vs = "-"
            if tbase and c.timed:
                vs = fmt_ratio(paired_ratio(c, by["torch"]))
            lines.append(md_row([c.label, self.cell(c), vs]))
        self.data["shim"] = {c.key: {"median_s": c.median, "status": c.status,
                                     "reason": c.reason} for c in cols}
        self.md.append("\n".join(lines))

    # -- output ---------------------------------------------------------------

    def header(self):
        libs = []
        for name in ("srcdiff", "autograd", "torch", "jax"):
            try:
                self.libs.get(name)
                libs.append("%s %s" % (name, self.libs.versions.get(name,
                                                                    "?")))
            except NA as e:
                libs.append("%s: n/a (%s)" % (name, e))
        cfg = ("quick (smoke) configuration" if self.quick else
               "full configuration")
        return "\n".join([
            "# srcdiff benchmarks", "",
            "- run: %s, `%s`" % (datetime.datetime.now().strftime(
                "%Y-%m-%d %H:%M"), " ".join(["python -m benchmarks"] +
                                             self.opts.argv)),
            "- %s; %d interleaved repeats, medians; each measurement >= "
            "%.0f ms (calls repeated), GC off while timing" % (
                cfg, self.repeats, self.target * 1e3),
            "- machine: %s" % machine(),
            "- threads: %s (%s; %s)" % (
                self.opts.threads if self.opts.threads > 0 else "default",
                _threads.pin_runtime(self.opts.threads), thread_report()),
            "- Python %s, NumPy %s; %s" % (platform.python_version(),
                                          np.__version__, "; ".join(libs)),
            ""])

    def write(self):
        out = self.opts.out
        os.makedirs(out, exist_ok=True)
        parts = [self.header()]
        if self.mismatches:
            parts.append("**GRADIENT MISMATCHES** (timed anyway, marked "
                         "MISMATCH):\n\n" + "\n".join(
                             "- %s: %s" % m for m in self.mismatches) + "\n")
        parts += self.md
        if self.errors:
            parts.append("## Errors\n\n" + "\n".join(
                "- %s: `%s`" % (w, truncate(m, 400).replace("`", "'"))
                for w, m, _ in self.errors) +
                "\n\nFull tracebacks: `errors.txt`.")
        text = "\n\n".join(parts) + "\n"
        md_path = os.path.join(out, "benchmarks.md")
        with open(md_path, "w") as fh:
            fh.write(text)
        with open(os.path.join(out, "errors.txt"), "w") as fh:
            for w, m, tb in self.errors:
                fh.write("=" * 72 + "\n%s\n%s\n\n%s\n" % (w, m, tb))
        self.data["mismatches"] = self.mismatches
        self.data["errors"] = [(w, m) for w, m, _ in self.errors]
        with open(os.path.join(out, "benchmarks.json"), "w") as fh:
            json.dump(self.data, fh, indent=1, default=str)
        png = None
        if not self.opts.no_plot and getattr(self, "main_rows", None):
            try:
                png = self.plot(os.path.join(out, "benchmarks.png"))
            except Exception as e:
                sys.stderr.write("chart not written: %s\n" % short_error(e))
        return md_path, png, text

    def plot(self, path):
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        keys = ["hand", "srcdiff", "autograd", "torch", "jax", "jax_jit"]
        colors = {"hand": "#444444", "srcdiff": "#d62728",
                  "autograd": "#1f77b4", "torch": "#ff7f0e", "jax": "#2ca02c",
                  "jax_jit": "#98df8a"}
        rows = self.main_rows
        fig, ax = plt.subplots(figsize=(max(8, 1.6 * len(rows) + 3), 5))
        width = 0.8 / len(keys)
        for j, key in enumerate(keys):
            xs, ys = [], []
            for i, (wl, cols) in enumerate(rows):
                by = {c.key: c for c in cols}
                c = by[key]
                if c.timed and cols[0].median:
                    xs.append(i + (j - (len(keys) - 1) / 2) * width)
                    ys.append(paired_ratio(c, cols[0]))
            if xs:
                ax.bar(xs, ys, width, label=LABELS[key], color=colors[key])
        ax.set_yscale("log")
        ax.axhline(1.0, color="black", linewidth=0.5)
        ax.set_xticks(range(len(rows)))
        ax.set_xticklabels([wl.name for wl, _ in rows])
        ax.set_ylabel("gradient time / function time (log)")
        ax.set_title("srcdiff gradients vs hand-written and peers "
                     "(%s, threads=%s)" % (
                         "quick" if self.quick else "full",
                         self.opts.threads or "default"))
        ax.legend(fontsize="small", ncol=3)
        ax.grid(axis="y", which="both", alpha=0.3)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def paired_ratio(col, base):
    """Median over the interleaved rounds of col's time / base's time in the
    same round (robust to load that drifts during the run)."""
    n = min(len(col.times), len(base.times))
    if n == 0:
        return float("nan")
    return statistics.median(col.times[i] / base.times[i] for i in range(n))


def _ident(x):
    return x


def _square(x):
    return x * x


def truncate(s, n):
    return s if len(s) <= n else s[:n - 3] + "..."


def md_row(cells):
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def md_sep(n):
    return "|" + " --- |" * n


def torch_args(torch, args, wrt):
    out = []
    for i, a in enumerate(args):
        if isinstance(a, bool) or isinstance(a, (int, np.integer)):
            out.append(a)
        elif isinstance(a, float):
            out.append(torch.tensor(a, dtype=torch.float64,
                                    requires_grad=i in wrt))
        else:
            t = torch.from_numpy(np.array(a, dtype=np.float64, copy=True))
            out.append(t.requires_grad_(i in wrt))
    return out


def jax_args(jax, args, static):
    import jax.numpy as jnp
    return [a if (i in static or isinstance(a, float)) else jnp.asarray(a)
            for i, a in enumerate(args)]


_copies = [0]


def fresh_copy(func):
    """``func`` from a brand-new import of its module file: new function and
    code objects, same source file (so ``inspect.getsource`` works)."""
    mod_file = sys.modules[func.__module__].__file__
    _copies[0] += 1
    name = "_srcdiff_bench_copy_%d" % _copies[0]
    spec = importlib.util.spec_from_file_location(name, mod_file)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return getattr(mod, func.__name__)


def exec_source(src, df):
    """exec the generated source on its own; return the function it defines
    (the one named like ``df``, else the last function defined)."""
    ns = {}
    exec(compile(src, "<srcdiff.source>", "exec"), ns)
    funcs = [v for v in ns.values() if callable(v) and getattr(
        getattr(v, "__code__", None), "co_filename", "") == "<srcdiff.source>"]
    if not funcs:
        raise RuntimeError("srcdiff.source(df) defines no function")
    for v in funcs:
        if v.__name__ == getattr(df, "__name__", None):
            return v
    return funcs[-1]


def peak_memory(fn, repeats=3):
    peaks = []
    for _ in range(repeats):
        gc.collect()
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            r = fn()
            peak = tracemalloc.get_traced_memory()[1]
            del r
        finally:
            tracemalloc.stop()
        peaks.append(peak - base)
    return int(statistics.median(peaks))


def thread_report():
    """What the thread pools actually use now."""
    parts = []
    try:
        from threadpoolctl import threadpool_info
        for info in threadpool_info():
            parts.append("%s %s=%d" % (info.get("prefix"),
                                       info.get("internal_api"),
                                       info.get("num_threads")))
    except ImportError:
        parts.append("threadpoolctl not installed: OMP/OPENBLAS/MKL_NUM_THREADS"
                     "=%s" % os.environ.get("OPENBLAS_NUM_THREADS", "unset"))
    if "torch" in sys.modules:
        parts.append("torch=%d" % sys.modules["torch"].get_num_threads())
    if "XLA_FLAGS" in os.environ:
        parts.append("XLA_FLAGS='%s'" % os.environ["XLA_FLAGS"])
    return ", ".join(parts)


def machine():
    model, cpus = platform.processor() or platform.machine(), os.cpu_count()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True,
                             timeout=5).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except Exception:
        pass
    return "%s, %s CPUs, %s %s" % (model, cpus, platform.system(),
                                   platform.release())


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

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
            sections = ["main", "transform", "dispatch", "memory", "hvp"]
        else:
            sections = list(SECTIONS)
    t0 = time.perf_counter()
    for name in SECTIONS:
        if name in sections:
            getattr(runner, "section_" + name)()
    md_path, png, text = runner.write()
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


if __name__ == "__main__":
    sys.exit(main())
