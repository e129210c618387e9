"""The ``shim`` section: one training step with the ``srcdiff.Tensor`` shim
(per operation and under ``@srcdiff.compile``) against the hand-written NumPy
step and PyTorch eager."""
import numpy as np

from benchmarks import workloads as W
from benchmarks.checks import compare
from benchmarks.peers import NA
from benchmarks.report import cell, fmt_ratio, md_row, md_sep
from benchmarks.timing import Column, Progress, paired_ratio, run_interleaved


def section_shim(runner):
    npts = 200 if runner.quick else 2000
    a = np.linspace(-np.pi, np.pi, npts)
    y = np.sin(a)
    lr = 1e-6
    init = [0.1, -0.2, 0.3, -0.05]
    ref = tuple(np.asarray(v) for v in
                W.numpy_train_step(list(init), a, y, lr))
    prog = Progress(runner.repeats + 1, "shim", runner.progress)

    def build(key):
        if key == "hand":
            params = list(init)
            return lambda: W.numpy_train_step(params, a, y, lr), params
        if key in ("srcdiff_op", "srcdiff_compile"):
            sd = runner.libs.get("srcdiff")
            for name in ("tensor", "no_grad"):
                if not hasattr(sd, name):
                    raise NA("srcdiff.%s not available yet" % name)
            if key == "srcdiff_op":
                loss_fn = W.cubic_fit_loss_methods
            else:
                loss_fn = runner.libs.api("compile")(W.cubic_fit_loss)
            params = [sd.tensor(v, requires_grad=True) for v in init]
            ta, ty = sd.tensor(a), sd.tensor(y)
            return (lambda: W.tensor_train_step(sd, loss_fn, params, ta,
                                                ty, lr), params)
        if key == "torch":
            if "torch" not in runner.enabled_libs:
                raise NA("disabled by --libs")
            torch = runner.libs.get("torch")
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
                "srcdiff" not in runner.enabled_libs:
            col.status, col.reason = "n/a", "disabled by --libs"
            cols.append(col)
            continue
        holder = {}

        def b(key=key, holder=holder):
            fn, params = build(key)
            holder["params"] = params
            return fn
        runner.setup_column(col, b, "shim/cubic")
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
                runner.record_mismatch("shim/cubic [%s]" % col.label,
                                     "params after one step: " + msg)
        cols.append(col)
    prog.update()
    run_interleaved(cols, runner.repeats, runner.target, prog)
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
        lines.append(md_row([c.label, cell(c), vs]))
    runner.data["shim"] = {c.key: {"median_s": c.median, "status": c.status,
                                 "reason": c.reason} for c in cols}
    runner.md.append("\n".join(lines))
