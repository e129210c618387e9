"""A fuzzing campaign: programs generated and checked (in worker processes or not),
failures reported as found, then shrunk, saved and summed up."""
from __future__ import annotations

import re
import time

import srcdiff
from tools.fuzz.cases import run_case
from tools.fuzz.checks import ORDERS, check_program
from tools.fuzz.failures import Failure
from tools.fuzz.forcing import aliasing_where_refused
from tools.fuzz.generate import generate_case
from tools.fuzz.loader import load_module
from tools.fuzz.saved import save_failure
from tools.fuzz.shrinker import shrink
from tools.fuzz.timeouts import _Timeout, _with_timeout


_ALIAS_REFUSALS = ("share memory", "names the same array", "through views or aliases",
                   "a list inside a container", "names the same list",
                   "holds the same array")


def _check_one(job):
    """Generate program k of a seed and run the checks on it (in a worker process or
    not: the result depends only on the job)."""
    seed, k, programs, max_size, disabled, forward, timeout = job[:7]
    orders, ignore, focus = job[7:] if len(job) > 7 else (ORDERS, None, ())
    stats = {}
    res = {"k": k, "bug": None, "source": None, "stats": stats, "rejects": 0, "fails": []}
    try:
        source, fname, args, wrt, rej, nums = generate_case(seed, k, programs, max_size,
                                                            disabled=disabled, stats=stats,
                                                            focus=focus)
    except RuntimeError as e:
        res["bug"] = str(e)
        return res
    res.update(source=source, fname=fname, args=args, wrt=wrt, rejects=rej)
    if source is None:
        return res
    t0 = time.time()
    try:
        fails = _with_timeout(timeout, lambda: check_program(
            getattr(load_module(source), fname), args, wrt, seed=k, forward=forward,
            numeric=nums, orders=orders, notes=stats))
    except _Timeout:
        fails = [Failure("timeout", "check", f"more than {timeout}s")]
    res["seconds"] = time.time() - t0
    if not stats.get("aliasing") and fails and all(
            fl.category == "refused" and any(m in fl.message for m in _ALIAS_REFUSALS)
            for fl in fails):
        # an aliasing refusal of a line that does not run at the inputs (an early
        # return before it): judged on the program made to run that line
        try:
            why = _with_timeout(20.0, aliasing_where_refused, source, fname, args, fails[0])
        except _Timeout:
            why = None
        if why is not None:
            stats["aliasing"] = stats.get("aliasing", 0) + 1
    if stats.get("aliasing"):
        # refusing a program whose value depends on in-place aliasing is right (for
        # that reason: a refusal for anything else still counts)
        kept = [fl for fl in fails if fl.category != "refused"
                or not any(m in fl.message for m in _ALIAS_REFUSALS)]
        if len(kept) < len(fails) and not kept:
            stats["aliasing_refused"] = 1
        fails = kept
    if ignore and fails:
        # known classes being fixed elsewhere (--ignore): counted, not reported
        kept = [fl for fl in fails if not re.search(ignore, f"{fl.category}: {fl.detail}")]
        if not kept:
            stats["ignored"] = 1
        fails = kept
    res["fails"] = fails
    return res


def _shrink_one(job):
    source, fname, args, wrt, sig, forward, budget, verbose, orders = job
    logs = []
    small, args, wrt = shrink(source, fname, args, wrt, sig, forward, budget,
                              log=logs.append if verbose else None, orders=orders)
    st, res = run_case(small, fname, args, wrt, forward, orders=orders)
    return small, args, wrt, st, res, logs


def _pool(jobs):
    import multiprocessing as mp
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    return mp.get_context(method).Pool(jobs, maxtasksperchild=50)


def run(programs, seed, outdir="fuzz-failures", shrink_budget=60.0, do_shrink=True,
        max_shrinks=20, forward="auto", max_size=16, verbose=False, out=print,
        timeout=60.0, disabled=(), jobs=1, summary=None, orders=ORDERS, ignore=None,
        focus=(), progress=0):
    """Fuzz ``programs`` programs (in ``jobs`` worker processes); returns (n_checked,
    list of (index, failures, path)).  Program k of a seed is the same program, with
    the same result, whatever ``jobs`` is.  ``summary``, a dict, receives the counts
    (by kind, aliasing-dependent programs and how many were rightly refused,
    rejected inputs, time).  ``orders``: the derivative orders checked (1, 2);
    ``ignore``: a regular expression; programs whose every failure
    ('category: detail') matches it count as 'ignored', not as mismatches; ``focus``:
    generator features made ten times as frequent; ``progress``: report a line every
    that many programs (0: never).  A failing program is reported as soon as it is
    checked (a 'found:' line), and again, saved and shrunk, at the end."""
    if forward == "auto" and getattr(srcdiff, "jvp", None) is None:
        out("note: srcdiff.jvp is missing; the forward-vs-reverse check is skipped")
    t0 = time.time()
    work = [(seed, k, programs, max_size, tuple(disabled), forward, timeout, tuple(orders),
             ignore, tuple(focus)) for k in range(programs)]
    pool = _pool(jobs) if jobs > 1 else None
    try:
        results = pool.imap(_check_one, work) if pool else map(_check_one, work)
        checked = []
        failing = 0
        for res in results:
            fl = res["fails"]
            if verbose and res["source"] is not None:
                out(f"[{res['k']}] {'ok' if not fl else fl[0]}  "
                    f"({len(res['source'].splitlines())} lines)")
            elif fl and res["source"] is not None:
                # streamed as found, so a long run shows its failures before it ends
                # (the saved, shrunk report follows at the end)
                out(f"found: program {res['k']} {fl[0].category}: {fl[0].detail}")
            failing += bool(fl) and res["source"] is not None
            checked.append(res)
            if progress and len(checked) % progress == 0:
                out(f"progress: {len(checked)}/{programs} programs, {failing} failing, "
                    f"{time.time() - t0:.0f}s")
        # which failures are shrunk: the first of each kind, in program order
        shrunk_sigs = set()
        to_shrink = {}
        for res in checked:
            if res["fails"]:
                sig = res["fails"][0].signature
                if do_shrink and sig not in shrunk_sigs and len(shrunk_sigs) < max_shrinks:
                    shrunk_sigs.add(sig)
                    to_shrink[res["k"]] = (res["source"], res["fname"], res["args"], res["wrt"],
                                           sig, forward, shrink_budget, verbose, orders)
        if pool:
            pending = {k: pool.apply_async(_shrink_one, (job,)) for k, job in to_shrink.items()}
            shrunk = {k: p.get() for k, p in pending.items()}
        else:
            shrunk = {k: _shrink_one(job) for k, job in to_shrink.items()}
    finally:
        if pool:
            pool.close()
            pool.join()

    mismatches = []
    n = rejects = aliasing = aliasing_refused = twice_refused = ignored = 0
    counts = {}
    for res in checked:
        k = res["k"]
        aliasing += res["stats"].get("aliasing", 0)
        aliasing_refused += res["stats"].get("aliasing_refused", 0)
        twice_refused += res["stats"].get("twice_refused", 0)
        ignored += res["stats"].get("ignored", 0)
        rejects += res["rejects"]
        if res["bug"] is not None:
            out(f"GENERATOR BUG seed={seed} program={k}: {res['bug'].splitlines()[0]}")
            if verbose:
                out(res["bug"])
            continue
        if res["source"] is None:
            continue
        n += 1
        fails = res["fails"]
        if not fails:
            continue
        sig = fails[0].signature
        counts[fails[0].category] = counts.get(fails[0].category, 0) + 1
        source, args, wrt = res["source"], res["args"], res["wrt"]
        small = source
        if k in shrunk:
            small, args, wrt, st, rres, logs = shrunk[k]
            for line in logs:
                out(line)
            if st == "fail":
                fails = [fl for fl in rres if fl.signature == sig] or rres
        path = save_failure(outdir, f"seed{seed}_prog{k}", small, res["fname"], args, wrt, fails,
                            original=(source, res["args"], res["wrt"]), orders=orders)
        label = "REFUSED" if fails[0].category == "refused" else "MISMATCH"
        msg = f" ({fails[0].message[:160]})" if fails[0].message else ""
        out(f"{label} seed={seed} program={k} {fails[0].category}: {fails[0].detail}{msg} "
            f"-> {path}")
        mismatches.append((k, fails, path))
    elapsed = time.time() - t0
    timed = sorted((res.get("seconds", 0.0), res["k"]) for res in checked)
    if timed:
        slow = sum(1 for sec, _ in timed if sec > 60.0)
        out(f"slowest check: program {timed[-1][1]} ({timed[-1][0]:.1f}s); "
            f"{slow} checks over 60s (limit {timeout:.0f}s)")
    out("by kind: " + (", ".join(f"{c} {kd}" for kd, c in sorted(counts.items())) or "none")
        + f"; aliasing-dependent: {aliasing} ({aliasing_refused} rightly refused)"
        + (f"; order two: {twice_refused} documented refusals (not twice "
           f"differentiable)" if 2 in orders else "")
        + (f"; ignored (--ignore): {ignored}" if ignore else "")
        + f"; rejected inputs: {rejects}; {elapsed:.1f}s with {jobs} job(s)")
    if summary is not None:
        summary.update(counts=counts, aliasing=aliasing, aliasing_refused=aliasing_refused,
                       rejects=rejects, elapsed=elapsed, twice_refused=twice_refused,
                       ignored=ignored)
    return n, mismatches
