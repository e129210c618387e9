"""Which user function each piece of generated code derives from.

Codegen registers the origin of every compiled piece under the file name it
compiles it as (and releases it with the piece); errors raised while generated
code runs read it back to name the user's file and line.
"""
import linecache
import os
import re
import sys

_ORIGINS = {}


def register_origin(code_filename, origin):
    """Record that the code compiled under ``code_filename`` derives from the
    user's function ``origin`` (code made from generated code derives from the
    user's function too)."""
    code_of = origin.__code__
    _ORIGINS[code_filename] = _ORIGINS.get(code_of.co_filename) or (
        origin.__qualname__, code_of.co_filename, code_of.co_firstlineno)


def release_origin(code_filename):
    """Forget the origin of the code compiled under ``code_filename``."""
    _ORIGINS.pop(code_filename, None)


def origin_of(code_filename):
    """(qualified name, file, line) of the user's function the generated code
    compiled under ``code_filename`` derives from, or None."""
    return _ORIGINS.get(code_filename)


def user_location():
    """(file, line) of the user's statement whose generated code calls this
    (read from the ``# source  [file.py:line]`` comment above it), else the
    user's function's first line, else (None, None)."""
    frame = sys._getframe(1)
    while frame is not None:
        origin = origin_of(frame.f_code.co_filename)
        if origin is not None:
            _, filename, first = origin
            for text in reversed(linecache.getlines(frame.f_code.co_filename)[:frame.f_lineno]):
                m = re.match(r"\s*#.*\[([^\[\]:]+):(\d+)\]\s*$", text)
                if m:
                    if m.group(1) == os.path.basename(filename):
                        return filename, int(m.group(2))
                    break
            return filename, first
        frame = frame.f_back
    return None, None
