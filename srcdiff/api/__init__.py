"""The public transforms: what a user calls.

Each module imports only modules listed after it:

- ``stages``: a function's source after each stage of the pipeline;
- ``nested``: a transform called inside differentiated code;
- ``check``: gradcheck; ``jit``: Numba-compiled gradients;
- ``forward_mode``: jvp, jvp_source, jacobian, hessian, hvp;
- ``reverse_mode``: grad, value_and_grad, vjp, source, show (and call_fwd,
  call_bwd, vjp_caller, the calls generated code makes for recursion);
- ``dispatch``: a gradient transform's variants, one per argument kinds;
- ``deferred``: its variant for unknown kinds, made when first needed;
- ``forward_generate``: the forward pipeline and its cache of Generated code;
- ``generate``: the reverse pipeline (prepare, reverse transform, clean-up,
  codegen) and its cache of Generated code;
- ``vjp_split``: a vjp's code as a forward and a backward function;
- ``cleanup``: the clean-up passes run on a derivative before codegen;
- ``forward_arguments``: a forward-mode call's arguments and tangents as the
  generated code takes them;
- ``parameters``: which parameters a transform differentiates (``wrt``,
  ``*args`` items, bound methods, partials);
- ``arguments``: the kinds of a call's arguments that code is specialised on;
  integer and non-numeric arguments;
- ``jacobian_blocks``: Jacobians nested as tuples, lists and dicts nest;
- ``cache``: the bounded caches of generated code;
- ``arity``: functions with ``*args``.

The stages below reach a transform they need while they run through
``runtime.transforms``, filled here, so no stage imports the API.
"""
from ..runtime import transforms
from . import forward_mode, nested, reverse_mode

transforms.register(call_fwd=reverse_mode.call_fwd, call_bwd=reverse_mode.call_bwd,
                    vjp_caller=reverse_mode.vjp_caller, jvp=forward_mode.jvp,
                    transform_made=nested.transform_made)
