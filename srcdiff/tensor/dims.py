"""PyTorch's dimension arguments as NumPy's: ``dim``/``keepdim`` as
``axis``/``keepdims``, ``*shape`` as a shape tuple."""


def _check_dims(dims, ndim):
    """PyTorch accepts dim 0 and -1 on a 0-d Tensor (as if it had one dimension)."""
    for d in dims:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {d})")


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def _axis(dim, axis, t=None):
    """The NumPy axis of ``dim``; None on a 0-d Tensor ``t``, where PyTorch
    accepts dim 0 and -1 (as if it had one dimension)."""
    if axis is not None:
        dim = axis
    if isinstance(dim, list):
        dim = tuple(dim)
    if dim is not None and t is not None and t._data.ndim == 0:
        _check_dims(dim if isinstance(dim, tuple) else (dim,), 0)
        return None
    return dim


def _keep(keepdim, keepdims):
    return bool(keepdims) if keepdims is not None else bool(keepdim)
