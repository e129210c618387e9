"""The libraries compared: srcdiff and its peers (autograd, PyTorch, JAX),
imported lazily (a missing one makes its column "n/a"), their column names,
and a workload's gradient as a zero-argument callable in each of them."""
import numpy as np

from benchmarks import _threads
from benchmarks import workloads as W
from benchmarks.report import short_error

LIBS = ("hand", "srcdiff", "autograd", "torch", "jax", "jax_jit", "jit")
LABELS = {"f": "f alone", "hand": "hand-written", "srcdiff": "srcdiff",
          "autograd": "autograd", "torch": "PyTorch eager",
          "jax": "JAX grad, no jit", "jax_jit": "JAX jit(grad)"}


class NA(Exception):
    """A column that cannot run here (library or API missing)."""


class Libs:
    """The libraries, each imported on first use (then cached, with the
    reason when it cannot be)."""

    def __init__(self, threads):
        self.threads = threads
        self._cache = {}
        self.versions = {}

    def get(self, name):
        if name in self._cache:
            mod, err = self._cache[name]
            if err:
                raise NA(err)
            return mod
        try:
            mod = getattr(self, "_load_" + name)()
            self._cache[name] = (mod, None)
            return mod
        except NA as e:
            self._cache[name] = (None, str(e))
            raise
        except Exception as e:      # broken install, etc.
            self._cache[name] = (None, "%s import failed: %s" % (
                name, short_error(e)))
            raise NA(self._cache[name][1])

    def describe(self, name):
        """``name version``, or why the library is not available."""
        try:
            self.get(name)
        except NA as e:
            return "%s: n/a (%s)" % (name, e)
        return "%s %s" % (name, self.versions.get(name, "?"))

    def _load_srcdiff(self):
        try:
            import srcdiff
        except ImportError as e:
            raise NA("srcdiff not importable: %s" % e)
        self.versions["srcdiff"] = getattr(srcdiff, "__version__", "?")
        return srcdiff

    def _load_autograd(self):
        try:
            import autograd
            import autograd.numpy  # noqa: F401
        except ImportError:
            raise NA("autograd not installed")
        try:
            from importlib.metadata import version
            self.versions["autograd"] = version("autograd")
        except Exception:
            self.versions["autograd"] = "?"
        return autograd

    def _load_torch(self):
        try:
            import torch
        except ImportError:
            raise NA("torch not installed")
        if self.threads > 0:
            torch.set_num_threads(self.threads)
            try:
                torch.set_num_interop_threads(1)
            except RuntimeError:
                pass
        self.versions["torch"] = torch.__version__
        _threads.pin_runtime(self.threads)   # torch brings its own libgomp
        return torch

    def _load_jax(self):
        try:
            import jax
        except ImportError:
            raise NA("jax not installed")
        jax.config.update("jax_enable_x64", True)
        jax.config.update("jax_platforms", "cpu")
        self.versions["jax"] = jax.__version__
        return jax

    def api(self, name):
        """``srcdiff.<name>`` or NA."""
        srcdiff = self.get("srcdiff")
        fn = getattr(srcdiff, name, None)
        if fn is None:
            raise NA("srcdiff.%s not available yet" % name)
        return fn


def torch_args(torch, args, wrt):
    out = []
    for i, a in enumerate(args):
        if isinstance(a, bool) or isinstance(a, (int, np.integer)):
            out.append(a)
        elif isinstance(a, float):
            out.append(torch.tensor(a, dtype=torch.float64,
                                    requires_grad=i in wrt))
        else:
            t = torch.from_numpy(np.array(a, dtype=np.float64, copy=True))
            out.append(t.requires_grad_(i in wrt))
    return out


def jax_args(jax, args, static):
    import jax.numpy as jnp
    return [a if (i in static or isinstance(a, float)) else jnp.asarray(a)
            for i, a in enumerate(args)]


def grad_callable(libs, key, wl, args):
    """A zero-arg callable computing the gradient of ``wl`` at ``args``
    with library ``key``."""
    wrt = wl.wrt
    if key == "hand":
        return lambda: wl.hand(*args)
    if key == "srcdiff":
        grad = libs.api("grad")
        df = grad(wl.f, wrt=wrt)
        return lambda: df(*args)
    if key == "autograd":
        ag = libs.get("autograd")
        import autograd.numpy as anp
        f = wl.autograd_f or W.rebind(wl.f, np=anp)

        def packed(ws):
            a = list(args)
            for p, w in zip(wrt, ws):
                a[p] = w
            return f(*a)
        g = ag.grad(packed)
        ws = tuple(args[p] for p in wrt)
        return lambda: g(ws)
    if key == "torch":
        torch = libs.get("torch")
        if wl.torch_f is None:
            raise NA("no torch version")
        targs = torch_args(torch, args, wrt)
        params = [targs[p] for p in wrt]
        f = wl.torch_f

        def run():
            return torch.autograd.grad(f(*targs), params)
        return run
    if key in ("jax", "jax_jit"):
        jax = libs.get("jax")
        import jax.numpy as jnp
        f = wl.jax_f or W.rebind(wl.f, np=jnp)
        jargs = jax_args(jax, args, wl.static)
        g = jax.grad(f, argnums=wrt)
        if key == "jax_jit":
            g = jax.jit(g, static_argnums=wl.static)

        def run():
            return jax.block_until_ready(g(*jargs))
        return run
    raise NA("unknown column %s" % key)
