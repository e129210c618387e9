"""ndarray methods and attributes, mapped to the NumPy functions whose rules apply.

``x.sum(axis=0)`` is differentiated as ``np.sum(x, axis=0)``; ``x.T`` as
``np.transpose(x)``. Methods whose NumPy twin takes a shape or axes tuple
accept both call styles (``x.reshape(2, 3)`` and ``x.reshape((2, 3))``).
"""
import numpy as np

# method name -> (numpy function, True if extra positional args form one tuple)
METHODS = {
    "sum": (np.sum, False), "mean": (np.mean, False), "prod": (np.prod, False),
    "max": (np.max, False), "min": (np.min, False), "std": (np.std, False),
    "var": (np.var, False), "cumsum": (np.cumsum, False), "cumprod": (np.cumprod, False),
    "dot": (np.dot, False), "ptp": (np.ptp, False), "clip": (np.clip, False),
    "reshape": (np.reshape, True), "transpose": (np.transpose, True),
    "ravel": (np.ravel, False), "flatten": (np.ravel, False), "squeeze": (np.squeeze, False),
    "swapaxes": (np.swapaxes, False), "copy": (np.copy, False), "conj": (np.conj, False),
    "conjugate": (np.conj, False), "trace": (np.trace, False), "diagonal": (np.diagonal, False),
    "repeat": (np.repeat, False), "take": (np.take, False), "round": (np.round, False),
    "argmax": (np.argmax, False), "argmin": (np.argmin, False), "argsort": (np.argsort, False),
    "nonzero": (np.nonzero, False), "all": (np.all, False), "any": (np.any, False),
    "astype": (np.astype, False), "searchsorted": (np.searchsorted, False),
    "argpartition": (np.argpartition, False),
}


def _item_method():
    """``x.item(...)``: the rule table's function for it."""
    from .items import array_item
    return array_item


METHODS["item"] = (_item_method(), True)

# attribute -> numpy function of the array (None: not differentiable, e.g. shapes)
ATTRIBUTES = {
    "T": np.transpose, "mT": np.matrix_transpose, "real": np.real, "imag": np.imag,
    "shape": None, "ndim": None, "size": None, "dtype": None, "itemsize": None,
    "nbytes": None, "strides": None,
}


def _linalg_fields():
    """The fields of np.linalg's named-tuple results (``r.S``, ``r.eigenvalues``)."""
    from .linalg import FIELD_READERS
    return FIELD_READERS


ATTRIBUTES.update(_linalg_fields())


def _ivp_fields():
    """The fields of scipy.integrate.solve_ivp's result (``sol.y``, ``sol.t``)."""
    from .integrate import IVP_FIELD_READERS
    return IVP_FIELD_READERS


ATTRIBUTES.update(_ivp_fields())

# methods with no derivative that never carry one (containers, conversions)
NONDIFF_METHODS = {"keys", "index", "count", "startswith", "endswith",
                   "format", "join", "split", "lower", "upper", "strip"}

# methods that change their receiver in place (``x = lst.pop()`` with no argument
# is differentiated; the others are refused on a differentiated receiver)
MUTATING_METHODS = {"append", "extend", "insert", "pop", "remove", "clear", "sort",
                    "reverse", "update", "setdefault", "popitem", "fill", "resize",
                    "put", "itemset", "partition", "setfield", "byteswap"}
