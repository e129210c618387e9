"""SrcdiffError: everything the library refuses, with the user's file and line."""
import re
from contextlib import contextmanager

from .ir import anno


class SrcdiffError(Exception):
    """Raised for anything srcdiff cannot (or will not) differentiate.

    The message names the construct, the file and line of the user's source
    where it stands (when known), and what to do instead.
    """

    def __init__(self, message, filename=None, lineno=None, hint=None):
        self.construct_message = message
        self.filename = filename
        self.lineno = lineno
        self.hint = hint
        text = message
        if filename is not None:
            text = f"{filename}:{lineno if lineno is not None else '?'}: {text}"
        if hint:
            text = f"{text}\n  hint: {hint}"
        super().__init__(text)

    def with_names(self, user_name):
        """The same error with every name the transform made (``y_2``) written as
        the name it was made from (``y``) -- ``user_name`` maps one name."""
        def fix(text):
            if text is None:
                return None
            return re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: user_name(m.group(0)), text)
        message, hint = fix(self.construct_message), fix(self.hint)
        if (message, hint) == (self.construct_message, self.hint) \
                or type(self) is not SrcdiffError:
            return self
        new = SrcdiffError(message, self.filename, self.lineno, hint)
        if hasattr(self, "object_read"):
            new.object_read = self.object_read     # (api._Dispatch: known at the call)
        return new


@contextmanager
def user_names(names):
    """Errors raised inside name the user's variables (``y``), not the versions
    the transform made of them (``y_2``); ``names`` is the NameGen that made them."""
    try:
        yield
    except SrcdiffError as e:
        new = e.with_names(names.user_name)
        if new is e:
            raise
        raise new.with_traceback(e.__traceback__) from None


class SourceLocation:
    """Maps line numbers of a parsed (dedented) source back to the user's file."""

    def __init__(self, filename, first_line, lines):
        self.filename = filename
        self.first_line = first_line  # line number in the file of the source's line 1
        self.lines = lines  # the source lines as written (dedented)

    def lineno(self, node):
        n = anno.get(node, "srcline") or getattr(node, "lineno", None)
        if n is None:
            return None
        return self.first_line + n - 1

    def text(self, node):
        n = anno.get(node, "srcline") or getattr(node, "lineno", None)
        if n is None or not (1 <= n <= len(self.lines)):
            return None
        return self.lines[n - 1].strip()

    def error(self, node, message, hint=None):
        return SrcdiffError(message, self.filename, self.lineno(node), hint)
