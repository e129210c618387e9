"""Sections on second order: Hessian-vector products against gradients
(``hvp``) and the Hessian of a 100-parameter function (``hessian``), each
library checked against the hand-written result."""
import numpy as np

from benchmarks import workloads as W
from benchmarks.checks import compare, to_tuple
from benchmarks.peers import (LABELS, NA, grad_callable, jax_args,
                              torch_args)
from benchmarks.report import (cell, fmt_ratio, fmt_time, md_row, md_sep,
                               short_error)
from benchmarks.timing import Column, Progress, paired_ratio, run_interleaved


def section_hvp(runner):
    cases = [W.BY_NAME["mlp"], W.BY_NAME["sin_loop"]]
    names = [t for t in runner.opts.only if t in W.BY_NAME]
    if names:
        cases = [c for c in cases if c.name in names]
    keys = ["hand", "srcdiff", "autograd", "torch", "jax", "jax_jit"]
    prog = Progress(len(cases) * (runner.repeats + 1), "hvp", runner.progress)
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
    runner.data["hvp"] = {}
    for wl in cases:
        args = runner.args_for(wl)
        x = args[0]
        v = np.random.default_rng(7).standard_normal(np.shape(x))
        hand0 = lambda *a: wl.hand(*a)[0]          # noqa: E731
        ref_hv = wl.hvp(*args, v)
        cols = []
        for key in keys:
            g = Column(key, LABELS[key] + " grad")
            h = Column(key, LABELS[key] + " hvp")
            runner.setup_column(
                g, lambda key=key: _grad0_callable(runner, key, wl, args),
                "hvp/%s" % wl.name,
                reference=(np.asarray(hand0(*args), float),) if
                key != "hand" else None, nout=1)
            h.extra["check_rtol"] = 1e-4
            _setup_hvp_column(runner, h, key, wl, args, v, ref_hv)
            cols.append((g, h))
        prog.update()
        flat = [c for pair in cols for c in pair]
        run_interleaved(flat, runner.repeats, runner.target, prog)
        runner.data["hvp"][wl.name] = {}
        for g, h in cols:
            gt, ht = g.median, h.median
            if g.timed and h.timed:
                r = paired_ratio(h, g)
                rs = fmt_ratio(r) + (" (over)" if (
                    g.key == "srcdiff" and r > 4) else "")
            else:
                rs = "-"
            lines.append(md_row([wl.name, LABELS[g.key], cell(g),
                                 cell(h), rs]))
            runner.data["hvp"][wl.name][g.key] = {"grad_s": gt,
                                                "hvp_s": ht,
                                                "grad_status": g.status,
                                                "hvp_status": h.status,
                                                "hvp_reason": h.reason}
    prog.close()
    runner.md.append("\n".join(lines))


def _grad0_callable(runner, key, wl, args):
    """Gradient w.r.t. argument 0 only."""
    wl0 = W.Workload(wl.name, wl.title, wl.f, wl.hand, (0,),
                     wl.make_args, wl.static, wl.torch_f, wl.autograd_f,
                     wl.jax_f)
    if key == "hand":
        return lambda: (wl.hand(*args)[0],)
    return grad_callable(runner.libs, key, wl0, args)


def _setup_hvp_column(runner, col, key, wl, args, v, ref_hv):
    def build():
        if key == "hand":
            return lambda: wl.hvp(*args, v)
        if key == "srcdiff":
            hvp = runner.libs.api("hvp")
            h = hvp(wl.f, wrt=0)
            return lambda: h(*args, v)
        if key == "autograd":
            ag = runner.libs.get("autograd")
            import autograd.numpy as anp
            f = wl.autograd_f or W.rebind(wl.f, np=anp)
            hv = ag.hessian_vector_product(f, 0)
            return lambda: hv(*args, v)
        if key == "torch":
            torch = runner.libs.get("torch")
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
            jax = runner.libs.get("jax")
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
    runner.setup_column(col, build, "hvp/%s" % wl.name)
    if col.fn is not None and col.status == "ok" and key != "hand":
        try:
            got = to_tuple(col.fn(), 1)
            ok, msg = compare(got, (np.asarray(ref_hv, float),))
        except Exception as e:
            ok, msg = False, short_error(e)
        col.check = msg
        if not ok:
            col.status = "mismatch"
            runner.record_mismatch("hvp/%s [%s]" % (wl.name, col.label),
                                 msg)


def section_hessian(runner):
    n = 10 if runner.quick else 100
    x = np.random.default_rng(3).uniform(-1.0, 1.0, n)
    ref = (W.rosenbrock_hessian(x),)
    prog = Progress(runner.repeats + 1, "hessian", runner.progress)
    f = W.rosenbrock
    cols = []
    fcol = Column("f", LABELS["f"])
    fcol.fn = lambda: f(x)
    cols.append(fcol)

    def build(key):
        if key == "hand":
            return lambda: W.rosenbrock_hessian(x)
        if key == "srcdiff":
            H = runner.libs.api("hessian")(f)
            return lambda: H(x)
        if key == "autograd":
            ag = runner.libs.get("autograd")
            import autograd.numpy as anp
            H = ag.hessian(W.rebind(f, np=anp))
            return lambda: H(x)
        if key == "torch":
            torch = runner.libs.get("torch")
            tx = torch.from_numpy(x.copy())
            return lambda: torch.autograd.functional.hessian(
                W.rosenbrock_torch, tx)
        if key in ("jax", "jax_jit"):
            jax = runner.libs.get("jax")
            import jax.numpy as jnp
            H = jax.hessian(W.rebind(f, np=jnp))
            if key == "jax_jit":
                H = jax.jit(H)
            jx = jnp.asarray(x)
            return lambda: jax.block_until_ready(H(jx))
    for key in ["hand", "srcdiff", "autograd", "torch", "jax", "jax_jit"]:
        col = Column(key, LABELS[key])
        runner.setup_column(col, lambda key=key: build(key),
                          "hessian/rosenbrock%d" % n,
                          reference=ref if key != "hand" else None,
                          nout=1)
        cols.append(col)
    prog.update()
    run_interleaved(cols, runner.repeats, runner.target, prog)
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
                    [cell(c, base) for c in cols[1:]]),
             md_row(["rosenbrock (time)", fmt_time(base.median)] +
                    [cell(c) for c in cols[1:]])]
    runner.data["hessian"] = {c.key: {"median_s": c.median,
                                    "status": c.status,
                                    "reason": c.reason} for c in cols}
    runner.md.append("\n".join(lines))
