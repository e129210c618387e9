"""SrcdiffError: everything the library refuses, with the user's file and line."""


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


class SourceLocation:
    """Maps line numbers of a parsed (dedented) source back to the user's file."""

    def __init__(self, filename, first_line, lines):
        self.filename = filename
        self.first_line = first_line  # line number in the file of the source's line 1
        self.lines = lines  # the source lines as written (dedented)

    def lineno(self, node):
        n = getattr(node, "srcline", None) or getattr(node, "lineno", None)
        if n is None:
            return None
        return self.first_line + n - 1

    def text(self, node):
        n = getattr(node, "srcline", None) or getattr(node, "lineno", None)
        if n is None or not (1 <= n <= len(self.lines)):
            return None
        return self.lines[n - 1].strip()

    def error(self, node, message, hint=None):
        return SrcdiffError(message, self.filename, self.lineno(node), hint)
