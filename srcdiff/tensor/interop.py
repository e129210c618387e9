"""NumPy's protocols on Tensors: ``np.sin(t)``, ``np.sum(t)``, ``out=t``
(``__array_ufunc__``, ``__array_function__``)."""
import numpy as np

from ..errors import SrcdiffError
from ..rules import qualified_name
from .core import Tensor, _new, tensor_methods
from .grad_mode import _state
from .recording import _apply


@tensor_methods
class NumpyProtocols:
    """NumPy functions called on Tensors run through ``_apply``."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.pop("out", None)
        func = ufunc if method == "__call__" else getattr(ufunc, method)
        if method == "at":
            if isinstance(inputs[0], Tensor):
                raise SrcdiffError(f"{qualified_name(ufunc)}.at modifies a Tensor in place",
                                   hint="use an out-of-place expression")
            return _apply(func, inputs, kwargs)
        result = _apply(func, inputs, kwargs)
        if out is not None:
            return _write_out(out, result)
        return result

    def __array_function__(self, func, types, args, kwargs):
        if func in _INPLACE_NUMPY and args and isinstance(args[0], Tensor):
            raise SrcdiffError(f"{qualified_name(func)} modifies its first argument in place, "
                               "which a Tensor does not allow",
                               hint="use indexing assignment t[idx] = value")
        out = kwargs.pop("out", None) if "out" in kwargs else None
        result = _apply(func, args, kwargs)
        if out is not None:
            return _write_out(out, result)
        return result


_INPLACE_NUMPY = {np.copyto, np.put, np.place, np.putmask, np.fill_diagonal,
                  np.put_along_axis}


def _write_out(out, result):
    """NumPy's ``out=`` with Tensors: Tensors are updated as by an in-place op."""
    single = not isinstance(out, tuple)
    outs = (out,) if single else out
    results = (result,) if single or len(outs) == 1 else result
    for o, r in zip(outs, results):
        if isinstance(o, Tensor):
            o._check_inplace()
            o._assign(r if isinstance(r, Tensor) else _new(np.asarray(r)))
        elif o is not None:
            if isinstance(r, Tensor) and r._rg and _state.enabled:
                raise SrcdiffError("out= is a plain array but the result requires grad: its "
                                   "gradient would be lost", hint="drop out=")
            np.copyto(o, r._data if isinstance(r, Tensor) else r)
    return out[0] if not single and len(outs) == 1 else out
