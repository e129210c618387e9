"""The report: number formats, Markdown table cells and rows, the header
describing the run, and the files a run writes (``benchmarks.md``,
``benchmarks.json``, ``errors.txt``)."""
import datetime
import json
import math
import os
import platform
import subprocess
import sys

import numpy as np

from benchmarks import _threads
from benchmarks.timing import paired_ratio


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


def truncate(s, n):
    return s if len(s) <= n else s[:n - 3] + "..."


def md_row(cells):
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def md_sep(n):
    return "|" + " --- |" * n


def cell(col, base=None):
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


def header(runner):
    """The report's title and the run's configuration, machine and versions."""
    libs = [runner.libs.describe(name)
            for name in ("srcdiff", "autograd", "torch", "jax")]
    cfg = ("quick (smoke) configuration" if runner.quick else
           "full configuration")
    opts = runner.opts
    return "\n".join([
        "# srcdiff benchmarks", "",
        "- run: %s, `%s`" % (datetime.datetime.now().strftime(
            "%Y-%m-%d %H:%M"), " ".join(["python -m benchmarks"] +
                                         opts.argv)),
        "- %s; %d interleaved repeats, medians; each measurement >= "
        "%.0f ms (calls repeated), GC off while timing" % (
            cfg, runner.repeats, runner.target * 1e3),
        "- machine: %s" % machine(),
        "- threads: %s (%s; %s)" % (
            opts.threads if opts.threads > 0 else "default",
            _threads.pin_runtime(opts.threads), thread_report()),
        "- Python %s, NumPy %s; %s" % (platform.python_version(),
                                      np.__version__, "; ".join(libs)),
        ""])


def write(runner):
    """Write the run's Markdown, JSON and tracebacks into ``--out``; return
    (path of the Markdown, its text)."""
    out = runner.opts.out
    os.makedirs(out, exist_ok=True)
    parts = [header(runner)]
    if runner.mismatches:
        parts.append("**GRADIENT MISMATCHES** (timed anyway, marked "
                     "MISMATCH):\n\n" + "\n".join(
                         "- %s: %s" % m for m in runner.mismatches) + "\n")
    parts += runner.md
    if runner.errors:
        parts.append("## Errors\n\n" + "\n".join(
            "- %s: `%s`" % (w, truncate(m, 400).replace("`", "'"))
            for w, m, _ in runner.errors) +
            "\n\nFull tracebacks: `errors.txt`.")
    text = "\n\n".join(parts) + "\n"
    md_path = os.path.join(out, "benchmarks.md")
    with open(md_path, "w") as fh:
        fh.write(text)
    with open(os.path.join(out, "errors.txt"), "w") as fh:
        for w, m, tb in runner.errors:
            fh.write("=" * 72 + "\n%s\n%s\n\n%s\n" % (w, m, tb))
    runner.data["mismatches"] = runner.mismatches
    runner.data["errors"] = [(w, m) for w, m, _ in runner.errors]
    with open(os.path.join(out, "benchmarks.json"), "w") as fh:
        json.dump(runner.data, fh, indent=1, default=str)
    return md_path, text
