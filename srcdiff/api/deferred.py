"""The variant of a gradient's code for arguments of unknown kinds, deferred:
grad and value_and_grad of a plain function only prepare it when they are made
(its refusals, parse, normalize, inline); the reverse transform waits for the
first call, specialised on its arguments' kinds, or for whatever first needs
the code for unknown kinds (``materialize``)."""
import types

from ..errors import SrcdiffError
from ..frontend.parse import deps_valid
from ..frontend.prepare import prepare
from .cache import LRU, SIZE, key_of, shared_deps
from .generate import _attach

_prepared_early = LRU(SIZE)     # functions grad/value_and_grad prepared: (shared deps, name)


class _DeferredVariant:
    """The deferral of a _Dispatch's variant for unknown kinds (a mixin: it reads
    the _Dispatch's func, mode, options, ``pending``, ``gen``, ``gens`` and
    ``wrapper``, and makes the variant with its ``variant``)."""

    def _deferrable(self):
        """Can the variant for unknown kinds wait (a plain function, no aux)?"""
        return (self.mode in ("grad", "value_and_grad") and not self.has_aux
                and self.bound is None and self.vararg is None
                and type(self.func) is types.FunctionType
                and getattr(self.func, "__srcdiff_dispatch__", None) is None
                and not hasattr(self.func, "__srcdiff_wrapped__"))

    def _prepare_early(self):
        """Prepare the function as its first variant will (pipeline.prepare caches
        it); the name of the generated function. A fresh closure of a ``def``
        prepared before with the same kinds of closure values, globals and helpers
        is not prepared again (cache.py)."""
        from ..frontend.parse import record_lookups, stop_recording
        from ..frontend.prepare import paused_gc
        key = key_of(self.func, (tuple(self.gen_names), self.mode))
        hit = _prepared_early.get(key)
        if hit is not None and deps_valid(hit[0]):
            return hit[1]
        record_lookups()
        try:
            with paused_gc():
                norm = prepare(self.func, self.gen_names, ())
        finally:
            deps = stop_recording()
        name = f"{norm.fs.name}_{'grad' if self.mode == 'grad' else 'value_and_grad'}"
        _prepared_early.put(key, (shared_deps(deps, self.func), name))
        return name

    def materialize(self):
        """Make the variant for arguments of unknown kinds if it was deferred, and
        give the function the transform returned its attributes (``source``, the
        transforms of a gradient and srcdiff.jit read them). ``self.gen`` stays
        the variant generated last."""
        if not self.pending:
            return
        last = self.gen
        try:
            self.variant(None)
        except SrcdiffError as e:
            if not getattr(e, "object_read", False):
                raise
        self.pending = False
        gen = self.gens.get(None)
        if last is not None:
            self.gen = last
        wrapper = self.wrapper() if self.wrapper is not None else None
        if wrapper is not None and gen is not None:
            _attach(wrapper, gen)
        elif wrapper is not None:
            # (no code for unknown kinds: it reads attributes of an object argument;
            # its parameters are the function's, as _finish gives them)
            wrapper.__srcdiff_wrapped__ = self.func
