"""Sections on srcdiff's own costs: the transform (first call of a fresh
function, ``transform``; against function size, ``size``, measured by
``benchmarks/transform_time.py``), the cached call's dispatch overhead
(``dispatch``) and fresh closures (``closures``, measured by
``benchmarks/closures.py``)."""
import gc
import importlib.util
import statistics
import sys
import time

from benchmarks import workloads as W
from benchmarks.checks import compare, to_tuple
from benchmarks.peers import NA, jax_args
from benchmarks.report import fmt_time, md_row, md_sep, short_error, truncate
from benchmarks.timing import Column, Progress, run_interleaved


def _ident(x):
    return x


def _square(x):
    return x * x


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


def section_transform(runner):
    wls = runner.selected_workloads()
    n_fresh = 2 if runner.quick else 5
    prog = Progress(len(wls) + 1, "transform", runner.progress)
    lines = ["## Transform time and dispatch", "",
             "First call of `srcdiff.grad(f)(...)` on a fresh function "
             "object (a new copy of `workloads.py` is imported for each "
             "sample%s), median of %d; the cached call is "
             "`srcdiff.grad(f)` again on the same object plus the call. "
             "transform = first call - cached call. "
             "Target: transform < 50 ms." % (
                 "; srcdiff's cache is cleared too" if
                 _clear_cache_fn(runner) else "", n_fresh),
             ""]
    head = ["workload", "first call", "cached grad(f) + call",
            "transform", "JAX jit compile (first call)"]
    lines += [md_row(head), md_sep(len(head))]
    runner.data["transform"] = {}
    try:
        grad = runner.libs.api("grad")
    except NA as e:
        lines.append("n/a (%s)" % e)
        runner.md.append("\n".join(lines))
        prog.close()
        return
    for wl in wls:
        args = runner.args_for(wl)
        firsts, cached = [], []
        err = None
        for i in range(n_fresh):
            f = fresh_copy(wl.f)
            clear = _clear_cache_fn(runner)
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
                err = runner.record_error("transform/%s" % wl.name, e)
                break
        jit_t = _jax_jit_compile_time(runner, wl, args)
        if err:
            lines.append(md_row([wl.name, "n/a (error: %s)" %
                                 truncate(err, 90), "-", "-", jit_t]))
            runner.data["transform"][wl.name] = {"error": err}
        else:
            fm, cm = statistics.median(firsts), statistics.median(cached)
            tr = fm - cm
            flag = " (over)" if tr > 0.050 else ""
            lines.append(md_row([wl.name, fmt_time(fm), fmt_time(cm),
                                 fmt_time(tr) + flag, jit_t]))
            runner.data["transform"][wl.name] = {
                "first_s": firsts, "cached_s": cached, "transform_s": tr}
        prog.update()
    prog.close()
    runner.md.append("\n".join(lines))


def _clear_cache_fn(runner):
    try:
        srcdiff = runner.libs.get("srcdiff")
    except NA:
        return None
    for owner in (srcdiff, getattr(srcdiff, "api", None)):
        for name in ("clear_cache", "_clear_cache", "cache_clear"):
            fn = getattr(owner, name, None) if owner else None
            if callable(fn):
                return fn
    return None


def _jax_jit_compile_time(runner, wl, args):
    if "jax_jit" not in runner.enabled_libs:
        return "n/a (disabled)"
    done = runner.first_calls.get(("main/%s" % wl.name, "jax_jit"))
    if done is not None:       # measured by the main section already
        return fmt_time(done)
    try:
        jax = runner.libs.get("jax")
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


def section_dispatch(runner):
    """Cached dispatch overhead: a call of the returned gradient minus a
    call of the same generated source exec'd on its own."""
    cases = [("ident", _ident, (1.5,), (0,)),
             ("square", _square, (1.5,), (0,))]
    for wl in runner.selected_workloads():
        cases.append((wl.name, wl.f, runner.args_for(wl), wl.wrt))
    prog = Progress(len(cases) * (runner.repeats + 1), "dispatch",
                    runner.progress)
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
    runner.data["dispatch"] = {}
    for name, f, args, wrt in cases:
        a = Column("srcdiff", "df")
        b = Column("raw", "exec'd source")
        try:
            grad = runner.libs.api("grad")
            source = runner.libs.api("source")
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
            prog.update(runner.repeats + 1)
            continue
        except Exception as e:
            msg = runner.record_error("dispatch/%s" % name, e)
            lines.append(md_row([name, "n/a (error: %s)" %
                                 truncate(msg, 90), "-", "-"]))
            prog.update(runner.repeats + 1)
            continue
        prog.update()
        run_interleaved([a, b], runner.repeats, runner.target, prog)
        amin, bmin = min(a.times), min(b.times)
        ov = amin - bmin
        flag = " (over)" if (ov > 5e-6 and name in ("ident", "square")) \
            else ""
        lines.append(md_row([name, fmt_time(amin), fmt_time(bmin),
                             ("%.2f µs" % (ov * 1e6)) + flag]))
        runner.data["dispatch"][name] = {"df_s": a.times,
                                       "raw_s": b.times}
    prog.close()
    runner.md.append("\n".join(lines))


def section_size(runner):
    """Transform time against function size, a fuzz program and realistic
    programs (benchmarks/transform_time.py)."""
    from benchmarks import transform_time
    lines = ["## Transform time against function size", ""]
    try:
        runner.libs.get("srcdiff")
        runner.data["size"] = transform_time.run(
            quick=runner.quick, repeats=runner.opts.repeats if runner.quick else None,
            out=lines.append)
    except Exception as e:
        lines.append("n/a (error: %s)" % truncate(
            runner.record_error("size", e), 90))
    runner.md.append("\n".join(lines))


def section_closures(runner):
    """A fresh closure's transform and first call vs a cached call
    (benchmarks/closures.py)."""
    from benchmarks import closures
    try:
        results = closures.measure(repeats=2 if runner.quick else runner.repeats,
                                   number=20 if runner.quick else 200,
                                   closures=100 if runner.quick else 1000)
    except Exception as e:
        msg = runner.record_error("closures", e)
        runner.md.append("## Fresh closures\n\nn/a (error: %s)" % truncate(msg, 90))
        return
    runner.data["closures"] = results
    runner.md.append(closures.markdown(results))
