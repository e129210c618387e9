"""What a check reports: a Failure (category, stable detail, message, the program
line it names), made from an exception where one was raised."""
from __future__ import annotations

import os
import re
import traceback

import srcdiff
from tools.fuzz.timeouts import _Timeout


class Failure:
    def __init__(self, category, detail, message=""):
        self.category = category    # grad, vjp, value, jvp, mutated, refused, crash, timeout
        self.detail = detail        # short, stable text (for "fails the same way")
        self.message = message
        self.where = None           # (file, line) of the program that an error names

    @property
    def signature(self):
        return (self.category, self.detail)

    def __repr__(self):
        return f"{self.category}: {self.detail}" + (f" ({self.message})" if self.message else "")


def _exc_failure(e, what):
    if isinstance(e, srcdiff.SrcdiffError):
        msg = getattr(e, "construct_message", str(e))
        detail = re.sub(r"\d+", "#", msg.splitlines()[0])[:120]
        fl = Failure("refused", f"{what}: {detail}", str(e).splitlines()[0])
        if getattr(e, "filename", None) and getattr(e, "lineno", None):
            fl.where = (e.filename, int(e.lineno))
        else:
            fl.where = _named_location(str(e))
        return fl
    if isinstance(e, _Timeout):
        return Failure("timeout", what, "")
    tb = traceback.extract_tb(e.__traceback__)
    where = ""
    pkg = os.path.dirname(srcdiff.__file__)
    for fr in reversed(tb):
        if fr.filename.startswith(pkg):
            where = f" in {os.path.relpath(fr.filename, os.path.dirname(pkg))}:{fr.name}"
            break
        if fr.filename.startswith("<srcdiff") or "srcdiff" in fr.filename and \
                fr.filename.startswith("<"):
            where = " in generated code"
            break
    text = str(e).splitlines()[0] if str(e) else ""
    norm = re.sub(r"\(.*\)", "(...)", re.sub(r"\d+", "#", text))[:60]
    fl = Failure("crash", f"{what}: {type(e).__name__}{where}: {norm}",
                 f"{type(e).__name__}: {text}"[:300])
    fl.where = _named_location(str(e))
    return fl


_LOCATION = re.compile(r"([^\s:'\"()]+\.py):(\d+)")


def _named_location(text):
    """(file, line) of the first ``file.py:LINE`` in an error text naming a generated
    program's file, else None."""
    for m in _LOCATION.finditer(text):
        if os.path.basename(m.group(1)).startswith("fuzz_"):
            return m.group(1), int(m.group(2))
    return None
