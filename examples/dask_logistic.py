"""Logistic regression by gradient descent on 20 million rows held in Dask.

The data set (20e6 rows x 20 features of float64, 3.2 GB) is a chunked Dask
array generated chunk by chunk from a seeded random generator: it never
exists in one piece, not even on the workers, which regenerate each chunk
when a step needs it and drop it once the chunk has been read.

The loss is ordinary NumPy code. ``srcdiff.value_and_grad`` turns it into
ordinary NumPy code for its gradient, and that generated code runs unchanged
on the Dask arrays (NumPy's ``__array_ufunc__``/``__array_function__``
protocols hand every ``np.*`` call to Dask): it returns lazy Dask arrays, and
each step ``.compute()``s only the loss and the 21 numbers of the gradient
on a ``distributed.LocalCluster`` started here.

    python examples/dask_logistic.py                   # 20 million rows
    python examples/dask_logistic.py --rows 20000 --steps 3
"""
import argparse
import math
import resource
import sys
import time

import numpy as np

import srcdiff


def loss(w, b, X, y):
    """Mean logistic loss of the labels y in {0, 1} given the logits X @ w + b."""
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - y * z)


def make_data(rows, features, chunk_rows, seed=0):
    """X (rows x features) and labels y drawn from a known logistic model, as
    lazy Dask arrays: each chunk is generated where and when it is needed."""
    import dask.array as da
    rng = da.random.default_rng(seed)
    X = rng.standard_normal((rows, features), chunks=(chunk_rows, features))
    w_true = np.linspace(-1.0, 1.0, features)
    p = 1.0 / (1.0 + np.exp(-(X @ w_true + 0.5)))
    y = (rng.random(rows, chunks=chunk_rows) < p).astype(np.float64)
    return X, y, w_true


def check_gradient(vg, w, b, X, y, value, gw, gb):
    """The gradient computed on Dask equals srcdiff's on NumPy and the closed form."""
    Xn, yn = X.compute(), y.compute()
    v_np, (gw_np, gb_np) = vg(w, b, Xn, yn)
    r = 1.0 / (1.0 + np.exp(-(Xn @ w + b))) - yn          # d loss / d z, times n
    assert np.allclose(value, v_np) and np.allclose(gw, gw_np) and np.allclose(gb, gb_np)
    assert np.allclose(gw, Xn.T @ r / len(yn)) and np.allclose(gb, np.mean(r))
    print("check: the Dask gradient equals the NumPy gradient and X^T (sigmoid(z) - y) / n")


def graph_mib(*arrays):
    """The size of the task graph of ``arrays`` as sent to the scheduler (pickled)."""
    import pickle
    import dask
    graph = dask.base.collections_to_expr(arrays).__dask_graph__()
    return len(pickle.dumps(dict(graph), protocol=5)) / 2 ** 20


def cpu_seconds():
    """CPU time (user + system) used so far by the calling process."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_bytes():
    """Peak resident memory of the calling process (runs on each worker)."""
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r * 1024 if sys.platform != "darwin" else r


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=20_000_000)
    ap.add_argument("--features", type=int, default=20)
    ap.add_argument("--chunk-rows", type=int, default=500_000,
                    help="rows per chunk (80 MB of X at 20 features)")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--lr", type=float, default=2.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1, help="threads per worker")
    ap.add_argument("--memory-limit", default="4GiB", help="per worker")
    ap.add_argument("--check", action="store_true",
                    help="(small --rows) also compute the data in NumPy and check the "
                         "first gradient against NumPy and the closed form")
    args = ap.parse_args(argv)

    import dask
    from distributed import Client, LocalCluster

    chunk_rows = max(1, min(args.chunk_rows, math.ceil(args.rows / 4)))
    X, y, w_true = make_data(args.rows, args.features, chunk_rows)
    data_bytes = args.rows * args.features * 8
    print(f"data: X {X.shape} float64 = {data_bytes / 1e9:.3f} GB in {X.npartitions} chunks "
          f"of {chunk_rows} rows ({chunk_rows * args.features * 8 / 1e6:.0f} MB), never materialised")

    vg = srcdiff.value_and_grad(loss, wrt=("w", "b"))

    with LocalCluster(n_workers=args.workers, threads_per_worker=args.threads,
                      memory_limit=args.memory_limit, dashboard_address=":0",
                      processes=True) as cluster, Client(cluster) as client:
        print(f"cluster: {args.workers} workers x {args.threads} thread(s), "
              f"memory limit {args.memory_limit} each")
        print(f"dashboard: {cluster.dashboard_link}")

        w = np.zeros(args.features)
        b = 0.0
        losses, times, cpus = [], [], []
        for step in range(args.steps):
            cpu0 = sum(client.run(cpu_seconds).values())
            t0 = time.perf_counter()
            value, (gw, gb) = vg(w, b, X, y)          # lazy: builds a Dask graph
            lazy = all(isinstance(v, dask.array.Array) for v in (value, gw, gb))
            if step == 0:
                print(f"graph of one step: {graph_mib(value, gw, gb):.3f} MiB "
                      "(no array of the data's size is built on the client)")
            value, gw, gb = dask.compute(value, gw, gb)   # one pass over the data
            dt = time.perf_counter() - t0
            cpus.append(sum(client.run(cpu_seconds).values()) - cpu0)
            if args.check and step == 0:
                check_gradient(vg, w, b, X, y, value, gw, gb)
            w = w - args.lr * gw
            b = b - args.lr * float(gb)
            losses.append(float(value))
            times.append(dt)
            print(f"step {step + 1:3d}  loss {float(value):.6f}  |grad| "
                  f"{math.sqrt(float(np.sum(gw ** 2) + gb ** 2)):.2e}  {dt:6.2f} s "
                  f"(workers' CPU {cpus[-1]:5.2f} s)"
                  + ("" if lazy else "  (not lazy!)"))
            assert lazy, "the generated gradient did not stay in Dask"

        peaks = client.run(peak_rss_bytes)
        peak = max(peaks.values())
        steady = times[1:] or times
        steady_cpu = cpus[1:] or cpus
        print(f"time per step: {sum(steady) / len(steady):.2f} s wall, "
              f"{sum(steady_cpu) / len(steady_cpu):.2f} s of workers' CPU "
              f"(mean of steps 2..{len(times)}; first step {times[0]:.2f} s)")
        for addr, p in sorted(peaks.items()):
            print(f"worker {addr}: peak memory {p / 1e6:.0f} MB")
        print(f"peak worker memory {peak / 1e6:.0f} MB = {100 * peak / data_bytes:.1f}% of the "
              f"{data_bytes / 1e9:.2f} GB data set")

    print("learned w:", np.round(w, 3))
    print("true w:   ", np.round(w_true, 3))
    assert losses[-1] < losses[0], losses
    print("dask_logistic: OK")
    return losses, times, peak


if __name__ == "__main__":
    main()
