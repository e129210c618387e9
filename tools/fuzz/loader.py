"""Generated programs written to real ``.py`` files (in one temporary directory)
and imported."""
from __future__ import annotations

import importlib.util
import itertools
import os
import sys
import tempfile
import threading


_TMP = None
_load_counter = itertools.count()
_load_lock = threading.Lock()
def _tmpdir():
    global _TMP
    if _TMP is None:
        _TMP = tempfile.mkdtemp(prefix="srcdiff_fuzz_")
    return _TMP
def load_module(source, extra=None, tag="prog"):
    """Write ``source`` to a real file, import it, return the module."""
    with _load_lock:
        k = next(_load_counter)
    name = f"fuzz_{tag}_{os.getpid()}_{k}"
    path = os.path.join(_tmpdir(), name + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    if extra:
        mod.__dict__.update(extra)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod
