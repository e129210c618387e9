"""Refusals raised while generated code runs: a derivative srcdiff does not
implement, or one with no closed form. Each names the user's file and line of
the statement whose derivative is running, never returning a wrong number."""
from ..errors import SrcdiffError
from .origins import user_location


def unsupported(what):
    """Raise: a derivative srcdiff does not implement (never a wrong number).
    Raised while generated code runs, the error names the user's file and line
    of the statement being differentiated."""
    filename, lineno = user_location()
    raise SrcdiffError(f"srcdiff has no rule for {what}", filename, lineno,
                       hint="register one with srcdiff.vjp_rule / srcdiff.jvp_rule")


def no_closed_form(function, param):
    """Raise: the derivative of ``function`` (its public path) w.r.t. ``param``
    has no closed form. The error names the user's file and line of the call
    whose generated derivative code is running."""
    filename, line = user_location()
    held = f"'{param}'" if param.isidentifier() else param
    raise SrcdiffError(f"the derivative of {function} w.r.t. {param} has no closed form: refused",
                       filename, line,
                       hint=f"hold {held} constant (differentiate w.r.t. the other arguments), or "
                            f"register a rule for a numerical derivative with srcdiff.vjp_rule / srcdiff.jvp_rule")
