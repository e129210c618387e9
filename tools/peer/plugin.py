"""pytest plugin: classify every outcome of the peer suite.

PASS, SKIP; failures: WRONG (an assertion about a number or a structure outside
srcdiff's own code), CRASH (any other exception, or an assertion inside srcdiff),
REFUSED (SrcdiffError), HARNESS (HarnessError: the shim cannot express the test).
One JSON line per test goes to $PEER_RESULTS. Each test has a $PEER_TIMEOUT alarm."""
import json
import os
import signal
import traceback

import pytest

_OUT = os.environ.get("PEER_RESULTS", "peer_results.jsonl")
_TIMEOUT = int(os.environ.get("PEER_TIMEOUT", "120"))
_SRCDIFF = os.environ.get("PEER_SRCDIFF_DIR", "")


def _in_srcdiff(filename):
    return filename.startswith("<srcdiff-") or (_SRCDIFF and filename.startswith(_SRCDIFF))


# Tests of autograd's own behaviour, not of derivatives: excluded, with the reason.
# Each is matched by test id (a prefix) and must fail with the given exception text,
# so a change in what srcdiff does shows up again.
EXCLUDED = [
    ("test_wrappers.py::test_custom_where_dtypes", "assert <class",
     "checks the Python type np.where returns through autograd's wrapper (no derivative)"),
    ("test_wrappers.py::test_custom_where", "positional-only arguments",
     "autograd's np.where wrapper takes keyword arguments; NumPy's does not (no derivative)"),
    ("test_wrappers.py::test_wrapped_name_and_docs", "",
     "checks autograd's names and docstrings of its operators"),
    ("test_numpy.py::test_scalar_array_box_attributes", "has no attribute 'shape'",
     "autograd's ArrayBox presents a Python float as a 0-d array (x.shape on a float)"),
    ("test_numpy.py::test_make_diagonal", "no attribute 'make_diagonal'",
     "np.make_diagonal exists only in autograd.numpy"),
    ("test_numpy.py::test_diagonal", "no attribute 'make_diagonal'",
     "np.make_diagonal exists only in autograd.numpy"),
    ("test_scipy.py::test_convolve", "unexpected keyword argument 'axes'",
     "autograd's scipy.signal.convolve takes axes=/dot_axes=; SciPy's does not"),
    ("test_fft.py::test_rfftn_odd_not_implemented", "DID NOT RAISE",
     "expects autograd's NotImplementedError (an autograd limitation); srcdiff differentiates it"),
    ("test_graphs.py::test_assignment_raises_error", "DID NOT RAISE",
     "expects autograd's TypeError for A[1] = b; srcdiff differentiates it (its check passed)"),
    ("test_direct.py::test_grad_complex_output", "complex value",
     "expects autograd's TypeError; srcdiff refuses with SrcdiffError as API.md specifies"),
    ("test_logic.py::test_nograd", "boolean value",
     "expects autograd's TypeError; srcdiff refuses with SrcdiffError as API.md specifies"),
]


def _excluded(nodeid, text):
    for prefix, needle, reason in EXCLUDED:
        if nodeid.split("::", 1)[-1].startswith(prefix.split("::", 1)[1]) \
                and nodeid.split("::")[0].endswith(prefix.split("::")[0]) and needle in text:
            return reason
    return None


def classify(excinfo):
    exc = excinfo.value
    names = [c.__name__ for c in type(exc).__mro__]
    frames = [fs for fs in traceback.extract_tb(excinfo.tb)]
    inner = frames[-1] if frames else None
    where = f"{inner.filename}:{inner.lineno}" if inner else "?"
    if "HarnessError" in names:
        return "HARNESS", str(exc)
    if "SrcdiffError" in names and "autograd._harness" in str(exc):
        return "HARNESS", "an autograd internal called in differentiated code: " + str(exc)[:200]
    if "SrcdiffError" in names:
        return "REFUSED", str(exc).splitlines()[0] if str(exc) else ""
    if isinstance(exc, TimeoutError) and "peer timeout" in str(exc):
        return "CRASH", "timeout"
    msg = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} @ {where}"
    if isinstance(exc, AssertionError) or "Failed" in names:
        if inner is not None and _in_srcdiff(inner.filename):
            return "CRASH", msg
        return "WRONG", msg
    return "CRASH", msg


def _alarm(signum, frame):
    raise TimeoutError("peer timeout")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(_TIMEOUT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _write(rec):
    with open(_OUT, "a") as fh:
        fh.write(json.dumps(rec) + "\n")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if call.when == "call" or (call.when == "setup" and not rep.passed):
        if rep.skipped:
            _write({"test": item.nodeid, "class": "SKIP", "detail": ""})
        elif rep.passed:
            _write({"test": item.nodeid, "class": "PASS", "detail": ""})
        else:
            cls, detail = classify(call.excinfo)
            reason = _excluded(item.nodeid, f"{call.excinfo.typename}: {call.excinfo.value}")
            if reason is not None and cls != "HARNESS":
                cls, detail = "HARNESS", f"{reason} [{detail[:120]}]"
            _write({"test": item.nodeid, "class": cls, "detail": detail[:300]})


def pytest_collectreport(report):
    if report.failed:
        text = str(report.longrepr)
        cls = "HARNESS" if "HarnessError" in text else "CRASH"
        last = [ln for ln in text.splitlines() if ln.startswith("E ")][-1:] or [text[-200:]]
        _write({"test": report.nodeid + "::<collection>", "class": cls,
                "detail": "collection error: " + last[0][:300]})
