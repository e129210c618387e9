"""Sections on first-order gradients: their time against the function's and
the peers' (``main``), the peak memory of the loop workloads' gradients
(``memory``) and checkpointed loop gradients (``checkpoint``, measured by
``benchmarks/checkpointing.py``)."""
from benchmarks.checks import to_tuple
from benchmarks.peers import LABELS, NA, grad_callable
from benchmarks.report import (cell, fmt_bytes, fmt_ratio, fmt_time, md_row,
                               md_sep, short_error, truncate)
from benchmarks.timing import (Column, Progress, paired_ratio, peak_memory,
                               run_interleaved)


def section_main(runner):
    wls = runner.selected_workloads()
    keys = ["hand", "srcdiff", "autograd", "torch", "jax", "jax_jit"]
    prog = Progress(len(wls) * (runner.repeats + 1), "gradients",
                    runner.progress)
    rows = []
    for wl in wls:
        prog.set_postfix(wl.name)
        args = runner.args_for(wl)
        ref = to_tuple(wl.hand(*args), len(wl.wrt))
        where = "main/%s" % wl.name
        fcol = Column("f", LABELS["f"])
        fcol.fn = lambda wl=wl, args=args: wl.f(*args)
        cols = [fcol]
        for key in keys:
            col = Column(key, LABELS[key])
            runner.setup_column(
                col, lambda key=key: grad_callable(runner.libs, key, wl, args),
                where, reference=ref if key != "hand" else None,
                nout=len(wl.wrt),
                check_args=args if key == "srcdiff" else None)
            cols.append(col)
        prog.update()
        run_interleaved(cols, runner.repeats, runner.target, prog)
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
    runner.data["main"] = {}
    for wl, cols in rows:
        base = cols[0]
        by = {c.key: c for c in cols}
        s, h = by["srcdiff"], by["hand"]
        if s.timed and h.timed:
            r = paired_ratio(s, h)
            sh = fmt_ratio(r) + (" (over)" if r > 1.10 else "")
        else:
            sh = "-"
        title = wl.name + " (quick sizes)" if runner.quick else wl.title
        lines.append(md_row([title, fmt_time(base.median)] +
                            [cell(by[k], base) for k in keys] +
                            [sh]))
        abs_lines.append(md_row([wl.name] + [cell(c) for c in cols]))
        runner.data["main"][wl.name] = {
            c.key: {"status": c.status, "reason": c.reason,
                    "check": c.check, "median_s": c.median,
                    "times_s": c.times, "number": c.number}
            for c in cols}
    notes = ["- %s: %s" % (wl.name, wl.notes) for wl, _ in rows
             if wl.notes]
    if notes:
        lines += [""] + notes
    runner.md.append("\n".join(lines + [""] + abs_lines))
    runner.main_rows = rows


def section_memory(runner):
    wls = [wl for wl in runner.selected_workloads() if wl.loop]
    prog = Progress(len(wls), "memory", runner.progress)
    lines = ["## Peak memory of the loop workloads' gradients", "",
             "tracemalloc peak above the starting point during one call "
             "(NumPy reports its buffers to tracemalloc; PyTorch and JAX "
             "do not, so they are not listed). Target: srcdiff within "
             "1.2x of hand-written.", ""]
    head = ["workload", "f alone", "hand-written", "srcdiff",
            "srcdiff / hand", "autograd"]
    lines += [md_row(head), md_sep(len(head))]
    runner.data["memory"] = {}
    for wl in wls:
        args = runner.args_for(wl)
        row = [wl.name, fmt_bytes(peak_memory(lambda: wl.f(*args)))]
        res = {}
        for key in ("hand", "srcdiff", "autograd"):
            if key not in runner.enabled_libs:
                res[key] = "n/a (disabled)"
                continue
            try:
                fn = grad_callable(runner.libs, key, wl, args)
                fn()
                res[key] = peak_memory(fn)
            except NA as e:
                res[key] = "n/a (%s)" % e
            except Exception as e:
                res[key] = "n/a (error: %s)" % truncate(
                    runner.record_error("memory/%s [%s]" % (wl.name, key),
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
        runner.data["memory"][wl.name] = res
        prog.update()
    prog.close()
    runner.md.append("\n".join(lines))


def section_checkpoint(runner):
    from benchmarks import checkpointing
    try:
        res = checkpointing.measure(runner.quick, peak_memory)
    except Exception as e:
        runner.record_error("checkpoint", e)
        runner.md.append("## Checkpointed loop gradients\n\nerror: %s" % short_error(e))
        return
    runner.data["checkpoint"] = res
    runner.md.append("\n".join(checkpointing.report(res, fmt_time, fmt_bytes, md_row,
                                                   md_sep)))
