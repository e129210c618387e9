"""Snapshot of generated code, to check that a change to the transformer
(a speed-up, a refactoring) leaves every generated source byte-identical.

    python tools/snapshot_generated.py OUT.txt [--fuzz] [--order2] [--examples] [--sweep]
    python tools/snapshot_generated.py --compare A.txt B.txt

A snapshot holds, for every tests/fuzz_regressions program, benchmark workload,
realistic program (benchmarks/realistic.py) and a 60-statement function of each
shape of benchmarks/transform_time.py (``--fuzz``: and its large fuzz program),
``srcdiff.source`` of ``grad(f)`` before and after its first call, of
``value_and_grad(f)`` and of ``vjp``'s backward function (or the error raised);
``--order2``: and every source compiled while ``hvp(f)`` (on the first
differentiated argument) is called, the forward-over-reverse code;
``--examples``: every source compiled while each examples/*.py script runs
(its ``main()`` too, but not the Dask one); ``--sweep``: for every case of
tests/sweep_cases.py, every source compiled while ``grad`` of its loss, then
``hvp`` and ``jacobian(grad)`` (twice differentiable real cases) are called
(the transforms tests/test_sweep.py runs; a few minutes).
Take one at the branch point and one after each step, and compare; paths of
temporary modules and of the checkout are normalised away.
"""
import copy
import glob
import importlib.util
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _text(source):
    return source.split("\n", 1)[1]         # (the title names the file: dropped)


def _emit(out, label, make):
    try:
        text = _text(make())
    except Exception as e:      # noqa: BLE001 (a refusal or error is part of the snapshot)
        first = str(e).splitlines()[0] if str(e) else ""
        text = f"ERROR {type(e).__name__}: {first}\n"
    out.write(f"=== {label}\n" + text.replace(ROOT + os.sep, "ROOT/"))


class _Recording:
    """Within ``with _Recording() as texts:``, the text of every source srcdiff
    compiles (reverse and forward transforms) is appended to ``texts``."""

    def __enter__(self):
        from srcdiff.api import generate as api, forward_generate as forward_api
        self.texts = []
        self.originals = api.compile_functions, forward_api.compile_functions

        def recording(original):
            def compile_functions(*a, **k):
                got = original(*a, **k)
                self.texts.append(got[1].split("\n", 1)[1])
                return got
            return compile_functions

        api.compile_functions = recording(self.originals[0])
        forward_api.compile_functions = recording(self.originals[1])
        return self.texts

    def __exit__(self, *exc):
        from srcdiff.api import generate as api, forward_generate as forward_api
        api.compile_functions, forward_api.compile_functions = self.originals
        return False


def _hvp_sources(f, args, wrt):
    """The sources compiled while ``hvp(f, wrt)`` is made and called (the
    gradient and its jvp), joined."""
    import numpy as np
    import srcdiff
    with _Recording() as texts:
        w = wrt[0] if isinstance(wrt, tuple) else wrt
        args = copy.deepcopy(list(args))
        x = args[w] if isinstance(w, int) else None
        v = np.ones_like(x) if isinstance(x, (np.ndarray, float, np.floating)) else x
        srcdiff.hvp(f, w)(*args, v)
    return "title\n" + "".join(texts)


def _recorded(run):
    """The sources compiled while ``run()`` runs, joined (for ``_emit``)."""
    with _Recording() as texts:
        run()
    return "title\n" + "".join(texts)


def _examples(out):
    """Every source compiled while each example script (and its main) runs."""
    import contextlib
    import io
    import runpy
    for file in sorted(glob.glob(os.path.join(ROOT, "examples", "*.py"))):
        if os.path.basename(file) == "dask_logistic.py":
            continue

        def run(file=file):
            with contextlib.redirect_stdout(io.StringIO()):
                got = runpy.run_path(file, run_name="snapshot_example")
                if callable(got.get("main")):
                    got["main"]()
        _emit(out, os.path.relpath(file, ROOT), lambda run=run: _recorded(run))


def _sweep(out):
    """Every source compiled by the sweep's grad, hvp and jacobian(grad) of each case."""
    import numpy as np
    import srcdiff
    tests = os.path.join(ROOT, "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    import sweep_cases
    from srcdiff.api.check import _is_complex_leaf
    for sc in sweep_cases.sweep_cases():
        try:
            _, loss, params = sc.build()
        except Exception:       # noqa: BLE001 (the sweep reports it)
            continue
        wrt = 0 if len(params) == 1 else tuple(range(len(params)))
        _emit(out, f"sweep {sc.id} grad",
              lambda: _recorded(lambda: srcdiff.grad(loss, wrt=wrt)(*copy.deepcopy(params))))
        if not sc.second:
            continue
        rng = np.random.default_rng(2)
        v = [rng.standard_normal(np.shape(p)) for p in params]
        v = [type(p)(u) if isinstance(p, (float, complex)) else u for p, u in zip(params, v)]
        _emit(out, f"sweep {sc.id} hvp", lambda: _recorded(lambda: srcdiff.hvp(loss, wrt=wrt)(
            *copy.deepcopy(params), v[0] if len(v) == 1 else tuple(v))))
        if not any(_is_complex_leaf(p) for p in params):
            _emit(out, f"sweep {sc.id} jacgrad", lambda: _recorded(lambda: [
                srcdiff.jacobian(srcdiff.grad(loss, wrt=i), wrt=j)(*copy.deepcopy(params))
                for i in range(len(params)) for j in range(len(params))]))


def _snapshot(out, label, f, args, wrt, order2=False):
    import srcdiff
    made = {}

    def eager():
        made["g"] = srcdiff.grad(f, wrt=wrt)
        return srcdiff.source(made["g"])

    def called():
        made["g"](*copy.deepcopy(list(args)))
        return srcdiff.source(made["g"])

    def value_and_grad():
        h = srcdiff.value_and_grad(f, wrt=wrt)
        h(*copy.deepcopy(list(args)))
        return srcdiff.source(h)

    def vjp():
        return srcdiff.source(srcdiff.vjp(f, *copy.deepcopy(list(args)), wrt=wrt)[1])

    _emit(out, label + " grad eager", eager)
    if "g" in made:
        _emit(out, label + " grad called", called)
    _emit(out, label + " value_and_grad called", value_and_grad)
    _emit(out, label + " vjp", vjp)
    if order2:
        _emit(out, label + " hvp", lambda: _hvp_sources(f, args, wrt))


def write(path, fuzz=False, order2=False, examples=False, sweep=False):
    import numpy as np
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    from benchmarks import realistic, transform_time as tt, workloads
    with open(path, "w") as out:
        for file in sorted(glob.glob(os.path.join(ROOT, "tests", "fuzz_regressions", "*.py"))):
            name = "snapshot_" + os.path.basename(file)[:-3]
            spec = importlib.util.spec_from_file_location(name, file)
            mod = importlib.util.module_from_spec(spec)
            sys.modules[name] = mod
            spec.loader.exec_module(mod)
            wrt = getattr(mod, "WRT", None)
            _snapshot(out, os.path.relpath(file, ROOT), getattr(mod, getattr(mod, "FUNC", "f")),
                      mod.ARGS, 0 if wrt is None else wrt, order2)
        rng = np.random.default_rng(0)
        for w in workloads.WORKLOADS:
            _snapshot(out, "workload " + w.name, w.f, w.make_args(True, rng), w.wrt, order2)
        for name, f, wrt, make_args in realistic.PROGRAMS:
            _snapshot(out, "realistic " + name, f, make_args(rng), wrt, order2)
        x, w = np.linspace(0.1, 1.0, 5), np.float64(0.3)
        for shape, make in tt.SHAPES.items():
            f = tt._module("import numpy as np\n\n\n" + make(60) + "\n").f
            _snapshot(out, "shape " + shape, f, (x, w), (0, 1), order2)
        case = tt.fuzz_case() if fuzz else None
        if case is not None:
            source, fname, args, wrt = case
            _snapshot(out, "fuzz program", getattr(tt._module(source, "fz"), fname), args, wrt,
                      order2)
        if examples:
            _examples(out)
        if sweep:
            _sweep(out)


def _load(path):
    text = open(path).read()
    text = re.sub(r"\b(tt|fz)_\d+_\d+", r"\1_N", text)           # temporary modules
    text = re.sub(r"\bsrcdiff_tt_[A-Za-z0-9_]+", "srcdiff_tt_DIR", text)   # and their folder
    text = re.sub(r"\bsrcdiff_tests_[A-Za-z0-9_]+", "srcdiff_tests_DIR", text)  # tests/numeric.py's
    text = re.sub(r" at 0x[0-9a-f]+>", " at 0xADDR>", text)       # objects' reprs
    blocks = re.split(r"^=== ", text, flags=re.M)[1:]
    return dict(b.split("\n", 1) for b in blocks)


def compare(a_path, b_path):
    """Print the entries that differ; the number of differences."""
    a, b = _load(a_path), _load(b_path)
    differ = [k for k in a if k in b and a[k] != b[k]]
    for k in differ:
        print("differs:", k)
    for k in sorted(set(a) ^ set(b)):
        print("in one snapshot only:", k)
    print(f"{len(differ)} of {sum(k in b for k in a)} differ")
    return len(differ)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--compare" and len(argv) == 3:
        return 1 if compare(argv[1], argv[2]) else 0
    flags = {"--fuzz", "--order2", "--examples", "--sweep"}
    if argv and not argv[0].startswith("-") and set(argv[1:]) <= flags:
        write(argv[0], fuzz="--fuzz" in argv[1:], order2="--order2" in argv[1:],
              examples="--examples" in argv[1:], sweep="--sweep" in argv[1:])
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
