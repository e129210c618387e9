"""Creating Tensors: ``tensor``, ``as_tensor``, ``from_numpy``, ``zeros``,
``ones``, ``full``, ``rand``, ``randn``, ``linspace``, ``arange``, the
``*_like`` functions, and ``manual_seed`` for the random ones."""
import numpy as np

from .core import Tensor, _as_data, _new


def _finish(data, requires_grad):
    t = _new(data)
    if requires_grad:
        t.requires_grad = True
    return t


def tensor(data, dtype=None, requires_grad=False):
    """A new leaf Tensor holding a copy of ``data``."""
    if isinstance(data, Tensor):
        data = data._data
    return _finish(np.array(data, dtype=dtype), requires_grad)


def as_tensor(data, dtype=None):
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtype):
        return data
    return _new(_as_data(data, dtype))


def from_numpy(array):
    """A Tensor sharing memory with ``array``."""
    return _new(array)


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(size)


def zeros(*size, dtype=None, requires_grad=False):
    return _finish(np.zeros(_size(size), dtype=dtype or np.float64), requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    return _finish(np.ones(_size(size), dtype=dtype or np.float64), requires_grad)


def empty(*size, dtype=None, requires_grad=False):
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    if isinstance(size, int):
        size = (size,)
    return _finish(np.full(tuple(size), fill_value, dtype=dtype), requires_grad)


def rand(*size, dtype=None, requires_grad=False):
    """Uniform on [0, 1) (NumPy's global generator: ``manual_seed`` / ``np.random.seed``)."""
    data = np.asarray(np.random.random_sample(_size(size)))
    return _finish(data.astype(dtype) if dtype else data, requires_grad)


def randn(*size, dtype=None, requires_grad=False):
    """Standard normal (NumPy's global generator)."""
    data = np.asarray(np.random.standard_normal(_size(size)))
    return _finish(data.astype(dtype) if dtype else data, requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False):
    return _finish(np.linspace(start, end, steps, dtype=dtype), requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    data = np.arange(start, dtype=dtype) if end is None else \
        np.arange(start, end, step, dtype=dtype)
    return _finish(data, requires_grad)


def zeros_like(t, dtype=None, requires_grad=False):
    return _finish(np.zeros_like(_as_data(t), dtype=dtype), requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    return _finish(np.ones_like(_as_data(t), dtype=dtype), requires_grad)


def full_like(t, fill_value, dtype=None, requires_grad=False):
    return _finish(np.full_like(_as_data(t), fill_value, dtype=dtype), requires_grad)


def rand_like(t, dtype=None, requires_grad=False):
    d = _as_data(t)
    return rand(*d.shape, dtype=dtype or d.dtype, requires_grad=requires_grad)


def randn_like(t, dtype=None, requires_grad=False):
    d = _as_data(t)
    return randn(*d.shape, dtype=dtype or d.dtype, requires_grad=requires_grad)


def manual_seed(seed):
    """Seed the generator used by ``rand``, ``randn`` and ``nn`` initialisation."""
    np.random.seed(seed)
