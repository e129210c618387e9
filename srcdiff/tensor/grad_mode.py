"""Grad mode: whether operations on Tensors are recorded, per thread
(``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``is_grad_enabled``)."""
import functools
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"]

_new_object = object.__new__


class _GradState(threading.local):
    """The grad mode of the current thread (read by every recording operation)."""
    enabled = True


_state = _GradState()


def is_grad_enabled():
    """Whether operations on Tensors are recorded (in the current thread)."""
    return _state.enabled


class _GradMode:
    """Base of ``no_grad`` / ``enable_grad``: a context manager and a decorator,
    usable as ``@no_grad()`` and as bare ``@no_grad``."""

    _mode = True

    def __new__(cls, func=None):
        self = _new_object(cls)
        self._prev = []
        if func is not None:
            if not callable(func):
                raise TypeError(f"{cls.__name__}() takes no arguments (got {func!r})")
            return self(func)
        return self

    def __enter__(self):
        self._prev.append(_state.enabled)
        _state.enabled = self._mode
        return self

    def __exit__(self, *exc):
        _state.enabled = self._prev.pop()
        return False

    def __call__(self, func):
        cls = type(self)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with cls():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_GradMode):
    """Switch graph recording off: ``with no_grad(): ...`` or ``@no_grad()``."""
    _mode = False


class enable_grad(_GradMode):
    """Switch graph recording on (inside ``no_grad``): a context manager and decorator."""
    _mode = True


class set_grad_enabled(_GradMode):
    """``set_grad_enabled(mode)``: sets the mode at once, and restores it when
    used as a context manager."""

    def __new__(cls, mode):
        self = _new_object(cls)
        self._mode = bool(mode)
        self._prev = [_state.enabled]
        _state.enabled = self._mode
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _state.enabled = self._prev.pop()
        return False

    def __call__(self, func):
        mode = self._mode
        _state.enabled = self._prev.pop()   # used as a decorator: undo the immediate switch

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            prev = _state.enabled
            _state.enabled = mode
            try:
                return func(*args, **kwargs)
            finally:
                _state.enabled = prev
        return wrapper
