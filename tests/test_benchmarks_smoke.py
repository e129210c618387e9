"""Smoke test of the benchmark suite (issue 7): the runner completes in its
tiny ``--quick`` configuration and writes its table.  Timings are never
asserted.  The hand-written reference gradients the benchmarks check every
library against are themselves checked against central differences here.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

pytestmark = pytest.mark.filterwarnings("ignore")


def _run(args, tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable] + args + ["--quick", "--repeats", "1",
                                   "--target-ms", "0.2", "--no-progress",
                                   "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    md = tmp_path / "benchmarks.md"
    assert md.exists()
    return md.read_text(), proc


def test_quick_run_writes_table(tmp_path):
    # srcdiff + hand-written + autograd (cheap to import); torch and JAX are
    # left out to keep this to seconds.  Missing APIs show up as "n/a".
    text, _ = _run(["-m", "benchmarks", "--libs", "hand,srcdiff,autograd",
                    "--no-plot"], tmp_path)
    assert "## Gradient time / function time" in text
    for name in ("cubic", "mlp", "sin_loop", "rnn", "softmax", "euler",
                 "heat"):
        assert "| %s (quick sizes) |" % name in text
    for section in ("Transform time", "dispatch overhead", "Peak memory",
                    "Hessian-vector product", "Hessian of a",
                    "Tensor shim", "Checkpointed loop gradients"):
        assert section in text
    assert (tmp_path / "benchmarks.json").exists()


def test_script_entry_point_and_only(tmp_path):
    pytest.importorskip("matplotlib")
    text, _ = _run([os.path.join("benchmarks", "run.py"), "--only",
                    "cubic,main", "--libs", "hand,srcdiff"], tmp_path)
    assert "| cubic (quick sizes) |" in text
    assert "| mlp (quick sizes) |" not in text
    assert (tmp_path / "benchmarks.png").exists()


def _central_difference(f, args, pos, rng, eps=1e-6, samples=4):
    """A few entries of d f / d args[pos] by central differences."""
    x = args[pos]
    out = []
    if isinstance(x, float):
        a1, a2 = list(args), list(args)
        a1[pos], a2[pos] = x + eps, x - eps
        return [((), (f(*a1) - f(*a2)) / (2 * eps))]
    for _ in range(samples):
        i = tuple(int(rng.integers(0, s)) for s in x.shape)
        x1, x2 = x.copy(), x.copy()
        x1[i] += eps
        x2[i] -= eps
        a1, a2 = list(args), list(args)
        a1[pos], a2[pos] = x1, x2
        out.append((i, (f(*a1) - f(*a2)) / (2 * eps)))
    return out


def test_hand_written_gradients_are_right():
    from benchmarks import workloads as W
    rng = np.random.default_rng(0)
    for wl in W.WORKLOADS:
        args = wl.make_args(True, np.random.default_rng(1))
        grads = wl.hand(*args)
        assert len(grads) == len(wl.wrt), wl.name
        for g, pos in zip(grads, wl.wrt):
            assert np.shape(g) == np.shape(args[pos]), wl.name
            for i, fd in _central_difference(wl.f, args, pos, rng):
                got = np.asarray(g)[i]
                assert abs(got - fd) <= 1e-5 * max(1.0, abs(fd)), (
                    wl.name, pos, i, got, fd)
    x = rng.uniform(-1, 1, 8)
    eps = 1e-6
    H = np.array([(W.rosenbrock_grad(x + eps * e) -
                   W.rosenbrock_grad(x - eps * e)) / (2 * eps)
                  for e in np.eye(8)])
    assert np.allclose(W.rosenbrock_hessian(x), H, rtol=1e-5, atol=1e-5)
    g = np.array([(W.rosenbrock(x + eps * e) - W.rosenbrock(x - eps * e)) /
                  (2 * eps) for e in np.eye(8)])
    assert np.allclose(W.rosenbrock_grad(x), g, rtol=1e-5, atol=1e-5)


def test_hand_written_hvps_are_right():
    from benchmarks import workloads as W
    rng = np.random.default_rng(2)
    for wl in W.WORKLOADS:
        if wl.hvp is None:
            continue
        args = wl.make_args(True, np.random.default_rng(3))
        x = args[0]
        v = rng.standard_normal(np.shape(x))
        hv = wl.hvp(*args, v)
        eps = 1e-5
        fd = (wl.hand(x + eps * v, *args[1:])[0] -
              wl.hand(x - eps * v, *args[1:])[0]) / (2 * eps)
        assert np.allclose(hv, fd, rtol=1e-5, atol=1e-6), wl.name
