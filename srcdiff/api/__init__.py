"""The public transforms: what a user calls.

``reverse_mode``: grad, value_and_grad, vjp, source, show; ``forward_mode``:
jvp, jacobian, hessian, hvp; ``check``: gradcheck; ``jit``: Numba-compiled
gradients; ``nested``: a transform called inside differentiated code;
``cache``: the bounded caches of generated code; ``arity``: functions with
``*args``.

The stages below reach a transform they need while they run through
``runtime.transforms``, filled here, so no stage imports the API.
"""
from ..runtime import transforms
from . import forward_mode, nested, reverse_mode

transforms.register(call_fwd=reverse_mode.call_fwd, call_bwd=reverse_mode.call_bwd,
                    vjp_caller=reverse_mode.vjp_caller, jvp=forward_mode.jvp,
                    transform_made=nested.transform_made)
