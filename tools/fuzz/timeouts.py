"""A time limit on a call (SIGALRM, in the main thread only)."""
from __future__ import annotations

import signal
import threading


class _Timeout(Exception):
    pass


def _with_timeout(seconds, fn, *args, **kw):
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        return fn(*args, **kw)

    def handler(signum, frame):
        raise _Timeout()
    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args, **kw)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
