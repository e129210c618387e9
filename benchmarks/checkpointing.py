"""Checkpointed loop gradients (issue 19, part 3): ``grad(f, checkpoint=K)``
against the gradient that saves every step, on a long recurrence.

    python -m benchmarks --only checkpoint

Reports, for n steps over a vector of m elements with K snapshots: the time
of one gradient call (median of interleaved repeats) and its tracemalloc
peak, with and without checkpointing, and the number of steps the binomial
schedule recomputes. The two gradients are compared (1e-12) before timing.
"""
import statistics
import time

import numpy as np

import srcdiff
from srcdiff.reverse.checkpoint import Checkpoints

FULL = dict(n=4000, m=5000, k=64, repeats=5)
QUICK = dict(n=200, m=500, k=8, repeats=1)


def recurrence(x, n):
    s = x
    for i in range(n):
        s = np.sin(s) * 0.5 + x * 0.25
    return np.sum(s)


def recomputed_steps(n, k):
    """Steps the adjoint sweep runs without pushing (the schedule's advances)."""
    cp = Checkpoints(n, k)
    for step in cp.first_saves:
        cp.save(step)
    count = 0
    for action, step in cp.reverse_sweep():
        count += action == "advance"
        if action == "save":
            cp.save(step)
    return count


def _median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(quick, peak_memory):
    """The numbers of the report (a dict)."""
    cfg = QUICK if quick else FULL
    n, m, k = cfg["n"], cfg["m"], cfg["k"]
    x = np.linspace(0.0, 1.0, m)
    every = srcdiff.grad(recurrence)
    checkpointed = srcdiff.grad(recurrence, checkpoint=k)
    ref, got = every(x, n), checkpointed(x, n)
    err = float(np.max(np.abs(ref - got)))
    if not np.allclose(got, ref, rtol=1e-12, atol=1e-12):
        raise AssertionError("checkpointed gradient differs by %g" % err)
    t_every, t_cp = [], []
    for _ in range(cfg["repeats"]):       # interleaved
        t_every.append(_median_time(lambda: every(x, n), 1))
        t_cp.append(_median_time(lambda: checkpointed(x, n), 1))
    t_f = _median_time(lambda: recurrence(x, n), cfg["repeats"])
    res = dict(n=n, m=m, k=k, max_abs_diff=err, time_f=t_f,
               time_every=statistics.median(t_every), time_checkpoint=statistics.median(t_cp),
               peak_every=peak_memory(lambda: every(x, n), 1),
               peak_checkpoint=peak_memory(lambda: checkpointed(x, n), 1),
               recomputed=recomputed_steps(n, k))
    res["time_ratio"] = res["time_checkpoint"] / res["time_every"]
    return res


def report(res, fmt_time, fmt_bytes, md_row, md_sep):
    """Markdown lines of the section."""
    lines = ["## Checkpointed loop gradients (`grad(f, checkpoint=K)`)", "",
             "`s = sin(s) * 0.5 + x * 0.25` for n steps over an m-vector; gradient "
             "w.r.t. x. 'every step' saves the state of each step (checkpoint=None), "
             "'checkpoint=K' keeps at most K snapshots and recomputes (binomial "
             "schedule). Peak: tracemalloc during one call. Targets: time at most 3x, "
             "peak at most 16 MB (n=4000, m=5000, K=64).", ""]
    head = ["n", "m", "K", "f alone", "every step", "checkpoint=K", "time ratio",
            "peak, every step", "peak, checkpoint=K", "recomputed steps", "max |diff|"]
    row = [res["n"], res["m"], res["k"], fmt_time(res["time_f"]), fmt_time(res["time_every"]),
           fmt_time(res["time_checkpoint"]), "%.2fx" % res["time_ratio"],
           fmt_bytes(res["peak_every"]), fmt_bytes(res["peak_checkpoint"]),
           "%d (%.2f per step)" % (res["recomputed"], res["recomputed"] / max(res["n"], 1)),
           "%.1e" % res["max_abs_diff"]]
    return lines + [md_row(head), md_sep(len(head)), md_row(row)]
