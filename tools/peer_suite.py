"""Run a peer library's unchanged test suite (HIPS/autograd's) through srcdiff.

    python tools/peer_suite.py [--tests DIR] [--out FILE] [-k EXPR] [files...]

Copies the test files to a temporary directory, puts the shim package
``tools/peer/shim/autograd`` (autograd.numpy is numpy, the differential operators
are srcdiff's public transforms, check_grads checks srcdiff at orders 1 and 2 in
both modes against central differences) on a temporary path, runs pytest with
tools/peer/plugin.py, and classifies every test: PASS, SKIP, WRONG, CRASH, REFUSED
(SrcdiffError) or HARNESS (excluded: the shim cannot express it, reason listed).
Prints a table by file and one line per non-passing test, and writes both to --out.
autograd's code is not part of srcdiff: get its sdist and point --tests at it."""
import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLASSES = ("PASS", "WRONG", "CRASH", "REFUSED", "HARNESS", "SKIP")


def run(tests, out, kexpr=None, files=(), timeout=120, show=False):
    tmp = tempfile.mkdtemp(prefix="peer_suite_")
    tdir = os.path.join(tmp, "tests")
    shutil.copytree(tests, tdir)
    shim = os.path.join(tmp, "shim")
    shutil.copytree(os.path.join(HERE, "peer", "shim"), shim)
    results = os.path.join(tmp, "results.jsonl")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([shim, ROOT, os.path.join(HERE, "peer")]),
               PEER_RESULTS=results, PEER_TIMEOUT=str(timeout),
               PEER_SRCDIFF_DIR=os.path.join(ROOT, "srcdiff") + os.sep)
    targets = list(files) or sorted(f for f in os.listdir(tdir)
                                    if f.startswith("test_") and f.endswith(".py"))
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "plugin", "-p", "no:cacheprovider",
           "--rootdir", tdir, "--continue-on-collection-errors", "-o", "addopts=", "--tb=short" if show else "--tb=no", "-rN"]
    if kexpr:
        cmd += ["-k", kexpr]
    subprocess.run(cmd + targets, cwd=tdir, env=env, stdout=None if show else subprocess.DEVNULL)
    recs = []
    if os.path.exists(results):
        with open(results) as fh:
            recs = [json.loads(ln) for ln in fh]
    shutil.rmtree(tmp, ignore_errors=True)
    return summarise(recs, out)


def summarise(recs, out=None):
    by_file = collections.defaultdict(collections.Counter)
    total = collections.Counter()
    for r in recs:
        f = r["test"].split("::")[0]
        by_file[f][r["class"]] += 1
        total[r["class"]] += 1
    lines = ["| file | " + " | ".join(CLASSES) + " |", "|---" * (len(CLASSES) + 1) + "|"]
    for f in sorted(by_file):
        lines.append(f"| {f} | " + " | ".join(str(by_file[f][c]) for c in CLASSES) + " |")
    lines.append("| **total** | " + " | ".join(str(total[c]) for c in CLASSES) + " |")
    lines.append("")
    for cls in ("WRONG", "CRASH", "REFUSED", "HARNESS"):
        for r in recs:
            if r["class"] == cls:
                lines.append(f"{cls:8} {r['test']}  {r['detail']}")
    text = "\n".join(lines) + "\n"
    print(text)
    if out:
        with open(out, "w") as fh:
            fh.write(text)
        with open(out + ".jsonl", "w") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in recs)
    return total


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tests", default="/tmp/ag/autograd-1.9.1/tests")
    ap.add_argument("--out", default="peer_results.txt")
    ap.add_argument("-k", dest="kexpr")
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--show", action="store_true", help="pass pytest's tracebacks through")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args(argv)
    run(a.tests, a.out, a.kexpr, a.files, a.timeout, a.show)


if __name__ == "__main__":
    main()
