"""Every minimal failing program the fuzzer found (tests/fuzz_regressions/*.py)
is checked with all of the fuzzer's checks, at the orders its ``ORDERS`` names
(order one for the files from before order two was fuzzed). Open bugs carry ``XFAIL = "..."``
and are strict xfails: fixing one makes its test XPASS (fail) until the
``XFAIL`` line is removed."""
import copy
import glob
import importlib.util
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tools import fuzz  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz_regressions")
FILES = sorted(glob.glob(os.path.join(HERE, "*.py")))


def _load(path):
    name = "fuzz_regression_" + os.path.basename(path)[:-3]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _params():
    out = []
    for path in FILES:
        mod = _load(path)
        reason = getattr(mod, "XFAIL", None)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(path, id=os.path.basename(path)[:-3], marks=marks))
    return out


def test_there_are_regressions():
    assert FILES


@pytest.mark.parametrize("path", _params())
def test_fuzz_regression(path):
    mod = _load(path)
    f = getattr(mod, getattr(mod, "FUNC", "f"))
    fails = fuzz.check_program(f, copy.deepcopy(list(mod.ARGS)), getattr(mod, "WRT", None),
                               orders=fuzz.saved_orders(mod, (1,)))
    if getattr(mod, "ACCEPT_REFUSAL", False):
        fails = [fl for fl in fails if not (fl.category == "refused" and path in fl.message)]
    assert not fails, "\n".join(map(repr, fails))
