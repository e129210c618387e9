"""The front half of every transform: parse, normalize, inline user calls.

``prepare(func)`` gives the normalized function both the reverse and the
forward transforms start from (cached per function object).
"""
import threading

from .errors import user_names
from .normalize import normalize
from .parse import parse_function

__all__ = ["prepare"]

_lock = threading.RLock()


def prepare(func, wrt=()):
    """Parse and normalize ``func``; calls into user functions whose results
    may depend on ``wrt`` are inlined (see inline.py)."""
    from .inline import inline_calls
    from .templates import HelperEnv
    fs = parse_function(func)
    norm = normalize(fs)
    norm.env = HelperEnv(norm.names, fs.globals, fs.closure)
    for free in sorted(fs.closure):
        norm.env.objects[free] = fs.closure[free]   # the user's closure variables, as they are
    fs.extra = norm.env.objects
    with user_names(norm.names):
        return inline_calls(norm, wrt)
