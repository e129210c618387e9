"""The random-program fuzzer (tools/fuzz.py): a small budget every CI run, plus
tests of the generator, the kink probe and the shrinker themselves.

The full campaign is ``python tools/fuzz.py --programs N --seed S``.
"""
import os
import re
import subprocess
import sys
import time

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tools import fuzz  # noqa: E402

# CI budget: 3 fixed seeds x 50 programs of growing size (about 20 s).
CI_SEEDS = (101, 202, 303)
CI_PROGRAMS = 50

# While the bugs listed in tests/fuzz_regressions/ are open the budget finds
# mismatches; this strict xfail flips (XPASS -> failure) once they are all fixed:
# then set it to False so that every new mismatch fails CI.
OPEN_BUGS = True


# ---- the generator -----------------------------------------------------------------

def test_generator_is_deterministic():
    a = fuzz.generate_case(7, 3, 10)
    b = fuzz.generate_case(7, 3, 10)
    assert a[0] == b[0] and a[3] == b[3]
    assert fuzz.same_values(a[2], b[2])


def test_generated_programs_are_valid_and_grow():
    sizes = []
    for k in range(40):
        source, fname, args, wrt, _, nums = fuzz.generate_case(11, k, 40)
        assert source is not None
        mod = fuzz.load_module(source)
        value = getattr(mod, fname)(*fuzz.deep_copy(args))
        assert np.isfinite(float(value))
        assert nums is not None and set(nums) == set(fuzz.float_positions(args))
        sizes.append(len(source.splitlines()))
    assert np.mean(sizes[-10:]) > np.mean(sizes[:10])     # programs grow with the index


def test_generator_covers_the_constructs():
    text = "\n".join(fuzz.generate_case(5, k, 120)[0] for k in range(0, 120, 2))
    for construct in ["if ", "elif ", "for ", "while ", "break", "continue", "return",
                      "np.zeros(", ".copy()", "] = ", "] *= ", ".append(", ".pop()", "lambda ",
                      "    def ", "np.sum(", "axis=", "keepdims=True", "np.maximum(", "np.where(",
                      "np.exp(", "np.log(", "np.sqrt(", " @ ", "enumerate(", "zip(", "range("]:
        assert construct in text, construct


def test_disabled_features_are_left_out():
    text = "\n".join(fuzz.generate_case(5, k, 60, disabled=["pyminmax", "container-params"])[0]
                     for k in range(60))
    assert not re.search(r"(?<![.\w])(max|min)\(", text)
    assert "xs" not in text and "p['w']" not in text


# ---- the kink probe ------------------------------------------------------------------

def test_probe_measures_distance_to_kinks():
    source = fuzz.HEADER + (
        "def f(x):\n"
        "    y = np.maximum(x, 0.5) + np.abs(x - 0.2)\n"
        "    if np.sum(x) > 1.0:\n"
        "        y = y * 2.0\n"
        "    return np.sum(y)\n")
    probe = fuzz.Probe()
    mod = fuzz.load_module(fuzz.probe_source(source),
                           {"_probe_": probe, "_probe_table_": probe.table()})
    mod.f(np.array([0.5 + 1e-5, 0.9]))
    assert probe.margin < 1e-4
    probe.margin = np.inf
    mod.f(np.array([0.1, 0.7]))          # the nearest kink: |x[0] - 0.2| = 0.1
    assert probe.margin == pytest.approx(0.1)


# ---- the checks and the shrinker -------------------------------------------------------

def test_check_program_accepts_a_correct_program():
    mod = fuzz.load_module(fuzz.HEADER + "def f(x, s):\n    return np.sum(np.sin(x) * s)\n")
    assert fuzz.check_program(mod.f, [np.array([0.1, 0.2]), 0.3]) == []


def test_shrinker_keeps_the_failure_and_drops_the_rest(monkeypatch):
    """A fake bug (every program calling np.cosh 'fails') is shrunk to the statement
    that has it."""
    real = fuzz.check_program

    def fake(f, args, wrt=None, **kw):
        src = open(f.__code__.co_filename).read()
        if "np.cosh" in src:
            return [fuzz.Failure("grad", "fake cosh bug")]
        return real(f, args, wrt, **kw)
    monkeypatch.setattr(fuzz, "check_program", fake)
    source = fuzz.HEADER + (
        "def h(a):\n"
        "    return np.tanh(a) * 2.0\n"
        "\n"
        "def f(x, y, s):\n"
        "    z = np.sin(x) + y\n"
        "    for i in range(4):\n"
        "        z = np.cos(z) * s\n"
        "        if np.sum(z) > 10.0:\n"
        "            z = z * 0.5\n"
        "    w = h(z) + np.cosh(np.tanh(y))\n"
        "    q = np.exp(np.sin(w))\n"
        "    return np.sum(q) + np.sum(z)\n")
    args = [np.array([0.1, 0.2]), np.array([0.3, -0.4]), 0.7]
    st, fails = fuzz.run_case(source, "f", args, (0, 1, 2))
    assert st == "fail"
    small, a2, w2 = fuzz.shrink(source, "f", args, (0, 1, 2), fails[0].signature, budget=60)
    assert "np.cosh" in small
    assert len(small.splitlines()) <= 7, small
    assert "def h" not in small and "for " not in small
    assert len(a2) < len(args)          # unused parameters are dropped with their arguments


def test_saved_failure_reruns(tmp_path):
    source = fuzz.HEADER + "def f(x):\n    return np.sum(x ** 2)\n"
    path = fuzz.save_failure(str(tmp_path), "case", source, "f", [np.array([0.5, -1.5])], 0,
                             [fuzz.Failure("grad", "demo", "demo")])
    assert fuzz.check_saved(path, verbose=False) == 0
    out = subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "ok" in out.stdout


# ---- the CI budget -----------------------------------------------------------------------

@pytest.mark.xfail(OPEN_BUGS, strict=True,
                   reason="open bugs found by the fuzzer (see tests/fuzz_regressions/)")
def test_fuzz_budget(tmp_path):
    t0 = time.time()
    lines = []
    total, mismatches = 0, []
    for seed in CI_SEEDS:
        n, mism = fuzz.run(CI_PROGRAMS, seed, outdir=str(tmp_path), do_shrink=False,
                           out=lines.append)
        total += n
        mismatches += mism
    assert total >= 0.9 * CI_PROGRAMS * len(CI_SEEDS)
    assert time.time() - t0 < 120
    assert not mismatches, "\n".join(lines)


def test_command_line(tmp_path):
    out = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "fuzz.py"),
                          "--programs", "4", "--seed", "3", "--no-shrink", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    last = out.stdout.strip().splitlines()[-1]
    m = re.fullmatch(r"(\d+) programs, (\d+) mismatches", last)
    assert m, out.stdout + out.stderr
    assert out.returncode == (1 if int(m.group(2)) else 0)
    assert len(list(tmp_path.glob("*.py"))) >= int(m.group(2))
