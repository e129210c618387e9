"""Test helpers: central differences and functions written to real files."""
import importlib.util
import itertools
import os
import sys
import tempfile
import textwrap

import numpy as np

_counter = itertools.count()
_DIR = tempfile.mkdtemp(prefix="srcdiff_tests_")


def load_function(source, name=None, **globals_):
    """Write ``source`` to a real .py file, import it, return the function ``name``."""
    source = textwrap.dedent(source)
    path = os.path.join(_DIR, f"gen_{next(_counter)}.py")
    with open(path, "w") as fh:
        fh.write("import math\nimport numpy as np\n" + source)
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    mod = importlib.util.module_from_spec(spec)
    mod.__dict__.update(globals_)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    if name is None:
        name = [n for n in vars(mod) if callable(vars(mod)[n]) and not n.startswith("_")
                and getattr(vars(mod)[n], "__module__", None) == spec.name][0]
    return getattr(mod, name)


def load_module(source, **globals_):
    """Like load_function, but returns the module."""
    f = load_function(source + "\ndef _marker():\n    pass\n", "_marker", **globals_)
    return sys.modules[f.__module__]


def numeric_grad(f, args, i, eps=1e-6):
    """Central-difference gradient of scalar f w.r.t. args[i] (float or array)."""
    args = list(args)
    x = args[i]
    if isinstance(x, float) or np.ndim(x) == 0:
        x0 = float(x)
        args[i] = x0 + eps
        fp = f(*args)
        args[i] = x0 - eps
        fm = f(*args)
        return (fp - fm) / (2 * eps)
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp = x.copy()
        xp[idx] += eps
        xm = x.copy()
        xm[idx] -= eps
        args[i] = xp
        fp = f(*args)
        args[i] = xm
        fm = f(*args)
        g[idx] = (fp - fm) / (2 * eps)
    return g


def gradient_fd(f, args, i, v, eps=1e-5):
    """Central differences of srcdiff's gradient of f (w.r.t. args[i]) along v:
    the Hessian-vector product that ``hvp`` must match."""
    from srcdiff import grad
    df = grad(f, wrt=i)
    plus, minus = list(args), list(args)
    plus[i] = args[i] + eps * v
    minus[i] = args[i] - eps * v
    return (df(*plus) - df(*minus)) / (2 * eps)


def assert_grads(f, df, args, wrt, rtol=1e-5, atol=1e-6):
    """Check srcdiff's gradient tuple against central differences."""
    got = df(*args)
    if not isinstance(wrt, tuple):
        got, wrt = (got,), (wrt,)
    for g, i in zip(got, wrt):
        want = numeric_grad(f, args, i)
        assert np.shape(g) == np.shape(want), (i, np.shape(g), np.shape(want))
        np.testing.assert_allclose(g, want, rtol=rtol, atol=atol, err_msg=f"argument {i}")


def assert_orders_one_and_two(f, args, i, v):
    """Through the front door, against central differences, w.r.t. ``args[i]`` (a
    vector): ``value_and_grad``'s value, ``grad``, then along ``v``: ``hvp``,
    ``jacobian(grad(f)) @ v`` and ``jvp(f)``'s tangent."""
    import copy

    import srcdiff
    args = list(args)
    # the function's own value, as the gradient's primal sweep computes it
    # (a clean-up pass that moves a read past a write changes it first)
    value, _ = srcdiff.value_and_grad(f, wrt=i)(*copy.deepcopy(args))
    np.testing.assert_allclose(value, f(*copy.deepcopy(args)), rtol=1e-10, atol=1e-12)
    g = numeric_grad(f, args, i)
    np.testing.assert_allclose(srcdiff.grad(f, wrt=i)(*args), g, rtol=1e-6, atol=1e-8)
    want = gradient_fd(f, args, i, v)
    np.testing.assert_allclose(srcdiff.hvp(f, wrt=i)(*args, v), want, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(srcdiff.jacobian(srcdiff.grad(f, wrt=i), wrt=i)(*args) @ v, want,
                               rtol=1e-5, atol=1e-7)
    tangents = [None] * len(args)
    tangents[i] = v
    _, t = srcdiff.jvp(f, tuple(args), tuple(tangents))
    np.testing.assert_allclose(t, g @ v, rtol=1e-6, atol=1e-8)
    # forward over the generated gradient's code: its primal output is the
    # gradient, its tangent the same Hessian-vector product (this runs the
    # gradient's code through the forward transform and the optimizer again)
    primal, t = srcdiff.jvp(srcdiff.grad(f, wrt=i), tuple(args), tuple(tangents))
    np.testing.assert_allclose(primal, g, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(t, want, rtol=1e-5, atol=1e-7)
