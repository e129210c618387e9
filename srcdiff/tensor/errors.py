"""The error the Tensor shim raises when a Tensor is misused."""
from ..errors import SrcdiffError

__all__ = ["TensorError"]


class TensorError(SrcdiffError, RuntimeError):
    """A misuse of the Tensor shim (both a ``SrcdiffError`` and a ``RuntimeError``,
    as PyTorch raises ``RuntimeError`` for the same mistakes)."""
