"""What the shim cannot express: autograd's internals."""
import types


class HarnessError(Exception):
    """The shim cannot express this autograd feature: the test is excluded."""


class Internal:
    """An autograd internal (vspace, Box, primitive, defvjp, ...): any use raises."""

    def __init__(self, name):
        self._name = name

    def __call__(self, *args, **kwargs):
        raise HarnessError(f"autograd internal {self._name} cannot be expressed with srcdiff")

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return Internal(f"{self._name}.{attr}")

    def __mro_entries__(self, bases):
        raise HarnessError(f"autograd internal {self._name} cannot be subclassed with srcdiff")


class _InternalModule(types.ModuleType):
    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return Internal(f"{self.__name__}.{attr}")


def internal_module(name):
    return _InternalModule(name)
