"""NumPy calls that write into an argument, made item stores.

``np.f(a, b, out=y)``, ``np.copyto(y, v)``, ``np.add.at(y, i, v)``,
``np.put(y, i, v)``, ``rng.shuffle(y)``, ...: written as ``y[...] = new``, so
every analysis of in-place writes sees them.
"""

import gast
import numpy as np

from ... import runtime
from ...ir import anno
from ...ir.syntax import assign, const, load, names_read, resolve_static, subscript
from .call_kinds import first_argument_writer, numpy_callable, scatter_adder


class OutArguments:
    """The inliner's part that writes calls into arguments as item stores."""

    def _write_as_store(self, s):
        """``np.f(a, b, out=y)`` is ``y[...] = np.f(a, b)`` and ``np.copyto(y, v)`` is
        ``y[...] = v``: written as item stores, so every analysis of in-place
        writes (loop-carried values, restores in the adjoint sweep, aliasing) sees
        them, and a differentiated value written there is differentiated. Returns
        the replacing statements, or None."""
        value = s.value if isinstance(s, (gast.Expr, gast.Assign)) else None
        if not isinstance(value, gast.Call) or (
                isinstance(s, gast.Assign) and not isinstance(s.targets[0], gast.Name)):
            return None
        try:
            func = resolve_static(self.fs, value.func, self.local_names)
        except (KeyError, AttributeError):
            return None
        line = anno.get(s, "srcline")
        adder = scatter_adder(func)
        if func is np.copyto and len(value.args) == 2 and not value.keywords \
                and isinstance(value.args[0], gast.Name):
            target, new = value.args[0].id, value.args[1]
            made = []
        elif adder is not None and len(value.args) == 3 and not value.keywords \
                and isinstance(value.args[0], gast.Name):
            # np.add.at(y, i, v) / np.subtract.at: a copy with the additions, which
            # has derivative rules, written back
            if isinstance(s, gast.Assign):
                return None
            target = value.args[0].id
            made_name = self.names.fresh(target + "_new")
            made = [assign(made_name, gast.Call(
                func=self.env.ref(adder, adder.__name__),
                args=list(value.args), keywords=[]), line)]
            new = load(made_name)
        elif first_argument_writer(func) and value.args \
                and isinstance(value.args[0], gast.Name) \
                and not names_read(value) & self.varied:
            # np.add.at(y, i, v), np.put(y, i, v), rng.shuffle(y), ...: the call is made
            # on a copy, which is then written back
            target = value.args[0].id
            made_name = self.names.fresh(target + "_new")
            made = [assign(made_name, gast.Call(
                func=self.env.ref(runtime.written_copy, "written_copy"),
                args=[value.func] + list(value.args), keywords=value.keywords), line)]
            new = load(made_name)
            if isinstance(s, gast.Assign):
                return None
        else:
            outs = [k for k in value.keywords if k.arg == "out"]
            if len(outs) != 1 or not isinstance(outs[0].value, gast.Name) \
                    or not numpy_callable(func):
                return None
            target = outs[0].value.id
            made_name = self.names.fresh(target + "_new")
            stripped = gast.Call(func=value.func, args=value.args,
                                 keywords=[k for k in value.keywords if k.arg != "out"])
            made = [assign(made_name, stripped, line)]
            new = load(made_name)
        write = gast.Assign(targets=[subscript(load(target), const(Ellipsis))], value=new,
                            type_comment=None)
        write.targets[0].ctx = gast.Store()
        anno.set(write, "srcline", line)
        stmts = made + [write]
        if isinstance(s, gast.Assign):    # the call returns its out argument
            stmts.append(assign(s.targets[0].id, load(target), line))
        return stmts
