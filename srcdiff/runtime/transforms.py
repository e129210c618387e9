"""The public transforms, as the stages below ``srcdiff.api`` reach them.

Three places below the API need a transform while they run:

- ``frontend.values``: a transform called inside differentiated code
  (``srcdiff.grad(g)`` in ``f``) is replaced by the code the transform makes
  (``api.nested.transform_made``);
- ``reverse.transform``: a call it does not inline (recursion) runs the
  callee's generated forward and backward functions (``call_fwd``,
  ``call_bwd``), which generated code names;
- ``rules.integrate``: the adjoint of an ODE solve differentiates the user's
  right-hand side at run time (``jvp``, ``vjp_caller``).

``srcdiff.api`` registers them when it is imported (``srcdiff/__init__.py``
imports it first), so imports flow one way: from the API down to here.
"""

_TABLE = {}


def register(**transforms):
    """Make ``transforms`` (name -> function) available to the stages below the API."""
    _TABLE.update(transforms)


def get(name):
    """The transform registered under ``name``."""
    try:
        return _TABLE[name]
    except KeyError:
        raise LookupError(f"srcdiff.api has not registered {name!r}: import srcdiff first") \
            from None
