"""Fresh closures: the first call of a transform of a closure rebuilt each step.

A training loop that rebuilds its loss as a closure every step
(``make_loss(batch)`` returning a nested def, ``lambda w: model(w, batch)``)
hands each transform a new function object of an already-seen ``def``. For
each transform this times

- cached: a call of the transformed function made once (``g(w)``);
- fresh closure: building the closure over new data, the transform and its
  first call (``srcdiff.grad(make_loss(X, y))(w)``), which reuses the
  generated code (target: within 20x of the cached call);
- transform: the same with the generated-code caches emptied first (what a
  fresh closure cost when code was cached per function object);

and the memory a fresh closure leaves behind (tracemalloc, over 1,000 of them).

    python -m benchmarks.closures [--repeats N]
"""
import argparse
import gc
import statistics
import time
import tracemalloc

import numpy as np

import srcdiff
from srcdiff.api import generate as api, forward_generate as forward_api
from srcdiff.frontend import prepare as pipeline


def model(w, X):
    return np.tanh(X @ w)


def make_loss(X, y):
    def loss(w):
        r = model(w, X) - y
        return np.mean(r ** 2)
    return loss


def make_lambda(X, y):
    return lambda w: np.mean((model(w, X) - y) ** 2)


def _calls(w, v):
    return {
        "grad": lambda f: srcdiff.grad(f)(w),
        "value_and_grad": lambda f: srcdiff.value_and_grad(f)(w),
        "vjp": lambda f: srcdiff.vjp(f, w)[1](1.0),
        "jvp": lambda f: srcdiff.jvp(f, (w,), (v,)),
        "hvp": lambda f: srcdiff.hvp(f)(w, v),
    }


def _cached(name, f, w, v):
    """The call of an already-transformed function (what a step costs when the
    loss is not rebuilt)."""
    if name == "grad":
        g = srcdiff.grad(f)
        return lambda: g(w)
    if name == "value_and_grad":
        g = srcdiff.value_and_grad(f)
        return lambda: g(w)
    if name == "vjp":
        return lambda: srcdiff.vjp(f, w)[1](1.0)
    if name == "jvp":
        return lambda: srcdiff.jvp(f, (w,), (v,))
    h = srcdiff.hvp(f)
    return lambda: h(w, v)


def _clear():
    for cache in (api._cache, forward_api._cache, pipeline._prepared):
        cache.clear()


def _per_call(fn, number):
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t0) / number


def _growth(fn, number):
    for _ in range(100):
        fn()
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        gc.collect()
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(number):
            fn()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()


def measure(repeats=5, number=200, rows=64, features=8, closures=1000):
    """{transform: {"cached_s", "fresh_s", "lambda_s", "transform_s", "bytes_per_closure"}}."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(rows, features)), rng.normal(size=rows)
    w, v = rng.normal(size=features), rng.normal(size=features)
    out = {}
    for name, call in _calls(w, v).items():
        cached = _cached(name, make_loss(X, y), w, v)
        cached()
        fresh = lambda call=call: call(make_loss(X + 0.0, y))            # noqa: E731
        fresh_lambda = lambda call=call: call(make_lambda(X + 0.0, y))   # noqa: E731
        fresh()
        fresh_lambda()

        def transform(call=call):
            _clear()
            return call(make_loss(X, y))

        rounds = {"cached_s": [], "fresh_s": [], "lambda_s": [], "transform_s": []}
        for _ in range(repeats):
            rounds["transform_s"].append(_per_call(transform, max(1, number // 20)))
            fresh()             # (the caches filled again: one full transform each)
            fresh_lambda()
            rounds["cached_s"].append(_per_call(cached, number))
            rounds["fresh_s"].append(_per_call(fresh, number))
            rounds["lambda_s"].append(_per_call(fresh_lambda, number))
        row = {k: statistics.median(ts) for k, ts in rounds.items()}
        row["bytes_per_closure"] = _growth(fresh, closures) / closures
        out[name] = row
    _clear()
    return out


def markdown(results):
    def t(s):
        return f"{s * 1e6:.0f} µs" if s < 1e-3 else f"{s * 1e3:.1f} ms"

    lines = ["## Fresh closures", "",
             "A closure rebuilt each step over new data (`make_loss(X, y)`, a nested def; "
             "`lambda w: model(w, X)`): the transform and first call of the fresh closure "
             "against a call of a transform made once (target: within 20x), and what it "
             "cost with the caches emptied (a full transform, as every fresh closure did "
             "before generated code was keyed by code object). 64 x 8 data; medians.", "",
             "| transform | cached call | fresh closure (def) | ratio | fresh closure (lambda) "
             "| full transform | memory kept per fresh closure |",
             "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        ratio = r["fresh_s"] / r["cached_s"]
        lines.append(f"| {name} | {t(r['cached_s'])} | {t(r['fresh_s'])} | {ratio:.1f}x"
                     f"{' (over)' if ratio > 20 else ''} | {t(r['lambda_s'])} | "
                     f"{t(r['transform_s'])} | {r['bytes_per_closure']:.0f} B |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--number", type=int, default=200)
    args = ap.parse_args(argv)
    print(markdown(measure(args.repeats, args.number)))


if __name__ == "__main__":
    main()
