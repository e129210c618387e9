"""Measurement: interleaved, calibrated timing of columns and peak memory.

A ``Column`` is one timed thing (a zero-argument callable plus its status);
``run_interleaved`` measures a list of them round by round, and
``paired_ratio`` turns two columns' rounds into a ratio robust to drifting
load.  ``Progress`` is the bar shown while rounds run.
"""
import gc
import statistics
import sys
import time
import tracemalloc


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

    def __init__(self, key, label):
        self.key = key
        self.label = label
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


def paired_ratio(col, base):
    """Median over the interleaved rounds of col's time / base's time in the
    same round (robust to load that drifts during the run)."""
    n = min(len(col.times), len(base.times))
    if n == 0:
        return float("nan")
    return statistics.median(col.times[i] / base.times[i] for i in range(n))


def peak_memory(fn, repeats=3):
    """Median over ``repeats`` calls of ``fn`` of the tracemalloc peak above
    the starting point, in bytes."""
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
