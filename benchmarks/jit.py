"""The ``jit`` section of ``python -m benchmarks``: compiled gradients (issue 20).

For each workload: ``srcdiff.jit(srcdiff.grad(f))``; the hand-written
adjoint of ``workloads.py`` compiled by ``numba.njit``;
``numba.njit(f)`` alone (the cheap-gradient bound: gradient <= 4x f);
``jax.jit(jax.grad(f))`` when JAX is importable; and srcdiff's NumPy
gradient for reference. Compile times (first call, generation included for
srcdiff) are a second table.

Numba's ``np.max(x, axis=1, keepdims=True)`` (MLP, softmax) exists only
with srcdiff.jit's implementations registered, which the hand-written
adjoints and ``f`` compiled here use too.
"""
import time

import numpy as np

from benchmarks import workloads as W
from benchmarks.peers import NA, jax_args
from benchmarks.report import cell, fmt_ratio, md_row, md_sep
from benchmarks.timing import Column, Progress, paired_ratio, run_interleaved

CASES = ("sin_loop", "rnn", "euler", "heat", "cubic", "mlp")
LOOPS = ("sin_loop", "rnn", "euler", "heat")
KEYS = ("srcdiff_jit", "numba_hand", "numba_f", "jax_jit", "srcdiff")
LABELS = {"srcdiff_jit": "srcdiff.jit grad", "numba_hand": "hand adjoint, numba.njit",
          "numba_f": "f, numba.njit", "jax_jit": "jax.jit(grad)",
          "srcdiff": "srcdiff grad (NumPy)"}




def _first_call(make, args):
    """(callable, seconds of its first call) -- the first call compiles."""
    t0 = time.perf_counter()
    fn = make()
    fn(*args)
    return fn, time.perf_counter() - t0


def _builders(wl, libs, args):
    import numba
    import srcdiff

    def srcdiff_jit():
        return srcdiff.jit(srcdiff.grad(wl.f, wrt=wl.wrt))

    def numba_hand():
        return numba.njit(wl.hand)

    def numba_f():
        return numba.njit(wl.f)

    def plain():
        return srcdiff.grad(wl.f, wrt=wl.wrt)

    def jax_jit():
        jax = libs.get("jax")
        f = wl.jax_f or W.rebind(wl.f, np=jax.numpy)
        g = jax.jit(jax.grad(f, argnums=wl.wrt), static_argnums=wl.static)
        jargs = jax_args(jax, args, wl.static)      # (converted once)
        return lambda *a: jax.block_until_ready(g(*jargs))

    return {"srcdiff_jit": srcdiff_jit, "numba_hand": numba_hand, "numba_f": numba_f,
            "jax_jit": jax_jit, "srcdiff": plain}


def section_jit(runner):
    """Add the jit tables to the report."""
    runner.md.append(_markdown(runner))


def _markdown(runner):
    """Markdown for the jit tables (uses the runner's timing and bookkeeping)."""
    title = "## Compiled gradients: srcdiff.jit (issue 20)\n\n"
    if "jit" not in runner.enabled_libs:
        return title + "n/a: disabled by --libs (add `jit`)\n"
    try:
        import numba
        import srcdiff  # noqa: F401
        srcdiff.jit(lambda x: x)        # (registers srcdiff's Numba implementations)
    except Exception as e:              # numba missing
        return title + "n/a: %s\n" % e
    cases = [W.BY_NAME[n] for n in CASES]
    names = [t for t in runner.opts.only if t in W.BY_NAME]
    if names:
        cases = [c for c in cases if c.name in names]
    jax_ok = "jax_jit" in runner.enabled_libs
    prog = Progress(len(cases) * (runner.repeats + 1), "jit", runner.progress)
    lines = ["## Compiled gradients: srcdiff.jit (issue 20)", "",
             "Medians of interleaved repeats, numba %s. `srcdiff.jit(srcdiff.grad(f))` vs "
             "the hand-written adjoint of `workloads.py` compiled by `numba.njit`, "
             "`numba.njit(f)` alone, and `jax.jit(jax.grad(f))`. Targets on the loop "
             "workloads (sin loop, RNN, Euler ODE, heat): jit / hand <= 1.25, faster than "
             "jax.jit, jit / f <= 4." % numba.__version__, ""]
    head = ["workload"] + [LABELS[k] for k in KEYS] + ["jit / hand", "jit / jax", "jit / f"]
    lines += [md_row(head), md_sep(len(head))]
    compile_rows = []
    runner.data["jit"] = {}
    for wl in cases:
        args = runner.args_for(wl)
        ref = tuple(np.asarray(g, float) for g in wl.hand(*args))
        builders = _builders(wl, runner.libs, args)
        cols, firsts = {}, {}
        for key in KEYS:
            col = Column(key, LABELS[key])
            cols[key] = col
            if key == "jax_jit" and not jax_ok:
                col.status, col.reason = "n/a", "not requested"
                continue
            try:
                fn, first = _first_call(builders[key], args)
            except NA as e:
                col.status, col.reason = "n/a", str(e)
                continue
            except Exception as e:
                col.status, col.reason = "error", runner.record_error(
                    "jit/%s/%s" % (wl.name, key), e)
                continue
            firsts[key] = first
            col.fn = (lambda fn=fn: fn(*args))
            if key != "numba_f":
                got = fn(*args)
                got = got if isinstance(got, (tuple, list)) else (got,)
                bad = [i for i, (a, b) in enumerate(zip(got, ref))
                       if not np.allclose(np.asarray(a, float), b, rtol=1e-6, atol=1e-9)]
                if bad:
                    col.status = "mismatch"
                    runner.record_mismatch("jit/%s/%s" % (wl.name, key),
                                           "gradient %s differs from the hand-written one" % bad)
        prog.update()
        run_interleaved(list(cols.values()), runner.repeats, runner.target, prog)
        jit = cols["srcdiff_jit"]

        def ratio(other, bound=None, over=None):
            col = cols[other]
            if not (jit.timed and col.timed):
                return "-"
            r = paired_ratio(jit, col)
            miss = bound is not None and r > bound
            return fmt_ratio(r) + (" (missed)" if miss and wl.name in LOOPS else "")

        lines.append(md_row([wl.name] + [cell(cols[k]) for k in KEYS] + [
            ratio("numba_hand", 1.25), ratio("jax_jit", 1.0), ratio("numba_f", 4.0)]))
        compile_rows.append(md_row([wl.name] + [
            "%.2f s" % firsts[k] if k in firsts else cols[k].status for k in KEYS[:4]]))
        runner.data["jit"][wl.name] = {k: {"median_s": cols[k].median, "status": cols[k].status,
                                           "first_call_s": firsts.get(k)} for k in KEYS}
    prog.close()
    head = ["workload"] + [LABELS[k] for k in KEYS[:4]]
    lines += ["", "First call (compile) times; srcdiff.jit's includes generating the "
              "gradient's source:", "", md_row(head), md_sep(len(head))] + compile_rows
    return "\n".join(lines)
